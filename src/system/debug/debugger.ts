// A debugger for a whole sel4ts system, platform-neutral (the GDB remote protocol is in rsp.ts, the
// socket in src/cli/gdb.ts). It attaches to a System through its DebugHook: while attached the
// hart runs one instruction per run(), so every instruction boundary of every RV64 thread passes
// through beforeRv/afterRv, where breakpoints, watchpoints and steps are checked; detached, the
// system pays nothing (the loop tests one null field per engine run, the hart nothing).
//
// Positions: `steps` counts the RV64 instructions run since boot, all threads together. The run
// is deterministic, so a position is reached again by re-creating the system from its inputs
// (the factory) and running to the same count: that is how reverse execution works (replay from
// boot; the log of which thread ran at which step, at which pc, finds the target position).

import { NextIP } from "../../abi/registers.ts";
import { tcbVTable } from "../../abi/thread.ts";
import { cap_page_table_cap } from "../../abi/captypes.ts";
import { ACCESS_READ, sv39Translate } from "../../machine/mmu.ts";
import { Tcb } from "../../kernel/structures.ts";
import type { DebugHook, RunResult, System } from "../system.ts";
import { EXIT_INTERRUPT } from "../ts-engine.ts";
import { nextAccess } from "./access.ts";

export type StopKind = "initial" | "breakpoint" | "step" | "watch" | "interrupt" | "replay" | "begin";

export interface StopEvent {
  kind: StopKind;
  /** The thread the stop is about (the one that hit, stepped, or wrote). */
  thread: Tcb | null;
  /** For a watchpoint: the address it was set on, and its kind. */
  watchAddr?: number;
  watchKind?: WatchKind;
}

export interface ExitEvent {
  kind: "exited";
  result: RunResult;
}

/** GDB's watchpoint kinds: Z2 write, Z3 read, Z4 access. */
export type WatchKind = "write" | "read" | "access";

interface Watch {
  vaddr: number;
  len: number;
  kind: WatchKind;
  /** Physical address of each watched byte (a watch follows memory, whoever maps it). */
  paddrs: number[];
}

const TWO_32 = 4294967296;

export function pcOfTcb(t: Tcb): number {
  return t.regs[2 * NextIP + 1] * TWO_32 + t.regs[2 * NextIP];
}

/** The physical address of a thread's VSpace root, or 0 when it has none. */
export function vspaceRoot(t: Tcb): number {
  const c = t.cte[tcbVTable];
  return c !== undefined && c.type === cap_page_table_cap ? c.ptr : 0;
}

export class Debugger implements DebugHook {
  sys: System;
  /** RV64 instructions run since boot (all threads): the system's position. */
  steps = 0;
  private logTid = new Float64Array(1 << 16);
  private logPc = new Float64Array(1 << 16);
  /** Software breakpoints: virtual pc → VSpace root it applies to (0 = every address space). */
  readonly breakpoints = new Map<number, number>();
  readonly watches: Watch[] = [];
  /** Breakpoints set from now on apply to this thread's address space only (monitor focus). */
  focus: Tcb | null = null;
  /** The thread of the last stop: GDB's current thread. */
  current: Tcb | null = null;
  /**
   * GDB's "resume only this thread" (vCont;c:N, how it steps over a breakpoint): the kernel still
   * schedules every thread, since N may need them, but only N's breakpoints and watchpoints stop.
   */
  only: Tcb | null = null;
  /** Set (e.g. by Ctrl-C) to stop at the next instruction boundary. */
  interruptRequested = false;

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

  constructor(private readonly factory: () => System) {
    this.sys = factory();
    this.attach();
  }

  private attach(): void {
    const h = this.sys.rv.hart;
    h.maxSlice = 1;
    h.keepReservation = true;
    this.sys.debug = this;
  }

  // ---- the hook ----

