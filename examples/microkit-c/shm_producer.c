/* shared_memory (C): writes numbered messages into the shared region and notifies the consumer. */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "shm.h"

#define CONSUMER 1

uintptr_t buffer;
static uint32_t sent;

static void send(void)
{
    struct shm *m = (struct shm *)buffer;
    sent++;
    snprintf(m->text, sizeof m->text, "message %u", (unsigned)sent);
    m->seq = sent;
    microkit_notify(CONSUMER);
}

void init(void)
{
    send();
}

void notified(microkit_channel ch)
{
    if (ch != CONSUMER)
        return;
    if (sent < MESSAGES)
        send();
    else
        microkit_dbg_puts("producer: done\n");
}
