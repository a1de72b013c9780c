// A TS thread whose function returned: it suspends itself, as a C thread whose return address
// points at a seL4_TCB_Suspend stub would (CONTRACT: "When fn returns, the thread suspends
// itself"). Entered like any other trap.

import { ENTRY_THREAD_RETURNED } from "./events.ts";
import type { Kernel } from "./kernel.ts";
import { updateTimestamp } from "./sched.ts";
import { setKernelState } from "./state.ts";
import { activateThread, schedule, suspend } from "./thread.ts";
import { setVMRoot } from "./vspace.ts";

export function suspendCurrentThread(k: Kernel): void {
  setKernelState(k.state);
  k.state.trace?.entry(k.state.curThread, ENTRY_THREAD_RETURNED, 0);
  k.state.entries++;
  // As the seL4_TCB_Suspend it stands for, this entry accounts the time used so far.
  updateTimestamp();
  suspend(k.state.curThread);
  schedule();
  activateThread();
  if (k.state.curThread !== k.state.idleThread) setVMRoot(k.state.curThread);
  k.state.trace?.exit(k.state.curThread);
}
