// TCB invocations (seL4 src/object/tcb.c, MCS): decodeTCBInvocation checks the arguments in
// seL4's order (TH-5..TH-26) and returns the syscall error, or puts the caller in Restart and
// performs the effect (tcb-invoke.ts).

import { remoteTCBStall } from "../smp.ts";
import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_sched_context_cap,
  cap_thread_cap,
  cap_zombie_cap,
  seL4_AlignmentError,
  seL4_CapRights_Grant,
  seL4_CapRights_GrantReply,
  seL4_CapRights_Read,
  seL4_CapRights_Write,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_MinPrio,
  seL4_RangeError,
  seL4_TruncatedMessage,
  TCBBindNotification,
  TCBConfigure,
  TCBCopyRegisters,
  TCBReadRegisters,
  TCBResume,
  TCBSetFlags,
  TCBSetIPCBuffer,
  TCBSetMCPriority,
  TCBSetPriority,
  TCBSetSchedParams,
  TCBSetSpace,
  TCBSetTimeoutEndpoint,
  TCBSetTLSBase,
  TCBSuspend,
  TCBUnbindNotification,
  TCBWriteRegisters,
  tcbCTable,
  tcbVTable,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { n_frameRegisters, n_gpRegisters } from "../../abi/registers.ts";
import { isFinalCapability } from "../cdt.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import { scReleased } from "../sched.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  setRangeError,
  type Exception,
} from "../state.ts";
import { copyCap, type Cte, type Notification, type SchedContext, type Tcb } from "../structures.ts";
import { isBlocked, restart, setThreadState, suspend } from "../thread.ts";
import { deriveCap, updateCapData } from "./objecttype.ts";
import {
  invokeTCBCopyRegisters,
  invokeTCBNotificationControl,
  invokeTCBReadRegisters,
  invokeTCBSetFlags,
  invokeTCBSetTLSBase,
  invokeTCBThreadControlCaps,
  invokeTCBThreadControlSched,
  invokeTCBWriteRegisters,
  tcbCaps,
  thread_control_caps_update_fault,
  thread_control_caps_update_ipc_buffer,
  thread_control_caps_update_space,
  thread_control_caps_update_timeout,
  thread_control_sched_update_fault,
  thread_control_sched_update_mcp,
  thread_control_sched_update_priority,
  thread_control_sched_update_sc,
} from "./tcb-invoke.ts";
import * as UE from "../usererror.ts";
import { userError } from "../usererror.ts";

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidCap(n: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = seL4_InvalidCapability;
  current_syscall_error.invalidCapNumber = n;
  return EXCEPTION_SYSCALL_ERROR;
}

/** checkPrio (TH-6): a priority or MCP above the authority's MCP is a RangeError(0, mcp). */
function checkPrio(prio: number, auth: Tcb, site: number): Exception {
  if (prio > auth.mcp) {
    userError(site, prio, auth.mcp);
    current_syscall_error.type = seL4_RangeError;
    setRangeError(seL4_MinPrio, auth.mcp);
    return EXCEPTION_SYSCALL_ERROR;
  }
  return EXCEPTION_NONE;
}

/** validFaultHandler (TH-7): null, or an endpoint cap with Send and Grant or GrantReply. */
function validFaultHandler(c: Cte): boolean {
  switch (c.type) {
    case cap_endpoint_cap:
      return (
        (c.rights & seL4_CapRights_Write) !== 0 &&
        (c.rights & (seL4_CapRights_Grant | seL4_CapRights_GrantReply)) !== 0
      );
    case cap_null_cap:
      return true;
    default:
      return false;
  }
}

/** slotCapLongRunningDelete (TH-9): a final CNode, TCB or Zombie cap. */
function slotCapLongRunningDelete(slot: Cte): boolean {
  if (slot.type === cap_null_cap || !isFinalCapability(slot)) return false;
  return slot.type === cap_thread_cap || slot.type === cap_zombie_cap || slot.type === cap_cnode_cap;
}

