// SchedControl invocations (seL4 src/object/schedcontrol.c): ConfigureFlags sets an SC's budget,
// period, refill count, badge and sporadic flag (SCH-16..SCH-18).
//
// Times arrive in µs as 64-bit words. Checks compare the exact words; ticks are µs × 10 as
// doubles (exact below 2^53 ticks, 28 years of simulated time).

import {
  cap_sched_context_cap,
  MAX_PERIOD_US,
  MIN_BUDGET_US,
  MIN_REFILLS,
  SchedControlConfigureFlags,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_RangeError,
  seL4_TruncatedMessage,
  ThreadState_Restart,
  TICKS_PER_US,
} from "../../abi/index.ts";
import { migrateTCB, remoteTCBStall } from "../smp.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import { commitTime, refillNew, refillUpdate, scActive } from "../sched.ts";
import { schedContextResume } from "../schedcontext.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import type { Cte, SchedContext } from "../structures.ts";
import {
  isRunnable,
  possibleSwitchTo,
  releaseRemove,
  rescheduleRequired,
  schedEnqueue,
  setThreadState,
  tcbSchedDequeue,
} from "../thread.ts";
import * as UE from "../usererror.ts";
import { userError, wordArg } from "../usererror.ts";

/** seL4_SchedContext_Sporadic (ABI sheet: SchedControl_ConfigureFlags flags bit 0). */
const seL4_SchedContext_Sporadic = 1;

const MAX_PERIOD_HI = Number(BigInt(MAX_PERIOD_US) >> 32n);
const MAX_PERIOD_LO = Number(BigInt(MAX_PERIOD_US) & 0xffffffffn);

/** A RangeError with exact 64-bit bounds (current_syscall_error.rangeErrorMin/Max). */
function rangeError(minHi: number, minLo: number, maxHi: number, maxLo: number): Exception {
  const e = current_syscall_error;
  e.type = seL4_RangeError;
  e.rangeErrorMinHi = minHi;
  e.rangeErrorMinLo = minLo;
  e.rangeErrorMaxHi = maxHi;
  e.rangeErrorMaxLo = maxLo;
  return EXCEPTION_SYSCALL_ERROR;
}

/** (aHi, aLo) > (bHi, bLo) as unsigned 64-bit words. */
function wordGreater(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi > bHi || (aHi === bHi && aLo > bLo);
}

export function decodeSchedControlInvocation(
  label: number,
  length: number,
  cap: Cte,
  _slot: Cte,
  _call: boolean,
): Exception {
  if (label !== SchedControlConfigureFlags) {
    userError(UE.UE_schedcontrol_182);
    current_syscall_error.type = seL4_IllegalOperation;
    return EXCEPTION_SYSCALL_ERROR;
  }
  return decodeConfigureFlags(cap.extra, length);
}

