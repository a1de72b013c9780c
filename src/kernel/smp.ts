// The multicore parts of seL4's scheduler (src/kernel/thread.c remoteQueueUpdate, src/object/tcb.c
// remoteTCBStall, src/model/smp.c migrateTCB, src/smp/ipi.c doMaskReschedule and
// ipiStallCoreCallback), for KernelMaxNumNodes > 1.
//
// The harts are executed one at a time (src/system/system.ts switches them), so the big kernel lock
// is always free when a core enters the kernel and no other core is ever inside it. Its ordering
// effects remain: a remote call (the stall) completes before the caller goes on, and a reschedule
// IPI is an interrupt the target core takes the next time it runs. A stalled core is never in the
// middle of a kernel entry, so the stall is ipiStallCoreCallback's interrupt-path branch, done at
// once on the target's state.

import { commitTime } from "./sched.ts";
import { ks, SchedulerAction_ResumeCurrentThread } from "./state.ts";
import type { SchedContext, Tcb } from "./structures.ts";
import { tcbSchedEnqueue } from "./thread.ts";

/**
 * remoteQueueUpdate: `t` was just queued on another core; that core needs a reschedule IPI if it
 * is idle, runs a lower priority, or must reprogram its timer (and only for the current domain).
 */
export function remoteQueueUpdate(t: Tcb): void {
  const c = t.affinity;
  if (c === ks.core || t.domain !== ks.curDomain) return;
  const n = ks.nodes[c];
  const cur = n.curThread;
  if (cur === n.idleThread || t.priority > cur.priority || n.reprogram) {
    ks.ipiReschedulePending |= 1 << c;
  }
}

/** doMaskReschedule at the end of schedule(): one reschedule IPI per pending core but this one. */
export function doMaskReschedule(): void {
  const mask = ks.ipiReschedulePending & ~(1 << ks.core);
  ks.ipiReschedulePending = 0;
  for (let c = 0; c < ks.numNodes; c++) {
    if ((mask & (1 << c)) !== 0) ks.machine.sendSoftwareInterrupt(c);
  }
}

/**
 * remoteTCBStall: before an operation changes a thread that is running on another core, that core
 * switches to its idle thread (IpiRemoteCall_Stall); a reschedule IPI later lets it choose again.
 */
export function remoteTCBStall(t: Tcb): void {
  const c = t.affinity;
  if (t.sc === null || c === ks.core || ks.nodes[c].curThread !== t) return;
  const here = ks.core;
  ks.loadCore(c);
  // ipiStallCoreCallback (interrupt path): the running thread goes back to its queue, the core
  // idles, the time so far is charged and the idle SC becomes current.
  tcbSchedEnqueue(ks.curThread);
  ks.curThread = ks.idleThread;
  commitTime();
  ks.curSC = ks.idleThread.sc as SchedContext;
  ks.schedulerAction = SchedulerAction_ResumeCurrentThread;
  ks.switchTarget = null;
  ks.loadCore(here);
  ks.ipiReschedulePending |= 1 << c;
}

/** migrateTCB: the thread now belongs to `core` (it is in no queue when this is called). */
export function migrateTCB(t: Tcb, core: number): void {
  t.affinity = core;
}
