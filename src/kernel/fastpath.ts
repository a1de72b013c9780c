// The IPC fastpath (seL4 src/fastpath/fastpath.c, MCS): Call to a passive server waiting on an
// endpoint, and ReplyRecv answering a caller that can run at once, done without the general
// machinery. The observable results are exactly those of the slowpath; when any condition does
// not hold the function returns false and the slowpath runs instead.
//
// Hot path: no allocation, registers as u32 halves, every check inline.

import {
  cap_endpoint_cap,
  cap_page_table_cap,
  cap_reply_cap,
  seL4_CapRights_Grant,
  seL4_CapRights_GrantReply,
  seL4_CapRights_Read,
  seL4_CapRights_Write,
  seL4_Fault_NullFault,
  seL4_WordBits,
  tcbCTable,
  tcbVTable,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnReply,
  ThreadState_Running,
} from "../abi/index.ts";
import { a0, a1, a2, a6 } from "../abi/registers.ts";
import { resolveAddressBits, lookupResult } from "./cspace.ts";
import { queueAppend } from "./ipc.ts";
import { ks } from "./state.ts";
import {
  type Cte,
  type Endpoint,
  EPState_Idle,
  EPState_Recv,
  EPState_Send,
  NtfnState_Active,
  type Reply,
  type SchedContext,
  type Tcb,
} from "./structures.ts";
import { isHighestPrio } from "./thread.ts";
import { isVSpaceOfCap } from "./vspace.ts";

/** fastpath_mi_check: at most four message words in registers and no extra caps. */
function miCheck(infoLo: number): boolean {
  return (infoLo & 0x1ff) <= 4;
}

/** lookup_fp: the cap a full-depth cptr names, or null on any lookup failure. */
function lookupFp(t: Tcb, cptrHi: number, cptrLo: number): Cte | null {
  if (resolveAddressBits(t.cte[tcbCTable], cptrHi, cptrLo, seL4_WordBits) !== 0) return null;
  return lookupResult.slot;
}

/** The thread's VSpace root is valid and registered for its ASID. */
function vspaceValidFp(t: Tcb): boolean {
  const vt = t.cte[tcbVTable];
  return vt.type === cap_page_table_cap && vt.isMapped && isVSpaceOfCap(vt);
}

function copyMRsFp(from: Tcb, to: Tcb, length: number): void {
  const fr = from.regs;
  const tr = to.regs;
  for (let i = 0; i < length; i++) {
    const r = 2 * (a2 + i);
    tr[r] = fr[r];
    tr[r + 1] = fr[r + 1];
  }
}

/** setVMRoot(t) for a thread whose VSpace root vspaceValidFp has just found valid. */
function switchToThreadFp(t: Tcb): void {
  ks.curThread = t;
  const m = ks.machine;
  const root = t.cte[tcbVTable].ptr;
  if (m.satp !== root) m.satp = root;
}

