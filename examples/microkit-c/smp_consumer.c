/* spsc on 4 cores (C): the consumer on core 2 drains the ring when notified, checks each batch,
 * and tells the reporter when the stream has ended. */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "spsc.h"

#define PRODUCER 0
#define REPORTER 1

uintptr_t queue;
static uint32_t in_batch, items, batches;
static uint32_t sum = CHECKSUM_INIT;
static int ended;

static void consume(const struct spsc_slot *it)
{
    char line[112];
    if (it->tag == END_OF_STREAM) {
        char ok[40];
        if (it->value == items)
            snprintf(ok, sizeof ok, "all there");
        else
            snprintf(ok, sizeof ok, "expected %lu", (unsigned long)it->value);
        snprintf(line, sizeof line, "consumer: core 2, end of stream: %u batches, %u items (%s)\n",
                 (unsigned)batches, (unsigned)items, ok);
        microkit_dbg_puts(line);
        ended = 1;
        return;
    }
    items++;
    sum = checksum(sum, it->value);
    if (++in_batch == it->len) {
        snprintf(line, sizeof line, "consumer: batch %u received: %u items, checksum 0x%08x\n",
                 (unsigned)it->tag, (unsigned)in_batch, (unsigned)sum);
        microkit_dbg_puts(line);
        batches++;
        in_batch = 0;
        sum = CHECKSUM_INIT;
    }
}

/* Takes everything there is, then asks to be notified of more (looking once more after asking). */
static void drain(void)
{
    struct spsc_queue *q = (struct spsc_queue *)queue;
    struct spsc_slot it;
    for (;;) {
        while (spsc_dequeue(q, &it))
            consume(&it);
        if (ended)
            break;
        spsc_request(&q->consumer_signal);
        if (spsc_empty(q))
            break;
        spsc_cancel(&q->consumer_signal);
    }
    if (spsc_take(&q->producer_signal))
        microkit_notify(PRODUCER);
    if (ended)
        microkit_notify(REPORTER);
}

void init(void)
{
    drain();
}

void notified(microkit_channel ch)
{
    if (ch == PRODUCER && !ended)
        drain();
}
