// Kernel invariant checker: the seL4 proof invariants that apply so far (valid_objs, valid_mdb with
// untyped_mdb / untyped_inc / ut_revocable / no_mloop, valid_untyped, pspace_distinct, the
// scheduler/queue invariants with those of invariants-ipc.ts and invariants-sched.ts, and the VSpace
// invariants of invariants-vspace.ts), checked over the whole kernel state. Tests and the fuzzer run
// it after every kernel entry; normal runs never call it (zero cost). Returns null when everything
// holds, else a description of the first violation.
//
// The live objects are `ks.objects`: an object stays there from Retype until a reset of its
// untyped region drops it (seL4's detype), exactly like the proof's heap, so a dead object with
// no caps left still occupies its memory.

import { checkIPC } from "./invariants-ipc.ts";
import { checkSched } from "./invariants-sched.ts";
import {
  cap_asid_pool_cap,
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_irq_control_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_reply_cap,
  cap_sched_context_cap,
  cap_thread_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  seL4_EndpointBits,
  seL4_HugePageBits,
  seL4_LargePageBits,
  seL4_MaxUntypedBits,
  seL4_MinUntypedBits,
  seL4_NotificationBits,
  seL4_PageBits,
  seL4_ReplyBits,
  seL4_SlotBits,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
} from "../abi/index.ts";
import { capIsPhysical, capSizeBits } from "./object/objecttype.ts";
import type { KernelState } from "./state.ts";
import {
  CNode,
  type Cte,
  Endpoint,
  KO_ASIDPool,
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
import { isRunnable, isSchedulable } from "./thread.ts";
import { checkVSpaces } from "./invariants-vspace.ts";

// Module-level copies: test runners and loaders turn imported bindings into property reads, and
// the checker runs after every kernel entry of every test.
const NULL = cap_null_cap;
const UNTYPED = cap_untyped_cap;
const ZOMBIE = cap_zombie_cap;
const FRAME = cap_frame_cap;
const CNODE = cap_cnode_cap;
const SC = cap_sched_context_cap;
const MIN_UT = seL4_MinUntypedBits;
const MAX_UT = seL4_MaxUntypedBits;

function objectSizeBits(o: KObject, tcbBits: number): number {
  switch (o.kind) {
    case KO_TCB:
      return tcbBits;
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
      return seL4_PageBits;
  }
}

/** The kernel-object kind each object-backed cap type names. */
const capKindMap = new Map<number, number>([
  [cap_thread_cap, KO_TCB],
  [cap_endpoint_cap, KO_Endpoint],
  [cap_notification_cap, KO_Notification],
  [cap_cnode_cap, KO_CNode],
  [cap_sched_context_cap, KO_SchedContext],
  [cap_reply_cap, KO_Reply],
  [cap_asid_pool_cap, KO_ASIDPool],
]);
/** capKindMap as an array indexed by cap type (the checker looks it up for every cap). */
const capKind: (number | undefined)[] = [];
for (const [t, k] of capKindMap) capKind[t] = k;

/** A piece of memory that an object occupies; `id` is the object's identity. */
interface Span {
  start: number;
  end: number;
  id: unknown;
  /** The cap naming it, or null for an entry of ks.objects. */
  cap: Cte | null;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function where(s: Cte): string {
  return `slot ${s.index} of ${s.owner instanceof Tcb ? "TCB" : "CNode"} at ${hex(s.owner?.ptr ?? 0)}`;
}

export function checkInvariants(ks: KernelState): string | null {
  if (ks.numNodes === 1) return checkAll(ks, [], new Set<KObject>(ks.objects.values()));
  // Several cores: everything with each core's scheduler state loaded in turn (the per-core
  // checks look at the threads whose affinity is that core), then what relates the cores.
  const here = ks.core;
  let problem: string | null = null;
  const running = new Set<Tcb>();
  for (let c = 0; c < ks.numNodes && problem === null; c++) {
    ks.loadCore(c);
    problem = checkAll(ks, [], new Set<KObject>(ks.objects.values())) ?? checkAffinity(ks);
    const cur = ks.curThread;
    if (problem === null && cur !== ks.idleThread) {
      if (running.has(cur)) problem = `thread "${cur.name}" runs on two cores`;
      running.add(cur);
    }
  }
  ks.loadCore(here);
  if (problem !== null) return problem;
  // A thread lives on its SC's core (migrateTCB when an SC is configured, bound or donated).
  for (const o of ks.objects.values())
    if (o instanceof Tcb && o.sc !== null && o.affinity !== o.sc.core)
      return `thread "${o.name}" is on core ${o.affinity} but its SC on core ${o.sc.core}`;
  return null;
}

/** Each core queues and runs only threads of its own (tcbAffinity), and runs its own idle thread. */
function checkAffinity(ks: KernelState): string | null {
  const c = ks.core;
  for (let q = 0; q < ks.readyHead.length; q++)
    for (let t = ks.readyHead[q]; t !== null; t = t.schedNext)
      if (t.affinity !== c) return `thread "${t.name}" of core ${t.affinity} is queued on core ${c}`;
  for (let t = ks.releaseHead; t !== null; t = t.schedNext)
    if (t.affinity !== c) return `thread "${t.name}" of core ${t.affinity} is released on core ${c}`;
  const cur = ks.curThread;
  if (cur.affinity !== c) return `core ${c} runs thread "${cur.name}" of core ${cur.affinity}`;
  if (cur !== ks.idleThread && !isRunnable(cur))
    return `core ${c} runs thread "${cur.name}", which is not runnable`;
  if (cur !== ks.idleThread && ks.nodes.some((n, i) => i !== c && n.idleThread === cur))
    return `core ${c} runs another core's idle thread`;
  return null;
}

/**
 * checkInvariants, also handing back what it collected: `caps` is filled with the caps of all live
 * objects, `live` must hold the live objects (object keys hash faster than the addresses, which
 * are not small integers), `roots` receives the registered VSpace roots.
 */
export function checkAll(
  ks: KernelState,
  caps: Cte[],
  live: Set<KObject>,
  roots?: Set<number>,
): string | null {
  return (
    checkObjectsAndCaps(ks, caps, live) ??
    checkThreads(ks) ??
    checkIPC(ks) ??
    checkSched(ks, caps, live) ??
    checkVSpaces(ks, caps, roots)
  );
}

/** Fills `caps` with every non-empty slot of a live CNode or TCB, in a fixed order. */
function checkObjectsAndCaps(ks: KernelState, caps: Cte[], liveObjects: Set<KObject>): string | null {
  const objects = ks.objects;
  const mem = ks.machine.memory;
  const spans: Span[] = [];

  // Objects sit at their key, aligned to their size; their slots belong to them.
  for (const [ptr, o] of objects) {
    if (o.ptr !== ptr) return `object registered at ${hex(ptr)} has address ${hex(o.ptr)}`;
    const size = 2 ** objectSizeBits(o, ks.tcbBits);
    if (ptr % size !== 0) return `object at ${hex(ptr)} is misaligned`;
    spans.push({ start: ptr, end: ptr + size, id: o, cap: null });
    const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : null;
    if (slots === null) continue;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s === null) continue; // never used: empty
      if (s.owner !== o || s.index !== i) return `slot ${i} of object at ${hex(ptr)} has the wrong owner`;
      if (s.type === NULL) {
        if (s.prev !== null || s.next !== null) return `${where(s)}: empty slot has MDB links`;
        if (s.revocable || s.firstBadged) return `${where(s)}: empty slot has MDB flags`;
      } else {
        caps.push(s);
      }
    }
  }

  // (Every object is registered at its own address, as checked above.)
  const live = (s: Cte): boolean => s.owner !== null && liveObjects.has(s.owner);
  const untypeds: Cte[] = [];

  for (const s of caps) {
    // The derivation list is doubly linked through live, non-empty slots.
    const p = s.prev;
    const n = s.next;
    if (p !== null) {
      if (p.next !== s) return `${where(s)}: MDB prev.next is not this slot`;
      if (p.type === NULL) return `${where(s)}: MDB neighbour is empty`;
      if (!live(p)) return `${where(s)}: MDB neighbour is a slot of a dead object`;
    }
    if (n !== null) {
      if (n.prev !== s) return `${where(s)}: MDB next.prev is not this slot`;
      if (n.type === NULL) return `${where(s)}: MDB neighbour is empty`;
      if (!live(n)) return `${where(s)}: MDB neighbour is a slot of a dead object`;
    }

    const t = s.type;
    // Every cap to a kernel object refers to a live object of its type and size.
    const kind = capKind[t];
    if (kind !== undefined) {
      const o = s.obj;
      if (o === null || o.ptr !== s.ptr || !liveObjects.has(o))
        return `${where(s)}: cap refers to a dead object`;
      if (o.kind !== kind) return `${where(s)}: cap refers to an object of another type`;
      if (t === CNODE) {
        if (s.sizeBits !== (o as CNode).radix) return `${where(s)}: CNode cap radix differs from the object`;
        if (s.guardSize + s.sizeBits > 64) return `${where(s)}: CNode guard + radix exceed 64 bits`;
        if (!guardFits(s)) return `${where(s)}: CNode guard wider than its guard size`;
      }
      if (t === SC && s.sizeBits !== (o as { sizeBits: number }).sizeBits)
        return `${where(s)}: SC cap size differs from the object`;
    } else if (t === ZOMBIE) {
      const o = s.obj;
      if (o === null || o.ptr !== s.ptr || !liveObjects.has(o))
        return `${where(s)}: zombie refers to a dead object`;
      const isTcb = s.sizeBits === ZombieType_ZombieTCB;
      if (isTcb ? !(o instanceof Tcb) : !(o instanceof CNode && o.radix === s.sizeBits))
        return `${where(s)}: zombie type does not match its object`;
      const max = isTcb ? 5 : 2 ** s.sizeBits;
      if (s.extra < 0 || s.extra > max) return `${where(s)}: zombie count out of range`;
    } else if (t === UNTYPED) {
      if (s.sizeBits < MIN_UT || s.sizeBits > MAX_UT) return `${where(s)}: untyped size out of range`;
      const size = 2 ** s.sizeBits;
      if (s.ptr % size !== 0) return `${where(s)}: untyped misaligned`;
      if (s.freeIndex < 0 || s.freeIndex > size || s.freeIndex % 2 ** MIN_UT !== 0)
        return `${where(s)}: bad watermark ${s.freeIndex}`;
      if (!s.revocable) return `${where(s)}: untyped cap is not revocable`;
      if (!s.isDevice && !mem.isRam(s.ptr, size)) return `${where(s)}: RAM untyped outside RAM`;
      untypeds.push(s);
    } else if (t === FRAME) {
      const b = s.sizeBits;
      if (b !== seL4_PageBits && b !== seL4_LargePageBits && b !== seL4_HugePageBits)
        return `${where(s)}: frame of size 2^${b}`;
      if (s.ptr % 2 ** b !== 0) return `${where(s)}: frame misaligned`;
      if (!s.isDevice && !mem.isRam(s.ptr, 2 ** b)) return `${where(s)}: RAM frame outside RAM`;
    } else if (t === cap_page_table_cap) {
      if (s.ptr % 2 ** seL4_PageBits !== 0) return `${where(s)}: page table misaligned`;
    } else if (t === cap_irq_control_cap) {
      if (!s.revocable) return `${where(s)}: IRQ control cap is not revocable`;
    }

    if (t !== UNTYPED && capIsPhysical(s)) {
      // Frames and page tables have no object: their identity is the region (and frame size).
      const id = s.obj ?? (t === FRAME ? s.ptr + s.sizeBits : -1 - s.ptr);
      spans.push({ start: s.ptr, end: s.ptr + 2 ** capSizeBits(s), id, cap: s });
    }
  }

  // no_mloop: walking forward from every list head visits every cap exactly once. The order of
  // the walk numbers the caps for checkUntypeds.
  const order: Cte[] = [];
  for (const s of caps) {
    if (s.prev !== null) continue;
    for (let c: Cte | null = s; c !== null; c = c.next) {
      if (order.length >= caps.length) return "MDB list has a cycle";
      order.push(c);
    }
  }
  if (order.length !== caps.length) return "MDB list has a cycle";

  // pspace_distinct: distinct objects never overlap (a cap and its object share an identity).
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let cur: Span | null = null;
  for (const sp of spans) {
    if (cur !== null && sp.start < cur.end) {
      if (sp.id !== cur.id)
        return `objects overlap at ${hex(sp.start)} (${describe(cur)} and ${describe(sp)})`;
      if (sp.end > cur.end) return `two sizes of one object at ${hex(sp.start)}`;
    } else {
      cur = sp;
    }
  }

  return checkUntypeds(untypeds, spans, order);
}

