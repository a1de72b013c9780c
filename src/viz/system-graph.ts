// `sel4ts graph`: a Microkit system description as a Graphviz DOT picture. Protection domains are
// boxes (priority, budget/period, passive, domain, core), child PDs sit inside their parent's
// cluster, channels are edges labelled with both ends' ids (a protected procedure call is a bold
// arrow towards the PD that serves it; a plain edge end that may notify has an open arrowhead),
// memory regions are cylinders joined to each PD that maps them (rights and address on the edge),
// IRQs are diamonds pointing at their PD.
//
// Platform-neutral: text in, text out (the CLI and the playground both use it).

import type { SdfChannelEnd, SdfProtectionDomain, SdfSystem } from "../microkit/sdf-model.ts";
import { attrs, hex, paletteColor, q, sizeText } from "./dot.ts";

export interface SystemGraphOptions {
  /** Leave out memory regions (maps) and IRQs: channels only. */
  channelsOnly?: boolean;
  /** The graph's title (default: the system's file name). */
  title?: string;
}

export function pdNodeId(name: string): string {
  return `pd:${name}`;
}

function pdLabel(pd: SdfProtectionDomain): string {
  const lines = [pd.name];
  const bp = pd.budget === pd.period ? `${pd.budget} µs` : `${pd.budget}/${pd.period} µs`;
  lines.push(`prio ${pd.priority} · budget ${bp}`);
  const extra: string[] = [];
  if (pd.passive) extra.push("passive");
  if (pd.domainName !== null) extra.push(`domain ${pd.domainName}`);
  if (pd.cpu !== 0) extra.push(`core ${pd.cpu}`);
  if (pd.parent !== null) extra.push(`child id ${pd.id ?? "?"}`);
  if (extra.length > 0) lines.push(extra.join(" · "));
  return lines.join("\n");
}

function pdNode(pd: SdfProtectionDomain, domainIndex: number): string {
  return `${q(pdNodeId(pd.name))}${attrs({
    label: pdLabel(pd),
    shape: "box",
    style: pd.passive ? "rounded,filled,dashed" : "rounded,filled",
    fillcolor: paletteColor(domainIndex),
    tooltip: `protection domain ${pd.name} (${pd.programImage.path})`,
    class: "pd",
  })};`;
}

function endText(e: SdfChannelEnd): string {
  return `${e.id}${e.pp ? " pp" : ""}${e.notify ? "" : " (no notify)"}`;
}

