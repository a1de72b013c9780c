/* spsc on 4 cores (C): the starter, on core 0 below the monitor, begins the stream. */
#include <microkit.h>

#define PRODUCER 0

void init(void)
{
    microkit_dbg_puts("starter: core 0; producer on core 1, consumer on core 2, reporter on core 3\n");
    microkit_notify(PRODUCER);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
