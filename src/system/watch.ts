// What a supervisor reads of a running System (see System.run); kept apart from system.ts so that
// a supervisor in another thread need not load the simulator to read it.

import type { Tcb } from "../kernel/structures.ts";

/**
 * How a supervisor (another thread, a debugger) watches a run without slowing it: the loop writes
 * progress into plain typed arrays (which may live in shared memory) before it runs a thread, and
 * stops with reason "stopped" once `stop[0]` is non-zero.
 */
export interface RunWatch {
  /** [WATCH_ENTRIES] kernel entries so far, [WATCH_TICKS] simulated time then, [WATCH_THREAD] the TCB's address. */
  readonly progress: Float64Array;
  readonly stop: Int32Array;
  /** Called before a thread runs when it is not the one that ran last. */
  switched(t: Tcb): void;
}
export const WATCH_ENTRIES = 0;
export const WATCH_TICKS = 1;
export const WATCH_THREAD = 2;
