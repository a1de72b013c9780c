// Invariants over the links between objects, the object states and the scheduler queues, checked
// over the whole kernel state (part of checkInvariants, invariants.ts):
//
// - no dangling references: every thread, endpoint, notification, SC and reply object, every ready
//   and release queue, and the current thread name only live objects (seL4's valid_objs with
//   valid_tcb / valid_ep / valid_ntfn / valid_sched_context / valid_reply);
// - endpoint and notification states agree with their queues, and a queue holds only threads
//   blocked in the matching state (valid_ep, valid_ntfn);
// - the mutual links that invariants-ipc.ts does not cover: a notification's bound thread and its
//   SC, and yieldTo / yieldFrom pairs (sym_refs);
// - the release queue is sorted by release time, its threads are runnable with a configured SC
//   and flagged, and none is also ready (valid_release_q); every flagged thread is in it;
// - the current SC is the current thread's (ksCurSC after switchSchedContext);
// - the caps in a TCB's slots have the types seL4 allows there (tcb_cap_valid);
// - an object something still depends on has a cap (if_live_then_nonz_cap): an endpoint with
//   queued threads, a thread that is not Inactive or holds an SC, notification or yield, a reply
//   object with a caller or on a call stack. Objects stay in ks.objects until their untyped is
//   reset, so "registered" alone does not show that finalising the last cap undid these links.

import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_zombie_cap,
  tcbBuffer,
  tcbCTable,
  tcbFaultHandler,
  tcbTimeoutHandler,
  tcbVTable,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
} from "../abi/index.ts";
import { refillHead } from "./sched.ts";
import type { KernelState } from "./state.ts";
import {
  CNode,
  type Cte,
  Endpoint,
  EPState_Idle,
  EPState_Recv,
  EPState_Send,
  type KObject,
  Notification,
  NtfnState_Active,
  NtfnState_Idle,
  NtfnState_Waiting,
  Reply,
  SchedContext,
  Tcb,
} from "./structures.ts";
import { isRunnable } from "./thread.ts";

// Module-level copies: test loaders turn imported bindings into property reads (see invariants.ts).
const NULL = cap_null_cap;
const INACTIVE = ThreadState_Inactive;
const ON_SEND = ThreadState_BlockedOnSend;
const ON_RECV = ThreadState_BlockedOnReceive;
const ON_NTFN = ThreadState_BlockedOnNotification;

/**
 * The cap type each of the five TCB slots may hold (besides the null cap). The CTable slot may
 * also hold a Zombie: deleting the last cap to a thread from inside another object's slot swaps
 * the thread's Zombie into the thread's own first slot (capSwapForDelete), where it stays.
 */
const TCB_SLOT_TYPE: readonly (readonly [number, number])[] = [
  [tcbCTable, cap_cnode_cap],
  [tcbVTable, cap_page_table_cap],
  [tcbBuffer, cap_frame_cap],
  [tcbFaultHandler, cap_endpoint_cap],
  [tcbTimeoutHandler, cap_endpoint_cap],
];

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function tcbName(t: Tcb): string {
  return `thread "${t.name}" at ${hex(t.ptr)}`;
}

