// The system call stubs of libsel4's arch/syscalls.h (riscv64, MCS). Each stub sets the registers
// exactly as the C inline assembly does before `ecall`, yields TRAP_SYSCALL to the engine, and on
// resumption reads a0/a1/a2..a5 back. msg[0..3] travel through a2..a5; the stubs copy them from
// and to the IPC buffer like libsel4 does (ABI sheet §2.3).

import {
  IPCBUF_MSG,
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
} from "../../abi/index.ts";
import * as R from "../../abi/registers.ts";
import { ipcIndex, LOCATE_PROBE, rt, TRAP_SYSCALL, type Trap, type UserGenerator } from "../runtime.ts";
import type { seL4_CPtr, seL4_MessageInfo_t, seL4_Uint32 } from "./types.ts";
import { type seL4_Word, makeWord, setReg, wordHi, wordLo } from "./word.ts";

/** What the receiving system calls return: the C return value plus the `*sender` out-parameter. */
export interface sel4ts_RecvResult {
  info: seL4_MessageInfo_t;
  /** Badge of the sender (a0), or the notification word for a signal. */
  sender: seL4_Word;
}

/** a7 = syscall number, a0 = cptr, a1 = message info, a6 = reply cptr (0 where C passes none). */
export function setSyscallRegs(sys: number, a0: seL4_Word, a1: seL4_Word, a6: seL4_Word): void {
  setReg(R.syscallRegister, sys);
  setReg(R.capRegister, a0);
  setReg(R.msgInfoRegister, a1);
  setReg(R.replyRegister, a6);
}

/** The debug stubs pass zeros in a2..a5 (their "unused" locals). */
function zeroMsgRegs(): void {
  const regs = rt.regs;
  for (const r of R.msgRegisters) {
    regs[2 * r] = 0;
    regs[2 * r + 1] = 0;
  }
}

// The IPC stubs are hand-written iterators rather than generator functions: a generator object
// per call, and resuming it through `yield*`, cost more than all the stub's own work. They behave as a generator suspended at its one `yield` would (next/return/throw, done
// for good after an exception, "[object Generator]"), so `yield*` and manual iteration see no
// difference.
const RESULT_VOID = 0;
const RESULT_INFO = 1;
const RESULT_RECV = 2;
const ITER_START = 0;
const ITER_TRAPPED = 1;
const ITER_DONE = 2;

// ram32/regs indices of the words the stubs move (lo halves; hi is the next index).
const SYS = 2 * R.syscallRegister;
const CAP = 2 * R.capRegister;
const INFO = 2 * R.msgInfoRegister;
const REPLY = 2 * R.replyRegister;
const BADGE = 2 * R.badgeRegister;
const MR0 = 2 * R.msgRegisters[0];
const MR1 = 2 * R.msgRegisters[1];
const MR2 = 2 * R.msgRegisters[2];
const MR3 = 2 * R.msgRegisters[3];
const SAFE_HI = 0x20_0000;

/** setReg for an argument word, the common small non-negative number without a call. */
function putWord(regs: Uint32Array, i: number, v: seL4_Word): void {
  if (typeof v === "number" && v >>> 0 === v) {
    regs[i] = v;
    regs[i + 1] = 0;
  } else {
    regs[i] = wordLo(v);
    regs[i + 1] = wordHi(v);
  }
}

function takeWord(regs: Uint32Array, i: number): seL4_Word {
  const hi = regs[i + 1];
  // hi 0 first: a plain u32 stays a small integer where the sum would be a boxed double.
  if (hi === 0) return regs[i];
  return hi < SAFE_HI ? hi * 0x1_0000_0000 + regs[i] : makeWord(regs[i], hi);
}

// What every stub yields: one frozen record instead of a fresh one per call (a generator makes a
// new one each time, but nothing can tell them apart except by identity).
const TRAPPED: IteratorResult<Trap, unknown> = Object.freeze({ value: TRAP_SYSCALL, done: false });

class SyscallIterator implements Generator<Trap, unknown, void> {
  private phase = ITER_START;
  constructor(
    /** A syscall number: a small negative integer. */
    private readonly sys: number,
    private readonly a0: seL4_Word,
    private readonly a1: seL4_Word,
    private readonly a6: seL4_Word,
    /** t0, which only the NBSendRecv and NBSendWait stubs write (NBSendRecv's destination). */
    private readonly t0: seL4_Word,
    /** The stub loads msg[0..3] into a2..a5 before the trap. */
    private readonly load: boolean,
    private readonly result: number,
  ) {
    // Counted until first run: one left at the end of a run is a call without `yield*`.
    rt.unstarted++;
  }

