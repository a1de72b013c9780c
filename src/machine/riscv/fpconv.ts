// F/D operations without arithmetic rounding of their own or with conversions: sign injection,
// minimum/maximum, comparisons, classification, and the conversions between formats and between
// floating point and integers (saturating as the spec says). Called by execFp (fpu.ts).

import * as fa from "./fparith.ts";
import { FMT_D, FMT_S, NV, NX, RDN, RMM, RNE, RTZ, RUP } from "./fparith.ts";
import {
  dSpecial,
  type FpuState,
  MIN_NORMAL_D,
  MIN_NORMAL_S,
  sBits,
  setBits,
  setS,
  setSValue,
  sSpecial,
  sValue,
  TWO_32,
  unpackReg,
} from "./fpregs.ts";

export function sgnj(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, kind: number): void {
  const i32 = st.i32;
  if (fmt === FMT_S) {
    const a = sBits(i32, rs1);
    const b = sBits(i32, rs2);
    const s = kind === 0 ? b : kind === 1 ? ~b : a ^ b;
    setS(i32, rd, (a & 0x7fffffff) | (s & 0x80000000));
  } else {
    const ah = i32[2 * rs1 + 1];
    const bh = i32[2 * rs2 + 1];
    const s = kind === 0 ? bh : kind === 1 ? ~bh : ah ^ bh;
    i32[2 * rd] = i32[2 * rs1];
    i32[2 * rd + 1] = (ah & 0x7fffffff) | (s & 0x80000000);
  }
}

/** Whether the bits are a signalling / any NaN. */
export function isSNaN(fmt: number, lo: number, hi: number): boolean {
  if (fmt === FMT_S) return (lo & 0x7fc00000) === 0x7f800000 && (lo & 0x3fffff) !== 0;
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) !== 0 || lo !== 0);
}

