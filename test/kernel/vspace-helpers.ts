// Helpers for the VSpace tests (vspace, asid, vspace-delete): a per-test allocator of root slots,
// frames, page tables and VSpace roots, short names for the mapping invocations, and white-box
// readers of the page tables in RAM.
//
// The root task's VSpace after boot: root table -> level-1 table for [0, 1 GiB) -> level-0 table
// for [0, 2 MiB), which maps the image at 0x10000 and the IPC buffer and boot info after it. So a
// 4 KiB page maps directly at FREE_4K, a page table is needed at NEEDS_PT (a free 2 MiB slot of
// the level-1 table), and two are needed at NEEDS_2PT (a free 1 GiB slot of the root).

import { expect } from "vitest";
import {
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadVSpace,
  seL4_ReadWrite,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Default_VMAttributes,
  seL4_RISCV_Mega_Page,
  seL4_RISCV_Page_GetAddress,
  seL4_RISCV_Page_Map,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTableObject,
  seL4_RISCV_ASIDPool_Assign,
  seL4_UntypedObject,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import { ACCESS_READ, sv39Translate, type Sv39Access } from "../../src/machine/mmu.ts";
import type { System } from "../../src/system/system.ts";
import { findUntyped } from "../harness.ts";
import { retype } from "./cdt-helpers.ts";

export const VS = seL4_CapInitThreadVSpace;
export const FREE_4K = 0x100000;
export const NEEDS_PT = 0x400000;
export const NEEDS_2PT = 0x80000000;

export function* map(
  frame: number,
  vaddr: seL4_Word,
  rights: number = seL4_ReadWrite,
  attr: number = seL4_RISCV_Default_VMAttributes,
  vspace: number = VS,
) {
  return yield* seL4_RISCV_Page_Map(frame, vspace, vaddr, rights, attr);
}

export function* mapPT(pt: number, vaddr: seL4_Word, vspace: number = VS) {
  return yield* seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes);
}

export function* paddrOf(frame: number) {
  const r = yield* seL4_RISCV_Page_GetAddress(frame);
  expect(r.error).toBe(0);
  return Number(r.paddr);
}

/**
 * Per-test resources: `alloc(n)` free root slots; `frame()` / `pt()` 4 KiB objects from a private
 * 2 MiB untyped; `large()` a 2 MiB frame; `untyped(bits)` a fresh RAM untyped; `vspace()` a new
 * VSpace root assigned from the root task's ASID pool.
 */
export function* vmSetup(bi: seL4_BootInfo) {
  let next = bi.empty.start;
  const alloc = (n = 1): number => {
    const s = next;
    next += n;
    return s;
  };
  const src = findUntyped(bi, 23).cptr;
  const small = alloc();
  expect(yield* retype(src, seL4_UntypedObject, 21, small)).toBe(0);
  function* obj(ut: number, type: number) {
    const s = alloc();
    expect(yield* retype(ut, type, 0, s)).toBe(0);
    return s;
  }
  function* frame() {
    return yield* obj(small, seL4_RISCV_4K_Page);
  }
  function* pt() {
    return yield* obj(small, seL4_RISCV_PageTableObject);
  }
  function* large() {
    return yield* obj(src, seL4_RISCV_Mega_Page);
  }
  function* untyped(bits = 12) {
    const s = alloc();
    expect(yield* retype(src, seL4_UntypedObject, bits, s)).toBe(0);
    return s;
  }
  function* vspace(pool: number = seL4_CapInitThreadASIDPool) {
    const s = yield* pt();
    expect(yield* seL4_RISCV_ASIDPool_Assign(pool, s)).toBe(0);
    return s;
  }
  return { alloc, frame, pt, large, untyped, vspace, src };
}

/** Physical address `vaddr` translates to in the VSpace rooted at `root` (default: the current satp). */
export function translate(
  system: System,
  vaddr: number,
  access: Sv39Access = ACCESS_READ,
  root?: number,
): number {
  return sv39Translate(system.machine.memory, root ?? system.machine.satp, vaddr, access, true);
}

/** The 64-bit PTE at `paddr` as a number (PTE values here stay far below 2^53). */
export function pteAt(system: System, paddr: number): number {
  const m = system.machine.memory;
  return m.readWordHi(paddr) * 2 ** 32 + m.readWordLo(paddr);
}

/** Every byte of the 4 KiB page at `paddr` is zero. */
export function pageIsZero(system: System, paddr: number): boolean {
  return system.machine.memory.bytes(paddr, 4096).every((b) => b === 0);
}
