// The F and D extensions of the RV64 hart: the floating-point register file, fcsr, and the
// execution of every OP-FP and fused multiply-add instruction. The interpreter (and a block
// translator) call execFp() with the raw instruction; loads and stores are the hart's (they need
// its memory path) but read and write the registers here.
//
// Registers f0..f31 are 64-bit: a Float64Array over the same buffer as an Int32Array view (low
// word at 2r, high word at 2r+1). A single is NaN-boxed: its bits in the low word with the high
// word all ones; a single operand that is not properly boxed reads as the canonical NaN.
//
// Speed: the common cases (round to nearest even, normal results) are computed with host doubles
// and Math.fround, with the inexact flag proved by error-free transformations (TwoSum, Dekker's
// TwoProduct). Anything they cannot settle (other rounding modes with inexact results, subnormal,
// overflowing or zero results, NaNs, fused multiply-add) goes to the exact path in fparith.ts.

import * as fa from "./fparith.ts";
import { FMT_D, FMT_S, NV, NX, RDN, RMM, RNE, RTZ, RUP } from "./fparith.ts";

export const CSR_FFLAGS = 0x001;
export const CSR_FRM = 0x002;
export const CSR_FCSR = 0x003;

/** One hart's (or one thread's saved) floating-point state. */
export class FpuState {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  fflags = 0;
  frm = 0;
  /** sstatus.FS != Off: F/D instructions and the FP CSRs may execute. */
  enabled = true;

  constructor() {
    const buf = new ArrayBuffer(32 * 8);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /** Copies registers and fcsr from `o` (a context switch's save or restore). */
  copyFrom(o: FpuState): void {
    this.i32.set(o.i32);
    this.fflags = o.fflags;
    this.frm = o.frm;
  }

  /** All registers and fcsr zero, as in a freshly created (zeroed) TCB. */
  reset(): void {
    this.i32.fill(0);
    this.fflags = 0;
    this.frm = 0;
  }
}

const cvtF = new Float32Array(1);
const cvtI = new Int32Array(cvtF.buffer);
const MIN_NORMAL_S = 2 ** -126;
const MIN_NORMAL_D = 2 ** -1022;
const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)
const LO_SAFE = 2 ** -900;
const HI_SAFE = 2 ** 900;
const TWO_32 = 4294967296;

/** Error of the last twoProduct: a × b = product + prodErr exactly (when no under/overflow). */
let prodErr = 0;
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  prodErr = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** A single operand's bits: the low word of a properly NaN-boxed register, else the canonical NaN. */
function sBits(i32: Int32Array, r: number): number {
  return i32[2 * r + 1] === -1 ? i32[2 * r] : 0x7fc00000;
}

function sValue(bits: number): number {
  cvtI[0] = bits;
  return cvtF[0];
}

/** Exponent field all ones: infinity or NaN. */
function sSpecial(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000;
}

function dSpecial(i32: Int32Array, r: number): boolean {
  return (i32[2 * r + 1] & 0x7ff00000) === 0x7ff00000;
}

function setS(i32: Int32Array, r: number, bits: number): void {
  i32[2 * r] = bits;
  i32[2 * r + 1] = -1;
}

function setSValue(i32: Int32Array, r: number, v: number): void {
  cvtF[0] = v;
  i32[2 * r] = cvtI[0];
  i32[2 * r + 1] = -1;
}

function regBits(st: FpuState, fmt: number, r: number): bigint {
  const i32 = st.i32;
  if (fmt === FMT_S) return BigInt(sBits(i32, r) >>> 0);
  return (BigInt(i32[2 * r + 1] >>> 0) << 32n) | BigInt(i32[2 * r] >>> 0);
}

function unpackReg(st: FpuState, fmt: number, r: number): fa.Unpacked {
  return fa.unpack(fmt, regBits(st, fmt, r));
}

function setBits(st: FpuState, fmt: number, r: number, bits: bigint): void {
  if (fmt === FMT_S) setS(st.i32, r, Number(bits) | 0);
  else {
    st.i32[2 * r] = Number(bits & 0xffffffffn) | 0;
    st.i32[2 * r + 1] = Number(bits >> 32n) | 0;
  }
}