function guardFits(s: Cte): boolean {
  const g = s.guardSize;
  if (g >= 64) return true;
  if (g >= 32) return s.dataHi < 2 ** (g - 32);
  return s.dataHi === 0 && s.dataLo < 2 ** g;
}

function describe(sp: Span): string {
  return sp.cap !== null ? where(sp.cap) : "a live object";
}

/**
 * Each untyped's descendants: the contiguous run of caps after it that it is an MDB parent of (what
 * Revoke would delete), as positions in `order` (the MDB lists one after another): u's run is
 * (pos(u), end(u)). An untyped's run is nested in the run of every untyped whose run holds it (its
 * region lies inside theirs), so one pass with a stack of open runs finds them all.
 */
class UntypedRuns {
  readonly pos = new Map<Cte, number>();
  readonly end = new Map<Cte, number>();

  constructor(order: Cte[]) {
    const stack: Cte[] = [];
    for (let i = 0; i <= order.length; i++) {
      const c = i < order.length ? order[i] : null;
      // An untyped (revocable, as checked) is an MDB parent of exactly the caps inside its region
      // (sameRegionAs); testing that directly saves a call to isMDBParentOf per cap and level.
      let start = NaN;
      let end = NaN;
      if (stack.length > 0 && c !== null && capIsPhysical(c)) {
        start = c.ptr;
        end = start + 2 ** capSizeBits(c);
      }
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (c !== null && c.prev !== null && start >= top.ptr && end <= top.ptr + 2 ** top.sizeBits) break;
        this.end.set(top, i);
        stack.pop();
      }
      if (c === null) break;
      // Only descendants and untypeds are ever asked about (a cap without a position is no one's).
      if (stack.length > 0 || c.type === UNTYPED) this.pos.set(c, i);
      if (c.type === UNTYPED) stack.push(c);
    }
  }

  /** Whether `c` is a descendant of the untyped `u`. */
  has(u: Cte, c: Cte): boolean {
    const p = this.pos.get(c) ?? -1;
    return p > (this.pos.get(u) ?? Infinity) && p < (this.end.get(u) ?? -1);
  }
}

