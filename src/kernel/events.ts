// Events the kernel reports to an optional observer (tracing, diagnostics, tests).
// With no observer attached the kernel pays one null check per event site.

import type { Notification, SchedContext, Tcb } from "./structures.ts";

export interface KernelEvents {
  /** A byte written with seL4_DebugPutChar (the kernel console). */
  putChar(byte: number): void;
  /** A diagnostic line a debug seL4 kernel would print (faults, halts); goes to stderr. */
  diagnostic(text: string): void;
  /**
   * A line a debug kernel prints on its console (a user error, see usererror.ts), without its
   * newline, at the point of the run where the real kernel prints it.
   */
  kernelLog?: (line: string) => void;
  /** seL4_DebugHalt was called. */
  halt(thread: Tcb): void;
  /** A long-running operation was preempted and the syscall will restart. */
  preempted?(thread: Tcb): void;
  /**
   * A tracer. The kernel caches it in `KernelState.trace` so that a site pays one null check; it
   * only ever reads what the kernel passes and never changes kernel state.
   */
  trace?: KernelTrace;
}

/** How a trap entered the kernel (KernelTrace.entry). */
export const ENTRY_SYSCALL = 0;
export const ENTRY_INTERRUPT = 1;
export const ENTRY_VM_FAULT = 2;
export const ENTRY_USER_EXCEPTION = 3;
/** A TS thread's function returned: the thread suspends itself. */
export const ENTRY_THREAD_RETURNED = 4;

/** What an IPC transfer was (KernelTrace.ipc); a sender with a pending fault sends a fault message. */
export const IPC_SEND = 0;
export const IPC_CALL = 1;
export const IPC_REPLY = 2;

/** Scheduling-context accounting events (KernelTrace.sched). */
export const SC_CHARGE = 0;
export const SC_EXHAUSTED = 1;
export const SC_THROTTLED = 2;
export const SC_RELEASED = 3;

/**
 * What a tracer is told. Times are not passed: an observer reads the simulated clock itself, so a
 * trace depends on nothing but the run.
 */
export interface KernelTrace {
  /**
   * A trap by `thread`, before its entry cost is charged. `detail`: the syscall number (a7; one
   * outside the 32-bit range as 0x7fffffff), the faulting address, or the exception cause.
   */
  entry(thread: Tcb, kind: number, detail: number): void;
  /** The kernel returns to user level, to `next` (the idle thread when no thread can run). */
  exit(next: Tcb): void;
  /** The syscall being handled invokes a cap of this type with this message label. */
  invocation(capType: number, label: number): void;
  /** The interrupt entry in progress takes this IRQ. */
  irq(irq: number): void;
  /** A message went from `sender` to `receiver` (the receiver wakes, or is the current thread). */
  ipc(sender: Tcb, receiver: Tcb, kind: number): void;
  /** A signal woke `woken`, or was left pending in `n` (woken null). */
  signal(n: Notification, woken: Tcb | null): void;
  /** `t` took the signals pending in `n`. */
  signalConsumed(n: Notification, t: Tcb): void;
  /** A fault (seL4_Fault_* type and payload) is raised for `t`; without a handler `t` stops. */
  fault(t: Tcb, type: number, w0Hi: number, w0Lo: number, w1: number, w2: number, hasHandler: boolean): void;
  /** SC accounting: `ticks` charged (SC_CHARGE, SC_EXHAUSTED), else 0. */
  sched(kind: number, sc: SchedContext, ticks: number): void;
  /** An invocation by `thread` failed with seL4_Error `error` (only error paths report this). */
  invocationError?(thread: Tcb, error: number): void;
}
