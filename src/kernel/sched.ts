// MCS time accounting (seL4 include/kernel/thread.h, src/kernel/sporadic.c): timestamps, budget
// charging, refills and the release queue. Time is in timer ticks (10 MHz).
//
// Round-robin SCs (period 0) are complete here. Sporadic refill maintenance for SCs with
// budget < period is a simplified placeholder that keeps the refill list well formed; the full
// sporadic-server algorithm arrives with the MCS scheduling work.

import { MIN_BUDGET, MIN_REFILLS, TICKS_PER_US } from "../abi/index.ts";
import { ks } from "./state.ts";
import type { Refill, SchedContext, Tcb } from "./structures.ts";
import {
  appendCurrentThread,
  isSchedulable,
  possibleSwitchTo,
  rescheduleRequired,
  tcbSchedDequeue,
} from "./thread.ts";

export const KERNEL_WCET_TICKS = 10 * TICKS_PER_US;

export function isRoundRobin(sc: SchedContext): boolean {
  return sc.period === 0;
}

export function refillHead(sc: SchedContext): Refill {
  return sc.refills[sc.refillHead];
}

export function refillTail(sc: SchedContext): Refill {
  return sc.refills[sc.refillTail];
}

export function refillSize(sc: SchedContext): number {
  if (sc.refillMax === 0) return 0;
  return sc.refillHead <= sc.refillTail
    ? sc.refillTail - sc.refillHead + 1
    : sc.refillTail + 1 + (sc.refillMax - sc.refillHead);
}

function refillNext(sc: SchedContext, i: number): number {
  return i === sc.refillMax - 1 ? 0 : i + 1;
}

function refillAddTail(sc: SchedContext, rTime: number, rAmount: number): void {
  const t = refillNext(sc, sc.refillTail);
  sc.refillTail = t;
  sc.refills[t].rTime = rTime;
  sc.refills[t].rAmount = rAmount;
}

function refillPopHead(sc: SchedContext): void {
  sc.refillHead = refillNext(sc, sc.refillHead);
}

export function refillCapacity(sc: SchedContext, usage: number): number {
  const head = refillHead(sc).rAmount;
  return usage > head ? 0 : head - usage;
}

export function refillSufficient(sc: SchedContext, usage: number): boolean {
  return refillCapacity(sc, usage) >= MIN_BUDGET;
}

export function refillReady(sc: SchedContext): boolean {
  return refillHead(sc).rTime <= ks.curTime;
}

export function scActive(sc: SchedContext | null): boolean {
  return sc !== null && sc.refillMax > 0;
}

/** sc_released: configured and its head refill is available now. */
export function scReleased(sc: SchedContext): boolean {
  return scActive(sc) && refillReady(sc);
}

function refillSingle(sc: SchedContext): boolean {
  return sc.refillHead === sc.refillTail;
}

/** maybe_add_empty_tail: a round-robin SC tracks the time used in a second, empty refill. */
function maybeAddEmptyTail(sc: SchedContext): void {
  if (isRoundRobin(sc)) refillAddTail(sc, refillHead(sc).rTime, 0);
}

/** refill_new: a fresh refill list with the whole budget available now. */
export function refillNew(sc: SchedContext, maxRefills: number, budget: number, period: number): void {
  sc.period = period;
  sc.refillHead = 0;
  sc.refillTail = 0;
  sc.refillMax = maxRefills;
  sc.refills[0].rAmount = budget;
  sc.refills[0].rTime = ks.curTime;
  maybeAddEmptyTail(sc);
}

/**
 * refill_update: new parameters for an SC in use, preserving the sliding window: the head refill
 * is kept (moved to now if it is already released) and trimmed to the new budget, or the rest of
 * the new budget is scheduled one new period after it.
 */
export function refillUpdate(
  sc: SchedContext,
  newPeriod: number,
  newBudget: number,
  newMaxRefills: number,
): void {
  const head = refillHead(sc);
  const r0 = sc.refills[0];
  r0.rTime = head.rTime;
  r0.rAmount = head.rAmount;
  sc.refillHead = 0;
  sc.refillTail = 0;
  sc.refillMax = newMaxRefills;
  sc.period = newPeriod;
  if (refillReady(sc)) r0.rTime = ks.curTime;
  if (r0.rAmount >= newBudget) {
    r0.rAmount = newBudget;
    maybeAddEmptyTail(sc);
  } else {
    refillAddTail(sc, r0.rTime + newPeriod, newBudget - r0.rAmount);
  }
}

/**
 * refill_unblock_check (SCH-11): an SC that becomes usable again starts its released head now and
 * absorbs every following refill that the head would overlap.
 */
