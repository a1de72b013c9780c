// A read-only view of a running system's authority: every kernel object reachable from a thread or
// a CNode, every capability with its rights and badge, and each VSpace's mappings (walked in the
// Sv39 tables in RAM). Tools (`sel4ts caps`, the playground's capability picture) turn the
// snapshot into CapDL text or a picture (src/viz/caps.ts); nothing here changes kernel state, reads
// a device, or allocates inside the kernel.
//
// The snapshot is plain data (no kernel classes), so it can cross a worker boundary as is.

import {
  cap_asid_control_cap,
  cap_asid_pool_cap,
  cap_cnode_cap,
  cap_domain_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_irq_control_cap,
  cap_irq_handler_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_reply_cap,
  cap_sched_context_cap,
  cap_sched_control_cap,
  cap_thread_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  capTypeName,
} from "../abi/captypes.ts";
import { NextIP, sp } from "../abi/registers.ts";
import { tcbBuffer, tcbCTable, tcbFaultHandler, tcbTimeoutHandler, tcbVTable } from "../abi/thread.ts";
import {
  KO_CNode,
  KO_SchedContext,
  KO_TCB,
  type CNode,
  type Cte,
  type KObject,
  type Tcb,
} from "../kernel/structures.ts";
import type { System } from "./system.ts";

export type SnapKind =
  "tcb" | "ep" | "notification" | "cnode" | "sc" | "reply" | "frame" | "pt" | "ut" | "asid_pool" | "irq";

/** Rights as capDL writes them: R, W, G (grant), P (grant reply), X (execute, frames only). */
export interface SnapRights {
  read: boolean;
  write: boolean;
  grant: boolean;
  grantReply: boolean;
  execute?: boolean;
}

export interface SnapCap {
  /** CNode slot or page-table index, or a TCB slot's capDL name (cspace, vspace, ...). */
  slot: number | string;
  /** The kernel's cap type (capTypeName): endpoint, frame, irq_control, ... */
  type: string;
  /** Key of the object named, or null for caps that name none (irq_control, domain, ...). */
  obj: string | null;
  rights: SnapRights | null;
  /** Endpoint/notification badge (0n = none). */
  badge: bigint;
  guard?: bigint;
  guardSize?: number;
  /** IRQ handler caps: the IRQ number. */
  irq?: number;
}

export interface SnapTcb {
  priority: number;
  mcp: number;
  domain: number;
  /** seL4 thread state: running, blocked on receive, ... */
  state: string;
  ipcBuffer: number;
  ip: number;
  sp: number;
}

export interface SnapObject {
  /** Unique key: kind and physical address (irq: its number). */
  key: string;
  kind: SnapKind;
  paddr: number;
  sizeBits: number;
  /** A readable name: given by the caller's namer, else the thread's debug name, else the key. */
  name: string;
  /** True when a name came from the caller (a spec object), false when made up here. */
  named: boolean;
  caps: SnapCap[];
  tcb?: SnapTcb;
  /** Scheduling context: period and budget in µs, badge. */
  sc?: { period: number; budget: number; badge: bigint };
  /** Page tables: Sv39 level (0 = the VSpace root). */
  level?: number;
  /** Untyped: device memory. */
  device?: boolean;
  irq?: number;
}

export interface CapSnapshot {
  /** Simulated time of the snapshot, in µs. */
  timeUs: number;
  objects: SnapObject[];
}

/** Names for objects the caller knows about, by key (e.g. from a CapDL spec, see namesFromSlots). */
export type ObjectNames = ReadonlyMap<string, string>;

const STATE_NAMES = [
  "inactive",
  "running",
  "restart",
  "blocked on receive",
  "blocked on send",
  "blocked on reply",
  "blocked on notification",
  "idle",
];

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function keyOf(kind: SnapKind, paddr: number): string {
  return `${kind}@${hex(paddr)}`;
}

