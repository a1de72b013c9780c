// Kernel-global state (seL4's model/statedata.c) and the per-entry error records
// (current_syscall_error, current_lookup_fault, current_fault, current_extra_caps).
//
// Like seL4 we keep these as globals: exactly one kernel runs at a time, and `enterKernel`
// makes a given KernelState the current one at every kernel entry.

import type { Machine } from "../machine/machine.ts";
import type { ASIDPool, Cte, KObject, SchedContext, Tcb } from "./structures.ts";
import type { DomainSchedule } from "./object/domain.ts";
import type { KernelEvents, KernelTrace } from "./events.ts";

export const EXCEPTION_NONE = 0;
export const EXCEPTION_FAULT = 1;
export const EXCEPTION_LOOKUP_FAULT = 2;
export const EXCEPTION_SYSCALL_ERROR = 3;
export const EXCEPTION_PREEMPTED = 4;
export type Exception = number;

export const SchedulerAction_ResumeCurrentThread = 0;
export const SchedulerAction_ChooseNewThread = 1;
export const SchedulerAction_SwitchToThread = 2;

/**
 * Build-time kernel configuration (seL4's CMake options that change behaviour here).
 * KernelNumDomains defaults to 1, and KernelNumDomainSchedules to 2 with one domain, 100 with more.
 */
export interface KernelConfig {
  numDomains?: number;
  numDomainSchedules?: number;
  /** KernelRiscvExtF and KernelRiscvExtD (CONFIG_HAVE_FPU): default true. */
  fpu?: boolean;
}

export class KernelState {
  /** CONFIG_NUM_DOMAINS and CONFIG_NUM_DOMAIN_SCHEDULES. */
  readonly numDomains: number;
  readonly numDomainSchedules: number;
  /** CONFIG_HAVE_FPU. */
  readonly fpu: boolean;
  curThread!: Tcb;
  idleThread!: Tcb;
  schedulerAction = SchedulerAction_ResumeCurrentThread;
  /** Thread to switch to when schedulerAction is SwitchToThread. */
  switchTarget: Tcb | null = null;
  /** Ready queues, one per (domain, priority), at index domain * 256 + priority (SCH-1). */
  readonly readyHead: (Tcb | null)[];
  readonly readyTail: (Tcb | null)[];
  /** One bit per non-empty ready queue, eight words per domain (seL4's ksReadyQueuesL1/L2Bitmap). */
  readonly readyBitmap: Uint32Array;
  /** Per domain, bit w set while readyBitmap word w of that domain is non-zero (the L1 level). */
  readonly readyL1Bitmap: Uint32Array;
  /** Release queue of threads waiting for their SC's next refill, sorted by release time. */
  releaseHead: Tcb | null = null;
  curSC!: SchedContext;
  /** Ticks consumed by the current SC since the last charge (ksConsumed). */
  consumed = 0;
  /** Time of the last accounting (ksCurTime). */
  curTime = 0;
  reprogram = false;
  workUnitsCompleted = 0;
  curDomain = 0;
  /** The domain schedule and its position (object/domain.ts creates it on first use). */
  domSchedule: DomainSchedule | null = null;
  /** Live kernel objects by physical address. */
  readonly objects = new Map<number, KObject>();
  /** IRQ states (0 inactive, 1 signal, 2 timer, 3 reserved) and the slots holding their notification caps. */
  readonly irqState = new Uint8Array(97);
  irqSlots: Cte[] = [];
  /** The global ASID table: one pool per 512 ASIDs. */
  readonly asidTable: (ASIDPool | null)[] = new Array<ASIDPool | null>(128).fill(null);
  halted = false;
  /** Number of kernel entries so far. */
  entries = 0;
  /** events.trace, set by the Kernel: hook sites test this one field. */
  trace: KernelTrace | null = null;
  constructor(
    readonly machine: Machine,
    readonly events: KernelEvents | null,
    config: KernelConfig = {},
  ) {
    const domains = config.numDomains ?? 1;
    if (!Number.isInteger(domains) || domains < 1 || domains > 256)
      throw new RangeError(`KernelNumDomains must be 1..256, not ${domains}`);
    const schedules = config.numDomainSchedules ?? (domains > 1 ? 100 : 2);
    if (!Number.isInteger(schedules) || schedules < 2)
      throw new RangeError(`KernelNumDomainSchedules must be at least 2, not ${schedules}`);
    this.numDomains = domains;
    this.numDomainSchedules = schedules;
    this.fpu = config.fpu ?? true;
    this.readyHead = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyTail = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyBitmap = new Uint32Array(domains * 8);
    this.readyL1Bitmap = new Uint32Array(domains);
  }
}

export let ks: KernelState;

export function setKernelState(s: KernelState): void {
  ks = s;
}

/** seL4's current_syscall_error. Range bounds are kept as exact words (hi, lo). */
export const current_syscall_error = {
  type: 0,
  invalidArgumentNumber: 0,
  invalidCapNumber: 0,
  rangeErrorMinHi: 0,
  rangeErrorMinLo: 0,
  rangeErrorMaxHi: 0,
  rangeErrorMaxLo: 0,
  memoryLeft: 0,
  failedLookupWasSource: false,
};

/** seL4's current_lookup_fault; `type` is the user-visible encoding (seL4_InvalidRoot = 1, ...). */
export const current_lookup_fault = {
  type: 0,
  bitsLeft: 0,
  bitsFound: 0,
  guardFoundHi: 0,
  guardFoundLo: 0,
};

/** seL4's current_fault: label plus payload, laid out as Tcb.fault* (see structures.ts). */
export const current_fault = {
  type: 0,
  w0Hi: 0,
  w0Lo: 0,
  w1: 0,
  w2: 0,
};

/** seL4's current_extra_caps: slots of the extra caps looked up for this invocation. */
export const current_extra_caps: { count: number; slots: (Cte | null)[] } = {
  count: 0,
  slots: [null, null, null],
};

export function setRangeError(min: number, max: number): void {
  const e = current_syscall_error;
  e.rangeErrorMinHi = Math.floor(min / 0x1_0000_0000) >>> 0;
  e.rangeErrorMinLo = min >>> 0;
  e.rangeErrorMaxHi = Math.floor(max / 0x1_0000_0000) >>> 0;
  e.rangeErrorMaxLo = max >>> 0;
}
