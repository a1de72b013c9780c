// Endpoints and replies (seL4 src/object/endpoint.c sendIPC/receiveIPC, src/kernel/thread.c
// doReplyTransfer): rendezvous, call/reply with MCS reply objects and SC donation
// (IPC-11..IPC-35).

import {
  seL4_Fault_NullFault,
  seL4_Fault_Timeout,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Restart,
  ThreadState_Running,
} from "../abi/index.ts";
import { a0 } from "../abi/registers.ts";
import { cancelIPC, queueAppend, queueRemove, unblockSporadic } from "./ipc.ts";
import { setReg } from "./msg.ts";
import { completeSignal, maybeReturnSchedContext } from "./notification.ts";
import { replyPush, replyRemove, replyUnlink, schedContextDonate } from "./reply.ts";
import { handleTimeout } from "./faults.ts";
import { postpone, refillReady, refillSufficient, validTimeoutHandler } from "./sched.ts";
import { IPC_CALL, IPC_REPLY, IPC_SEND } from "./events.ts";
import { current_fault, ks } from "./state.ts";
import {
  type Endpoint,
  EPState_Idle,
  EPState_Recv,
  EPState_Send,
  NtfnState_Active,
  type Reply,
  type Tcb,
} from "./structures.ts";
import { isRunnable, possibleSwitchTo, setThreadState } from "./thread.ts";
import { doIPCTransfer, handleFaultReply } from "./transfer.ts";
import { UE_endpoint_153, userError } from "./usererror.ts";

function epDequeue(ep: Endpoint, t: Tcb): void {
  queueRemove(ep, t);
  if (ep.head === null) ep.state = EPState_Idle;
}

/** sendIPC (IPC-12..IPC-16). */
export function sendIPC(
  blocking: boolean,
  doCall: boolean,
  badgeHi: number,
  badgeLo: number,
  canGrant: boolean,
  canGrantReply: boolean,
  canDonate: boolean,
  thread: Tcb,
  ep: Endpoint,
): void {
  if (ep.state !== EPState_Recv) {
    if (!blocking) return;
    thread.blockingObject = ep;
    thread.blockingIPCBadgeHi = badgeHi;
    thread.blockingIPCBadgeLo = badgeLo;
    thread.blockingIPCCanGrant = canGrant;
    thread.blockingIPCCanGrantReply = canGrantReply;
    thread.blockingIPCIsCall = doCall;
    setThreadState(thread, ThreadState_BlockedOnSend);
    queueAppend(ep, thread);
    ep.state = EPState_Send;
    return;
  }
  const dest = ep.head as Tcb;
  epDequeue(ep, dest);
  dest.blockingObject = null;
  doIPCTransfer(thread, ep, badgeHi, badgeLo, canGrant, dest);
  if (ks.trace !== null) ks.trace.ipc(thread, dest, doCall ? IPC_CALL : IPC_SEND);
  const reply = dest.replyObject;
  if (reply !== null) replyUnlink(reply, dest);
  if (doCall || thread.faultType !== seL4_Fault_NullFault) {
    if (reply !== null && (canGrant || canGrantReply)) replyPush(thread, dest, reply, canDonate);
    else setThreadState(thread, ThreadState_Inactive);
  } else if (canDonate && dest.sc === null && thread.sc !== null) {
    schedContextDonate(thread.sc, dest);
  }
  setThreadState(dest, ThreadState_Running);
  unblockSporadic(dest.sc);
  possibleSwitchTo(dest);
}

/** receiveIPC (IPC-17..IPC-21). `reply` is the Reply object offered, or null (Wait). */
export function receiveIPC(thread: Tcb, ep: Endpoint, isBlocking: boolean, reply: Reply | null): void {
  if (reply !== null) {
    const other = reply.tcb;
    if (other !== null && other !== thread) {
      userError(UE_endpoint_153);
      cancelIPC(other);
    }
  }
  const ntfn = thread.boundNotification;
  if (ntfn !== null && ntfn.state === NtfnState_Active) {
    completeSignal(ntfn, thread);
    return;
  }
  if (ntfn !== null && isBlocking) maybeReturnSchedContext(ntfn, thread);
  if (ep.state !== EPState_Send) {
    if (isBlocking) {
      thread.blockingObject = ep;
      thread.replyObject = reply;
      setThreadState(thread, ThreadState_BlockedOnReceive);
      if (reply !== null) reply.tcb = thread;
      queueAppend(ep, thread);
      ep.state = EPState_Recv;
    } else {
      setReg(thread, a0, 0, 0);
    }
    return;
  }
  const sender = ep.head as Tcb;
  epDequeue(ep, sender);
  sender.blockingObject = null;
  const canGrant = sender.blockingIPCCanGrant;
  const canGrantReply = sender.blockingIPCCanGrantReply;
  doIPCTransfer(sender, ep, sender.blockingIPCBadgeHi, sender.blockingIPCBadgeLo, canGrant, thread);
  if (ks.trace !== null) ks.trace.ipc(sender, thread, sender.blockingIPCIsCall ? IPC_CALL : IPC_SEND);
  unblockSporadic(sender.sc);
  if (sender.blockingIPCIsCall || sender.faultType !== seL4_Fault_NullFault) {
    if ((canGrant || canGrantReply) && reply !== null) {
      const canDonate = sender.sc !== null && sender.faultType !== seL4_Fault_Timeout;
      replyPush(sender, thread, reply, canDonate);
    } else {
      setThreadState(sender, ThreadState_Inactive);
    }
  } else {
    setThreadState(sender, ThreadState_Running);
    possibleSwitchTo(sender);
  }
}

/** doReplyTransfer (IPC-30..IPC-34): answer the caller waiting on `reply`, if there is one. */
export function doReplyTransfer(sender: Tcb, reply: Reply, grant: boolean): void {
  const receiver = reply.tcb;
  if (receiver === null || receiver.state !== ThreadState_BlockedOnReply) return;
  replyRemove(reply, receiver);
  if (ks.trace !== null) ks.trace.ipc(sender, receiver, IPC_REPLY);
  unblockSporadic(receiver.sc);
  const faultType = receiver.faultType;
  if (faultType === seL4_Fault_NullFault) {
    doIPCTransfer(sender, null, 0, 0, grant, receiver);
    setThreadState(receiver, ThreadState_Running);
  } else {
    const restart = handleFaultReply(receiver, sender);
    receiver.faultType = seL4_Fault_NullFault;
    setThreadState(receiver, restart ? ThreadState_Restart : ThreadState_Inactive);
  }
  const sc = receiver.sc;
  if (sc !== null && isRunnable(receiver)) {
    if (refillReady(sc) && refillSufficient(sc, 0)) {
      possibleSwitchTo(receiver);
    } else if (validTimeoutHandler(receiver) && faultType !== seL4_Fault_Timeout) {
      // A caller whose SC came back without budget: a timeout fault to its timeout handler.
      current_fault.type = seL4_Fault_Timeout;
      current_fault.w0Hi = sc.badgeHi;
      current_fault.w0Lo = sc.badgeLo;
      current_fault.w1 = 0;
      current_fault.w2 = 0;
      handleTimeout(receiver);
    } else {
      postpone(sc);
    }
  }
}