/** The DOT text of a system description. */
export function systemToDot(sys: SdfSystem, opts: SystemGraphOptions = {}): string {
  const out: string[] = [];
  const title = opts.title ?? sys.file;
  out.push(`digraph ${q(title)} {`);
  // Up to a dozen PDs, dot's layered layout reads left to right along the channels. Beyond that a
  // chain or ring of channels would become one very wide row, so the PDs are laid out in a grid of
  // about sqrt(n) columns (in document order) and channels are drawn across it without deciding
  // the ranks.
  const n = sys.protectionDomains.length;
  const big = n > 12;
  out.push(
    `  graph${attrs({ rankdir: "LR", fontname: "Helvetica", fontsize: 11, nodesep: 0.25, ranksep: big ? 1.2 : 0.6, newrank: true, label: title, labelloc: "t" })};`,
  );
  out.push(`  node${attrs({ fontname: "Helvetica", fontsize: 10 })};`);
  out.push(`  edge${attrs({ fontname: "Helvetica", fontsize: 9 })};`);
  const domainIndex = (pd: SdfProtectionDomain): number => pd.domain ?? 0;

  // PDs: a tree of clusters for parents with children, plain nodes otherwise.
  const emit = (pd: SdfProtectionDomain, indent: string): void => {
    if (pd.children.length === 0) {
      out.push(`${indent}${pdNode(pd, domainIndex(pd))}`);
      return;
    }
    out.push(`${indent}subgraph ${q(`cluster_${pd.name}`)} {`);
    out.push(
      `${indent}  graph${attrs({ label: `${pd.name} and its children`, style: "rounded", color: "#888888" })};`,
    );
    out.push(`${indent}  ${pdNode(pd, domainIndex(pd))}`);
    for (const c of pd.children) emit(sys.protectionDomains[c], `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const pd of sys.protectionDomains) if (pd.parent === null) emit(pd, "  ");
  if (big) {
    const cols = Math.ceil(Math.sqrt(n));
    const firsts: string[] = [];
    for (let c = 0; c * cols < n; c++) {
      const ids = sys.protectionDomains.slice(c * cols, (c + 1) * cols).map((p) => q(pdNodeId(p.name)));
      out.push(`  { rank=same; ${ids.join("; ")}; }`);
      firsts.push(ids[0]);
    }
    for (let c = 0; c + 1 < firsts.length; c++)
      out.push(`  ${firsts[c]} -> ${firsts[c + 1]}${attrs({ style: "invis", weight: 10 })};`);
  }

  // Channels.
  for (const ch of sys.channels) {
    const { a, b } = ch;
    // Draw the edge towards the PD that serves the protected procedure call, when there is one.
    const [from, to] = a.pp ? [a, b] : b.pp ? [b, a] : [a, b];
    const pp = a.pp || b.pp;
    out.push(
      `  ${q(pdNodeId(from.pdName))} -> ${q(pdNodeId(to.pdName))}${attrs({
        taillabel: endText(from),
        headlabel: endText(to),
        dir: pp ? "forward" : "both",
        // Without a pp end, an arrowhead at a PD means the other end may notify it.
        arrowhead: pp ? "normal" : from.notify ? "vee" : "none",
        arrowtail: pp ? undefined : to.notify ? "vee" : "none",
        style: pp ? "bold" : undefined,
        color: pp ? "#1f5fa8" : "#444444",
        tooltip: `channel ${a.pdName}:${a.id} ↔ ${b.pdName}:${b.id}${pp ? ` (ppc to ${to.pdName})` : ""}`,
        class: pp ? "channel pp" : "channel",
        constraint: big ? "false" : undefined,
      })};`,
    );
  }
  if (opts.channelsOnly === true) {
    out.push("}");
    return `${out.join("\n")}\n`;
  }

  // Memory regions and their maps.
  const mapped = new Set<number>();
  for (const pd of sys.protectionDomains) for (const m of pd.maps) mapped.add(m.mrIndex);
  sys.memoryRegions.forEach((mr, i) => {
    if (!mapped.has(i)) return;
    const where = mr.physAddr.kind === "specified" ? `\n@ ${hex(mr.physAddr.paddr)}` : "";
    out.push(
      `  ${q(`mr:${mr.name}`)}${attrs({
        label: `${mr.name}\n${sizeText(mr.size)} (${mr.pageCount} × ${sizeText(mr.pageSize)})${where}`,
        shape: "cylinder",
        style: "filled",
        fillcolor: "#f3f3f3",
        class: "mr",
      })};`,
    );
  });
  for (const pd of sys.protectionDomains) {
    for (const m of pd.maps) {
      const r = `${m.perms.read ? "r" : ""}${m.perms.write ? "w" : ""}${m.perms.execute ? "x" : ""}`;
      out.push(
        `  ${q(pdNodeId(pd.name))} -> ${q(`mr:${m.mr}`)}${attrs({
          label: `${r} @ ${hex(m.vaddr)}${m.cached ? "" : " uncached"}`,
          style: "dashed",
          color: "#888888",
          arrowhead: "none",
          class: "map",
        })};`,
      );
    }
  }

  // IRQs.
  for (const pd of sys.protectionDomains) {
    for (const irq of pd.irqs) {
      const id = `irq:${irq.irq}`;
      out.push(
        `  ${q(id)}${attrs({ label: `IRQ ${irq.irq}\n${irq.trigger}`, shape: "diamond", style: "filled", fillcolor: "#ffe0e0", class: "irq" })};`,
      );
      out.push(
        `  ${q(id)} -> ${q(pdNodeId(pd.name))}${attrs({ label: `id ${irq.id}`, color: "#b03030", class: "irq-edge" })};`,
      );
    }
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}