/** Whether a 32-bit OP-FP / FMA encoding is an instruction of RV64FD (else it is illegal). */
export function fpValid(w: number): boolean {
  const opc = w & 0x7f;
  const fmt = (w >>> 25) & 3;
  if (fmt > 1) return false;
  const rm = (w >>> 12) & 7;
  const rmOk = rm !== 5 && rm !== 6;
  if (opc !== 0x53) return rmOk; // FMADD/FMSUB/FNMSUB/FNMADD
  const f5 = w >>> 27;
  const rs2 = (w >>> 20) & 31;
  switch (f5) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
      return rmOk;
    case 0x0b:
      return rmOk && rs2 === 0;
    case 0x04:
      return rm <= 2;
    case 0x05:
      return rm <= 1;
    case 0x08:
      return rmOk && rs2 === (fmt ^ 1);
    case 0x14:
      return rm <= 2;
    case 0x18:
    case 0x1a:
      return rmOk && rs2 <= 3;
    case 0x1c:
      return rs2 === 0 && rm <= 1;
    case 0x1e:
      return rs2 === 0 && rm === 0;
    default:
      return false;
  }
}

/**
 * Executes an OP-FP or FMA instruction (already checked by fpValid). Returns false when it is an
 * illegal instruction after all: a dynamic rounding mode while frm holds a reserved value.
 */
export function execFp(st: FpuState, xlo: Int32Array, xhi: Int32Array, w: number): boolean {
  let rm = (w >>> 12) & 7;
  const f5 = w >>> 27;
  const opc = w & 0x7f;
  const usesRm = opc !== 0x53 || f5 <= 3 || f5 === 0x0b || f5 === 0x08 || f5 === 0x18 || f5 === 0x1a;
  if (usesRm && rm === 7) {
    rm = st.frm;
    if (rm > 4) return false;
  }
  const fmt = (w >>> 25) & 3;
  const rd = (w >>> 7) & 31;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  if (opc !== 0x53) {
    fmaOp(st, fmt, rd, rs1, rs2, w >>> 27, opc, rm);
    return true;
  }
  switch (f5) {
    case 0x00:
    case 0x01:
      addOp(st, fmt, rd, rs1, rs2, f5 === 1, rm);
      break;
    case 0x02:
      mulOp(st, fmt, rd, rs1, rs2, rm);
      break;
    case 0x03:
      divOp(st, fmt, rd, rs1, rs2, rm);
      break;
    case 0x0b:
      sqrtOp(st, fmt, rd, rs1, rm);
      break;
    case 0x04:
      sgnj(st, fmt, rd, rs1, rs2, rm);
      break;
    case 0x05:
      minMax(st, fmt, rd, rs1, rs2, rm === 1);
      break;
    case 0x08:
      cvtFF(st, fmt, rd, rs1, rm);
      break;
    case 0x14: {
      const v = compare(st, fmt, rs1, rs2, rm);
      if (rd !== 0) {
        xlo[rd] = v;
        xhi[rd] = 0;
      }
      break;
    }
    case 0x18:
      toInt(st, fmt, xlo, xhi, rd, rs1, rs2, rm);
      break;
    case 0x1a:
      fromInt(st, fmt, xlo, xhi, rd, rs1, rs2, rm);
      break;
    case 0x1c:
      if (rd === 0) break;
      if (rm === 1) {
        xlo[rd] = fclass(st, fmt, rs1);
        xhi[rd] = 0;
      } else if (fmt === FMT_S) {
        xlo[rd] = st.i32[2 * rs1];
        xhi[rd] = st.i32[2 * rs1] >> 31;
      } else {
        xlo[rd] = st.i32[2 * rs1];
        xhi[rd] = st.i32[2 * rs1 + 1];
      }
      break;
    default: // 0x1e: FMV.W.X / FMV.D.X
      if (fmt === FMT_S) setS(st.i32, rd, xlo[rs1]);
      else {
        st.i32[2 * rd] = xlo[rs1];
        st.i32[2 * rd + 1] = xhi[rs1];
      }
      break;
  }
  return true;
}

