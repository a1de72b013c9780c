/* spsc on 4 cores (C): the reporter on core 3 maps the ring read-only and, once the consumer has
 * seen the end, reads both indices. */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "spsc.h"

#define CONSUMER 0

uintptr_t queue;

void init(void)
{
}

void notified(microkit_channel ch)
{
    if (ch != CONSUMER)
        return;
    struct spsc_queue *q = (struct spsc_queue *)queue;
    uint32_t tail = spsc_load(&q->tail);
    uint32_t head = spsc_load(&q->head);
    char line[96];
    snprintf(line, sizeof line, "reporter: core 3, ring tail %u, head %u: %s\n", (unsigned)tail,
             (unsigned)head, tail == head ? "empty" : "not empty");
    microkit_dbg_puts(line);
}
