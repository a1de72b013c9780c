// F/D instructions inside translated code: arithmetic, conversions, moves between the register
// files, compares, classification, single and double loads and stores (compressed forms too),
// with a CSR access the interpreter keeps in the middle of the loop. Interpreted and translated
// runs must agree at every exit, with the data in the code's own page (stores beside translated
// code) and in a page of its own.

import { describe, expect, it } from "vitest";
import { BACKENDS, imageBoot, record } from "./jit-harness.ts";
import { ADDI, B, ECALL, LD, LUI, SD } from "./rvgen.ts";

const BASE = 0x10000;

/**
 * 64 bytes (assembled with riscv64-unknown-elf-as -march=rv64gc): fcvt.d.l f1,x4;
 * fadd.d f2,f2,f1; fmul.d f3,f2,f1; fsd f3,16(x8); fld f4,16(x8); fmv.x.d x6,f4;
 * feq.d x7,f4,f3; fcvt.l.d x5,f2,rtz; c.add x9,x6; flw f5,24(x8); fsw f1,28(x8);
 * fsqrt.d f6,f3; fclass.d x10,f6; fmv.d f8,f3; c.fsd f8,32(x8); c.fld f9,32(x8);
 * fsflags x0; c.nop.
 */
const FP_BODY =
  "d37022d253711102d37111122738340007320401530302e2d32332a2d31221c29a9487228401272e140053f3015a531503e25384312200b00430731010000100";

function image(dataHi20: number, dataLo: number): { vaddr: number; bytes: Uint8Array; entry: number } {
  const bytes = new Uint8Array(3 * 4096);
  const dv = new DataView(bytes.buffer);
  let at = 0;
  const word = (w: number): void => {
    dv.setUint32(at, w >>> 0, true);
    at += 4;
  };
  // Distinct bytes where the loop reads and writes, so that every access's address shows.
  const data = dataHi20 * 4096 + dataLo - BASE;
  for (let i = 0; i < 64; i++) bytes[data + i] = 17 * i + 1;
  word(LUI(8, dataHi20));
  word(ADDI(8, 8, dataLo));
  word(ADDI(4, 0, 300));
  const loop = at;
  for (let i = 0; i < FP_BODY.length; i += 2) bytes[at++] = parseInt(FP_BODY.slice(i, i + 2), 16);
  word(ADDI(4, 4, -1));
  word(B(1, 4, 0, loop - at));
  word(ADDI(17, 0, -14));
  word(ECALL);
  return { vaddr: BASE, bytes, entry: BASE };
}

describe.each(BACKENDS)("F/D instructions in translated code (%s)", (backend) => {
  it.each([
    ["in a page of their own", 0x12, 0],
    ["in the code's page, beside the translated code", 0x10, 0x600],
  ])("run as on the interpreter, data %s", (_what, hi20, lo) => {
    const img = image(hi20, lo);
    const a = record(imageBoot(img), false);
    const b = record(imageBoot(img), backend);
    expect(a.result).toMatch(/^halt/);
    expect(b.exits).toEqual(a.exits);
    expect(b.made).toBeGreaterThan(0);
    // The loop really computed in floating point: x9 sums the bits of the doubles it stored.
    // An exit reads "code pc= n= t= cause= tval= x1 x2 …", each register as hi:lo.
    const x9 = a.exits.at(-1)!.split(" ")[5 + 9];
    expect(x9).not.toBe("0:0");
  });
});

describe.each(BACKENDS)("F/D loads and stores in translated code on a kernel without F/D (%s)", (backend) => {
  it("the first one reached is an illegal instruction, as on the interpreter", () => {
    // A loop of 300 iterations whose fld (and fsd) run only when x4 reaches 5: by then the loop
    // has long been translated, so the translated access must see the unit off.
    const bytes = new Uint8Array(2 * 4096);
    const dv = new DataView(bytes.buffer);
    const code = [
      LUI(8, 0x11),
      ADDI(4, 0, 300),
      ADDI(5, 0, 5),
      ADDI(4, 4, -1),
      LD(6, 8, 0), // the data page in the TLB for loads and stores
      SD(6, 8, 16),
      B(1, 4, 5, 12), // bne x4, x5, +12: skip the two accesses
      0x00043087, // fld f1, 0(x8)
      0x00143427, // fsd f1, 8(x8)
      B(1, 4, 0, -24), // bnez x4, back to the addi
      ADDI(17, 0, -14),
      ECALL,
    ];
    code.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
    const img = { vaddr: BASE, bytes, entry: BASE };
    const opts = { kernelConfig: { fpu: false } };
    const a = record(imageBoot(img), false, opts);
    const b = record(imageBoot(img), backend, opts);
    expect(b.made).toBeGreaterThan(0);
    expect(b.exits).toEqual(a.exits);
    // The run stopped at the fld with an illegal-instruction trap (scause 2), 295 iterations in.
    expect(a.exits.at(-1)).toMatch(new RegExp(`pc=0:${BASE + 28} .* cause=2 `));
  });
});
