// Threads and the scheduler (seL4 src/kernel/thread.c, MCS variant): thread states, ready queues
// with seL4's prepend/append sites, schedule/chooseThread/switchToThread, possibleSwitchTo and
// rescheduleRequired. Kept as seL4 has them because their order is observable (DESIGN.md).

import { checkDomainTime, nextDomainIfExpired } from "./object/domain.ts";
import {
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_IdleThreadState,
  ThreadState_Inactive,
  ThreadState_Restart,
  ThreadState_Running,
} from "../abi/index.ts";
import { FaultIP, NextIP } from "../abi/registers.ts";
import { awaken, commitTime, refillUnblockCheck, setNextInterrupt } from "./sched.ts";
import { cancelIPC, reorderQueued } from "./ipc.ts";
import { doMaskReschedule, remoteQueueUpdate } from "./smp.ts";
import {
  schedContextCancelYieldTo,
  schedContextCompleteYieldTo,
  schedContextResume,
} from "./schedcontext.ts";
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

/** isStopped: Inactive or blocked (the idle thread is neither). */
export function isStopped(t: Tcb): boolean {
  return t.state === ThreadState_Inactive || isBlocked(t);
}

/** isBlocked: waiting in a send, receive, reply or notification wait. */
export function isBlocked(t: Tcb): boolean {
  const s = t.state;
  return (
    s === ThreadState_BlockedOnReceive ||
    s === ThreadState_BlockedOnSend ||
    s === ThreadState_BlockedOnNotification ||
    s === ThreadState_BlockedOnReply
  );
}

// --- ready queues: one per (domain, priority), with a bitmap of the non-empty ones ---

function markReady(q: number): void {
  ks.readyBitmap[q >>> 5] |= 1 << (q & 31);
  ks.readyL1Bitmap[q >>> 8] |= 1 << ((q >>> 5) & 7);
}

/**
 * Runs `f(t)` with `t`'s core loaded: the queues of a thread live on its affinity core
 * (NODE_STATE_ON_CORE(ksReadyQueues, tcb->tcbAffinity)). Only ever taken with several cores.
 */
export function onCoreOf(t: Tcb, f: (t: Tcb) => void): void {
  const c = ks.core;
  ks.loadCore(t.affinity);
  f(t);
  ks.loadCore(c);
}

export function tcbSchedEnqueue(t: Tcb): void {
  if (t.inReadyQueue) return;
  if (t.affinity !== ks.core) return onCoreOf(t, tcbSchedEnqueue);
  const q = (t.domain << 8) | t.priority;
  const head = ks.readyHead[q];
  t.schedPrev = null;
  t.schedNext = head;
  if (head === null) {
    ks.readyTail[q] = t;
    markReady(q);
  } else head.schedPrev = t;
  ks.readyHead[q] = t;
  t.inReadyQueue = true;
}

export function tcbSchedAppend(t: Tcb): void {
  if (t.inReadyQueue) return;
  if (t.affinity !== ks.core) return onCoreOf(t, tcbSchedAppend);
  const q = (t.domain << 8) | t.priority;
  const tail = ks.readyTail[q];
  t.schedNext = null;
  t.schedPrev = tail;
  if (tail === null) {
    ks.readyHead[q] = t;
    markReady(q);
  } else tail.schedNext = t;
  ks.readyTail[q] = t;
  t.inReadyQueue = true;
}

export function tcbSchedDequeue(t: Tcb): void {
  if (!t.inReadyQueue) return;
  if (t.affinity !== ks.core) return onCoreOf(t, tcbSchedDequeue);
  const q = (t.domain << 8) | t.priority;
  if (t.schedPrev === null) ks.readyHead[q] = t.schedNext;
  else t.schedPrev.schedNext = t.schedNext;
  if (t.schedNext === null) ks.readyTail[q] = t.schedPrev;
  else t.schedNext.schedPrev = t.schedPrev;
  if (ks.readyHead[q] === null) {
    const bm = ks.readyBitmap;
    if ((bm[q >>> 5] &= ~(1 << (q & 31))) === 0) ks.readyL1Bitmap[q >>> 8] &= ~(1 << ((q >>> 5) & 7));
  }
  t.schedPrev = null;
  t.schedNext = null;
  t.inReadyQueue = false;
}

/** getHighestPrio: the highest priority with a ready thread in the current domain, or -1. */
export function highestReadyPrio(): number {
  const d = ks.curDomain;
  const l1 = ks.readyL1Bitmap[d];
  if (l1 === 0) return -1;
  const w = 31 - Math.clz32(l1);
  return (w << 5) | (31 - Math.clz32(ks.readyBitmap[(d << 3) + w]));
}

/** isHighestPrio: no thread of the current domain with a higher priority than `prio` is ready. */
export function isHighestPrio(prio: number): boolean {
  return highestReadyPrio() <= prio;
}

/**
 * SCHED_ENQUEUE: seL4 asserts that the thread is schedulable; here an unschedulable thread is
 * simply left out, so that the ready queues only ever hold schedulable threads.
 */
export function schedEnqueue(t: Tcb): void {
  if (isSchedulable(t)) {
    tcbSchedEnqueue(t);
    if (t.affinity !== ks.core) remoteQueueUpdate(t);
  }
}
function schedAppend(t: Tcb): void {
  if (isSchedulable(t)) {
    tcbSchedAppend(t);
    if (t.affinity !== ks.core) remoteQueueUpdate(t);
  }
}

