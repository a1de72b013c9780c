// The TypeScript execution engine: runs a TS thread (a generator) on its register file until it
// traps, the way a hart runs machine code until ecall, a fault or an interrupt.
//
// A thread's program counter is its NextIP register. A generator parked at a syscall sits at the
// pc of its `ecall`: resumed at pc + 4 (Running) it receives the results; resumed at the same pc
// (Restart) it re-issues the very same syscall with its registers as they are, without running
// any user code. A pc that names a `sel4ts_entry` starts that function afresh.
//
// So that an entry pc never doubles as the pc of a parked ecall, a function started at a
// `sel4ts_entry` pc E first steps over one "instruction" (NextIP := E + 4), and its ecalls stay
// inside [E + 4, E + ENTRY_PC_STRIDE - 4]: continuing past the end branches back to E + 4. Then a
// pc rewritten to an entry (WriteRegisters, CopyRegisters, a fault reply) always starts it.

import { FaultIP, NextIP, a0, a1, a2 } from "../abi/registers.ts";
import type { Machine } from "../machine/machine.ts";
import { ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE } from "../machine/mmu.ts";
import {
  ENTRY_PC_BASE,
  ENTRY_PC_STRIDE,
  rt,
  TRAP_BUSY,
  TRAP_SYSCALL,
  TRAP_TAILCALL,
  TRAP_VMFAULT,
  LOCATE_PROBE,
  UserFault,
  type UserGenerator,
  type UserMemoryAccess,
} from "../user/runtime.ts";

export const TRAP_NONE = 0;
export const EXIT_SYSCALL = 1;
export const EXIT_INTERRUPT = 2;
export const EXIT_VMFAULT = 3;
export const EXIT_EXCEPTION = 4;
/** The thread's function returned. */
export const EXIT_RETURNED = 5;
/** resumeSyscall: the thread is not parked just past a syscall; nothing was run. */
export const NOT_PARKED = -1;

/** Modelled cost of the user code run between two traps, in cycles. */
export const USER_STEP_CYCLES = 100;

const PARK_NONE = 0;
const PARK_SYSCALL = 1;
const PARK_BUSY = 2;
const PARK_VMFAULT = 3;

class ThreadExec {
  gen: UserGenerator | null = null;
  /** The thread's thread-local storage (rt.tls while it runs). */
  tls: object | null = null;
  /** The IPC buffer's RAM index as last translated, valid for (ipcFor, satp, generation). */
  ipcIndex = -1;
  ipcFor = -1;
  ipcSatp = -1;
  ipcGen = -1;
  parkPc = -1;
  /** After PARK_SYSCALL: NextIP's halves once the kernel has completed the syscall (parkPc + 4). */
  resumeLo = -1;
  resumeHi = -1;
  park = PARK_NONE;
  busyUntil = 0;
  /** CPU time still owed to a busy computation that an interrupt cut short (ticks). */
  busyLeft = 0;
  ipcBuffer = 0;
  /** The sel4ts_entry pc the generator was started at, or -1 (the root task's image entry). */
  entryPc = -1;
}

function isEntryPc(pc: number): boolean {
  return pc >= ENTRY_PC_BASE && (pc - ENTRY_PC_BASE) % ENTRY_PC_STRIDE === 0;
}

function setPc(regs: Uint32Array, pc: number): void {
  regs[2 * NextIP] = pc >>> 0;
  regs[2 * NextIP + 1] = Math.floor(pc / 0x1_0000_0000) >>> 0;
}

/**
 * What the engine needs of a thread: its register file, at start its IPC buffer address, and a
 * slot for the engine's own per-thread state.
 */
export interface ThreadHandle {
  readonly regs: Uint32Array;
  readonly ipcBuffer: number;
  machineContext: object | null;
  /** seL4_TCBFlag bits (the RV engine reads seL4_TCBFlag_fpuDisabled). */
  readonly flags?: number;
  /** The saved FPU context (the RV engine's), null until first saved. */
  fpuState?: object | null;
}

export class TsEngine {
  /** Address and access kind of the last VM fault / the error of the last exception. */
  faultAddr = 0;
  faultAccess = 0;
  lastError: unknown = null;

  constructor(private readonly machine: Machine) {
    rt.ram32 = machine.memory.u32;
    rt.mem = this.makeMemoryAccess();
  }

