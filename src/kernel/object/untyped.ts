// Untyped_Retype (seL4 src/object/untyped.c): checks in seL4's order (UT-1..UT-14), then the
// preemptible reset of an untyped with no children and the creation of the new objects
// (UT-15..UT-22).

import {
  cap_cnode_cap,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_MaxUntypedBits,
  seL4_MinSchedContextBits,
  seL4_MinUntypedBits,
  seL4_NotEnoughMemory,
  seL4_ObjectTypeCount,
  seL4_RangeError,
  seL4_CapTableObject,
  seL4_SchedContextObject,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
  seL4_UntypedRetypeMaxObjects,
  seL4_WordBits,
  ThreadState_Restart,
  UntypedRetype,
} from "../../abi/index.ts";
import { ensureEmptySlot, hasChildren, insertNewCap } from "../cdt.ts";
import { lookupResult, lookupTargetSlot, setMissingCapability } from "../cspace.ts";
import { MAX_WORK_UNITS_PER_PREEMPTION, preemptionPoint, WORK_UNIT_CYCLES } from "../delete.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  setRangeError,
  type Exception,
} from "../state.ts";
import { type CNode, Cte } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import { createObject, getObjectSize, isFrameType } from "./objecttype.ts";
import * as UE from "../usererror.ts";
import { userError, userErrorReturn } from "../usererror.ts";

/** CONFIG_RESET_CHUNK_BITS: an untyped reset zeroes 256 bytes per preemption point. */
export const RESET_CHUNK_BITS = 8;

const newObjCap = new Cte(null, -1);

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

export function decodeUntypedInvocation(label: number, length: number, slot: Cte): Exception {
  if (label !== UntypedRetype) return error(seL4_IllegalOperation, UE.UE_untyped_45);
  const rootSlot = current_extra_caps.slots[0];
  if (length < 6 || rootSlot === null) return error(seL4_TruncatedMessage, UE.UE_untyped_52);
  const newType = argNum(0);
  const userObjSize = argNum(1);
  const nodeDepth = argNum(3);
  const nodeOffset = argNum(4);
  const nodeWindow = argNum(5);

  if (newType >= seL4_ObjectTypeCount) {
    current_syscall_error.invalidArgumentNumber = 0;
    return error(seL4_InvalidArgument, UE.UE_untyped_68);
  }
  const objectSize = userObjSize >= seL4_WordBits ? Infinity : getObjectSize(newType, userObjSize);
  if (userObjSize >= seL4_WordBits || objectSize > seL4_MaxUntypedBits) {
    setRangeError(0, seL4_MaxUntypedBits);
    return error(seL4_RangeError, UE.UE_untyped_80);
  }
  const tooSmall =
    newType === seL4_CapTableObject && userObjSize === 0
      ? UE.UE_untyped_89
      : newType === seL4_UntypedObject && userObjSize < seL4_MinUntypedBits
        ? UE.UE_untyped_97
        : newType === seL4_SchedContextObject && userObjSize < seL4_MinSchedContextBits
          ? UE.UE_untyped_105
          : UE.UE_NONE;
  if (tooSmall !== UE.UE_NONE) {
    current_syscall_error.invalidArgumentNumber = 1;
    return error(seL4_InvalidArgument, tooSmall);
  }

  let nodeCap: Cte;
  if (nodeDepth === 0) {
    nodeCap = rootSlot;
  } else {
    const status = lookupTargetSlot(rootSlot, argHi(2), argLo(2), nodeDepth);
    if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_untyped_119, status);
    nodeCap = lookupResult.slot as Cte;
  }
  if (nodeCap.type !== cap_cnode_cap) {
    current_syscall_error.failedLookupWasSource = false;
    setMissingCapability(nodeDepth);
    return error(seL4_FailedLookup, UE.UE_untyped_127);
  }

  const nodeSize = 2 ** nodeCap.sizeBits;
  if (nodeOffset > nodeSize - 1) {
    userError(UE.UE_untyped_137, argLo(4));
    setRangeError(0, nodeSize - 1);
    return error(seL4_RangeError, UE.UE_NONE);
  }
  if (nodeWindow < 1 || nodeWindow > seL4_UntypedRetypeMaxObjects) {
    userError(UE.UE_untyped_145, argLo(5));
    setRangeError(1, seL4_UntypedRetypeMaxObjects);
    return error(seL4_RangeError, UE.UE_NONE);
  }
  if (nodeWindow > nodeSize - nodeOffset) {
    setRangeError(1, nodeSize - nodeOffset);
    return error(seL4_RangeError, UE.UE_untyped_153);
  }
  const destCNode = nodeCap.obj as CNode;
  for (let i = nodeOffset; i < nodeOffset + nodeWindow; i++) {
    const status = ensureEmptySlot(destCNode.slot(i));
    if (status !== EXCEPTION_NONE) {
      userError(UE.UE_untyped_165, i);
      return status;
    }
  }

  // UT-12: with no children the untyped is reset and allocation starts from its base.
  const reset = !hasChildren(slot);
  const freeIndex = reset ? 0 : slot.freeIndex;
  const untypedFreeBytes = 2 ** slot.sizeBits - freeIndex;
  if (Math.floor(untypedFreeBytes / 2 ** objectSize) < nodeWindow) {
    userError(
      UE.UE_untyped_204,
      argNum(5),
      userObjSize >= seL4_WordBits ? -1 : 2n ** BigInt(objectSize),
      untypedFreeBytes,
    );
    current_syscall_error.memoryLeft = untypedFreeBytes;
    return error(seL4_NotEnoughMemory, UE.UE_NONE);
  }
  if (slot.isDevice && !isFrameType(newType) && newType !== seL4_UntypedObject) {
    current_syscall_error.invalidArgumentNumber = 1;
    return error(seL4_InvalidArgument, UE.UE_untyped_217);
  }
  const align = 2 ** objectSize;
  const alignedFree = Math.ceil((slot.ptr + freeIndex) / align) * align;

  setThreadState(inv.thread, ThreadState_Restart);
  return invokeUntypedRetype(
    slot,
    reset,
    alignedFree,
    newType,
    userObjSize,
    destCNode,
    nodeOffset,
    nodeWindow,
  );
}