function addOp(
  st: FpuState,
  fmt: number,
  rd: number,
  rs1: number,
  rs2: number,
  sub: boolean,
  rm: number,
): void {
  const i32 = st.i32;
  if (fmt === FMT_D) {
    if (!dSpecial(i32, rs1) && !dSpecial(i32, rs2)) {
      const a = st.f64[rs1];
      const b = sub ? -st.f64[rs2] : st.f64[rs2];
      const s = a + b;
      if (Math.abs(s) > MIN_NORMAL_D && s - s === 0) {
        const bb = s - a;
        const err = a - (s - bb) + (b - bb);
        if (err === 0 || rm === RNE) {
          st.f64[rd] = s;
          if (err !== 0) st.fflags |= NX;
          return;
        }
      }
    }
  } else {
    const ab = sBits(i32, rs1);
    const bbits = sBits(i32, rs2);
    if (!sSpecial(ab) && !sSpecial(bbits)) {
      const a = sValue(ab);
      const b = sub ? -sValue(bbits) : sValue(bbits);
      const s = a + b;
      const r = Math.fround(s);
      if (Math.abs(r) > MIN_NORMAL_S && r - r === 0) {
        const bb = s - a;
        const exact = a - (s - bb) + (b - bb) === 0 && r === s;
        if (exact || rm === RNE) {
          setSValue(i32, rd, r);
          if (!exact) st.fflags |= NX;
          return;
        }
      }
    }
  }
  fa.clearFlags();
  setBits(st, fmt, rd, fa.add(fmt, unpackReg(st, fmt, rs1), unpackReg(st, fmt, rs2), sub, rm));
  st.fflags |= fa.flags;
}

function mulOp(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, rm: number): void {
  const i32 = st.i32;
  if (fmt === FMT_D) {
    if (!dSpecial(i32, rs1) && !dSpecial(i32, rs2)) {
      const a = st.f64[rs1];
      const b = st.f64[rs2];
      const p = twoProduct(a, b);
      const ap = Math.abs(p);
      if (ap > LO_SAFE && ap < HI_SAFE && Math.abs(a) < HI_SAFE && Math.abs(b) < HI_SAFE) {
        if (prodErr === 0 || rm === RNE) {
          st.f64[rd] = p;
          if (prodErr !== 0) st.fflags |= NX;
          return;
        }
      }
    }
  } else {
    const ab = sBits(i32, rs1);
    const bbits = sBits(i32, rs2);
    if (!sSpecial(ab) && !sSpecial(bbits)) {
      const p = sValue(ab) * sValue(bbits); // exact: 48 significant bits at most
      const r = Math.fround(p);
      if (Math.abs(r) > MIN_NORMAL_S && r - r === 0 && (r === p || rm === RNE)) {
        setSValue(i32, rd, r);
        if (r !== p) st.fflags |= NX;
        return;
      }
    }
  }
  fa.clearFlags();
  setBits(st, fmt, rd, fa.mul(fmt, unpackReg(st, fmt, rs1), unpackReg(st, fmt, rs2), rm));
  st.fflags |= fa.flags;
}

function divOp(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, rm: number): void {
  const i32 = st.i32;
  const special =
    fmt === FMT_D
      ? dSpecial(i32, rs1) || dSpecial(i32, rs2)
      : sSpecial(sBits(i32, rs1)) || sSpecial(sBits(i32, rs2));
  if (!special) {
    const a = fmt === FMT_D ? st.f64[rs1] : sValue(sBits(i32, rs1));
    const b = fmt === FMT_D ? st.f64[rs2] : sValue(sBits(i32, rs2));
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    if (aa > LO_SAFE && aa < HI_SAFE && ab > LO_SAFE && ab < HI_SAFE) {
      const q = a / b;
      const r = fmt === FMT_D ? q : Math.fround(q);
      const ar = Math.abs(r);
      if (ar > LO_SAFE && ar < HI_SAFE && ar > (fmt === FMT_D ? MIN_NORMAL_D : MIN_NORMAL_S) && r - r === 0) {
        const p = twoProduct(q, b);
        const exact = p === a && prodErr === 0 && r === q;
        if (exact || rm === RNE) {
          if (fmt === FMT_D) st.f64[rd] = r;
          else setSValue(i32, rd, r);
          if (!exact) st.fflags |= NX;
          return;
        }
      }
    }
  }
  fa.clearFlags();
  setBits(st, fmt, rd, fa.div(fmt, unpackReg(st, fmt, rs1), unpackReg(st, fmt, rs2), rm));
  st.fflags |= fa.flags;
}

function sqrtOp(st: FpuState, fmt: number, rd: number, rs1: number, rm: number): void {
  const i32 = st.i32;
  const special = fmt === FMT_D ? dSpecial(i32, rs1) : sSpecial(sBits(i32, rs1));
  if (!special) {
    const a = fmt === FMT_D ? st.f64[rs1] : sValue(sBits(i32, rs1));
    if (a > LO_SAFE && a < HI_SAFE) {
      const q = Math.sqrt(a);
      const r = fmt === FMT_D ? q : Math.fround(q);
      const p = twoProduct(q, q);
      const exact = p === a && prodErr === 0 && r === q;
      if (exact || rm === RNE) {
        if (fmt === FMT_D) st.f64[rd] = r;
        else setSValue(i32, rd, r);
        if (!exact) st.fflags |= NX;
        return;
      }
    }
  }
  fa.clearFlags();
  setBits(st, fmt, rd, fa.sqrt(fmt, unpackReg(st, fmt, rs1), rm));
  st.fflags |= fa.flags;
}

