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
import { rt, TRAP_SYSCALL, type UserGenerator } from "../runtime.ts";
import { loadMsgRegs, storeMsgRegs } from "./ipcbuffer.ts";
import type { seL4_CPtr, seL4_MessageInfo_t, seL4_Uint32 } from "./types.ts";
import { type seL4_Word, getReg, setReg } from "./word.ts";

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

function received(): sel4ts_RecvResult {
  storeMsgRegs();
  return { info: getReg(R.msgInfoRegister), sender: getReg(R.badgeRegister) };
}

// The receive-only stubs leave a1 as an output in C (its input value is whatever the compiler
// left there); they set it to 0 so that a non-blocking receive that finds nothing, which does not
// write a1 (§2.5), reliably returns an empty message info.

export function* seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<void> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysSend, dest, msgInfo, 0);
  yield TRAP_SYSCALL;
}

export function* seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<void> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysNBSend, dest, msgInfo, 0);
  yield TRAP_SYSCALL;
}

export function* seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): UserGenerator<seL4_MessageInfo_t> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysCall, dest, msgInfo, 0);
  yield TRAP_SYSCALL;
  storeMsgRegs();
  return getReg(R.msgInfoRegister);
}

export function* seL4_Recv(src: seL4_CPtr, reply: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  setSyscallRegs(seL4_SysRecv, src, 0, reply);
  yield TRAP_SYSCALL;
  return received();
}

export function* seL4_NBRecv(src: seL4_CPtr, reply: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  setSyscallRegs(seL4_SysNBRecv, src, 0, reply);
  yield TRAP_SYSCALL;
  return received();
}

export function* seL4_Wait(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  setSyscallRegs(seL4_SysWait, src, 0, 0);
  yield TRAP_SYSCALL;
  return received();
}

export function* seL4_NBWait(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  setSyscallRegs(seL4_SysNBWait, src, 0, 0);
  yield TRAP_SYSCALL;
  return received();
}

/** On MCS, seL4_Poll is seL4_NBWait. */
export function* seL4_Poll(src: seL4_CPtr): UserGenerator<sel4ts_RecvResult> {
  return yield* seL4_NBWait(src);
}

export function* seL4_ReplyRecv(
  src: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  reply: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysReplyRecv, src, msgInfo, reply);
  yield TRAP_SYSCALL;
  return received();
}

export function* seL4_NBSendRecv(
  dest: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  src: seL4_CPtr,
  reply: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysNBSendRecv, src, msgInfo, reply);
  setReg(R.nbsendRecvDest, dest);
  yield TRAP_SYSCALL;
  return received();
}

/** NBSendWait has no reply object, so the send destination travels in a6 (and t0 is 0). */
export function* seL4_NBSendWait(
  dest: seL4_CPtr,
  msgInfo: seL4_MessageInfo_t,
  src: seL4_CPtr,
): UserGenerator<sel4ts_RecvResult> {
  loadMsgRegs();
  setSyscallRegs(seL4_SysNBSendWait, src, msgInfo, dest);
  setReg(R.nbsendRecvDest, 0);
  yield TRAP_SYSCALL;
  return received();
}

/** A Send of an empty message: no MRs are loaded. */
export function* seL4_Signal(dest: seL4_CPtr): UserGenerator<void> {
  setSyscallRegs(seL4_SysSend, dest, 0, 0);
  yield TRAP_SYSCALL;
}

export function* seL4_Yield(): UserGenerator<void> {
  setSyscallRegs(seL4_SysYield, 0, 0, 0);
  yield TRAP_SYSCALL;
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
