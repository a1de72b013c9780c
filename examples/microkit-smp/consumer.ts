// spsc on 4 cores: the consumer (core 2) drains the ring whenever notified, checks each batch as
// it completes, and when the stream has ended tells the reporter. It is the only PD printing
// while the stream flows.
import { microkit_dbg_puts, microkit_notify, microkit_var, type microkit_channel } from "sel4ts/microkit";
import {
  CHECKSUM_INIT,
  END_OF_STREAM,
  QUEUE_CAPACITY,
  QUEUE_REGION_SIZE,
  checksum,
  hex32,
} from "../microkit/spsc_batches.ts";
import {
  spsc_consumer_cancel_signal,
  spsc_consumer_request_signal,
  spsc_dequeue,
  spsc_empty,
  spsc_queue,
  spsc_take_producer_signal,
  type SpscItem,
} from "../microkit/spsc_queue.ts";

const PRODUCER_CH = 0;
const REPORTER_CH = 1;

let inBatch = 0;
let sum = CHECKSUM_INIT;
let items = 0;
let batches = 0;
let ended = false;

function* consume(item: SpscItem) {
  if (item.tag === END_OF_STREAM) {
    const ok = Number(item.value) === items ? "all there" : `expected ${item.value}`;
    yield* microkit_dbg_puts(`consumer: core 2, end of stream: ${batches} batches, ${items} items (${ok})\n`);
    ended = true;
    return;
  }
  items++;
  sum = checksum(sum, item.value);
  if (++inBatch === item.len) {
    yield* microkit_dbg_puts(
      `consumer: batch ${item.tag} received: ${inBatch} items, checksum ${hex32(sum)}\n`,
    );
    batches++;
    inBatch = 0;
    sum = CHECKSUM_INIT;
  }
}

/** Takes everything there is, then asks to be notified of more (looking once more after asking). */
function* drain() {
  const q = spsc_queue(microkit_var("queue"), QUEUE_CAPACITY, QUEUE_REGION_SIZE);
  for (;;) {
    for (let item = yield* spsc_dequeue(q); item !== null; item = yield* spsc_dequeue(q))
      yield* consume(item);
    if (ended) break;
    yield* spsc_consumer_request_signal(q);
    if (yield* spsc_empty(q)) break;
    yield* spsc_consumer_cancel_signal(q);
  }
  if (yield* spsc_take_producer_signal(q)) yield* microkit_notify(PRODUCER_CH);
  if (ended) yield* microkit_notify(REPORTER_CH);
}

export default {
  *init() {
    inBatch = 0;
    sum = CHECKSUM_INIT;
    items = 0;
    batches = 0;
    ended = false;
    yield* drain();
  },
  *notified(ch: microkit_channel) {
    if (ch === PRODUCER_CH && !ended) yield* drain();
  },
};
