// Exactly rounded IEEE 754 binary32/binary64 arithmetic for the F and D extensions, in every
// RISC-V rounding mode and with every exception flag. This is the cold path: values are taken
// apart into an exact integer significand and a power of two (BigInt), the exact result (or, for
// division and square root, enough quotient bits plus a sticky bit) is computed and rounded once.
// fpu.ts tries cheap double-precision shortcuts first and comes here when they cannot prove the
// result and its flags.
//
// Conventions (unprivileged spec, chapter "F" and "D"): tininess is detected after rounding;
// underflow is signalled only when the result is also inexact; every NaN result is the canonical
// NaN; invalid operations, signalling-NaN inputs and the fused product ∞ × 0 raise NV.

/** Rounding modes (the rm field / frm). */
export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;

/** fflags bits. */
export const NX = 1;
export const UF = 2;
export const OF = 4;
export const DZ = 8;
export const NV = 16;

/** Formats: 0 binary32 (S), 1 binary64 (D). */
export const FMT_S = 0;
export const FMT_D = 1;

// Value classes of an unpacked operand.
export const K_ZERO = 0;
export const K_FINITE = 1;
export const K_INF = 2;
export const K_QNAN = 3;
export const K_SNAN = 4;

/** An operand taken apart: value = (-1)^sign × mant × 2^exp for K_FINITE. */
export interface Unpacked {
  kind: number;
  sign: number;
  mant: bigint;
  exp: number;
}

const P = [24, 53];
const EMIN = [-126, -1022];
const EMAX = [127, 1023];
const BIAS = [127, 1023];
const FRAC_BITS = [23, 52];
export const CANONICAL_NAN = [0x7fc00000n, 0x7ff8000000000000n];
const INF = [0x7f800000n, 0x7ff0000000000000n];
const SIGN = [0x80000000n, 0x8000000000000000n];
const MAX_FINITE = [0x7f7fffffn, 0x7fefffffffffffffn];

/** Exception flags raised by the operations since the caller last cleared it. */
export let flags = 0;
export function clearFlags(): void {
  flags = 0;
}

