// Which encodings are F/D instructions: the reserved ones of the F/D opcode space decode as
// illegal instructions (formats H and Q, rounding modes 5 and 6, unknown funct5/funct3, a wrong
// rs2 for the unary forms, FP loads and stores of other widths), the others as their operation.

import { describe, expect, it } from "vitest";
import { decodeInto } from "../../../src/machine/riscv/decode.ts";
import { OP_FLOAD, OP_FP, OP_FSTORE, OP_ILLEGAL, SLOT_WORDS } from "../../../src/machine/riscv/ops.ts";

function op(w: number): number {
  const slot = new Int32Array(SLOT_WORDS);
  decodeInto(slot, 0, w | 0);
  return slot[1] & 255;
}

// OP-FP: funct5 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x53.
const opfp = (f5: number, fmt: number, rs2: number, f3: number): number =>
  ((f5 << 27) | (fmt << 25) | (rs2 << 20) | (1 << 15) | (f3 << 12) | (2 << 7) | 0x53) >>> 0;
const fma = (opc: number, fmt: number, rm: number): number =>
  ((3 << 27) | (fmt << 25) | (2 << 20) | (1 << 15) | (rm << 12) | (4 << 7) | opc) >>> 0;
const mem = (opc: number, f3: number): number => ((8 << 20) | (2 << 15) | (f3 << 12) | (1 << 7) | opc) >>> 0;

describe("F/D decoding", () => {
  const legal: [string, number, number][] = [
    ["fadd.d rne", opfp(0, 1, 3, 0), OP_FP],
    ["fadd.s dyn", opfp(0, 0, 3, 7), OP_FP],
    ["fsqrt.d rmm", opfp(0x0b, 1, 0, 4), OP_FP],
    ["fsgnjx.s", opfp(0x04, 0, 3, 2), OP_FP],
    ["fmax.d", opfp(0x05, 1, 3, 1), OP_FP],
    ["fcvt.s.d", opfp(0x08, 0, 1, 0), OP_FP],
    ["fcvt.d.s", opfp(0x08, 1, 0, 0), OP_FP],
    ["feq.d", opfp(0x14, 1, 3, 2), OP_FP],
    ["fcvt.lu.s", opfp(0x18, 0, 3, 1), OP_FP],
    ["fcvt.d.l", opfp(0x1a, 1, 2, 7), OP_FP],
    ["fmv.x.d", opfp(0x1c, 1, 0, 0), OP_FP],
    ["fclass.s", opfp(0x1c, 0, 0, 1), OP_FP],
    ["fmv.w.x", opfp(0x1e, 0, 0, 0), OP_FP],
    ["fmadd.d", fma(0x43, 1, 0), OP_FP],
    ["fnmadd.s dyn", fma(0x4f, 0, 7), OP_FP],
    ["flw", mem(0x07, 2), OP_FLOAD],
    ["fld", mem(0x07, 3), OP_FLOAD],
    ["fsw", mem(0x27, 2), OP_FSTORE],
    ["fsd", mem(0x27, 3), OP_FSTORE],
    ["c.fld", 0x2000, OP_FLOAD],
    ["c.fsd", 0xa000, OP_FSTORE],
    ["c.fldsp f1, 0(sp)", 0x2082, OP_FLOAD],
    ["c.fsdsp f1, 0(sp)", 0xa006, OP_FSTORE],
  ];
  const illegal: [string, number][] = [
    ["fadd.h (format H)", opfp(0, 2, 3, 0)],
    ["fadd.q (format Q)", opfp(0, 3, 3, 0)],
    ["fadd.d with rounding mode 5", opfp(0, 1, 3, 5)],
    ["fmul.s with rounding mode 6", opfp(0x02, 0, 3, 6)],
    ["fsqrt.d with rs2 = 1", opfp(0x0b, 1, 1, 0)],
    ["fsgnj.d with funct3 3", opfp(0x04, 1, 3, 3)],
    ["fmin.s with funct3 2", opfp(0x05, 0, 3, 2)],
    ["fcvt.s.s (fcvt.s.d's rs2 = 0)", opfp(0x08, 0, 0, 0)],
    ["fcvt.d.d", opfp(0x08, 1, 1, 0)],
    ["feq.s with funct3 3", opfp(0x14, 0, 3, 3)],
    ["fcvt.w.d with rs2 = 4", opfp(0x18, 1, 4, 0)],
    ["fcvt.d.w with rs2 = 5", opfp(0x1a, 1, 5, 0)],
    ["fmv.x.w with funct3 2", opfp(0x1c, 0, 0, 2)],
    ["fclass.d with rs2 = 1", opfp(0x1c, 1, 1, 1)],
    ["fmv.d.x with funct3 1", opfp(0x1e, 1, 0, 1)],
    ["an unknown funct5 (0x06)", opfp(0x06, 1, 3, 0)],
    ["fmadd.q", fma(0x43, 3, 0)],
    ["fmsub.d with rounding mode 5", fma(0x47, 1, 5)],
    ["flh (width 1)", mem(0x07, 1)],
    ["flq (width 4)", mem(0x07, 4)],
    ["fsq (width 4)", mem(0x27, 4)],
  ];
  for (const [name, w, want] of legal) it(`${name} decodes`, () => expect(op(w)).toBe(want));
  for (const [name, w] of illegal) it(`${name} is illegal`, () => expect(op(w)).toBe(OP_ILLEGAL));
});
