// Consistency checks the property tests add to the kernel's own invariant checker
// (src/kernel/invariants*.ts), run after every kernel entry of a world run. They are properties
// seL4's proofs state that the checker does not (yet) test:
// - no dangling object references: every thread, endpoint, notification, SC and reply object,
//   every ready and release queue and the current thread and SC name only live objects (seL4's
//   valid_objs / valid_tcb / valid_ep / valid_ntfn / valid_sched_context / valid_reply);
// - endpoint and notification states agree with their queues (valid_ep, valid_ntfn);
// - the other half of the mutual links: a notification's bound thread, a notification's SC and
//   yieldTo / yieldFrom pairs (sym_refs);
// - the release queue is sorted by release time, its threads runnable with an active SC and
//   flagged, and not also ready (valid_release_q);
// - the current SC is the current thread's (ksCurSC after switchSchedContext);
// - the caps in a TCB's slots have the types seL4 allows there (tcb_cap_valid);
// - an object something still depends on has a cap (if_live_then_nonz_cap): an endpoint with
//   queued threads, a notification with waiters, a bound thread or an SC, a thread that is not
//   Inactive or holds an SC, notification or yield, an SC bound to anything, a reply object with a
//   caller or on a call stack. Finalising the last cap must have undone all of these (objects stay
//   in ks.objects until their untyped is reset, so "live" alone does not catch this).

import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  cap_page_table_cap,
  tcbBuffer,
  tcbCTable,
  tcbFaultHandler,
  tcbTimeoutHandler,
  tcbVTable,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
} from "../../src/user/libsel4.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import type { System } from "../../src/system/system.ts";
import {
  CNode,
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
} from "../../src/kernel/structures.ts";
import { refillHead } from "../../src/kernel/sched.ts";
import { isRunnable } from "../../src/kernel/thread.ts";

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The allowed cap types of the five TCB slots. */
const TCB_SLOT_TYPES: [number, number[]][] = [
  [tcbCTable, [cap_cnode_cap]],
  [tcbVTable, [cap_page_table_cap]],
  [tcbBuffer, [cap_frame_cap]],
  [tcbFaultHandler, [cap_endpoint_cap]],
  [tcbTimeoutHandler, [cap_endpoint_cap]],
];

