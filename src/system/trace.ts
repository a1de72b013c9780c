// A kernel observer that records a run in the Chrome / Perfetto trace-event JSON format
// (https://ui.perfetto.dev opens it).
//
// Layout: one process (the system) and one thread track per TCB. While a thread has the CPU its
// track shows a slice named after it (the idle thread's track is "idle"); each kernel entry it makes
// is a child slice named by its syscall or invocation ("seL4_Call", "TCB_WriteRegisters", "timer
// interrupt", "VM fault"). Messages and signals are flow arrows from the sender's kernel entry to
// the receiver: into its kernel entry when it is the thread in the kernel (a Recv that found a
// sender waiting), else to the moment it next runs. Faults and scheduling-context accounting are
// instants on the thread concerned, and each SC's available budget is a counter.
//
// With several cores (KernelMaxNumNodes > 1) a second process, "cores", has a track per core
// ("CPU n") whose slices name the thread that core runs; the thread tracks stay as they are (a
// thread runs on one core at a time, so its slices never overlap). Each core's idle thread has
// its own track, "idle (CPU n)". Kernel entries happen on the selected hart (Machine.hart).
//
// Determinism: every timestamp comes from the simulated clock (ticks and the cycles charged within
// a tick, so 1 ns resolution) and the events are written in a fixed order, so the same run gives
// the same bytes.

import {
  cap_endpoint_cap,
  cap_notification_cap,
  cap_reply_cap,
  capTypeName,
  KERNEL_TIMER_IRQ,
  seL4_Fault_CapFault,
  seL4_Fault_Timeout,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
} from "../abi/index.ts";
import { seL4_SysNBSend, seL4_SysSend, seL4_SysYield } from "../abi/syscalls.ts";
import {
  ENTRY_INTERRUPT,
  ENTRY_SYSCALL,
  ENTRY_THREAD_RETURNED,
  ENTRY_USER_EXCEPTION,
  ENTRY_VM_FAULT,
  IPC_CALL,
  IPC_REPLY,
  SC_CHARGE,
  SC_EXHAUSTED,
  SC_RELEASED,
  SC_THROTTLED,
  type KernelTrace,
} from "../kernel/events.ts";
import type { Notification, SchedContext, Tcb } from "../kernel/structures.ts";
import { CPU_CLOCK_HZ, CYCLES_PER_TICK } from "../machine/clock.ts";
import type { Machine } from "../machine/machine.ts";
import { faultName, hexWord, invocationName, syscallName } from "./trace-names.ts";
import { metaEvents, TRACE_PID, traceDocument } from "./trace-json.js";

export interface TraceOptions {
  /** The process track's name (e.g. the system file's name). */
  processName?: string;
  /** Stop recording after about this many events (the file says it was truncated). */
  maxEvents?: number;
  /** Also hands each event to `sink` as it is recorded (a supervisor keeping what a stuck run recorded). */
  sink?: TraceSink;
}

/** Receives a trace as it is recorded: enough to write the file (traceDocument) if the run never ends. */
export interface TraceSink {
  /** An event, as JSON text. */
  event(json: string): void;
  /** A thread track's name, when the track appears and whenever the name it runs under changes. */
  thread(tid: number, name: string): void;
}

const PID = TRACE_PID;
/** The process of the per-core tracks (multicore runs only); core c is its thread c + 1. */
const CORES_PID = 2;
const NS_PER_CYCLE = 1e9 / CPU_CLOCK_HZ;
const NS_PER_TICK = CYCLES_PER_TICK * NS_PER_CYCLE;
/** Timer ticks per microsecond; dividing by it keeps decimal values exact in the text (15.6, not 15.600000000000001). */
const TICKS_PER_US = 1000 / NS_PER_TICK;
/** Signals remembered per notification until a thread takes them; more merge into the word anyway. */
const MAX_PENDING_SIGNALS = 16;

type Args = Record<string, string | number | boolean>;

