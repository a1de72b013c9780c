// The RV64 execution engine: runs a thread's machine code on the emulated hart until it traps,
// with the same contract as the TS engine (run(t) returns an EXIT_* code; faultAddr/faultAccess
// describe a VM fault). The thread's registers live in its TCB between runs; they are copied into
// the hart's own representation on entry and back at every exit, so the kernel always sees (and
// may rewrite: WriteRegisters, fault replies) a complete register file.
//
// The FPU is handled as seL4 does on riscv (CONFIG_HAVE_FPU): every switch to a thread runs
// lazyFPURestore (src/kernel/thread.c switchToThread, the fastpath likewise): a thread with
// seL4_TCBFlag_fpuDisabled runs with sstatus.FS = Off, so its F/D instructions and FP CSR accesses
// are illegal instructions (a UserException with scause 2); any other thread becomes the FPU's
// owner (ksCurFPUOwner): the previous owner's registers and fcsr are saved into its TCB
// (tcbContext.fpuState) and the new owner's loaded, so each thread sees only its own FP state, all
// zero on first use (a TCB starts zeroed). The switch happens here, where the thread's registers
// are copied into the hart, which is where the real kernel's sret would hand them to the hardware.
// ReadRegisters/WriteRegisters see only the integer context, as in seL4. Built without an FPU
// (fpu: false), FS stays Off for everyone, as set_fs_off() at boot leaves it.

import { NextIP } from "../abi/registers.ts";
import { seL4_TCBFlag_fpuDisabled } from "../abi/thread.ts";
import { ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE } from "../machine/mmu.ts";
import type { Machine } from "../machine/machine.ts";
import { CPU_ECALL, CPU_EVENT, CPU_FAULT, Hart, type HartConfig } from "../machine/riscv/cpu.ts";
import { canTranslate, Translator, type Backend } from "../machine/riscv/translate.ts";
import { FpuState } from "../machine/riscv/fpu.ts";
import { loadRegs, storeRegs } from "./rv-regs.ts";
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

  /** CONFIG_HAVE_FPU: the kernel was built with F and D. */
  readonly fpu: boolean;
  /** ksCurFPUOwner: the thread whose FP state is in the hart's registers. */
  private fpuOwner: ThreadHandle | null = null;

  /** The translator, or null where generated code cannot run (it is then never used). */
  readonly translator: Translator | null;
  /**
   * Run hot code translated or everything on the interpreter; the two give the same results, so
   * it may change between any two runs. A debugger's runs (keepReservation, one instruction per
   * run) always take the interpreter.
   */
  jit: boolean;

  constructor(machine: Machine, config: HartConfig = {}, fpu = true, jit = false, backend: Backend = "js") {
    this.hart = new Hart(machine, config);
    this.fpu = fpu;
    this.hart.fpu.enabled = false;
    // Where `new Function` is forbidden, WebAssembly may still be allowed (and the reverse).
    const tr = jitAvailable() || backend === "wasm" ? new Translator(this.hart, machine, backend) : null;
    this.translator = tr !== null && (jitAvailable() || tr.usesWasm) ? tr : null;
    this.jit = jit && this.translator !== null;
  }

  /** lazyFPURestore(t): sets sstatus.FS for t, switching the FPU's owner when needed. */
  private lazyFPURestore(t: ThreadHandle): void {
    const f = this.hart.fpu;
    if (!this.fpu || ((t.flags ?? 0) & seL4_TCBFlag_fpuDisabled) !== 0) {
      f.enabled = false;
      return;
    }
    f.enabled = true;
    const owner = this.fpuOwner;
    if (owner === t) return;
    // switchLocalFpuOwner: save the old owner's state, load the new one's.
    if (owner !== null) this.fpuRelease(owner);
    const mine = t.fpuState as FpuState | null | undefined;
    if (mine === null || mine === undefined) f.reset();
    else f.copyFrom(mine);
    this.fpuOwner = t;
  }

  /**
   * fpuRelease(t): if t owns this hart's FPU, its state is saved into its TCB and the FPU has no
   * owner. seL4 does this before a TCB is deleted or migrates to another core
   * (src/machine/fpu.c), so a thread's live FP state is never held by two harts.
   */
  fpuRelease(t: ThreadHandle): void {
    if (this.fpuOwner !== t) return;
    let saved = t.fpuState as FpuState | null | undefined;
    if (saved === null || saved === undefined) {
      saved = new FpuState();
      t.fpuState = saved;
    }
    saved.copyFrom(this.hart.fpu);
    this.fpuOwner = null;
  }

  run(t: ThreadHandle): number {
    const h = this.hart;
    this.lazyFPURestore(t);
    const r = t.regs;
    const xlo = h.xlo;
    const xhi = h.xhi;
    loadRegs(r, xlo, xhi);
    h.pcLo = r[2 * NextIP];
    h.pcHi = r[2 * NextIP + 1];
    const tr = this.translator;
    // A debugger stepping one instruction per run keeps the LR reservation across runs, which
    // only the interpreter's run() does: it runs everything then.
    const c = this.jit && tr !== null && !h.keepReservation ? tr.run() : h.run();
    storeRegs(r, xlo, xhi);
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
