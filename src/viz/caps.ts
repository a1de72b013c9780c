// The capability picture of a running system (a CapSnapshot from src/system/introspect.ts) as CapDL
// text in the capDL-tool's syntax, and as a Graphviz DOT graph of who can reach what.
//
// What a reader does not need is left out unless `all` is set: the root task (the Microkit
// initialiser keeps a cap to every object it made, plus the untypeds), and in the picture each
// thread's private plumbing (its CNodes, page tables, reply object, IPC buffer, stack and image
// frames). The frames of one memory region become one node; the monitor's caps to every PD's
// TCB, SC and notification become one summary edge per PD.

import type { CapSnapshot, SnapCap, SnapObject, SnapRights } from "../system/introspect.ts";
import { attrs, hex, q } from "./dot.ts";

export interface CapsViewOptions {
  /** Everything: the root task and its bookkeeping, every frame, every private object. */
  all?: boolean;
  title?: string;
}

const ROOT_TASK = "rootserver";

/** A capDL identifier for an object (names from a spec are kept; made-up keys are cleaned). */
function ident(o: SnapObject): string {
  return o.name.replace(/[^A-Za-z0-9_]/g, "_");
}

function rightsText(r: SnapRights | null): string {
  if (r === null) return "";
  return `${r.read ? "R" : ""}${r.write ? "W" : ""}${r.grant ? "G" : ""}${r.grantReply ? "P" : ""}${r.execute === true ? "X" : ""}`;
}

/** The objects a view keeps: by default, what any thread other than the root task can reach. */
export function visibleObjects(snap: CapSnapshot, all: boolean): Set<string> {
  const byKey = new Map(snap.objects.map((o) => [o.key, o]));
  if (all) return new Set(byKey.keys());
  const keep = new Set<string>();
  const todo: SnapObject[] = [];
  for (const o of snap.objects) {
    if (o.kind === "tcb" && o.name !== ROOT_TASK) {
      keep.add(o.key);
      todo.push(o);
    }
  }
  while (todo.length > 0) {
    const o = todo.pop() as SnapObject;
    for (const c of o.caps) {
      if (c.obj === null || keep.has(c.obj)) continue;
      const t = byKey.get(c.obj);
      if (t === undefined || (t.kind === "tcb" && t.name === ROOT_TASK)) continue;
      keep.add(t.key);
      todo.push(t);
    }
  }
  return keep;
}

function objectText(o: SnapObject): string {
  switch (o.kind) {
    case "tcb": {
      const t = o.tcb;
      if (t === undefined) return "tcb";
      return `tcb (addr: ${hex(t.ipcBuffer)}, ip: ${hex(t.ip)}, sp: ${hex(t.sp)}, prio: ${t.priority}, max_prio: ${t.mcp}, affinity: 0, dom: ${t.domain})`;
    }
    case "ep":
    case "notification":
    case "irq":
    case "pt":
      return o.kind;
    case "reply":
      return "rtreply";
    case "asid_pool":
      return "asid_pool";
    case "cnode":
      return `cnode (${o.sizeBits} bits)`;
    case "ut":
      return `ut (${o.sizeBits} bits, paddr: ${hex(o.paddr)})`;
    case "sc": {
      const s = o.sc;
      return s === undefined
        ? `sc (${o.sizeBits} bits)`
        : `sc (period: ${s.period}, budget: ${s.budget}, data: ${hex(s.badge)}, ${o.sizeBits} bits)`;
    }
    case "frame": {
      const size = o.sizeBits === 12 ? "4k" : o.sizeBits === 21 ? "2M" : `${o.sizeBits} bits`;
      return `frame (${size}, paddr: ${hex(o.paddr)})`;
    }
  }
}

function capText(c: SnapCap, target: SnapObject | undefined): string {
  if (target === undefined) {
    // Caps to no object: capDL's reserved names.
    if (c.type === "sched_control") return "sched_control (core: 0)";
    if (c.type === "irq_control" || c.type === "asid_control" || c.type === "domain") return c.type;
    return c.type;
  }
  const parts: string[] = [];
  const r = rightsText(c.rights);
  if (r !== "" && (target.kind === "ep" || target.kind === "notification" || target.kind === "frame"))
    parts.push(r);
  if (c.badge !== 0n) parts.push(`badge: ${hex(c.badge)}`);
  if (c.guardSize !== undefined) parts.push(`guard: ${hex(c.guard ?? 0n)}`, `guard_size: ${c.guardSize}`);
  return parts.length > 0 ? `${ident(target)} (${parts.join(", ")})` : ident(target);
}

