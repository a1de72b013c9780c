// RISC-V Sv39 address spaces as the kernel keeps them (seL4 src/arch/riscv/kernel/vspace.c): real
// page-table entries in simulated RAM, the ASID table, the page-table walk, the unmapping that
// invocations and deletion need, and the choice of address space on a context switch. The
// invocations themselves are in object/frame.ts, object/pagetable.ts and object/asid.ts.
//
// Differences from the real kernel that no user program can observe: a VSpace root holds no kernel
// mappings (seL4 copies its kernel window into the upper half of every root; user addresses never
// reach it), and `satp` holds only the root's physical address (no hardware ASID).

import { seL4_InvalidRoot, seL4_PageBits, tcbVTable, cap_page_table_cap } from "../abi/index.ts";
import { current_lookup_fault, ks } from "./state.ts";
import type { ASIDPool, Cte, Tcb } from "./structures.ts";
import { touchASIDs } from "./touched.ts";

export const PTE_V = 0x1;
export const PTE_R = 0x2;
export const PTE_W = 0x4;
export const PTE_X = 0x8;
export const PTE_U = 0x10;
export const PTE_G = 0x20;
export const PTE_A = 0x40;
export const PTE_D = 0x80;

/** seL4's asidLowBits / asidHighBits: 512 ASIDs per pool, 128 pools. */
export const asidLowBits = 9;
export const nASIDPools = 128;
/** Bits of one page-table index (PT_INDEX_BITS). */
export const PT_INDEX_BITS = 9;
/** Levels of the Sv39 walk (CONFIG_PT_LEVELS). */
export const PT_LEVELS = 3;

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

/** isPTEPageTable: valid, and none of R, W, X (a pointer to the next level). */
export function isPTEPageTable(pte: number): boolean {
  return (pte & PTE_V) !== 0 && (pte & (PTE_R | PTE_W | PTE_X)) === 0;
}

/** Index into the page table at `level` (2 = root, 0 = last) for `vaddr`. */
export function ptIndex(vaddr: number, level: number): number {
  return Math.floor(vaddr / 2 ** (seL4_PageBits + PT_INDEX_BITS * level)) & 0x1ff;
}

function setInvalidRoot(): void {
  const f = current_lookup_fault;
  f.type = seL4_InvalidRoot;
  f.bitsLeft = 0;
  f.bitsFound = 0;
  f.guardFoundHi = 0;
  f.guardFoundLo = 0;
}

/**
 * findVSpaceForASID: the VSpace root registered for `asid`, or 0 with current_lookup_fault set to
 * InvalidRoot.
 */
export function findVSpaceForASID(asid: number): number {
  const pool = ks.asidTable[asid >>> asidLowBits];
  if (pool === null || pool === undefined) {
    setInvalidRoot();
    return 0;
  }
  const root = pool.entries[asid & 0x1ff];
  if (root === 0) setInvalidRoot();
  return root;
}

/**
 * findVSpaceForASID(cap.mappedASID) === cap.ptr (not 0), with the same InvalidRoot side effect.
 * A root address is above 2^31, a double: passed to or returned from a call the compiler does not
 * inline, it is boxed into a new heap number, and this runs at every kernel exit.
 */
export function isVSpaceOfCap(cap: Cte): boolean {
  const asid = cap.mappedASID;
  const pool = ks.asidTable[asid >>> asidLowBits];
  if (pool === null || pool === undefined) {
    setInvalidRoot();
    return false;
  }
  const found = pool.entries[asid & 0x1ff];
  if (found === 0) {
    setInvalidRoot();
    return false;
  }
  return found === cap.ptr;
}

/** Second result of lookupPTSlot: the size in bits of what the returned slot maps. */
export const lookupPTSlotResult = { ptBitsLeft: 0 };

/**
 * lookupPTSlot: walk from `root` along table entries as far as they go (at most to the last
 * level); returns the physical address of the PTE where the walk stopped, and sets
 * lookupPTSlotResult.ptBitsLeft to the bits that entry maps (30, 21 or 12).
 */
export function lookupPTSlot(root: number, vaddr: number): number {
  let level = PT_LEVELS - 1;
  let bitsLeft = PT_INDEX_BITS * level + seL4_PageBits;
  let slot = root + 8 * (Math.floor(vaddr / 2 ** bitsLeft) & 0x1ff);
  while (level > 0 && isPTEPageTable(readPte(slot))) {
    level--;
    bitsLeft -= PT_INDEX_BITS;
    slot = ptePaddr(readPte(slot)) + 8 * (Math.floor(vaddr / 2 ** bitsLeft) & 0x1ff);
  }
  lookupPTSlotResult.ptBitsLeft = bitsLeft;
  return slot;
}

