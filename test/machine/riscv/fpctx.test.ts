// seL4's FPU handling on riscv (src/kernel/thread.c switchToThread → lazyFPURestore, and
// src/machine/fpu.c switchLocalFpuOwner), as the RV engine carries it out when it runs a thread:
// each thread has its own F/D registers and fcsr, saved and restored across switches; a thread's
// first FP use sees them all zero; a thread with seL4_TCBFlag_fpuDisabled, or any thread of a
// kernel built without F/D, gets an illegal instruction; and the integer register copy-in/out
// (what ReadRegisters/WriteRegisters see) never carries FP state.

import { describe, expect, it } from "vitest";
import { n_contextRegisters, NextIP } from "../../../src/abi/registers.ts";
import { seL4_TCBFlag_fpuDisabled } from "../../../src/abi/thread.ts";
import { EXIT_USER_EXCEPTION } from "../../../src/system/rv-engine.ts";
import type { SystemOptions } from "../../../src/system/system.ts";
import { EXIT_SYSCALL, type ThreadHandle } from "../../../src/system/ts-engine.ts";
import { runElf, symbol, type ElfRun } from "./harness.ts";

const A0 = 9; // x10's index in seL4's riscv register context (ra = 0)
const A1 = 10;

interface Thread extends ThreadHandle {
  flags: number;
}

function thread(flags = 0): Thread {
  return {
    regs: new Uint32Array(2 * n_contextRegisters),
    ipcBuffer: 0,
    machineContext: null,
    flags,
    fpuState: null,
  };
}

function setup(opts: SystemOptions = {}): ElfRun {
  return runElf("fpctx", opts);
}

/** Runs `t` from `entry` with a0/a1 given; the exit code and a0/a1 (low words) after. */
function call(r: ElfRun, t: Thread, entry: string, a0 = 0, a1 = 0): [number, number, number, number] {
  const pc = symbol(r, entry);
  t.regs[2 * NextIP] = pc;
  t.regs[2 * NextIP + 1] = 0;
  t.regs[2 * A0] = a0;
  t.regs[2 * A0 + 1] = 0;
  t.regs[2 * A1] = a1;
  const exit = r.sys.rv.run(t);
  return [exit, t.regs[2 * A0], t.regs[2 * A0 + 1], t.regs[2 * A1]];
}

describe("FPU context of threads on the RV engine (seL4 lazyFPURestore)", () => {
  it("each thread keeps its own f registers and fflags across switches", () => {
    const r = setup();
    const a = thread();
    const b = thread();
    expect(call(r, a, "setf", 0x11111111, 1)[0]).toBe(EXIT_SYSCALL);
    expect(call(r, b, "setf", 0x22222222, 4)[0]).toBe(EXIT_SYSCALL);
    expect(call(r, a, "getf")).toEqual([EXIT_SYSCALL, 0x11111111, 0, 1]);
    expect(call(r, b, "getf")).toEqual([EXIT_SYSCALL, 0x22222222, 0, 4]);
    expect(call(r, a, "getf")).toEqual([EXIT_SYSCALL, 0x11111111, 0, 1]);
  });

  it("a thread's first FP use sees all-zero registers and fcsr, whoever used the FPU before", () => {
    const r = setup();
    const a = thread();
    call(r, a, "setf", 0x33333333, 31);
    expect(call(r, thread(), "getf")).toEqual([EXIT_SYSCALL, 0, 0, 0]);
  });

  it("the integer register file (ReadRegisters/WriteRegisters) carries no FP state", () => {
    const r = setup();
    const a = thread();
    call(r, a, "setf", 0x44444444, 2);
    const b = thread();
    call(r, b, "setf", 0x55555555, 8);
    // Overwrite every integer register of a, as WriteRegisters would: its FP state stays.
    a.regs.fill(0xdeadbeef);
    expect(call(r, a, "getf")).toEqual([EXIT_SYSCALL, 0x44444444, 0, 2]);
  });

  it("seL4_TCBFlag_fpuDisabled: FP instructions are illegal (UserException 2); the state survives", () => {
    const r = setup();
    const a = thread();
    call(r, a, "setf", 0x66666666, 16);
    a.flags = seL4_TCBFlag_fpuDisabled;
    const [exit] = call(r, a, "getf");
    expect(exit).toBe(EXIT_USER_EXCEPTION);
    expect(r.sys.rv.exceptionCause).toBe(2);
    expect(a.regs[2 * NextIP]).toBe(symbol(r, "getf"));
    // Another thread uses the FPU meanwhile; re-enabled, a finds its registers again.
    call(r, thread(), "setf", 0x77777777, 1);
    a.flags = 0;
    expect(call(r, a, "getf")).toEqual([EXIT_SYSCALL, 0x66666666, 0, 16]);
  });

  it("a kernel built without F/D: every thread's FP instructions are illegal", () => {
    const r = setup({ kernelConfig: { fpu: false } });
    const a = thread();
    expect(call(r, a, "setf", 1, 1)[0]).toBe(EXIT_USER_EXCEPTION);
    expect(r.sys.rv.exceptionCause).toBe(2);
  });

  it("fpuRelease saves the owner's live state into its TCB (deletion, migration)", () => {
    const r = setup();
    const a = thread();
    call(r, a, "setf", 0x12345678, 4);
    expect(a.fpuState).toBe(null);
    r.sys.rv.fpuRelease(a);
    const saved = a.fpuState as unknown as { i32: Int32Array; fflags: number };
    expect([saved.i32[20], saved.fflags]).toEqual([0x12345678, 4]); // fa0 = f10
    expect(call(r, a, "getf")).toEqual([EXIT_SYSCALL, 0x12345678, 0, 4]);
  });
});
