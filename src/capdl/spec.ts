// A CapDL specification: the kernel objects of a system, the caps in every CNode, TCB and page
// table, and the IRQ map. The Microkit builder produces one (src/microkit/builder.ts), the
// initialiser (src/microkit/initialiser.ts) realises it through seL4 system calls, and
// `printCapDL` gives its text form in the capDL-tool syntax.
//
// Objects are referred to by their index in `CapDLSpec.objects`. Page tables hold their entries
// as caps in `slots` (Sv39: level 0 = root, 1, 2), CNodes hold caps in `slots`, a TCB's bound caps
// are in `tcb`.

export type CapDLObjectKind =
  "tcb" | "ep" | "notification" | "cnode" | "sc" | "reply" | "frame" | "pt" | "irq";

export interface CapRights {
  read: boolean;
  write: boolean;
  grant: boolean;
  grantReply: boolean;
}

export const ALL_RIGHTS: CapRights = { read: true, write: true, grant: true, grantReply: true };
export const RW_RIGHTS: CapRights = { read: true, write: true, grant: false, grantReply: false };

export interface CapDLCap {
  /** Index of the object in CapDLSpec.objects. */
  obj: number;
  rights: CapRights;
  /** Badge of an endpoint or notification cap. */
  badge?: bigint;
  /** Guard and guard size of a CNode cap. */
  guard?: number;
  guardSize?: number;
  /** Frame caps in page tables: mapped executable / cached. */
  executable?: boolean;
  cached?: boolean;
}

export interface CapDLFrameFill {
  /** Byte offset within the frame. */
  offset: number;
  bytes: Uint8Array;
}

export interface CapDLTcb {
  cspace: CapDLCap | null;
  vspace: CapDLCap | null;
  ipcBuffer: CapDLCap | null;
  ipcBufferAddr: number;
  faultEp: CapDLCap | null;
  sc: CapDLCap | null;
  boundNotification: CapDLCap | null;
  priority: number;
  mcp: number;
  /** Initial pc and sp. */
  ip: number;
  sp: number;
  affinity: number;
  domain: number;
  fpuDisabled: boolean;
  resume: boolean;
}

export interface CapDLSc {
  /** Microseconds. */
  budget: bigint;
  period: bigint;
  badge: bigint;
  /** The core whose SchedControl cap configures it (the PD's `cpu`); 0 when absent. */
  core?: number;
}

export interface CapDLObject {
  name: string;
  kind: CapDLObjectKind;
  /** log2 of the object's size where it varies: cnode (radix = slot bits), sc, frame (12 or 21). */
  sizeBits: number;
  paddr?: bigint;
  /** Frame contents (everything else is zero). */
  fill?: CapDLFrameFill[];
  /** Page-table level (0 = root of the VSpace). */
  level?: number;
  /** CNode slots, page-table entries (index → cap). */
  slots?: Map<number, CapDLCap>;
  tcb?: CapDLTcb;
  sc?: CapDLSc;
  irq?: { irq: number; trigger: "level" | "edge"; notification: CapDLCap | null };
}

/**
 * A domain schedule for DomainSet_ScheduleConfigure: entries in order (an end marker is domain 0
 * with duration 0), placed from index `shift`, starting at `shift + start`. Durations in timer ticks.
 */
export interface CapDLDomainSchedule {
  entries: { domain: number; duration: bigint }[];
  start: number;
  shift: number;
}

/**
 * A memory region whose physical address the system description leaves to the tool but a PD asks
 * for (setvar region_paddr): its frames are placed contiguously, in order, at an address the
 * initialiser picks from free RAM, and that address is written as a little-endian 64-bit word at
 * each patch (a byte offset in a frame's fill).
 */
export interface CapDLToolAllocated {
  name: string;
  frames: number[];
  pageBytes: number;
  patches: { frame: number; offset: number }[];
}

export interface CapDLSpec {
  objects: CapDLObject[];
  toolAllocated?: CapDLToolAllocated[];
  /** Set when the system declares one; the kernel's boot schedule stays otherwise. */
  domainSchedule?: CapDLDomainSchedule;
  /** IRQ number → index of its irq object. */
  irqs: Map<number, number>;
  /** Objects in the order the initialiser allocates them (paddr first, then largest first). */
  allocationOrder: number[];
}

/** Frame, page-table and CNode byte sizes for the riscv64 MCS kernel (microkit.md §3.9). */
export function objectSizeBits(o: CapDLObject): number {
  switch (o.kind) {
    case "tcb":
      return 11;
    case "ep":
      return 4;
    case "notification":
      return 6;
    case "reply":
      return 5;
    case "pt":
      return 12;
    case "cnode":
      return o.sizeBits + 5;
    case "sc":
    case "frame":
      return o.sizeBits;
    case "irq":
      return 0;
  }
}

