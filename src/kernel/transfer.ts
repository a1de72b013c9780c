// Message transfer (seL4 src/kernel/thread.c doIPCTransfer/doNormalTransfer/transferCaps,
// src/object/tcb.c copyMRs, src/api/faults.c setMRs_fault/handleFaultReply): what moves from a
// sender to a receiver, and what a fault handler's reply does to the faulted thread
// (IPC-22..IPC-29, IPC-32/33, FLT-10..FLT-21).

import {
  cap_endpoint_cap,
  cap_null_cap,
  IPCBUF_CAPS_OR_BADGES,
  IPCBUF_MSG,
  IPCBUF_RECEIVE_CNODE,
  IPCBUF_RECEIVE_DEPTH,
  IPCBUF_RECEIVE_INDEX,
  msgInfoLength,
  n_msgRegisters,
  seL4_Fault_CapFault,
  seL4_Fault_NullFault,
  seL4_Fault_Timeout,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
} from "../abi/index.ts";
import * as R from "../abi/registers.ts";
import { cteInsert } from "./cdt.ts";
import { lookupResult, lookupSlot, lookupTargetSlot } from "./cspace.ts";
import { lookupExtraCaps, lookupIPCBuffer, setMR, setMRsLookupFailure } from "./msg.ts";
import { deriveCap } from "./object/objecttype.ts";
import { schedContextUpdateConsumed } from "./schedcontext.ts";
import { current_extra_caps, EXCEPTION_NONE, ks } from "./state.ts";
import { copyCap, Cte, type Endpoint, type Tcb } from "./structures.ts";

const derived = new Cte(null, -1);

/** Registers restored from a fault reply, in message order (seL4's fault_messages). */
const syscallMessage: readonly number[] = [R.FaultIP, R.sp, R.ra, R.a0, R.a1, R.a2, R.a3, R.a4, R.a5, R.a6];
const exceptionMessage: readonly number[] = [R.FaultIP, R.sp];
const timeoutReplyMessage = R.userContextToKernel;

/** doIPCTransfer: a normal message, or the sender's fault message when it carries a fault. */
export function doIPCTransfer(
  sender: Tcb,
  ep: Endpoint | null,
  badgeHi: number,
  badgeLo: number,
  grant: boolean,
  receiver: Tcb,
): void {
  const receiveBuffer = lookupIPCBuffer(true, receiver);
  if (sender.faultType === seL4_Fault_NullFault) {
    const sendBuffer = lookupIPCBuffer(false, sender);
    doNormalTransfer(sender, sendBuffer, ep, badgeHi, badgeLo, grant, receiver, receiveBuffer);
  } else {
    doFaultTransfer(badgeHi, badgeLo, sender, receiver, receiveBuffer);
  }
}

function doNormalTransfer(
  sender: Tcb,
  sendBuffer: number,
  ep: Endpoint | null,
  badgeHi: number,
  badgeLo: number,
  canGrant: boolean,
  receiver: Tcb,
  receiveBuffer: number,
): void {
  const sr = sender.regs;
  const tagLo = sr[2 * R.a1];
  const tagHi = sr[2 * R.a1 + 1];
  if (canGrant) {
    // IPC-25: re-resolved now, in the sender's CSpace; any failure means no caps at all.
    if (lookupExtraCaps(sender, sendBuffer, tagLo) !== EXCEPTION_NONE) current_extra_caps.slots[0] = null;
  } else {
    current_extra_caps.slots[0] = null;
  }
  let length = msgInfoLength(tagLo);
  if (length > seL4_MsgMaxLength) length = seL4_MsgMaxLength;
  const sent = copyMRs(sender, sendBuffer, receiver, receiveBuffer, length);
  const capsLo = transferCaps(ep, receiver, receiveBuffer);
  const rr = receiver.regs;
  // The label passes through unchanged; the low 12 bits are rebuilt (IPC-29).
  rr[2 * R.a1] = ((tagLo & 0xfffff000) | capsLo | sent) >>> 0;
  rr[2 * R.a1 + 1] = tagHi;
  rr[2 * R.a0] = badgeLo;
  rr[2 * R.a0 + 1] = badgeHi;
}