  /**
   * Resume `t` if it is a TS thread parked in a syscall it has completed (pc just past its ecall),
   * the common case, and run it until it traps; NOT_PARKED (nothing done) otherwise.
   */
  resumeSyscall(t: ThreadHandle): number {
    const ex = t.machineContext;
    if (!(ex instanceof ThreadExec) || ex.gen === null || ex.park !== PARK_SYSCALL) return NOT_PARKED;
    const regs = t.regs;
    if (regs[2 * NextIP] !== ex.resumeLo || regs[2 * NextIP + 1] !== ex.resumeHi) return NOT_PARKED;
    this.enter(ex, regs);
    if (ex.entryPc >= 0 && ex.parkPc + 4 >= ex.entryPc + ENTRY_PC_STRIDE) setPc(regs, ex.entryPc + 4);
    return this.step(ex, regs);
  }

  /** Point the runtime (`rt`) at the thread about to run. */
  private enter(ex: ThreadExec, regs: Uint32Array): void {
    const m = this.machine;
    // The thread's IPC buffer translation stays valid while its address space is unchanged.
    rt.ipcBuffer = ex.ipcBuffer;
    rt.ipcIndex =
      ex.ipcFor === ex.ipcBuffer && ex.ipcSatp === m.satp && ex.ipcGen === m.tlbChanges ? ex.ipcIndex : -1;
    rt.regs = regs;
    rt.tls = ex.tls;
    if (rt.onResume !== null) rt.onResume();
  }

  /** Run `t` from its NextIP until it traps; returns one of the EXIT_* codes. */
  run(t: ThreadHandle): number {
    const resumed = this.resumeSyscall(t);
    if (resumed !== NOT_PARKED) return resumed;
    let ex = t.machineContext as ThreadExec | null;
    if (ex === null) {
      ex = new ThreadExec();
      ex.ipcBuffer = t.ipcBuffer;
      t.machineContext = ex;
    }
    const regs = t.regs;
    const pc = regs[2 * NextIP + 1] * 0x1_0000_0000 + regs[2 * NextIP];
    const m = this.machine;
    this.enter(ex, regs);

    if (ex.gen !== null && pc === ex.parkPc) {
      if (ex.park === PARK_SYSCALL) return EXIT_SYSCALL; // Restart: the same ecall again.
      if (ex.park === PARK_BUSY) {
        // sel4ts_busy counts CPU time: the time the thread spent preempted does not count.
        ex.busyUntil = m.clock.now + ex.busyLeft;
        return this.busy(ex, regs);
      }
      if (ex.park === PARK_VMFAULT) return this.step(ex, regs); // retry the access
    }

    const entry = rt.entries.get(pc);
    if (entry === undefined) {
      this.faultAddr = pc;
      this.faultAccess = ACCESS_EXECUTE;
      return EXIT_VMFAULT;
    }
    // A fresh start: the function finds its IPC buffer where its TCB says it is.
    ex.gen = entry(word(regs, a0), word(regs, a1), word(regs, a2));
    ex.park = PARK_NONE;
    ex.ipcBuffer = t.ipcBuffer;
    rt.ipcBuffer = t.ipcBuffer;
    rt.ipcIndex = -1;
    ex.tls = null;
    rt.tls = null;
    if (isEntryPc(pc)) {
      ex.entryPc = pc;
      setPc(regs, pc + 4);
    } else {
      ex.entryPc = -1;
    }
    return this.step(ex, regs);
  }

  /**
   * True when `t` is a TS thread parked in this engine: its generator is live and its pc is where
   * it parked (or, after a syscall, just past it). run() would resume it rather than start anew.
   */
  owns(t: ThreadHandle): boolean {
    const ex = t.machineContext;
    if (!(ex instanceof ThreadExec) || ex.gen === null) return false;
    const regs = t.regs;
    const pc = regs[2 * NextIP + 1] * 0x1_0000_0000 + regs[2 * NextIP];
    return pc === ex.parkPc || (ex.park === PARK_SYSCALL && pc === ex.parkPc + 4);
  }

