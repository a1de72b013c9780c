// The RV64 execution engine: runs a thread's machine code on the emulated hart until it traps,
// with the same contract as the TS engine (run(t) returns an EXIT_* code; faultAddr/faultAccess
// describe a VM fault). The thread's registers live in its TCB between runs; they are copied into
// the hart's own representation on entry and back at every exit, so the kernel always sees (and
// may rewrite: WriteRegisters, fault replies) a complete register file.

import { NextIP } from "../abi/registers.ts";
import { ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE } from "../machine/mmu.ts";
import type { Machine } from "../machine/machine.ts";
import { CPU_ECALL, CPU_EVENT, CPU_FAULT, Hart, type HartConfig } from "../machine/riscv/cpu.ts";
import { canTranslate, Translator } from "../machine/riscv/translate.ts";
import { EXIT_INTERRUPT, EXIT_SYSCALL, EXIT_VMFAULT, type ThreadHandle } from "./ts-engine.ts";

/** A synchronous exception other than ecall and page/access faults: exceptionCause holds scause. */
export const EXIT_USER_EXCEPTION = 6;

const TWO_32 = 4294967296;

export class RvEngine {
  readonly hart: Hart;
  faultAddr = 0;
  faultAccess = 0;
  /** scause of the last EXIT_USER_EXCEPTION (2 illegal instruction, 3 breakpoint, 4/6 misaligned). */
  exceptionCause = 0;

  /** The translator, or null where generated code cannot run (it is then never used). */
  readonly translator: Translator | null;
  /**
   * Run hot code translated (the default) or everything on the interpreter. A debugger sets it
   * false while breakpoints, single-stepping or watchpoints need every instruction seen; the
   * two give the same results, so it may change between any two runs.
   */
  jit: boolean;

  constructor(machine: Machine, config: HartConfig = {}, jit = true) {
    this.hart = new Hart(machine, config);
    this.translator = jitAvailable() ? new Translator(this.hart, machine) : null;
    this.jit = jit && this.translator !== null;
  }

  run(t: ThreadHandle): number {
    const h = this.hart;
    const r = t.regs;
    const xlo = h.xlo;
    const xhi = h.xhi;
    // seL4's riscv register context lists x1..x31 in order (ra = 0 ... t6 = 30).
    for (let x = 1; x < 32; x++) {
      xlo[x] = r[2 * x - 2];
      xhi[x] = r[2 * x - 1];
    }
    h.pcLo = r[2 * NextIP];
    h.pcHi = r[2 * NextIP + 1];
    const tr = this.translator;
    const c = this.jit && tr !== null ? tr.run() : h.run();
    for (let x = 1; x < 32; x++) {
      r[2 * x - 2] = xlo[x];
      r[2 * x - 1] = xhi[x];
    }
    r[2 * NextIP] = h.pcLo;
    r[2 * NextIP + 1] = h.pcHi;
    switch (c) {
      case CPU_ECALL:
        return EXIT_SYSCALL;
      case CPU_EVENT:
        return EXIT_INTERRUPT;
      case CPU_FAULT: {
        const cause = h.scause;
        this.faultAddr = (h.stvalHi >>> 0) * TWO_32 + (h.stvalLo >>> 0);
        this.faultAccess =
          cause === 12 || cause === 1
            ? ACCESS_EXECUTE
            : cause === 13 || cause === 5
              ? ACCESS_READ
              : ACCESS_WRITE;
        return EXIT_VMFAULT;
      }
      default:
        this.exceptionCause = h.scause;
        return EXIT_USER_EXCEPTION;
    }
  }
}

let available: boolean | undefined;

/** Whether `new Function` works here, checked once (a Content-Security-Policy may forbid it). */
function jitAvailable(): boolean {
  if (available === undefined) available = canTranslate();
  return available;
}
