// A debugger for a whole sel4ts system, platform-neutral (the GDB remote protocol is in rsp.ts, the
// socket in src/cli/gdb.ts). It attaches to a System through its DebugHook: while attached the
// hart runs one instruction per run(), so every instruction boundary of every RV64 thread passes
// through beforeRv/afterRv, where breakpoints, watchpoints and steps are checked; a TS thread's
// run (to its next kernel entry) passes through beforeTs/afterTs, and every jump of the clock
// while all threads wait through beforeIdle. The one-core loop and the multicore one
// (src/system/harts.ts, harts in turns on one clock) call the same hooks, so on a multicore
// system the whole machine stops at once, and stepping one thread lets the other cores run their
// turns exactly as they would undebugged. Detached, the system pays nothing (the loop tests one
// null field per engine run, the hart nothing).
//
// Positions: `steps` counts the thread runs since boot, all cores together: RV64 instructions
// and TS threads' runs. The run is deterministic, so a position is reached again by re-creating
// the system from its inputs (the factory) and running to the same count: that is how reverse
// execution works (replay from boot, or from a snapshot of the whole system; the log of which
// thread ran at which step, at which pc, finds the target position).

import type { Tcb } from "../../kernel/structures.ts";
import type { DebugHook, RunResult, System } from "../system.ts";
import { EXIT_INTERRUPT } from "../ts-engine.ts";
import { DebugTarget, pcOfTcb, vspaceRoot, type WatchKind } from "./target.ts";
import { EventWatch, type EventBreak, type EventHit } from "./events.ts";
import { restoreSnapshot, takeSnapshot, type Snapshot } from "./snapshot.ts";
import { rt } from "../../user/runtime.ts";

export { pcOfTcb, vspaceRoot, type WatchKind };

export type StopKind =
  "initial" | "breakpoint" | "step" | "watch" | "interrupt" | "replay" | "begin" | "event";

export interface StopEvent {
  kind: StopKind;
  /** The thread the stop is about (the one that hit, stepped, or wrote). */
  thread: Tcb | null;
  /** For a watchpoint: the address it was set on, and its kind. */
  watchAddr?: number;
  watchKind?: WatchKind;
  /** For a kernel event: what happened (shown on GDB's console). */
  message?: string;
}

export interface ExitEvent {
  kind: "exited";
  result: RunResult;
}

/**
 * State outside the system that a replay must rewind with it: the console of the CLI, which prints
 * each byte once however often a replay produces it again.
 */
export interface HostState {
  mark(): number;
  rewind(mark: number): void;
}

interface Kept {
  steps: number;
  /** tsRuns when it was taken. */
  gen: number;
  snap: Snapshot;
  host: number;
  lastThread: Tcb | null;
  lastEntries: number;
}

/** Snapshots kept at most; beyond, every other one goes and the interval doubles. */
const MAX_SNAPSHOTS = 40;
/**
 * Going back, the replay also snapshots the last stretch before its target every FINE
 * instructions (at most FINE_COUNT of them, kept apart): GDB's reverse-step and reverse-next go
 * back one instruction at a time, and each of those then replays at most FINE instructions.
 */
const FINE = 5_000;
const FINE_COUNT = 16;

export class Debugger extends DebugTarget implements DebugHook {
  sys: System;
  /** Thread runs since boot (RV64 instructions, TS runs; all cores): the system's position. */
  steps = 0;
  private logTid = new Float64Array(1 << 16);
  private logPc = new Float64Array(1 << 16);
  /** The thread of the last stop: GDB's current thread. */
  current: Tcb | null = null;
  /**
   * GDB's "resume only this thread" (vCont;c:N, how it steps over a breakpoint): the kernel still
   * schedules every thread, since N may need them, but only N's breakpoints and watchpoints stop.
   */
  only: Tcb | null = null;
  /** Set (e.g. by Ctrl-C) to stop at the next instruction boundary. */
  interruptRequested = false;
  /** Breakpoints on kernel events (monitor break-on), numbered from 1. */
  readonly eventBreaks: EventBreak[] = [];
  nextEventBreak = 1;

  private stepThread: Tcb | null = null;
  private stepDone = false;
  private skipTcb: Tcb | null = null;
  private skipPc = -1;
  private replayTarget = -1;
  private budget = Infinity;
  private pending: StopEvent | null = null;
  private stop: StopEvent | null = null;
  private lastThread: Tcb | null = null;
  private lastEntries = -1;
  // Until the first stop (start): the root task, the first thread to run.
  private starting = false;
  private root: Tcb | null = null;

