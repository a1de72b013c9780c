// A whole simulated system: one machine, one kernel, the TS engine, and the run loop that ties
// them together (DESIGN.md "Three layers and one loop"). This is trusted glue: it hands traps to
// the kernel and asks it which thread runs next; it never reaches into kernel objects otherwise.

import { NextIP } from "../abi/registers.ts";
import { Kernel } from "../kernel/kernel.ts";
import type { Tcb } from "../kernel/structures.ts";
import type { KernelConfig } from "../kernel/state.ts";
import type { RootImage } from "../kernel/boot.ts";
import { checkInvariants } from "../kernel/invariants.ts";
import { suspendCurrentThread } from "../kernel/exit.ts";
import { Machine } from "../machine/machine.ts";
import { ACCESS_READ } from "../machine/mmu.ts";
import { elfImage, parseElf } from "../machine/elf.ts";
import type { HartConfig } from "../machine/riscv/cpu.ts";
import { EXIT_USER_EXCEPTION, RvEngine } from "./rv-engine.ts";
import { Tracer, type TraceOptions } from "./trace.ts";
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

export type { KernelConfig };

export interface SystemOptions {
  ramSize?: number;
  /** Stop after this much simulated time, in timer ticks. */
  maxTicks?: number;
  /** Run the kernel invariant checker after every kernel entry. */
  checkInvariants?: boolean;
  /** Bytes from seL4_DebugPutChar. */
  onConsole?: (byte: number) => void;
  /** Diagnostics a debug kernel prints, and user program errors. */
  onDiagnostic?: (text: string) => void;
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
  /** Kernel build options (number of domains and domain schedule entries). */
  kernelConfig?: KernelConfig;
  /** The RV64 hart's options (cycles per instruction, user access to the counters). */
  hart?: HartConfig;
  /**
   * Translate hot RV64 code into JavaScript (experimental, default false until the differential
   * tests exist); false runs every instruction on the interpreter.
   */
  jit?: boolean;
}

export type StopReason = "halt" | "idle" | "max-time" | "invariant";

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
  private readonly opts: SystemOptions;
  preemptions = 0;
  readonly tracer: Tracer | null;
  // Input waiting for the system's first idle moment (inputAt "idle"), else null.
  private inputOnIdle: Uint8Array | null = null;

  constructor(opts: SystemOptions = {}) {
    this.opts = opts;
    const onConsole = opts.onConsole ?? (() => undefined);
    this.machine = new Machine({ ramSize: opts.ramSize, onConsoleByte: onConsole, onUartByte: onConsole });
    const diag = opts.onDiagnostic ?? (() => undefined);
    this.tracer = opts.trace !== undefined ? new Tracer(this.machine, opts.trace) : null;
    this.kernel = new Kernel(
      this.machine,
      {
        putChar: (b) => this.machine.consolePutChar(b),
        diagnostic: diag,
        halt: () => undefined,
        preempted: () => {
          this.preemptions++;
        },
        trace: this.tracer ?? undefined,
      },
      opts.kernelConfig,
    );
    this.engine = new TsEngine(this.machine);
    this.rv = new RvEngine(this.machine, opts.hart, opts.jit ?? false);
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

  /** Run until halt, idle with nothing pending, or the time limit. */
  run(): RunResult {
    const k = this.kernel;
    const m = this.machine;
    const maxTicks = this.opts.maxTicks ?? Infinity;
    const check = this.opts.checkInvariants === true;
    // Without invariant checks or a trace, nothing needs to look at the system between two kernel
    // entries, so TS threads may hand over to each other without a full round of this loop.
    const fast = !check && this.tracer === null;
    for (;;) {
      if (k.halted) return this.result("halt");
      if (m.clock.now >= maxTicks) return this.result("max-time");
      if (m.interruptPending()) {
        k.interruptTrap();
      } else if (k.isIdle) {
        if (this.inputOnIdle !== null) {
          this.machine.scheduleInput(this.inputOnIdle, m.clock.now, this.opts.inputInterval ?? 0);
          this.inputOnIdle = null;
          continue;
        }
        const next = m.nextEventTime();
        if (next === Infinity) return this.result("idle");
        m.clock.advanceTo(Math.min(next, maxTicks));
        continue;
      } else {
        let t = k.currentThread;
        let eng: TsEngine | RvEngine = this.engine;
        let exit = fast ? this.engine.resumeSyscall(t) : NOT_PARKED;
        if (exit === NOT_PARKED) {
          // A TS thread is one parked in the TS engine or starting at a registered TS entry; every
          // other thread runs machine code on the RV64 hart. A TS entry's address either is not
          // mapped or holds a zero word (the TS Microkit image page): an ELF PD starting at the
          // same address (0x200000) has an instruction there, never 0, which is illegal.
          const ts = this.engine.owns(t) || (rt.entries.has(pcOf(t)) && this.tsEntryPage(pcOf(t)));
          eng = ts ? this.engine : this.rv;
          exit = eng.run(t);
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
      if (check) {
        const problem = checkInvariants(k.state);
        if (problem !== null) return this.result("invariant", problem);
      }
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
