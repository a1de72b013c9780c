// RISC-V Sv39 address spaces as the kernel keeps them (seL4 src/arch/riscv/kernel/vspace.c):
// real page-table entries in simulated RAM, the ASID table, and the unmapping that deletion
// needs. Mapping invocations arrive with the VSpace work; boot uses `mapKernelFrame`-style
// helpers below to build the root task's address space.

import { seL4_PageBits } from "../abi/index.ts";
import { ks } from "./state.ts";
import type { ASIDPool, Cte } from "./structures.ts";

export const PTE_V = 0x1;
export const PTE_R = 0x2;
export const PTE_W = 0x4;
export const PTE_X = 0x8;
export const PTE_U = 0x10;
export const PTE_G = 0x20;
export const PTE_A = 0x40;
export const PTE_D = 0x80;

const TWO32 = 0x1_0000_0000;

/** PTE value as a double (exact: PPNs of our < 2^39 physical space fit well below 2^53). */
export function readPte(paddr: number): number {
  const m = ks.machine.memory;
  return m.readWordHi(paddr) * TWO32 + m.readWordLo(paddr);
}

export function writePte(paddr: number, pte: number): void {
  ks.machine.memory.writeWordHiLo(paddr, Math.floor(pte / TWO32) >>> 0, pte >>> 0);
}

export function pteNew(targetPaddr: number, flags: number): number {
  return Math.floor(targetPaddr / 4096) * 1024 + flags;
}

export function ptePaddr(pte: number): number {
  return Math.floor(pte / 1024) * 4096;
}

export function pteIsLeaf(pte: number): boolean {
  return (pte & (PTE_R | PTE_X)) !== 0;
}

/** Index into the page table at `level` (2 = root, 0 = last) for `vaddr`. */
export function ptIndex(vaddr: number, level: number): number {
  return Math.floor(vaddr / 2 ** (seL4_PageBits + 9 * level)) & 0x1ff;
}

/** The VSpace root registered for `asid`, or 0. */
export function findVSpaceForASID(asid: number): number {
  const pool = ks.asidTable[asid >>> 9];
  if (pool === null || pool === undefined) return 0;
  return pool.entries[asid & 0x1ff];
}

/** Walk to the PTE slot that maps `vaddr` at the level of a `sizeBits` page; -1 if absent. */
export function lookupPTSlot(root: number, vaddr: number, sizeBits: number): number {
  const targetLevel = (sizeBits - seL4_PageBits) / 9;
  let table = root;
  for (let level = 2; level > targetLevel; level--) {
    const slot = table + 8 * ptIndex(vaddr, level);
    const pte = readPte(slot);
    if ((pte & PTE_V) === 0 || pteIsLeaf(pte)) return -1;
    table = ptePaddr(pte);
  }
  return table + 8 * ptIndex(vaddr, targetLevel);
}

/** unmapPage (DEL-11): clear the recorded mapping if it still points at this frame. */
export function unmapFrame(cap: Cte): void {
  const root = findVSpaceForASID(cap.mappedASID);
  if (root !== 0) {
    const slot = lookupPTSlot(root, cap.mappedAddr, cap.sizeBits);
    if (slot >= 0) {
      const pte = readPte(slot);
      if ((pte & PTE_V) !== 0 && pteIsLeaf(pte) && ptePaddr(pte) === cap.ptr) {
        writePte(slot, 0);
        ks.machine.sfenceVma();
      }
    }
  }
  cap.mappedASID = 0;
  cap.mappedAddr = 0;
}

/** DEL-12: a VSpace root frees its ASID; any other table is unhooked from its parent. */
export function unmapPageTable(cap: Cte): void {
  const asid = cap.mappedASID;
  const root = findVSpaceForASID(asid);
  if (root !== 0 && root === cap.ptr) {
    const pool = ks.asidTable[asid >>> 9] as ASIDPool;
    pool.entries[asid & 0x1ff] = 0;
    ks.machine.sfenceVma();
  } else if (root !== 0) {
    let table = root;
    for (let level = 2; level > 0; level--) {
      const slot = table + 8 * ptIndex(cap.mappedAddr, level);
      const pte = readPte(slot);
      if ((pte & PTE_V) === 0 || pteIsLeaf(pte)) break;
      if (ptePaddr(pte) === cap.ptr) {
        writePte(slot, 0);
        ks.machine.sfenceVma();
        break;
      }
      table = ptePaddr(pte);
    }
  }
  cap.isMapped = false;
}

/** deleteASIDPool (DEL-12). */
export function deleteASIDPool(cap: Cte): void {
  const idx = cap.extra >>> 9;
  if (ks.asidTable[idx] === cap.obj) {
    ks.asidTable[idx] = null;
    ks.machine.sfenceVma();
  }
}