/** The Microkit tool's order: objects with a paddr by ascending paddr, then by size (largest first), then name. */
export function sortForAllocation(objects: CapDLObject[]): number[] {
  const idx = objects.map((_, i) => i).filter((i) => objects[i].kind !== "irq");
  idx.sort((x, y) => {
    const a = objects[x];
    const b = objects[y];
    if (a.paddr !== undefined || b.paddr !== undefined) {
      if (a.paddr === undefined) return 1;
      if (b.paddr === undefined) return -1;
      return a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0;
    }
    const d = objectSizeBits(b) - objectSizeBits(a);
    if (d !== 0) return d;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return idx;
}

// ---- text form (capDL-tool syntax) ----
//
// Mapping onto the capDL-tool grammar (capDL-tool/CapDL/ParserUtils.hs, PrintModel.hs):
//   tcb        → `tcb (addr: <ipc buffer vaddr>, ip: …, sp: …, prio: …, max_prio: …, affinity: …, dom: …)`
//   ep, notification, rtreply (the MCS reply object), irq
//   cnode      → `cnode (<radix> bits)`
//   sc         → `sc (period: <µs>, budget: <µs>, data: <badge>, <size> bits)`
//   frame      → `frame (4k|2M[, paddr: 0x…][, fill: [{<offset> <length> CDL_FrameFill_FileData "<name>.bin" 0}]])`
//                (the fill bytes are not printed; each fill names a file, fillFileName(), which
//                `sel4ts capdl --fill-dir DIR` writes)
//   pt         → `pt` (every Sv39 level; the level is implied by the position in the tree)
// Caps: `<slot>: <object> (<rights>[, badge: n][, guard: n, guard_size: n])`; a TCB's caps use the
// named slots cspace, vspace, ipc_buffer_slot, fault_ep_slot, sc_slot, bound_notification.

function rightsText(r: CapRights): string {
  return `${r.read ? "R" : ""}${r.write ? "W" : ""}${r.grant ? "G" : ""}${r.grantReply ? "P" : ""}`;
}

function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}

function capText(spec: CapDLSpec, c: CapDLCap): string {
  const o = spec.objects[c.obj];
  const attrs: string[] = [];
  if (o.kind === "frame") attrs.push(`${rightsText(c.rights)}${c.executable === true ? "X" : ""}`);
  else if (o.kind === "ep" || o.kind === "notification") attrs.push(rightsText(c.rights));
  if (c.badge !== undefined && c.badge !== 0n) attrs.push(`badge: ${hex(c.badge)}`);
  if (c.guardSize !== undefined) attrs.push(`guard: ${hex(c.guard ?? 0)}`, `guard_size: ${c.guardSize}`);
  if (o.kind === "frame" && c.cached === false) attrs.push("uncached");
  return attrs.length > 0 ? `${o.name} (${attrs.join(", ")})` : o.name;
}

function objectText(o: CapDLObject): string {
  switch (o.kind) {
    case "tcb": {
      const t = o.tcb as CapDLTcb;
      return (
        `tcb (addr: ${hex(t.ipcBufferAddr)}, ip: ${hex(t.ip)}, sp: ${hex(t.sp)}, prio: ${t.priority}, ` +
        `max_prio: ${t.mcp}, affinity: ${t.affinity}, dom: ${t.domain}${t.resume ? "" : ", init: suspended"})`
      );
    }
    case "ep":
      return "ep";
    case "notification":
      return "notification";
    case "reply":
      return "rtreply";
    case "irq":
      return "irq";
    case "pt":
      return "pt";
    case "cnode":
      return `cnode (${o.sizeBits} bits)`;
    case "sc": {
      const s = o.sc as CapDLSc;
      return `sc (period: ${s.period}, budget: ${s.budget}, data: ${hex(s.badge)}, ${o.sizeBits} bits)`;
    }
    case "frame": {
      const attrs = [o.sizeBits === 12 ? "4k" : o.sizeBits === 21 ? "2M" : `${o.sizeBits} bits`];
      if (o.paddr !== undefined) attrs.push(`paddr: ${hex(o.paddr)}`);
      if (o.fill !== undefined && o.fill.length > 0) {
        const fills = o.fill.map(
          (f, i) => `{${f.offset} ${f.bytes.length} CDL_FrameFill_FileData "${fillFileName(o, i)}" 0}`,
        );
        attrs.push(`fill: [${fills.join(", ")}]`);
      }
      return `frame (${attrs.join(", ")})`;
    }
  }
}

/** The file the text form names for fill `i` of frame `o`. */
export function fillFileName(o: CapDLObject, i: number): string {
  return `${o.name}_${i}.bin`;
}

/** The spec in capDL-tool text syntax. */
export function printCapDL(spec: CapDLSpec): string {
  const lines: string[] = ["arch riscv", "", "objects {"];
  for (const o of spec.objects) lines.push(`  ${o.name} = ${objectText(o)}`);
  lines.push("}", "", "caps {");
  for (const o of spec.objects) {
    const entries: string[] = [];
    if (o.tcb !== undefined) {
      const t = o.tcb;
      const named: [string, CapDLCap | null][] = [
        ["cspace", t.cspace],
        ["vspace", t.vspace],
        ["ipc_buffer_slot", t.ipcBuffer],
        ["fault_ep_slot", t.faultEp],
        ["sc_slot", t.sc],
        ["bound_notification", t.boundNotification],
      ];
      for (const [k, c] of named) if (c !== null) entries.push(`${k}: ${capText(spec, c)}`);
    }
    if (o.slots !== undefined) {
      for (const [i, c] of [...o.slots].sort((a, b) => a[0] - b[0]))
        entries.push(`${i}: ${capText(spec, c)}`);
    }
    if (o.irq?.notification != null) entries.push(`0: ${capText(spec, o.irq.notification)}`);
    if (entries.length === 0) continue;
    lines.push(`  ${o.name} {`);
    for (const e of entries) lines.push(`    ${e}`);
    lines.push("  }");
  }
  lines.push("}", "", "irq maps {");
  for (const [irq, obj] of [...spec.irqs].sort((a, b) => a[0] - b[0])) {
    lines.push(`  ${irq}: ${spec.objects[obj].name}`);
  }
  lines.push("}", "");
  // The capDL-tool grammar has no domain schedule; it goes in a comment, as the tool ignores those.
  const ds = spec.domainSchedule;
  if (ds !== undefined) {
    lines.push(`-- domain schedule: start index ${ds.shift + ds.start}`);
    ds.entries.forEach((e, i) =>
      lines.push(`--   ${ds.shift + i}: domain ${e.domain}, duration ${e.duration} ticks`),
    );
    lines.push("");
  }
  return lines.join("\n");
}