  /** Instructions between two snapshots (0: none, reverse execution replays from boot). */
  snapshotEvery: number;
  private nextSnapshot: number;
  private kept: Kept[] = [];
  private fine: Kept[] = [];
  private fineNext = Infinity;
  /**
   * TS threads' runs since boot (along the current timeline; each passes through beforeTs). A
   * generator's state cannot be kept, so a snapshot can only be restored while this count is what
   * it was when the snapshot was taken: no TS thread has run, or started, since.
   */
  private tsRuns = 0;
  // reverse-continue's scan for the last watchpoint hit (see lastWatchHit).
  private scanning = false;
  private scanHit = -1;

  constructor(
    private readonly factory: () => System,
    private readonly host: HostState | null = null,
    snapshotEvery = 250_000,
    /**
     * Whether the root task runs before the first stop: a Microkit system's initialiser, which
     * builds the system, yes; a root task that is the user's program (sel4ts boot), no.
     */
    private readonly skipRoot = true,
  ) {
    super();
    this.sys = factory();
    this.snapshotEvery = snapshotEvery;
    this.nextSnapshot = snapshotEvery > 0 ? 0 : Infinity;
    this.attach();
  }

  /** Snapshots held now, and the bytes they keep (for tests and `monitor time`). */
  get snapshotStats(): { count: number; bytes: number; every: number } {
    let bytes = 0;
    for (const k of this.kept) bytes += k.snap.bytes;
    return { count: this.kept.length, bytes, every: this.snapshotEvery };
  }

  /** Snapshots from now on every `n` instructions (0: no more). */
  setSnapshotEvery(n: number): void {
    this.snapshotEvery = n;
    this.nextSnapshot = n > 0 ? this.steps + n : Infinity;
  }

  private takeSnapshotNow(): void {
    this.kept.push(this.capture(this.kept));
    if (this.kept.length > MAX_SNAPSHOTS) {
      this.kept = this.kept.filter((_k, i) => i % 2 === 0);
      this.snapshotEvery *= 2;
    }
    this.nextSnapshot = this.steps + this.snapshotEvery;
  }

  /** A fine snapshot on the way back to a target (see FINE). */
  private takeFineSnapshot(): void {
    this.fine.push(this.capture(this.fine.length > 0 ? this.fine : this.kept));
    if (this.fine.length > FINE_COUNT) this.fine.shift();
    this.fineNext = this.steps + FINE;
  }

  private capture(near: Kept[]): Kept {
    const ks = this.sys.kernel.state;
    const opaque = new Set<object>([this, ks.trace as object]);
    const pages: unknown = Reflect.get(this.sys.rv.hart, "pages");
    // The hart's decode cache checks every entry against the instruction word in RAM, so it is
    // valid whatever RAM holds: no need to keep it.
    if (pages instanceof Map) opaque.add(pages);
    // Pages are shared with a snapshot near in time (any would do: sharing compares contents).
    const prev = near.length > 0 ? near[near.length - 1].snap : null;
    const snap = takeSnapshot(this.sys, [this.sys, rt], opaque, prev, () => undefined);
    return {
      steps: this.steps,
      gen: this.tsRuns,
      snap,
      host: this.host?.mark() ?? 0,
      lastThread: this.lastThread,
      lastEntries: this.lastEntries,
    };
  }

  /**
   * The user changed registers or memory: the run from here on is a new one, so the snapshots and
   * the log past this position no longer describe it.
   */
  diverged(): void {
    this.kept = this.kept.filter((k) => k.steps <= this.steps);
    this.fine = this.fine.filter((k) => k.steps <= this.steps);
    const last = this.kept[this.kept.length - 1];
    if (this.snapshotEvery > 0)
      this.nextSnapshot = last === undefined ? this.steps : last.steps + this.snapshotEvery;
  }

  private attach(): void {
    const h = this.sys.rv.hart;
    h.maxSlice = 1;
    h.keepReservation = true;
    this.sys.debug = this;
    // Kernel events reach the debugger through the kernel's trace hook, in front of the tracer.
    const ks = this.sys.kernel.state;
    ks.trace = new EventWatch(
      ks.trace,
      this.eventBreaks,
      () => this.replayTarget < 0,
      (h) => this.eventHit(h),
    );
  }

