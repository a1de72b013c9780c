/* shared_memory (C): prints each message the producer left in the shared region. */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "shm.h"

#define PRODUCER 2

uintptr_t buffer;
uint32_t received;

void init(void)
{
    received = 0;
}

void notified(microkit_channel ch)
{
    if (ch != PRODUCER)
        return;
    const struct shm *m = (const struct shm *)buffer;
    char line[96];
    received = m->seq;
    snprintf(line, sizeof line, "consumer: %u: '%s'\n", (unsigned)received, m->text);
    microkit_dbg_puts(line);
    microkit_notify(PRODUCER);
}
