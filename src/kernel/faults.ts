// Fault handling (seL4 src/kernel/faulthandler.c, MCS): the fault in `current_fault` is recorded
// in the thread and sent, as a call-like blocking send, through the fault-handler cap held in the
// TCB (FLT-6..FLT-9). With no handler the thread becomes Inactive and, as a debug kernel does, a
// diagnostic says why — here with the lookup failure spelled out as well.

import {
  cap_endpoint_cap,
  seL4_CapRights_Grant,
  seL4_CapRights_GrantReply,
  seL4_DepthMismatch,
  seL4_Fault_CapFault,
  seL4_Fault_Timeout,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  seL4_GuardMismatch,
  seL4_InvalidRoot,
  seL4_MissingCapability,
  tcbFaultHandler,
  tcbTimeoutHandler,
  ThreadState_Inactive,
} from "../abi/index.ts";
import { FaultIP } from "../abi/registers.ts";
import { sendIPC } from "./endpoint.ts";
import type { KernelTrace } from "./events.ts";
import { current_fault, current_lookup_fault, ks } from "./state.ts";
import type { Cte, Endpoint, Tcb } from "./structures.ts";
import { setThreadState } from "./thread.ts";
import { hex } from "./word.ts";

function recordFault(t: Tcb): void {
  const f = current_fault;
  t.faultType = f.type;
  t.faultW0Hi = f.w0Hi;
  t.faultW0Lo = f.w0Lo;
  t.faultW1 = f.w1;
  t.faultW2 = f.w2;
  if (f.type === seL4_Fault_CapFault) {
    const l = current_lookup_fault;
    t.lfType = l.type;
    t.lfBitsLeft = l.bitsLeft;
    t.lfBitsFound = l.bitsFound;
    t.lfGuardHi = l.guardFoundHi;
    t.lfGuardLo = l.guardFoundLo;
  }
}

/** sendFaultIPC: false if the handler slot holds no endpoint cap. */
function sendFaultIPC(t: Tcb, handler: Cte, canDonate: boolean): boolean {
  if (handler.type !== cap_endpoint_cap) return false;
  recordFault(t);
  sendIPC(
    true,
    false,
    handler.dataHi,
    handler.dataLo,
    (handler.rights & seL4_CapRights_Grant) !== 0,
    (handler.rights & seL4_CapRights_GrantReply) !== 0,
    canDonate,
    t,
    handler.obj as Endpoint,
  );
  return true;
}

/** handleFault (FLT-6..FLT-8). */
export function handleFault(t: Tcb): void {
  const handler = t.cte[tcbFaultHandler];
  if (ks.trace !== null) traceFault(ks.trace, t, handler);
  if (!sendFaultIPC(t, handler, t.sc !== null)) handleNoFaultHandler(t);
}

/** handleTimeout (FLT-9): timeout faults never donate. */
export function handleTimeout(t: Tcb): void {
  const handler = t.cte[tcbTimeoutHandler];
  if (ks.trace !== null) traceFault(ks.trace, t, handler);
  sendFaultIPC(t, handler, false);
}

function traceFault(tr: KernelTrace, t: Tcb, handler: Cte): void {
  const f = current_fault;
  tr.fault(t, f.type, f.w0Hi, f.w0Lo, f.w1, f.w2, handler.type === cap_endpoint_cap);
}

function lookupFailureWords(): string {
  const l = current_lookup_fault;
  switch (l.type) {
    case seL4_InvalidRoot:
      return "the CSpace root is not a CNode";
    case seL4_MissingCapability:
      return `no capability there (${l.bitsLeft} bits left)`;
    case seL4_DepthMismatch:
      return `depth mismatch: ${l.bitsLeft} bits left, a level needs ${l.bitsFound}`;
    case seL4_GuardMismatch:
      return `guard mismatch: the CNode's ${l.bitsFound}-bit guard is ${hex(l.guardFoundHi, l.guardFoundLo)}, ${l.bitsLeft} bits left`;
    default:
      return "lookup failed";
  }
}

function faultDescription(): string {
  const f = current_fault;
  switch (f.type) {
    case seL4_Fault_CapFault:
      return `cap fault in ${f.w1 ? "receive" : "send"} phase at address ${hex(f.w0Hi, f.w0Lo)}`;
    case seL4_Fault_VMFault:
      return `vm fault on ${f.w1 ? "code" : "data"} at address ${hex(f.w0Hi, f.w0Lo)} with status 0x${f.w2.toString(16)}`;
    case seL4_Fault_UnknownSyscall:
      return `unknown syscall ${hex(f.w0Hi, f.w0Lo)}`;
    case seL4_Fault_UserException:
      return `user exception 0x${f.w1.toString(16)} code 0x${f.w2.toString(16)}`;
    case seL4_Fault_Timeout:
      return `Timeout fault for ${hex(f.w0Hi, f.w0Lo)}`;
    default:
      return "unknown fault";
  }
}

function explanation(t: Tcb): string {
  const f = current_fault;
  if (f.type === seL4_Fault_CapFault) {
    const what = f.w1 ? "the capability to receive on (or its reply cap)" : "the capability it invoked";
    return `sel4ts: "${t.name}" stopped: ${what}, cptr ${hex(f.w0Hi, f.w0Lo)}, did not resolve in its CSpace: ${lookupFailureWords()}.`;
  }
  if (f.type === seL4_Fault_VMFault) {
    const how = f.w2 === 1 ? "executing" : f.w2 === 7 ? "writing" : "reading";
    return `sel4ts: "${t.name}" stopped: ${how} ${hex(f.w0Hi, f.w0Lo)} is not allowed by its VSpace.`;
  }
  return `sel4ts: "${t.name}" stopped: it has no fault handler.`;
}

function handleNoFaultHandler(t: Tcb): void {
  const pc = hex(t.regs[2 * FaultIP + 1], t.regs[2 * FaultIP]);
  ks.events?.diagnostic(
    `Found thread has no fault handler while trying to handle:\n${faultDescription()}\n` +
      `in thread "${t.name}" at address ${pc}\n${explanation(t)}`,
  );
  setThreadState(t, ThreadState_Inactive);
}
