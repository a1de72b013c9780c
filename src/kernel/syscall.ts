// The system call path (seL4 src/api/syscall.c, MCS): handleSyscall, handleInvocation, the
// receive half, Yield, the debug syscalls and interrupt entry (INV-1..INV-15).

import {
  cap_endpoint_cap,
  cap_notification_cap,
  cap_reply_cap,
  cap_thread_cap,
  IPCBUF_MSG,
  msgInfoLabel,
  msgInfoLength,
  n_msgRegisters,
  seL4_Fault_UnknownSyscall,
  seL4_MsgMaxLength,
  seL4_SysCall,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugDumpScheduler,
  seL4_SysDebugHalt,
  seL4_SysDebugNameThread,
  seL4_SysDebugPutChar,
  seL4_SysDebugSnapshot,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysNBSendRecv,
  seL4_SysNBSendWait,
  seL4_SysNBWait,
  seL4_SysRecv,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysWait,
  seL4_SysYield,
  ThreadState_Restart,
  ThreadState_Running,
  seL4_CapRights_Read,
} from "../abi/index.ts";
import { a0, a1, a6, a7, t0 } from "../abi/registers.ts";
import { lookupResult, lookupSlot, setMissingCapability } from "./cspace.ts";
import { handleFault } from "./faults.ts";
import { receiveIPC } from "./endpoint.ts";
import { receiveSignal } from "./notification.ts";
import {
  inv,
  lookupExtraCaps,
  lookupIPCBuffer,
  replyFromKernelError,
  replyFromKernelSuccessEmpty,
  setCapFault,
  setReg,
} from "./msg.ts";
import { decodeInvocation } from "./object/invocation.ts";
import { handleInterrupt } from "./interrupt.ts";
import { checkBudget, chargeBudget, isRoundRobin, refillHead, scActive, updateTimestamp } from "./sched.ts";
import {
  current_fault,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_PREEMPTED,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "./state.ts";
import { type Cte, type Endpoint, type Notification, type Reply, type Tcb } from "./structures.ts";
import { activateThread, isRunnable, isSchedulable, schedule, setThreadState } from "./thread.ts";
import {
  UE_syscall_142,
  UE_syscall_148,
  UE_syscall_154,
  UE_syscall_323,
  UE_syscall_338,
  UE_syscall_352,
  UE_syscall_394,
  UE_syscall_401,
  USER_ERROR_SITES,
  userError,
  wordArg,
} from "./usererror.ts";

/** checkBudgetRestart (INV-3): no budget means the syscall is re-issued later. */
function checkBudgetRestart(): boolean {
  const ok = checkBudget();
  if (!ok && isRunnable(ks.curThread)) setThreadState(ks.curThread, ThreadState_Restart);
  return ok;
}

/** mcsPreemptionPoint: after a preempted operation, account time as seL4 does. */
function mcsPreemptionPoint(): void {
  if (isSchedulable(ks.curThread)) checkBudget();
  else if (scActive(ks.curSC)) chargeBudget(ks.consumed, false);
  else ks.consumed = 0;
}

function handleInvocation(
  isCall: boolean,
  isBlocking: boolean,
  canDonate: boolean,
  firstPhase: boolean,
  cptrReg: number,
): Exception {
  const thread = ks.curThread;
  const regs = thread.regs;
  const infoLo = regs[2 * a1];
  const infoHi = regs[2 * a1 + 1];
  const cptrLo = regs[2 * cptrReg];
  const cptrHi = regs[2 * cptrReg + 1];
  if (lookupSlot(thread, cptrHi, cptrLo) !== EXCEPTION_NONE) {
    userError(UE_syscall_323, wordArg(cptrHi, cptrLo));
    setCapFault(cptrHi, cptrLo, false);
    if (isBlocking) handleFault(thread);
    return EXCEPTION_NONE;
  }
  const slot = lookupResult.slot as Cte;
  if (ks.trace !== null) ks.trace.invocation(slot.type, msgInfoLabel(infoLo, infoHi));
  const buffer = lookupIPCBuffer(false, thread);
  inv.thread = thread;
  inv.buffer = buffer;
  inv.cptrHi = cptrHi;
  inv.cptrLo = cptrLo;
  if (lookupExtraCaps(thread, buffer, infoLo) !== EXCEPTION_NONE) {
    userError(UE_syscall_338);
    if (isBlocking) handleFault(thread);
    return EXCEPTION_NONE;
  }
  let length = msgInfoLength(infoLo);
  if (length > seL4_MsgMaxLength) length = seL4_MsgMaxLength;
  if (length > n_msgRegisters && buffer < 0) {
    userError(UE_syscall_352, n_msgRegisters);
    length = n_msgRegisters;
  }
  const status = decodeInvocation(
    msgInfoLabel(infoLo, infoHi),
    length,
    slot,
    slot,
    isBlocking,
    isCall,
    canDonate,
    firstPhase,
  );
  if (status === EXCEPTION_PREEMPTED) return status;
  if (status === EXCEPTION_SYSCALL_ERROR) {
    if (ks.trace !== null) ks.trace.invocationError?.(thread, current_syscall_error.type);
    if (isCall) replyFromKernelError(thread);
    return EXCEPTION_NONE;
  }
  if (thread.state === ThreadState_Restart) {
    if (isCall) replyFromKernelSuccessEmpty(thread);
    setThreadState(thread, ThreadState_Running);
  }
  return EXCEPTION_NONE;
}

function recvFault(t: Tcb, cptrHi: number, cptrLo: number): void {
  setCapFault(cptrHi, cptrLo, true);
  handleFault(t);
}

function handleRecv(isBlocking: boolean, canReply: boolean): void {
  const t = ks.curThread;
  const cptrLo = t.regs[2 * a0];
  const cptrHi = t.regs[2 * a0 + 1];
  if (lookupSlot(t, cptrHi, cptrLo) !== EXCEPTION_NONE) return recvFault(t, cptrHi, cptrLo);
  const cap = lookupResult.slot as Cte;
  switch (cap.type) {
    case cap_endpoint_cap: {
      if ((cap.rights & seL4_CapRights_Read) === 0) {
        setMissingCapability(0);
        return recvFault(t, cptrHi, cptrLo);
      }
      let reply: Reply | null = null;
      if (canReply) {
        const rLo = t.regs[2 * a6];
        const rHi = t.regs[2 * a6 + 1];
        if (lookupSlot(t, rHi, rLo) !== EXCEPTION_NONE) {
          userError(UE_syscall_394);
          return recvFault(t, rHi, rLo);
        }
        const rc = lookupResult.slot as Cte;
        if (rc.type !== cap_reply_cap) {
          userError(UE_syscall_401);
          setMissingCapability(0);
          return recvFault(t, rHi, rLo);
        }
        reply = rc.obj as Reply;
      }
      receiveIPC(t, cap.obj as Endpoint, isBlocking, reply);
      return;
    }
    case cap_notification_cap: {
      const n = cap.obj as Notification;
      if ((cap.rights & seL4_CapRights_Read) === 0 || (n.boundTCB !== null && n.boundTCB !== t)) {
        setMissingCapability(0);
        return recvFault(t, cptrHi, cptrLo);
      }
      receiveSignal(t, n, isBlocking);
      return;
    }
    default:
      setMissingCapability(0);
      return recvFault(t, cptrHi, cptrLo);
  }
}

function handleYield(): void {
  const sc = ks.curSC;
  const consumed = sc.consumed + ks.consumed;
  chargeBudget(isRoundRobin(sc) ? refillHead(sc).rAmount : refillHead(sc).rAmount, false);
  sc.consumed = consumed;
}

/** Dispatch of a syscall number in [-11, -1] (handleSyscall). */
export function handleSyscall(sys: number): void {
  updateTimestamp();
  if (checkBudgetRestart()) {
    let ret: Exception = EXCEPTION_NONE;
    switch (sys) {
      case seL4_SysSend:
        ret = handleInvocation(false, true, false, false, a0);
        break;
      case seL4_SysNBSend:
        ret = handleInvocation(false, false, false, false, a0);
        break;
      case seL4_SysCall:
        ret = handleInvocation(true, true, true, false, a0);
        break;
      case seL4_SysRecv:
        handleRecv(true, true);
        break;
      case seL4_SysWait:
        handleRecv(true, false);
        break;
      case seL4_SysNBWait:
        handleRecv(false, false);
        break;
      case seL4_SysReplyRecv:
        ret = handleInvocation(false, false, true, true, a6);
        if (ret === EXCEPTION_NONE) handleRecv(true, true);
        break;
      case seL4_SysNBSendRecv:
        ret = handleInvocation(false, false, true, true, t0);
        if (ret === EXCEPTION_NONE) handleRecv(true, true);
        break;
      case seL4_SysNBSendWait:
        ret = handleInvocation(false, false, true, true, a6);
        if (ret === EXCEPTION_NONE) handleRecv(true, false);
        break;
      case seL4_SysNBRecv:
        handleRecv(false, true);
        break;
      case seL4_SysYield:
        handleYield();
        break;
    }
    if (ret !== EXCEPTION_NONE) {
      mcsPreemptionPoint();
      handleInterruptIfPending();
    }
  }
  schedule();
  activateThread();
}

/** handleUnknownSyscall: the debug syscalls, else an UnknownSyscall fault (INV-2). */
export function handleUnknownSyscall(sysHi: number, sysLo: number): void {
  const t = ks.curThread;
  const sys = sysHi === 0xffffffff ? sysLo - 0x1_0000_0000 : sysHi === 0 ? sysLo : 0x7fffffff;
  switch (sys) {
    case seL4_SysDebugPutChar:
      ks.events?.putChar(t.regs[2 * a0] & 0xff);
      return;
    case seL4_SysDebugDumpScheduler:
    case seL4_SysDebugSnapshot:
      ks.events?.diagnostic(
        `Debug ${sys === seL4_SysDebugSnapshot ? "snapshot" : "dump scheduler"} from "${t.name}"`,
      );
      return;
    case seL4_SysDebugHalt:
      ks.events?.diagnostic(`Debug halt syscall from user thread "${t.name}"\nhalting...`);
      ks.halted = true;
      ks.events?.halt(t);
      return;
    case seL4_SysDebugCapIdentify: {
      const ok = lookupSlot(t, t.regs[2 * a0 + 1], t.regs[2 * a0]) === EXCEPTION_NONE;
      setReg(t, a0, 0, ok ? (lookupResult.slot as Cte).type : 0);
      return;
    }
    case seL4_SysDebugNameThread:
      debugNameThread(t);
      return;
  }
  updateTimestamp();
  if (checkBudgetRestart()) {
    current_fault.type = seL4_Fault_UnknownSyscall;
    current_fault.w0Hi = sysHi;
    current_fault.w0Lo = sysLo;
    handleFault(t);
  }
  schedule();
  activateThread();
}

/** A debug syscall misused: seL4 reports the user error and halts the kernel. */
function halt(site: number): void {
  userError(site);
  ks.events?.diagnostic(USER_ERROR_SITES[site][2]);
  ks.halted = true;
  ks.events?.halt(ks.curThread);
}

/** seL4_DebugNameThread: anything wrong halts the kernel, as seL4 does. */
function debugNameThread(t: Tcb): void {
  const ok = lookupSlot(t, t.regs[2 * a0 + 1], t.regs[2 * a0]) === EXCEPTION_NONE;
  const cap = lookupResult.slot;
  if (!ok || cap === null || cap.type !== cap_thread_cap) return halt(UE_syscall_142);
  const buffer = lookupIPCBuffer(true, t);
  if (buffer < 0) return halt(UE_syscall_148);
  const u8 = ks.machine.memory.u8;
  const start = buffer * 4 + 8 * IPCBUF_MSG;
  const max = seL4_MsgMaxLength * 8;
  let len = 0;
  while (len < max && u8[start + len] !== 0) len++;
  if (len === max) return halt(UE_syscall_154);
  let name = "";
  for (let i = 0; i < len; i++) name += String.fromCharCode(u8[start + i]);
  (cap.obj as Tcb).name = name;
}

/** checkInterrupt after a preempted operation: take whichever interrupt caused it. */
function handleInterruptIfPending(): void {
  if (ks.machine.interruptPending()) handleInterrupt();
}

/** Interrupt entry: account time, take the interrupt, reschedule. */
export function handleInterruptEntry(): void {
  updateTimestamp();
  checkBudget();
  handleInterrupt();
  schedule();
  activateThread();
}

/** Syscall numbers a7 can hold: exact value if in the signed 32-bit range, else unknown. */
export function syscallNumber(hi: number, lo: number): number {
  if (hi === 0xffffffff && lo >= 0x80000000) return lo - 0x1_0000_0000;
  if (hi === 0 && lo < 0x80000000) return lo;
  return 0x7fffffff;
}

export { a7 };