function kindOfCap(type: number): SnapKind | null {
  switch (type) {
    case cap_endpoint_cap:
      return "ep";
    case cap_notification_cap:
      return "notification";
    case cap_cnode_cap:
      return "cnode";
    case cap_thread_cap:
      return "tcb";
    case cap_sched_context_cap:
      return "sc";
    case cap_reply_cap:
      return "reply";
    case cap_frame_cap:
      return "frame";
    case cap_page_table_cap:
      return "pt";
    case cap_untyped_cap:
      return "ut";
    case cap_asid_pool_cap:
      return "asid_pool";
    case cap_irq_handler_cap:
      return "irq";
    default:
      return null;
  }
}

/** seL4_CapRights bits (W 1, R 2, G 4, GrantReply 8) as capDL rights. */
function capRights(bits: number): SnapRights {
  return {
    read: (bits & 2) !== 0,
    write: (bits & 1) !== 0,
    grant: (bits & 4) !== 0,
    grantReply: (bits & 8) !== 0,
  };
}

/** A frame cap's VM rights (1 kernel only, 2 read only, 3 read/write). */
function vmRights(v: number): SnapRights {
  return { read: v >= 2, write: v === 3, grant: false, grantReply: false };
}

class Walker {
  readonly objects = new Map<string, SnapObject>();
  private readonly queue: string[] = [];

  constructor(
    private readonly sys: System,
    private readonly names: ObjectNames,
  ) {}

  private obj(kind: SnapKind, paddr: number, sizeBits: number): SnapObject {
    const key = kind === "irq" ? `irq@${paddr}` : keyOf(kind, paddr);
    let o = this.objects.get(key);
    if (o === undefined) {
      const given = this.names.get(key);
      o = { key, kind, paddr, sizeBits, name: given ?? key, named: given !== undefined, caps: [] };
      this.objects.set(key, o);
      this.queue.push(key);
    }
    return o;
  }

  private capOf(slot: number | string, c: Cte): SnapCap | null {
    if (c.type === cap_null_cap || c.type === cap_zombie_cap) return null;
    const kind = kindOfCap(c.type);
    const cap: SnapCap = { slot, type: capTypeName(c.type), obj: null, rights: null, badge: 0n };
    if (kind === null) return cap; // irq_control, asid_control, domain, sched_control
    let sizeBits = c.sizeBits;
    if (kind === "tcb") sizeBits = 11;
    const target = kind === "irq" ? this.obj("irq", c.extra, 0) : this.obj(kind, c.ptr, sizeBits);
    cap.obj = target.key;
    if (kind === "irq") {
      target.irq = c.extra;
      cap.irq = c.extra;
    }
    if (kind === "ut") target.device = c.isDevice;
    if (kind === "ep" || kind === "notification") {
      cap.rights = capRights(c.rights);
      cap.badge = (BigInt(c.dataHi >>> 0) << 32n) | BigInt(c.dataLo >>> 0);
    } else if (kind === "frame") {
      cap.rights = vmRights(c.rights);
    } else if (kind === "cnode") {
      cap.guard = (BigInt(c.dataHi >>> 0) << 32n) | BigInt(c.dataLo >>> 0);
      cap.guardSize = c.guardSize;
    }
    return cap;
  }