export function refillUnblockCheck(sc: SchedContext): void {
  if (isRoundRobin(sc)) return;
  if (refillReady(sc)) {
    refillHead(sc).rTime = ks.curTime;
    ks.reprogram = true;
    while (!refillSingle(sc)) {
      const head = refillHead(sc);
      const next = sc.refills[refillNext(sc, sc.refillHead)];
      if (next.rTime > head.rTime + head.rAmount) break;
      // merge_overlapping_head_refill
      const t = head.rTime;
      const a = head.rAmount;
      refillPopHead(sc);
      const h = refillHead(sc);
      h.rTime = t;
      h.rAmount += a;
    }
  }
}

/** Placeholder sporadic maintenance: move the used amount to a refill one period later. */
function refillBudgetCheck(sc: SchedContext, used: number): void {
  const head = refillHead(sc);
  const amount = Math.min(used, head.rAmount);
  head.rAmount -= amount;
  const release = head.rTime + sc.period;
  if (refillSize(sc) < sc.refillMax) refillAddTail(sc, release, amount);
  else refillTail(sc).rAmount += amount;
  if (head.rAmount < MIN_BUDGET && refillSize(sc) > 1) {
    const leftover = head.rAmount;
    refillPopHead(sc);
    refillHead(sc).rAmount += leftover;
  }
}

/** updateTimestamp: account the time since the last kernel entry to the current SC. */
export function updateTimestamp(): void {
  const now = ks.machine.clock.now;
  ks.consumed += now - ks.curTime;
  ks.curTime = now;
}

/** commitTime: charge ksConsumed to the current SC without ending its timeslice. */
export function commitTime(): void {
  const sc = ks.curSC;
  if (scActive(sc) && sc !== ks.idleThread.sc) {
    if (ks.consumed > 0) {
      if (isRoundRobin(sc)) {
        refillHead(sc).rAmount -= ks.consumed;
        refillTail(sc).rAmount += ks.consumed;
      } else {
        refillBudgetCheck(sc, ks.consumed);
      }
    }
    sc.consumed += ks.consumed;
  }
  ks.consumed = 0;
}

/** chargeBudget: the current SC's timeslice is over. */
export function chargeBudget(consumed: number, canTimeoutFault: boolean): void {
  const sc = ks.curSC;
  if (sc !== ks.idleThread.sc) {
    if (isRoundRobin(sc)) {
      const head = refillHead(sc);
      const tail = refillTail(sc);
      head.rAmount += tail.rAmount;
      tail.rAmount = 0;
    } else {
      refillBudgetCheck(sc, consumed);
    }
    sc.consumed += consumed;
  }
  ks.consumed = 0;
  if (isSchedulable(ks.curThread)) {
    endTimeslice(canTimeoutFault);
    rescheduleRequired();
    ks.reprogram = true;
  }
}

function endTimeslice(_canTimeoutFault: boolean): void {
  const sc = ks.curSC;
  // Timeout faults to a timeout handler come with the MCS fault work; until then the thread
  // simply waits for its next refill as a thread without a handler does.
  if (refillReady(sc) && refillSufficient(sc, 0)) appendCurrentThread();
  else postpone(sc);
}

/** checkBudget: true if the current SC can keep running this kernel entry. */
export function checkBudget(): boolean {
  if (refillSufficient(ks.curSC, ks.consumed)) return true;
  chargeBudget(ks.consumed, true);
  return false;
}

export function postpone(sc: SchedContext): void {
  const t = sc.tcb;
  if (t === null) return;
  tcbSchedDequeue(t);
  releaseEnqueue(t);
  ks.reprogram = true;
}

function releaseEnqueue(t: Tcb): void {
  const time = refillHead(t.sc as SchedContext).rTime;
  let prev: Tcb | null = null;
  let cur = ks.releaseHead;
  while (cur !== null && refillHead(cur.sc as SchedContext).rTime <= time) {
    prev = cur;
    cur = cur.schedNext;
  }
  t.schedNext = cur;
  if (prev === null) ks.releaseHead = t;
  else prev.schedNext = t;
  t.inReleaseQueue = true;
}

/** awaken: move threads whose refill is now due from the release queue to the ready queues. */
export function awaken(): void {
  while (ks.releaseHead !== null && refillReady(ks.releaseHead.sc as SchedContext)) {
    const t = ks.releaseHead;
    ks.releaseHead = t.schedNext;
    t.schedNext = null;
    t.inReleaseQueue = false;
    ks.reprogram = true;
    possibleSwitchTo(t);
  }
}

/** setNextInterrupt: program the timer for the end of the current budget or the next release. */
export function setNextInterrupt(): void {
  const cur = ks.curThread;
  let next = Infinity;
  if (cur !== ks.idleThread && cur.sc !== null && scActive(cur.sc)) {
    next = ks.curTime + refillHead(cur.sc).rAmount;
  }
  const rq = ks.releaseHead;
  if (rq !== null) next = Math.min(next, refillHead(rq.sc as SchedContext).rTime);
  if (next === Infinity) ks.machine.timer.clear();
  else ks.machine.timer.setDeadline(next);
}

export { MIN_REFILLS };