export function checkWorldInvariants(ks: KernelState): string | null {
  const idle = ks.idleThread;
  // Objects named by some cap (zombies included) in any CNode or TCB slot.
  const capped = new Set<KObject>();
  for (const o of ks.objects.values()) {
    const slots = o instanceof CNode ? o.slots : o instanceof Tcb ? o.cte : null;
    if (slots !== null)
      for (const c of slots) if (c.type !== cap_null_cap && c.obj !== null) capped.add(c.obj);
  }
  const live = (o: KObject | null): boolean => o === null || ks.objects.get(o.ptr) === o;
  const liveThread = (t: Tcb | null): boolean => t === null || t === idle || ks.objects.get(t.ptr) === t;
  for (const o of ks.objects.values()) {
    if (o instanceof Tcb) {
      const where = `thread "${o.name}" at ${hex(o.ptr)}`;
      if (!live(o.blockingObject)) return `${where} is blocked on a dead object`;
      if (!live(o.sc)) return `${where} names a dead SC`;
      if (!live(o.yieldTo)) return `${where} yields to a dead SC`;
      if (!live(o.boundNotification)) return `${where} is bound to a dead notification`;
      if (!live(o.replyObject)) return `${where} names a dead reply object`;
      if (!liveThread(o.schedNext) || !liveThread(o.schedPrev))
        return `${where}: scheduler link to a dead thread`;
      if (!liveThread(o.epNext) || !liveThread(o.epPrev)) return `${where}: IPC queue link to a dead thread`;
      if (o.yieldTo !== null && o.yieldTo.yieldFrom !== o) return `${where} and the SC it yields to disagree`;
      const busy =
        o.state !== ThreadState_Inactive ||
        o.sc !== null ||
        o.boundNotification !== null ||
        o.yieldTo !== null;
      if (busy && !capped.has(o)) return `${where} (state ${o.state}) is live but has no cap`;
      for (const [slot, types] of TCB_SLOT_TYPES) {
        const c = o.cte[slot];
        if (c.type !== cap_null_cap && !types.includes(c.type))
          return `${where}: TCB slot ${slot} holds a cap of type ${c.type}`;
      }
    } else if (o instanceof Endpoint) {
      const where = `endpoint at ${hex(o.ptr)}`;
      if (!liveThread(o.head) || !liveThread(o.tail)) return `${where} queues a dead thread`;
      if ((o.state === EPState_Idle) !== (o.head === null))
        return `${where}: state ${o.state} with head ${o.head !== null}`;
      if (o.head !== null && !capped.has(o)) return `${where} queues threads but has no cap`;
      const want = o.state === EPState_Send ? ThreadState_BlockedOnSend : ThreadState_BlockedOnReceive;
      if (o.state !== EPState_Idle && o.state !== EPState_Send && o.state !== EPState_Recv)
        return `${where}: bad state`;
      for (let t = o.head; t !== null; t = t.epNext)
        if (t.state !== want)
          return `${where} in state ${o.state} queues thread "${t.name}" in state ${t.state}`;
    } else if (o instanceof Notification) {
      const where = `notification at ${hex(o.ptr)}`;
      if (!liveThread(o.head) || !liveThread(o.tail)) return `${where} queues a dead thread`;
      if (!live(o.boundTCB)) return `${where} is bound to a dead thread`;
      if (!live(o.sc)) return `${where} names a dead SC`;
      if ((o.state === NtfnState_Waiting) !== (o.head !== null))
        return `${where}: state ${o.state} with head ${o.head !== null}`;
      if (o.state !== NtfnState_Idle && o.state !== NtfnState_Waiting && o.state !== NtfnState_Active)
        return `${where}: bad state`;
      for (let t = o.head; t !== null; t = t.epNext)
        if (t.state !== ThreadState_BlockedOnNotification)
          return `${where} queues thread "${t.name}" not waiting`;
      if (o.boundTCB !== null && o.boundTCB.boundNotification !== o)
        return `${where} and its bound thread disagree`;
      if (o.sc !== null && o.sc.notification !== o) return `${where} and its SC disagree`;
    } else if (o instanceof SchedContext) {
      const where = `SC at ${hex(o.ptr)}`;
      if (!live(o.tcb) || !live(o.reply) || !live(o.notification) || !live(o.yieldFrom))
        return `${where} names a dead object`;
      if (o.yieldFrom !== null && o.yieldFrom.yieldTo !== o)
        return `${where} and the thread yielding to it disagree`;
    } else if (o instanceof Reply) {
      if (!live(o.tcb) || !live(o.prev) || !live(o.next) || !live(o.nextSC))
        return `reply object at ${hex(o.ptr)} names a dead object`;
      if ((o.tcb !== null || o.prev !== null || o.next !== null || o.nextSC !== null) && !capped.has(o))
        return `reply object at ${hex(o.ptr)} is live but has no cap`;
    }
  }
  for (let p = 0; p < 256; p++)
    for (let t = ks.readyHead[p]; t !== null; t = t.schedNext) {
      if (!liveThread(t)) return `ready queue ${p} holds a dead thread`;
      if (t.inReleaseQueue) return `thread "${t.name}" is both ready and released`;
    }
  let last = -Infinity;
  for (let t = ks.releaseHead; t !== null; t = t.schedNext) {
    if (!liveThread(t) || t === idle) return "the release queue holds a dead thread";
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
    if (o instanceof Tcb && o.inReleaseQueue) {
      let found = false;
      for (let t = ks.releaseHead; t !== null && !found; t = t.schedNext) found = t === o;
      if (!found) return `thread "${o.name}" flagged as released but not in the release queue`;
    }
  if (!liveThread(ks.curThread)) return "the current thread is dead";
  if (ks.curThread !== idle && ks.curSC !== ks.curThread.sc)
    return "the current SC is not the current thread's";
  return null;
}

/** Run checkWorldInvariants after each of the kernel's trap entries; a violation throws. */
export function checkAfterEveryEntry(system: System): void {
  const k = system.kernel;
  const check = (): void => {
    const problem = checkWorldInvariants(k.state);
    if (problem !== null) throw new Error(`world invariant violated: ${problem}`);
  };
  const syscallTrap = k.syscallTrap.bind(k);
  const interruptTrap = k.interruptTrap.bind(k);
  const userExceptionTrap = k.userExceptionTrap.bind(k);
  const vmFaultTrap = k.vmFaultTrap.bind(k);
  k.syscallTrap = () => {
    syscallTrap();
    check();
  };
  k.interruptTrap = () => {
    interruptTrap();
    check();
  };
  k.userExceptionTrap = (cause) => {
    userExceptionTrap(cause);
    check();
  };
  k.vmFaultTrap = (addr, access) => {
    vmFaultTrap(addr, access);
    check();
  };
}
