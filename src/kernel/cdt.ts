// The capability derivation tree, kept as seL4 keeps it (src/object/cnode.c): one doubly linked
// list of all slots holding caps, in which a cap's descendants are the contiguous run right after
// it. Revoke order, finality and badge groups all follow from this list (MDB-1..MDB-9, MDB-26).

import {
  cap_endpoint_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_untyped_cap,
  seL4_DeleteFirst,
  seL4_RevokeFirst,
} from "../abi/index.ts";
import { isCapRevocable, sameObjectAs, sameRegionAs } from "./object/objecttype.ts";
import { current_syscall_error, EXCEPTION_NONE, EXCEPTION_SYSCALL_ERROR, type Exception } from "./state.ts";
import { clearCap, copyCap, Cte } from "./structures.ts";
import { touchSlot } from "./touched.ts";

// A cap value used only inside cteSwap.
const swapScratch = new Cte(null, -1);

/** isMDBParentOf (MDB-2). */
export function isMDBParentOf(a: Cte, b: Cte): boolean {
  if (!a.revocable) return false;
  if (!sameRegionAs(a, b)) return false;
  if (a.type === cap_endpoint_cap || a.type === cap_notification_cap) {
    if (a.dataHi === 0 && a.dataLo === 0) return true;
    return a.dataHi === b.dataHi && a.dataLo === b.dataLo && !b.firstBadged;
  }
  return true;
}

/** ensureNoChildren (MDB-26): RevokeFirst if the next entry is a child of `slot`. */
export function ensureNoChildren(slot: Cte): Exception {
  const next = slot.next;
  if (next !== null && isMDBParentOf(slot, next)) {
    current_syscall_error.type = seL4_RevokeFirst;
    return EXCEPTION_SYSCALL_ERROR;
  }
  return EXCEPTION_NONE;
}

export function hasChildren(slot: Cte): boolean {
  return slot.next !== null && isMDBParentOf(slot, slot.next);
}

export function ensureEmptySlot(slot: Cte): Exception {
  if (slot.type !== cap_null_cap) {
    current_syscall_error.type = seL4_DeleteFirst;
    return EXCEPTION_SYSCALL_ERROR;
  }
  return EXCEPTION_NONE;
}

/** isFinalCapability (MDB-12): no neighbour in the list refers to the same object. */
export function isFinalCapability(slot: Cte): boolean {
  const prev = slot.prev;
  if (prev !== null && sameObjectAs(prev, slot)) return false;
  const next = slot.next;
  return next === null || !sameObjectAs(slot, next);
}

/**
 * cteInsert (MDB-4): put `newCap` into the empty `dest`, right after `src` in the list. Creating a
 * child untyped from an untyped marks the parent's watermark full (MDB-25).
 */
export function cteInsert(newCap: Cte, src: Cte, dest: Cte): void {
  const revocable = isCapRevocable(newCap, src);
  if (
    src.type === cap_untyped_cap &&
    newCap.type === cap_untyped_cap &&
    src.ptr === newCap.ptr &&
    src.sizeBits === newCap.sizeBits
  ) {
    src.freeIndex = 2 ** src.sizeBits;
  }
  copyCap(dest, newCap);
  dest.revocable = revocable;
  dest.firstBadged = revocable;
  const next = src.next;
  touchSlot(src);
  touchSlot(dest);
  if (next !== null) touchSlot(next);
  dest.prev = src;
  dest.next = next;
  src.next = dest;
  if (next !== null) next.prev = dest;
}

/** insertNewCap: a freshly created object's original cap, right after its untyped (MDB-6). */
export function insertNewCap(parent: Cte, slot: Cte, cap: Cte): void {
  const next = parent.next;
  touchSlot(parent);
  touchSlot(slot);
  if (next !== null) touchSlot(next);
  copyCap(slot, cap);
  slot.revocable = true;
  slot.firstBadged = true;
  slot.prev = parent;
  slot.next = next;
  if (next !== null) next.prev = slot;
  parent.next = slot;
}

/** cteMove (MDB-7): the cap (possibly updated) and its MDB node move from src to the empty dest. */
export function cteMove(newCap: Cte, src: Cte, dest: Cte): void {
  copyCap(dest, newCap);
  const prev = src.prev;
  const next = src.next;
  touchSlot(src);
  touchSlot(dest);
  if (prev !== null) touchSlot(prev);
  if (next !== null) touchSlot(next);
  dest.prev = prev;
  dest.next = next;
  dest.revocable = src.revocable;
  dest.firstBadged = src.firstBadged;
  clearCap(src);
  src.prev = null;
  src.next = null;
  src.revocable = false;
  src.firstBadged = false;
  if (prev !== null) prev.next = dest;
  if (next !== null) next.prev = dest;
}

/** cteSwap: exchange two slots' caps (already updated by the caller) and MDB nodes. */
export function cteSwap(cap1: Cte, slot1: Cte, cap2: Cte, slot2: Cte): void {
  const p1 = slot1.prev;
  const n1 = slot1.next;
  const r1 = slot1.revocable;
  const f1 = slot1.firstBadged;
  const p2 = slot2.prev;
  const n2 = slot2.next;
  touchSlot(slot1);
  touchSlot(slot2);
  if (p1 !== null) touchSlot(p1);
  if (n1 !== null) touchSlot(n1);
  if (p2 !== null) touchSlot(p2);
  if (n2 !== null) touchSlot(n2);
  // Copy through scratch so that cap1/cap2 may alias the slots themselves.
  copyCap(swapScratch, cap1);
  copyCap(slot1, cap2);
  copyCap(slot2, swapScratch);
  slot1.prev = p2 === slot1 ? slot2 : p2;
  slot1.next = n2 === slot1 ? slot2 : n2;
  slot1.revocable = slot2.revocable;
  slot1.firstBadged = slot2.firstBadged;
  slot2.prev = p1 === slot2 ? slot1 : p1;
  slot2.next = n1 === slot2 ? slot1 : n1;
  slot2.revocable = r1;
  slot2.firstBadged = f1;
  if (slot1.prev !== null) slot1.prev.next = slot1;
  if (slot1.next !== null) slot1.next.prev = slot1;
  if (slot2.prev !== null) slot2.prev.next = slot2;
  if (slot2.next !== null) slot2.next.prev = slot2;
}

/** capSwapForDelete: swap two slots' contents as they are. */
export function capSwapForDelete(slot1: Cte, slot2: Cte): void {
  if (slot1 === slot2) return;
  cteSwap(slot1, slot1, slot2, slot2);
}

/** Unlink `slot` from the list and make it empty (emptySlot without post-deletion cleanup). */
export function mdbUnlinkAndClear(slot: Cte): void {
  const prev = slot.prev;
  const next = slot.next;
  touchSlot(slot);
  if (prev !== null) touchSlot(prev);
  if (next !== null) touchSlot(next);
  if (prev !== null) prev.next = next;
  if (next !== null) {
    next.prev = prev;
    // MDB-8: the badge-group boundary survives the deletion.
    next.firstBadged = next.firstBadged || slot.firstBadged;
  }
  clearCap(slot);
  slot.prev = null;
  slot.next = null;
  slot.revocable = false;
  slot.firstBadged = false;
}