  /** Start from every live kernel object (threads and CNodes hold the caps). */
  walk(): void {
    const ks = this.sys.kernel.state;
    for (const o of ks.objects.values()) {
      if (o.kind === KO_TCB && o === ks.idleThread) continue;
      if (o.kind === KO_TCB || o.kind === KO_CNode) this.visit(o);
    }
    // Objects reached through caps (a CNode cap's CNode, a thread cap's thread).
    while (this.queue.length > 0) {
      const o = this.objects.get(this.queue.shift() as string) as SnapObject;
      const ko = ks.objects.get(o.paddr);
      if (ko !== undefined && (o.kind === "cnode" || o.kind === "tcb")) this.visit(ko);
    }
    // Each thread's VSpace, from its root down (the level decides what a leaf maps).
    const roots = new Set<SnapObject>();
    for (const o of this.objects.values()) {
      for (const c of o.caps) {
        if (c.slot === "vspace" && c.obj !== null) roots.add(this.objects.get(c.obj) as SnapObject);
      }
    }
    for (const r of roots) this.walkTable(r, 0);
    // Each IRQ handler's notification (the kernel keeps that cap in its IRQ slot).
    for (const o of this.objects.values()) {
      if (o.kind !== "irq" || o.irq === undefined) continue;
      const slot = ks.irqSlots[o.irq] as Cte | undefined;
      if (slot === undefined) continue;
      const cap = this.capOf(0, slot);
      if (cap !== null) o.caps.push(cap);
    }
  }

  private visited = new Set<KObject>();

  private visit(ko: KObject): void {
    if (this.visited.has(ko)) return;
    this.visited.add(ko);
    if (ko.kind === KO_TCB) this.visitTcb(ko);
    else if (ko.kind === KO_CNode) this.visitCNode(ko);
  }

  private visitCNode(cn: CNode): void {
    const o = this.obj("cnode", cn.ptr, cn.radix);
    for (const c of cn.slotsMade) {
      if (c === null) continue;
      const cap = this.capOf(c.index, c);
      if (cap !== null) o.caps.push(cap);
    }
  }

  private visitTcb(t: Tcb): void {
    const o = this.obj("tcb", t.ptr, 11);
    if (t.name !== "" && !o.named) o.name = t.name;
    const regs = t.regs;
    const reg = (i: number): number => regs[2 * i + 1] * 0x1_0000_0000 + regs[2 * i];
    o.tcb = {
      priority: t.priority,
      mcp: t.mcp,
      domain: t.domain,
      state: STATE_NAMES[t.state] ?? `state ${t.state}`,
      ipcBuffer: t.ipcBuffer,
      ip: reg(NextIP),
      sp: reg(sp),
    };
    const named: [number, string][] = [
      [tcbCTable, "cspace"],
      [tcbVTable, "vspace"],
      [tcbBuffer, "ipc_buffer_slot"],
      [tcbFaultHandler, "fault_ep_slot"],
      [tcbTimeoutHandler, "temp_fault_ep_slot"],
    ];
    for (const [i, name] of named) {
      const cap = this.capOf(name, t.cte[i]);
      if (cap !== null) o.caps.push(cap);
    }
    if (t.sc !== null) {
      const sc = this.obj("sc", t.sc.ptr, t.sc.sizeBits);
      o.caps.push({ slot: "sc_slot", type: "sched_context", obj: sc.key, rights: null, badge: 0n });
    }
    if (t.boundNotification !== null) {
      const n = this.obj("notification", t.boundNotification.ptr, 6);
      o.caps.push({ slot: "bound_notification", type: "notification", obj: n.key, rights: null, badge: 0n });
    }
  }

  /** The entries of an Sv39 table in RAM: next-level tables and leaf frames with their rights. */
  private walkTable(o: SnapObject, level: number): void {
    const mem = this.sys.machine.memory;
    if (o.kind !== "pt" || o.level !== undefined) return;
    o.level = level;
    if (o.paddr < mem.ramBase || o.paddr + 4096 > mem.ramEnd) return;
    for (let i = 0; i < 512; i++) {
      const lo = mem.read32(o.paddr + 8 * i);
      if ((lo & 1) === 0) continue;
      const hi = mem.read32(o.paddr + 8 * i + 4);
      const ppn = (hi & 0x3fffff) * 2 ** 22 + (lo >>> 10);
      const paddr = ppn * 4096;
      const leaf = (lo & 0xe) !== 0;
      if (!leaf) {
        if (level >= 2) continue;
        const t = this.obj("pt", paddr, 12);
        o.caps.push({ slot: i, type: "page_table", obj: t.key, rights: null, badge: 0n });
        this.walkTable(t, level + 1);
        continue;
      }
      const f = this.obj("frame", paddr, level === 2 ? 12 : level === 1 ? 21 : 30);
      o.caps.push({
        slot: i,
        type: "frame",
        obj: f.key,
        rights: {
          read: (lo & 2) !== 0,
          write: (lo & 4) !== 0,
          grant: false,
          grantReply: false,
          execute: (lo & 8) !== 0,
        },
        badge: 0n,
      });
    }
  }
}