interface Track {
  readonly tid: number;
  readonly tcb: Tcb;
  /** Start (ns) of its latest kernel entry: flows from it start in that slice. */
  lastEntryNs: number;
  /** Flows that end when it next runs. */
  pending: Flow[];
  /** The name last given to the sink (TraceOptions.sink). */
  sunkName: string;
}

interface Flow {
  name: string;
  cat: string;
  srcTid: number;
  srcNs: number;
}

interface Source {
  tid: number;
  ns: number;
}

export class Tracer implements KernelTrace {
  private readonly lines: string[] = [];
  private readonly times: number[] = [];
  private readonly tracks = new Map<Tcb, Track>();
  private readonly order: Track[] = [];
  private readonly processName: string;
  private readonly maxEvents: number;
  /** Per core: the thread it runs (null before the first or after the end) and its slice's name. */
  private readonly running: (Track | null)[];
  private readonly runningName: string[];
  private readonly cores: number;
  // The kernel entry in progress (entryTrack null when none).
  private entryTrack: Track | null = null;
  private entryNs = 0;
  private entryKind = 0;
  private entrySyscall = 0;
  private entryName = "";
  private entryArgs: Args | null = null;
  private nextFlowId = 1;
  private readonly pendingSignals = new Map<Notification, Source[]>();
  private readonly scNames = new Map<SchedContext, string>();
  private stopped = false;
  private truncated = false;
  private output: string | null = null;
  private readonly sink: TraceSink | undefined;

  constructor(
    private readonly machine: Machine,
    opts: TraceOptions = {},
  ) {
    this.processName = opts.processName ?? "sel4ts";
    // About 130 MB of JSON: what the Perfetto UI still opens comfortably.
    this.maxEvents = opts.maxEvents ?? 1_000_000;
    this.sink = opts.sink;
    this.cores = machine.numHarts;
    this.running = new Array<Track | null>(this.cores).fill(null);
    this.runningName = new Array<string>(this.cores).fill("");
  }

  /** Events recorded so far. */
  get eventCount(): number {
    return this.lines.length;
  }

  /** Recording stopped at maxEvents before the run ended. */
  get isTruncated(): boolean {
    return this.truncated;
  }

  // ---- KernelTrace ----

  entry(thread: Tcb, kind: number, detail: number): void {
    if (this.stopped) return;
    const t = this.track(thread);
    const ns = this.now();
    // A thread the tracer has not seen take the CPU (a test driving the kernel by hand, or a core
    // a remote stall switched to its idle thread) gets it now.
    if (this.running[this.machine.hart] !== t) this.switchTo(t, ns);
    t.lastEntryNs = ns;
    this.entryTrack = t;
    this.entryNs = ns;
    this.entryKind = kind;
    this.entrySyscall = 0;
    this.entryArgs = null;
    switch (kind) {
      case ENTRY_SYSCALL:
        this.entrySyscall = detail;
        this.entryName = syscallName(detail);
        break;
      case ENTRY_INTERRUPT:
        this.entryName = "interrupt";
        break;
      case ENTRY_VM_FAULT:
        this.entryName = "VM fault";
        this.entryArgs = { addr: hexAddr(detail) };
        break;
      case ENTRY_USER_EXCEPTION:
        this.entryName = "user exception";
        this.entryArgs = { cause: detail };
        break;
      case ENTRY_THREAD_RETURNED:
        this.entryName = "thread returned (suspend)";
        break;
      default:
        this.entryName = "kernel entry";
    }
  }

  invocation(capType: number, label: number): void {
    if (this.stopped || this.entryTrack === null) return;
    const args: Args = this.entryArgs ?? {};
    this.entryArgs = args;
    args.cap = capTypeName(capType);
    if (capType === cap_endpoint_cap) {
      args.label = label;
    } else if (capType === cap_notification_cap) {
      if (this.entrySyscall === seL4_SysSend || this.entrySyscall === seL4_SysNBSend)
        this.entryName = "seL4_Signal";
    } else if (capType !== cap_reply_cap) {
      args.syscall = this.entryName;
      this.entryName = invocationName(label);
    }
  }

