// What happens to an object when its final cap goes (DEL-4..DEL-12), per object type. Kept apart
// from objecttype.ts so that the generic cap logic does not depend on IPC and scheduling code.

import { ThreadState_BlockedOnReceive, ThreadState_BlockedOnReply } from "../../abi/index.ts";
import { cteDeleteOne } from "../delete.ts";
import {
  cancelAllIPC,
  cancelAllSignals,
  cancelIPC,
  unbindMaybeNotification,
  unbindNotification,
} from "../ipc.ts";
import { replyRemove } from "../reply.ts";
import { ks } from "../state.ts";
import type { Cte, Endpoint, Notification, Reply, SchedContext, Tcb } from "../structures.ts";
import {
  schedContextCompleteYieldTo,
  schedContextMaybeUnbindNtfn,
  schedContextUnbindAllTCBs,
  schedContextUnbindNtfn,
  schedContextUnbindReply,
  schedContextUnbindTCB,
} from "../schedcontext.ts";
import { remoteTCBStall } from "../smp.ts";
import { suspend } from "../thread.ts";
import { deleteASIDPool, unmapFrame, unmapPageTable } from "../vspace.ts";

export const finaliseObjectHooks = {
  endpoint(ep: Endpoint): void {
    cancelAllIPC(ep);
  },
  notification(n: Notification): void {
    schedContextMaybeUnbindNtfn(n);
    unbindMaybeNotification(n);
    cancelAllSignals(n);
  },
  reply(r: Reply): void {
    const t = r.tcb;
    if (t === null) return;
    if (t.state === ThreadState_BlockedOnReply) replyRemove(r, t);
    else if (t.state === ThreadState_BlockedOnReceive) cancelIPC(t);
  },
  tcb(t: Tcb): void {
    if (ks.numNodes > 1) remoteTCBStall(t);
    unbindNotification(t);
    const sc = t.sc;
    if (sc !== null) {
      schedContextUnbindTCB(sc);
      if (sc.yieldFrom !== null) schedContextCompleteYieldTo(sc.yieldFrom);
    }
    suspend(t);
  },
  schedContext(sc: SchedContext): void {
    schedContextUnbindAllTCBs(sc);
    schedContextUnbindNtfn(sc);
    schedContextUnbindReply(sc);
    if (sc.yieldFrom !== null) schedContextCompleteYieldTo(sc.yieldFrom);
    sc.refillMax = 0;
    sc.sporadic = false;
  },
  irqHandler(irq: number): void {
    const slot = ks.irqSlots[irq];
    if (slot !== undefined) cteDeleteOne(slot);
  },
  unmapFrame(cap: Cte): void {
    unmapFrame(cap);
  },
  unmapPageTable(cap: Cte): void {
    unmapPageTable(cap);
  },
  deleteASIDPool(cap: Cte): void {
    deleteASIDPool(cap);
  },
};
