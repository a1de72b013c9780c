// Events the kernel reports to an optional observer (tracing, diagnostics, tests).
// With no observer attached the kernel pays one null check per event site.

import type { Tcb } from "./structures.ts";

export interface KernelEvents {
  /** A byte written with seL4_DebugPutChar (the kernel console). */
  putChar(byte: number): void;
  /** A diagnostic line a debug seL4 kernel would print (faults, halts); goes to stderr. */
  diagnostic(text: string): void;
  /** seL4_DebugHalt was called. */
  halt(thread: Tcb): void;
  /** A long-running operation was preempted and the syscall will restart. */
  preempted?(thread: Tcb): void;
}