/** isValidVTableRoot (TH-12): a page table cap marked mapped. */
function isValidVTableRoot(c: Cte): boolean {
  return c.type === cap_page_table_cap && c.isMapped;
}

/** checkValidIPCBuffer (TH-16): a non-device frame, 1 KiB-aligned address. */
function checkValidIPCBuffer(vptrLo: number, c: Cte): Exception {
  if (c.type !== cap_frame_cap) return error(seL4_IllegalOperation, UE.UE_riscv_vspace_613);
  if (c.isDevice) return error(seL4_IllegalOperation, UE.UE_riscv_vspace_619);
  if ((vptrLo & 0x3ff) !== 0) {
    userError(UE.UE_riscv_vspace_625, vptrLo);
    return error(seL4_AlignmentError, UE.UE_NONE);
  }
  return EXCEPTION_NONE;
}

export function decodeTCBInvocation(
  label: number,
  length: number,
  cap: Cte,
  slot: Cte,
  call: boolean,
): Exception {
  const target = cap.obj as Tcb;
  // A target running on another core is stalled before anything is decoded.
  if (ks.numNodes > 1) remoteTCBStall(target);
  switch (label) {
    case TCBReadRegisters:
      return decodeReadRegisters(target, length, call);
    case TCBWriteRegisters:
      return decodeWriteRegisters(target, length);
    case TCBCopyRegisters:
      return decodeCopyRegisters(target, length);
    case TCBSuspend:
      setThreadState(inv.thread, ThreadState_Restart);
      suspend(target);
      return EXCEPTION_NONE;
    case TCBResume:
      setThreadState(inv.thread, ThreadState_Restart);
      restart(target);
      return EXCEPTION_NONE;
    case TCBConfigure:
      return decodeTCBConfigure(target, length, slot);
    case TCBSetPriority:
      return decodeSetPriority(target, length, false);
    case TCBSetMCPriority:
      return decodeSetPriority(target, length, true);
    case TCBSetSchedParams:
      return decodeSetSchedParams(target, length, slot);
    case TCBSetIPCBuffer:
      return decodeSetIPCBuffer(target, length, slot);
    case TCBSetSpace:
      return decodeSetSpace(target, length, slot);
    case TCBBindNotification:
      return decodeBindNotification(target);
    case TCBUnbindNotification:
      if (target.boundNotification === null) return error(seL4_IllegalOperation, UE.UE_tcb_1679);
      setThreadState(inv.thread, ThreadState_Restart);
      return invokeTCBNotificationControl(target, null);
    case TCBSetTimeoutEndpoint:
      return decodeSetTimeoutEndpoint(target, slot);
    case TCBSetTLSBase:
      if (length < 1) return error(seL4_TruncatedMessage, UE.UE_tcb_787);
      setThreadState(inv.thread, ThreadState_Restart);
      return invokeTCBSetTLSBase(target, argHi(0), argLo(0));
    case TCBSetFlags:
      if (length < 2) return error(seL4_TruncatedMessage, UE.UE_tcb_831);
      setThreadState(inv.thread, ThreadState_Restart);
      return invokeTCBSetFlags(target, argLo(0), argLo(1), call);
    default:
      return error(seL4_IllegalOperation, UE.UE_tcb_942);
  }
}

/** TH-20. */
function decodeReadRegisters(target: Tcb, length: number, call: boolean): Exception {
  if (length < 2) return error(seL4_TruncatedMessage, UE.UE_tcb_1005);
  const flags = argLo(0);
  const n = argNum(1);
  const max = n_frameRegisters + n_gpRegisters;
  if (n < 1 || n > max) {
    userError(UE.UE_tcb_1014, argLo(1));
    current_syscall_error.type = seL4_RangeError;
    setRangeError(1, max);
    return EXCEPTION_SYSCALL_ERROR;
  }
  if (target === ks.curThread) return error(seL4_IllegalOperation, UE.UE_tcb_1027);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBReadRegisters(target, (flags & 1) !== 0, n, call);
}