/** copyMRs (IPC-24): registers always, the rest only between two IPC buffers. */
export function copyMRs(
  sender: Tcb,
  sendBuffer: number,
  receiver: Tcb,
  receiveBuffer: number,
  n: number,
): number {
  const sr = sender.regs;
  const rr = receiver.regs;
  let i = 0;
  for (; i < n && i < n_msgRegisters; i++) {
    const r = 2 * (R.a2 + i);
    rr[r] = sr[r];
    rr[r + 1] = sr[r + 1];
  }
  if (receiveBuffer >= 0 && sendBuffer >= 0) {
    const u32 = ks.machine.memory.u32;
    for (; i < n; i++) {
      const off = 2 * (IPCBUF_MSG + i);
      u32[receiveBuffer + off] = u32[sendBuffer + off];
      u32[receiveBuffer + off + 1] = u32[sendBuffer + off + 1];
    }
  }
  return i;
}

/** getReceiveSlots (IPC-27): the one empty slot the receiver offers, or null. */
function getReceiveSlot(receiver: Tcb, buffer: number): Cte | null {
  const u32 = ks.machine.memory.u32;
  const cnLo = u32[buffer + 2 * IPCBUF_RECEIVE_CNODE];
  const cnHi = u32[buffer + 2 * IPCBUF_RECEIVE_CNODE + 1];
  if (lookupSlot(receiver, cnHi, cnLo) !== EXCEPTION_NONE) return null;
  const cnode = lookupResult.slot as Cte;
  const idxLo = u32[buffer + 2 * IPCBUF_RECEIVE_INDEX];
  const idxHi = u32[buffer + 2 * IPCBUF_RECEIVE_INDEX + 1];
  const depth =
    u32[buffer + 2 * IPCBUF_RECEIVE_DEPTH + 1] * 0x1_0000_0000 + u32[buffer + 2 * IPCBUF_RECEIVE_DEPTH];
  if (lookupTargetSlot(cnode, idxHi, idxLo, depth) !== EXCEPTION_NONE) return null;
  const slot = lookupResult.slot as Cte;
  return slot.type === cap_null_cap ? slot : null;
}

/**
 * transferCaps (IPC-25..IPC-28): returns the extraCaps and capsUnwrapped bits of the delivered
 * message info (already shifted into place).
 */
function transferCaps(ep: Endpoint | null, receiver: Tcb, receiveBuffer: number): number {
  const ec = current_extra_caps;
  if (ec.slots[0] === null || receiveBuffer < 0) return 0;
  let destSlot = getReceiveSlot(receiver, receiveBuffer);
  const u32 = ks.machine.memory.u32;
  let unwrapped = 0;
  let i = 0;
  for (; i < seL4_MsgMaxExtraCaps && i < ec.count && ec.slots[i] !== null; i++) {
    const slot = ec.slots[i] as Cte;
    if (slot.type === cap_endpoint_cap && slot.obj === ep) {
      const off = receiveBuffer + 2 * (IPCBUF_CAPS_OR_BADGES + i);
      u32[off] = slot.dataLo;
      u32[off + 1] = slot.dataHi;
      unwrapped |= 1 << i;
    } else {
      if (destSlot === null) break;
      copyCap(derived, slot);
      if (deriveCap(slot, derived) !== EXCEPTION_NONE) break;
      if (derived.type === cap_null_cap) break;
      ks.capsDirty = true;
      cteInsert(derived, slot, destSlot);
      destSlot = null;
    }
  }
  return (unwrapped << 9) | (i << 7);
}

function doFaultTransfer(badgeHi: number, badgeLo: number, sender: Tcb, receiver: Tcb, buffer: number): void {
  const sent = setMRsFault(sender, receiver, buffer);
  const rr = receiver.regs;
  rr[2 * R.a1] = ((sender.faultType << 12) | sent) >>> 0;
  rr[2 * R.a1 + 1] = 0;
  rr[2 * R.a0] = badgeLo;
  rr[2 * R.a0 + 1] = badgeHi;
}

function setMRReg(receiver: Tcb, buffer: number, i: number, sender: Tcb, reg: number): number {
  return setMR(receiver, buffer, i, sender.regs[2 * reg + 1], sender.regs[2 * reg]);
}

