/* passive_server: the server PD (passive, priority 100). It runs on its client's SC when called. */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("SERVER|INFO: init function running\n");
}

void notified(microkit_channel ch)
{
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)microkit_mr_get(0);
    microkit_dbg_puts("SERVER|INFO: running on clients scheduling context\n");
    return microkit_msginfo_new(0, 0);
}
