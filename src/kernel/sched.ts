// MCS time accounting (seL4 include/kernel/thread.h, src/kernel/sporadic.c): timestamps, budget
// charging, refills and the release queue. Time is in timer ticks (10 MHz).
//
// Round-robin SCs (period 0) keep two refills (available, used). Other SCs follow seL4's sporadic
// refill algorithm (sporadic.c): charge with split/merge, unblock check, MIN_BUDGET heads. Whether
// the unblock check runs on wake-up (sporadic flag) or on every switch to the SC (constant
// bandwidth) is decided by the callers, as in seL4.

import {
  cap_endpoint_cap,
  MIN_BUDGET,
  MIN_REFILLS,
  seL4_Fault_Timeout,
  tcbTimeoutHandler,
  TICKS_PER_US,
} from "../abi/index.ts";
import { SC_CHARGE, SC_EXHAUSTED, SC_RELEASED, SC_THROTTLED } from "./events.ts";
import { handleTimeout } from "./faults.ts";
import { domainTime, domainTimeConsumed, isCurDomainExpired } from "./object/domain.ts";
import { current_fault, ks } from "./state.ts";
import type { Refill, SchedContext, Tcb } from "./structures.ts";
import {
  onCoreOf,
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

/** refill_full: every slot of the circular buffer is in use. */
function refillFull(sc: SchedContext): boolean {
  return refillSize(sc) === sc.refillMax;
}

/** refill_head_overlapping: the next refill starts no later than the head ends. */
function refillHeadOverlapping(sc: SchedContext): boolean {
  if (refillSingle(sc)) return false;
  const head = refillHead(sc);
  return sc.refills[refillNext(sc, sc.refillHead)].rTime <= head.rTime + head.rAmount;
}

/** merge_overlapping_head_refill: the head's amount joins the next refill, which starts at the head's time. */
function mergeOverlappingHeadRefill(sc: SchedContext): void {
  const t = refillHead(sc).rTime;
  const a = refillHead(sc).rAmount;
  refillPopHead(sc);
  const h = refillHead(sc);
  h.rTime = t;
  h.rAmount += a;
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
    while (refillHeadOverlapping(sc)) mergeOverlappingHeadRefill(sc);
  }
}

/**
 * schedule_used: a used amount comes back as a refill at `rTime`. It merges into a tail it would
 * touch or overlap; else it is added as the new tail; with a full list the tail is delayed so that
 * it ends where the new refill would, and absorbs it.
 */
function scheduleUsed(sc: SchedContext, rTime: number, rAmount: number): void {
  const tail = refillTail(sc);
  if (tail.rTime + tail.rAmount >= rTime) {
    tail.rAmount += rAmount;
  } else if (!refillFull(sc)) {
    refillAddTail(sc, rTime, rAmount);
  } else {
    tail.rTime = rTime - tail.rAmount;
    tail.rAmount += rAmount;
  }
}

/**
 * MAX_RELEASE_TIME = UINT64_MAX - 5 * MAX_PERIOD_TICKS (MAX_PERIOD_US = UINT64_MAX / 10 / 8): refills
 * are never scheduled beyond it. Simulated time never gets near it; kept for the algorithm's shape.
 */
const MAX_RELEASE_TIME = 2 ** 64 - 5 * (2 ** 64 / 8);

/** head_refill_overrun: the usage covers the whole head refill. */
function headRefillOverrun(sc: SchedContext, usage: number): boolean {
  const head = refillHead(sc);
  return head.rAmount <= usage && head.rTime < MAX_RELEASE_TIME;
}

/** charge_entire_head_refill: the whole head comes back one period after its release. */
function chargeEntireHeadRefill(sc: SchedContext, usage: number): number {
  const head = refillHead(sc);
  const amount = head.rAmount;
  if (refillSingle(sc)) {
    head.rTime += sc.period;
  } else {
    const t = head.rTime;
    refillPopHead(sc);
    scheduleUsed(sc, t + sc.period, amount);
  }
  return usage - amount;
}

/** merge_nonoverlapping_head_refill: a too-small head joins the next refill, moved earlier by its amount. */
function mergeNonoverlappingHeadRefill(sc: SchedContext): void {
  const a = refillHead(sc).rAmount;
  refillPopHead(sc);
  const h = refillHead(sc);
  h.rAmount += a;
  h.rTime -= a;
}

/**
 * refill_budget_check (SCH-10): charge `usage` ticks to the current sporadic SC. Whole head
 * refills it covers come back a period after their release (handle_overrun); a partial usage is
 * split off the head and scheduled a period after the head's time, the head moving forward by it;
 * finally a head below MIN_BUDGET is merged into the next refill. The total stays the budget.
 */
export function refillBudgetCheck(usage: number): void {
  const sc = ks.curSC;
  while (headRefillOverrun(sc, usage)) usage = chargeEntireHeadRefill(sc, usage);
  const head = refillHead(sc);
  if (usage > 0 && head.rTime < MAX_RELEASE_TIME) {
    const usedTime = head.rTime + sc.period;
    head.rAmount -= usage;
    head.rTime += usage;
    scheduleUsed(sc, usedTime, usage);
  }
  while (refillHead(sc).rAmount < MIN_BUDGET && !refillSingle(sc)) mergeNonoverlappingHeadRefill(sc);
}

/** updateTimestamp: account the time since the last kernel entry to the current SC. */
export function updateTimestamp(): void {
  const now = ks.machine.clock.now;
  const consumed = now - ks.curTime;
  ks.curTime = now;
  ks.consumed += consumed;
  if (ks.numDomains > 1) domainTimeConsumed(consumed, MIN_BUDGET);
}

