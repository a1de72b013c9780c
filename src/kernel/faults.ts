// Fault handling (seL4 src/kernel/faulthandler.c, MCS). The fault in `current_fault` is recorded
// in the thread; with no fault handler the thread becomes Inactive and, as a debug kernel does,
// a diagnostic is printed. Delivery to a handler endpoint arrives with the IPC work.

import {
  cap_endpoint_cap,
  seL4_Fault_CapFault,
  seL4_Fault_NullFault,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  tcbFaultHandler,
  ThreadState_Inactive,
} from "../abi/index.ts";
import { FaultIP } from "../abi/registers.ts";
import { current_fault, current_lookup_fault, ks } from "./state.ts";
import type { Tcb } from "./structures.ts";
import { setThreadState } from "./thread.ts";
import { hex } from "./word.ts";

function faultDescription(): string {
  const f = current_fault;
  switch (f.type) {
    case seL4_Fault_CapFault:
      return `cap fault in ${f.w1 ? "receive" : "send"} phase at address ${hex(f.w0Hi, f.w0Lo)}`;
    case seL4_Fault_UnknownSyscall:
      return `unknown syscall ${hex(f.w0Hi, f.w0Lo)}`;
    case seL4_Fault_UserException:
      return `user exception ${f.w1}`;
    case seL4_Fault_VMFault:
      return `vm fault at address ${hex(f.w0Hi, f.w0Lo)}`;
    default:
      return `fault ${f.type}`;
  }
}

/** handleFault: deliver the current fault to the thread's fault handler, or stop the thread. */
export function handleFault(t: Tcb): void {
  t.faultType = current_fault.type;
  t.faultHi[0] = current_fault.w0Hi;
  t.faultLo[0] = current_fault.w0Lo;
  t.faultLo[1] = current_fault.w1;
  t.lookupFailureType = current_lookup_fault.type;
  const handler = t.cte[tcbFaultHandler];
  if (handler.type === cap_endpoint_cap) {
    // Fault IPC is not delivered yet: behave as if no handler were present.
  }
  handleNoFaultHandler(t);
}

function handleNoFaultHandler(t: Tcb): void {
  ks.events?.diagnostic(
    `Found thread has no fault handler while trying to handle:\n${faultDescription()}\n` +
      `in thread "${t.name}" at address ${hex(t.regs[2 * FaultIP + 1], t.regs[2 * FaultIP])}`,
  );
  t.faultType = seL4_Fault_NullFault;
  setThreadState(t, ThreadState_Inactive);
}
