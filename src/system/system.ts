// A whole simulated system: one machine, one kernel, the TS engine, and the run loop that ties
// them together (DESIGN.md "Three layers and one loop"). This is trusted glue: it hands traps to
// the kernel and asks it which thread runs next; it never reaches into kernel objects otherwise.

import { NextIP } from "../abi/registers.ts";
import { Kernel } from "../kernel/kernel.ts";
import type { Tcb } from "../kernel/structures.ts";
import {
  MAX_RAM_MIB,
  MIN_RAM_MIB,
  resolveKernelConfig,
  type KernelConfig,
  type ResolvedKernelConfig,
} from "../abi/config.ts";
import type { RootImage } from "../kernel/boot.ts";
import { InvariantMonitor } from "../kernel/invariants-monitor.ts";
import { suspendCurrentThread } from "../kernel/exit.ts";
import { Machine } from "../machine/machine.ts";
import { ACCESS_READ } from "../machine/mmu.ts";
import { elfImage, parseElf } from "../machine/elf.ts";
import type { HartConfig } from "../machine/riscv/cpu.ts";
import { EXIT_USER_EXCEPTION, RvEngine } from "./rv-engine.ts";
import { Tracer, type TraceOptions } from "./trace.ts";
import { WATCH_ENTRIES, WATCH_THREAD, WATCH_TICKS, type RunWatch } from "./watch.ts";

export { WATCH_ENTRIES, WATCH_THREAD, WATCH_TICKS, type RunWatch };
import { runHarts } from "./harts.ts";
import { rootTaskEntry, type RootMain } from "../user/root.ts";
import { rt } from "../user/runtime.ts";
import {
  EXIT_EXCEPTION,
  EXIT_INTERRUPT,
  EXIT_RETURNED,
  EXIT_SYSCALL,
  EXIT_VMFAULT,
  NOT_PARKED,
  TRAP_NONE,
  TsEngine,
} from "./ts-engine.ts";

export type { KernelConfig, ResolvedKernelConfig };

const MiB = 1024 * 1024;

export interface SystemOptions {
  /** RAM in bytes; overrides kernelConfig.ramMiB (which is the usual way to say it). */
  ramSize?: number;
  /** Stop after this much simulated time, in timer ticks. */
  maxTicks?: number;
  /** Run the kernel invariant checker after every kernel entry (InvariantMonitor). */
  checkInvariants?: boolean;
  /** With checkInvariants: also a whole check every this many entries (default: only the first). */
  invariantsWholeEvery?: number;
  /** Tests: after every entry both the incremental and the whole check, which must agree. */
  invariantsCompare?: boolean;
  /** Bytes from seL4_DebugPutChar. */
  onConsole?: (byte: number) => void;
  /** Diagnostics a debug kernel prints, and user program errors. */
  onDiagnostic?: (text: string) => void;
  /**
   * The lines a debug seL4 kernel prints on its console for user errors (`<<seL4(CPU 0) [...]: ...>>`),
   * each without its newline, at the moment of the run the real kernel prints it. Without a
   * listener the kernel formats nothing.
   */
  onKernelLog?: (line: string) => void;
  imagePages?: number;
  /**
   * Bytes for the UART's receiver (the CLI's stdin). They arrive at `inputAt`: a tick count, or
   * "idle" (the default) for the first moment the system is idle (every thread blocked), i.e. once
   * the program has set itself up and waits. All at once, or one byte every `inputInterval` ticks.
   */
  input?: Uint8Array;
  inputAt?: number | "idle";
  inputInterval?: number;
  /** Record a trace of the run (`System.tracer`); without it the kernel reports nothing extra. */
  trace?: TraceOptions;
  /** Kernel build options (src/abi/config.ts): FPU, root CNode size, domains, nodes, RAM, ... */
  kernelConfig?: KernelConfig;
  /** The RV64 hart's options (cycles per instruction, slice length). */
  hart?: HartConfig;
  /**
   * Translate hot RV64 code into JavaScript (default false: it wins on long-running compute, and
   * loses on code that runs briefly, such as sel4test, where compiling costs more than it saves).
   * Where `new Function` is forbidden the interpreter runs everything. Results, traces and
   * consoles are the same either way. "wasm" translates into WebAssembly instead (RAM then lives in
   * a WebAssembly.Memory; where WebAssembly cannot run, JavaScript, then the interpreter, is used),
   * "js" (as true) into JavaScript.
   */
  jit?: boolean | "js" | "wasm";
  /**
   * With several cores (kernelConfig.numNodes > 1): the length of a hart's turn in timer ticks
   * (default 100, i.e. 10 µs). Harts run one at a time, in turns, on one simulated clock.
   */
  quantumTicks?: number;
  /**
   * Input that arrives while the system runs (a pipe): polled at each idle moment, and waited for
   * when the system would otherwise end idle while a driver has the UART's receive interrupt on.
   */
  inputStream?: InputStream;
  /** A supervisor's view of the run (see RunWatch); without it the loop pays one null check. */
  watch?: RunWatch;
  /**
   * A TS thread's code threw: `thread` stops with a user exception fault. Without this handler the
   * error goes to onDiagnostic.
   */
  onUserError?: (thread: Tcb, error: unknown) => void;
}