/** The snapshot as capDL-tool text (objects, caps, irq maps), at its simulated time. */
export function snapshotToCapDL(snap: CapSnapshot, opts: CapsViewOptions = {}): string {
  const keep = visibleObjects(snap, opts.all === true);
  const byKey = new Map(snap.objects.map((o) => [o.key, o]));
  const objs = snap.objects.filter((o) => keep.has(o.key));
  const lines = [
    `-- the running system's capabilities at ${snap.timeUs} us (simulated)`,
    "arch riscv",
    "",
    "objects {",
  ];
  for (const o of objs) lines.push(`  ${ident(o)} = ${objectText(o)}`);
  lines.push("}", "", "caps {");
  for (const o of objs) {
    const caps = o.caps.filter((c) => c.obj === null || keep.has(c.obj));
    if (caps.length === 0) continue;
    lines.push(`  ${ident(o)} {`);
    for (const c of caps) {
      const slot = typeof c.slot === "number" ? `0x${c.slot.toString(16).padStart(3, "0")}` : c.slot;
      lines.push(`    ${slot}: ${capText(c, c.obj !== null ? byKey.get(c.obj) : undefined)}`);
    }
    lines.push("  }");
  }
  lines.push("}", "", "irq maps {");
  for (const o of objs) if (o.kind === "irq" && o.irq !== undefined) lines.push(`  ${o.irq}: ${ident(o)}`);
  lines.push("}", "");
  return lines.join("\n");
}

// ---- the picture ----

/** The group a frame belongs to in the picture: a memory region (mr_<name>_NNN), else itself. */
function frameGroup(o: SnapObject): string | null {
  const m = /^mr_(.+)_\d{9}$/.exec(o.name);
  return m !== null ? m[1] : null;
}

interface Reach {
  thread: SnapObject;
  /** object key → the caps (or mappings) by which the thread reaches it. */
  via: Map<string, string[]>;
}

/** What each thread reaches: its CSpace (through CNode caps), bound objects, and VSpace. */
function reachOf(snap: CapSnapshot, t: SnapObject): Reach {
  const byKey = new Map(snap.objects.map((o) => [o.key, o]));
  const via = new Map<string, string[]>();
  const add = (key: string, how: string): void => {
    const l = via.get(key);
    if (l === undefined) via.set(key, [how]);
    else if (!l.includes(how)) l.push(how);
  };
  const seen = new Set<string>();
  const walk = (o: SnapObject, depth: number): void => {
    if (seen.has(o.key) || depth > 8) return;
    seen.add(o.key);
    for (const c of o.caps) {
      if (c.obj === null) continue;
      const target = byKey.get(c.obj);
      if (target === undefined) continue;
      if (target.kind === "cnode" && (o.kind === "cnode" || c.slot === "cspace")) {
        walk(target, depth + 1);
        continue;
      }
      if (target.kind === "pt" && (o.kind === "pt" || c.slot === "vspace")) {
        walk(target, depth + 1);
        continue;
      }
      const r = rightsText(c.rights);
      const how =
        o.kind === "pt"
          ? `map ${r.toLowerCase()}`
          : typeof c.slot === "string"
            ? c.slot.replace(/_slot$/, "")
            : `${r}${c.badge !== 0n ? ` badge ${hex(c.badge)}` : ""}`.trim() || c.type;
      add(target.key, how);
    }
  };
  walk(t, 0);
  return { thread: t, via };
}

const SHAPES: Record<string, [string, string]> = {
  tcb: ["box", "#dbe9f6"],
  ep: ["ellipse", "#fde2c8"],
  notification: ["octagon", "#d9f0d3"],
  sc: ["component", "#e6e0f3"],
  frame: ["cylinder", "#f3f3f3"],
  irq: ["diamond", "#ffe0e0"],
  reply: ["note", "#eeeeee"],
  cnode: ["folder", "#eeeeee"],
  pt: ["tab", "#eeeeee"],
  ut: ["box3d", "#eeeeee"],
  asid_pool: ["box3d", "#eeeeee"],
};

