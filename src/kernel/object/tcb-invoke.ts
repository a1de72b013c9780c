// The effects of TCB invocations (seL4 src/object/tcb.c, MCS: invokeTCB_*): they run after
// decodeTCBInvocation has checked everything and cannot fail, except that deleting a TCB slot's
// old cap is a (never preempted in practice) deletion. Caps to install arrive in the scratch
// `Cte`s of `tcbCaps`, copied from their source slots at decode time.

import {
  cap_null_cap,
  cap_thread_cap,
  msgInfoLo,
  n_msgRegisters,
  seL4_TCBFlag_MASK,
  tcbBuffer,
  tcbCTable,
  tcbFaultHandler,
  tcbTimeoutHandler,
  tcbVTable,
  ThreadState_Running,
} from "../../abi/index.ts";
import {
  a0,
  a1,
  FaultIP,
  n_frameRegisters,
  n_gpRegisters,
  NextIP,
  tp,
  userContextToKernel,
} from "../../abi/registers.ts";
import { cteInsert } from "../cdt.ts";
import { cteDelete } from "../delete.ts";
import { unbindNotification } from "../ipc.ts";
import { argHi, argLo, lookupIPCBuffer, setMR, setReg } from "../msg.ts";
import { schedContextBindTCB, schedContextUnbindTCB } from "../schedcontext.ts";
import { EXCEPTION_NONE, ks, type Exception } from "../state.ts";
import { Cte, type Notification, type SchedContext, type Tcb } from "../structures.ts";
import {
  rescheduleRequired,
  restart,
  setMCPriority,
  setPriority,
  setThreadState,
  suspend,
} from "../thread.ts";
import { sameObjectAs } from "./objecttype.ts";

/** Caps in flight between decode and invoke (no allocation per call). */
export const tcbCaps = {
  fault: new Cte(null, -1),
  timeout: new Cte(null, -1),
  cRoot: new Cte(null, -1),
  vRoot: new Cte(null, -1),
  buffer: new Cte(null, -1),
};
/** cap_thread_cap_new(target), for checking that the invoked TCB cap is still there. */
const tCap = new Cte(null, -1);

export const thread_control_caps_update_fault = 1;
export const thread_control_caps_update_timeout = 2;
export const thread_control_caps_update_space = 4;
export const thread_control_caps_update_ipc_buffer = 8;

export const thread_control_sched_update_fault = 1;
export const thread_control_sched_update_mcp = 2;
export const thread_control_sched_update_priority = 4;
export const thread_control_sched_update_sc = 8;

function makeThreadCap(target: Tcb): void {
  tCap.type = cap_thread_cap;
  tCap.obj = target;
  tCap.ptr = target.ptr;
}

/**
 * installTCBCap (TH-8): empty the TCB slot, then copy `newCap` in as a child of its source, but
 * only if the source still holds that object and the invoked TCB cap still exists.
 */
function installTCBCap(target: Tcb, slot: Cte, index: number, newCap: Cte, srcSlot: Cte | null): Exception {
  const rootSlot = target.cte[index];
  const e = cteDelete(rootSlot, true);
  if (e !== EXCEPTION_NONE) return e;
  if (newCap.type !== cap_null_cap && srcSlot !== null) {
    if (sameObjectAs(newCap, srcSlot) && sameObjectAs(tCap, slot)) cteInsert(newCap, srcSlot, rootSlot);
  }
  return EXCEPTION_NONE;
}

/** invokeTCB_ThreadControlCaps: Configure, SetSpace, SetIPCBuffer, SetTimeoutEndpoint. */
export function invokeTCBThreadControlCaps(
  target: Tcb,
  slot: Cte,
  updateFlags: number,
  faultSrc: Cte | null,
  timeoutSrc: Cte | null,
  cRootSrc: Cte | null,
  vRootSrc: Cte | null,
  bufferAddrHi: number,
  bufferAddrLo: number,
  bufferSrc: Cte | null,
): Exception {
  makeThreadCap(target);
  let e: Exception;
  if (updateFlags & thread_control_caps_update_fault) {
    e = installTCBCap(target, slot, tcbFaultHandler, tcbCaps.fault, faultSrc);
    if (e !== EXCEPTION_NONE) return e;
  }
  if (updateFlags & thread_control_caps_update_timeout) {
    e = installTCBCap(target, slot, tcbTimeoutHandler, tcbCaps.timeout, timeoutSrc);
    if (e !== EXCEPTION_NONE) return e;
  }
  if (updateFlags & thread_control_caps_update_space) {
    e = installTCBCap(target, slot, tcbCTable, tcbCaps.cRoot, cRootSrc);
    if (e !== EXCEPTION_NONE) return e;
    e = installTCBCap(target, slot, tcbVTable, tcbCaps.vRoot, vRootSrc);
    if (e !== EXCEPTION_NONE) return e;
  }
  if (updateFlags & thread_control_caps_update_ipc_buffer) {
    const bufferSlot = target.cte[tcbBuffer];
    e = cteDelete(bufferSlot, true);
    if (e !== EXCEPTION_NONE) return e;
    target.ipcBuffer = bufferAddrHi * 0x1_0000_0000 + bufferAddrLo;
    const bufferCap = tcbCaps.buffer;
    if (bufferSrc !== null && sameObjectAs(bufferCap, bufferSrc) && sameObjectAs(tCap, slot)) {
      cteInsert(bufferCap, bufferSrc, bufferSlot);
    }
    if (target === ks.curThread) rescheduleRequired();
  }
  return EXCEPTION_NONE;
}

