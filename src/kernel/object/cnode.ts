// CNode invocations (seL4 src/object/cnode.c): decodeCNodeInvocation checks arguments in seL4's
// order and returns a syscall error or performs the invoke step, which cannot fail (CN-0..CN-23).

import {
  cap_null_cap,
  CNodeCancelBadgedSends,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  CNodeMove,
  CNodeMutate,
  CNodeRevoke,
  CNodeRotate,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_TruncatedMessage,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { cteInsert, cteMove, cteSwap, ensureEmptySlot } from "../cdt.ts";
import {
  lookupPivotSlot,
  lookupResult,
  lookupSourceSlot,
  lookupTargetSlot,
  setMissingCapability,
} from "../cspace.ts";
import { cteDelete, cteRevoke } from "../delete.ts";
import { cancelBadgedSends } from "../ipc.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  type Exception,
} from "../state.ts";
import { copyCap, Cte, type Endpoint } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import { deriveCap, hasCancelSendRights, maskCapRights, updateCapData } from "./objecttype.ts";
import * as UE from "../usererror.ts";
import { userError, userErrorReturn } from "../usererror.ts";

// Caps in flight during one decode (no allocation per call).
const newCap = new Cte(null, -1);
const newPivotCap = new Cte(null, -1);

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function failedLookupMissing(isSource: boolean, depth: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = seL4_FailedLookup;
  current_syscall_error.failedLookupWasSource = isSource;
  setMissingCapability(depth);
  return EXCEPTION_SYSCALL_ERROR;
}

export function decodeCNodeInvocation(label: number, length: number, cap: Cte): Exception {
  if (label < CNodeRevoke || label > CNodeRotate) return error(seL4_IllegalOperation, UE.UE_cnode_54);
  if (length < 2) return error(seL4_TruncatedMessage, UE.UE_cnode_60);
  let status = lookupTargetSlot(cap, argHi(0), argLo(0), argNum(1));
  if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_cnode_69, status);
  const destSlot = lookupResult.slot as Cte;

  if (label >= CNodeCopy && label <= CNodeMutate) {
    const srcRoot = current_extra_caps.slots[0];
    if (length < 4 || srcRoot === null) return error(seL4_TruncatedMessage, UE.UE_cnode_84);
    const srcDepth = argNum(3);
    status = ensureEmptySlot(destSlot);
    if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_cnode_95, status);
    status = lookupSourceSlot(srcRoot, argHi(2), argLo(2), srcDepth);
    if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_cnode_101, status);
    const srcSlot = lookupResult.slot as Cte;
    if (srcSlot.type === cap_null_cap) return failedLookupMissing(true, srcDepth, UE.UE_cnode_107);

    let isMove = false;
    copyCap(newCap, srcSlot);
    switch (label) {
      case CNodeCopy:
        if (length < 5) return error(seL4_TruncatedMessage, UE.UE_cnode_119);
        maskCapRights(argLo(4), newCap);
        status = deriveCap(srcSlot, newCap);
        if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_cnode_128, status);
        break;
      case CNodeMint:
        if (length < 6) return error(seL4_TruncatedMessage, UE.UE_cnode_138);
        maskCapRights(argLo(4), newCap);
        updateCapData(false, argHi(5), argLo(5), newCap);
        status = deriveCap(srcSlot, newCap);
        if (status !== EXCEPTION_NONE) return userErrorReturn(UE.UE_cnode_149, status);
        break;
      case CNodeMove:
        isMove = true;
        break;
      default: // CNodeMutate
        if (length < 5) return error(seL4_TruncatedMessage, UE.UE_cnode_165);
        updateCapData(true, argHi(4), argLo(4), newCap);
        isMove = true;
        break;
    }
    if (newCap.type === cap_null_cap) return error(seL4_IllegalOperation, UE.UE_cnode_182);
    setThreadState(inv.thread, ThreadState_Restart);
    if (isMove) cteMove(newCap, srcSlot, destSlot);
    else cteInsert(newCap, srcSlot, destSlot);
    return EXCEPTION_NONE;
  }

  if (label === CNodeRevoke) {
    setThreadState(inv.thread, ThreadState_Restart);
    return cteRevoke(destSlot);
  }
  if (label === CNodeDelete) {
    setThreadState(inv.thread, ThreadState_Restart);
    return cteDelete(destSlot, true);
  }
  if (label === CNodeCancelBadgedSends) {
    if (!hasCancelSendRights(destSlot)) return error(seL4_IllegalOperation, UE.UE_cnode_224);
    setThreadState(inv.thread, ThreadState_Restart);
    if (destSlot.dataHi !== 0 || destSlot.dataLo !== 0) {
      cancelBadgedSends(destSlot.obj as Endpoint, destSlot.dataHi, destSlot.dataLo);
    }
    return EXCEPTION_NONE;
  }

  // CNodeRotate
  const pivotRoot = current_extra_caps.slots[0];
  const srcRoot = current_extra_caps.slots[1];
  if (length < 8 || pivotRoot === null || srcRoot === null) return error(seL4_TruncatedMessage, UE.UE_NONE);
  const pivotDepth = argNum(4);
  const srcDepth = argNum(7);
  status = lookupSourceSlot(srcRoot, argHi(6), argLo(6), srcDepth);
  if (status !== EXCEPTION_NONE) return status;
  const srcSlot = lookupResult.slot as Cte;
  status = lookupPivotSlot(pivotRoot, argHi(3), argLo(3), pivotDepth);
  if (status !== EXCEPTION_NONE) return status;
  const pivotSlot = lookupResult.slot as Cte;
  if (pivotSlot === srcSlot || pivotSlot === destSlot) return error(seL4_IllegalOperation, UE.UE_cnode_266);
  if (srcSlot !== destSlot) {
    status = ensureEmptySlot(destSlot);
    if (status !== EXCEPTION_NONE) return status;
  }
  if (srcSlot.type === cap_null_cap) return failedLookupMissing(true, srcDepth, UE.UE_NONE);
  if (pivotSlot.type === cap_null_cap) return failedLookupMissing(false, pivotDepth, UE.UE_NONE);
  copyCap(newCap, srcSlot);
  updateCapData(true, argHi(5), argLo(5), newCap);
  copyCap(newPivotCap, pivotSlot);
  updateCapData(true, argHi(2), argLo(2), newPivotCap);
  if (newCap.type === cap_null_cap) return error(seL4_IllegalOperation, UE.UE_cnode_296);
  if (newPivotCap.type === cap_null_cap) return error(seL4_IllegalOperation, UE.UE_cnode_302);
  setThreadState(inv.thread, ThreadState_Restart);
  if (srcSlot === destSlot) {
    cteSwap(newCap, srcSlot, newPivotCap, pivotSlot);
  } else {
    cteMove(newPivotCap, pivotSlot, destSlot);
    cteMove(newCap, srcSlot, pivotSlot);
  }
  return EXCEPTION_NONE;
}