/** commitTime: charge ksConsumed to the current SC without ending its timeslice. */
export function commitTime(): void {
  const sc = ks.curSC;
  if (scActive(sc) && sc !== ks.idleThread.sc) {
    if (ks.consumed > 0) {
      if (isRoundRobin(sc)) {
        // Round robin: the head is being used, the tail holds what has been used.
        refillHead(sc).rAmount -= ks.consumed;
        refillTail(sc).rAmount += ks.consumed;
      } else {
        refillBudgetCheck(ks.consumed);
      }
    }
    sc.consumed += ks.consumed;
    if (ks.trace !== null && ks.consumed > 0) ks.trace.sched(SC_CHARGE, sc, ks.consumed);
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
      refillBudgetCheck(consumed);
    }
    sc.consumed += consumed;
    if (ks.trace !== null) ks.trace.sched(SC_EXHAUSTED, sc, consumed);
  }
  ks.consumed = 0;
  if (isSchedulable(ks.curThread)) {
    endTimeslice(canTimeoutFault);
    rescheduleRequired();
    ks.reprogram = true;
  }
}

/** validTimeoutHandler: the thread's timeout-handler slot (TCB slot 4) holds an endpoint cap. */
export function validTimeoutHandler(t: Tcb): boolean {
  return t.cte[tcbTimeoutHandler].type === cap_endpoint_cap;
}

/**
 * endTimeslice (SCH-12, FLT-9): a sporadic SC whose thread has a timeout handler raises a Timeout
 * fault carrying the SC's badge (when allowed: not from Yield or a preemption point); otherwise
 * the thread goes to the tail of its ready queue if its next refill is usable now, else to the
 * release queue.
 */
export function endTimeslice(canTimeoutFault: boolean): void {
  const sc = ks.curSC;
  const t = ks.curThread;
  if (canTimeoutFault && !isRoundRobin(sc) && validTimeoutHandler(t)) {
    current_fault.type = seL4_Fault_Timeout;
    current_fault.w0Hi = sc.badgeHi;
    current_fault.w0Lo = sc.badgeLo;
    current_fault.w1 = 0;
    current_fault.w2 = 0;
    handleTimeout(t);
  } else if (refillReady(sc) && refillSufficient(sc, 0)) {
    appendCurrentThread();
  } else {
    postpone(sc);
  }
}

/** checkBudget: true if the current SC can keep running this kernel entry. */
export function checkBudget(): boolean {
  if (refillSufficient(ks.curSC, ks.consumed)) return !isCurDomainExpired();
  chargeBudget(ks.consumed, true);
  return false;
}

export function postpone(sc: SchedContext): void {
  const t = sc.tcb;
  if (t === null) return;
  // The release queue and ksReprogram are those of the thread's core.
  if (t.affinity !== ks.core) return onCoreOf(t, postponeThread);
  postponeThread(t);
}

function postponeThread(t: Tcb): void {
  const sc = t.sc as SchedContext;
  tcbSchedDequeue(t);
  releaseEnqueue(t);
  if (ks.trace !== null) ks.trace.sched(SC_THROTTLED, sc, 0);
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
    if (ks.trace !== null) ks.trace.sched(SC_RELEASED, t.sc as SchedContext, 0);
    possibleSwitchTo(t);
  }
}

/** getTimerPrecision: 1 µs; the timer is programmed this much early, as seL4 does on RISC-V. */
export const TIMER_PRECISION_TICKS = TICKS_PER_US;

/**
 * setNextInterrupt (SCH-13): the timer fires at the earliest of the end of the current thread's
 * head refill, the end of the domain (with more than one domain) and the first release, less the
 * timer precision. A deadline already past makes the interrupt fire right after the kernel exits.
 */
export function setNextInterrupt(): void {
  const sc = ks.curThread.sc;
  let next = Infinity;
  // The idle thread's SC is never configured here (seL4 gives it the boot time slice), so an idle
  // system waits for the next release only, without a periodic idle tick.
  if (sc !== null && scActive(sc)) next = ks.curTime + refillHead(sc).rAmount;
  if (ks.numDomains > 1) next = Math.min(next, ks.curTime + domainTime());
  const rq = ks.releaseHead;
  if (rq !== null) next = Math.min(next, refillHead(rq.sc as SchedContext).rTime);
  if (next === Infinity) ks.machine.timer.clear();
  else ks.machine.timer.setDeadline(next - TIMER_PRECISION_TICKS);
}

export { MIN_REFILLS };

/** refill_sum: the total of the refill list (the budget, for a configured SC). */
export function refillSum(sc: SchedContext): number {
  let sum = refillHead(sc).rAmount;
  for (let i = sc.refillHead; i !== sc.refillTail;) {
    i = refillNext(sc, i);
    sum += sc.refills[i].rAmount;
  }
  return sum;
}

/**
 * refill_ordered and the other list invariants (for checkers and tests): indices in range; a
 * sporadic list has a head of at least MIN_BUDGET and each refill ending no later than the next
 * one starts; a round-robin list has exactly two refills. Null when well formed.
 */
export function refillListProblem(sc: SchedContext): string | null {
  if (sc.refillMax === 0) return null;
  if (sc.refillHead >= sc.refillMax || sc.refillTail >= sc.refillMax) return "refill index out of range";
  if (isRoundRobin(sc)) return refillSize(sc) === MIN_REFILLS ? null : "round-robin SC without two refills";
  if (refillHead(sc).rAmount < MIN_BUDGET) return "head refill below MIN_BUDGET";
  let i = sc.refillHead;
  for (;;) {
    const r = sc.refills[i];
    if (i === sc.refillTail) return null;
    const n = refillNext(sc, i);
    if (r.rTime + r.rAmount > sc.refills[n].rTime) return `refill ${i} overlaps the next`;
    i = n;
  }
}