/**
 * valid_untyped, untyped_mdb and untyped_inc. For an untyped cap U covering [b, e) with watermark
 * f: every object touching [b, e) lies inside it and below b + f; every cap to such an object is a
 * descendant of U; two untyped ranges are nested or disjoint, and a nested or equal one that is
 * not a descendant does not reach into the other's free part.
 */
function checkUntypeds(untypeds: Cte[], spans: Span[], order: Cte[]): string | null {
  if (untypeds.length === 0) return null;
  const runs = new UntypedRuns(order);

  for (const u of untypeds) {
    const b = u.ptr;
    const e = b + 2 ** u.sizeBits;
    const free = b + u.freeIndex;
    // First span ending above b (spans are sorted by start and, being distinct, by end).
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (spans[mid].end <= b) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < spans.length && spans[i].start < e; i++) {
      const sp = spans[i];
      if (sp.end <= b) continue;
      if (sp.start < b || sp.end > e) return `${describe(sp)} straddles the untyped in ${where(u)}`;
      if (sp.end > free) return `${describe(sp)} lies above the watermark of the untyped in ${where(u)}`;
      if (sp.cap !== null && !runs.has(u, sp.cap))
        return `${describe(sp)} is inside the untyped in ${where(u)} but not its descendant`;
    }
  }

  // Sorted by base and, at one base, largest first, an untyped's enclosing ranges are the open
  // ones on a stack (ranges must nest, which this checks as it goes): each pair (u, v) with v
  // starting inside u is visited once, as the pairwise check over all untypeds would.
  const sorted = untypeds.slice().sort((a, b) => a.ptr - b.ptr || b.sizeBits - a.sizeBits);
  const open: Cte[] = [];
  for (const v of sorted) {
    while (open.length > 0 && open[open.length - 1].ptr + 2 ** open[open.length - 1].sizeBits <= v.ptr)
      open.pop();
    const vEnd = v.ptr + 2 ** v.sizeBits;
    if (open.length > 0) {
      const inner = open[open.length - 1];
      if (vEnd > inner.ptr + 2 ** inner.sizeBits)
        return `untypeds in ${where(inner)} and ${where(v)} overlap without nesting`;
    }
    for (const u of open) {
      const vInU = runs.has(u, v);
      const uInV = runs.has(v, u);
      if (v.ptr === u.ptr && v.sizeBits === u.sizeBits) {
        // Equal ranges: one derives from the other, whose free part is then empty.
        const full = (x: Cte): boolean => x.freeIndex === 2 ** x.sizeBits;
        if (!((vInU && full(u)) || (uInV && full(v))))
          return `untypeds in ${where(u)} and ${where(v)} cover the same range unrelated`;
      } else {
        if (uInV) return `untyped in ${where(u)} descends from the smaller one in ${where(v)}`;
        if (!vInU && vEnd > u.ptr + u.freeIndex)
          return `untyped in ${where(v)} reaches into the free part of ${where(u)}`;
      }
    }
    open.push(v);
  }
  return null;
}

