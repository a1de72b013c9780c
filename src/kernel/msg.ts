// Message registers and IPC buffers as the kernel sees them (seL4 getSyscallArg, setMR,
// lookupIPCBuffer, lookupExtraCaps, replyFromKernel_*): arguments are read as exact 64-bit
// (hi, lo) halves straight from the register file or the IPC buffer in RAM.

import {
  cap_frame_cap,
  IPCBUF_CAPS_OR_BADGES,
  IPCBUF_MSG,
  msgInfoExtraCaps,
  msgInfoLo,
  n_msgRegisters,
  seL4_FailedLookup,
  seL4_Fault_CapFault,
  seL4_GuardMismatch,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_NotEnoughMemory,
  seL4_RangeError,
  tcbBuffer,
  VMReadOnly,
  VMReadWrite,
  seL4_DepthMismatch,
  seL4_MissingCapability,
} from "../abi/index.ts";
import { a0, a1, a2 } from "../abi/registers.ts";
import { lookupResult, lookupSlot } from "./cspace.ts";
import {
  current_extra_caps,
  current_fault,
  current_lookup_fault,
  current_syscall_error,
  EXCEPTION_LOOKUP_FAULT,
  EXCEPTION_NONE,
  ks,
  type Exception,
} from "./state.ts";
import type { Tcb } from "./structures.ts";
import { wordToNumber } from "./word.ts";

/** The invocation being decoded: caller, its sending IPC buffer (ram32 index or -1), invoked cptr. */
export const inv = { thread: null as unknown as Tcb, buffer: -1, cptrHi: 0, cptrLo: 0 };

export function argLo(i: number): number {
  if (i < n_msgRegisters) return inv.thread.regs[2 * (a2 + i)];
  return ks.machine.memory.u32[inv.buffer + 2 * (IPCBUF_MSG + i)];
}
export function argHi(i: number): number {
  if (i < n_msgRegisters) return inv.thread.regs[2 * (a2 + i) + 1];
  return ks.machine.memory.u32[inv.buffer + 2 * (IPCBUF_MSG + i) + 1];
}
/** An argument as a double: exact below 2^53, order-preserving above (fine for range checks). */
export function argNum(i: number): number {
  return wordToNumber(argHi(i), argLo(i));
}

/**
 * lookupIPCBuffer: ram32 index of the thread's IPC buffer, or -1 (INV-5). The frame cap in the
 * TCB decides; page tables are never consulted. Read-only frames serve only for sending.
 */
export function lookupIPCBuffer(isReceiver: boolean, t: Tcb): number {
  const cap = t.cte[tcbBuffer];
  if (cap.type !== cap_frame_cap || cap.isDevice) return -1;
  if (cap.rights !== VMReadWrite && (isReceiver || cap.rights !== VMReadOnly)) return -1;
  // Frames are at most 2^30 bytes, so the offset lies in the low 32 bits of the address (hot path:
  // integer ops only).
  const paddr = cap.ptr + ((t.ipcBuffer >>> 0) & ((1 << cap.sizeBits) - 1));
  const mem = ks.machine.memory;
  if (paddr < mem.ramBase || paddr + 1024 > mem.ramEnd) return -1;
  const off = paddr - mem.ramBase;
  // The kernel stores message words straight into the buffer (1 KiB aligned: one page), so the
  // page counts as written, and as a store into translated code if it holds some.
  mem.markPage(off >>> 12);
  return off >>> 2;
}

/** setMR: MR i into a register or the receive buffer; returns the count it accounts for. */
export function setMR(t: Tcb, buffer: number, i: number, hi: number, lo: number): number {
  if (i < n_msgRegisters) {
    t.regs[2 * (a2 + i)] = lo;
    t.regs[2 * (a2 + i) + 1] = hi;
    return i + 1;
  }
  if (buffer < 0) return n_msgRegisters;
  const u32 = ks.machine.memory.u32;
  u32[buffer + 2 * (IPCBUF_MSG + i)] = lo;
  u32[buffer + 2 * (IPCBUF_MSG + i) + 1] = hi;
  return i + 1;
}

function setMRNum(t: Tcb, buffer: number, i: number, v: number): number {
  return setMR(t, buffer, i, Math.floor(v / 0x1_0000_0000) >>> 0, v >>> 0);
}