/** setMRs_fault (FLT-11..FLT-15): the fault message; returns its length. */
function setMRsFault(sender: Tcb, receiver: Tcb, buffer: number): number {
  switch (sender.faultType) {
    case seL4_Fault_CapFault:
      setMRReg(receiver, buffer, 0, sender, R.FaultIP);
      setMR(receiver, buffer, 1, sender.faultW0Hi, sender.faultW0Lo);
      setMR(receiver, buffer, 2, 0, sender.faultW1);
      return setMRsLookupFailure(
        receiver,
        buffer,
        3,
        sender.lfType,
        sender.lfBitsLeft,
        sender.lfBitsFound,
        sender.lfGuardHi,
        sender.lfGuardLo,
      );
    case seL4_Fault_UnknownSyscall: {
      for (let i = 0; i < syscallMessage.length; i++)
        setMRReg(receiver, buffer, i, sender, syscallMessage[i]);
      return setMR(receiver, buffer, syscallMessage.length, sender.faultW0Hi, sender.faultW0Lo);
    }
    case seL4_Fault_UserException:
      setMRReg(receiver, buffer, 0, sender, R.FaultIP);
      setMRReg(receiver, buffer, 1, sender, R.sp);
      setMR(receiver, buffer, 2, 0, sender.faultW1);
      return setMR(receiver, buffer, 3, 0, sender.faultW2);
    case seL4_Fault_VMFault:
      setMRReg(receiver, buffer, 0, sender, R.FaultIP);
      setMR(receiver, buffer, 1, sender.faultW0Hi, sender.faultW0Lo);
      setMR(receiver, buffer, 2, 0, sender.faultW1);
      return setMR(receiver, buffer, 3, 0, sender.faultW2);
    case seL4_Fault_Timeout: {
      const len = setMR(receiver, buffer, 0, sender.faultW0Hi, sender.faultW0Lo);
      const sc = sender.sc;
      if (sc === null) return len;
      // Reading the consumed time (µs) resets the SC's counter.
      const us = schedContextUpdateConsumed(sc);
      return setMR(receiver, buffer, 1, Math.floor(us / 0x1_0000_0000) >>> 0, us >>> 0);
    }
    default:
      return 0;
  }
}

/** Copy reply MRs into the faulted thread's registers (copyMRsFaultReply). */
function copyFaultReply(sender: Tcb, receiver: Tcb, regs: readonly number[], length: number): void {
  const sr = sender.regs;
  const rr = receiver.regs;
  let i = 0;
  for (; i < length && i < n_msgRegisters; i++) {
    const from = 2 * (R.a2 + i);
    rr[2 * regs[i]] = sr[from];
    rr[2 * regs[i] + 1] = sr[from + 1];
  }
  if (i < length) {
    const buffer = lookupIPCBuffer(false, sender);
    if (buffer >= 0) {
      const u32 = ks.machine.memory.u32;
      for (; i < length; i++) {
        const off = buffer + 2 * (IPCBUF_MSG + i);
        rr[2 * regs[i]] = u32[off];
        rr[2 * regs[i] + 1] = u32[off + 1];
      }
    }
  }
}

/** handleFaultReply (FLT-16..FLT-20): true if the faulted thread restarts. */
export function handleFaultReply(receiver: Tcb, sender: Tcb): boolean {
  const tagLo = sender.regs[2 * R.a1];
  const labelZero = tagLo >>> 12 === 0 && sender.regs[2 * R.a1 + 1] === 0;
  let length = msgInfoLength(tagLo);
  if (length > seL4_MsgMaxLength) length = seL4_MsgMaxLength;
  switch (receiver.faultType) {
    case seL4_Fault_UnknownSyscall:
      copyFaultReply(sender, receiver, syscallMessage, Math.min(length, syscallMessage.length));
      return labelZero;
    case seL4_Fault_UserException:
      copyFaultReply(sender, receiver, exceptionMessage, Math.min(length, exceptionMessage.length));
      return labelZero;
    case seL4_Fault_Timeout:
      copyFaultReply(sender, receiver, timeoutReplyMessage, Math.min(length, timeoutReplyMessage.length));
      return labelZero;
    default:
      // Cap faults and VM faults always restart; the reply's contents are ignored.
      return true;
  }
}
