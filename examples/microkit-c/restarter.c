/*
 * hierarchy: the restarter PD (priority 254) handles its children's faults: it
 * restarts a crashed child at the program entry (0x200000) nine times, then
 * stops it.
 */
#include <microkit.h>

static int restart_count;

void init(void)
{
    microkit_dbg_puts("restarter: starting\n");
}

void notified(microkit_channel ch)
{
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    microkit_dbg_puts("restarter: received fault message for child pd: ");
    microkit_dbg_put32(child);
    microkit_dbg_puts("\n");
    restart_count++;
    if (restart_count < 10) {
        microkit_pd_restart(child, 0x200000);
        microkit_dbg_puts("restarter: restarted\n");
    } else {
        microkit_pd_stop(child);
        microkit_dbg_puts("restarter: too many restarts - PD stopped\n");
    }
    return seL4_False;
}
