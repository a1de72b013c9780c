// The F and D extensions of the RV64 hart: execution of every OP-FP and fused multiply-add
// instruction, with the arithmetic here, the conversions, comparisons and sign operations in
// fpconv.ts and the register file, fcsr and the FP CSRs in fpregs.ts. The interpreter (and a
// block translator) call execFp() with the raw instruction; loads and stores are the hart's (they
// need its memory path) but read and write the registers of the same FpuState.
//
// Speed: the common cases (round to nearest even, normal results) are computed with host doubles
// and Math.fround, with the inexact flag proved by error-free transformations (TwoSum, Dekker's
// TwoProduct; for fused multiply-adds, an exact sum of doubles). Anything they cannot settle
// (other rounding modes with inexact results, subnormal, overflowing or zero results, NaNs, sums
// too near a rounding midpoint) goes to the exact path in fparith.ts.

import * as fa from "./fparith.ts";
import { FMT_D, FMT_S, NX, RNE } from "./fparith.ts";
import { cvtFF, compare, fclass, fromInt, minMax, sgnj, toInt } from "./fpconv.ts";
import * as regs from "./fpregs.ts";
import {
  dSpecial,
  type FpuState,
  HI_SAFE,
  LO_SAFE,
  MIN_NORMAL_D,
  MIN_NORMAL_S,
  sBits,
  setBits,
  setS,
  setSValue,
  sSpecial,
  sValue,
  twoProduct,
  unpackReg,
} from "./fpregs.ts";

export { CSR_FCSR, CSR_FFLAGS, CSR_FRM, fpCsr, FpuState } from "./fpregs.ts";

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
        if (regs.prodErr === 0 || rm === RNE) {
          st.f64[rd] = p;
          if (regs.prodErr !== 0) st.fflags |= NX;
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
        const exact = p === a && regs.prodErr === 0 && r === q;
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
      const exact = p === a && regs.prodErr === 0 && r === q;
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
  if (
    fmt === FMT_D
      ? fmaFastD(st, rd, rs1, rs2, rs3, negProd, negC, rm)
      : fmaFastS(st, rd, rs1, rs2, rs3, negProd, negC, rm)
  )
    return;
  fa.clearFlags();
  const a = unpackReg(st, fmt, rs1);
  const b = unpackReg(st, fmt, rs2);
  const c = unpackReg(st, fmt, rs3);
  setBits(st, fmt, rd, fa.fma(fmt, a, b, c, negProd, negC, rm));
  st.fflags |= fa.flags;
}

const dScratch = new Float64Array(1);
const dScratchI = new Int32Array(dScratch.buffer);

/** The unit in the last place of a double r with |r| > LO_SAFE (its exponent exceeds 52). */
function ulpOf(r: number): number {
  dScratch[0] = r;
  dScratchI[1] = (dScratchI[1] & 0x7ff00000) - (52 << 20);
  dScratchI[0] = 0;
  return dScratch[0];
}

/**
 * A double fused multiply-add with host doubles when it can be proved: a×b = p + e exactly
 * (TwoProduct), p + c = s + t and t + e = u + v exactly (TwoSum), so the exact result is s + u + v;
 * r = fl(s + u) with error w. r is the correctly rounded (nearest) result unless s + u lies within
 * |v| of a midpoint between doubles, which is checked; the result is exact iff w + v = 0. Other
 * rounding modes are taken only when exact. False: the exact path must decide.
 */
function fmaFastD(
  st: FpuState,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  negProd: boolean,
  negC: boolean,
  rm: number,
): boolean {
  const i32 = st.i32;
  if (dSpecial(i32, rs1) || dSpecial(i32, rs2) || dSpecial(i32, rs3)) return false;
  const a = st.f64[rs1];
  const b = st.f64[rs2];
  const c0 = st.f64[rs3];
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ac = Math.abs(c0);
  if (!(aa > LO_SAFE && aa < HI_SAFE && ab > LO_SAFE && ab < HI_SAFE && ac > LO_SAFE && ac < HI_SAFE))
    return false;
  let p = twoProduct(a, b);
  let e = regs.prodErr;
  const ap = Math.abs(p);
  if (!(ap > LO_SAFE && ap < HI_SAFE)) return false;
  if (negProd) {
    p = -p;
    e = -e;
  }
  const c = negC ? -c0 : c0;
  const s = p + c;
  let bb = s - p;
  const t = p - (s - bb) + (c - bb);
  const u = t + e;
  bb = u - t;
  const v = t - (u - bb) + (e - bb);
  const r = s + u;
  bb = r - s;
  const w = s - (r - bb) + (u - bb);
  const ar = Math.abs(r);
  if (!(ar > LO_SAFE && ar < HI_SAFE)) return false;
  const exact = w + v === 0;
  if (!exact) {
    if (rm !== RNE) return false;
    if (v !== 0) {
      // Half the gap on w's side of r (below a power of two the gap is half as wide).
      const g = ulpOf(r);
      dScratch[0] = r;
      const pow2 = (dScratchI[1] & 0xfffff) === 0 && dScratchI[0] === 0;
      const below = w !== 0 && w < 0 !== r < 0;
      const half = below && pow2 ? g / 4 : g / 2;
      const av = Math.abs(v);
      if (!(av < g / 8 && Math.abs(Math.abs(w) - half) > 2 * av)) return false;
    }
  }
  st.f64[rd] = r;
  if (!exact) st.fflags |= NX;
  return true;
}

/**
 * A single fused multiply-add with host doubles: a×b is exact in a double (48 bits), p + c = s + t
 * exactly (TwoSum) and the result is s rounded to single, unless s is exactly a midpoint between
 * singles with t ≠ 0 (then t decides), which is left to the exact path, as are non-normal results.
 */
function fmaFastS(
  st: FpuState,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  negProd: boolean,
  negC: boolean,
  rm: number,
): boolean {
  const i32 = st.i32;
  const ab = sBits(i32, rs1);
  const bbits = sBits(i32, rs2);
  const cb = sBits(i32, rs3);
  if (sSpecial(ab) || sSpecial(bbits) || sSpecial(cb)) return false;
  const p = negProd ? -(sValue(ab) * sValue(bbits)) : sValue(ab) * sValue(bbits);
  const c = negC ? -sValue(cb) : sValue(cb);
  const s = p + c;
  const bb = s - p;
  const t = p - (s - bb) + (c - bb);
  const r = Math.fround(s);
  if (!(Math.abs(s) >= MIN_NORMAL_S && Math.abs(r) > MIN_NORMAL_S && r - r === 0)) return false;
  const exact = t === 0 && r === s;
  if (!exact) {
    if (rm !== RNE) return false;
    if (t !== 0) {
      dScratch[0] = s;
      // A midpoint between singles: the 29 bits below single precision are 1000…0.
      if ((dScratchI[0] & 0x1fffffff) === 0x10000000) return false;
    }
  }
  setSValue(i32, rd, r);
  if (!exact) st.fflags |= NX;
  return true;
}
