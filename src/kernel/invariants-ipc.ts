// Invariants of threads, reply objects, call stacks and scheduling contexts (seL4's
// valid_reply, sc_tcb_sc_at, valid_refills and the call-stack parts of its MCS proofs).

import { ThreadState_BlockedOnReceive, ThreadState_BlockedOnReply } from "../abi/index.ts";
import { refillListProblem } from "./sched.ts";
import type { KernelState } from "./state.ts";
import { Reply, SchedContext, Tcb } from "./structures.ts";

export function checkIPC(ks: KernelState): string | null {
  for (const o of ks.objects.values()) {
    if (o instanceof Tcb) {
      const r = o.replyObject;
      if (o.state === ThreadState_BlockedOnReply) {
        if (r === null || r.tcb !== o)
          return `thread "${o.name}" waits for a reply but no reply object records it`;
      } else if (o.state === ThreadState_BlockedOnReceive) {
        if (r !== null && r.tcb !== o)
          return `thread "${o.name}" receives with a reply object that names another thread`;
      } else if (r !== null) {
        return `thread "${o.name}" holds a reply object while not blocked`;
      }
      if (o.sc !== null && o.sc.tcb !== o) return `thread "${o.name}" and its SC disagree`;
      if (o.boundNotification !== null && o.boundNotification.boundTCB !== o)
        return `thread "${o.name}" and its bound notification disagree`;
    } else if (o instanceof Reply) {
      const t = o.tcb;
      if (t !== null && t.replyObject !== o)
        return `reply object at 0x${o.ptr.toString(16)} names a thread that does not hold it`;
      if (t !== null && t.state !== ThreadState_BlockedOnReply && t.state !== ThreadState_BlockedOnReceive)
        return `reply object at 0x${o.ptr.toString(16)} names a thread that is neither calling nor receiving`;
      // Call stack links are mutual; the head names its SC and the SC names the head.
      if (o.next !== null && o.next.prev !== o) return "call stack: next.prev is not this reply";
      if (o.prev !== null && (o.prev.next !== o || o.prev.nextSC !== null))
        return "call stack: prev.next is not this reply";
      if (o.nextSC !== null && (o.next !== null || o.nextSC.reply !== o))
        return "call stack: the head and its SC disagree";
      if ((o.prev !== null || o.next !== null || o.nextSC !== null) && t === null)
        return "call stack: a reply on a call stack has no caller";
    } else if (o instanceof SchedContext) {
      if (o.tcb !== null && o.tcb.sc !== o) return `SC at 0x${o.ptr.toString(16)} and its thread disagree`;
      const refills = refillListProblem(o);
      if (refills !== null) return `SC at 0x${o.ptr.toString(16)}: ${refills}`;
      if (o.reply !== null && o.reply.nextSC !== o)
        return `SC at 0x${o.ptr.toString(16)} and its call stack head disagree`;
      if (o.notification !== null && o.notification.sc !== o)
        return `SC at 0x${o.ptr.toString(16)} and its notification disagree`;
    }
  }
  return null;
}
