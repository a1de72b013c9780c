// The floating-point state of the RV64 hart (F and D): the register file, fcsr and sstatus.FS, the
// helpers every F/D operation uses to read and write registers (NaN-boxing of singles), the
// error-free product used to prove results exact, and the FP CSRs.
//
// Registers f0..f31 are 64-bit: a Float64Array over the same buffer as an Int32Array view (low
// word at 2r, high word at 2r+1). A single is NaN-boxed: its bits in the low word with the high
// word all ones; a single operand that is not properly boxed reads as the canonical NaN.

import * as fa from "./fparith.ts";
import { FMT_S } from "./fparith.ts";

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

  /**
   * `storage`: 64 words (8-byte aligned) to hold the registers in, e.g. in RAM's side region where
   * generated WebAssembly reads them; a fresh buffer if not given.
   */
  constructor(storage?: Int32Array) {
    const s = storage ?? new Int32Array(64);
    this.f64 = new Float64Array(s.buffer, s.byteOffset, 32);
    this.i32 = s;
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

export const cvtF = new Float32Array(1);
export const cvtI = new Int32Array(cvtF.buffer);
export const MIN_NORMAL_S = 2 ** -126;
export const MIN_NORMAL_D = 2 ** -1022;
const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)
export const LO_SAFE = 2 ** -900;
export const HI_SAFE = 2 ** 900;
export const TWO_32 = 4294967296;

/** Error of the last twoProduct: a × b = product + prodErr exactly (when no under/overflow). */
export let prodErr = 0;
export function twoProduct(a: number, b: number): number {
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
export function sBits(i32: Int32Array, r: number): number {
  return i32[2 * r + 1] === -1 ? i32[2 * r] : 0x7fc00000;
}

export function sValue(bits: number): number {
  cvtI[0] = bits;
  return cvtF[0];
}

/** Exponent field all ones: infinity or NaN. */
export function sSpecial(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000;
}

export function dSpecial(i32: Int32Array, r: number): boolean {
  return (i32[2 * r + 1] & 0x7ff00000) === 0x7ff00000;
}

export function setS(i32: Int32Array, r: number, bits: number): void {
  i32[2 * r] = bits;
  i32[2 * r + 1] = -1;
}

export function setSValue(i32: Int32Array, r: number, v: number): void {
  cvtF[0] = v;
  i32[2 * r] = cvtI[0];
  i32[2 * r + 1] = -1;
}

export function regBits(st: FpuState, fmt: number, r: number): bigint {
  const i32 = st.i32;
  if (fmt === FMT_S) return BigInt(sBits(i32, r) >>> 0);
  return (BigInt(i32[2 * r + 1] >>> 0) << 32n) | BigInt(i32[2 * r] >>> 0);
}

export function unpackReg(st: FpuState, fmt: number, r: number): fa.Unpacked {
  return fa.unpack(fmt, regBits(st, fmt, r));
}

export function setBits(st: FpuState, fmt: number, r: number, bits: bigint): void {
  if (fmt === FMT_S) setS(st.i32, r, Number(bits) | 0);
  else {
    st.i32[2 * r] = Number(bits & 0xffffffffn) | 0;
    st.i32[2 * r + 1] = Number(bits >> 32n) | 0;
  }
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