/** Bytes that arrive during the run (see SystemOptions.inputStream). */
export interface InputStream {
  /** The bytes that have arrived since the last call (possibly none), or null at end of input. */
  poll(): Uint8Array | null;
  /** Block until something arrives or the input ends (then poll() tells which). */
  wait(): void;
}

export type StopReason = "halt" | "idle" | "max-time" | "invariant" | "stopped" | "debug";

/**
 * A debugger's view of the loop (src/system/debug). Only consulted when `System.debug` is set: once
 * per run of an RV64 thread (which a debugger limits to one instruction) or of a TS thread, and
 * before each jump of the clock while every thread waits; by the one-core loop and the multicore
 * one (src/system/harts.ts) alike. Detached, the loop pays one null test per engine run (the
 * multicore loop, of a local) and the hart nothing.
 */
export interface DebugHook {
  /** Before RV64 thread `t` runs; true stops the run here (run() returns reason "debug"). */
  beforeRv(t: Tcb): boolean;
  /** After it ran (its registers are back in its TCB), before the kernel handles its exit. */
  afterRv(t: Tcb, exit: number): void;
  /** Before TS thread `t` runs (to its next kernel entry); true stops the run here. */
  beforeTs(t: Tcb): boolean;
  /** After it ran (from `pcBefore`), before the kernel handles its exit. */
  afterTs(t: Tcb, pcBefore: number): void;
  /** Before the clock jumps to the next event, every thread waiting; true stops the run here. */
  beforeIdle(): boolean;
}

export interface RunResult {
  reason: StopReason;
  ticks: number;
  kernelEntries: number;
  message?: string;
}

export class System {
  readonly machine: Machine;
  readonly kernel: Kernel;
  readonly engine: TsEngine;
  /** Runs every thread that is not a TS thread: RV64 machine code. */
  readonly rv: RvEngine;
  /** The kernel configuration this system was built with, every default filled in. */
  readonly config: ResolvedKernelConfig;
  private readonly opts: SystemOptions;
  preemptions = 0;
  readonly tracer: Tracer | null;
  // Input waiting for the system's first idle moment (inputAt "idle"), else null.
  private inputOnIdle: Uint8Array | null = null;
  /** The attached debugger, if any (see DebugHook). */
  debug: DebugHook | null = null;

