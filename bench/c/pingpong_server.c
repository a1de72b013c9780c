/* The passive end of the C ppcall ping-pong (bench/pingpong.system): answers every call at once. */
#include <microkit.h>

void init(void)
{
}

void notified(microkit_channel ch)
{
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    return microkit_msginfo_new(0, 0);
}