/** setMRs_lookup_failure: a lookup failure description from MR `offset` on (CS-14). */
export function setMRsLookupFailure(
  t: Tcb,
  buffer: number,
  offset: number,
  type: number,
  bitsLeft: number,
  bitsFound: number,
  guardHi: number,
  guardLo: number,
): number {
  let len = setMRNum(t, buffer, offset, type);
  switch (type) {
    case seL4_MissingCapability:
      len = setMRNum(t, buffer, offset + 1, bitsLeft);
      break;
    case seL4_DepthMismatch:
      setMRNum(t, buffer, offset + 1, bitsLeft);
      len = setMRNum(t, buffer, offset + 2, bitsFound);
      break;
    case seL4_GuardMismatch:
      setMRNum(t, buffer, offset + 1, bitsLeft);
      setMR(t, buffer, offset + 2, guardHi, guardLo);
      len = setMRNum(t, buffer, offset + 3, bitsFound);
      break;
  }
  return len;
}

/** replyFromKernel_error (INV-11): label = error, MRs as the real kernel writes them. */
export function replyFromKernelError(t: Tcb): void {
  const buffer = lookupIPCBuffer(true, t);
  const e = current_syscall_error;
  let len = 0;
  switch (e.type) {
    case seL4_InvalidArgument:
      len = setMRNum(t, buffer, 0, e.invalidArgumentNumber);
      break;
    case seL4_InvalidCapability:
      len = setMRNum(t, buffer, 0, e.invalidCapNumber);
      break;
    case seL4_RangeError:
      setMR(t, buffer, 0, e.rangeErrorMinHi, e.rangeErrorMinLo);
      len = setMR(t, buffer, 1, e.rangeErrorMaxHi, e.rangeErrorMaxLo);
      break;
    case seL4_FailedLookup:
      setMRNum(t, buffer, 0, e.failedLookupWasSource ? 1 : 0);
      len = setMRsLookupFailure(
        t,
        buffer,
        1,
        current_lookup_fault.type,
        current_lookup_fault.bitsLeft,
        current_lookup_fault.bitsFound,
        current_lookup_fault.guardFoundHi,
        current_lookup_fault.guardFoundLo,
      );
      break;
    case seL4_NotEnoughMemory:
      len = setMRNum(t, buffer, 0, e.memoryLeft);
      break;
  }
  setReg(t, a0, 0, 0);
  setReg(t, a1, 0, msgInfoLo(e.type, 0, 0, len));
}

/** replyFromKernel_success_empty (INV-12). */
export function replyFromKernelSuccessEmpty(t: Tcb): void {
  setReg(t, a0, 0, 0);
  setReg(t, a1, 0, 0);
}

export function setReg(t: Tcb, r: number, hi: number, lo: number): void {
  t.regs[2 * r] = lo;
  t.regs[2 * r + 1] = hi;
}

/**
 * lookupExtraCaps (INV-6): resolve the cptrs in caps_or_badges. A structural failure becomes a
 * CapFault on that cptr (send phase); an empty slot is fine and passes the null cap on.
 */
export function lookupExtraCaps(t: Tcb, buffer: number, infoLo: number): Exception {
  const ec = current_extra_caps;
  ec.count = 0;
  ec.slots[0] = ec.slots[1] = ec.slots[2] = null;
  if (buffer < 0) return EXCEPTION_NONE;
  const n = msgInfoExtraCaps(infoLo);
  const u32 = ks.machine.memory.u32;
  for (let i = 0; i < n; i++) {
    const lo = u32[buffer + 2 * (IPCBUF_CAPS_OR_BADGES + i)];
    const hi = u32[buffer + 2 * (IPCBUF_CAPS_OR_BADGES + i) + 1];
    if (lookupSlot(t, hi, lo) !== EXCEPTION_NONE) {
      setCapFault(hi, lo, false);
      return EXCEPTION_LOOKUP_FAULT;
    }
    ec.slots[i] = lookupResult.slot;
    ec.count = i + 1;
  }
  return EXCEPTION_NONE;
}

export function setCapFault(addrHi: number, addrLo: number, inReceivePhase: boolean): void {
  current_fault.type = seL4_Fault_CapFault;
  current_fault.w0Hi = addrHi;
  current_fault.w0Lo = addrLo;
  current_fault.w1 = inReceivePhase ? 1 : 0;
}
