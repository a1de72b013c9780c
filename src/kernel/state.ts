// Kernel-global state (seL4's model/statedata.c) and the per-entry error records
// (current_syscall_error, current_lookup_fault, current_fault, current_extra_caps).
//
// Like seL4 we keep these as globals: exactly one kernel runs at a time, and `enterKernel`
// makes a given KernelState the current one at every kernel entry.

import type { Machine } from "../machine/machine.ts";
import type { ASIDPool, Cte, KObject, SchedContext, Tcb } from "./structures.ts";
import type { DomainSchedule } from "./object/domain.ts";
import type { KernelEvents, KernelTrace } from "./events.ts";
import { resolveKernelConfig, type KernelConfig, type ResolvedKernelConfig } from "../abi/config.ts";

export type { KernelConfig, ResolvedKernelConfig };

export const EXCEPTION_NONE = 0;
export const EXCEPTION_FAULT = 1;
export const EXCEPTION_LOOKUP_FAULT = 2;
export const EXCEPTION_SYSCALL_ERROR = 3;
export const EXCEPTION_PREEMPTED = 4;
export type Exception = number;

export const SchedulerAction_ResumeCurrentThread = 0;
export const SchedulerAction_ChooseNewThread = 1;
export const SchedulerAction_SwitchToThread = 2;

/** The largest KernelMaxNumNodes the machine model offers (QEMU virt allows 8 harts). */
export const MAX_NUM_NODES = 8;

/**
 * One core's scheduler state (seL4's NODE_STATE fields: ksCurThread, ksIdleThread,
 * ksSchedulerAction, ksReadyQueues and their bitmaps, ksReleaseQueue, ksCurSC, ksConsumed,
 * ksCurTime, ksReprogram). The running core's copy lives in KernelState's own fields, so code
 * written for one core reads `ks.curThread` as before; the other cores' copies wait here and
 * `KernelState.loadCore` swaps them in (NODE_STATE_ON_CORE).
 */
export class NodeState {
  curThread!: Tcb;
  idleThread!: Tcb;
  schedulerAction = SchedulerAction_ResumeCurrentThread;
  switchTarget: Tcb | null = null;
  readyHead: (Tcb | null)[];
  readyTail: (Tcb | null)[];
  readyBitmap: Uint32Array;
  readyL1Bitmap: Uint32Array;
  releaseHead: Tcb | null = null;
  curSC!: SchedContext;
  consumed = 0;
  curTime = 0;
  reprogram = false;
  constructor(domains: number) {
    this.readyHead = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyTail = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyBitmap = new Uint32Array(domains * 8);
    this.readyL1Bitmap = new Uint32Array(domains);
  }
}

export class KernelState {
  /** The build options and the ABI values derived from them, resolved once for this kernel. */
  readonly config: ResolvedKernelConfig;
  /** seL4_TCBBits of this configuration (read by retype and cap size checks). */
  readonly tcbBits: number;
  /** CONFIG_NUM_DOMAINS and CONFIG_NUM_DOMAIN_SCHEDULES. */
  readonly numDomains: number;
  readonly numDomainSchedules: number;
  /** CONFIG_MAX_NUM_NODES. */
  readonly numNodes: number;
  /** The core whose scheduler state is loaded into the fields below (getCurrentCPUIndex). */
  core = 0;
  /** Per core, its state while another core's is loaded (the loaded core's entry is stale). */
  readonly nodes: NodeState[] = [];
  /** ipiReschedulePending: one bit per core that needs a reschedule IPI when schedule() ends. */
  ipiReschedulePending = 0;
  /** CONFIG_HAVE_FPU. */
  readonly fpu: boolean;
  /** CONFIG_PRINTING: report user errors (usererror.ts). */
  readonly printing: boolean;
  curThread!: Tcb;
  idleThread!: Tcb;
  schedulerAction = SchedulerAction_ResumeCurrentThread;
  /** Thread to switch to when schedulerAction is SwitchToThread. */
  switchTarget: Tcb | null = null;
  /** Ready queues, one per (domain, priority), at index domain * 256 + priority (SCH-1). */
  readyHead: (Tcb | null)[];
  readyTail: (Tcb | null)[];
  /** One bit per non-empty ready queue, eight words per domain (seL4's ksReadyQueuesL1/L2Bitmap). */
  readyBitmap: Uint32Array;
  /** Per domain, bit w set while readyBitmap word w of that domain is non-zero (the L1 level). */
  readyL1Bitmap: Uint32Array;
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
  /**
   * Set by every kernel entry that may change caps, kernel objects, the ASID table or page tables
   * (an object invocation, a cap transfer): the only code that writes them. The invariant monitor
   * (invariants-monitor.ts) checks everything after such an entry and clears the flag.
   */
  capsDirty = true;
  /** Number of kernel entries so far. */
  entries = 0;
  /** events.trace, set by the Kernel: hook sites test this one field. */
  trace: KernelTrace | null = null;
  constructor(
    readonly machine: Machine,
    readonly events: KernelEvents | null,
    config: KernelConfig = {},
  ) {
    const cfg = resolveKernelConfig(config);
    this.config = cfg;
    this.tcbBits = cfg.tcbBits;
    const domains = cfg.numDomains;
    this.numDomains = domains;
    this.numDomainSchedules = cfg.numDomainSchedules;
    this.fpu = cfg.fpu;
    this.printing = cfg.printing;
    this.numNodes = cfg.numNodes;
    for (let i = 0; i < cfg.numNodes; i++) this.nodes.push(new NodeState(domains));
    this.readyHead = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyTail = new Array<Tcb | null>(domains * 256).fill(null);
    this.readyBitmap = new Uint32Array(domains * 8);
    this.readyL1Bitmap = new Uint32Array(domains);
  }

  /**
   * Makes core `c`'s scheduler state the loaded one, saving the current core's. Executing on
   * another core (the system switching harts) and touching another core's queues from this one
   * (NODE_STATE_ON_CORE, e.g. tcbSchedEnqueue of a thread with another affinity) both use it;
   * the latter loads the original core back at once. With one core it is never called.
   */
  loadCore(c: number): void {
    if (c === this.core) return;
    const out = this.nodes[this.core];
    const inn = this.nodes[c];
    out.curThread = this.curThread;
    out.idleThread = this.idleThread;
    out.schedulerAction = this.schedulerAction;
    out.switchTarget = this.switchTarget;
    out.readyHead = this.readyHead;
    out.readyTail = this.readyTail;
    out.readyBitmap = this.readyBitmap;
    out.readyL1Bitmap = this.readyL1Bitmap;
    out.releaseHead = this.releaseHead;
    out.curSC = this.curSC;
    out.consumed = this.consumed;
    out.curTime = this.curTime;
    out.reprogram = this.reprogram;
    this.curThread = inn.curThread;
    this.idleThread = inn.idleThread;
    this.schedulerAction = inn.schedulerAction;
    this.switchTarget = inn.switchTarget;
    this.readyHead = inn.readyHead;
    this.readyTail = inn.readyTail;
    this.readyBitmap = inn.readyBitmap;
    this.readyL1Bitmap = inn.readyL1Bitmap;
    this.releaseHead = inn.releaseHead;
    this.curSC = inn.curSC;
    this.consumed = inn.consumed;
    this.curTime = inn.curTime;
    this.reprogram = inn.reprogram;
    this.core = c;
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