/** Takes the raw bits of a format-`fmt` value apart. */
export function unpack(fmt: number, bits: bigint): Unpacked {
  const fb = FRAC_BITS[fmt];
  const frac = bits & ((1n << BigInt(fb)) - 1n);
  const e = Number((bits >> BigInt(fb)) & (fmt === FMT_S ? 0xffn : 0x7ffn));
  const sign = Number(bits >> BigInt(fb + (fmt === FMT_S ? 8 : 11))) & 1;
  const emaxBiased = fmt === FMT_S ? 0xff : 0x7ff;
  if (e === emaxBiased) {
    if (frac === 0n) return { kind: K_INF, sign, mant: 0n, exp: 0 };
    const quiet = (frac >> BigInt(fb - 1)) & 1n;
    return { kind: quiet === 1n ? K_QNAN : K_SNAN, sign, mant: 0n, exp: 0 };
  }
  if (e === 0) {
    if (frac === 0n) return { kind: K_ZERO, sign, mant: 0n, exp: 0 };
    return { kind: K_FINITE, sign, mant: frac, exp: 1 - BIAS[fmt] - fb };
  }
  return { kind: K_FINITE, sign, mant: frac | (1n << BigInt(fb)), exp: e - BIAS[fmt] - fb };
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

function isNaNKind(k: number): boolean {
  return k === K_QNAN || k === K_SNAN;
}

function zero(fmt: number, sign: number): bigint {
  return sign !== 0 ? SIGN[fmt] : 0n;
}

function inf(fmt: number, sign: number): bigint {
  return sign !== 0 ? INF[fmt] | SIGN[fmt] : INF[fmt];
}

/** The canonical NaN, raising NV when any operand is a signalling NaN. */
function nanResult(fmt: number, ...ops: Unpacked[]): bigint {
  for (const o of ops) if (o.kind === K_SNAN) flags |= NV;
  return CANONICAL_NAN[fmt];
}

function invalid(fmt: number): bigint {
  flags |= NV;
  return CANONICAL_NAN[fmt];
}

// Set by shiftRound: whether the dropped bits were non-zero.
let dropped = false;

/** mag >> drop (drop > 0), rounded in mode rm for a value of sign `sign`. */
function shiftRound(mag: bigint, drop: number, rm: number, sign: number): bigint {
  const d = BigInt(drop);
  let q = mag >> d;
  const rem = mag - (q << d);
  dropped = rem !== 0n;
  if (!dropped) return q;
  const half = 1n << (d - 1n);
  switch (rm) {
    case RNE:
      if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
      break;
    case RDN:
      if (sign !== 0) q += 1n;
      break;
    case RUP:
      if (sign === 0) q += 1n;
      break;
    case RMM:
      if (rem >= half) q += 1n;
      break;
    default:
      break;
  }
  return q;
}

/**
 * Rounds the exact non-zero value (-1)^sign × mag × 2^exp to format `fmt` in mode `rm`: the raw
 * result bits, with NX/UF/OF raised as the spec says.
 */
export function roundPack(fmt: number, sign: number, mag: bigint, exp: number, rm: number): bigint {
  const p = P[fmt];
  const emin = EMIN[fmt];
  const len = bitLength(mag);
  const top = len - 1 + exp; // exponent of the leading bit
  const lsb = Math.max(top - p + 1, emin - p + 1);
  const drop = lsb - exp;
  let r: bigint;
  let inexact = false;
  if (drop <= 0) r = mag << BigInt(-drop);
  else {
    r = shiftRound(mag, drop, rm, sign);
    inexact = dropped;
  }
  if (inexact && top < emin) {
    // Tiny after rounding: rounded to p bits as if the exponent range were unbounded, the value
    // is still below 2^emin.
    let tiny = true;
    if (top === emin - 1 && len > p) {
      const u = shiftRound(mag, len - p, rm, sign);
      tiny = bitLength(u) <= p;
    }
    if (tiny) flags |= UF;
  }
  if (inexact) flags |= NX;
  if (r === 0n) return zero(fmt, sign);
  let e = lsb;
  if (bitLength(r) > p) {
    r >>= 1n;
    e++;
  }
  const rlen = bitLength(r);
  const rtop = e + rlen - 1;
  if (rtop > EMAX[fmt]) {
    flags |= OF | NX;
    const toInf = rm === RNE || rm === RMM || (rm === RDN && sign !== 0) || (rm === RUP && sign === 0);
    return toInf ? inf(fmt, sign) : MAX_FINITE[fmt] | (sign !== 0 ? SIGN[fmt] : 0n);
  }
  const fb = BigInt(FRAC_BITS[fmt]);
  let bits: bigint;
  if (rlen < p)
    bits = r; // subnormal (lsb is then the minimum)
  else bits = (BigInt(rtop + BIAS[fmt]) << fb) | (r - (1n << fb));
  return sign !== 0 ? bits | SIGN[fmt] : bits;
}

/** Exact sum of two finite values (either may be zero): [sign, mag, exp]; mag 0 for an exact zero. */
function exactSum(
  sa: number,
  ma: bigint,
  ea: number,
  sb: number,
  mb: bigint,
  eb: number,
): [number, bigint, number] {
  if (ma === 0n) return [sb, mb, eb];
  if (mb === 0n) return [sa, ma, ea];
  const e = Math.min(ea, eb);
  const a = (ma << BigInt(ea - e)) * (sa !== 0 ? -1n : 1n);
  const b = (mb << BigInt(eb - e)) * (sb !== 0 ? -1n : 1n);
  const s = a + b;
  return s < 0n ? [1, -s, e] : [0, s, e];
}

/** a + b (b's sign flipped first when `sub`). */
export function add(fmt: number, a: Unpacked, b: Unpacked, sub: boolean, rm: number): bigint {
  if (isNaNKind(a.kind) || isNaNKind(b.kind)) return nanResult(fmt, a, b);
  const sb = sub ? b.sign ^ 1 : b.sign;
  if (a.kind === K_INF) return b.kind === K_INF && a.sign !== sb ? invalid(fmt) : inf(fmt, a.sign);
  if (b.kind === K_INF) return inf(fmt, sb);
  return sumRound(fmt, a.sign, a.mant, a.exp, sb, b.mant, b.exp, rm);
}

// The rounded sum of two finite values, with IEEE's signs of exact zeros.
function sumRound(
  fmt: number,
  sa: number,
  ma: bigint,
  ea: number,
  sb: number,
  mb: bigint,
  eb: number,
  rm: number,
): bigint {
  if (ma === 0n && mb === 0n) return zero(fmt, sa === sb ? sa : rm === RDN ? 1 : 0);
  const [s, m, e] = exactSum(sa, ma, ea, sb, mb, eb);
  if (m === 0n) return zero(fmt, rm === RDN ? 1 : 0);
  return roundPack(fmt, s, m, e, rm);
}

export function mul(fmt: number, a: Unpacked, b: Unpacked, rm: number): bigint {
  if (isNaNKind(a.kind) || isNaNKind(b.kind)) return nanResult(fmt, a, b);
  const s = a.sign ^ b.sign;
  if (a.kind === K_INF || b.kind === K_INF)
    return a.kind === K_ZERO || b.kind === K_ZERO ? invalid(fmt) : inf(fmt, s);
  if (a.kind === K_ZERO || b.kind === K_ZERO) return zero(fmt, s);
  return roundPack(fmt, s, a.mant * b.mant, a.exp + b.exp, rm);
}

export function div(fmt: number, a: Unpacked, b: Unpacked, rm: number): bigint {
  if (isNaNKind(a.kind) || isNaNKind(b.kind)) return nanResult(fmt, a, b);
  const s = a.sign ^ b.sign;
  if (a.kind === K_INF) return b.kind === K_INF ? invalid(fmt) : inf(fmt, s);
  if (b.kind === K_INF) return zero(fmt, s);
  if (b.kind === K_ZERO) {
    if (a.kind === K_ZERO) return invalid(fmt);
    flags |= DZ;
    return inf(fmt, s);
  }
  if (a.kind === K_ZERO) return zero(fmt, s);
  // Enough quotient bits for p + 2 significant bits, then a sticky bit for the remainder.
  const k = Math.max(0, P[fmt] + 3 + bitLength(b.mant) - bitLength(a.mant));
  const n = a.mant << BigInt(k);
  const q = n / b.mant;
  const sticky = n - q * b.mant !== 0n ? 1n : 0n;
  return roundPack(fmt, s, (q << 1n) | sticky, a.exp - b.exp - k - 1, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(fmt: number, a: Unpacked, rm: number): bigint {
  if (isNaNKind(a.kind)) return nanResult(fmt, a);
  if (a.kind === K_ZERO) return zero(fmt, a.sign);
  if (a.sign !== 0) return invalid(fmt);
  if (a.kind === K_INF) return INF[fmt];
  let m = a.mant;
  let e = a.exp;
  if ((e & 1) !== 0) {
    m <<= 1n;
    e -= 1;
  }
  // Shift by an even amount so that the integer root has at least p + 3 bits.
  const want = 2 * (P[fmt] + 3);
  const sh = Math.max(0, want - bitLength(m) + 1) & ~1;
  const n = m << BigInt(sh);
  const r = isqrt(n);
  const sticky = r * r !== n ? 1n : 0n;
  return roundPack(fmt, 0, (r << 1n) | sticky, (e - sh) / 2 - 1, rm);
}

/** (-1)^negProd × a × b + (-1)^negC × c, rounded once. */
export function fma(
  fmt: number,
  a: Unpacked,
  b: Unpacked,
  c: Unpacked,
  negProd: boolean,
  negC: boolean,
  rm: number,
): bigint {
  const infTimesZero = (a.kind === K_INF && b.kind === K_ZERO) || (a.kind === K_ZERO && b.kind === K_INF);
  if (isNaNKind(a.kind) || isNaNKind(b.kind) || isNaNKind(c.kind)) {
    // The spec requires NV for ∞ × 0 even when the addend is a quiet NaN.
    if (infTimesZero) flags |= NV;
    return nanResult(fmt, a, b, c);
  }
  if (infTimesZero) return invalid(fmt);
  const sp = a.sign ^ b.sign ^ (negProd ? 1 : 0);
  const sc = c.sign ^ (negC ? 1 : 0);
  if (a.kind === K_INF || b.kind === K_INF) {
    return c.kind === K_INF && sc !== sp ? invalid(fmt) : inf(fmt, sp);
  }
  if (c.kind === K_INF) return inf(fmt, sc);
  const pm = a.kind === K_ZERO || b.kind === K_ZERO ? 0n : a.mant * b.mant;
  return sumRound(fmt, sp, pm, a.exp + b.exp, sc, c.mant, c.exp, rm);
}

/** Conversion between formats (S→D is exact; D→S rounds). */
export function convert(to: number, from: number, a: Unpacked, rm: number): bigint {
  if (isNaNKind(a.kind)) return nanResult(to, a);
  if (a.kind === K_INF) return inf(to, a.sign);
  if (a.kind === K_ZERO) return zero(to, a.sign);
  void from;
  return roundPack(to, a.sign, a.mant, a.exp, rm);
}

/** An integer (exact, as a BigInt) converted to format `fmt`. */
export function fromInt(fmt: number, v: bigint, rm: number): bigint {
  if (v === 0n) return 0n;
  return v < 0n ? roundPack(fmt, 1, -v, 0, rm) : roundPack(fmt, 0, v, 0, rm);
}