/** SCH-16: args budget, period, extra_refills, badge, flags (µs); cap SC. */
function decodeConfigureFlags(core: number, length: number): Exception {
  const scSlot = current_extra_caps.slots[0];
  if (scSlot === null || length < 5) {
    userError(scSlot === null ? UE.UE_schedcontrol_83 : UE.UE_schedcontrol_89);
    current_syscall_error.type = seL4_TruncatedMessage;
    return EXCEPTION_SYSCALL_ERROR;
  }
  const bHi = argHi(0);
  const bLo = argLo(0);
  if (wordGreater(bHi, bLo, MAX_PERIOD_HI, MAX_PERIOD_LO)) {
    userError(UE.UE_schedcontrol_97);
    return rangeError(0, MIN_BUDGET_US, MAX_PERIOD_HI, MAX_PERIOD_LO);
  }
  const pHi = argHi(1);
  const pLo = argLo(1);
  if (wordGreater(pHi, pLo, MAX_PERIOD_HI, MAX_PERIOD_LO)) {
    userError(UE.UE_schedcontrol_109);
    return rangeError(0, MIN_BUDGET_US, MAX_PERIOD_HI, MAX_PERIOD_LO);
  }
  // Both are at most MAX_PERIOD_US here; ticks = µs × TICKS_PER_US, so the MIN_BUDGET checks
  // are the µs checks against MIN_BUDGET_US.
  if (bHi === 0 && bLo < MIN_BUDGET_US) {
    userError(UE.UE_schedcontrol_119);
    return rangeError(0, MIN_BUDGET_US, MAX_PERIOD_HI, MAX_PERIOD_LO);
  }
  if (pHi === 0 && pLo < MIN_BUDGET_US) {
    userError(UE.UE_schedcontrol_127);
    return rangeError(0, MIN_BUDGET_US, MAX_PERIOD_HI, MAX_PERIOD_LO);
  }
  if (wordGreater(bHi, bLo, pHi, pLo)) {
    userError(UE.UE_schedcontrol_135);
    return rangeError(0, MIN_BUDGET_US, pHi, pLo);
  }
  if (scSlot.type !== cap_sched_context_cap) {
    userError(UE.UE_schedcontrol_144);
    current_syscall_error.type = seL4_InvalidCapability;
    current_syscall_error.invalidCapNumber = 1;
    return EXCEPTION_SYSCALL_ERROR;
  }
  const sc = scSlot.obj as SchedContext;
  const extraRefills = argNum(2);
  const maxRefills = sc.refills.length;
  if (extraRefills > maxRefills - MIN_REFILLS) {
    userError(UE.UE_schedcontrol_157, wordArg(argHi(2), argLo(2)), maxRefills - MIN_REFILLS);
    return rangeError(0, 0, 0, maxRefills - MIN_REFILLS);
  }
  const badgeHi = argHi(3);
  const badgeLo = argLo(3);
  const flags = argLo(4);
  setThreadState(inv.thread, ThreadState_Restart);
  const budget = (bHi * 0x1_0000_0000 + bLo) * TICKS_PER_US;
  const period = (pHi * 0x1_0000_0000 + pLo) * TICKS_PER_US;
  const roundRobin = bHi === pHi && bLo === pLo;
  invokeConfigureFlags(
    core,
    sc,
    roundRobin,
    budget,
    period,
    extraRefills + MIN_REFILLS,
    badgeHi,
    badgeLo,
    flags,
  );
  return EXCEPTION_NONE;
}

/** SCH-17. */
function invokeConfigureFlags(
  core: number,
  sc: SchedContext,
  roundRobin: boolean,
  budget: number,
  period: number,
  maxRefills: number,
  badgeHi: number,
  badgeLo: number,
  flags: number,
): void {
  const t = sc.tcb;
  if (t !== null) {
    // A thread running on another core is stalled there first.
    if (ks.numNodes > 1) remoteTCBStall(t);
    // Parameters never change while the thread sits in a sorted queue.
    releaseRemove(t);
    tcbSchedDequeue(t);
    // The time used so far is billed at the old parameters (the entry's budget check passed).
    if (ks.curSC === sc) commitTime();
  }
  if (roundRobin) refillNew(sc, MIN_REFILLS, budget, 0);
  else if (core === sc.core && scActive(sc) && t !== null && isRunnable(t))
    refillUpdate(sc, period, budget, maxRefills);
  else refillNew(sc, maxRefills, budget, period);
  // The SC, and its thread, now belong to the core of the SchedControl cap invoked.
  sc.core = core;
  if (t !== null) migrateTCB(t, core);
  if (t !== null) {
    schedContextResume(sc);
    if (core === ks.core) {
      if (isRunnable(t) && t !== ks.curThread) possibleSwitchTo(t);
    } else if (isRunnable(t)) {
      schedEnqueue(t);
    }
    if (t === ks.curThread) rescheduleRequired();
  }
  sc.badgeHi = badgeHi;
  sc.badgeLo = badgeLo;
  sc.sporadic = (flags & seL4_SchedContext_Sporadic) !== 0;
}
