// The IPC buffer accessors of libsel4's functions.h. The buffer is real memory: word w of the
// running thread's buffer is at rt.ram32[ipcIndex() + 2 * w] (lo) and the next index (hi).
// Touching the buffer when the thread has none mapped throws UserFault, as the C code faults.

import {
  IPCBUF_CAPS_OR_BADGES,
  IPCBUF_MSG,
  IPCBUF_RECEIVE_CNODE,
  IPCBUF_RECEIVE_DEPTH,
  IPCBUF_RECEIVE_INDEX,
  IPCBUF_USERDATA,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
} from "../../abi/index.ts";
import * as R from "../../abi/registers.ts";
import { ipcIndex, rt } from "../runtime.ts";
import type { seL4_CPtr } from "./types.ts";
import { type seL4_Word, loadWord, storeWord, wordToNumber } from "./word.ts";

function checkIndex(i: number, limit: number, what: string): number {
  if (i >>> 0 !== i || i >= limit) throw new RangeError(`${what} index ${i} out of range 0..${limit - 1}`);
  return i;
}

/** ram32 index of IPC buffer word w. */
function slot(w: number): number {
  return ipcIndex() + 2 * w;
}

export function seL4_GetMR(i: number): seL4_Word {
  return loadWord(rt.ram32, slot(IPCBUF_MSG + checkIndex(i, seL4_MsgMaxLength, "message register")));
}

export function seL4_SetMR(i: number, mr: seL4_Word): void {
  storeWord(rt.ram32, slot(IPCBUF_MSG + checkIndex(i, seL4_MsgMaxLength, "message register")), mr);
}

export function seL4_GetUserData(): seL4_Word {
  return loadWord(rt.ram32, slot(IPCBUF_USERDATA));
}

export function seL4_SetUserData(data: seL4_Word): void {
  storeWord(rt.ram32, slot(IPCBUF_USERDATA), data);
}

export function seL4_GetBadge(i: number): seL4_Word {
  return loadWord(rt.ram32, slot(IPCBUF_CAPS_OR_BADGES + checkIndex(i, seL4_MsgMaxExtraCaps, "badge")));
}

export function seL4_GetCap(i: number): seL4_CPtr {
  return loadWord(rt.ram32, slot(IPCBUF_CAPS_OR_BADGES + checkIndex(i, seL4_MsgMaxExtraCaps, "cap")));
}

export function seL4_SetCap(i: number, cptr: seL4_CPtr): void {
  storeWord(rt.ram32, slot(IPCBUF_CAPS_OR_BADGES + checkIndex(i, seL4_MsgMaxExtraCaps, "cap")), cptr);
}

export function seL4_GetCapReceivePath(): {
  receiveCNode: seL4_CPtr;
  receiveIndex: seL4_CPtr;
  receiveDepth: seL4_Word;
} {
  const m = rt.ram32;
  return {
    receiveCNode: loadWord(m, slot(IPCBUF_RECEIVE_CNODE)),
    receiveIndex: loadWord(m, slot(IPCBUF_RECEIVE_INDEX)),
    receiveDepth: loadWord(m, slot(IPCBUF_RECEIVE_DEPTH)),
  };
}

export function seL4_SetCapReceivePath(
  receiveCNode: seL4_CPtr,
  receiveIndex: seL4_CPtr,
  receiveDepth: seL4_Word,
): void {
  const m = rt.ram32;
  storeWord(m, slot(IPCBUF_RECEIVE_CNODE), receiveCNode);
  storeWord(m, slot(IPCBUF_RECEIVE_INDEX), receiveIndex);
  storeWord(m, slot(IPCBUF_RECEIVE_DEPTH), receiveDepth);
}

/** The running thread's IPC buffer address (libsel4's __sel4_ipc_buffer), 0 if none. */
export function seL4_GetIPCBuffer(): number {
  return rt.ipcBuffer;
}

/** Point libsel4 at another IPC buffer; the translation is redone on next use. */
export function seL4_SetIPCBuffer(ipc_buffer: seL4_Word): void {
  rt.ipcBuffer = wordToNumber(ipc_buffer);
  rt.ipcIndex = -1;
}

// ---- what the stubs do around the trap ----

/** a2..a5 = msg[0..3], as the sending stubs load them before `ecall`. */
export function loadMsgRegs(): void {
  const regs = rt.regs;
  const m = rt.ram32;
  const b = slot(IPCBUF_MSG);
  for (let k = 0; k < R.msgRegisters.length; k++) {
    const r = 2 * R.msgRegisters[k];
    regs[r] = m[b + 2 * k];
    regs[r + 1] = m[b + 2 * k + 1];
  }
}

/** msg[0..3] = a2..a5, as the receiving stubs store them after `ecall`. */
export function storeMsgRegs(): void {
  const regs = rt.regs;
  const m = rt.ram32;
  const b = slot(IPCBUF_MSG);
  for (let k = 0; k < R.msgRegisters.length; k++) {
    const r = 2 * R.msgRegisters[k];
    m[b + 2 * k] = regs[r];
    m[b + 2 * k + 1] = regs[r + 1];
  }
}