/** `caps` and `liveObjects`: every non-empty slot of the live objects, and the live objects. */
export function checkSched(
  ks: KernelState,
  caps: readonly Cte[] = allCaps(ks),
  liveObjects: ReadonlySet<KObject> = new Set(ks.objects.values()),
  capped: ReadonlySet<KObject> = cappedObjects(caps),
): string | null {
  const objects = ks.objects;
  const idle = ks.idleThread;
  // (checkInvariants has checked that every object is registered at its own address.)
  const live = (o: KObject | null): boolean => o === null || liveObjects.has(o);
  const liveThread = (t: Tcb | null): boolean => t === null || t === idle || liveObjects.has(t);

  for (const o of objects.values()) {
    let problem: string | null = null;
    if (o instanceof Tcb) problem = checkTcb(o, live, liveThread, capped);
    else if (o instanceof Endpoint) problem = checkEndpoint(o, liveThread, capped);
    else if (o instanceof Notification) problem = checkNotification(o, live, liveThread);
    else if (o instanceof SchedContext) {
      if (!live(o.tcb) || !live(o.reply) || !live(o.notification) || !live(o.yieldFrom))
        problem = `SC at ${hex(o.ptr)} names a dead object`;
      else if (o.yieldFrom !== null && o.yieldFrom.yieldTo !== o)
        problem = `SC at ${hex(o.ptr)} and the thread yielding to it disagree`;
    } else if (o instanceof Reply) {
      if (!live(o.tcb) || !live(o.prev) || !live(o.next) || !live(o.nextSC))
        problem = `reply object at ${hex(o.ptr)} names a dead object`;
      else if ((o.tcb !== null || o.prev !== null || o.next !== null || o.nextSC !== null) && !capped.has(o))
        problem = `reply object at ${hex(o.ptr)} is live but has no cap`;
    }
    if (problem !== null) return problem;
  }
  return checkQueues(ks, liveThread);
}

/** The objects named by some cap (zombies included) in any CNode or TCB slot. */
export function cappedObjects(caps: readonly Cte[]): Set<KObject> {
  const capped = new Set<KObject>();
  for (const c of caps) if (c.obj !== null) capped.add(c.obj);
  return capped;
}

export function allCaps(ks: KernelState): Cte[] {
  const out: Cte[] = [];
  for (const o of ks.objects.values()) {
    // slotsMade: a CNode slot never made is empty (and making them all here would change memory use).
    const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : null;
    if (slots !== null) for (const c of slots) if (c !== null && c.type !== NULL) out.push(c);
  }
  return out;
}

function checkTcb(
  o: Tcb,
  live: (o: KObject | null) => boolean,
  liveThread: (t: Tcb | null) => boolean,
  capped: ReadonlySet<KObject>,
): string | null {
  if (!live(o.blockingObject)) return `${tcbName(o)} is blocked on a dead object`;
  if (!live(o.sc)) return `${tcbName(o)} names a dead SC`;
  if (!live(o.yieldTo)) return `${tcbName(o)} yields to a dead SC`;
  if (!live(o.boundNotification)) return `${tcbName(o)} is bound to a dead notification`;
  if (!live(o.replyObject)) return `${tcbName(o)} names a dead reply object`;
  if (!liveThread(o.schedNext) || !liveThread(o.schedPrev))
    return `${tcbName(o)}: scheduler link to a dead thread`;
  if (!liveThread(o.epNext) || !liveThread(o.epPrev)) return `${tcbName(o)}: IPC queue link to a dead thread`;
  if (o.yieldTo !== null && o.yieldTo.yieldFrom !== o)
    return `${tcbName(o)} and the SC it yields to disagree`;
  const busy = o.state !== INACTIVE || o.sc !== null || o.boundNotification !== null || o.yieldTo !== null;
  if (busy && !capped.has(o)) return `${tcbName(o)} (state ${o.state}) is live but has no cap`;
  for (const [slot, type] of TCB_SLOT_TYPE) {
    const t = o.cte[slot].type;
    if (t !== NULL && t !== type && !(slot === tcbCTable && t === cap_zombie_cap))
      return `${tcbName(o)}: TCB slot ${slot} holds a cap of type ${t}`;
  }
  return null;
}