export function checkThreads(ks: KernelState): string | null {
  // Ready queues: doubly linked, right domain and priority, schedulable, flagged, in the bitmap.
  for (let q = 0; q < ks.readyHead.length; q++) {
    let last: Tcb | null = null;
    for (let t = ks.readyHead[q]; t !== null; t = t.schedNext) {
      if (t.schedPrev !== last) return `ready queue ${q} is not doubly linked`;
      if (t.priority !== (q & 255) || t.domain !== q >>> 8)
        return `thread "${t.name}" in the wrong ready queue`;
      if (!isSchedulable(t)) return `thread "${t.name}" queued but not schedulable`;
      if (!t.inReadyQueue) return `thread "${t.name}" queued but not flagged`;
      last = t;
    }
    if (ks.readyTail[q] !== last) return `ready queue ${q} has the wrong tail`;
    const bit = (ks.readyBitmap[q >>> 5] >>> (q & 31)) & 1;
    if (bit !== (last === null ? 0 : 1)) return `ready queue ${q} disagrees with the ready bitmap`;
  }
  for (let w = 0; w < ks.readyBitmap.length; w++) {
    const bit = (ks.readyL1Bitmap[w >>> 3] >>> (w & 7)) & 1;
    if (bit !== (ks.readyBitmap[w] === 0 ? 0 : 1))
      return `ready bitmap word ${w} disagrees with the L1 bitmap`;
  }
  for (const o of ks.objects.values()) {
    if (o instanceof Endpoint || o instanceof Notification) {
      let last: Tcb | null = null;
      for (let t = o.head; t !== null; t = t.epNext) {
        const ok =
          o instanceof Endpoint
            ? t.state === ThreadState_BlockedOnSend || t.state === ThreadState_BlockedOnReceive
            : t.state === ThreadState_BlockedOnNotification;
        if (!ok || t.blockingObject !== o)
          return `thread "${t.name}" queued on an object it is not blocked on`;
        if (t.epPrev !== last) return `queue of object at ${hex(o.ptr)} is not doubly linked`;
        last = t;
      }
      if (o.tail !== last) return `queue of object at ${hex(o.ptr)} has the wrong tail`;
    }
    if (o instanceof Tcb) {
      const s = o.state;
      if (
        s === ThreadState_BlockedOnSend ||
        s === ThreadState_BlockedOnReceive ||
        s === ThreadState_BlockedOnNotification
      ) {
        const q = o.blockingObject;
        let found = false;
        for (let t = q === null ? null : q.head; t !== null; t = t.epNext) if (t === o) found = true;
        if (!found) return `thread "${o.name}" blocked but not queued`;
      }
      if (o.inReadyQueue && o.affinity === ks.core) {
        let found = false;
        const q = (o.domain << 8) | o.priority;
        for (let t = ks.readyHead[q]; t !== null; t = t.schedNext) if (t === o) found = true;
        if (!found) return `thread "${o.name}" flagged as queued but not in its ready queue`;
      }
    }
  }
  return null;
}
