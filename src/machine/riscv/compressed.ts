// The C extension for RV64: each 16-bit instruction expands to the operation of its 32-bit
// counterpart (c.fld, c.fsd, c.fldsp and c.fsdsp those of fld and fsd). Reserved encodings decode
// as illegal instructions; HINT encodings (rd = x0 and the like) execute as no-ops.

import * as O from "./ops.ts";

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

/** Sign-extends the low `bits` bits of v. */
function sext(v: number, bits: number): number {
  const sh = 32 - bits;
  return (v << sh) >> sh;
}

export function decodeCompressed(out: Int32Array, s: number, h: number): void {
  const f3 = h >>> 13;
  const rdFull = (h >>> 7) & 31;
  const rs2Full = (h >>> 2) & 31;
  // The 3-bit register fields name x8..x15.
  const rdP = 8 + ((h >>> 2) & 7);
  const rs1P = 8 + ((h >>> 7) & 7);
  const imm6 = sext(((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f), 6);
  switch (h & 3) {
    case 0:
      switch (f3) {
        case 0: {
          const imm = ((h >>> 7) & 0x30) | ((h >>> 1) & 0x3c0) | ((h >>> 4) & 4) | ((h >>> 2) & 8);
          // imm = 0 (including the all-zero halfword) is reserved: the canonical illegal instruction.
          return imm === 0 ? illegal(out, s) : set(out, s, O.OP_ADDI, rdP, 2, 0, imm);
        }
        case 1: // c.fld
          return set(out, s, O.OP_FLOAD, 8, rs1P, rdP, ldImm(h));
        case 2:
          return set(out, s, O.OP_LW, rdP, rs1P, 0, lwImm(h));
        case 3:
          return set(out, s, O.OP_LD, rdP, rs1P, 0, ldImm(h));
        case 5: // c.fsd
          return set(out, s, O.OP_FSTORE, 8, rs1P, rdP, ldImm(h));
        case 6:
          return set(out, s, O.OP_SW, 0, rs1P, rdP, lwImm(h));
        case 7:
          return set(out, s, O.OP_SD, 0, rs1P, rdP, ldImm(h));
        default:
          return illegal(out, s);
      }
    case 1:
      switch (f3) {
        case 0:
          return set(out, s, O.OP_ADDI, rdFull, rdFull, 0, imm6);
        case 1:
          return rdFull === 0 ? illegal(out, s) : set(out, s, O.OP_ADDIW, rdFull, rdFull, 0, imm6);
        case 2:
          return set(out, s, O.OP_LI, rdFull, 0, 0, imm6);
        case 3: {
          if (rdFull === 2) {
            const imm = sext(
              ((h >>> 3) & 0x200) |
                ((h >>> 2) & 0x10) |
                ((h << 1) & 0x40) |
                ((h << 4) & 0x180) |
                ((h << 3) & 0x20),
              10,
            );
            return imm === 0 ? illegal(out, s) : set(out, s, O.OP_ADDI, 2, 2, 0, imm);
          }
          const imm = sext(((h << 5) & 0x20000) | ((h << 10) & 0x1f000), 18);
          return imm === 0 ? illegal(out, s) : set(out, s, O.OP_LUI, rdFull, 0, 0, imm);
        }
        case 4: {
          const shamt = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f);
          switch ((h >>> 10) & 3) {
            case 0:
              return set(out, s, O.OP_SRLI, rs1P, rs1P, 0, shamt);
            case 1:
              return set(out, s, O.OP_SRAI, rs1P, rs1P, 0, shamt);
            case 2:
              return set(out, s, O.OP_ANDI, rs1P, rs1P, 0, imm6);
            default: {
              const f2 = (h >>> 5) & 3;
              if ((h & 0x1000) === 0) {
                const op = [O.OP_SUB, O.OP_XOR, O.OP_OR, O.OP_AND][f2];
                return set(out, s, op, rs1P, rs1P, rdP, 0);
              }
              if (f2 === 0) return set(out, s, O.OP_SUBW, rs1P, rs1P, rdP, 0);
              if (f2 === 1) return set(out, s, O.OP_ADDW, rs1P, rs1P, rdP, 0);
              return illegal(out, s);
            }
          }
        }
        case 5: {
          const imm = sext(
            ((h >>> 1) & 0x800) |
              ((h >>> 7) & 0x10) |
              ((h >>> 1) & 0x300) |
              ((h << 2) & 0x400) |
              ((h >>> 1) & 0x40) |
              ((h << 1) & 0x80) |
              ((h >>> 2) & 0xe) |
              ((h << 3) & 0x20),
            12,
          );
          return set(out, s, O.OP_JAL, 0, 0, 0, imm);
        }
        default: {
          const imm = sext(
            ((h >>> 4) & 0x100) |
              ((h >>> 7) & 0x18) |
              ((h << 1) & 0xc0) |
              ((h >>> 2) & 6) |
              ((h << 3) & 0x20),
            9,
          );
          return set(out, s, f3 === 6 ? O.OP_BEQ : O.OP_BNE, 0, rs1P, 0, imm);
        }
      }
    default:
      switch (f3) {
        case 0:
          return set(out, s, O.OP_SLLI, rdFull, rdFull, 0, ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f));
        case 1: {
          // c.fldsp
          const imm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0);
          return set(out, s, O.OP_FLOAD, 8, 2, rdFull, imm);
        }
        case 2: {
          const imm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1c) | ((h << 4) & 0xc0);
          return rdFull === 0 ? illegal(out, s) : set(out, s, O.OP_LW, rdFull, 2, 0, imm);
        }
        case 3: {
          const imm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0);
          return rdFull === 0 ? illegal(out, s) : set(out, s, O.OP_LD, rdFull, 2, 0, imm);
        }
        case 4:
          if ((h & 0x1000) === 0) {
            if (rs2Full === 0)
              return rdFull === 0 ? illegal(out, s) : set(out, s, O.OP_JALR, 0, rdFull, 0, 0);
            return set(out, s, O.OP_MV, rdFull, rs2Full, 0, 0);
          }
          if (rs2Full === 0) {
            if (rdFull === 0) return set(out, s, O.OP_EBREAK, 0, 0, 0, 0);
            return set(out, s, O.OP_JALR, 1, rdFull, 0, 0);
          }
          return set(out, s, O.OP_ADD, rdFull, rdFull, rs2Full, 0);
        case 6:
          return set(out, s, O.OP_SW, 0, 2, rs2Full, ((h >>> 7) & 0x3c) | ((h >>> 1) & 0xc0));
        case 5: // c.fsdsp
          return set(out, s, O.OP_FSTORE, 8, 2, rs2Full, ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0));
        case 7:
          return set(out, s, O.OP_SD, 0, 2, rs2Full, ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0));
        default:
          return illegal(out, s);
      }
  }
}

function lwImm(h: number): number {
  return ((h >>> 7) & 0x38) | ((h >>> 4) & 4) | ((h << 1) & 0x40);
}

function ldImm(h: number): number {
  return ((h >>> 7) & 0x38) | ((h << 1) & 0xc0);
}