/** The capability picture: threads and the objects they reach, edges labelled with the caps. */
export function snapshotToDot(snap: CapSnapshot, opts: CapsViewOptions = {}): string {
  const all = opts.all === true;
  const keep = visibleObjects(snap, all);
  const byKey = new Map(snap.objects.map((o) => [o.key, o]));
  const title = opts.title ?? `capabilities at ${snap.timeUs} us`;
  const out = [`digraph ${q(title)} {`];
  out.push(
    `  graph${attrs({ rankdir: "LR", fontname: "Helvetica", fontsize: 11, label: title, labelloc: "t", nodesep: 0.2 })};`,
  );
  out.push(`  node${attrs({ fontname: "Helvetica", fontsize: 10 })};`);
  out.push(`  edge${attrs({ fontname: "Helvetica", fontsize: 8, color: "#555555" })};`);
  const threads = snap.objects.filter((o) => o.kind === "tcb" && keep.has(o.key));
  const reaches = threads.map((t) => reachOf(snap, t));

  // How many threads reach each object: private plumbing is what only one thread reaches.
  const reachers = new Map<string, number>();
  for (const r of reaches) for (const k of r.via.keys()) reachers.set(k, (reachers.get(k) ?? 0) + 1);
  const nodeOf = (o: SnapObject): string | null => {
    if (o.kind === "frame") {
      const g = frameGroup(o);
      if (g !== null && !all) return `mr:${g}`;
      if (!all && (reachers.get(o.key) ?? 0) <= 1) return null;
      return o.key;
    }
    if (!all && (o.kind === "cnode" || o.kind === "pt" || o.kind === "reply" || o.kind === "ut")) return null;
    return o.key;
  };
  const nodes = new Map<string, string>();
  const declare = (id: string, o: SnapObject): void => {
    if (nodes.has(id)) return;
    const [shape, fill] = SHAPES[o.kind] ?? ["box", "#ffffff"];
    let label = o.name;
    if (id.startsWith("mr:")) {
      const n = snap.objects.filter((x) => x.kind === "frame" && frameGroup(x) === id.slice(3)).length;
      label = `${id.slice(3)}\n${n} frame${n === 1 ? "" : "s"}`;
    } else if (o.kind === "tcb" && o.tcb !== undefined) {
      label = `${o.name}\nprio ${o.tcb.priority} · ${o.tcb.state}`;
    } else if (o.kind === "sc" && o.sc !== undefined) {
      label = `${o.name}\n${o.sc.budget}/${o.sc.period} µs`;
    } else if (o.kind === "irq" && o.irq !== undefined) {
      label = `IRQ ${o.irq}`;
    }
    nodes.set(
      id,
      `  ${q(id)}${attrs({ label, shape, style: "filled", fillcolor: fill, class: o.kind, tooltip: o.key })};`,
    );
  };
  const edges: string[] = [];
  for (const r of reaches) {
    const from = r.thread.key;
    declare(from, r.thread);
    // Merge the caps reaching one node (the frames of a region) into one edge.
    const merged = new Map<string, Set<string>>();
    const countOf = new Map<string, number>();
    for (const [k, how] of r.via) {
      const o = byKey.get(k);
      if (o === undefined || !keep.has(k)) continue;
      const id = nodeOf(o);
      if (id === null || id === from) continue;
      declare(id, o);
      const s = merged.get(id) ?? new Set<string>();
      for (const h of how) s.add(h);
      merged.set(id, s);
      countOf.set(id, (countOf.get(id) ?? 0) + 1);
    }
    // The monitor's bookkeeping: caps to many PDs' TCBs/SCs/notifications become one edge per PD.
    const isMonitor = /^(tcb_)?monitor$/.test(r.thread.name);
    for (const [id, how] of merged) {
      const target = id.startsWith("mr:") ? null : byKey.get(id);
      if (!all && isMonitor && target !== null && target !== undefined && target.kind !== "ep") {
        if (target.kind !== "tcb") continue;
        edges.push(
          `  ${q(from)} -> ${q(id)}${attrs({ label: "manages", style: "dotted", color: "#999999", class: "monitor" })};`,
        );
        continue;
      }
      edges.push(
        `  ${q(from)} -> ${q(id)}${attrs({ label: [...how].join("\n"), class: "cap", color: target?.kind === "ep" ? "#1f5fa8" : target?.kind === "notification" ? "#2d7a2d" : undefined })};`,
      );
    }
  }
  // IRQ handlers: the notification each IRQ signals.
  for (const o of snap.objects) {
    if (o.kind !== "irq" || !keep.has(o.key)) continue;
    for (const c of o.caps) {
      if (c.obj === null) continue;
      const t = byKey.get(c.obj);
      if (t === undefined) continue;
      declare(o.key, o);
      declare(t.key, t);
      edges.push(
        `  ${q(o.key)} -> ${q(t.key)}${attrs({ label: `signals${c.badge !== 0n ? ` ${hex(c.badge)}` : ""}`, color: "#b03030" })};`,
      );
    }
  }
  out.push(...nodes.values(), ...edges, "}");
  return `${out.join("\n")}\n`;
}