  irq(irq: number): void {
    if (this.stopped || this.entryTrack === null) return;
    const name = irq === KERNEL_TIMER_IRQ ? "timer interrupt" : `IRQ ${irq}`;
    if (this.entryKind === ENTRY_INTERRUPT) {
      this.entryName = name;
      this.entryArgs = { irq };
    } else {
      // Taken at a preemption point inside a long syscall.
      this.instant(this.entryTrack, name, "kernel", { irq });
    }
  }

  exit(next: Tcb): void {
    if (this.stopped) return;
    const ns = this.now();
    this.closeEntry(ns);
    const t = this.track(next);
    if (this.running[this.machine.hart] !== t) this.switchTo(t, ns);
    if (t.pending.length > 0) {
      // Just inside its slice, which starts at `ns`.
      for (const f of t.pending) this.flow(f, t.tid, ns + 1);
      t.pending = [];
    }
    if (this.lines.length >= this.maxEvents) this.stop(ns, true);
  }

  ipc(sender: Tcb, receiver: Tcb, kind: number): void {
    if (this.stopped) return;
    const s = this.track(sender);
    let name: string;
    if (kind === IPC_REPLY) name = receiver.faultType !== 0 ? "fault reply" : "reply";
    else if (sender.faultType !== 0) name = faultName(sender.faultType);
    else name = kind === IPC_CALL ? "call" : "send";
    this.flowTo({ name, cat: "ipc", srcTid: s.tid, srcNs: s.lastEntryNs }, receiver);
  }

  signal(n: Notification, woken: Tcb | null): void {
    const src = this.entryTrack;
    if (this.stopped || src === null) return;
    if (woken !== null) {
      this.flowTo({ name: "signal", cat: "notification", srcTid: src.tid, srcNs: this.entryNs }, woken);
      return;
    }
    let list = this.pendingSignals.get(n);
    if (list === undefined) {
      list = [];
      this.pendingSignals.set(n, list);
    }
    if (list.length < MAX_PENDING_SIGNALS) list.push({ tid: src.tid, ns: this.entryNs });
  }

  signalConsumed(n: Notification, t: Tcb): void {
    if (this.stopped) return;
    const list = this.pendingSignals.get(n);
    if (list === undefined) return;
    this.pendingSignals.delete(n);
    for (const s of list) this.flowTo({ name: "signal", cat: "notification", srcTid: s.tid, srcNs: s.ns }, t);
  }

  fault(t: Tcb, type: number, w0Hi: number, w0Lo: number, w1: number, w2: number, hasHandler: boolean): void {
    if (this.stopped) return;
    const args: Args = { type };
    switch (type) {
      case seL4_Fault_CapFault:
        args.cptr = hexWord(w0Hi, w0Lo);
        args.in_receive_phase = w1 !== 0;
        break;
      case seL4_Fault_UnknownSyscall:
        args.syscall = hexWord(w0Hi, w0Lo);
        break;
      case seL4_Fault_UserException:
        args.number = w1;
        args.code = w2;
        break;
      case seL4_Fault_Timeout:
        args.badge = hexWord(w0Hi, w0Lo);
        if (t.sc !== null) args.sc = this.scName(t.sc);
        break;
      case seL4_Fault_VMFault:
        args.addr = hexWord(w0Hi, w0Lo);
        args.instruction_fault = w1 !== 0;
        args.fsr = w2;
        break;
    }
    args.handler = hasHandler ? "fault message sent" : "none: thread stopped";
    this.instant(this.track(t), faultName(type), "fault", args);
  }