export function appendCurrentThread(): void {
  schedAppend(ks.curThread);
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
  if (ks.curDomain !== target.domain || target.affinity !== ks.core) {
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
  checkDomainTime();
  if (ks.schedulerAction !== SchedulerAction_ResumeCurrentThread) {
    const cur = ks.curThread;
    const wasRunnable = isSchedulable(cur);
    // SCHED_ENQUEUE_CURRENT_TCB: onto its own core's queue, without a reschedule IPI.
    if (wasRunnable) tcbSchedEnqueue(cur);
    if (ks.schedulerAction === SchedulerAction_ChooseNewThread) {
      chooseThread();
    } else {
      const candidate = ks.switchTarget as Tcb;
      // seL4 asserts the candidate is schedulable; a kernel bug otherwise, so choose afresh.
      if (!isSchedulable(candidate)) {
        ks.schedulerAction = SchedulerAction_ChooseNewThread;
        chooseThread();
        return finishSchedule();
      }
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
  finishSchedule();
}

function finishSchedule(): void {
  ks.schedulerAction = SchedulerAction_ResumeCurrentThread;
  ks.switchTarget = null;
  if (ks.ipiReschedulePending !== 0) doMaskReschedule();
  switchSchedContext();
  if (ks.reprogram) {
    setNextInterrupt();
    ks.reprogram = false;
  }
}

function chooseThread(): void {
  // scheduleChooseNewThread: an expired domain moves the schedule on first.
  nextDomainIfExpired();
  const prio = highestReadyPrio();
  if (prio >= 0) switchToThread(ks.readyHead[(ks.curDomain << 8) | prio] as Tcb);
  else ks.curThread = ks.idleThread;
}

function switchToThread(t: Tcb): void {
  tcbSchedDequeue(t);
  ks.curThread = t;
}

/** switchSchedContext: a different SC starts running (constant-bandwidth SCs get the unblock check). */
function switchSchedContext(): void {
  const sc = ks.curThread.sc;
  if (sc !== null && sc !== ks.curSC) {
    ks.reprogram = true;
    if (!sc.sporadic) refillUnblockCheck(sc);
  }
  if (ks.reprogram) commitTime();
  if (sc !== null) ks.curSC = sc;
}

/**
 * activateThread: finish a pending YieldTo (its reply is written now), then a Restart thread
 * resumes at its FaultIP, re-executing the trap.
 */
export function activateThread(): void {
  const t = ks.curThread;
  if (t.yieldTo !== null) schedContextCompleteYieldTo(t);
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
  schedContextCancelYieldTo(t);
  setThreadState(t, ThreadState_Inactive);
}

/**
 * restart (TH-4): a stopped thread has its IPC cancelled and re-executes from its FaultIP; an SC
 * without budget sends it to the release queue, else it may preempt the caller.
 */
export function restart(t: Tcb): void {
  if (isStopped(t)) {
    cancelIPC(t);
    setThreadState(t, ThreadState_Restart);
    const sc = t.sc;
    if (sc !== null && sc.sporadic && sc !== ks.curSC) refillUnblockCheck(sc);
    schedContextResume(sc);
    if (isSchedulable(t)) possibleSwitchTo(t);
  }
}

/** tcbReleaseRemove: the timer needs reprogramming only if the head left. */
export function releaseRemove(t: Tcb): void {
  if (!t.inReleaseQueue) return;
  if (t.affinity !== ks.core) return onCoreOf(t, releaseRemove);
  let prev: Tcb | null = null;
  let cur = ks.releaseHead;
  while (cur !== null && cur !== t) {
    prev = cur;
    cur = cur.schedNext;
  }
  if (cur === t) {
    if (prev === null) {
      ks.releaseHead = t.schedNext;
      ks.reprogram = true;
    } else {
      prev.schedNext = t.schedNext;
    }
  }
  t.schedNext = null;
  t.inReleaseQueue = false;
}

export function setMCPriority(t: Tcb, mcp: number): void {
  t.mcp = mcp;
}

/**
 * setPriority (MCS, SCH-6): a runnable thread that is queued or current moves to the head of its
 * new queue and the scheduler runs; a thread queued on an endpoint or notification is put back in
 * its place in that queue (IPC-43); any other thread just takes the new value.
 */
export function setPriority(t: Tcb, prio: number): void {
  switch (t.state) {
    case ThreadState_Running:
    case ThreadState_Restart:
      if (t.inReadyQueue || t === ks.curThread) {
        tcbSchedDequeue(t);
        t.priority = prio;
        schedEnqueue(t);
        rescheduleRequired();
      } else {
        t.priority = prio;
      }
      return;
    case ThreadState_BlockedOnReceive:
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnNotification:
      t.priority = prio;
      reorderQueued(t);
      return;
    default:
      t.priority = prio;
  }
}

export function isBlockedOnIPC(t: Tcb): boolean {
  return t.state === ThreadState_BlockedOnSend || t.state === ThreadState_BlockedOnReceive;
}

export const IDLE_STATE = ThreadState_IdleThreadState;
