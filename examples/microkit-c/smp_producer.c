/* spsc on 4 cores (C): the producer on core 1 streams the batches once the starter says so; it
 * prints only before the first item is queued. */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "spsc.h"

#define STARTER 0
#define CONSUMER 1

uintptr_t queue;
static int started;
static uint32_t batch, in_batch, total;
static uint64_t value;
static int finished;

static void advance(void)
{
    total++;
    if (batch == NUM_BATCHES) {
        finished = 1;
        return;
    }
    value = next_value(value);
    if (++in_batch == batch_sizes[batch]) {
        batch++;
        in_batch = 0;
    }
}

/* Enqueues until the stream ends or the ring is full, then notifies the consumer if it asked. */
static void pump(void)
{
    struct spsc_queue *q = (struct spsc_queue *)queue;
    while (!finished) {
        int ok = batch == NUM_BATCHES ? spsc_enqueue(q, total, END_OF_STREAM, 0)
                                      : spsc_enqueue(q, value, batch, batch_sizes[batch]);
        if (ok) {
            advance();
            continue;
        }
        spsc_request(&q->producer_signal);
        if (!spsc_full(q)) {
            spsc_cancel(&q->producer_signal); /* room was made after the first look */
            continue;
        }
        break; /* full: the consumer notifies when it has made room */
    }
    if (spsc_take(&q->consumer_signal))
        microkit_notify(CONSUMER);
}

void init(void)
{
    value = FIRST_SEED;
}

void notified(microkit_channel ch)
{
    if (ch == STARTER && !started) {
        char line[96];
        started = 1;
        snprintf(line, sizeof line, "producer: core 1, sending %d batches through a queue of %u slots\n",
                 NUM_BATCHES, QUEUE_CAPACITY);
        microkit_dbg_puts(line);
        pump();
    } else if (ch == CONSUMER && started) {
        pump();
    }
}