/** fastpath_call: true if the Call was completed here. */
export function fastpathCall(cur: Tcb): boolean {
  const r = cur.regs;
  const infoLo = r[2 * a1];
  if (!miCheck(infoLo) || cur.faultType !== seL4_Fault_NullFault) return false;
  const epCap = lookupFp(cur, r[2 * a0 + 1], r[2 * a0]);
  if (epCap === null || epCap.type !== cap_endpoint_cap || (epCap.rights & seL4_CapRights_Write) === 0)
    return false;
  const ep = epCap.obj as Endpoint;
  if (ep.state !== EPState_Recv) return false;
  const dest = ep.head as Tcb;
  if (!vspaceValidFp(dest)) return false;
  if (dest.priority < cur.priority && !isHighestPrio(dest.priority)) return false;
  if ((epCap.rights & (seL4_CapRights_Grant | seL4_CapRights_GrantReply)) === 0) return false;
  if (dest.domain !== ks.curDomain) return false;
  if (dest.sc !== null) return false;
  const reply = dest.replyObject;
  if (reply === null) return false;
  const sc = cur.sc;
  if (sc === null) return false;

  // Dequeue the receiver.
  const next = dest.epNext;
  ep.head = next;
  if (next !== null) next.epPrev = null;
  else {
    ep.tail = null;
    ep.state = EPState_Idle;
  }
  dest.epNext = null;
  dest.epPrev = null;
  dest.blockingObject = null;

  // The caller waits on the reply object and its SC moves to the server (reply_push).
  cur.state = ThreadState_BlockedOnReply;
  dest.replyObject = null;
  cur.replyObject = reply;
  cur.blockingObject = null;
  reply.tcb = cur;
  sc.tcb = dest;
  dest.sc = sc;
  cur.sc = null;
  const oldCaller = sc.reply;
  reply.prev = oldCaller;
  if (oldCaller !== null) {
    oldCaller.nextSC = null;
    oldCaller.next = reply;
  }
  reply.next = null;
  reply.nextSC = sc;
  sc.reply = reply;

  copyMRsFp(cur, dest, infoLo & 0x7f);
  dest.state = ThreadState_Running;
  switchToThreadFp(dest);
  const dr = dest.regs;
  dr[2 * a0] = epCap.dataLo;
  dr[2 * a0 + 1] = epCap.dataHi;
  dr[2 * a1] = (infoLo & ~0xe00) >>> 0;
  dr[2 * a1 + 1] = r[2 * a1 + 1];
  return true;
}

/** fastpath_reply_recv: true if the ReplyRecv was completed here. */
export function fastpathReplyRecv(cur: Tcb): boolean {
  const r = cur.regs;
  const infoLo = r[2 * a1];
  if (!miCheck(infoLo) || cur.faultType !== seL4_Fault_NullFault) return false;
  const epCap = lookupFp(cur, r[2 * a0 + 1], r[2 * a0]);
  if (epCap === null || epCap.type !== cap_endpoint_cap || (epCap.rights & seL4_CapRights_Read) === 0)
    return false;
  const replyCap = lookupFp(cur, r[2 * a6 + 1], r[2 * a6]);
  if (replyCap === null || replyCap.type !== cap_reply_cap) return false;
  const bound = cur.boundNotification;
  if (bound !== null && bound.state === NtfnState_Active) return false;
  const ep = epCap.obj as Endpoint;
  if (ep.state === EPState_Send) return false;
  const reply = replyCap.obj as Reply;
  const caller = reply.tcb;
  if (caller === null || reply.nextSC === null || reply.nextSC !== cur.sc) return false;
  if (caller.faultType !== seL4_Fault_NullFault) return false;
  if (!vspaceValidFp(caller)) return false;
  if (!isHighestPrio(caller.priority)) return false;
  if (caller.domain !== ks.curDomain) return false;
  if (caller.sc !== null) return false;

  // The server waits for the next request, holding the reply object (receiveIPC).
  cur.state = ThreadState_BlockedOnReceive;
  cur.blockingObject = ep;
  caller.replyObject = null;
  cur.replyObject = reply;
  reply.tcb = cur;
  queueAppend(ep, cur);
  ep.state = EPState_Recv;

  // The SC returns to the caller and the reply leaves the call stack (reply_pop).
  const sc = cur.sc as SchedContext;
  const prev = reply.prev;
  cur.sc = null;
  caller.sc = sc;
  sc.tcb = caller;
  sc.reply = prev;
  if (prev !== null) {
    prev.next = null;
    prev.nextSC = sc;
  }
  reply.prev = null;
  reply.next = null;
  reply.nextSC = null;

  copyMRsFp(cur, caller, infoLo & 0x7f);
  caller.state = ThreadState_Running;
  switchToThreadFp(caller);
  const cr = caller.regs;
  cr[2 * a0] = 0;
  cr[2 * a0 + 1] = 0;
  cr[2 * a1] = (infoLo & ~0xe00) >>> 0;
  cr[2 * a1 + 1] = r[2 * a1 + 1];
  return true;
}
