// The kernel as the rest of the system sees it: a state machine entered only through traps.
//
// Principles:
// - Every entry (syscall, interrupt, exception) runs to completion, then `schedule()` and
//   `activateThread()` pick the thread to return to, exactly seL4's control flow.
// - The kernel never throws on user input: bad input becomes the seL4 error or fault.
// - Only simulated time: the machine's clock, charged a modelled cost per kernel entry.

import {
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  seL4_SysCall,
  seL4_SysReplyRecv,
  ThreadState_IdleThreadState,
} from "../abi/index.ts";
import { fastpathCall, fastpathReplyRecv } from "./fastpath.ts";
import { setVMRoot } from "./vspace.ts";
import { initIRQController } from "./interrupt.ts";
import { a7, FaultIP, NextIP } from "../abi/registers.ts";
import type { Machine } from "../machine/machine.ts";
import { bootKernel, type BootConfig, type BootResult } from "./boot.ts";
import {
  ENTRY_INTERRUPT,
  ENTRY_SYSCALL,
  ENTRY_USER_EXCEPTION,
  ENTRY_VM_FAULT,
  IPC_CALL,
  IPC_REPLY,
  type KernelEvents,
  type KernelTrace,
} from "./events.ts";
import { handleFault } from "./faults.ts";
import { checkBudget, updateTimestamp } from "./sched.ts";
import { current_fault, type KernelConfig, KernelState, setKernelState } from "./state.ts";
import { SchedContext, Tcb } from "./structures.ts";
import { handleInterruptEntry, handleSyscall, handleUnknownSyscall, syscallNumber } from "./syscall.ts";
import { activateThread, schedule } from "./thread.ts";

/** Modelled cost of a kernel entry and exit, in cycles of the 1 GHz core. */
export const KERNEL_ENTRY_CYCLES = 300;

export class Kernel {
  readonly state: KernelState;
  /** Take seL4's IPC fastpath for Call and ReplyRecv when its conditions hold (same results). */
  fastpath = true;
  /** How many Calls and ReplyRecvs took the fastpath. */
  fastpathsTaken = 0;

  constructor(
    readonly machine: Machine,
    events: KernelEvents | null = null,
    config: KernelConfig = {},
  ) {
    const state = new KernelState(machine, events, config);
    this.state = state;
    // One idle thread (and its SC) per core, core 0's loaded; every core starts idle.
    for (let c = state.numNodes - 1; c >= 0; c--) {
      const idle = new Tcb(0);
      idle.state = ThreadState_IdleThreadState;
      idle.name = "idle_thread";
      idle.sc = new SchedContext(0, 7, 2);
      idle.affinity = c;
      idle.sc.core = c;
      const n = state.nodes[c];
      n.idleThread = idle;
      n.curThread = idle;
      n.curSC = idle.sc;
    }
    state.idleThread = state.nodes[0].idleThread;
    state.curThread = state.idleThread;
    state.curSC = state.curThread.sc as SchedContext;
    state.trace = events?.trace ?? null;
    // The fastpath never crosses cores; with several, every IPC takes the slowpath (same results).
    if (state.numNodes > 1) this.fastpath = false;
  }

  /** Number of cores (CONFIG_MAX_NUM_NODES). */
  get numNodes(): number {
    return this.state.numNodes;
  }

  /** The core the kernel is entered on next: its scheduler state is loaded (the system's hart switch). */
  switchCore(c: number): void {
    this.state.loadCore(c);
  }

  boot(config: BootConfig = {}): BootResult {
    setKernelState(this.state);
    initIRQController(this.state);
    const r = bootKernel(config);
    schedule();
    activateThread();
    this.state.trace?.exit(this.state.curThread);
    return r;
  }

  /** The thread the machine should run next (the idle thread when none can run). */
  get currentThread(): Tcb {
    return this.state.curThread;
  }

  get isIdle(): boolean {
    return this.state.curThread === this.state.idleThread;
  }

  /** Whether core `c` runs its idle thread. */
  isIdleOn(c: number): boolean {
    const s = this.state;
    if (c === s.core) return s.curThread === s.idleThread;
    const n = s.nodes[c];
    return n.curThread === n.idleThread;
  }

  get halted(): boolean {
    return this.state.halted;
  }

