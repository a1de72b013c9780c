// Endpoint and notification queues and IPC cancellation (seL4 src/object/endpoint.c,
// notification.c): queue order, cancelIPC, cancelAllIPC, cancelAllSignals, cancelBadgedSends and
// notification binding.

import {
  seL4_Fault_NullFault,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Restart,
} from "../abi/index.ts";
import { replyRemoveTcb } from "./reply.ts";
import { refillUnblockCheck } from "./sched.ts";
import { ks } from "./state.ts";
import {
  Endpoint,
  EPState_Idle,
  EPState_Recv,
  Notification,
  NtfnState_Idle,
  NtfnState_Waiting,
  type SchedContext,
  type Tcb,
} from "./structures.ts";
import { possibleSwitchTo, rescheduleRequired, setThreadState } from "./thread.ts";

type Queue = Endpoint | Notification;

/** sc_sporadic(sc) && sc != ksCurSC -> refill_unblock_check: a sporadic SC woken from blocking. */
export function unblockSporadic(sc: SchedContext | null): void {
  if (sc !== null && sc.sporadic && sc !== ks.curSC) refillUnblockCheck(sc);
}

/**
 * tcbEPAppend (IPC-42): queues are sorted by priority, highest first, FIFO among equals; the
 * search runs from the tail since equal or lower priorities are the common case.
 */
export function queueAppend(q: Queue, t: Tcb): void {
  let before = q.tail;
  while (before !== null && before.priority < t.priority) before = before.epPrev;
  const after = before === null ? q.head : before.epNext;
  t.epPrev = before;
  t.epNext = after;
  if (before === null) q.head = t;
  else before.epNext = t;
  if (after === null) q.tail = t;
  else after.epPrev = t;
}

/** IPC-43: a queued thread whose priority changed is put back in its place. */
export function reorderQueued(t: Tcb): void {
  if (
    t.state === ThreadState_BlockedOnSend ||
    t.state === ThreadState_BlockedOnReceive ||
    t.state === ThreadState_BlockedOnNotification
  ) {
    const q = t.blockingObject as Queue;
    queueRemove(q, t);
    queueAppend(q, t);
  }
}

export function queueRemove(q: Queue, t: Tcb): void {
  if (t.epPrev === null) q.head = t.epNext;
  else t.epPrev.epNext = t.epNext;
  if (t.epNext === null) q.tail = t.epPrev;
  else t.epNext.epPrev = t.epPrev;
  t.epPrev = null;
  t.epNext = null;
}

/** cancelIPC: take `t` out of whatever IPC it is blocked in (seL4 endpoint.c, MCS). */
export function cancelIPC(t: Tcb): void {
  // On MCS cancelling IPC also cancels any pending fault (DEL-16).
  t.faultType = seL4_Fault_NullFault;
  switch (t.state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive: {
      const ep = t.blockingObject as Endpoint;
      queueRemove(ep, t);
      if (ep.head === null) ep.state = EPState_Idle;
      if (t.state === ThreadState_BlockedOnReceive && t.replyObject !== null) {
        const r = t.replyObject;
        r.tcb = null;
        t.replyObject = null;
      }
      t.blockingObject = null;
      setThreadState(t, ThreadState_Inactive);
      return;
    }
    case ThreadState_BlockedOnNotification: {
      const n = t.blockingObject as Notification;
      queueRemove(n, t);
      if (n.head === null) n.state = NtfnState_Idle;
      t.blockingObject = null;
      setThreadState(t, ThreadState_Inactive);
      return;
    }
    case ThreadState_BlockedOnReply:
      if (t.replyObject !== null) replyRemoveTcb(t.replyObject, t);
      return;
    default:
      return;
  }
}

/** restart_thread_if_no_fault, for a thread already taken off its queue. */
function restartQueued(t: Tcb): void {
  t.epPrev = null;
  t.epNext = null;
  t.blockingObject = null;
  if (t.faultType === seL4_Fault_NullFault) {
    setThreadState(t, ThreadState_Restart);
    unblockSporadic(t.sc);
    possibleSwitchTo(t);
  } else {
    setThreadState(t, ThreadState_Inactive);
  }
}

/** cancelAllIPC (DEL-4): every queued thread restarts, or goes Inactive if it carries a fault. */
export function cancelAllIPC(ep: Endpoint): void {
  let t = ep.head;
  if (t === null) return;
  ep.head = null;
  ep.tail = null;
  ep.state = EPState_Idle;
  while (t !== null) {
    const next: Tcb | null = t.epNext;
    if (t.state === ThreadState_BlockedOnReceive && t.replyObject !== null) {
      t.replyObject.tcb = null;
      t.replyObject = null;
    }
    restartQueued(t);
    t = next;
  }
  rescheduleRequired();
}

/** cancelAllSignals (DEL-5). */
export function cancelAllSignals(n: Notification): void {
  if (n.state !== NtfnState_Waiting) return;
  let t = n.head;
  n.head = null;
  n.tail = null;
  n.state = NtfnState_Idle;
  while (t !== null) {
    const next: Tcb | null = t.epNext;
    t.epPrev = null;
    t.epNext = null;
    t.blockingObject = null;
    setThreadState(t, ThreadState_Restart);
    unblockSporadic(t.sc);
    possibleSwitchTo(t);
    t = next;
  }
  rescheduleRequired();
}

/** cancelBadgedSends (CN-22): restart the senders that used this badge. */
export function cancelBadgedSends(ep: Endpoint, badgeHi: number, badgeLo: number): void {
  let t = ep.head;
  if (t === null || ep.state === EPState_Recv) return;
  while (t !== null) {
    const next: Tcb | null = t.epNext;
    if (t.blockingIPCBadgeHi === badgeHi && t.blockingIPCBadgeLo === badgeLo) {
      queueRemove(ep, t);
      restartQueued(t);
    }
    t = next;
  }
  if (ep.head === null) ep.state = EPState_Idle;
  rescheduleRequired();
}

/** unbindNotification / unbindMaybeNotification. */
export function unbindNotification(t: Tcb): void {
  const n = t.boundNotification;
  if (n !== null) {
    n.boundTCB = null;
    t.boundNotification = null;
  }
}
export function unbindMaybeNotification(n: Notification): void {
  const t = n.boundTCB;
  if (t !== null) {
    n.boundTCB = null;
    t.boundNotification = null;
  }
}