  constructor(opts: SystemOptions = {}) {
    this.opts = opts;
    const onConsole = opts.onConsole ?? (() => undefined);
    const ram = opts.ramSize;
    // A whole number of MiB in range is recorded in the configuration; other sizes (small test
    // machines) only size the machine.
    const mib = ram !== undefined ? ram / MiB : NaN;
    const ramMiB = Number.isInteger(mib) && mib >= MIN_RAM_MIB && mib <= MAX_RAM_MIB ? { ramMiB: mib } : {};
    this.config = resolveKernelConfig({ ...opts.kernelConfig, ...ramMiB });
    this.machine = new Machine({
      ramSize: ram ?? this.config.ramBytes,
      numHarts: this.config.numNodes,
      wasmRam: opts.jit === "wasm",
      onConsoleByte: onConsole,
      onUartByte: onConsole,
    });
    const diag = opts.onDiagnostic ?? (() => undefined);
    this.tracer = opts.trace !== undefined ? new Tracer(this.machine, opts.trace) : null;
    this.kernel = new Kernel(
      this.machine,
      {
        putChar: (b) => this.machine.consolePutChar(b),
        diagnostic: diag,
        kernelLog: opts.onKernelLog,
        halt: () => undefined,
        preempted: () => {
          this.preemptions++;
        },
        trace: this.tracer ?? undefined,
      },
      this.config,
    );
    this.engine = new TsEngine(this.machine);
    this.rv = new RvEngine(
      this.machine,
      opts.hart,
      this.config.fpu,
      (opts.jit ?? false) !== false,
      opts.jit === "wasm" ? "wasm" : "js",
    );
    this.rv.hart.stopAt = opts.maxTicks ?? Infinity;
    const input = opts.input;
    if (input !== undefined && input.length > 0) {
      const at = opts.inputAt ?? "idle";
      if (at === "idle") this.inputOnIdle = input;
      else this.machine.scheduleInput(input, at, opts.inputInterval ?? 0);
    }
  }

  /** Boot with a TypeScript root task whose main receives the boot info. */
  boot(main: RootMain): void {
    rt.entries.clear();
    const r = this.kernel.boot({ imagePages: this.opts.imagePages });
    rt.entries.set(r.entry, rootTaskEntry(main));
  }

  /**
   * Boot with a root task ELF (RV64 machine code), loaded as seL4's loader would: its segments
   * flattened into one page-aligned image, entry pc = the ELF entry, a0 = boot info.
   */
  bootElf(bytes: Uint8Array): void {
    this.bootImage(elfImage(parseElf(bytes)));
  }

  /** Boot with a root task image already laid out (see elfImage). */
  bootImage(image: RootImage): void {
    rt.entries.clear();
    this.kernel.boot({ image });
  }

