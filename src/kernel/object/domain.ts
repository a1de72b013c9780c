// The domain cap (seL4 src/object/domain.c) and the domain schedule it configures (ksDomSchedule,
// ksDomScheduleStart, ksDomScheduleIdx, ksDomainTime), with the schedule step of
// src/kernel/thread.c nextDomain (SCH-27..SCH-31).
//
// The number of domains and of schedule entries are build options (KernelConfig); seL4's defaults
// are one domain and two entries (one usable entry plus the end marker that always stays last),
// and 100 entries with more domains. A schedule entry is a domain and a
// duration in timer ticks below 2^56 (seL4 packs them as (domain << 56) | duration); the all-zero
// entry is an end marker. With one domain the domain time never runs down on its own
// (isCurDomainExpired needs numDomains > 1); only ScheduleSetStart zeroes it, so that the next
// choice of a new thread steps the schedule (back to the start entry) and reprograms the timer.

import {
  cap_thread_cap,
  DomainScheduleConfigure,
  DomainScheduleSetStart,
  DomainSetSet,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_RangeError,
  seL4_TruncatedMessage,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  type KernelState,
  ks,
  setRangeError,
  type Exception,
} from "../state.ts";
import type { Cte, Tcb } from "../structures.ts";
import {
  isSchedulable,
  rescheduleRequired,
  setThreadState,
  tcbSchedDequeue,
  tcbSchedEnqueue,
} from "../thread.ts";
import * as UE from "../usererror.ts";
import { userError, wordArg } from "../usererror.ts";

/** DSCHED_MAX_DURATION = 2^56 - 1, as (hi, lo) halves. */
const MAX_DURATION_HI = 0x00ff_ffff;
const MAX_DURATION_LO = 0xffff_ffff;

/** The domain schedule and position of one kernel. Durations are exact (hi, lo) words. */
export class DomainSchedule {
  readonly domain: Uint8Array;
  readonly durationHi: Uint32Array;
  readonly durationLo: Uint32Array;
  /** ksDomScheduleStart, ksDomScheduleIdx. */
  start = 0;
  idx = 0;
  /** ksDomainTime as (hi, lo). */
  timeHi = MAX_DURATION_HI;
  timeLo = MAX_DURATION_LO;

  /** Boot state: entry 0 is (domain 0, maximal duration), the rest end markers. */
  constructor(readonly length: number) {
    this.domain = new Uint8Array(length);
    this.durationHi = new Uint32Array(length);
    this.durationLo = new Uint32Array(length);
    this.durationHi[0] = MAX_DURATION_HI;
    this.durationLo[0] = MAX_DURATION_LO;
  }

  isEndMarker(i: number): boolean {
    return this.domain[i] === 0 && this.durationHi[i] === 0 && this.durationLo[i] === 0;
  }

  /** ksDomainTime as a number (exact below 2^53; the boot value reads as 2^56). */
  get time(): number {
    return this.timeHi * 2 ** 32 + this.timeLo;
  }
}

/** The domain schedule of `state` (created in its boot state on first use). */
export function domainSchedule(state: KernelState = ks): DomainSchedule {
  return (state.domSchedule ??= new DomainSchedule(state.numDomainSchedules));
}

/**
 * The domain step of seL4's scheduleChooseNewThread: when the domain time is used up, move to the
 * next schedule entry (nextDomain). schedule() must call this right before each chooseThread().
 */
export function nextDomainIfExpired(): void {
  const d = domainSchedule();
  if (d.timeHi === 0 && d.timeLo === 0) nextDomain(d);
}

/** ksDomainTime in ticks (exact below 2^53). */
export function domainTime(): number {
  return domainSchedule().time;
}

/** isCurDomainExpired: with more than one domain, the current domain's time is used up. */
export function isCurDomainExpired(): boolean {
  if (ks.numDomains === 1) return false;
  const d = domainSchedule();
  return d.timeHi === 0 && d.timeLo === 0;
}

/**
 * The domain part of updateTimestamp: `consumed` ticks have passed. A domain with no more than
 * MIN_BUDGET left after that is over, since it could not run anything useful.
 */
export function domainTimeConsumed(consumed: number, minBudget: number): void {
  const d = domainSchedule();
  const left = d.time;
  const rest = consumed + minBudget >= left ? 0 : left - consumed;
  d.timeHi = Math.floor(rest / 2 ** 32) >>> 0;
  d.timeLo = rest >>> 0;
}

/** checkDomainTime: an expired domain forces a reschedule and a new timer deadline. */
export function checkDomainTime(): void {
  if (isCurDomainExpired()) {
    ks.reprogram = true;
    rescheduleRequired();
  }
}