  private enter(): void {
    setKernelState(this.state);
    this.state.entries++;
    this.machine.clock.charge(KERNEL_ENTRY_CYCLES);
  }

  /** `ecall` by the current thread at the pc held in NextIP (INV-1). */
  syscallTrap(): void {
    const t = this.state.curThread;
    const r = t.regs;
    const tr = this.state.trace;
    if (tr !== null) tr.entry(t, ENTRY_SYSCALL, syscallNumber(r[2 * a7 + 1], r[2 * a7]));
    this.enter();
    const pcLo = r[2 * NextIP];
    const pcHi = r[2 * NextIP + 1];
    r[2 * FaultIP] = pcLo;
    r[2 * FaultIP + 1] = pcHi;
    const nextLo = pcLo + 4;
    r[2 * NextIP] = nextLo >>> 0;
    r[2 * NextIP + 1] = nextLo > 0xffffffff ? (pcHi + 1) >>> 0 : pcHi;
    const sys = syscallNumber(r[2 * a7 + 1], r[2 * a7]);
    if (this.fastpath) {
      if (sys === seL4_SysCall) {
        if (fastpathCall(t)) {
          this.fastpathsTaken++;
          if (tr !== null) this.traceFastpath(tr, t, IPC_CALL);
          return;
        }
      } else if (sys === seL4_SysReplyRecv) {
        if (fastpathReplyRecv(t)) {
          this.fastpathsTaken++;
          if (tr !== null) this.traceFastpath(tr, t, IPC_REPLY);
          return;
        }
      }
    }
    if (sys >= -11 && sys <= -1) handleSyscall(sys);
    else handleUnknownSyscall(r[2 * a7 + 1], r[2 * a7]);
    this.exit();
  }

  /** Leaving the kernel: the machine runs the current thread in its own address space. */
  private exit(): void {
    const t = this.state.curThread;
    if (t !== this.state.idleThread) setVMRoot(t);
    if (this.state.trace !== null) this.state.trace.exit(t);
  }

  /** The fastpath skips the slowpath's hook sites: its message and switch are reported here. */
  private traceFastpath(tr: KernelTrace, from: Tcb, kind: number): void {
    tr.ipc(from, this.state.curThread, kind);
    tr.exit(this.state.curThread);
  }

  /** An interrupt (timer or PLIC) while the current thread was at NextIP. */
  interruptTrap(): void {
    this.state.trace?.entry(this.state.curThread, ENTRY_INTERRUPT, 0);
    this.enter();
    this.faultIPFromPC();
    handleInterruptEntry();
    this.exit();
  }

  /** A synchronous exception other than ecall and page faults (UserException). */
  userExceptionTrap(cause: number): void {
    this.state.trace?.entry(this.state.curThread, ENTRY_USER_EXCEPTION, cause);
    this.enter();
    this.faultIPFromPC();
    current_fault.type = seL4_Fault_UserException;
    current_fault.w1 = cause;
    current_fault.w2 = 0;
    this.handleFaultEntry();
  }

  /** A page or access fault at `addr`; access 0 load, 1 store, 2 instruction fetch. */
  vmFaultTrap(addr: number, access: number): void {
    this.state.trace?.entry(this.state.curThread, ENTRY_VM_FAULT, addr);
    this.enter();
    this.faultIPFromPC();
    current_fault.type = seL4_Fault_VMFault;
    current_fault.w0Hi = Math.floor(addr / 2 ** 32) >>> 0;
    current_fault.w0Lo = addr >>> 0;
    // FLT-4: instruction fetches report prefetch = 1 and FSR 1; loads 5; stores/AMOs 7.
    current_fault.w1 = access === 2 ? 1 : 0;
    current_fault.w2 = access === 2 ? 1 : access === 1 ? 7 : 5;
    this.handleFaultEntry();
  }

  private faultIPFromPC(): void {
    const r = this.state.curThread.regs;
    r[2 * FaultIP] = r[2 * NextIP];
    r[2 * FaultIP + 1] = r[2 * NextIP + 1];
  }

  private handleFaultEntry(): void {
    updateTimestamp();
    if (checkBudget()) handleFault(this.state.curThread);
    schedule();
    activateThread();
    this.exit();
  }
}