  // loadMsgRegs, setSyscallRegs, storeMsgRegs and getReg written out: this runs twice per
  // system call of every TS thread.
  next(): IteratorResult<Trap, unknown> {
    if (this.phase === ITER_START) {
      // A stub that throws is finished, as a generator whose body threw.
      this.phase = ITER_DONE;
      rt.unstarted--;
      const regs = rt.regs;
      if (this.load) {
        const m = rt.ram32;
        const b = ipcIndex() + 2 * IPCBUF_MSG;
        regs[MR0] = m[b];
        regs[MR0 + 1] = m[b + 1];
        regs[MR1] = m[b + 2];
        regs[MR1 + 1] = m[b + 3];
        regs[MR2] = m[b + 4];
        regs[MR2 + 1] = m[b + 5];
        regs[MR3] = m[b + 6];
        regs[MR3 + 1] = m[b + 7];
      }
      const sys = this.sys;
      regs[SYS] = sys >>> 0;
      regs[SYS + 1] = sys < 0 ? 0xffff_ffff : 0;
      putWord(regs, CAP, this.a0);
      putWord(regs, INFO, this.a1);
      putWord(regs, REPLY, this.a6);
      if (sys === seL4_SysNBSendRecv || sys === seL4_SysNBSendWait) setReg(R.nbsendRecvDest, this.t0);
      this.phase = ITER_TRAPPED;
      return TRAPPED;
    }
    if (this.phase === ITER_TRAPPED) {
      this.phase = ITER_DONE;
      const result = this.result;
      if (result !== RESULT_VOID) {
        const regs = rt.regs;
        const m = rt.ram32;
        const b = ipcIndex() + 2 * IPCBUF_MSG;
        m[b] = regs[MR0];
        m[b + 1] = regs[MR0 + 1];
        m[b + 2] = regs[MR1];
        m[b + 3] = regs[MR1 + 1];
        m[b + 4] = regs[MR2];
        m[b + 5] = regs[MR2 + 1];
        m[b + 6] = regs[MR3];
        m[b + 7] = regs[MR3 + 1];
        const info = takeWord(regs, INFO);
        if (result === RESULT_INFO) return { value: info, done: true };
        return { value: { info, sender: takeWord(regs, BADGE) }, done: true };
      }
    }
    return { value: undefined, done: true };
  }

  return(value: unknown): IteratorResult<Trap, unknown> {
    if (this.phase === ITER_START) rt.unstarted--;
    this.phase = ITER_DONE;
    return { value, done: true };
  }

  throw(e: unknown): IteratorResult<Trap, unknown> {
    if (e === LOCATE_PROBE && this.phase === ITER_TRAPPED) {
      // Where is this thread? Record the stack (the delegating generators are on it at their
      // `yield*`) and stay parked at the trap.
      rt.probeStack = new Error("parked").stack ?? null;
      return TRAPPED;
    }
    if (this.phase === ITER_START) rt.unstarted--;
    this.phase = ITER_DONE;
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}
Object.setPrototypeOf(SyscallIterator.prototype, Object.getPrototypeOf(function* () {}).prototype as object);

function syscall<T>(
  sys: number,
  a0: seL4_Word,
  a1: seL4_Word,
  a6: seL4_Word,
  t0: seL4_Word,
  load: boolean,
  result: number,
): UserGenerator<T> {
  return new SyscallIterator(sys, a0, a1, a6, t0, load, result) as UserGenerator<T>;
}

// The receive-only stubs leave a1 as an output in C (its input value is whatever the compiler
// left there); they set it to 0 so that a non-blocking receive that finds nothing, which does not
// write a1 (§2.5), reliably returns an empty message info.

export function seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<void> {
  return syscall(seL4_SysSend, dest, msgInfo, 0, 0, true, RESULT_VOID);
}

export function seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<void> {
  return syscall(seL4_SysNBSend, dest, msgInfo, 0, 0, true, RESULT_VOID);
}

export function seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<seL4_MessageInfo_t> {
  return syscall(seL4_SysCall, dest, msgInfo, 0, 0, true, RESULT_INFO);
}

export function seL4_Recv(src: seL4_CPtr, reply: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysRecv, src, 0, reply, 0, false, RESULT_RECV);
}

export function seL4_NBRecv(src: seL4_CPtr, reply: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysNBRecv, src, 0, reply, 0, false, RESULT_RECV);
}

export function seL4_Wait(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysWait, src, 0, 0, 0, false, RESULT_RECV);
}

export function seL4_NBWait(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysNBWait, src, 0, 0, 0, false, RESULT_RECV);
}

/** On MCS, seL4_Poll is seL4_NBWait. */
export function seL4_Poll(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return seL4_NBWait(src);
}

export function seL4_ReplyRecv(
  src: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  reply: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysReplyRecv, src, msgInfo, reply, 0, true, RESULT_RECV);
}

export function seL4_NBSendRecv(
  dest: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  src: seL4_CPtr,
  reply: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysNBSendRecv, src, msgInfo, reply, dest, true, RESULT_RECV);
}