/** nextDomain: the next entry (wrapping to the start at an end marker) becomes current. */
function nextDomain(d: DomainSchedule): void {
  d.idx++;
  if (d.idx >= d.length || d.isEndMarker(d.idx)) d.idx = d.start;
  ks.reprogram = true;
  ks.workUnitsCompleted = 0;
  ks.curDomain = d.domain[d.idx];
  d.timeHi = d.durationHi[d.idx];
  d.timeLo = d.durationLo[d.idx];
}

/** A syscall error of `type`, reported as user error `site`. */

function error(type: number, site: number = UE.UE_NONE): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidArgument(n: number, site: number): Exception {
  current_syscall_error.invalidArgumentNumber = n;
  return error(seL4_InvalidArgument, site);
}

function rangeError(min: number, max: number, site: number): Exception {
  setRangeError(min, max);
  return error(seL4_RangeError, site);
}

export function decodeDomainInvocation(
  label: number,
  length: number,
  _cap: Cte,
  _slot: Cte,
  _call: boolean,
): Exception {
  switch (label) {
    case DomainSetSet:
      return decodeDomainSetSet(length);
    case DomainScheduleConfigure:
      return decodeDomainScheduleConfigure(length);
    case DomainScheduleSetStart:
      return decodeDomainScheduleSetStart(length);
    default:
      return error(seL4_IllegalOperation);
  }
}

/** SCH-28 DomainSet_Set(domain; TCB). */
function decodeDomainSetSet(length: number): Exception {
  if (length === 0) return error(seL4_TruncatedMessage, UE.UE_domain_30);
  const domain = argNum(0);
  if (domain >= ks.numDomains) {
    userError(UE.UE_domain_36, wordArg(argHi(0), argLo(0)), ks.numDomains);
    return invalidArgument(0, UE.UE_NONE);
  }
  const tcap = current_extra_caps.slots[0];
  if (tcap === null) return error(seL4_TruncatedMessage, UE.UE_domain_45);
  if (tcap.type !== cap_thread_cap) return invalidArgument(1, UE.UE_domain_52);
  setThreadState(inv.thread, ThreadState_Restart);
  setDomain(tcap.obj as Tcb, domain);
  return EXCEPTION_NONE;
}

/** setDomain: the thread leaves its ready queue and, if schedulable, re-enters it at the head. */
function setDomain(t: Tcb, dom: number): void {
  tcbSchedDequeue(t);
  t.domain = dom;
  if (isSchedulable(t)) tcbSchedEnqueue(t);
  if (t === ks.curThread) rescheduleRequired();
}

/** SCH-29 DomainSet_ScheduleConfigure(index, domain, duration). */
function decodeDomainScheduleConfigure(length: number): Exception {
  if (length < 3) return error(seL4_TruncatedMessage, UE.UE_domain_74);
  const index = argNum(0);
  const domain = argNum(1);
  const durHi = argHi(2);
  const durLo = argLo(2);
  const d = domainSchedule();
  if (index >= d.length - 1) return rangeError(0, d.length - 2, UE.UE_domain_84);
  if (domain >= ks.numDomains) return rangeError(0, ks.numDomains - 1, UE.UE_domain_91);
  if (durHi > MAX_DURATION_HI) return invalidArgument(2, UE.UE_domain_98);
  const zero = durHi === 0 && durLo === 0;
  if (zero && domain !== 0) return invalidArgument(1, UE.UE_domain_104);
  if (index === d.start && zero) return invalidArgument(2, UE.UE_domain_110);
  setThreadState(inv.thread, ThreadState_Restart);
  d.domain[index] = domain;
  d.durationHi[index] = durHi;
  d.durationLo[index] = durLo;
  return EXCEPTION_NONE;
}

/** SCH-30 DomainSet_ScheduleSetStart(index). */
function decodeDomainScheduleSetStart(length: number): Exception {
  if (length < 1) return error(seL4_TruncatedMessage, UE.UE_domain_135);
  const index = argNum(0);
  const d = domainSchedule();
  if (index >= d.length) return rangeError(0, d.length - 1, UE.UE_domain_142);
  if (d.isEndMarker(index)) return invalidArgument(0, UE.UE_domain_149);
  setThreadState(inv.thread, ThreadState_Restart);
  // End the current domain's time now: the next choice of thread restarts the schedule at `index`.
  d.start = index;
  d.timeHi = 0;
  d.timeLo = 0;
  d.idx = d.length - 2;
  rescheduleRequired();
  return EXCEPTION_NONE;
}