/** setVMRoot: run `tcb` on its VSpace if its VTable cap still names a registered root, else on none. */
export function setVMRoot(tcb: Tcb): void {
  const m = ks.machine;
  const threadRoot = tcb.cte[tcbVTable];
  let satp = 0;
  if (threadRoot !== undefined && threadRoot.type === cap_page_table_cap && isVSpaceOfCap(threadRoot))
    satp = threadRoot.ptr;
  if (m.satp !== satp) m.satp = satp;
}

/** unmapPage: clear the PTE at (asid, vaddr) if it is a leaf of this size mapping `paddr`. */
export function unmapPage(sizeBits: number, asid: number, vaddr: number, paddr: number): void {
  const root = findVSpaceForASID(asid);
  if (root === 0) return;
  const slot = lookupPTSlot(root, vaddr);
  if (lookupPTSlotResult.ptBitsLeft !== sizeBits) return;
  const pte = readPte(slot);
  if ((pte & PTE_V) === 0 || isPTEPageTable(pte) || ptePaddr(pte) !== paddr) return;
  writePte(slot, 0);
  sfencePage(root, vaddr, sizeBits);
}

/**
 * The TLB flush after the leaf PTE of a frame of 2^sizeBits bytes at `vaddr` in the VSpace whose
 * root is `root` changed: that page alone for a 4 KiB frame, everything otherwise (seL4 flushes
 * everything in both cases; the difference is not visible to programs, only to the speed of
 * the machine's TLB).
 */
export function sfencePage(root: number, vaddr: number, sizeBits: number): void {
  if (sizeBits === seL4_PageBits && root !== 0) ks.machine.sfenceVmaPage(root, vaddr);
  else ks.machine.sfenceVma();
}

/**
 * unmapPageTable(asid, vaddr, pt): find the entry that points at `pt` on the walk to `vaddr` in
 * the VSpace of `asid` and invalidate it; nothing if it is not there.
 */
export function unmapPageTableAt(asid: number, vaddr: number, pt: number): void {
  const root = findVSpaceForASID(asid);
  if (root === 0) return;
  let table = root;
  let slot = -1;
  for (let i = 0; i < PT_LEVELS - 1 && table !== pt; i++) {
    slot = table + 8 * ptIndex(vaddr, PT_LEVELS - 1 - i);
    const pte = readPte(slot);
    if (!isPTEPageTable(pte)) return;
    table = ptePaddr(pte);
  }
  if (table !== pt || slot < 0) return;
  writePte(slot, 0);
  ks.machine.sfenceVma();
}

/** deleteASID: free `asid` if it still names `root`; the current thread may lose its VSpace. */
export function deleteASID(asid: number, root: number): void {
  const pool = ks.asidTable[asid >>> asidLowBits];
  if (pool !== null && pool !== undefined && pool.entries[asid & 0x1ff] === root) {
    ks.machine.sfenceVma();
    pool.entries[asid & 0x1ff] = 0;
    touchASIDs();
    setVMRoot(ks.curThread);
  }
}

/** Finalising a frame cap, final or not (DEL-11, VS-15). The cap is left as it is. */
export function unmapFrame(cap: Cte): void {
  unmapPage(cap.sizeBits, cap.mappedASID, cap.mappedAddr, cap.ptr);
}

/**
 * Finalising the final cap of a mapped page table (DEL-12): a registered VSpace root frees its
 * ASID; any other table is unhooked from its parent. Its contents stay.
 */
export function unmapPageTable(cap: Cte): void {
  const asid = cap.mappedASID;
  const root = findVSpaceForASID(asid);
  if (root !== 0 && root === cap.ptr) deleteASID(asid, cap.ptr);
  else unmapPageTableAt(asid, cap.mappedAddr, cap.ptr);
}

/**
 * deleteASIDPool (DEL-12): the final pool cap unregisters the pool if it is still registered. seL4
 * needs no flush here (hardware ASIDs keep old entries unreachable); our satp has no ASID, so the
 * engines are told explicitly.
 */
export function deleteASIDPool(cap: Cte): void {
  const idx = cap.extra >>> asidLowBits;
  if (ks.asidTable[idx] === (cap.obj as ASIDPool | null)) {
    ks.asidTable[idx] = null;
    touchASIDs();
    ks.machine.sfenceVma();
    setVMRoot(ks.curThread);
  }
}
