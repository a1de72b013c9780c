// Scheduling-context bindings (seL4 src/object/schedcontext.c, the parts other code uses):
// binding an SC to a thread or notification and back, resuming a thread whose SC may lack budget,
// the consumed-time counter and the bookkeeping of SchedContext_YieldTo. Used by SetSchedParams,
// the SchedContext and SchedControl invocations, restart/suspend and deletion.

import { msgInfoLo, TICKS_PER_US } from "../abi/index.ts";
import { a0, a1 } from "../abi/registers.ts";
import { lookupIPCBuffer, setMR, setReg } from "./msg.ts";
import { postpone, refillReady, refillSufficient, refillUnblockCheck, scActive } from "./sched.ts";
import { ks } from "./state.ts";
import type { Notification, SchedContext, Tcb } from "./structures.ts";
import { isSchedulable, releaseRemove, rescheduleRequired, schedEnqueue, tcbSchedDequeue } from "./thread.ts";
import { migrateTCB, remoteTCBStall } from "./smp.ts";

/**
 * schedContext_resume: the thread of `sc` is schedulable but its head refill is not ready or too
 * small: it waits in the release queue instead.
 */
export function schedContextResume(sc: SchedContext | null): void {
  if (sc === null) return;
  const t = sc.tcb;
  if (t !== null && isSchedulable(t)) {
    if (!(refillReady(sc) && refillSufficient(sc, 0))) postpone(sc);
  }
}

/** schedContext_bindTCB (SCH-19): bind, unblock check, release queue or the head of the ready queue. */
export function schedContextBindTCB(sc: SchedContext, t: Tcb): void {
  t.sc = sc;
  sc.tcb = t;
  migrateTCB(t, sc.core);
  if (sc.sporadic && scActive(sc) && sc !== ks.curSC) refillUnblockCheck(sc);
  schedContextResume(sc);
  if (isSchedulable(t)) {
    schedEnqueue(t);
    rescheduleRequired();
  }
}

/** schedContext_unbindTCB: the thread keeps its state but leaves the queues and becomes passive. */
export function schedContextUnbindTCB(sc: SchedContext): void {
  const t = sc.tcb;
  if (t === null) return;
  if (t === ks.curThread) rescheduleRequired();
  tcbSchedDequeue(t);
  releaseRemove(t);
  t.sc = null;
  sc.tcb = null;
}

export function schedContextUnbindAllTCBs(sc: SchedContext): void {
  if (sc.tcb !== null) {
    if (ks.numNodes > 1) remoteTCBStall(sc.tcb);
    schedContextUnbindTCB(sc);
  }
}

export function schedContextBindNtfn(sc: SchedContext, n: Notification): void {
  n.sc = sc;
  sc.notification = n;
}

export function schedContextUnbindNtfn(sc: SchedContext | null): void {
  if (sc !== null && sc.notification !== null) {
    sc.notification.sc = null;
    sc.notification = null;
  }
}

/** schedContextMaybeUnbindNtfn: a notification that goes away takes its SC binding with it. */
export function schedContextMaybeUnbindNtfn(n: Notification): void {
  if (n.sc !== null) schedContextUnbindNtfn(n.sc);
}

/** schedContext_unbindReply: cut the SC off the head of its call stack (IPC-49). */
export function schedContextUnbindReply(sc: SchedContext | null): void {
  if (sc !== null && sc.reply !== null) {
    sc.reply.nextSC = null;
    sc.reply = null;
  }
}

/** Largest tick count the kernel converts to µs in one go (getMaxTicksToUs; never reached here). */
const MAX_TICKS_TO_US = Number.MAX_SAFE_INTEGER;

/** schedContext_updateConsumed: consumed time in µs, and the counter is reset (SCH-23). */
export function schedContextUpdateConsumed(sc: SchedContext): number {
  const consumed = sc.consumed;
  if (consumed >= MAX_TICKS_TO_US) {
    sc.consumed -= MAX_TICKS_TO_US;
    return Math.floor(MAX_TICKS_TO_US / TICKS_PER_US);
  }
  sc.consumed = 0;
  return Math.floor(consumed / TICKS_PER_US);
}

/** setConsumed: take the consumed time and, with a reply, hand it to `t` in MR0. */
export function setConsumed(sc: SchedContext, t: Tcb, writeMsg: boolean): void {
  const us = schedContextUpdateConsumed(sc);
  if (writeMsg) {
    const buffer = lookupIPCBuffer(true, t);
    setReg(t, a0, 0, 0);
    const len = setMR(t, buffer, 0, Math.floor(us / 0x1_0000_0000) >>> 0, us >>> 0);
    setReg(t, a1, 0, msgInfoLo(0, 0, 0, len));
  }
}

/** schedContext_cancelYieldTo: forget a pending YieldTo of `t`. */
export function schedContextCancelYieldTo(t: Tcb | null): void {
  if (t !== null && t.yieldTo !== null) {
    t.yieldTo.yieldFrom = null;
    t.yieldTo = null;
  }
}

/**
 * schedContext_completeYieldTo: the yielder gets its reply (consumed time of the SC it yielded
 * to) now. seL4 writes it whether the YieldTo was a Call or a Send.
 */
export function schedContextCompleteYieldTo(yielder: Tcb | null): void {
  if (yielder !== null && yielder.yieldTo !== null) {
    setConsumed(yielder.yieldTo, yielder, true);
    schedContextCancelYieldTo(yielder);
  }
}
