// spsc on 4 cores: the producer (core 1) streams the batches into the ring once the starter says
// so. It prints only its first line, before the first item is queued: the consumer prints as
// batches arrive, at moments that depend on how the two cores interleave.
import { microkit_dbg_puts, microkit_notify, microkit_var, type microkit_channel } from "sel4ts/microkit";
import {
  BATCH_SIZES,
  END_OF_STREAM,
  FIRST_SEED,
  QUEUE_CAPACITY,
  QUEUE_REGION_SIZE,
  nextValue,
} from "../microkit/spsc_batches.ts";
import {
  spsc_enqueue,
  spsc_full,
  spsc_producer_cancel_signal,
  spsc_producer_request_signal,
  spsc_queue,
  spsc_take_consumer_signal,
  type SpscItem,
} from "../microkit/spsc_queue.ts";

const STARTER_CH = 0;
const CONSUMER_CH = 1;

let started = false;
let batch = 0;
let index = 0;
let value = FIRST_SEED;
let total = 0;
let finished = false;

function current(): SpscItem {
  if (batch === BATCH_SIZES.length) return { value: BigInt(total), tag: END_OF_STREAM, len: 0 };
  return { value, tag: batch, len: BATCH_SIZES[batch] };
}

function advance(): void {
  total++;
  if (batch === BATCH_SIZES.length) {
    finished = true;
    return;
  }
  value = nextValue(value);
  if (++index === BATCH_SIZES[batch]) {
    batch++;
    index = 0;
  }
}

/** Enqueues until the stream ends or the ring is full, then notifies the consumer if it asked. */
function* pump() {
  const q = spsc_queue(microkit_var("queue"), QUEUE_CAPACITY, QUEUE_REGION_SIZE);
  while (!finished) {
    if (yield* spsc_enqueue(q, current())) {
      advance();
      continue;
    }
    yield* spsc_producer_request_signal(q);
    if (!(yield* spsc_full(q))) {
      yield* spsc_producer_cancel_signal(q); // room was made after the first look
      continue;
    }
    break; // full: the consumer notifies when it has made room
  }
  if (yield* spsc_take_consumer_signal(q)) yield* microkit_notify(CONSUMER_CH);
}

export default {
  *init() {
    started = false;
    batch = 0;
    index = 0;
    value = FIRST_SEED;
    total = 0;
    finished = false;
  },
  *notified(ch: microkit_channel) {
    if (ch === STARTER_CH && !started) {
      started = true;
      yield* microkit_dbg_puts(
        `producer: core 1, sending ${BATCH_SIZES.length} batches through a queue of ${QUEUE_CAPACITY} slots\n`,
      );
      yield* pump();
    } else if (ch === CONSUMER_CH && started) {
      yield* pump();
    }
  },
};