/** NBSendWait has no reply object, so the send destination travels in a6 (and t0 is 0). */
export function seL4_NBSendWait(
  dest: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  src: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  return syscall(seL4_SysNBSendWait, src, msgInfo, dest, 0, true, RESULT_RECV);
}

/** A Send of an empty message: no MRs are loaded. */
export function seL4_Signal(dest: seL4_CPtr): UserGenerator<void> {
  return syscall(seL4_SysSend, dest, 0, 0, 0, false, RESULT_VOID);
}

export function seL4_Yield(): UserGenerator<void> {
  return syscall(seL4_SysYield, 0, 0, 0, 0, false, RESULT_VOID);
}

// CONTRACT.md calls everything that enters the kernel a generator function: so these are, to
// anyone who asks (instanceof GeneratorFunction, .constructor, Object.prototype.toString).
for (const stub of [
  seL4_Send,
  seL4_NBSend,
  seL4_Call,
  seL4_Recv,
  seL4_NBRecv,
  seL4_Wait,
  seL4_NBWait,
  seL4_Poll,
  seL4_ReplyRecv,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_Signal,
  seL4_Yield,
]) {
  Object.setPrototypeOf(stub, Object.getPrototypeOf(function* () {}) as object);
}

// ---- debug system calls ----

const encoder = new TextEncoder();
/** DebugNameThread: the kernel looks for the NUL within the 960 bytes of msg[]. */
const NAME_MAX_BYTES = 8 * seL4_MsgMaxLength;

function putCharRegs(c: number): void {
  // char is unsigned on RISC-V, so the stub passes the byte zero-extended.
  setSyscallRegs(seL4_SysDebugPutChar, c & 0xff, 0, 0);
  zeroMsgRegs();
}

function* putBytes(bytes: Uint8Array): UserGenerator<void> {
  for (const b of bytes) {
    if (b === 0) return;
    putCharRegs(b);
    yield TRAP_SYSCALL;
  }
}

/** A number is one byte; a string is written as its UTF-8 bytes, like seL4_DebugPutString. */
export function* seL4_DebugPutChar(c: number | string): UserGenerator<void> {
  if (typeof c === "string") return yield* seL4_DebugPutString(c);
  putCharRegs(c);
  yield TRAP_SYSCALL;
}

/** One PutChar per UTF-8 byte, stopping at a NUL as the C loop does. */
export function* seL4_DebugPutString(str: string): UserGenerator<void> {
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0x80) return yield* putBytes(encoder.encode(str.slice(i)));
    if (c === 0) return;
    putCharRegs(c);
    yield TRAP_SYSCALL;
  }
}

export function* seL4_DebugDumpScheduler(): UserGenerator<void> {
  setSyscallRegs(seL4_SysDebugDumpScheduler, 0, 0, 0);
  zeroMsgRegs();
  yield TRAP_SYSCALL;
}

/** Only a7 is set, as in C. */
export function* seL4_DebugHalt(): UserGenerator<void> {
  setReg(R.syscallRegister, seL4_SysDebugHalt);
  yield TRAP_SYSCALL;
}

/** Only a7 is set, as in C. */
export function* seL4_DebugSnapshot(): UserGenerator<void> {
  setReg(R.syscallRegister, seL4_SysDebugSnapshot);
  yield TRAP_SYSCALL;
}

/** The cap type tag of the slot (see abi/captypes.ts), 0 for an empty slot or failed lookup. */
export function* seL4_DebugCapIdentify(cap: seL4_CPtr): UserGenerator<seL4_Uint32> {
  setSyscallRegs(seL4_SysDebugCapIdentify, cap, 0, 0);
  zeroMsgRegs();
  yield TRAP_SYSCALL;
  return rt.regs[2 * R.capRegister];
}

/**
 * The name goes NUL-terminated into the IPC buffer from msg[0] (strcpy in C) and the kernel reads
 * it from there. Names that cannot fit would make the real kernel halt, so they are refused here.
 */
export function* seL4_DebugNameThread(tcb: seL4_CPtr, name: string): UserGenerator<void> {
  const utf8 = encoder.encode(name);
  const nul = utf8.indexOf(0);
  const len = nul < 0 ? utf8.length : nul;
  if (len >= NAME_MAX_BYTES) throw new RangeError(`thread name longer than ${NAME_MAX_BYTES - 1} bytes`);
  const bytes = new Uint8Array(len + 1);
  bytes.set(utf8.subarray(0, len));
  rt.mem.writeBytes(rt.ipcBuffer + 8 * IPCBUF_MSG, bytes);
  setSyscallRegs(seL4_SysDebugNameThread, tcb, 0, 0);
  zeroMsgRegs();
  yield TRAP_SYSCALL;
}