/** The system's objects and capabilities now. `names` gives readable names by object key. */
export function captureCaps(sys: System, names: ObjectNames = new Map()): CapSnapshot {
  const w = new Walker(sys, names);
  w.walk();
  const ks = sys.kernel.state;
  // SC parameters: budget is the sum of the refills' amounts when configured.
  for (const o of w.objects.values()) {
    if (o.kind !== "sc") continue;
    const sc = ks.objects.get(o.paddr);
    if (sc === undefined || sc.kind !== KO_SchedContext) continue;
    let budget = 0;
    const n = sc.refills.length;
    for (let i = sc.refillHead, k = 0; n > 0 && k < n; i = (i + 1) % n, k++) {
      budget += sc.refills[i].rAmount;
      if (i === sc.refillTail) break;
    }
    // A round-robin SC (budget = period) keeps period 0, as seL4 does; capDL states the period.
    o.sc = {
      period: (sc.period === 0 ? budget : sc.period) / 10,
      budget: budget / 10,
      badge: (BigInt(sc.badgeHi >>> 0) << 32n) | BigInt(sc.badgeLo >>> 0),
    };
  }
  const objects = [...w.objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { timeUs: sys.machine.clock.now / 10, objects };
}

/** The root task's CNode: through the thread the kernel named "rootserver" at boot. */
function rootCNode(sys: System): CNode | null {
  for (const o of sys.kernel.state.objects.values()) {
    if (o.kind === KO_TCB && o.name === "rootserver") {
      const c = o.cte[tcbCTable].obj;
      if (c !== null && c.kind === KO_CNode) return c;
    }
  }
  return null;
}

/**
 * Where the objects a root task made landed: for each of its CNode slots in `objectSlots` (index i
 * → slot), the key and physical address of the object the cap there names. The Microkit
 * initialiser keeps a cap to every spec object it made (InitialiserPrograms.objectSlots).
 */
export function objectsAtSlots(
  sys: System,
  objectSlots: readonly number[],
): Map<number, { key: string; paddr: number }> {
  const out = new Map<number, { key: string; paddr: number }>();
  const root = rootCNode(sys);
  if (root === null) return out;
  objectSlots.forEach((slot, i) => {
    if (slot < 0 || slot >= root.slotsMade.length) return;
    const c = root.slotsMade[slot];
    if (c === null || c.type === cap_null_cap) return;
    const kind = kindOfCap(c.type);
    if (kind === null) return;
    out.set(i, { key: kind === "irq" ? `irq@${c.extra}` : keyOf(kind, c.ptr), paddr: c.ptr });
  });
  return out;
}

/** Names for a snapshot from a spec's object names (index i ↔ objectSlots[i]). */
export function namesFromSlots(
  sys: System,
  specNames: readonly string[],
  objectSlots: readonly number[],
): Map<string, string> {
  const names = new Map<string, string>();
  for (const [i, { key }] of objectsAtSlots(sys, objectSlots)) names.set(key, specNames[i]);
  return names;
}

/** Caps that name no object (irq_control, asid_control, domain, sched_control): for completeness. */
export const NO_OBJECT_CAPS = [
  cap_irq_control_cap,
  cap_asid_control_cap,
  cap_domain_cap,
  cap_sched_control_cap,
];