  /**
   * The stack of a TS thread parked at a trap (a syscall or a faulting memory access), recorded by
   * the stub it is parked in (LOCATE_PROBE), or null. Meant for a thread stopped by a fault: if the
   * probe reaches user code instead (a stub that does not answer it), that code runs against
   * scratch registers and memory, and the thread's generator is dropped.
   */
  parkedStack(t: ThreadHandle): string | null {
    const ex = t.machineContext;
    if (!(ex instanceof ThreadExec) || ex.gen === null || ex.park === PARK_NONE || ex.park === PARK_BUSY)
      return null;
    const saved = { regs: rt.regs, ram32: rt.ram32, mem: rt.mem, ipcIndex: rt.ipcIndex, tls: rt.tls };
    rt.regs = new Uint32Array(t.regs.length);
    rt.ram32 = new Uint32Array(0);
    rt.mem = PROBE_MEMORY;
    rt.ipcIndex = -1;
    rt.tls = ex.tls;
    rt.probeStack = null;
    try {
      const r = ex.gen.throw(LOCATE_PROBE);
      if (rt.probeStack === null || r.done === true) ex.gen = null;
    } catch {
      ex.gen = null;
    } finally {
      rt.regs = saved.regs;
      rt.ram32 = saved.ram32;
      rt.mem = saved.mem;
      rt.ipcIndex = saved.ipcIndex;
      rt.tls = saved.tls;
    }
    if (ex.gen === null) ex.park = PARK_NONE;
    return rt.probeStack;
  }

  /** Forget a thread's generator (its TCB is gone, or its pc was rewritten). */
  forget(t: ThreadHandle): void {
    t.machineContext = null;
  }

  private step(ex: ThreadExec, regs: Uint32Array): number {
    this.machine.clock.charge(USER_STEP_CYCLES);
    // TS code stores through views of RAM it looked up earlier (rt.ram32 at a cached index), which
    // no page map sees: machine code translated from RAM is checked again before it next runs.
    this.machine.memory.noteStores();
    let r: IteratorResult<number, unknown>;
    try {
      r = (ex.gen as UserGenerator).next();
      while (r.value === TRAP_TAILCALL && r.done !== true && rt.tailCall !== null) {
        ex.gen = rt.tailCall;
        rt.tailCall = null;
        r = ex.gen.next();
      }
    } catch (e) {
      ex.gen = null;
      ex.park = PARK_NONE;
      if (e instanceof UserFault) {
        this.faultAddr = e.vaddr;
        this.faultAccess = e.write ? ACCESS_WRITE : ACCESS_READ;
        return EXIT_VMFAULT;
      }
      this.lastError = e;
      return EXIT_EXCEPTION;
    }
    ex.ipcBuffer = rt.ipcBuffer;
    ex.tls = rt.tls;
    if (rt.ipcIndex >= 0) {
      ex.ipcIndex = rt.ipcIndex;
      ex.ipcFor = rt.ipcBuffer;
      ex.ipcSatp = this.machine.satp;
      ex.ipcGen = this.machine.tlbChanges;
    }
    if (r.done) {
      ex.gen = null;
      ex.park = PARK_NONE;
      return EXIT_RETURNED;
    }
    const pcLo = regs[2 * NextIP];
    const pcHi = regs[2 * NextIP + 1];
    ex.parkPc = pcHi * 0x1_0000_0000 + pcLo;
    switch (r.value) {
      case TRAP_SYSCALL: {
        ex.park = PARK_SYSCALL;
        // As the kernel advances NextIP past the ecall (a carry past 2^64 never matches).
        const nextLo = pcLo + 4;
        ex.resumeLo = nextLo >>> 0;
        ex.resumeHi = nextLo > 0xffff_ffff ? pcHi + 1 : pcHi;
        return EXIT_SYSCALL;
      }
      case TRAP_BUSY:
        ex.park = PARK_BUSY;
        ex.busyUntil = this.machine.clock.now + Math.max(0, Math.round(rt.busyTicks));
        return this.busy(ex, regs);
      case TRAP_VMFAULT:
        ex.park = PARK_VMFAULT;
        this.faultAddr = rt.faultAddr;
        this.faultAccess = rt.faultWrite ? ACCESS_WRITE : ACCESS_READ;
        return EXIT_VMFAULT;
      default:
        this.lastError = new Error(`thread yielded an unknown value ${String(r.value)}`);
        ex.gen = null;
        return EXIT_EXCEPTION;
    }
  }

  /** Compute until busyUntil, or until the next machine event interrupts it. */
  private busy(ex: ThreadExec, regs: Uint32Array): number {
    const clock = this.machine.clock;
    const next = this.machine.nextEventTime();
    if (next < ex.busyUntil) {
      if (next > clock.now) clock.advanceTo(next);
      ex.busyLeft = ex.busyUntil - clock.now;
      return EXIT_INTERRUPT;
    }
    if (ex.busyUntil > clock.now) clock.advanceTo(ex.busyUntil);
    ex.park = PARK_NONE;
    return this.step(ex, regs);
  }