  beforeRv(t: Tcb): boolean {
    if (this.replayTarget >= 0) {
      if (this.steps === this.replayTarget) {
        this.replayTarget = -1;
        return this.halt({ kind: "replay", thread: t });
      }
    } else {
      if (this.stepDone) return this.halt({ kind: "step", thread: this.stepThread });
      if (this.pending !== null) return this.halt(this.pending);
      if (this.interruptRequested) {
        this.interruptRequested = false;
        return this.halt({ kind: "interrupt", thread: t });
      }
      if (this.budget <= 0) return true;
      this.budget--;
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

  afterRv(t: Tcb, exit: number): void {
    this.lastThread = exit === EXIT_INTERRUPT ? t : null;
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

  /** The first stop: before the first user instruction of an RV64 thread. */
  start(): StopEvent | ExitEvent {
    this.budget = 0;
    const r = this.sys.run();
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

  /** Re-creates the system and runs it to position `target` (≤ steps). */
  replayTo(target: number): StopEvent {
    const bps = this.breakpoints;
    this.sys.debug = null;
    this.sys = this.factory();
    this.attach();
    this.steps = 0;
    this.lastThread = null;
    this.lastEntries = -1;
    this.pending = null;
    this.stepThread = null;
    this.stepDone = false;
    this.skipTcb = null;
    this.focus = this.focus === null ? null : this.threadById(this.focus.ptr);
    this.replayTarget = target;
    this.stop = null;
    const r = this.sys.run();
    this.replayTarget = -1;
    void bps;
    const t = r.reason === "debug" ? this.sys.kernel.currentThread : null;
    return this.stopped({ kind: target === 0 ? "begin" : "replay", thread: t });
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

  /** reverse-continue: back to the last breakpoint hit before the current position. */
  reverseContinue(): StopEvent {
    // The current position itself (a breakpoint we sit on) does not count.
    for (let s = this.steps - 2; s >= 0; s--) {
      const root = this.breakpoints.get(this.logPc[s]);
      if (root === undefined) continue;
      if (root !== 0) {
        const t = this.threadById(this.logTid[s]);
        if (t === null || vspaceRoot(t) !== root) continue;
      }
      const e = this.replayTo(s);
      return { kind: "breakpoint", thread: e.thread };
    }
    return this.replayTo(0);
  }

  // ---- threads ----

  /** Every thread (TCB) of the system but the idle thread, in address order. */
  threads(): Tcb[] {
    const ks = this.sys.kernel.state;
    const out: Tcb[] = [];
    for (const o of ks.objects.values()) {
      if (o instanceof Tcb && o !== ks.idleThread) out.push(o);
    }
    out.sort((a, b) => a.ptr - b.ptr);
    return out;
  }

  threadById(id: number): Tcb | null {
    const o = this.sys.kernel.state.objects.get(id);
    return o instanceof Tcb ? o : null;
  }

  // ---- memory through a thread's VSpace ----

  /** Physical address of `vaddr` in `t`'s VSpace, or -1 if unmapped or not RAM. */
  translate(t: Tcb, vaddr: number): number {
    const root = vspaceRoot(t);
    const mem = this.sys.machine.memory;
    const p = sv39Translate(mem, root, vaddr, ACCESS_READ);
    return p >= 0 && mem.isRam(p, 1) ? p : -1;
  }

  /** Bytes at vaddr in t's VSpace, or null if any of them is unmapped. */
  readMemory(t: Tcb, vaddr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    const mem = this.sys.machine.memory;
    for (let i = 0; i < len; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return i === 0 ? null : out.subarray(0, i);
      out[i] = mem.read8(p);
    }
    return out;
  }

  writeMemory(t: Tcb, vaddr: number, bytes: Uint8Array): boolean {
    const ps: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return false;
      ps.push(p);
    }
    const mem = this.sys.machine.memory;
    for (let i = 0; i < bytes.length; i++) mem.u8[ps[i] - mem.ramBase] = bytes[i];
    return true;
  }

  // ---- breakpoints and watchpoints ----

  addBreakpoint(vaddr: number): void {
    this.breakpoints.set(vaddr, this.focus === null ? 0 : vspaceRoot(this.focus));
  }

  removeBreakpoint(vaddr: number): void {
    this.breakpoints.delete(vaddr);
  }

  /** A write watchpoint on [vaddr, vaddr+len) as mapped in t's VSpace; false if unmapped. */
  addWatch(t: Tcb, vaddr: number, len: number, kind: WatchKind = "write"): boolean {
    const paddrs: number[] = [];
    for (let i = 0; i < len; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return false;
      paddrs.push(p);
    }
    this.watches.push({ vaddr, len, kind, paddrs });
    return true;
  }

  removeWatch(vaddr: number, len: number, kind: WatchKind = "write"): void {
    const i = this.watches.findIndex((w) => w.vaddr === vaddr && w.len === len && w.kind === kind);
    if (i >= 0) this.watches.splice(i, 1);
  }

  /** The watchpoint the next instruction of `t` would access, if any. */
  private accessedWatch(t: Tcb): Watch | null {
    const a = nextAccess(this, t);
    if (a === null) return null;
    for (const w of this.watches) {
      if (w.kind === "write" && !a.write) continue;
      if (w.kind === "read" && !a.read) continue;
      for (let i = 0; i < a.size; i++) {
        const p = this.translate(t, a.addr + i);
        if (p >= 0 && w.paddrs.includes(p)) return w;
      }
    }
    return null;
  }
}