  sched(kind: number, sc: SchedContext, ticks: number): void {
    if (this.stopped) return;
    const owner = sc.tcb !== null ? this.track(sc.tcb) : (this.entryTrack ?? this.running[this.machine.hart]);
    const available = availableTicks(sc, this.machine.clock.now) / TICKS_PER_US;
    const args: Args = { sc: this.scName(sc) };
    let name: string;
    switch (kind) {
      case SC_CHARGE:
        name = "refill charge";
        args.charged_us = ticks / TICKS_PER_US;
        break;
      case SC_EXHAUSTED:
        name = this.entrySyscall === seL4_SysYield ? "yield: timeslice given up" : "budget exhausted";
        args.charged_us = ticks / TICKS_PER_US;
        args.consumed_us = sc.consumed / TICKS_PER_US;
        break;
      case SC_THROTTLED:
        name = "throttled";
        if (sc.refillMax > 0) args.until_us = sc.refills[sc.refillHead].rTime / TICKS_PER_US;
        break;
      case SC_RELEASED:
        name = "released";
        break;
      default:
        name = "sched";
    }
    args.available_us = available;
    if (sc.refillMax > 0) args.period_us = sc.period / TICKS_PER_US;
    if (owner !== null) this.instant(owner, name, "sched", args);
    const ns = this.now();
    this.push(ns, {
      name: `budget ${this.scName(sc)}`,
      ph: "C",
      ts: ns / 1000,
      pid: PID,
      args: { us: available },
    });
  }

  // ---- output ----

  /**
   * The trace as JSON text. Ends recording: open slices close at the current simulated time.
   * Calling it again gives the same text.
   */
  toJSON(): string {
    if (this.output !== null) return this.output;
    if (!this.stopped) {
      const ns = this.now();
      this.closeEntry(ns);
      this.stop(ns, false);
    }
    const meta = metaEvents(
      PID,
      this.processName,
      this.order.map(
        (t) => [t.tid, this.cores > 1 ? coreTrackName(t.tcb, t.tcb.affinity) : trackName(t.tcb)] as const,
      ),
    );
    if (this.cores > 1)
      meta.push(
        ...metaEvents(
          CORES_PID,
          "cores",
          Array.from({ length: this.cores }, (_, c) => [c + 1, `CPU ${c}`] as const),
        ),
      );
    // Stable by time: events of one instant keep the order they happened in.
    const idx = this.lines.map((_, i) => i);
    const times = this.times;
    idx.sort((a, b) => times[a] - times[b] || a - b);
    this.output = traceDocument(
      meta,
      idx.map((i) => this.lines[i]),
      { truncated: this.truncated },
    );
    return this.output;
  }

  // ---- internals ----

  /** Simulated time in ns: whole timer ticks plus the cycles charged since the last one. */
  private now(): number {
    const c = this.machine.clock;
    return c.now * NS_PER_TICK + c.remainder * NS_PER_CYCLE;
  }

  private track(t: Tcb): Track {
    let tr = this.tracks.get(t);
    if (tr === undefined) {
      tr = { tid: this.order.length + 2, tcb: t, lastEntryNs: 0, pending: [], sunkName: trackName(t) };
      this.tracks.set(t, tr);
      this.order.push(tr);
      if (this.sink !== undefined) this.sink.thread(tr.tid, tr.sunkName);
    }
    return tr;
  }

  private push(ns: number, ev: object): void {
    const json = JSON.stringify(ev);
    this.lines.push(json);
    this.times.push(ns);
    if (this.sink !== undefined) this.sink.event(json);
  }

  /** The selected hart now runs `t`. */
  private switchTo(t: Track, ns: number): void {
    const core = this.machine.hart;
    this.endRunning(core, ns);
    // Still shown on another core (which a remote stall or a migration took it from without that
    // core's kernel exit): it left that core now.
    for (let c = 0; c < this.cores; c++) if (this.running[c] === t) this.endRunning(c, ns);
    const tcb = t.tcb;
    const args: Args = { tcb: `0x${tcb.ptr.toString(16)}`, priority: tcb.priority };
    const name = this.cores > 1 ? coreTrackName(tcb, core) : trackName(tcb);
    this.runningName[core] = name;
    if (this.sink !== undefined && t.sunkName !== name) {
      t.sunkName = name;
      this.sink.thread(t.tid, name);
    }
    this.push(ns, { name, cat: "thread", ph: "B", ts: ns / 1000, pid: PID, tid: t.tid, args });
    if (this.cores > 1)
      this.push(ns, { name, cat: "cpu", ph: "B", ts: ns / 1000, pid: CORES_PID, tid: core + 1, args });
    this.running[core] = t;
  }

