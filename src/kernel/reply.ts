// MCS reply objects and call chains (seL4 src/object/reply.c, schedContext_donate): a Call links
// the caller to the receiver's Reply object, and donating an SC pushes the reply on the SC's call
// stack so that replies return the SC along the chain (IPC-30..IPC-50).

import { migrateTCB, remoteTCBStall } from "./smp.ts";
import { ThreadState_BlockedOnReply, ThreadState_Inactive } from "../abi/index.ts";
import { ks, SchedulerAction_SwitchToThread } from "./state.ts";
import type { Reply, SchedContext, Tcb } from "./structures.ts";
import { releaseRemove, rescheduleRequired, setThreadState, tcbSchedDequeue } from "./thread.ts";

/** reply_unlink: break the link between a reply object and the thread waiting on it. */
export function replyUnlink(reply: Reply, t: Tcb): void {
  reply.tcb = null;
  t.replyObject = null;
  setThreadState(t, ThreadState_Inactive);
}

/** schedContext_donate: `sc` leaves whichever thread holds it and goes to `to` (which has none). */
export function schedContextDonate(sc: SchedContext, to: Tcb): void {
  const from = sc.tcb;
  if (from !== null) {
    if (ks.numNodes > 1) remoteTCBStall(from);
    tcbSchedDequeue(from);
    releaseRemove(from);
    from.sc = null;
    if (
      from === ks.curThread ||
      (ks.schedulerAction === SchedulerAction_SwitchToThread && ks.switchTarget === from)
    ) {
      rescheduleRequired();
    }
  }
  sc.tcb = to;
  to.sc = sc;
  migrateTCB(to, sc.core);
}

/**
 * reply_push: `caller` waits on `reply` for `callee`'s answer; with donation allowed and a
 * callee without an SC, the caller's SC moves to the callee and the reply heads its call stack.
 */
export function replyPush(caller: Tcb, callee: Tcb, reply: Reply, canDonate: boolean): void {
  const sc = caller.sc;
  reply.tcb = caller;
  caller.replyObject = reply;
  caller.blockingObject = null;
  setThreadState(caller, ThreadState_BlockedOnReply);
  if (sc !== null && callee.sc === null && canDonate) {
    const oldCaller = sc.reply;
    if (oldCaller !== null) {
      oldCaller.nextSC = null;
      oldCaller.next = reply;
    }
    reply.prev = oldCaller;
    sc.reply = reply;
    reply.nextSC = sc;
    reply.next = null;
    schedContextDonate(sc, callee);
  }
}
/** reply_pop: take the head of a call stack off; the SC goes back to the caller if it has none. */
export function replyPop(reply: Reply, t: Tcb): void {
  const sc = reply.nextSC as SchedContext;
  const prev = reply.prev;
  sc.reply = prev;
  if (prev !== null) {
    prev.next = null;
    prev.nextSC = sc;
  }
  reply.nextSC = null;
  if (t.sc === null) schedContextDonate(sc, t);
  reply.prev = null;
  replyUnlink(reply, t);
}

/**
 * reply_remove (DEL-6, final reply cap): the head of a call stack is popped; from the middle the
 * chain is broken (not spliced), as seL4 does. The caller ends Inactive either way.
 */
export function replyRemove(reply: Reply, t: Tcb): void {
  if (reply.nextSC !== null) {
    replyPop(reply, t);
    return;
  }
  if (reply.next !== null) reply.next.prev = null;
  if (reply.prev !== null) {
    reply.prev.next = null;
    reply.prev.nextSC = null;
  }
  reply.prev = null;
  reply.next = null;
  replyUnlink(reply, t);
}

/** reply_remove_tcb (cancelIPC of a BlockedOnReply caller): break the chain, no SC return. */
export function replyRemoveTcb(reply: Reply, t: Tcb): void {
  if (reply.nextSC !== null) reply.nextSC.reply = null;
  else if (reply.next !== null) reply.next.prev = null;
  if (reply.prev !== null) {
    reply.prev.next = null;
    reply.prev.nextSC = null;
  }
  reply.prev = null;
  reply.next = null;
  reply.nextSC = null;
  replyUnlink(reply, t);
}
