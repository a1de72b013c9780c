// RV64IMAFD + Zicsr + Zifencei instruction decoding (unprivileged ISA, user-level encodings only).
// F and D loads and stores get their own operations; every other F/D instruction decodes as
// OP_FP carrying the raw instruction for fpu.ts (after fpValid rejects the reserved encodings).
// Whether the FPU is usable at all (sstatus.FS) is checked when they execute.

import { decodeCompressed } from "./compressed.ts";
import { fpValid } from "./fpu.ts";
import * as O from "./ops.ts";

/** Decodes the instruction whose bits are `w` (the low 16 for a compressed one) into slot `s` of `out`. */
export function decodeInto(out: Int32Array, s: number, w: number): void {
  out[s] = w;
  if ((w & 3) !== 3) {
    decodeCompressed(out, s, w & 0xffff);
    out[s + 3] = 2;
    return;
  }
  out[s + 3] = 4;
  decode32(out, s, w);
  out[s + 1] |= O.LEN4;
}

function set(
  out: Int32Array,
  s: number,
  op: number,
  rd: number,
  rs1: number,
  rs2: number,
  imm: number,
): void {
  out[s + 1] = O.pack(op, rd, rs1, rs2);
  out[s + 2] = imm;
}

function illegal(out: Int32Array, s: number): void {
  set(out, s, O.OP_ILLEGAL, 0, 0, 0, 0);
}

const BRANCH_OPS = [O.OP_BEQ, O.OP_BNE, -1, -1, O.OP_BLT, O.OP_BGE, O.OP_BLTU, O.OP_BGEU];
const LOAD_OPS = [O.OP_LB, O.OP_LH, O.OP_LW, O.OP_LD, O.OP_LBU, O.OP_LHU, O.OP_LWU, -1];
const STORE_OPS = [O.OP_SB, O.OP_SH, O.OP_SW, O.OP_SD, -1, -1, -1, -1];
const OPIMM_OPS = [O.OP_ADDI, O.OP_SLLI, O.OP_SLTI, O.OP_SLTIU, O.OP_XORI, O.OP_SRLI, O.OP_ORI, O.OP_ANDI];
const OP_OPS = [O.OP_ADD, O.OP_SLL, O.OP_SLT, O.OP_SLTU, O.OP_XOR, O.OP_SRL, O.OP_OR, O.OP_AND];
const MULDIV_OPS = [O.OP_MUL, O.OP_MULH, O.OP_MULHSU, O.OP_MULHU, O.OP_DIV, O.OP_DIVU, O.OP_REM, O.OP_REMU];
const MULDIVW_OPS = [O.OP_MULW, -1, -1, -1, O.OP_DIVW, O.OP_DIVUW, O.OP_REMW, O.OP_REMUW];
const AMO_FUNCTS = new Set([
  O.AMO_ADD,
  O.AMO_SWAP,
  O.AMO_XOR,
  O.AMO_OR,
  O.AMO_AND,
  O.AMO_MIN,
  O.AMO_MAX,
  O.AMO_MINU,
  O.AMO_MAXU,
]);

