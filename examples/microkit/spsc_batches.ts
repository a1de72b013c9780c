// spsc: what the producer sends through the queue. Items come in batches; each item carries its
// batch number as the tag and the batch's size as the length, so the consumer knows when a batch
// is complete. A final item tagged END_OF_STREAM carries the total item count.

export const BATCH_SIZES: readonly number[] = [5, 12, 3, 20];
export const END_OF_STREAM = 0xffff_ffff;
export const QUEUE_CAPACITY = 8;
/** Size of the shared region (spsc.system). */
export const QUEUE_REGION_SIZE = 0x1000;

/** The item values: a xorshift64 sequence, so both sides agree on them without sharing state. */
export function nextValue(x: bigint): bigint {
  x ^= BigInt.asUintN(64, x << 13n);
  x ^= x >> 7n;
  x ^= BigInt.asUintN(64, x << 17n);
  return x;
}
export const FIRST_SEED = 0x5e14_7500_c0ff_ee01n;

/** FNV-1a over the item values' little-endian bytes: a batch checksum both sides can print. */
export function checksum(sum: number, value: bigint): number {
  let h = sum;
  for (let i = 0n; i < 64n; i += 8n) {
    h ^= Number((value >> i) & 0xffn);
    h = Math.imul(h, 0x0100_0193) >>> 0;
  }
  return h;
}
export const CHECKSUM_INIT = 0x811c_9dc5;

export function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}
