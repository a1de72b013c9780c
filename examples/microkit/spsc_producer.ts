// spsc: the producer fills the queue batch by batch. When the ring is full it asks the consumer
// for a notification and waits for it; after enqueuing it notifies the consumer only if the
// consumer asked.
import { microkit_dbg_puts, microkit_notify, microkit_var, type microkit_channel } from "sel4ts/microkit";
import {
  BATCH_SIZES,
  CHECKSUM_INIT,
  END_OF_STREAM,
  FIRST_SEED,
  QUEUE_CAPACITY,
  QUEUE_REGION_SIZE,
  checksum,
  hex32,
  nextValue,
} from "./spsc_batches.ts";
import {
  spsc_enqueue,
  spsc_full,
  spsc_producer_cancel_signal,
  spsc_producer_request_signal,
  spsc_queue,
  spsc_take_consumer_signal,
  type SpscItem,
  type SpscQueue,
} from "./spsc_queue.ts";

const CONSUMER_CH = 0;

// Where the stream stands: the batch and item about to be sent, the next value and checksum.
let batch = 0;
let index = 0;
let value = FIRST_SEED;
let sum = CHECKSUM_INIT;
let total = 0;
let finished = false;

function queue(): SpscQueue {
  return spsc_queue(microkit_var("queue"), QUEUE_CAPACITY, QUEUE_REGION_SIZE);
}

function current(): SpscItem {
  if (batch === BATCH_SIZES.length) return { value: BigInt(total), tag: END_OF_STREAM, len: 0 };
  return { value, tag: batch, len: BATCH_SIZES[batch] };
}

function* advance() {
  total++;
  if (batch === BATCH_SIZES.length) {
    finished = true;
    yield* microkit_dbg_puts(`producer: end of stream after ${total - 1} items\n`);
    return;
  }
  sum = checksum(sum, value);
  value = nextValue(value);
  if (++index === BATCH_SIZES[batch]) {
    yield* microkit_dbg_puts(`producer: batch ${batch} queued: ${index} items, checksum ${hex32(sum)}\n`);
    batch++;
    index = 0;
    sum = CHECKSUM_INIT;
  }
}

/** Enqueues until the stream ends or the ring is full, then notifies the consumer if it asked. */
function* pump() {
  const q = queue();
  while (!finished) {
    if (yield* spsc_enqueue(q, current())) {
      yield* advance();
      continue;
    }
    yield* spsc_producer_request_signal(q);
    if (!(yield* spsc_full(q))) {
      // The consumer made room after the first look: it may not have seen the request.
      yield* spsc_producer_cancel_signal(q);
      continue;
    }
    yield* microkit_dbg_puts(`producer: queue full, waiting\n`);
    break;
  }
  if (yield* spsc_take_consumer_signal(q)) yield* microkit_notify(CONSUMER_CH);
}

export default {
  *init() {
    batch = 0;
    index = 0;
    value = FIRST_SEED;
    sum = CHECKSUM_INIT;
    total = 0;
    finished = false;
    yield* microkit_dbg_puts(
      `producer: sending ${BATCH_SIZES.length} batches through a queue of ${QUEUE_CAPACITY} slots\n`,
    );
    yield* pump();
  },
  *notified(ch: microkit_channel) {
    if (ch === CONSUMER_CH) yield* pump();
  },
};