  /** The E of the running slice carries its B's name, even if the thread was renamed since. */
  private endRunning(core: number, ns: number): void {
    const prev = this.running[core];
    if (prev === null) return;
    const name = this.runningName[core];
    this.push(ns, { name, cat: "thread", ph: "E", ts: ns / 1000, pid: PID, tid: prev.tid });
    if (this.cores > 1)
      this.push(ns, { name, cat: "cpu", ph: "E", ts: ns / 1000, pid: CORES_PID, tid: core + 1 });
    this.running[core] = null;
  }

  private closeEntry(ns: number): void {
    const t = this.entryTrack;
    if (t === null) return;
    const ev: Record<string, unknown> = {
      name: this.entryName,
      cat: "kernel",
      ph: "X",
      ts: this.entryNs / 1000,
      dur: (ns - this.entryNs) / 1000,
      pid: PID,
      tid: t.tid,
    };
    if (this.entryArgs !== null) ev.args = this.entryArgs;
    this.push(this.entryNs, ev);
    this.entryTrack = null;
  }

  private stop(ns: number, truncated: boolean): void {
    for (let c = 0; c < this.cores; c++) this.endRunning(c, ns);
    this.entryTrack = null;
    this.stopped = true;
    this.truncated = truncated;
  }

  /** A flow to `dst`: into its kernel entry if it is the thread in the kernel, else when it next runs. */
  private flowTo(f: Flow, dst: Tcb): void {
    const d = this.track(dst);
    if (d.tid === f.srcTid) return;
    if (this.entryTrack === d) this.flow(f, d.tid, this.entryNs + 2);
    else d.pending.push(f);
  }

  /** Both ends at once, so that every flow in the file is complete. */
  private flow(f: Flow, dstTid: number, dstNs: number): void {
    const id = this.nextFlowId++;
    // 1 ns into the source's kernel entry, so that it binds to that slice.
    const srcNs = f.srcNs + 1;
    this.push(srcNs, { name: f.name, cat: f.cat, ph: "s", id, ts: srcNs / 1000, pid: PID, tid: f.srcTid });
    this.push(dstNs, {
      name: f.name,
      cat: f.cat,
      ph: "f",
      bp: "e",
      id,
      ts: dstNs / 1000,
      pid: PID,
      tid: dstTid,
    });
  }

  private instant(t: Track, name: string, cat: string, args: Args): void {
    const ns = this.now();
    this.push(ns, { name, cat, ph: "i", s: "t", ts: ns / 1000, pid: PID, tid: t.tid, args });
  }

  private scName(sc: SchedContext): string {
    let n = this.scNames.get(sc);
    if (n === undefined) {
      const owner = sc.tcb !== null ? ` (${trackName(sc.tcb)})` : "";
      n = `sc@0x${sc.ptr.toString(16)}${owner}`;
      this.scNames.set(sc, n);
    }
    return n;
  }
}

/** The name a thread's track and slices carry: its seL4_DebugNameThread name, else its address. */
function trackName(t: Tcb): string {
  if (t.ptr === 0 && t.name === "idle_thread") return "idle";
  return t.name !== "" ? t.name : `tcb@0x${t.ptr.toString(16)}`;
}

/** With several cores: as trackName, but each core's idle thread says which core it idles. */
function coreTrackName(t: Tcb, core: number): string {
  return t.ptr === 0 && t.name === "idle_thread" ? `idle (CPU ${core})` : trackName(t);
}

function hexAddr(a: number): string {
  return `0x${a.toString(16)}`;
}

/** Budget the SC can use now: its released refills (for round robin, the head). */
function availableTicks(sc: SchedContext, now: number): number {
  if (sc.refillMax === 0) return 0;
  const r = sc.refills;
  if (sc.period === 0) return r[sc.refillHead].rAmount;
  let sum = 0;
  for (let i = sc.refillHead; ; i = i === sc.refillMax - 1 ? 0 : i + 1) {
    if (r[i].rTime <= now) sum += r[i].rAmount;
    if (i === sc.refillTail) return sum;
  }
}