/** TH-21. */
function decodeWriteRegisters(target: Tcb, length: number): Exception {
  if (length < 2) return error(seL4_TruncatedMessage, UE.UE_tcb_1050);
  const flags = argLo(0);
  const w = argNum(1);
  if (length - 2 < w) {
    userError(UE.UE_tcb_1059, length - 2, argLo(1));
    return error(seL4_TruncatedMessage, UE.UE_NONE);
  }
  if (target === ks.curThread) return error(seL4_IllegalOperation, UE.UE_tcb_1069);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBWriteRegisters(target, (flags & 1) !== 0, w);
}

/** TH-22. */
function decodeCopyRegisters(dest: Tcb, length: number): Exception {
  const srcSlot = current_extra_caps.slots[0];
  if (length < 1 || srcSlot === null) return error(seL4_TruncatedMessage, UE.UE_tcb_963);
  const flags = argLo(0);
  if (srcSlot.type !== cap_thread_cap) return invalidCap(1, UE.UE_tcb_977);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBCopyRegisters(
    dest,
    srcSlot.obj as Tcb,
    (flags & 1) !== 0,
    (flags & 2) !== 0,
    (flags & 4) !== 0,
    (flags & 8) !== 0,
  );
}

/**
 * The CSpace and VSpace roots of Configure and SetSpace (TH-10, TH-11): optional cap data, then
 * derivation; the results must be a CNode cap and a mapped page table cap.
 */
function decodeRoots(cRootSlot: Cte, vRootSlot: Cte, cSite: number, vSite: number): Exception {
  const cRoot = tcbCaps.cRoot;
  const vRoot = tcbCaps.vRoot;
  const dHi = argHi(0);
  const dLo = argLo(0);
  if (dHi !== 0 || dLo !== 0) updateCapData(false, dHi, dLo, cRoot);
  let status = deriveCap(cRootSlot, cRoot);
  if (status !== EXCEPTION_NONE) return status;
  if (cRoot.type !== cap_cnode_cap) return error(seL4_IllegalOperation, cSite);
  const vHi = argHi(1);
  const vLo = argLo(1);
  if (vHi !== 0 || vLo !== 0) updateCapData(false, vHi, vLo, vRoot);
  status = deriveCap(vRootSlot, vRoot);
  if (status !== EXCEPTION_NONE) return status;
  if (!isValidVTableRoot(vRoot)) return error(seL4_IllegalOperation, vSite);
  return EXCEPTION_NONE;
}

function longRunningDelete(target: Tcb): boolean {
  return slotCapLongRunningDelete(target.cte[tcbCTable]) || slotCapLongRunningDelete(target.cte[tcbVTable]);
}

/** Configure (TH-10): args cRootData, vRootData, bufferAddr; caps cRoot, vRoot, bufferFrame. */
function decodeTCBConfigure(target: Tcb, length: number, slot: Cte): Exception {
  const ec = current_extra_caps.slots;
  const cRootSlot = ec[0];
  const vRootSlot = ec[1];
  const bufferSlot = ec[2];
  if (length < 3 || cRootSlot === null || vRootSlot === null || bufferSlot === null) {
    return error(seL4_TruncatedMessage, UE.UE_tcb_1112);
  }
  const bufHi = argHi(2);
  const bufLo = argLo(2);
  copyCap(tcbCaps.cRoot, cRootSlot);
  copyCap(tcbCaps.vRoot, vRootSlot);
  copyCap(tcbCaps.buffer, bufferSlot);
  let bufferSrc: Cte | null = bufferSlot;
  if (bufHi === 0 && bufLo === 0) {
    bufferSrc = null;
  } else {
    let status = deriveCap(bufferSlot, tcbCaps.buffer);
    if (status !== EXCEPTION_NONE) return status;
    status = checkValidIPCBuffer(bufLo, tcbCaps.buffer);
    if (status !== EXCEPTION_NONE) return status;
  }
  if (longRunningDelete(target)) return error(seL4_IllegalOperation, UE.UE_tcb_1154);
  const status = decodeRoots(cRootSlot, vRootSlot, UE.UE_tcb_1170, UE.UE_tcb_1186);
  if (status !== EXCEPTION_NONE) return status;
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBThreadControlCaps(
    target,
    slot,
    thread_control_caps_update_space | thread_control_caps_update_ipc_buffer,
    null,
    null,
    cRootSlot,
    vRootSlot,
    bufHi,
    bufLo,
    bufferSrc,
  );
}

