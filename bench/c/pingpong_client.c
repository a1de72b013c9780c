/*
 * The calling end of the C ppcall ping-pong: 'S', then ROUNDS protected calls with empty
 * messages, then 'E'. The bench times the run between the two characters.
 */
#include <microkit.h>

#define SERVER 0
#define ROUNDS 200000

void init(void)
{
    microkit_dbg_putc('S');
    for (int i = 0; i < ROUNDS; i++) {
        microkit_ppcall(SERVER, microkit_msginfo_new(0, 0));
    }
    microkit_dbg_putc('E');
}

void notified(microkit_channel ch)
{
}