  /** A kernel event matched a breakpoint: stop at the next instruction boundary (the first one). */
  private eventHit(h: EventHit): void {
    if (this.pending === null) this.pending = { kind: "event", thread: h.thread, message: h.message };
  }

  // ---- the hook ----

  beforeRv(t: Tcb): boolean {
    if (this.starting) return this.halt({ kind: "initial", thread: t });
    if (this.replayTarget >= 0) {
      // A replay from boot snapshots as it goes (one from a snapshot is behind the last one kept).
      if (this.steps >= this.nextSnapshot) this.takeSnapshotNow();
      else if (this.steps >= this.fineNext && this.steps < this.replayTarget) this.takeFineSnapshot();
      if (this.steps === this.replayTarget) {
        this.replayTarget = -1;
        return this.halt({ kind: "replay", thread: t });
      }
      if (this.scanning && this.accessedWatch(t) !== null) this.scanHit = this.steps;
    } else {
      const stop = this.stopBeforeRun(t);
      if (stop !== null) return stop;
      const pc = pcOfTcb(t);
      if (this.skipTcb === t && this.skipPc === pc) this.skipTcb = null;
      else if (this.breakpoints.size > 0) {
        const root = this.breakpoints.get(pc);
        if (
          root !== undefined &&
          // Resuming one thread (GDB stepping it over a breakpoint with a temporary one), every
          // breakpoint applies to that thread, whatever address space it was set for.
          (this.only === null ? root === 0 || root === vspaceRoot(t) : this.only === t)
        )
          return this.halt({ kind: "breakpoint", thread: t });
      }
      if (this.watches.length > 0 && (this.only === null || this.only === t)) {
        // As a RISC-V trigger does, the access is reported before the instruction executes.
        const w = this.accessedWatch(t);
        if (w !== null) return this.halt({ kind: "watch", thread: t, watchAddr: w.vaddr, watchKind: w.kind });
      }
    }
    // A slice-long run drops the LR reservation at every trap and switch of thread; so do we.
    const entries = this.sys.kernel.state.entries;
    if (t !== this.lastThread || entries !== this.lastEntries) this.sys.rv.hart.clearReservation();
    this.log(t);
    return false;
  }

  /**
   * The stops every position checks before a thread runs (snapshot due first): a finished step,
   * a pending kernel event, Ctrl-C, the end of the run's budget. What before/beforeTs return,
   * or null to go on.
   */
  private stopBeforeRun(t: Tcb): boolean | null {
    if (this.steps >= this.nextSnapshot) this.takeSnapshotNow();
    if (this.stepDone) return this.halt({ kind: "step", thread: this.stepThread });
    if (this.pending !== null) return this.halt(this.pending);
    if (this.interruptRequested) {
      this.interruptRequested = false;
      return this.halt({ kind: "interrupt", thread: t });
    }
    if (this.budget <= 0) return true;
    this.budget--;
    return null;
  }

  /**
   * A TS thread runs to its next kernel entry in one go: a position of its own (logged like an
   * instruction), where a run can stop (slice end, Ctrl-C, a kernel event, a step of this thread)
   * but no breakpoint or watchpoint applies.
   */
  beforeTs(t: Tcb): boolean {
    if (this.starting) {
      // The first thread to run is the root task (with skipRoot, a Microkit system's
      // initialiser): any other thread's first run is the first stop.
      if (!this.skipRoot) return this.halt({ kind: "initial", thread: t });
      if (this.root === null) this.root = t;
      else if (t !== this.root) return this.halt({ kind: "initial", thread: t });
    } else if (this.replayTarget >= 0) {
      if (this.steps >= this.nextSnapshot) this.takeSnapshotNow();
      if (this.steps === this.replayTarget) {
        this.replayTarget = -1;
        return this.halt({ kind: "replay", thread: t });
      }
    } else {
      const stop = this.stopBeforeRun(t);
      if (stop !== null) return stop;
    }
    this.tsRuns++;
    this.log(t);
    return false;
  }

  /**
   * Every thread waits and the clock is about to jump to the next event: a kernel event just
   * before stops the system there, before time passes; so does a Ctrl-C. Each jump counts
   * against the budget, so that a system which mostly waits still runs in slices.
   */
  beforeIdle(): boolean {
    if (this.replayTarget >= 0 || this.starting) return false;
    if (this.pending !== null) return this.halt(this.pending);
    if (this.interruptRequested) {
      this.interruptRequested = false;
      return this.halt({ kind: "interrupt", thread: null });
    }
    if (this.budget <= 0) return true;
    this.budget--;
    return false;
  }