/** SetPriority (TH-13) and SetMCPriority (TH-14): arg value; cap authority. */
function decodeSetPriority(target: Tcb, length: number, isMCP: boolean): Exception {
  const authSlot = current_extra_caps.slots[0];
  if (length < 1 || authSlot === null)
    return error(seL4_TruncatedMessage, isMCP ? UE.UE_tcb_1261 : UE.UE_tcb_1217);
  const value = argNum(0);
  if (authSlot.type !== cap_thread_cap) return invalidCap(1, isMCP ? UE.UE_tcb_1270 : UE.UE_tcb_1226);
  const status = checkPrio(value, authSlot.obj as Tcb, isMCP ? UE.UE_tcb_1279 : UE.UE_tcb_1235);
  if (status !== EXCEPTION_NONE) return status;
  setThreadState(inv.thread, ThreadState_Restart);
  return isMCP
    ? invokeTCBThreadControlSched(target, null, null, value, 0, null, thread_control_sched_update_mcp)
    : invokeTCBThreadControlSched(target, null, null, 0, value, null, thread_control_sched_update_priority);
}

/** SetSchedParams (TH-15): args mcp, prio; caps authority, SC, fault handler. */
function decodeSetSchedParams(target: Tcb, length: number, slot: Cte): Exception {
  const ec = current_extra_caps.slots;
  const authSlot = ec[0];
  const scSlot = ec[1];
  const fhSlot = ec[2];
  if (length < 2 || authSlot === null || scSlot === null || fhSlot === null) {
    return error(seL4_TruncatedMessage, UE.UE_tcb_1345);
  }
  const newMcp = argNum(0);
  const newPrio = argNum(1);
  if (authSlot.type !== cap_thread_cap) return invalidCap(1, UE.UE_tcb_1360);
  const auth = authSlot.obj as Tcb;
  let status = checkPrio(newMcp, auth, UE.UE_tcb_1369);
  if (status !== EXCEPTION_NONE) return status;
  status = checkPrio(newPrio, auth, UE.UE_tcb_1376);
  if (status !== EXCEPTION_NONE) return status;

  let sc: SchedContext | null = null;
  switch (scSlot.type) {
    case cap_sched_context_cap:
      sc = scSlot.obj as SchedContext;
      if (target.sc !== sc) {
        if (target.sc !== null) return error(seL4_IllegalOperation, UE.UE_tcb_1392);
        if (sc.tcb !== null) return error(seL4_IllegalOperation, UE.UE_tcb_1397);
      }
      if (isBlocked(target) && !scReleased(sc)) return error(seL4_IllegalOperation, UE.UE_tcb_1403);
      break;
    case cap_null_cap:
      if (target === ks.curThread) return error(seL4_IllegalOperation, UE.UE_tcb_1410);
      break;
    default:
      return invalidCap(2, UE.UE_tcb_1416);
  }
  let flags = thread_control_sched_update_mcp | thread_control_sched_update_priority;
  flags |= thread_control_sched_update_fault;
  if (target.sc !== sc) flags |= thread_control_sched_update_sc;
  if (!validFaultHandler(fhSlot)) return invalidCap(3, UE.UE_tcb_1428);
  copyCap(tcbCaps.fault, fhSlot);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBThreadControlSched(target, slot, fhSlot, newMcp, newPrio, sc, flags);
}