  /**
   * Run until halt, idle with nothing pending, or the time limit: `maxTicks`, or `untilTicks` if
   * sooner (the playground runs a system in slices of simulated time this way; a later call goes
   * on from where this one stopped).
   */
  run(untilTicks = Infinity): RunResult {
    if (this.kernel.numNodes > 1) return runHarts(this, this.opts.quantumTicks ?? 100);
    const k = this.kernel;
    const m = this.machine;
    const maxTicks = Math.min(this.opts.maxTicks ?? Infinity, untilTicks);
    this.rv.hart.stopAt = maxTicks;
    const check = this.opts.checkInvariants === true;
    const monitor = check ? this.invariantMonitor() : null;
    // Without invariant checks or a trace, nothing needs to look at the system between two kernel
    // entries, so TS threads may hand over to each other without a full round of this loop.
    const dbg = this.debug;
    const fast = !check && this.tracer === null && dbg === null;
    const watch = this.opts.watch ?? null;
    const stream = this.opts.inputStream ?? null;
    let streamEnded = stream === null;
    for (;;) {
      if (k.halted) return this.result("halt");
      if (m.clock.now >= maxTicks) return this.result("max-time");
      if (watch !== null && watch.stop[0] !== 0) return this.result("stopped");
      if (m.interruptPending()) {
        k.interruptTrap();
      } else if (k.isIdle) {
        if (this.inputOnIdle !== null) {
          this.machine.scheduleInput(this.inputOnIdle, m.clock.now, this.opts.inputInterval ?? 0);
          this.inputOnIdle = null;
          continue;
        }
        if (!streamEnded && m.inputScheduled === 0) {
          // Piped input: what has arrived by this idle moment enters the UART now; when nothing
          // else could ever wake the system and a driver listens, wait for more.
          let bytes = (stream as InputStream).poll();
          if (
            bytes !== null &&
            bytes.length === 0 &&
            m.nextEventTime() === Infinity &&
            m.uart.receiveInterruptEnabled
          ) {
            (stream as InputStream).wait();
            if (watch !== null && watch.stop[0] !== 0) continue;
            bytes = (stream as InputStream).poll();
          }
          if (bytes === null) streamEnded = true;
          else if (bytes.length > 0) {
            m.scheduleInput(bytes, m.clock.now, this.opts.inputInterval ?? 0);
            continue;
          }
        }
        if (dbg !== null && dbg.beforeIdle()) return this.result("debug");
        const next = m.nextEventTime();
        if (next === Infinity) return this.result("idle");
        m.clock.advanceTo(Math.min(next, maxTicks));
        continue;
      } else {
        let t = k.currentThread;
        let eng: TsEngine | RvEngine = this.engine;
        if (watch !== null) this.publish(watch, t);
        let exit = fast ? this.engine.resumeSyscall(t) : NOT_PARKED;
        if (exit === NOT_PARKED) {
          // A TS thread is one parked in the TS engine or starting at a registered TS entry; every
          // other thread runs machine code on the RV64 hart. A TS entry's address either is not
          // mapped or holds a zero word (the TS Microkit image page): an ELF PD starting at the
          // same address (0x200000) has an instruction there, never 0, which is illegal.
          const ts = this.engine.owns(t) || (rt.entries.has(pcOf(t)) && this.tsEntryPage(pcOf(t)));
          eng = ts ? this.engine : this.rv;
          if (dbg !== null) {
            if (ts ? dbg.beforeTs(t) : dbg.beforeRv(t)) return this.result("debug");
            const pc = pcOf(t);
            exit = eng.run(t);
            if (ts) dbg.afterTs(t, pc);
            else dbg.afterRv(t, exit);
          } else exit = eng.run(t);
        }
        if (fast && eng === this.engine) {
          // The IPC hot path: TS threads handing over to each other through syscalls, without
          // this loop's full round between them; what the loop would check in between (halt, time
          // limit, interrupts, idle, a thread the engine cannot simply resume) ends it.
          while (exit === EXIT_SYSCALL && !m.interruptPending()) {
            k.syscallTrap();
            exit = TRAP_NONE;
            if (k.halted || m.clock.now >= maxTicks || m.interruptPending()) break;
            const next = k.currentThread;
            if (watch !== null) {
              if (watch.stop[0] !== 0) break;
              this.publish(watch, next);
            }
            const resumed = this.engine.resumeSyscall(next);
            if (resumed === NOT_PARKED) break;
            t = next;
            exit = resumed;
          }
        }
        switch (exit) {
          case EXIT_SYSCALL:
            // An interrupt that became pending while the thread ran (a timer deadline passed, a
            // device raised its line) is taken before its ecall executes, as on a hart that checks
            // interrupts at every instruction boundary: the thread stays at the ecall and issues it
            // when it next runs.
            if (m.interruptPending()) k.interruptTrap();
            else k.syscallTrap();
            break;
          case EXIT_INTERRUPT:
            // The engine stops at every machine event; input the UART does not signal is no interrupt.
            if (m.interruptPending()) k.interruptTrap();
            break;
          case EXIT_VMFAULT:
            k.vmFaultTrap(eng.faultAddr, eng.faultAccess);
            break;
          case EXIT_USER_EXCEPTION:
            k.userExceptionTrap(this.rv.exceptionCause);
            break;
          case EXIT_EXCEPTION:
            if (this.opts.onUserError !== undefined) this.opts.onUserError(t, this.engine.lastError);
            else
              this.opts.onDiagnostic?.(
                `user program error in thread "${t.name}": ${describe(this.engine.lastError)}`,
              );
            k.userExceptionTrap(2);
            break;
          case EXIT_RETURNED:
            suspendCurrentThread(k);
            break;
        }
      }
      if (monitor !== null) {
        const problem = monitor.check();
        if (problem !== null) return this.result("invariant", problem);
      }
    }
  }

  /**
   * Runs the current thread of the selected hart until it traps, and hands the trap to the kernel
   * (the body of run()'s loop without its one-core shortcuts; used by the multicore loop).
   */
  step(): void {
    const t = this.kernel.currentThread;
    const ts = this.engine.owns(t) || (rt.entries.has(pcOf(t)) && this.tsEntryPage(pcOf(t)));
    const eng: TsEngine | RvEngine = ts ? this.engine : this.rv;
    this.handleExit(t, eng, eng.run(t));
  }