/** resetUntypedCap (UT-19): zero the used part top-down in chunks, lowering the watermark. */
function resetUntypedCap(slot: Cte): Exception {
  const offset = slot.freeIndex;
  if (offset === 0) return EXCEPTION_NONE;
  const base = slot.ptr;
  forgetObjects(base, 2 ** slot.sizeBits);
  const mem = ks.machine.memory;
  const chunk = 2 ** RESET_CHUNK_BITS;
  if (slot.isDevice || slot.sizeBits < RESET_CHUNK_BITS) {
    if (!slot.isDevice) mem.zero(base, 2 ** slot.sizeBits);
    slot.freeIndex = 0;
    return EXCEPTION_NONE;
  }
  // The chunks up to the next preemption check are zeroed at once: nothing can observe the
  // watermark between two checks, and their work units are charged exactly as one by one.
  for (let off = Math.floor((offset - 1) / chunk) * chunk; off >= 0;) {
    const k = Math.min(off / chunk + 1, MAX_WORK_UNITS_PER_PREEMPTION - ks.workUnitsCompleted);
    const low = off - (k - 1) * chunk;
    mem.zero(base + low, k * chunk);
    slot.freeIndex = low;
    ks.workUnitsCompleted += k - 1;
    ks.machine.clock.charge(WORK_UNIT_CYCLES * (k - 1));
    const status = preemptionPoint();
    if (status !== EXCEPTION_NONE) return status;
    off = low - chunk;
  }
  return EXCEPTION_NONE;
}

/** Objects inside a reset region are gone: drop them from the live-object registry. */
function forgetObjects(base: number, size: number): void {
  const objects = ks.objects;
  if (objects.size === 0) return;
  for (const ptr of objects.keys()) if (ptr >= base && ptr < base + size) objects.delete(ptr);
}

function invokeUntypedRetype(
  slot: Cte,
  reset: boolean,
  retypeBase: number,
  newType: number,
  userSize: number,
  destCNode: CNode,
  destOffset: number,
  destLength: number,
): Exception {
  if (reset) {
    const status = resetUntypedCap(slot);
    if (status !== EXCEPTION_NONE) return status;
  }
  const objectSize = getObjectSize(newType, userSize);
  slot.freeIndex = retypeBase + destLength * 2 ** objectSize - slot.ptr;
  for (let i = 0; i < destLength; i++) {
    createObject(newType, retypeBase + i * 2 ** objectSize, userSize, slot.isDevice, newObjCap);
    insertNewCap(slot, destCNode.slot(destOffset + i), newObjCap);
  }
  return EXCEPTION_NONE;
}