  private makeMemoryAccess(): UserMemoryAccess {
    const m = this.machine;
    const mem = m.memory;
    const translate = (vaddr: number, write: boolean): number => {
      const p = m.translate(vaddr, write ? ACCESS_WRITE : ACCESS_READ, true);
      if (p < 0) throw new UserFault(vaddr, write);
      return p;
    };
    return {
      wordIndex(vaddr: number, write: boolean): number {
        if (vaddr % 8 !== 0) return -1;
        const p = m.translate(vaddr, write ? ACCESS_WRITE : ACCESS_READ, true);
        if (p < 0 || !mem.isRam(p, 8)) return -1;
        if (write) mem.markWritten(p, 8);
        return mem.u32Index(p);
      },
      read(vaddr: number, size: number): number | bigint {
        // A naturally aligned access lies in one page and reaches a device as one access of its
        // width, as a load instruction does (device registers may decode only whole words).
        if (size > 1 && vaddr % size === 0) {
          const p = translate(vaddr, false);
          if (size === 8) return mem.read64(p);
          return size === 4 ? mem.read32(p) : mem.read16(p);
        }
        // Bytes in ascending order, so a fault reports the first byte that faults, as hardware does.
        let v = 0n;
        for (let i = 0; i < size; i++) v |= BigInt(readByte(vaddr + i)) << BigInt(8 * i);
        return size === 8 ? v : Number(v);
      },
      write(vaddr: number, size: number, value: number | bigint): void {
        let v = BigInt.asUintN(64, BigInt(value));
        if (size > 1 && vaddr % size === 0) {
          const p = translate(vaddr, true);
          if (size === 8) mem.write64(p, v);
          else if (size === 4) mem.write32(p, Number(v & 0xffff_ffffn));
          else mem.write16(p, Number(v & 0xffffn));
          return;
        }
        for (let i = 0; i < size; i++) {
          writeByte(vaddr + i, Number(v & 0xffn));
          v >>= 8n;
        }
      },
      // Bulk copies go a page at a time: one translation per page, then a RAM block copy. A page
      // that is not RAM (a device) is still accessed byte by byte, and a fault still names the
      // first byte that faults, with the bytes before it already copied.
      readBytes(vaddr: number, len: number): Uint8Array {
        const out = new Uint8Array(len);
        for (let i = 0; i < len;) {
          const n = Math.min(len - i, PAGE - ((vaddr + i) % PAGE));
          const p = translate(vaddr + i, false);
          if (mem.isRam(p, n)) out.set(mem.u8.subarray(p - mem.ramBase, p - mem.ramBase + n), i);
          else for (let j = 0; j < n; j++) out[i + j] = readByte(vaddr + i + j);
          i += n;
        }
        return out;
      },
      writeBytes(vaddr: number, bytes: Uint8Array): void {
        for (let i = 0; i < bytes.length;) {
          const n = Math.min(bytes.length - i, PAGE - ((vaddr + i) % PAGE));
          const p = translate(vaddr + i, true);
          if (mem.isRam(p, n)) mem.writeBytes(p, bytes.subarray(i, i + n));
          else for (let j = 0; j < n; j++) writeByte(vaddr + i + j, bytes[i + j]);
          i += n;
        }
      },
    };
    function readByte(vaddr: number): number {
      const p = translate(vaddr, false);
      return mem.isRam(p, 1) ? mem.u8[p - mem.ramBase] : mem.mmioRead(p, 1);
    }
    function writeByte(vaddr: number, b: number): void {
      const p = translate(vaddr, true);
      mem.write8(p, b);
    }
  }
}

function word(regs: Uint32Array, r: number): number | bigint {
  const hi = regs[2 * r + 1];
  const lo = regs[2 * r];
  if (hi < 0x200000) return hi * 0x1_0000_0000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export { FaultIP };

/** Memory as user code sees it while a probe runs: every access faults. */
const PROBE_MEMORY: UserMemoryAccess = {
  wordIndex: () => -1,
  read: (vaddr) => {
    throw new UserFault(vaddr, false);
  },
  write: (vaddr) => {
    throw new UserFault(vaddr, true);
  },
  readBytes: (vaddr) => {
    throw new UserFault(vaddr, false);
  },
  writeBytes: (vaddr) => {
    throw new UserFault(vaddr, true);
  },
};

/** The smallest page: a translation holds for at least this aligned block. */
const PAGE = 0x1000;
