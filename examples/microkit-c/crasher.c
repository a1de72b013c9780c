/* hierarchy: the crasher PD writes to address 0 in init, a VM fault its parent handles. */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("crasher, starting\n");
    *(volatile seL4_Uint32 *)0 = 0;
}

void notified(microkit_channel ch)
{
}