export function isNaNBits(fmt: number, lo: number, hi: number): boolean {
  if (fmt === FMT_S) return (lo & 0x7f800000) === 0x7f800000 && (lo & 0x7fffff) !== 0;
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

// An operand's low and high words (a single's bits and 0) and its value, without allocating.
function opLo(st: FpuState, fmt: number, r: number): number {
  return fmt === FMT_S ? sBits(st.i32, r) : st.i32[2 * r];
}

function opHi(st: FpuState, fmt: number, r: number): number {
  return fmt === FMT_S ? 0 : st.i32[2 * r + 1];
}

function opVal(st: FpuState, fmt: number, r: number): number {
  return fmt === FMT_S ? sValue(sBits(st.i32, r)) : st.f64[r];
}

export function minMax(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, max: boolean): void {
  const alo = opLo(st, fmt, rs1);
  const ahi = opHi(st, fmt, rs1);
  const a = opVal(st, fmt, rs1);
  const blo = opLo(st, fmt, rs2);
  const bhi = opHi(st, fmt, rs2);
  const b = opVal(st, fmt, rs2);
  const an = isNaNBits(fmt, alo, ahi);
  const bn = isNaNBits(fmt, blo, bhi);
  if (isSNaN(fmt, alo, ahi) || isSNaN(fmt, blo, bhi)) st.fflags |= NV;
  let pickA: boolean;
  if (an && bn) {
    if (fmt === FMT_S) setS(st.i32, rd, 0x7fc00000);
    else {
      st.i32[2 * rd] = 0;
      st.i32[2 * rd + 1] = 0x7ff80000;
    }
    return;
  } else if (an) pickA = false;
  else if (bn) pickA = true;
  else if (a === b) {
    // ±0: min prefers the negative one, max the positive one.
    const aNeg = (fmt === FMT_S ? alo : ahi) < 0;
    pickA = max ? !aNeg : aNeg;
  } else pickA = max ? a > b : a < b;
  const lo = pickA ? alo : blo;
  const hi = pickA ? ahi : bhi;
  if (fmt === FMT_S) setS(st.i32, rd, lo);
  else {
    st.i32[2 * rd] = lo;
    st.i32[2 * rd + 1] = hi;
  }
}

/** FEQ (f3 2), FLT (1), FLE (0): 1 or 0; FEQ is quiet, FLT/FLE signal on any NaN. */
export function compare(st: FpuState, fmt: number, rs1: number, rs2: number, f3: number): number {
  const alo = opLo(st, fmt, rs1);
  const ahi = opHi(st, fmt, rs1);
  const a = opVal(st, fmt, rs1);
  const blo = opLo(st, fmt, rs2);
  const bhi = opHi(st, fmt, rs2);
  const b = opVal(st, fmt, rs2);
  if (isNaNBits(fmt, alo, ahi) || isNaNBits(fmt, blo, bhi)) {
    if (f3 !== 2 || isSNaN(fmt, alo, ahi) || isSNaN(fmt, blo, bhi)) st.fflags |= NV;
    return 0;
  }
  if (f3 === 2) return a === b ? 1 : 0;
  if (f3 === 1) return a < b ? 1 : 0;
  return a <= b ? 1 : 0;
}

export function fclass(st: FpuState, fmt: number, rs1: number): number {
  const lo = opLo(st, fmt, rs1);
  const hi = opHi(st, fmt, rs1);
  const v = opVal(st, fmt, rs1);
  const neg = (fmt === FMT_S ? lo : hi) < 0;
  if (isNaNBits(fmt, lo, hi)) return isSNaN(fmt, lo, hi) ? 1 << 8 : 1 << 9;
  if (v === Infinity) return 1 << 7;
  if (v === -Infinity) return 1;
  if (v === 0) return neg ? 1 << 3 : 1 << 4;
  const sub = Math.abs(v) < (fmt === FMT_S ? MIN_NORMAL_S : MIN_NORMAL_D);
  if (neg) return sub ? 1 << 2 : 1 << 1;
  return sub ? 1 << 5 : 1 << 6;
}

/** FCVT.S.D (fmt S) and FCVT.D.S (fmt D). */
export function cvtFF(st: FpuState, fmt: number, rd: number, rs1: number, rm: number): void {
  const i32 = st.i32;
  if (fmt === FMT_S) {
    if (!dSpecial(i32, rs1)) {
      const x = st.f64[rs1];
      const r = Math.fround(x);
      if (Math.abs(r) > MIN_NORMAL_S && r - r === 0 && (r === x || rm === RNE)) {
        setSValue(i32, rd, r);
        if (r !== x) st.fflags |= NX;
        return;
      }
    }
  } else {
    const b = sBits(i32, rs1);
    if (!sSpecial(b)) {
      st.f64[rd] = sValue(b); // exact
      return;
    }
  }
  const from = fmt ^ 1;
  fa.clearFlags();
  setBits(st, fmt, rd, fa.convert(fmt, from, unpackReg(st, from, rs1), rm));
  st.fflags |= fa.flags;
}

/** x rounded to an integer in mode rm (x finite), raising nothing; `inexact` says if it moved. */
let inexact = false;
export function roundToInt(x: number, rm: number): number {
  const t = Math.trunc(x);
  inexact = t !== x;
  if (!inexact) return t;
  const frac = x - t; // exact: a non-integer double is below 2^52
  const away = x < 0 ? t - 1 : t + 1;
  switch (rm) {
    case RTZ:
      return t;
    case RDN:
      return x < 0 ? away : t;
    case RUP:
      return x > 0 ? away : t;
    case RMM:
      return Math.abs(frac) >= 0.5 ? away : t;
    default: {
      const af = Math.abs(frac);
      if (af > 0.5 || (af === 0.5 && t % 2 !== 0)) return away;
      return t;
    }
  }
}

// Integer conversion bounds by rs2 field: W, WU, L, LU.
const INT_MIN = [-(2 ** 31), 0, -(2 ** 63), 0];
const INT_MAX = [2 ** 31 - 1, 2 ** 32 - 1, 2 ** 63 - 1, 2 ** 64 - 1];

/** FCVT.{W,WU,L,LU}.{S,D}: saturating, NV when out of range or NaN, NX when inexact. */
export function toInt(
  st: FpuState,
  fmt: number,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  kind: number,
  rm: number,
): void {
  const lo = opLo(st, fmt, rs1);
  const hi = opHi(st, fmt, rs1);
  const x = opVal(st, fmt, rs1);
  let v: number;
  if (isNaNBits(fmt, lo, hi)) {
    st.fflags |= NV;
    v = INT_MAX[kind];
  } else if (x === Infinity || x === -Infinity) {
    st.fflags |= NV;
    v = x > 0 ? INT_MAX[kind] : INT_MIN[kind];
  } else {
    const r = roundToInt(x, rm);
    if (
      r < INT_MIN[kind] ||
      r > INT_MAX[kind] ||
      (kind === 3 && r >= 2 ** 64) ||
      (kind === 2 && r >= 2 ** 63)
    ) {
      st.fflags |= NV;
      v = r > 0 ? INT_MAX[kind] : INT_MIN[kind];
    } else {
      v = r;
      if (inexact) st.fflags |= NX;
    }
  }
  if (rd === 0) return;
  if (kind <= 1) {
    // 32-bit results are sign-extended, unsigned ones too.
    const w = v | 0;
    xlo[rd] = w;
    xhi[rd] = w >> 31;
    return;
  }
  // 64-bit: the bounds 2^63-1 and 2^64-1 are not doubles; saturation writes them exactly.
  if (v === INT_MAX[kind] && (kind === 3 || v >= 2 ** 63 - 1)) {
    xlo[rd] = -1;
    xhi[rd] = kind === 3 ? -1 : 0x7fffffff;
    return;
  }
  const m = Math.abs(v);
  let h = Math.floor(m / TWO_32);
  let l = m - h * TWO_32;
  if (v < 0) {
    l = -l;
    h = ~h + (l === 0 ? 1 : 0);
  }
  xlo[rd] = l | 0;
  xhi[rd] = h | 0;
}

/** FCVT.{S,D}.{W,WU,L,LU}. */
export function fromInt(
  st: FpuState,
  fmt: number,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  kind: number,
  rm: number,
): void {
  const lo = xlo[rs1];
  const hi = xhi[rs1];
  let v: number;
  let big: bigint | null = null;
  if (kind === 0) v = lo;
  else if (kind === 1) v = lo >>> 0;
  else {
    const h = kind === 2 ? hi : hi >>> 0;
    if (h >= -(2 ** 20) && h < 2 ** 20) v = h * TWO_32 + (lo >>> 0);
    else {
      v = NaN;
      const u = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      big = kind === 2 ? BigInt.asIntN(64, u) : u;
    }
  }
  if (big === null) {
    if (fmt === FMT_D) {
      st.f64[rd] = v; // exact below 2^53
      return;
    }
    const r = Math.fround(v);
    if (r === v || rm === RNE) {
      setSValue(st.i32, rd, r);
      if (r !== v) st.fflags |= NX;
      return;
    }
    big = BigInt(v);
  }
  fa.clearFlags();
  setBits(st, fmt, rd, fa.fromInt(fmt, big, rm));
  st.fflags |= fa.flags;
}
