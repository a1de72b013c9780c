// 64-bit words in TypeScript. A word is a `number` while it is a safe integer and a `bigint`
// beyond that, so everyday values (cptrs, small labels, addresses) never touch BigInt.
// Registers and memory hold words as two u32 halves (lo at index i, hi at i + 1); the helpers
// below convert without allocating on the number path, because the IPC stubs run them on
// every system call.

import { rt } from "../runtime.ts";

/** seL4_Word: a `number` (safe integer) or a `bigint`; negative values are taken modulo 2^64. */
export type seL4_Word = number | bigint;
/** seL4_Bool arguments: a boolean, or a number of which bit 0 counts (as the C stubs mask it). */
export type seL4_Bool = boolean | number;
export type seL4_Uint8 = number;

const TWO32 = 0x1_0000_0000;
/** Words whose high half is below this are at most Number.MAX_SAFE_INTEGER. */
const SAFE_HI = 0x20_0000;
const MIN_I64 = -(1n << 63n);
const MAX_U64 = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function badNumber(v: number): never {
  throw new RangeError(`${v} is not a 64-bit word: pass a safe integer or a bigint`);
}

/** The bigint as an unsigned 64-bit value; anything outside int64 ∪ uint64 would lose bits. */
function bigWord(v: bigint): bigint {
  if (v < MIN_I64 || v > MAX_U64) throw new RangeError(`${v} does not fit in a 64-bit word`);
  return BigInt.asUintN(64, v);
}

/** Low 32 bits of a word. */
export function wordLo(v: seL4_Word): number {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) badNumber(v);
    // ToUint32 is exact modulo 2^32 for every integer, negative ones included.
    return v >>> 0;
  }
  return Number(bigWord(v) & 0xffff_ffffn);
}

/** High 32 bits of a word. */
export function wordHi(v: seL4_Word): number {
  if (typeof v === "number") {
    if (v >>> 0 === v) return 0;
    if (!Number.isSafeInteger(v)) badNumber(v);
    // Division by 2^32 is exact for safe integers; floor keeps two's complement for negatives.
    return Math.floor(v / TWO32) >>> 0;
  }
  return Number(bigWord(v) >> 32n);
}

/** The word with these halves: a number when it is safe, else a bigint. */
export function makeWord(lo: number, hi: number): seL4_Word {
  return hi < SAFE_HI ? hi * TWO32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Normalise an unsigned bigint result to the number-when-safe convention. */
export function wordFromBigInt(v: bigint): seL4_Word {
  const w = bigWord(v);
  return w <= MAX_SAFE ? Number(w) : w;
}

/** The word as an unsigned bigint (for arithmetic on arbitrary words). */
export function wordToBigInt(v: seL4_Word): bigint {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) badNumber(v);
    return BigInt.asUintN(64, BigInt(v));
  }
  return bigWord(v);
}

/** An exact non-negative number for a word that must be one (addresses, lengths). */
export function wordToNumber(v: seL4_Word): number {
  if (typeof v === "number" && v >= 0 && Number.isSafeInteger(v)) return v;
  const w = wordToBigInt(v);
  if (w > MAX_SAFE) throw new RangeError(`${v} is too large for this argument`);
  return Number(w);
}

export function loadWord(a: Uint32Array, i: number): seL4_Word {
  return makeWord(a[i], a[i + 1]);
}

export function storeWord(a: Uint32Array, i: number, v: seL4_Word): void {
  a[i] = wordLo(v);
  a[i + 1] = wordHi(v);
}

/** Register r of the running thread (kernel register index, see abi/registers.ts). */
export function getReg(r: number): seL4_Word {
  const regs = rt.regs;
  return makeWord(regs[2 * r], regs[2 * r + 1]);
}

export function setReg(r: number, v: seL4_Word): void {
  const regs = rt.regs;
  // Most words are small non-negative numbers (cptrs, labels, message infos): one check.
  if (typeof v === "number" && v >>> 0 === v) {
    regs[2 * r] = v;
    regs[2 * r + 1] = 0;
    return;
  }
  regs[2 * r] = wordLo(v);
  regs[2 * r + 1] = wordHi(v);
}

/** seL4_Bool and seL4_Uint8 arguments as the stub generator packs them. */
export function bit(b: seL4_Bool): number {
  return typeof b === "boolean" ? (b ? 1 : 0) : b & 1;
}
export function u8(v: seL4_Uint8): number {
  return v & 0xff;
}