/** invokeTCB_ThreadControlSched: SetPriority, SetMCPriority, SetSchedParams. */
export function invokeTCBThreadControlSched(
  target: Tcb,
  slot: Cte | null,
  faultSrc: Cte | null,
  mcp: number,
  priority: number,
  sc: SchedContext | null,
  updateFlags: number,
): Exception {
  if (updateFlags & thread_control_sched_update_fault && slot !== null) {
    makeThreadCap(target);
    const e = installTCBCap(target, slot, tcbFaultHandler, tcbCaps.fault, faultSrc);
    if (e !== EXCEPTION_NONE) return e;
  }
  if (updateFlags & thread_control_sched_update_mcp) setMCPriority(target, mcp);
  if (updateFlags & thread_control_sched_update_priority) setPriority(target, priority);
  if (updateFlags & thread_control_sched_update_sc) {
    if (sc !== null) schedContextBindTCB(sc, target);
    else if (target.sc !== null) schedContextUnbindTCB(target.sc);
  }
  return EXCEPTION_NONE;
}

/** invokeTCB_CopyRegisters (TH-22): suspend source, resume target, frame registers, GP registers. */
export function invokeTCBCopyRegisters(
  dest: Tcb,
  src: Tcb,
  suspendSource: boolean,
  resumeTarget: boolean,
  transferFrame: boolean,
  transferInteger: boolean,
): Exception {
  if (suspendSource) suspend(src);
  if (resumeTarget) restart(dest);
  const d = dest.regs;
  const s = src.regs;
  if (transferFrame) {
    for (let i = 0; i < n_frameRegisters; i++) {
      const r = userContextToKernel[i];
      d[2 * r] = s[2 * r];
      d[2 * r + 1] = s[2 * r + 1];
    }
    d[2 * NextIP] = d[2 * FaultIP];
    d[2 * NextIP + 1] = d[2 * FaultIP + 1];
  }
  if (transferInteger) {
    for (let i = 0; i < n_gpRegisters; i++) {
      const r = userContextToKernel[n_frameRegisters + i];
      d[2 * r] = s[2 * r];
      d[2 * r + 1] = s[2 * r + 1];
    }
  }
  if (dest === ks.curThread) rescheduleRequired();
  return EXCEPTION_NONE;
}

/**
 * invokeTCB_ReadRegisters (TH-20): the first n words of the source's seL4_UserContext (pc is its
 * FaultIP) as the reply of a Call; without an IPC buffer only the first four come back.
 */
export function invokeTCBReadRegisters(
  src: Tcb,
  suspendSource: boolean,
  n: number,
  call: boolean,
): Exception {
  const thread = ks.curThread;
  if (suspendSource) suspend(src);
  if (call) {
    const buffer = lookupIPCBuffer(true, thread);
    setReg(thread, a0, 0, 0);
    const count = buffer < 0 ? Math.min(n, n_msgRegisters) : n;
    const s = src.regs;
    for (let i = 0; i < count; i++) {
      const r = userContextToKernel[i];
      setMR(thread, buffer, i, s[2 * r + 1], s[2 * r]);
    }
    setReg(thread, a1, 0, msgInfoLo(0, 0, 0, count));
  }
  setThreadState(thread, ThreadState_Running);
  return EXCEPTION_NONE;
}

/**
 * invokeTCB_WriteRegisters (TH-21): context words from MR 2 on, at most 32, no sanitising on
 * RISC-V; the thread continues at the written pc (NextIP := FaultIP); resume restarts it.
 */
export function invokeTCBWriteRegisters(dest: Tcb, resumeTarget: boolean, n: number): Exception {
  const count = n > n_frameRegisters + n_gpRegisters ? n_frameRegisters + n_gpRegisters : n;
  const d = dest.regs;
  for (let i = 0; i < count; i++) {
    const r = userContextToKernel[i];
    d[2 * r] = argLo(i + 2);
    d[2 * r + 1] = argHi(i + 2);
  }
  d[2 * NextIP] = d[2 * FaultIP];
  d[2 * NextIP + 1] = d[2 * FaultIP + 1];
  if (resumeTarget) restart(dest);
  if (dest === ks.curThread) rescheduleRequired();
  return EXCEPTION_NONE;
}

/** bindNotification / unbindNotification (TH-23, TH-24). */
export function invokeTCBNotificationControl(t: Tcb, n: Notification | null): Exception {
  if (n !== null) {
    n.boundTCB = t;
    t.boundNotification = n;
  } else {
    unbindNotification(t);
  }
  return EXCEPTION_NONE;
}

/** invokeSetTLSBase (TH-25): tp. */
export function invokeTCBSetTLSBase(t: Tcb, hi: number, lo: number): Exception {
  setReg(t, tp, hi, lo);
  if (t === ks.curThread) rescheduleRequired();
  return EXCEPTION_NONE;
}

/** invokeSetFlags (TH-26): the new flags are the reply of a Call; the caller is Running. */
export function invokeTCBSetFlags(t: Tcb, clearLo: number, setLo: number, call: boolean): Exception {
  const cur = ks.curThread;
  // seL4_TCBFlag_fpuDisabled exists only in a kernel with an FPU (libsel4 constants.h).
  const mask = ks.fpu ? seL4_TCBFlag_MASK : 0;
  const flags = ((t.flags & ~clearLo) | (setLo & mask)) >>> 0;
  t.flags = flags;
  if (call) {
    const buffer = lookupIPCBuffer(true, cur);
    setReg(cur, a0, 0, 0);
    const len = setMR(cur, buffer, 0, 0, flags);
    setReg(cur, a1, 0, msgInfoLo(0, 0, 0, len));
  }
  setThreadState(cur, ThreadState_Running);
  return EXCEPTION_NONE;
}