function checkEndpoint(
  o: Endpoint,
  liveThread: (t: Tcb | null) => boolean,
  capped: ReadonlySet<KObject>,
): string | null {
  if (!liveThread(o.head) || !liveThread(o.tail)) return `endpoint at ${hex(o.ptr)} queues a dead thread`;
  if (o.state !== EPState_Idle && o.state !== EPState_Send && o.state !== EPState_Recv)
    return `endpoint at ${hex(o.ptr)}: bad state ${o.state}`;
  if ((o.state === EPState_Idle) !== (o.head === null))
    return `endpoint at ${hex(o.ptr)}: state ${o.state} with ${o.head === null ? "an empty" : "a non-empty"} queue`;
  if (o.head !== null && !capped.has(o)) return `endpoint at ${hex(o.ptr)} queues threads but has no cap`;
  const want = o.state === EPState_Send ? ON_SEND : ON_RECV;
  for (let t = o.head; t !== null; t = t.epNext)
    if (t.state !== want)
      return `endpoint at ${hex(o.ptr)} in state ${o.state} queues thread "${t.name}" in state ${t.state}`;
  return null;
}

function checkNotification(
  o: Notification,
  live: (o: KObject | null) => boolean,
  liveThread: (t: Tcb | null) => boolean,
): string | null {
  if (!liveThread(o.head) || !liveThread(o.tail)) return `notification at ${hex(o.ptr)} queues a dead thread`;
  if (!live(o.boundTCB)) return `notification at ${hex(o.ptr)} is bound to a dead thread`;
  if (!live(o.sc)) return `notification at ${hex(o.ptr)} names a dead SC`;
  if (o.state !== NtfnState_Idle && o.state !== NtfnState_Waiting && o.state !== NtfnState_Active)
    return `notification at ${hex(o.ptr)}: bad state ${o.state}`;
  if ((o.state === NtfnState_Waiting) !== (o.head !== null))
    return `notification at ${hex(o.ptr)}: state ${o.state} with ${o.head === null ? "an empty" : "a non-empty"} queue`;
  for (let t = o.head; t !== null; t = t.epNext)
    if (t.state !== ON_NTFN)
      return `notification at ${hex(o.ptr)} queues thread "${t.name}" in state ${t.state}`;
  if (o.boundTCB !== null && o.boundTCB.boundNotification !== o)
    return `notification at ${hex(o.ptr)} and its bound thread disagree`;
  if (o.sc !== null && o.sc.notification !== o) return `notification at ${hex(o.ptr)} and its SC disagree`;
  return null;
}

/** The ready queues hold live threads only; the release queue (valid_release_q); ksCurSC. */
function checkQueues(ks: KernelState, liveThread: (t: Tcb | null) => boolean): string | null {
  const idle = ks.idleThread;
  // Every queue, whatever the number of domains.
  for (let q = 0; q < ks.readyHead.length; q++)
    for (let t = ks.readyHead[q]; t !== null; t = t.schedNext) {
      if (!liveThread(t)) return `ready queue ${q} holds a dead thread`;
      if (t.inReleaseQueue) return `thread "${t.name}" is both ready and released`;
    }
  const released = new Set<Tcb>();
  let last = -Infinity;
  for (let t = ks.releaseHead; t !== null; t = t.schedNext) {
    if (!liveThread(t) || t === idle) return "the release queue holds a dead thread";
    if (released.has(t)) return "the release queue has a cycle";
    released.add(t);
    if (!t.inReleaseQueue) return `thread "${t.name}" in the release queue is not flagged`;
    if (t.inReadyQueue) return `thread "${t.name}" is both released and ready`;
    if (t.sc === null || t.sc.refillMax === 0)
      return `thread "${t.name}" in the release queue has no active SC`;
    if (!isRunnable(t)) return `thread "${t.name}" in the release queue is not runnable`;
    const time = refillHead(t.sc).rTime;
    if (time < last) return "the release queue is not sorted by release time";
    last = time;
  }
  for (const o of ks.objects.values())
    if (o instanceof Tcb && o.inReleaseQueue && o.affinity === ks.core && !released.has(o))
      return `thread "${o.name}" flagged as released but not in the release queue`;
  if (!liveThread(ks.curThread)) return "the current thread is dead";
  if (ks.curThread !== idle && ks.curSC !== ks.curThread.sc)
    return "the current SC is not the current thread's";
  return null;
}
