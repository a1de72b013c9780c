// Threads and the scheduler (seL4 src/kernel/thread.c, MCS variant): thread states, ready queues
// with seL4's prepend/append sites, schedule/chooseThread/switchToThread, possibleSwitchTo and
// rescheduleRequired. Kept as seL4 has them because their order is observable (DESIGN.md).

import {
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
  ThreadState_IdleThreadState,
  ThreadState_Inactive,
  ThreadState_Restart,
  ThreadState_Running,
} from "../abi/index.ts";
import { FaultIP, NextIP } from "../abi/registers.ts";
import { awaken, commitTime, refillReady, refillSufficient, setNextInterrupt } from "./sched.ts";
import { cancelIPC } from "./ipc.ts";
import {
  ks,
  SchedulerAction_ChooseNewThread,
  SchedulerAction_ResumeCurrentThread,
  SchedulerAction_SwitchToThread,
} from "./state.ts";
import type { Tcb } from "./structures.ts";

export function isRunnable(t: Tcb): boolean {
  return t.state === ThreadState_Running || t.state === ThreadState_Restart;
}

/** isSchedulable: runnable, with an active SC, and not waiting for a refill. */
export function isSchedulable(t: Tcb): boolean {
  return isRunnable(t) && t.sc !== null && t.sc.refillMax > 0 && !t.inReleaseQueue;
}

export function isStopped(t: Tcb): boolean {
  return t.state === ThreadState_Inactive || t.state >= ThreadState_BlockedOnReceive;
}

// --- ready queues (one domain) ---

export function tcbSchedEnqueue(t: Tcb): void {
  if (t.inReadyQueue) return;
  const p = t.priority;
  const head = ks.readyHead[p];
  t.schedPrev = null;
  t.schedNext = head;
  if (head === null) ks.readyTail[p] = t;
  else head.schedPrev = t;
  ks.readyHead[p] = t;
  t.inReadyQueue = true;
}

export function tcbSchedAppend(t: Tcb): void {
  if (t.inReadyQueue) return;
  const p = t.priority;
  const tail = ks.readyTail[p];
  t.schedNext = null;
  t.schedPrev = tail;
  if (tail === null) ks.readyHead[p] = t;
  else tail.schedNext = t;
  ks.readyTail[p] = t;
  t.inReadyQueue = true;
}

export function tcbSchedDequeue(t: Tcb): void {
  if (!t.inReadyQueue) return;
  const p = t.priority;
  if (t.schedPrev === null) ks.readyHead[p] = t.schedNext;
  else t.schedPrev.schedNext = t.schedNext;
  if (t.schedNext === null) ks.readyTail[p] = t.schedPrev;
  else t.schedNext.schedPrev = t.schedPrev;
  t.schedPrev = null;
  t.schedNext = null;
  t.inReadyQueue = false;
}

/** SCHED_ENQUEUE: only schedulable threads go on the ready queues. */
function schedEnqueue(t: Tcb): void {
  if (isSchedulable(t)) tcbSchedEnqueue(t);
}
function schedAppend(t: Tcb): void {
  if (isSchedulable(t)) tcbSchedAppend(t);
}

export function appendCurrentThread(): void {
  schedAppend(ks.curThread);
}

function highestReadyPrio(): number {
  for (let p = 255; p >= 0; p--) if (ks.readyHead[p] !== null) return p;
  return -1;
}

// --- thread state ---

export function setThreadState(t: Tcb, state: number): void {
  t.state = state;
  scheduleTCB(t);
}

function scheduleTCB(t: Tcb): void {
  if (t === ks.curThread && ks.schedulerAction === SchedulerAction_ResumeCurrentThread && !isSchedulable(t)) {
    ks.schedulerAction = SchedulerAction_ChooseNewThread;
  }
}

export function rescheduleRequired(): void {
  if (ks.schedulerAction === SchedulerAction_SwitchToThread && ks.switchTarget !== null) {
    schedEnqueue(ks.switchTarget);
  }
  ks.switchTarget = null;
  ks.schedulerAction = SchedulerAction_ChooseNewThread;
}

