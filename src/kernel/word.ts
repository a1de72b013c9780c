// Exact 64-bit word arithmetic on (hi, lo) pairs of unsigned 32-bit numbers.
// The kernel keeps every machine word as two u32 halves so that the hot paths never touch
// BigInt; these helpers are the only place that reasons about bit positions across halves.

const TWO32 = 0x1_0000_0000;

/** A word as a double: exact below 2^53 and order-preserving above, which is all range checks need. */
export function wordToNumber(hi: number, lo: number): number {
  return hi * TWO32 + lo;
}

/** `width` bits of (hi, lo) starting at bit `shift`, for width <= 53; exact. */
export function bitsOf(hi: number, lo: number, shift: number, width: number): number {
  if (width <= 0 || shift >= 64) return 0;
  if (shift >= 32) {
    const v = hi >>> (shift - 32);
    return width >= 32 ? v : (v & (0xffffffff >>> (32 - width))) >>> 0;
  }
  const loBits = 32 - shift;
  const loVal = lo >>> shift;
  if (width <= loBits) return width >= 32 ? loVal : (loVal & (0xffffffff >>> (32 - width))) >>> 0;
  const hiNeeded = width - loBits;
  const hiVal = hiNeeded >= 32 ? hi : (hi & (0xffffffff >>> (32 - hiNeeded))) >>> 0;
  return hiVal * 2 ** loBits + loVal;
}

/** Low `width` bits (0..64) of (hi, lo) compared for equality with (bHi, bLo). */
export function lowBitsEqual(hi: number, lo: number, bHi: number, bLo: number, width: number): boolean {
  if (width <= 0) return true;
  if (width >= 64) return hi === bHi && lo === bLo;
  if (width >= 32) {
    const m = width === 32 ? 0 : 0xffffffff >>> (64 - width);
    return lo === bLo && (hi & m) >>> 0 === (bHi & m) >>> 0;
  }
  const m = 0xffffffff >>> (32 - width);
  return (lo & m) >>> 0 === (bLo & m) >>> 0;
}

// Results of shr64, kept in module state so that shifting allocates nothing.
export let shrHi = 0;
export let shrLo = 0;

/** (hi, lo) >>> s for 0 <= s <= 64; result in shrHi/shrLo. */
export function shr64(hi: number, lo: number, s: number): void {
  if (s === 0) {
    shrHi = hi;
    shrLo = lo;
  } else if (s < 32) {
    shrLo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
    shrHi = hi >>> s;
  } else if (s < 64) {
    shrLo = hi >>> (s - 32);
    shrHi = 0;
  } else {
    shrHi = 0;
    shrLo = 0;
  }
}

/** Mask (hi, lo) to its low `width` bits; result in shrHi/shrLo. */
export function mask64(hi: number, lo: number, width: number): void {
  if (width >= 64) {
    shrHi = hi;
    shrLo = lo;
  } else if (width >= 32) {
    shrLo = lo;
    shrHi = width === 32 ? 0 : (hi & (0xffffffff >>> (64 - width))) >>> 0;
  } else {
    shrHi = 0;
    shrLo = width === 0 ? 0 : (lo & (0xffffffff >>> (32 - width))) >>> 0;
  }
}

export function hiOf(v: number): number {
  return Math.floor(v / TWO32) >>> 0;
}
export function loOf(v: number): number {
  return v >>> 0;
}

export function wordToBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function hex(hi: number, lo: number): string {
  return "0x" + wordToBigInt(hi, lo).toString(16);
}
