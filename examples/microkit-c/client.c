/* passive_server: the client PD (priority 99) calls the passive server with label 1, count 1. */
#include <microkit.h>

#define SERVER_CHANNEL 0

void init(void)
{
    microkit_dbg_puts("CLIENT|INFO: init function running\n");
    microkit_mr_set(0, 0);
    microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(1, 1));
}

void notified(microkit_channel ch)
{
}