  afterTs(t: Tcb, pcBefore: number): void {
    this.lastThread = null;
    if (this.replayTarget >= 0) return;
    if (this.stepThread === t) this.stepDone = true;
    else if (this.breakpointFor(t, pcBefore + 2) || this.breakpointFor(t, pcBefore + 4)) {
      // GDB steps by a breakpoint on the next instruction until it has asked whether the stub
      // can step (its first resume of a session): for a TS thread, whose instruction is its run
      // to the next kernel entry, that breakpoint stands for a step.
      this.stepThread = t;
      this.stepDone = true;
    }
  }

  afterRv(t: Tcb, exit: number): void {
    // A run ended by the machine (an event due, the end of a hart's turn on a multicore system)
    // drops the reservation; one ended by the slice of one instruction keeps it.
    const m = this.sys.machine;
    this.lastThread = exit === EXIT_INTERRUPT && m.clock.now < m.quantumEnd ? t : null;
    this.lastEntries = this.sys.kernel.state.entries;
    if (this.replayTarget >= 0) return;
    if (this.stepThread === t) this.stepDone = true;
  }

  private halt(e: StopEvent): boolean {
    this.stop = e;
    this.pending = null;
    this.stepDone = false;
    this.stepThread = null;
    return true;
  }

  private log(t: Tcb): void {
    const i = this.steps;
    if (i >= this.logTid.length) {
      const a = new Float64Array(this.logTid.length * 2);
      a.set(this.logTid);
      this.logTid = a;
      const b = new Float64Array(this.logPc.length * 2);
      b.set(this.logPc);
      this.logPc = b;
    }
    this.logTid[i] = t.ptr;
    this.logPc[i] = pcOfTcb(t);
    this.steps = i + 1;
  }

  // ---- running ----

  /**
   * Runs at most `budget` instructions. Returns the stop, an exit (the system halted, went idle
   * for good or reached its time limit), or null when the budget ran out first.
   */
  run(budget = Infinity): StopEvent | ExitEvent | null {
    this.stop = null;
    this.budget = budget;
    const r = this.sys.run();
    if (r.reason !== "debug") {
      if (this.pending !== null) {
        // An event in the system's last moments: stop there rather than report the end.
        const e = this.pending;
        this.halt(e);
        return this.stopped(e);
      }
      if (this.stepDone && this.stepThread !== null) {
        const e: StopEvent = { kind: "step", thread: this.stepThread };
        this.halt(e);
        return this.stopped(e);
      }
      return { kind: "exited", result: r };
    }
    return this.stop === null ? null : this.stopped(this.stop);
  }

  private stopped(e: StopEvent): StopEvent {
    if (e.thread !== null) this.current = e.thread;
    // Resuming must not stop again at the breakpoint this thread is sitting on.
    if (e.thread !== null) {
      this.skipTcb = e.thread;
      this.skipPc = pcOfTcb(e.thread);
    }
    return e;
  }

  /**
   * The first stop: before the first run of any thread but the root task (see skipRoot), or of the
   * root task's first instruction when it is RV64 code.
   */
  start(): StopEvent | ExitEvent {
    this.starting = true;
    this.budget = Infinity;
    const r = this.sys.run();
    this.starting = false;
    if (r.reason !== "debug") return { kind: "exited", result: r };
    const t = this.sys.kernel.currentThread;
    return this.stopped({ kind: "initial", thread: t });
  }

  /** Arms a single step of `t`: the next run stops after t's next instruction. */
  stepInstruction(t: Tcb): void {
    this.stepThread = t;
    this.stepDone = false;
  }

  /** Continue: no step armed. */
  resumeAll(): void {
    this.stepThread = null;
    this.stepDone = false;
  }

  // ---- reverse execution by replay ----

