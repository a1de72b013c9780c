// Kernel invariant checker: the seL4 proof invariants that apply so far, checked over the whole
// kernel state. Tests run it after every kernel entry; normal runs never call it (zero cost).
// Returns null when everything holds, else a description of the first violation.

import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_reply_cap,
  cap_sched_context_cap,
  cap_thread_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  seL4_EndpointBits,
  seL4_NotificationBits,
  seL4_ReplyBits,
  seL4_SlotBits,
  seL4_TCBBits,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
} from "../abi/index.ts";
import { capSizeBits, capIsPhysical, sameRegionAs } from "./object/objecttype.ts";
import type { KernelState } from "./state.ts";
import {
  CNode,
  type Cte,
  Endpoint,
  KO_CNode,
  KO_Endpoint,
  KO_Notification,
  KO_Reply,
  KO_SchedContext,
  KO_TCB,
  type KObject,
  Notification,
  Tcb,
  ZombieType_ZombieTCB,
} from "./structures.ts";
import { isSchedulable } from "./thread.ts";

function objectSizeBits(o: KObject): number {
  switch (o.kind) {
    case KO_TCB:
      return seL4_TCBBits;
    case KO_Endpoint:
      return seL4_EndpointBits;
    case KO_Notification:
      return seL4_NotificationBits;
    case KO_CNode:
      return (o as CNode).radix + seL4_SlotBits;
    case KO_SchedContext:
      return (o as { sizeBits: number }).sizeBits;
    case KO_Reply:
      return seL4_ReplyBits;
    default:
      return 12;
  }
}

const capKind: Record<number, number> = {
  [cap_thread_cap]: KO_TCB,
  [cap_endpoint_cap]: KO_Endpoint,
  [cap_notification_cap]: KO_Notification,
  [cap_cnode_cap]: KO_CNode,
  [cap_sched_context_cap]: KO_SchedContext,
  [cap_reply_cap]: KO_Reply,
};

export function checkInvariants(ks: KernelState): string | null {
  const objects = [...ks.objects.values()];
  // Objects are aligned to their size and do not overlap.
  const regions = objects.map((o) => ({ o, start: o.ptr, end: o.ptr + 2 ** objectSizeBits(o) }));
  regions.sort((a, b) => a.start - b.start);
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r.start % (r.end - r.start) !== 0) return `object at 0x${r.start.toString(16)} is misaligned`;
    if (i > 0 && regions[i - 1].end > r.start) return `objects overlap at 0x${r.start.toString(16)}`;
  }

  const slots: Cte[] = [];
  for (const o of objects) {
    if (o instanceof CNode) for (const s of o.slots) slots.push(s);
    else if (o instanceof Tcb) for (const s of o.cte) slots.push(s);
  }
  for (const s of slots) {
    const where = `slot ${s.index} of object at 0x${(s.owner?.ptr ?? 0).toString(16)}`;
    if (s.type === cap_null_cap) {
      if (s.prev !== null || s.next !== null) return `${where}: empty slot has MDB links`;
      continue;
    }
    // The derivation list is doubly linked.
    if (s.prev !== null && s.prev.next !== s) return `${where}: MDB prev.next is not this slot`;
    if (s.next !== null && s.next.prev !== s) return `${where}: MDB next.prev is not this slot`;
    if (s.prev !== null && s.prev.type === cap_null_cap) return `${where}: MDB neighbour is empty`;
    // Every cap refers to a live object of its type.
    const kind = capKind[s.type];
    if (kind !== undefined) {
      const o = ks.objects.get(s.ptr);
      if (o === undefined || o !== s.obj || o.kind !== kind) return `${where}: cap refers to a dead object`;
    }
    if (s.type === cap_zombie_cap) {
      const o = ks.objects.get(s.ptr);
      if (o === undefined || o !== s.obj) return `${where}: zombie refers to a dead object`;
      const max = s.sizeBits === ZombieType_ZombieTCB ? 5 : 2 ** s.sizeBits;
      if (s.extra < 0 || s.extra > max) return `${where}: zombie count out of range`;
    }
    if (s.type === cap_untyped_cap) {
      const size = 2 ** s.sizeBits;
      if (s.ptr % size !== 0) return `${where}: untyped misaligned`;
      if (s.freeIndex < 0 || s.freeIndex > size || s.freeIndex % 16 !== 0) return `${where}: bad watermark`;
      // Children lie inside the region, and below the watermark.
      for (let c = s.next; c !== null && s.revocable && sameRegionAs(s, c); c = c.next) {
        if (!capIsPhysical(c)) break;
        const end = c.ptr + 2 ** capSizeBits(c);
        if (c.ptr < s.ptr || end > s.ptr + size) return `${where}: child outside untyped`;
        if (end > s.ptr + s.freeIndex) return `${where}: child above the watermark`;
      }
    }
  }
  // The derivation list has no cycles: walking back from any node ends.
  const seen = new Set<Cte>();
  for (const s of slots) {
    if (s.type === cap_null_cap || s.prev !== null) continue;
    for (let c: Cte | null = s; c !== null; c = c.next) {
      if (seen.has(c)) return "MDB list has a cycle";
      seen.add(c);
    }
  }
  for (const s of slots) if (s.type !== cap_null_cap && !seen.has(s)) return "MDB list has a cycle";

  // Thread states match queue membership.
  for (let p = 0; p < 256; p++) {
    for (let t = ks.readyHead[p]; t !== null; t = t.schedNext) {
      if (t.priority !== p) return `thread "${t.name}" in the wrong ready queue`;
      if (!isSchedulable(t)) return `thread "${t.name}" queued but not schedulable`;
    }
  }
  for (const o of objects) {
    if (o instanceof Endpoint || o instanceof Notification) {
      for (let t = o.head; t !== null; t = t.epNext) {
        const ok =
          o instanceof Endpoint
            ? t.state === ThreadState_BlockedOnSend || t.state === ThreadState_BlockedOnReceive
            : t.state === ThreadState_BlockedOnNotification;
        if (!ok || t.blockingObject !== o)
          return `thread "${t.name}" queued on an object it is not blocked on`;
      }
    }
    if (
      o instanceof Tcb &&
      (o.state === ThreadState_BlockedOnSend || o.state === ThreadState_BlockedOnReceive)
    ) {
      const ep = o.blockingObject;
      let found = false;
      for (let t = ep === null ? null : ep.head; t !== null; t = t.epNext) if (t === o) found = true;
      if (!found) return `thread "${o.name}" blocked but not queued`;
    }
  }
  return null;
}
