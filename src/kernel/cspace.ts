// CSpace addressing (seL4 src/kernel/cspace.c): resolving a capability pointer through guarded
// CNodes. Semantics rules CS-1..CS-15.
//
// A cptr is an exact 64-bit word given as (hi, lo). Results come back in `lookupResult` (slot and
// bits left) and failures in `current_lookup_fault`, so a lookup allocates nothing.

import {
  cap_cnode_cap,
  seL4_DepthMismatch,
  seL4_FailedLookup,
  seL4_GuardMismatch,
  seL4_InvalidRoot,
  seL4_MissingCapability,
  seL4_RangeError,
  seL4_WordBits,
} from "../abi/index.ts";
import {
  current_lookup_fault,
  current_syscall_error,
  EXCEPTION_LOOKUP_FAULT,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  setRangeError,
  type Exception,
} from "./state.ts";
import { CNode, type Cte, type Tcb } from "./structures.ts";
import { bitsOf, lowBitsEqual, shr64, shrHi, shrLo } from "./word.ts";
import { tcbCTable } from "../abi/thread.ts";

export const lookupResult = { slot: null as Cte | null, bitsRemaining: 0 };

function lookupFault(type: number, bitsLeft: number, bitsFound: number): Exception {
  const f = current_lookup_fault;
  f.type = type;
  f.bitsLeft = bitsLeft;
  f.bitsFound = bitsFound;
  f.guardFoundHi = 0;
  f.guardFoundLo = 0;
  return EXCEPTION_LOOKUP_FAULT;
}

export function setMissingCapability(bitsLeft: number): void {
  lookupFault(seL4_MissingCapability, bitsLeft, 0);
}

/** resolveAddressBits(nodeCap, capptr, n_bits): CS-1..CS-5. */
export function resolveAddressBits(nodeCap: Cte, cptrHi: number, cptrLo: number, nBits: number): Exception {
  lookupResult.slot = null;
  lookupResult.bitsRemaining = nBits;
  if (nodeCap.type !== cap_cnode_cap) return lookupFault(seL4_InvalidRoot, 0, 0);
  // Hot path: one level that takes every bit (the boot CNode's shape: guard 52, radix 12).
  const r0 = nodeCap.sizeBits;
  if (nBits === 64 && r0 + nodeCap.guardSize === 64 && r0 < 32) {
    const gLo = ((cptrLo >>> r0) | (cptrHi << (32 - r0))) >>> 0;
    const gHi = cptrHi >>> r0;
    if (gLo === nodeCap.dataLo && gHi === nodeCap.dataHi) {
      lookupResult.slot = (nodeCap.obj as CNode).slot(cptrLo & ((1 << r0) - 1));
      lookupResult.bitsRemaining = 0;
      return EXCEPTION_NONE;
    }
  }
  let cap = nodeCap;
  for (;;) {
    const radix = cap.sizeBits;
    const guardSize = cap.guardSize;
    const levelBits = radix + guardSize;
    // The g bits just below bit nBits must equal the guard (CS-2).
    if (guardSize > nBits) return guardMismatch(cap, nBits);
    if (guardSize > 0) {
      shr64(cptrHi, cptrLo, nBits - guardSize);
      if (!lowBitsEqual(shrHi, shrLo, cap.dataHi, cap.dataLo, guardSize)) return guardMismatch(cap, nBits);
    }
    if (levelBits > nBits) return lookupFault(seL4_DepthMismatch, nBits, levelBits);
    const offset = bitsOf(cptrHi, cptrLo, nBits - levelBits, radix);
    const slot = (cap.obj as CNode).slot(offset);
    if (nBits === levelBits) {
      lookupResult.slot = slot;
      lookupResult.bitsRemaining = 0;
      return EXCEPTION_NONE;
    }
    nBits -= levelBits;
    if (slot.type !== cap_cnode_cap) {
      lookupResult.slot = slot;
      lookupResult.bitsRemaining = nBits;
      return EXCEPTION_NONE;
    }
    cap = slot;
  }
}

function guardMismatch(cap: Cte, nBits: number): Exception {
  const f = current_lookup_fault;
  f.type = seL4_GuardMismatch;
  f.bitsLeft = nBits;
  f.bitsFound = cap.guardSize;
  f.guardFoundHi = cap.dataHi;
  f.guardFoundLo = cap.dataLo;
  return EXCEPTION_LOOKUP_FAULT;
}

/** lookupSlot / lookupCap for a thread: full 64-bit depth from its CSpace root (CS-6). */
export function lookupSlot(thread: Tcb, cptrHi: number, cptrLo: number): Exception {
  return resolveAddressBits(thread.cte[tcbCTable], cptrHi, cptrLo, seL4_WordBits);
}

/**
 * lookupSlotForCNodeOp: an (index, depth) pair relative to `root` (CS-8..CS-11). On failure sets
 * current_syscall_error (FailedLookup with the given source flag, or RangeError for a bad depth).
 */
export function lookupSlotForCNodeOp(
  isSource: boolean,
  root: Cte,
  indexHi: number,
  indexLo: number,
  depth: number,
): Exception {
  lookupResult.slot = null;
  if (root.type !== cap_cnode_cap) {
    current_syscall_error.type = seL4_FailedLookup;
    current_syscall_error.failedLookupWasSource = isSource;
    lookupFault(seL4_InvalidRoot, 0, 0);
    return EXCEPTION_SYSCALL_ERROR;
  }
  if (depth < 1 || depth > seL4_WordBits) {
    current_syscall_error.type = seL4_RangeError;
    setRangeError(1, seL4_WordBits);
    return EXCEPTION_SYSCALL_ERROR;
  }
  const status = resolveAddressBits(root, indexHi, indexLo, depth);
  if (status !== EXCEPTION_NONE) {
    current_syscall_error.type = seL4_FailedLookup;
    current_syscall_error.failedLookupWasSource = isSource;
    return EXCEPTION_SYSCALL_ERROR;
  }
  if (lookupResult.bitsRemaining !== 0) {
    current_syscall_error.type = seL4_FailedLookup;
    current_syscall_error.failedLookupWasSource = isSource;
    lookupFault(seL4_DepthMismatch, lookupResult.bitsRemaining, 0);
    lookupResult.slot = null;
    return EXCEPTION_SYSCALL_ERROR;
  }
  return EXCEPTION_NONE;
}

export function lookupSourceSlot(root: Cte, indexHi: number, indexLo: number, depth: number): Exception {
  return lookupSlotForCNodeOp(true, root, indexHi, indexLo, depth);
}
export function lookupTargetSlot(root: Cte, indexHi: number, indexLo: number, depth: number): Exception {
  return lookupSlotForCNodeOp(false, root, indexHi, indexLo, depth);
}
export function lookupPivotSlot(root: Cte, indexHi: number, indexLo: number, depth: number): Exception {
  return lookupSlotForCNodeOp(true, root, indexHi, indexLo, depth);
}
