// Notifications (seL4 src/object/notification.c, MCS): signal, wait, poll, bound notifications
// and SC donation through a notification (NT-1..NT-10).

import {
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_Running,
} from "../abi/index.ts";
import { a0 } from "../abi/registers.ts";
import { cancelIPC, queueAppend, queueRemove, unblockSporadic } from "./ipc.ts";
import { setReg } from "./msg.ts";
import { schedContextDonate } from "./reply.ts";
import { schedContextResume } from "./schedcontext.ts";
import { ks } from "./state.ts";
import {
  type Notification,
  NtfnState_Active,
  NtfnState_Idle,
  NtfnState_Waiting,
  type Tcb,
} from "./structures.ts";
import { isSchedulable, possibleSwitchTo, rescheduleRequired, setThreadState } from "./thread.ts";

/** NT-10: a thread without an SC takes the notification's SC if no thread holds it. */
function maybeDonateSchedContext(t: Tcb, n: Notification): void {
  if (t.sc === null) {
    const sc = n.sc;
    if (sc !== null && sc.tcb === null) {
      schedContextDonate(sc, t);
      schedContextResume(sc);
    }
  }
}

/** NT-7, IPC-19: a thread about to block gives back the SC it runs on from its notification. */
export function maybeReturnSchedContext(n: Notification, t: Tcb): void {
  const sc = n.sc;
  if (sc !== null && sc === t.sc) {
    t.sc = null;
    sc.tcb = null;
    if (t === ks.curThread) rescheduleRequired();
  }
}

/** The woken thread runs with the badge, maybe on the notification's SC (MCS_DO_IF_SC). */
function wake(t: Tcb, n: Notification, badgeHi: number, badgeLo: number): void {
  if (ks.trace !== null) ks.trace.signal(n, t);
  setThreadState(t, ThreadState_Running);
  setReg(t, a0, badgeHi, badgeLo);
  maybeDonateSchedContext(t, n);
  if (isSchedulable(t)) possibleSwitchTo(t);
  unblockSporadic(t.sc);
}

/** sendSignal (NT-3..NT-6). */
export function sendSignal(n: Notification, badgeHi: number, badgeLo: number): void {
  switch (n.state) {
    case NtfnState_Idle: {
      const t = n.boundTCB;
      if (t !== null && t.state === ThreadState_BlockedOnReceive) {
        cancelIPC(t);
        wake(t, n, badgeHi, badgeLo);
      } else {
        n.msgHi = badgeHi;
        n.msgLo = badgeLo;
        n.state = NtfnState_Active;
        if (ks.trace !== null) ks.trace.signal(n, null);
      }
      return;
    }
    case NtfnState_Waiting: {
      const t = n.head as Tcb;
      queueRemove(n, t);
      if (n.head === null) n.state = NtfnState_Idle;
      t.blockingObject = null;
      wake(t, n, badgeHi, badgeLo);
      return;
    }
    default:
      n.msgHi = (n.msgHi | badgeHi) >>> 0;
      n.msgLo = (n.msgLo | badgeLo) >>> 0;
      if (ks.trace !== null) ks.trace.signal(n, null);
      return;
  }
}

/** receiveSignal (NT-7, NT-8). */
export function receiveSignal(t: Tcb, n: Notification, isBlocking: boolean): void {
  if (n.state === NtfnState_Active) {
    if (ks.trace !== null) ks.trace.signalConsumed(n, t);
    setReg(t, a0, n.msgHi, n.msgLo);
    n.msgHi = 0;
    n.msgLo = 0;
    n.state = NtfnState_Idle;
    maybeDonateSchedContext(t, n);
    // The SC may just have been donated (phase 2 of a donating call): unblock check.
    unblockSporadic(t.sc);
    return;
  }
  if (!isBlocking) {
    setReg(t, a0, 0, 0);
    return;
  }
  t.blockingObject = n;
  setThreadState(t, ThreadState_BlockedOnNotification);
  queueAppend(n, t);
  n.state = NtfnState_Waiting;
  maybeReturnSchedContext(n, t);
}

/** completeSignal (IPC-18): a bound notification's pending word completes a receive at once. */
export function completeSignal(n: Notification, t: Tcb): void {
  if (ks.trace !== null) ks.trace.signalConsumed(n, t);
  setReg(t, a0, n.msgHi, n.msgLo);
  n.msgHi = 0;
  n.msgLo = 0;
  n.state = NtfnState_Idle;
  maybeDonateSchedContext(t, n);
  // Only an SC that came from the notification gets the unblock check.
  if (t.sc !== null && t.sc === n.sc) unblockSporadic(t.sc);
}
