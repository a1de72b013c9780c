import { describe, expect, it } from "vitest";
import { PhysicalMemory } from "../../src/machine/memory.ts";
import {
  ACCESS_EXECUTE,
  ACCESS_READ,
  ACCESS_WRITE,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pteNew,
  ptePaddr,
  readPte,
  sv39Index,
  sv39Translate,
  SV39_ACCESS_FAULT,
  SV39_PAGE_FAULT,
  writePte,
} from "../../src/machine/mmu.ts";
import { RAM_BASE } from "../../src/abi/platform.ts";

const RAM_SIZE = 0x100_0000; // 16 MiB
const ROOT = RAM_BASE + 0x1000;
const L1 = RAM_BASE + 0x2000;
const L0 = RAM_BASE + 0x3000;
const URW = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
const URX = PTE_V | PTE_R | PTE_X | PTE_U | PTE_A;

function setup(): PhysicalMemory {
  return new PhysicalMemory(RAM_BASE, RAM_SIZE);
}

/** Maps a 4 KiB page at vaddr through ROOT -> L1 -> L0. */
function map4k(m: PhysicalMemory, vaddr: number, paddr: number, flags: number): void {
  writePte(m, ROOT + 8 * sv39Index(vaddr, 2), L1, PTE_V);
  writePte(m, L1 + 8 * sv39Index(vaddr, 1), L0, PTE_V);
  writePte(m, L0 + 8 * sv39Index(vaddr, 0), paddr, flags);
}

describe("PTE helpers", () => {
  it("encode the PPN at bits 10..53 across both halves", () => {
    const pa = 0x12_3456_7000 * 16; // above 2^32, page aligned
    const pte = pteNew(pa, URW);
    expect(pte.lo & 0x3ff).toBe(URW);
    expect(ptePaddr(pte.hi, pte.lo)).toBe(pa);
    const big = (BigInt(pte.hi) << 32n) | BigInt(pte.lo);
    expect(big >> 10n).toBe(BigInt(pa) / 4096n);
  });

  it("round-trip through memory", () => {
    const m = setup();
    writePte(m, ROOT, RAM_BASE + 0x5000, URX);
    const { hi, lo } = readPte(m, ROOT);
    expect(ptePaddr(hi, lo)).toBe(RAM_BASE + 0x5000);
    expect(m.read64(ROOT)).toBe(BigInt(((RAM_BASE + 0x5000) / 4096) * 1024 + URX));
  });
});

describe("sv39Translate", () => {
  it("translates a 4 KiB leaf", () => {
    const m = setup();
    const va = 0x12_3456_7000;
    map4k(m, va, RAM_BASE + 0x8000, URW);
    expect(sv39Translate(m, ROOT, va + 0x123, ACCESS_READ)).toBe(RAM_BASE + 0x8123);
    expect(sv39Translate(m, ROOT, va + 0xfff, ACCESS_WRITE)).toBe(RAM_BASE + 0x8fff);
    expect(sv39Translate(m, ROOT, va + 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
  });

  it("translates a 2 MiB leaf", () => {
    const m = setup();
    const va = 0x4060_0000;
    writePte(m, ROOT + 8 * sv39Index(va, 2), L1, PTE_V);
    writePte(m, L1 + 8 * sv39Index(va, 1), RAM_BASE + 0x20_0000, URW);
    expect(sv39Translate(m, ROOT, va + 0x1_2345, ACCESS_WRITE)).toBe(RAM_BASE + 0x21_2345);
  });

  it("translates a 1 GiB leaf to addresses beyond RAM (devices)", () => {
    const m = setup();
    const va = 0x3f_c000_0000; // highest user gigapage
    writePte(m, ROOT + 8 * 255, 0x4000_0000, URW);
    expect(sv39Translate(m, ROOT, va + 0x1234_5678, ACCESS_READ)).toBe(0x5234_5678);
  });

  it("checks R/W/X permissions", () => {
    const m = setup();
    map4k(m, 0x1000, RAM_BASE + 0x8000, URX);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_EXECUTE)).toBe(RAM_BASE + 0x8000);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(RAM_BASE + 0x8000);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_WRITE)).toBe(SV39_PAGE_FAULT);
    map4k(m, 0x2000, RAM_BASE + 0x9000, URW);
    expect(sv39Translate(m, ROOT, 0x2000, ACCESS_EXECUTE)).toBe(SV39_PAGE_FAULT);
    map4k(m, 0x3000, RAM_BASE + 0xa000, PTE_V | PTE_X | PTE_U);
    expect(sv39Translate(m, ROOT, 0x3000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
  });

  it("treats W without R as reserved", () => {
    const m = setup();
    map4k(m, 0x1000, RAM_BASE + 0x8000, PTE_V | PTE_W | PTE_U);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_WRITE)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
  });

  it("requires U for user accesses and forbids it for supervisor accesses", () => {
    const m = setup();
    map4k(m, 0x1000, RAM_BASE + 0x8000, PTE_V | PTE_R | PTE_W);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ, false)).toBe(RAM_BASE + 0x8000);
    map4k(m, 0x2000, RAM_BASE + 0x9000, URW);
    expect(sv39Translate(m, ROOT, 0x2000, ACCESS_READ, false)).toBe(SV39_PAGE_FAULT);
  });

  it("faults on misaligned superpages", () => {
    const m = setup();
    writePte(m, ROOT, L1, PTE_V);
    writePte(m, L1, RAM_BASE + 0x1000, URW); // 2 MiB leaf, 4 KiB aligned only
    expect(sv39Translate(m, ROOT, 0x10, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    writePte(m, ROOT + 8, RAM_BASE + 0x20_0000, URW); // 1 GiB leaf, 2 MiB aligned only
    expect(sv39Translate(m, ROOT, 0x4000_0000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
  });

  it("faults on invalid entries, pointers at level 0, reserved bits and bad vaddrs", () => {
    const m = setup();
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    map4k(m, 0x1000, L0, PTE_V); // level-0 pointer is not a leaf
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    map4k(m, 0x1000, RAM_BASE + 0x8000, URW);
    m.write32(L0 + 8 * 1 + 4, m.read32(L0 + 8 * 1 + 4) | (1 << 29)); // PBMT bits set
    expect(sv39Translate(m, ROOT, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, ROOT, 2 ** 38, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, ROOT, -4096, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, ROOT, 0.5, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    expect(sv39Translate(m, 0, 0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
  });

  it("reports an access fault for page tables outside RAM", () => {
    const m = setup();
    writePte(m, ROOT, 0x1000_0000, PTE_V);
    expect(sv39Translate(m, ROOT, 0x10, ACCESS_READ)).toBe(SV39_ACCESS_FAULT);
  });
});
