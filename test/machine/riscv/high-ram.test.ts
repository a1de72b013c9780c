// RAM above 2 GiB: with 3 GiB or 4 GiB of RAM the top pages lie more than 2^31 bytes into RAM and
// above physical 2^32. Code, page tables and data placed there must fetch, load, store and take
// AMOs/LR/SC exactly as low RAM does (an int32 RAM offset there turns negative).

import { describe, expect, it } from "vitest";
import { Machine } from "../../../src/machine/machine.ts";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, writePte } from "../../../src/machine/mmu.ts";
import { CPU_ECALL, CPU_EVENT, Hart } from "../../../src/machine/riscv/cpu.ts";
import { Translator } from "../../../src/machine/riscv/translate.ts";
import { RAM_BASE } from "../../../src/abi/platform.ts";

const PAGE = 0x1000;
const MiB = 1024 * 1024;
const LEAF = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_U;
const r = (rd: number, rs1: number): number => (rs1 << 15) | (rd << 7);
const lui = (rd: number, imm20: number): number => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;
const addi = (rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | r(rd, rs1) | 0x13) >>> 0;
const ld = (rd: number, rs1: number, imm: number): number =>
  ((imm << 20) | r(rd, rs1) | (3 << 12) | 0x03) >>> 0;
const sd = (rs2: number, rs1: number, imm: number): number =>
  (((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const amo = (funct5: number, rd: number, rs2: number, rs1: number): number =>
  ((funct5 << 27) | (rs2 << 20) | r(rd, rs1) | (3 << 12) | 0x2f) >>> 0;
const ECALL = 0x73;

/**
 * Page tables, a code page and a data page in the last 64 KiB of RAM; VA 0x10000 is the code,
 * VA 0x20000 the data. Runs the code to its ecall.
 */
function runAtTop(
  ramMiB: number,
  code: number[],
  data: bigint[],
  jit = false,
): { m: Machine; hart: Hart; dataPaddr: number; made: number } {
  const m = new Machine({ ramSize: ramMiB * MiB });
  const top = RAM_BASE + ramMiB * MiB;
  const root = top - 16 * PAGE;
  const l1 = root + PAGE;
  const l0 = root + 2 * PAGE;
  const codePaddr = top - 2 * PAGE;
  const dataPaddr = top - PAGE;
  writePte(m.memory, root, l1, PTE_V);
  writePte(m.memory, l1, l0, PTE_V);
  writePte(m.memory, l0 + 8 * 0x10, codePaddr, LEAF | PTE_X);
  writePte(m.memory, l0 + 8 * 0x20, dataPaddr, LEAF);
  code.forEach((w, i) => m.memory.write32(codePaddr + 4 * i, w));
  data.forEach((v, i) => m.memory.write64(dataPaddr + 8 * i, v));
  m.satp = root;
  // Short slices: every run after the first finds the code page in the TLB.
  const hart = new Hart(m, { maxSlice: jit ? 12 : undefined });
  hart.pcLo = 0x10000;
  const t = jit ? new Translator(hart, m) : null;
  if (t !== null) t.compileAfter = 0;
  let c = CPU_EVENT;
  while (c === CPU_EVENT) c = t !== null ? t.run() : hart.run();
  expect(c).toBe(CPU_ECALL);
  return { m, hart, dataPaddr, made: t?.made ?? 0 };
}

const reg = (h: Hart, i: number): bigint => (BigInt(h.xhi[i] >>> 0) << 32n) | BigInt(h.xlo[i] >>> 0);

describe("RAM above 2 GiB", () => {
  for (const ramMiB of [2560, 3072, 4096]) {
    it(`fetch, ld, sd, amoadd.d, lr.d/sc.d in the top pages of ${ramMiB} MiB of RAM`, () => {
      const program = [
        lui(5, 0x20), // x5 = 0x20000, the data page
        ld(6, 5, 0),
        addi(7, 0, 5),
        sd(7, 5, 8),
        addi(9, 5, 16),
        amo(0, 8, 7, 9), // amoadd.d x8, x7, (x9)
        addi(11, 5, 24),
        amo(2, 10, 0, 11), // lr.d x10, (x11)
        amo(3, 12, 7, 11), // sc.d x12, x7, (x11)
        ld(13, 5, 8),
        ECALL,
      ];
      const { m, hart, dataPaddr } = runAtTop(ramMiB, program, [
        0x1122334455667788n,
        0n,
        100n,
        0xdeadbeefcafef00dn,
      ]);
      expect(dataPaddr).toBeGreaterThan(2 ** 32);
      expect(reg(hart, 6)).toBe(0x1122334455667788n); // load
      expect(m.memory.read64(dataPaddr + 8)).toBe(5n); // store
      expect(reg(hart, 13)).toBe(5n); // and the load sees it
      expect(reg(hart, 8)).toBe(100n); // AMO returns the old value
      expect(m.memory.read64(dataPaddr + 16)).toBe(105n); // and adds
      expect(reg(hart, 10)).toBe(0xdeadbeefcafef00dn); // LR
      expect(reg(hart, 12)).toBe(0n); // SC succeeded
      expect(m.memory.read64(dataPaddr + 24)).toBe(5n);
      expect(hart.pcLo).toBe(0x10000 + 4 * (program.length - 1));
    });
  }

  it("code there is translated, and runs as on the interpreter", () => {
    // 100 passes of a load/add/store loop over the data page, then the ecall.
    const bne = (rs1: number, off: number): number =>
      ((((off >> 12) & 1) << 31) |
        (((off >> 5) & 63) << 25) |
        (rs1 << 15) |
        (1 << 12) |
        (((off >> 1) & 15) << 8) |
        (((off >> 11) & 1) << 7) |
        0x63) >>>
      0;
    const program = [
      lui(5, 0x20),
      addi(4, 0, 100),
      ld(6, 5, 0), // loop:
      addi(6, 6, 3),
      sd(6, 5, 0),
      addi(4, 4, -1),
      bne(4, -16),
      ECALL,
    ];
    const a = runAtTop(3072, program, [7n]);
    const b = runAtTop(3072, program, [7n], true);
    expect(b.made).toBeGreaterThan(0);
    expect(reg(b.hart, 6)).toBe(307n);
    for (let x = 1; x < 32; x++) expect(reg(b.hart, x)).toBe(reg(a.hart, x));
    expect(b.hart.instret).toBe(a.hart.instret);
    expect(b.m.memory.read64(b.dataPaddr)).toBe(307n);
  });
});