export function possibleSwitchTo(target: Tcb): void {
  if (target.sc === null || target.inReleaseQueue) return;
  if (ks.curDomain !== target.domain) {
    schedEnqueue(target);
  } else if (ks.schedulerAction !== SchedulerAction_ResumeCurrentThread) {
    rescheduleRequired();
    schedEnqueue(target);
  } else {
    ks.schedulerAction = SchedulerAction_SwitchToThread;
    ks.switchTarget = target;
  }
}

export function schedule(): void {
  awaken();
  if (ks.schedulerAction !== SchedulerAction_ResumeCurrentThread) {
    const cur = ks.curThread;
    const wasRunnable = isSchedulable(cur);
    if (wasRunnable) schedEnqueue(cur);
    if (ks.schedulerAction === SchedulerAction_ChooseNewThread) {
      chooseThread();
    } else {
      const candidate = ks.switchTarget as Tcb;
      const fastfail = cur === ks.idleThread || candidate.priority < cur.priority;
      if (fastfail && highestReadyPrio() > candidate.priority) {
        schedEnqueue(candidate);
        ks.schedulerAction = SchedulerAction_ChooseNewThread;
        chooseThread();
      } else if (wasRunnable && candidate.priority === cur.priority) {
        schedAppend(candidate);
        ks.schedulerAction = SchedulerAction_ChooseNewThread;
        chooseThread();
      } else {
        switchToThread(candidate);
      }
    }
  }
  ks.schedulerAction = SchedulerAction_ResumeCurrentThread;
  ks.switchTarget = null;
  switchSchedContext();
  if (ks.reprogram) {
    setNextInterrupt();
    ks.reprogram = false;
  }
}

function chooseThread(): void {
  const prio = highestReadyPrio();
  if (prio >= 0) switchToThread(ks.readyHead[prio] as Tcb);
  else ks.curThread = ks.idleThread;
}

function switchToThread(t: Tcb): void {
  tcbSchedDequeue(t);
  ks.curThread = t;
}

function switchSchedContext(): void {
  const cur = ks.curThread;
  const sc = cur === ks.idleThread ? ks.idleThread.sc : cur.sc;
  if (sc !== null && sc !== ks.curSC) {
    ks.reprogram = true;
    if (!refillReady(sc) || !refillSufficient(sc, 0)) ks.reprogram = true;
  }
  if (ks.reprogram) commitTime();
  if (sc !== null) ks.curSC = sc;
}

/** activateThread: a Restart thread resumes at its FaultIP (re-executing the trap). */
export function activateThread(): void {
  const t = ks.curThread;
  if (t.state === ThreadState_Restart) {
    t.regs[2 * NextIP] = t.regs[2 * FaultIP];
    t.regs[2 * NextIP + 1] = t.regs[2 * FaultIP + 1];
    setThreadState(t, ThreadState_Running);
  }
}

/** suspend (DEL-16). */
export function suspend(t: Tcb): void {
  cancelIPC(t);
  if (t.state === ThreadState_Running) {
    // updateRestartPC: a later resume continues after the syscall.
    t.regs[2 * FaultIP] = t.regs[2 * NextIP];
    t.regs[2 * FaultIP + 1] = t.regs[2 * NextIP + 1];
  }
  tcbSchedDequeue(t);
  releaseRemove(t);
  setThreadState(t, ThreadState_Inactive);
}

/** restart: a stopped thread re-executes from its FaultIP. */
export function restart(t: Tcb): void {
  if (isStopped(t)) {
    cancelIPC(t);
    setThreadState(t, ThreadState_Restart);
    if (isSchedulable(t)) possibleSwitchTo(t);
  }
}

export function releaseRemove(t: Tcb): void {
  if (!t.inReleaseQueue) return;
  let prev: Tcb | null = null;
  let cur = ks.releaseHead;
  while (cur !== null && cur !== t) {
    prev = cur;
    cur = cur.schedNext;
  }
  if (cur === t) {
    if (prev === null) ks.releaseHead = t.schedNext;
    else prev.schedNext = t.schedNext;
  }
  t.schedNext = null;
  t.inReleaseQueue = false;
  ks.reprogram = true;
}

export function isBlockedOnIPC(t: Tcb): boolean {
  return t.state === ThreadState_BlockedOnSend || t.state === ThreadState_BlockedOnReceive;
}

export const IDLE_STATE = ThreadState_IdleThreadState;
