// Sv39 address translation over page tables in simulated RAM (RISC-V privileged spec §4.4).
// PTEs are handled as two u32 halves: lo = bits 0..31, hi = bits 32..63, so no BigInt is needed.

import type { PhysicalMemory } from "./memory.ts";

/** Single-page TLB flushes kept in the machine's log (Machine.tlbSeq). */
export const TLB_LOG = 64;

export const PTE_V = 1;
export const PTE_R = 2;
export const PTE_W = 4;
export const PTE_X = 8;
export const PTE_U = 16;
export const PTE_G = 32;
export const PTE_A = 64;
export const PTE_D = 128;

export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;
export const ACCESS_EXECUTE = 2;
export type Sv39Access = 0 | 1 | 2;

/** Invalid or reserved PTE, permission or U-bit violation, misaligned superpage, or non-canonical vaddr. */
export const SV39_PAGE_FAULT = -1;
/** A page-table entry lies outside RAM (hardware reports an access fault on the implicit load). */
export const SV39_ACCESS_FAULT = -2;

export const SV39_LEVELS = 3;
/** First address of the upper (kernel) half; user addresses are below it. */
export const SV39_USER_TOP = 2 ** 38;
/** Bytes mapped by a leaf at each level: 4 KiB, 2 MiB, 1 GiB. */
export const SV39_LEVEL_SIZE: readonly number[] = [0x1000, 0x20_0000, 0x4000_0000];

const TWO_32 = 0x1_0000_0000;
const TWO_34 = 0x4_0000_0000;
// PPN bits 0..21 sit in lo bits 10..31; PPN bits 22..43 in hi bits 0..21; hi bits 22..31 are reserved.
const HI_PPN_MASK = 0x3f_ffff;
// Low PPN bits that must be zero in a 2 MiB / 1 GiB leaf (PPN[0], PPN[0..1]).
const SUPERPAGE_PPN_MASK = [0, 0x1ff, 0x3_ffff];

export interface PteHalves {
  hi: number;
  lo: number;
}

/** Low half of a PTE mapping the page-aligned physical address `paddr`. */
export function pteLo(paddr: number, flags: number): number {
  const ppn = Math.floor(paddr / 4096);
  return (((ppn & 0x3f_ffff) << 10) | (flags & 0x3ff)) >>> 0;
}

/** High half of a PTE mapping `paddr`. */
export function pteHi(paddr: number): number {
  return Math.floor(paddr / TWO_34) & HI_PPN_MASK;
}

export function pteNew(paddr: number, flags: number): PteHalves {
  return { hi: pteHi(paddr), lo: pteLo(paddr, flags) };
}

/** Physical address named by a PTE's PPN. */
export function ptePaddr(hi: number, lo: number): number {
  return (hi & HI_PPN_MASK) * TWO_34 + (lo >>> 10) * 4096;
}

export function pteFlags(lo: number): number {
  return lo & 0xff;
}

export function pteIsLeaf(lo: number): boolean {
  return (lo & (PTE_R | PTE_X)) !== 0;
}

export function readPte(mem: PhysicalMemory, pteAddr: number): PteHalves {
  return { hi: mem.readWordHi(pteAddr), lo: mem.readWordLo(pteAddr) };
}

export function writePte(mem: PhysicalMemory, pteAddr: number, paddr: number, flags: number): void {
  mem.writeWordHiLo(pteAddr, pteHi(paddr), pteLo(paddr, flags));
}

/** The 9-bit index of `vaddr` (a user address below 2^38) at `level` (2 = root). */
export function sv39Index(vaddr: number, level: number): number {
  return Math.floor(vaddr / SV39_LEVEL_SIZE[level]) & 0x1ff;
}

/**
 * Walks the Sv39 tables rooted at `rootPaddr` for `vaddr`, returning the physical address or a negative
 * fault code. A/D are treated as set (seL4 sets them on every leaf). Only lower-half addresses are
 * translatable: the upper half is the kernel's and cannot be represented exactly as a number. Supervisor
 * accesses (user = false) to U pages fault, as with sstatus.SUM = 0 as seL4 runs. This is on the hot path
 * of every user memory access and must not allocate.
 */
export function sv39Translate(
  mem: PhysicalMemory,
  rootPaddr: number,
  vaddr: number,
  access: Sv39Access,
  user = true,
): number {
  if (!(vaddr >= 0 && vaddr < SV39_USER_TOP) || vaddr % 1 !== 0) return SV39_PAGE_FAULT;
  // No address space (satp bare) while running a user thread: seL4 gives such threads an empty VSpace.
  if (rootPaddr === 0) return SV39_PAGE_FAULT;
  const vlo = vaddr >>> 0;
  const vhi = (vaddr - vlo) / TWO_32;
  const u32 = mem.u32;
  const ramBase = mem.ramBase;
  const ramEnd = mem.ramEnd;
  let table = rootPaddr;
  for (let level = 2; level >= 0; level--) {
    const index = level === 2 ? ((vhi << 2) | (vlo >>> 30)) & 0x1ff : (vlo >>> (12 + 9 * level)) & 0x1ff;
    const pteAddr = table + index * 8;
    if (pteAddr < ramBase || pteAddr + 8 > ramEnd || (pteAddr & 7) !== 0) return SV39_ACCESS_FAULT;
    const i = (pteAddr - ramBase) >>> 2;
    const lo = u32[i];
    const hi = u32[i + 1];
    if ((lo & PTE_V) === 0 || (lo & (PTE_R | PTE_W)) === PTE_W || hi >>> 22 !== 0) return SV39_PAGE_FAULT;
    if ((lo & (PTE_R | PTE_X)) === 0) {
      table = (hi & HI_PPN_MASK) * TWO_34 + (lo >>> 10) * 4096;
      continue;
    }
    const need = access === ACCESS_READ ? PTE_R : access === ACCESS_WRITE ? PTE_W : PTE_X;
    if ((lo & need) === 0) return SV39_PAGE_FAULT;
    if (((lo & PTE_U) !== 0) !== user) return SV39_PAGE_FAULT;
    const ppnLo = lo >>> 10;
    if ((ppnLo & SUPERPAGE_PPN_MASK[level]) !== 0) return SV39_PAGE_FAULT;
    const pageOffset = vlo & (SV39_LEVEL_SIZE[level] - 1);
    return (hi & HI_PPN_MASK) * TWO_34 + ppnLo * 4096 + pageOffset;
  }
  // The level-0 entry was a pointer: no leaf.
  return SV39_PAGE_FAULT;
}
