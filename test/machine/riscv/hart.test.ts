// The hart on a bare machine (no kernel): hand-built Sv39 tables mapping code and two device
// pages, to check device access (one access of the instruction's width, the clock brought up to
// date before it), the TLB's flush on a satp change, and register-level trap reporting.

import { describe, expect, it } from "vitest";
import { Machine } from "../../../src/machine/machine.ts";
import {
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  TLB_LOG,
  writePte,
} from "../../../src/machine/mmu.ts";
import { CPU_ECALL, CPU_FAULT, Hart } from "../../../src/machine/riscv/cpu.ts";
import { RAM_BASE, RTC_BASE, UART0_BASE } from "../../../src/abi/platform.ts";

const PAGE = 0x1000;
const LEAF = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_U;
const lui = (rd: number, imm20: number): number => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;
const addi = (rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13) >>> 0;
const sb = (rs2: number, rs1: number): number => ((rs2 << 20) | (rs1 << 15) | 0x23) >>> 0;
const lw = (rd: number, rs1: number): number => ((rs1 << 15) | (2 << 12) | (rd << 7) | 0x03) >>> 0;
const ECALL = 0x73;

/** A machine with root table, tables for VA 0..2 MiB, code at 0x10000, UART at 0x20000, RTC at 0x30000. */
function setup(code: number[]): { m: Machine; hart: Hart; uart: number[]; root: number } {
  const uart: number[] = [];
  const m = new Machine({ ramSize: 4 << 20, onUartByte: (b) => uart.push(b) });
  const root = RAM_BASE + 0x10_0000;
  const l1 = root + PAGE;
  const l0 = root + 2 * PAGE;
  const codePage = root + 3 * PAGE;
  writePte(m.memory, root, l1, PTE_V);
  writePte(m.memory, l1, l0, PTE_V);
  writePte(m.memory, l0 + 8 * 0x10, codePage, LEAF | PTE_X);
  writePte(m.memory, l0 + 8 * 0x20, UART0_BASE, LEAF);
  writePte(m.memory, l0 + 8 * 0x30, RTC_BASE, LEAF);
  code.forEach((w, i) => m.memory.write32(codePage + 4 * i, w));
  m.satp = root;
  const hart = new Hart(m);
  hart.pcLo = 0x10000;
  return { m, hart, uart, root };
}

describe("RV64 hart on a bare machine", () => {
  it("stores to a device page reach the device; loads see the clock of the accessing instruction", () => {
    const { m, hart, uart } = setup([
      lui(5, 0x20),
      addi(6, 0, 72),
      sb(6, 5),
      addi(6, 0, 105),
      sb(6, 5),
      lui(7, 0x30),
      addi(0, 0, 0),
      lw(10, 7),
      ECALL,
    ]);
    m.clock.advanceTo(1000);
    expect(hart.run()).toBe(CPU_ECALL);
    expect(String.fromCharCode(...uart)).toBe("Hi");
    // The RTC counts ns; seven instructions (7 cycles of 1 ns) ran before the lw.
    expect(hart.xlo[10] >>> 0).toBe(1000 * 100 + 7);
    expect(hart.pcLo).toBe(0x10000 + 8 * 4);
    expect(m.clock.now * 100 + m.clock.remainder).toBe(1000 * 100 + 9);
  });

  it("a satp change drops the TLB: the same virtual page faults in an empty address space", () => {
    const { m, hart, root } = setup([lui(5, 0x20), addi(6, 0, 33), sb(6, 5), ECALL]);
    expect(hart.run()).toBe(CPU_ECALL);
    const empty = root + 8 * PAGE;
    m.satp = empty;
    hart.pcLo = 0x10000;
    expect(hart.run()).toBe(CPU_FAULT);
    expect(hart.scause).toBe(12);
    expect(hart.stvalLo).toBe(0x10000);
  });

  it("sfenceVmaPage drops one page's translation; more flushes than the log keeps drop them all", () => {
    // lw x10 from 0x40000 and lw x11 from 0x50000, each page a RAM frame holding its own value.
    const { m, hart, root } = setup([lui(5, 0x40), lw(10, 5), lui(5, 0x50), lw(11, 5), ECALL]);
    const l0 = root + 2 * PAGE;
    const frame = (k: number): number => RAM_BASE + 0x20_0000 + k * PAGE;
    for (let k = 0; k < 4; k++) m.memory.write32(frame(k), 100 + k);
    writePte(m.memory, l0 + 8 * 0x40, frame(0), LEAF);
    writePte(m.memory, l0 + 8 * 0x50, frame(1), LEAF);
    const run = (): [number, number] => {
      hart.pcLo = 0x10000;
      expect(hart.run()).toBe(CPU_ECALL);
      return [hart.xlo[10], hart.xlo[11]];
    };
    expect(run()).toEqual([100, 101]);
    // Both pages now map other frames; only 0x40000 is flushed: 0x50000 still translates as
    // cached, as a TLB does until it is told.
    writePte(m.memory, l0 + 8 * 0x40, frame(2), LEAF);
    writePte(m.memory, l0 + 8 * 0x50, frame(3), LEAF);
    m.sfenceVmaPage(root, 0x40000);
    expect(run()).toEqual([102, 101]);
    // A flush of the page in another address space drops nothing here.
    m.sfenceVmaPage(root + 8 * PAGE, 0x50000);
    expect(run()).toEqual([102, 101]);
    // A hart further behind than the log reaches drops everything.
    for (let k = 0; k <= TLB_LOG; k++) m.sfenceVmaPage(root, 0x100000 + k * PAGE);
    expect(run()).toEqual([102, 103]);
  });

  it("a PTE change with sfence.vma (tlbGeneration) is seen on the next run", () => {
    const { m, hart, root } = setup([lui(5, 0x20), addi(6, 0, 33), sb(6, 5), ECALL]);
    expect(hart.run()).toBe(CPU_ECALL);
    // Unmap the UART page.
    writePte(m.memory, root + 2 * PAGE + 8 * 0x20, 0, 0);
    m.sfenceVma();
    hart.pcLo = 0x10000;
    expect(hart.run()).toBe(CPU_FAULT);
    expect(hart.scause).toBe(15);
    expect(hart.stvalLo).toBe(0x20000);
    expect(hart.pcLo).toBe(0x10008);
  });
});