function decode32(out: Int32Array, s: number, w: number): void {
  const rd = (w >>> 7) & 31;
  const f3 = (w >>> 12) & 7;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const f7 = w >>> 25;
  const immI = w >> 20;
  switch (w & 0x7f) {
    case 0x37:
      return set(out, s, O.OP_LUI, rd, 0, 0, w & ~0xfff);
    case 0x17:
      return set(out, s, O.OP_AUIPC, rd, 0, 0, w & ~0xfff);
    case 0x6f: {
      const imm =
        ((w >> 31) << 20) |
        (((w >>> 12) & 0xff) << 12) |
        (((w >>> 20) & 1) << 11) |
        (((w >>> 21) & 0x3ff) << 1);
      return set(out, s, O.OP_JAL, rd, 0, 0, imm);
    }
    case 0x67:
      return f3 === 0 ? set(out, s, O.OP_JALR, rd, rs1, 0, immI) : illegal(out, s);
    case 0x63: {
      const op = BRANCH_OPS[f3];
      if (op < 0) return illegal(out, s);
      const imm =
        ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
      return set(out, s, op, 0, rs1, rs2, imm);
    }
    case 0x03: {
      const op = LOAD_OPS[f3];
      return op < 0 ? illegal(out, s) : set(out, s, op, rd, rs1, 0, immI);
    }
    case 0x23: {
      const op = STORE_OPS[f3];
      const imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
      return op < 0 ? illegal(out, s) : set(out, s, op, 0, rs1, rs2, imm);
    }
    case 0x13: {
      if (f3 === 1 || f3 === 5) {
        const f6 = w >>> 26;
        const shamt = (w >>> 20) & 63;
        if (f3 === 1) return f6 === 0 ? set(out, s, O.OP_SLLI, rd, rs1, 0, shamt) : illegal(out, s);
        if (f6 === 0) return set(out, s, O.OP_SRLI, rd, rs1, 0, shamt);
        return f6 === 0x10 ? set(out, s, O.OP_SRAI, rd, rs1, 0, shamt) : illegal(out, s);
      }
      if (f3 === 0 && rs1 === 0) return set(out, s, O.OP_LI, rd, 0, 0, immI);
      if (f3 === 0 && immI === 0) return set(out, s, O.OP_MV, rd, rs1, 0, 0);
      return set(out, s, OPIMM_OPS[f3], rd, rs1, 0, immI);
    }
    case 0x33: {
      let op = -1;
      if (f7 === 0) op = OP_OPS[f3];
      else if (f7 === 0x20) op = f3 === 0 ? O.OP_SUB : f3 === 5 ? O.OP_SRA : -1;
      else if (f7 === 1) op = MULDIV_OPS[f3];
      return op < 0 ? illegal(out, s) : set(out, s, op, rd, rs1, rs2, 0);
    }
    case 0x1b: {
      if (f3 === 0) return set(out, s, O.OP_ADDIW, rd, rs1, 0, immI);
      const shamt = (w >>> 20) & 31;
      if (f3 === 1 && f7 === 0) return set(out, s, O.OP_SLLIW, rd, rs1, 0, shamt);
      if (f3 === 5 && f7 === 0) return set(out, s, O.OP_SRLIW, rd, rs1, 0, shamt);
      if (f3 === 5 && f7 === 0x20) return set(out, s, O.OP_SRAIW, rd, rs1, 0, shamt);
      return illegal(out, s);
    }
    case 0x3b: {
      let op = -1;
      if (f7 === 0) op = f3 === 0 ? O.OP_ADDW : f3 === 1 ? O.OP_SLLW : f3 === 5 ? O.OP_SRLW : -1;
      else if (f7 === 0x20) op = f3 === 0 ? O.OP_SUBW : f3 === 5 ? O.OP_SRAW : -1;
      else if (f7 === 1) op = MULDIVW_OPS[f3];
      return op < 0 ? illegal(out, s) : set(out, s, op, rd, rs1, rs2, 0);
    }
    case 0x0f:
      // Unused fence fields are reserved for future standard use and ignored, as hardware does.
      if (f3 === 0) return set(out, s, O.OP_FENCE, 0, 0, 0, 0);
      return f3 === 1 ? set(out, s, O.OP_FENCE_I, 0, 0, 0, 0) : illegal(out, s);
    case 0x73:
      if (f3 === 0) {
        if (w === 0x00000073) return set(out, s, O.OP_ECALL, 0, 0, 0, 0);
        if (w === 0x00100073) return set(out, s, O.OP_EBREAK, 0, 0, 0, 0);
        // sret, mret, wfi, sfence.vma, ...: privileged, illegal from U-mode.
        return illegal(out, s);
      }
      return f3 === 4 ? illegal(out, s) : set(out, s, O.OP_CSR, rd, rs1, f3, w >>> 20);
    case 0x2f: {
      if (f3 !== 2 && f3 !== 3) return illegal(out, s);
      const f5 = w >>> 27;
      const dbl = f3 === 3;
      if (f5 === 0x02) {
        if (rs2 !== 0) return illegal(out, s);
        return set(out, s, dbl ? O.OP_LR_D : O.OP_LR_W, rd, rs1, 0, 0);
      }
      if (f5 === 0x03) return set(out, s, dbl ? O.OP_SC_D : O.OP_SC_W, rd, rs1, rs2, 0);
      if (!AMO_FUNCTS.has(f5)) return illegal(out, s);
      return set(out, s, dbl ? O.OP_AMO_D : O.OP_AMO_W, rd, rs1, rs2, f5);
    }
    case 0x07:
    case 0x27: {
      // FLW/FLD, FSW/FSD
      if (f3 !== 2 && f3 !== 3) return illegal(out, s);
      const size = f3 === 2 ? 4 : 8;
      if ((w & 0x7f) === 0x07) return set(out, s, O.OP_FLOAD, size, rs1, rd, immI);
      return set(out, s, O.OP_FSTORE, size, rs1, rs2, ((w >> 25) << 5) | ((w >>> 7) & 31));
    }
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
    case 0x53:
      return fpValid(w) ? set(out, s, O.OP_FP, rd, rs1, rs2, w) : illegal(out, s);
    default:
      return illegal(out, s);
  }
}
