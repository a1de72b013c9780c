// A single-producer / single-consumer ring in shared memory, in the manner of the LionsOS sDDF
// queues: each side owns one index and only reads the other's, so no lock is needed, and two
// flags let each side ask to be notified instead of both sides notifying on every item.
//
// Layout at the region's start (little-endian):
//   0x00 tail             u32  items ever enqueued; written by the producer only
//   0x04 head             u32  items ever dequeued; written by the consumer only
//   0x08 consumer_signal  u32  1: the consumer waits for items and wants a notification
//   0x0c producer_signal  u32  1: the producer found the ring full and wants a notification
//   0x40 slots            capacity x 16 bytes: value u64, tag u32, len u32
// A fresh region is zero-filled, which is an empty ring with no requests: neither side clears it,
// since a side starting later would wipe a request the other already made.
// The indices run freely and wrap at 2^32; a slot is index mod capacity, which is why the
// capacity is a power of two (it then divides 2^32 and the wrap never skips a slot).
//
// On real hardware a slot must be visible before the index that publishes it, so each side puts
// a release fence between writing data and advancing its index, and an acquire fence between
// reading the other index and the data. Here a PD's code between two kernel entries runs without
// interruption, so program order is enough.
import { sel4ts_read, sel4ts_write } from "sel4ts/libsel4";

const TAIL = 0x00;
const HEAD = 0x04;
const CONSUMER_SIGNAL = 0x08;
const PRODUCER_SIGNAL = 0x0c;
export const SPSC_HEADER_BYTES = 0x40;
export const SPSC_SLOT_BYTES = 16;

/** One slot's contents, like an sDDF buffer descriptor (an offset or value, and a length). */
export interface SpscItem {
  value: bigint;
  tag: number;
  len: number;
}

export interface SpscQueue {
  /** Virtual address of the ring in this PD. */
  readonly base: number;
  readonly capacity: number;
}

/** The ring at `base` with `capacity` slots; `regionSize` is checked to hold it. */
export function spsc_queue(base: number | bigint, capacity: number, regionSize: number): SpscQueue {
  if (
    !Number.isInteger(capacity) ||
    capacity < 1 ||
    capacity > 2 ** 31 ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new RangeError(`spsc queue capacity must be a power of two, not ${capacity}`);
  }
  if (SPSC_HEADER_BYTES + capacity * SPSC_SLOT_BYTES > regionSize) {
    throw new RangeError(
      `spsc queue of ${capacity} slots does not fit in 0x${regionSize.toString(16)} bytes`,
    );
  }
  return { base: Number(base), capacity };
}

function* u32(q: SpscQueue, off: number) {
  return yield* sel4ts_read(q.base + off, 4);
}

function* setU32(q: SpscQueue, off: number, v: number) {
  yield* sel4ts_write(q.base + off, 4, v >>> 0);
}

/** Items in the ring, as either side sees it. */
export function* spsc_length(q: SpscQueue) {
  return ((yield* u32(q, TAIL)) - (yield* u32(q, HEAD))) >>> 0;
}

export function* spsc_empty(q: SpscQueue) {
  return (yield* spsc_length(q)) === 0;
}

export function* spsc_full(q: SpscQueue) {
  return (yield* spsc_length(q)) === q.capacity;
}

/** Producer: appends an item and publishes it; false (nothing written) when the ring is full. */
export function* spsc_enqueue(q: SpscQueue, item: SpscItem) {
  const tail = yield* u32(q, TAIL);
  const head = yield* u32(q, HEAD);
  if ((tail - head) >>> 0 === q.capacity) return false;
  const slot = q.base + SPSC_HEADER_BYTES + (tail & (q.capacity - 1)) * SPSC_SLOT_BYTES;
  yield* sel4ts_write(slot, 8, item.value);
  yield* sel4ts_write(slot + 8, 4, item.tag >>> 0);
  yield* sel4ts_write(slot + 12, 4, item.len >>> 0);
  // Publishing the new tail hands the slot to the consumer.
  yield* setU32(q, TAIL, tail + 1);
  return true;
}

/** Consumer: takes the oldest item and frees its slot; null when the ring is empty. */
export function* spsc_dequeue(q: SpscQueue) {
  const head = yield* u32(q, HEAD);
  if (head === (yield* u32(q, TAIL))) return null;
  const slot = q.base + SPSC_HEADER_BYTES + (head & (q.capacity - 1)) * SPSC_SLOT_BYTES;
  const item: SpscItem = {
    value: yield* sel4ts_read(slot, 8),
    tag: yield* sel4ts_read(slot + 8, 4),
    len: yield* sel4ts_read(slot + 12, 4),
  };
  // Publishing the new head hands the slot back to the producer.
  yield* setU32(q, HEAD, head + 1);
  return item;
}

// Signal requests. The side about to wait sets its flag and then looks at the ring once more: if
// the other side changed it in between, that side may have missed the flag, so the waiter cancels
// the request and carries on instead of sleeping. The other side, after changing the ring, takes
// the flag (reads and clears it) and notifies only if it was set.

export function* spsc_consumer_request_signal(q: SpscQueue) {
  yield* setU32(q, CONSUMER_SIGNAL, 1);
}

export function* spsc_consumer_cancel_signal(q: SpscQueue) {
  yield* setU32(q, CONSUMER_SIGNAL, 0);
}

export function* spsc_producer_request_signal(q: SpscQueue) {
  yield* setU32(q, PRODUCER_SIGNAL, 1);
}

export function* spsc_producer_cancel_signal(q: SpscQueue) {
  yield* setU32(q, PRODUCER_SIGNAL, 0);
}

/** Producer, after enqueuing: whether the consumer asked to be notified (the request is consumed). */
export function* spsc_take_consumer_signal(q: SpscQueue) {
  if ((yield* u32(q, CONSUMER_SIGNAL)) === 0) return false;
  yield* setU32(q, CONSUMER_SIGNAL, 0);
  return true;
}

/** Consumer, after dequeuing: whether the producer asked to be notified (the request is consumed). */
export function* spsc_take_producer_signal(q: SpscQueue) {
  if ((yield* u32(q, PRODUCER_SIGNAL)) === 0) return false;
  yield* setU32(q, PRODUCER_SIGNAL, 0);
  return true;
}