  /**
   * Brings the system to position `target` (≤ steps): restores the last snapshot at or before it
   * (or, without one, re-creates the system from its inputs) and replays from there.
   */
  replayTo(target: number): StopEvent {
    this.resetTo(target);
    if (this.snapshotEvery > 0) {
      const from = Math.max(this.steps, target - FINE * FINE_COUNT);
      this.fineNext = from + FINE;
      // Fine snapshots already cover the stretch up to the last one at or before the target.
      const last = this.latest(this.fine, target);
      if (last !== null && last.steps >= this.steps)
        this.fineNext = Math.max(this.fineNext, last.steps + FINE);
    }
    this.replayTarget = target;
    const r = this.sys.run();
    this.replayTarget = -1;
    this.fineNext = Infinity;
    const t = r.reason === "debug" ? this.sys.kernel.currentThread : null;
    return this.stopped({ kind: target === 0 ? "begin" : "replay", thread: t });
  }

  /** The snapshot of `list` latest at or before `target`. */
  private latest(list: Kept[], target: number): Kept | null {
    let k: Kept | null = null;
    for (const x of list) if (x.steps <= target && (k === null || x.steps > k.steps)) k = x;
    return k;
  }

  /** Puts the system at the latest position ≤ target it can be put at without running. */
  private resetTo(target: number): void {
    let k = this.latest(this.kept, target);
    const f = this.latest(this.fine, target);
    if (f !== null && (k === null || f.steps > k.steps)) k = f;
    // A TS thread ran since: its code's state is not in the snapshot (nor in any earlier one).
    if (k !== null && k.gen !== this.tsRuns) k = null;
    if (k !== null) {
      restoreSnapshot(this.sys, k.snap);
      this.tsRuns = k.gen;
      this.host?.rewind(k.host);
      this.steps = k.steps;
      this.lastThread = k.lastThread;
      this.lastEntries = k.lastEntries;
    } else {
      this.sys.debug = null;
      this.sys = this.factory();
      this.attach();
      this.steps = 0;
      this.lastThread = null;
      this.lastEntries = -1;
      // Snapshots of the old incarnation are of no use; the new one is snapshotted from its start.
      this.kept = [];
      this.fine = [];
      this.tsRuns = 0;
      if (this.snapshotEvery > 0) this.nextSnapshot = 0;
    }
    this.pending = null;
    this.stepThread = null;
    this.stepDone = false;
    this.skipTcb = null;
    this.stop = null;
  }

  /**
   * The last position before `end` where the next instruction accesses a watched location, or -1:
   * replays the stretch since each snapshot, latest first, until one holds a hit (or `floor`, a
   * position already known to be a stop, is passed). Leaves the system anywhere before `end`.
   */
  private lastWatchHit(end: number, floor: number): number {
    if (this.watches.length === 0) return -1;
    let hi = end;
    for (;;) {
      this.resetTo(hi - 1);
      const lo = this.steps;
      this.scanning = true;
      this.scanHit = -1;
      this.replayTarget = hi;
      this.sys.run();
      this.replayTarget = -1;
      this.scanning = false;
      if (this.scanHit >= 0) return this.scanHit;
      if (lo <= floor || lo === 0) return -1;
      hi = lo;
    }
  }

  /** reverse-stepi of `t`: back to just before its previous instruction. */
  reverseStep(t: Tcb): StopEvent {
    for (let s = this.steps - 1; s >= 0; s--) {
      if (this.logTid[s] === t.ptr) {
        const e = this.replayTo(s);
        return e.kind === "begin" ? { kind: "step", thread: e.thread } : { kind: "step", thread: e.thread };
      }
    }
    return this.replayTo(0);
  }

  /** reverse-continue: back to the last breakpoint or watchpoint hit before the current position. */
  reverseContinue(): StopEvent {
    // The current position itself (a breakpoint we sit on) does not count.
    let bp = -1;
    for (let s = this.steps - 2; s >= 0 && bp < 0; s--) {
      const root = this.breakpoints.get(this.logPc[s]);
      if (root === undefined) continue;
      if (root !== 0) {
        const t = this.threadById(this.logTid[s]);
        if (t === null || vspaceRoot(t) !== root) continue;
      }
      bp = s;
    }
    const wp = this.lastWatchHit(this.steps - 1, bp);
    if (wp > bp) {
      const e = this.replayTo(wp);
      const w = e.thread === null ? null : this.accessedWatch(e.thread);
      if (w !== null) return { kind: "watch", thread: e.thread, watchAddr: w.vaddr, watchKind: w.kind };
    }
    if (bp >= 0) {
      const e = this.replayTo(bp);
      return { kind: "breakpoint", thread: e.thread };
    }
    return this.replayTo(0);
  }
}