function fmaOp(
  st: FpuState,
  fmt: number,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  opc: number,
  rm: number,
): void {
  // 0x43 FMADD: a×b+c; 0x47 FMSUB: a×b−c; 0x4b FNMSUB: −a×b+c; 0x4f FNMADD: −a×b−c.
  const negProd = opc === 0x4b || opc === 0x4f;
  const negC = opc === 0x47 || opc === 0x4f;
  fa.clearFlags();
  const a = unpackReg(st, fmt, rs1);
  const b = unpackReg(st, fmt, rs2);
  const c = unpackReg(st, fmt, rs3);
  setBits(st, fmt, rd, fa.fma(fmt, a, b, c, negProd, negC, rm));
  st.fflags |= fa.flags;
}

function sgnj(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, kind: number): void {
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
function isSNaN(fmt: number, lo: number, hi: number): boolean {
  if (fmt === FMT_S) return (lo & 0x7fc00000) === 0x7f800000 && (lo & 0x3fffff) !== 0;
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) !== 0 || lo !== 0);
}

function isNaNBits(fmt: number, lo: number, hi: number): boolean {
  if (fmt === FMT_S) return (lo & 0x7f800000) === 0x7f800000 && (lo & 0x7fffff) !== 0;
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

function operand(st: FpuState, fmt: number, r: number): [number, number, number] {
  const i32 = st.i32;
  if (fmt === FMT_S) {
    const b = sBits(i32, r);
    return [b, 0, sValue(b)];
  }
  return [i32[2 * r], i32[2 * r + 1], st.f64[r]];
}

function minMax(st: FpuState, fmt: number, rd: number, rs1: number, rs2: number, max: boolean): void {
  const [alo, ahi, a] = operand(st, fmt, rs1);
  const [blo, bhi, b] = operand(st, fmt, rs2);
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
function compare(st: FpuState, fmt: number, rs1: number, rs2: number, f3: number): number {
  const [alo, ahi, a] = operand(st, fmt, rs1);
  const [blo, bhi, b] = operand(st, fmt, rs2);
  if (isNaNBits(fmt, alo, ahi) || isNaNBits(fmt, blo, bhi)) {
    if (f3 !== 2 || isSNaN(fmt, alo, ahi) || isSNaN(fmt, blo, bhi)) st.fflags |= NV;
    return 0;
  }
  if (f3 === 2) return a === b ? 1 : 0;
  if (f3 === 1) return a < b ? 1 : 0;
  return a <= b ? 1 : 0;
}

function fclass(st: FpuState, fmt: number, rs1: number): number {
  const [lo, hi, v] = operand(st, fmt, rs1);
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
function cvtFF(st: FpuState, fmt: number, rd: number, rs1: number, rm: number): void {
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
function roundToInt(x: number, rm: number): number {
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
function toInt(
  st: FpuState,
  fmt: number,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  kind: number,
  rm: number,
): void {
  const [lo, hi, x] = operand(st, fmt, rs1);
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
function fromInt(
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

/**
 * The FP CSRs (fflags, frm, fcsr) for a CSR instruction: returns false when it is illegal (the FPU
 * is off, or not an FP CSR). `f3` is the instruction's funct3, `src` its rs1 field / immediate.
 */
export function fpCsr(
  st: FpuState,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  src: number,
  f3: number,
  csr: number,
): boolean {
  if (!st.enabled || csr < CSR_FFLAGS || csr > CSR_FCSR) return false;
  const old = csr === CSR_FFLAGS ? st.fflags : csr === CSR_FRM ? st.frm : (st.frm << 5) | st.fflags;
  const operandValue = (f3 & 4) !== 0 ? src : xlo[src];
  const op = f3 & 3;
  const writes = op === 1 || src !== 0;
  if (writes) {
    const v = op === 1 ? operandValue : op === 2 ? old | operandValue : old & ~operandValue;
    if (csr === CSR_FFLAGS) st.fflags = v & 31;
    else if (csr === CSR_FRM) st.frm = v & 7;
    else {
      st.fflags = v & 31;
      st.frm = (v >>> 5) & 7;
    }
  }
  xlo[rd] = old;
  xhi[rd] = 0;
  return true;
}

export { FMT_D, FMT_S };