  /**
   * step() with a debugger attached (the multicore loop calls it instead of step() then, so that
   * an undebugged run pays nothing): true when the debugger stops the run before the thread runs.
   */
  debugStep(dbg: DebugHook): boolean {
    const t = this.kernel.currentThread;
    const ts = this.engine.owns(t) || (rt.entries.has(pcOf(t)) && this.tsEntryPage(pcOf(t)));
    if (ts ? dbg.beforeTs(t) : dbg.beforeRv(t)) return true;
    const eng: TsEngine | RvEngine = ts ? this.engine : this.rv;
    const pc = pcOf(t);
    const exit = eng.run(t);
    if (ts) dbg.afterTs(t, pc);
    else dbg.afterRv(t, exit);
    this.handleExit(t, eng, exit);
    return false;
  }

  private handleExit(t: Tcb, eng: TsEngine | RvEngine, exit: number): void {
    const k = this.kernel;
    const m = this.machine;
    switch (exit) {
      case EXIT_SYSCALL:
        if (m.interruptPending()) k.interruptTrap();
        else k.syscallTrap();
        break;
      case EXIT_INTERRUPT:
        if (m.interruptPending()) k.interruptTrap();
        break;
      case EXIT_VMFAULT:
        k.vmFaultTrap(eng.faultAddr, eng.faultAccess);
        break;
      case EXIT_USER_EXCEPTION:
        k.userExceptionTrap(this.rv.exceptionCause);
        break;
      case EXIT_EXCEPTION:
        if (this.opts.onUserError !== undefined) this.opts.onUserError(t, this.engine.lastError);
        else
          this.opts.onDiagnostic?.(
            `user program error in thread "${t.name}": ${describe(this.engine.lastError)}`,
          );
        k.userExceptionTrap(2);
        break;
      case EXIT_RETURNED:
        suspendCurrentThread(k);
        break;
    }
  }

  /** Whether a watcher asked the run to stop (SystemOptions.watch). */
  stopRequested(): boolean {
    const w = this.opts.watch;
    return w !== undefined && w.stop[0] !== 0;
  }

  /** Input waiting for the first moment every hart is idle, handed to the UART now; false if none. */
  deliverIdleInput(): boolean {
    if (this.inputOnIdle === null) return false;
    this.machine.scheduleInput(this.inputOnIdle, this.machine.clock.now, this.opts.inputInterval ?? 0);
    this.inputOnIdle = null;
    return true;
  }

  /** The invariant checker's verdict on the kernel state when checks are on, else null. */
  checkNow(): string | null {
    return this.opts.checkInvariants === true ? this.invariantMonitor().check() : null;
  }

  private monitor: InvariantMonitor | null = null;

  /** The checker run after every kernel entry (one per System: its state carries over runs). */
  invariantMonitor(): InvariantMonitor {
    if (this.monitor === null)
      this.monitor = new InvariantMonitor(
        this.kernel.state,
        this.opts.invariantsWholeEvery,
        this.opts.invariantsCompare === true,
      );
    return this.monitor;
  }

  /** Ends a run (the multicore loop's exit). */
  finish(reason: StopReason, message?: string): RunResult {
    return this.result(reason, message);
  }

  private watched: Tcb | null = null;

  /** Tell a watcher which thread is about to run, after how many kernel entries. */
  private publish(watch: RunWatch, t: Tcb): void {
    const p = watch.progress;
    p[WATCH_ENTRIES] = this.kernel.state.entries;
    p[WATCH_TICKS] = this.machine.clock.now;
    if (t !== this.watched) {
      this.watched = t;
      p[WATCH_THREAD] = t.ptr;
      watch.switched(t);
    }
  }

  /** Whether the current address space holds no machine code at a TS entry `pc`. */
  private tsEntryPage(pc: number): boolean {
    const m = this.machine;
    const p = m.translate(pc, ACCESS_READ);
    return p < 0 || !m.memory.isRam(p, 4) || m.memory.read32(p) === 0;
  }

  private result(reason: StopReason, message?: string): RunResult {
    return { reason, ticks: this.machine.clock.now, kernelEntries: this.kernel.state.entries, message };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

export function pcOf(t: Tcb): number {
  return t.regs[2 * NextIP + 1] * 2 ** 32 + t.regs[2 * NextIP];
}