/** SetIPCBuffer (TH-16): arg bufferAddr; cap frame. */
function decodeSetIPCBuffer(target: Tcb, length: number, slot: Cte): Exception {
  const bufferSlot = current_extra_caps.slots[0];
  if (length < 1 || bufferSlot === null) return error(seL4_TruncatedMessage, UE.UE_tcb_1461);
  const hi = argHi(0);
  const lo = argLo(0);
  copyCap(tcbCaps.buffer, bufferSlot);
  let bufferSrc: Cte | null = bufferSlot;
  if (hi === 0 && lo === 0) {
    bufferSrc = null;
  } else {
    let status = deriveCap(bufferSlot, tcbCaps.buffer);
    if (status !== EXCEPTION_NONE) return status;
    status = checkValidIPCBuffer(lo, tcbCaps.buffer);
    if (status !== EXCEPTION_NONE) return status;
  }
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBThreadControlCaps(
    target,
    slot,
    thread_control_caps_update_ipc_buffer,
    null,
    null,
    null,
    null,
    hi,
    lo,
    bufferSrc,
  );
}

/** SetSpace (TH-11): args cRootData, vRootData; caps fault handler, cRoot, vRoot. */
function decodeSetSpace(target: Tcb, length: number, slot: Cte): Exception {
  const ec = current_extra_caps.slots;
  const fhSlot = ec[0];
  const cRootSlot = ec[1];
  const vRootSlot = ec[2];
  if (length < 2 || fhSlot === null || cRootSlot === null || vRootSlot === null) {
    return error(seL4_TruncatedMessage, UE.UE_tcb_1527);
  }
  copyCap(tcbCaps.fault, fhSlot);
  copyCap(tcbCaps.cRoot, cRootSlot);
  copyCap(tcbCaps.vRoot, vRootSlot);
  if (longRunningDelete(target)) return error(seL4_IllegalOperation, UE.UE_tcb_1557);
  const status = decodeRoots(cRootSlot, vRootSlot, UE.UE_tcb_1573, UE.UE_tcb_1589);
  if (status !== EXCEPTION_NONE) return status;
  if (!validFaultHandler(tcbCaps.fault)) return invalidCap(1, UE.UE_tcb_1597);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBThreadControlCaps(
    target,
    slot,
    thread_control_caps_update_space | thread_control_caps_update_fault,
    fhSlot,
    null,
    cRootSlot,
    vRootSlot,
    0,
    0,
    null,
  );
}

/** SetTimeoutEndpoint (TH-17): cap timeout handler (no length check). */
function decodeSetTimeoutEndpoint(target: Tcb, slot: Cte): Exception {
  const thSlot = current_extra_caps.slots[0];
  if (thSlot === null) return error(seL4_TruncatedMessage, UE.UE_tcb_1306);
  if (!validFaultHandler(thSlot)) return invalidCap(1, UE.UE_tcb_1316);
  copyCap(tcbCaps.timeout, thSlot);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBThreadControlCaps(
    target,
    slot,
    thread_control_caps_update_timeout,
    null,
    thSlot,
    null,
    null,
    0,
    0,
    null,
  );
}

/** BindNotification (TH-23): cap notification. */
function decodeBindNotification(target: Tcb): Exception {
  const nSlot = current_extra_caps.slots[0];
  if (nSlot === null) return error(seL4_TruncatedMessage, UE.UE_tcb_1631);
  if (target.boundNotification !== null) return error(seL4_IllegalOperation, UE.UE_tcb_1639);
  if (nSlot.type !== cap_notification_cap) return error(seL4_IllegalOperation, UE.UE_tcb_1649);
  if ((nSlot.rights & seL4_CapRights_Read) === 0) return error(seL4_IllegalOperation, UE.UE_tcb_1655);
  const n = nSlot.obj as Notification;
  if (n.head !== null || n.boundTCB !== null) return error(seL4_IllegalOperation, UE.UE_tcb_1662);
  setThreadState(inv.thread, ThreadState_Restart);
  return invokeTCBNotificationControl(target, n);
}
