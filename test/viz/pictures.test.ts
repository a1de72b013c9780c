// `sel4ts graph`, `sel4ts caps` and `--report` on every example system: the DOT renders with
// Graphviz (so it parses), the picture has a node per PD and an edge per channel, the CapDL text
// is well formed (every cap names a declared object, every PD's thread has its CSpace and VSpace,
// channel caps carry their badges), and the report names every object of the spec with its address.

import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import type { SdfSystem } from "../../src/microkit/sdf-model.ts";
import { renderSvg } from "../../src/viz/render.ts";

const EX = resolve(import.meta.dirname, "../../examples");
const SYSTEMS = ["microkit", "microkit-c"].flatMap((d) =>
  readdirSync(join(EX, d))
    .filter((f) => f.endsWith(".system"))
    .map((f) => join(EX, d, f)),
);

/** A system with PDs on other cores (run needs --num-nodes for it; caps cannot run it yet). */
const multicore = (file: string): boolean => /\bcpu="[1-9]/.test(readFileSync(file, "utf8"));

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out.push(typeof s === "string" ? s : Buffer.from(s).toString("latin1"));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  try {
    const status = await main(args);
    return { status, out: out.join(""), err: err.join("") };
  } finally {
    vi.restoreAllMocks();
  }
}

function sdf(file: string): SdfSystem {
  const text = readFileSync(file, "utf8");
  let r = parseSdf(text, { file });
  // A system placing PDs on other cores is for a multicore kernel (as `sel4ts graph` reads it).
  if (!r.ok) r = parseSdf(text, { file, config: { numCores: 8 } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.system;
}

/** The <title>s of an SVG's nodes and edges (Graphviz writes one per element). */
function svgTitles(svg: string, cls: "node" | "edge"): string[] {
  const re = new RegExp(`<g id="[^"]*" class="${cls}[^"]*">\\s*<title>([^<]*)</title>`, "g");
  return [...svg.matchAll(re)].map((m) => m[1].replace(/&#45;/g, "-").replace(/&gt;/g, ">"));
}

/** A small reader for the capDL text we write: objects (name → declaration) and caps per object. */
function readCapDL(text: string): { objects: Map<string, string>; caps: Map<string, string[]> } {
  const objects = new Map<string, string>();
  const caps = new Map<string, string[]>();
  const lines = text.split("\n");
  let section = "";
  let current: string | null = null;
  for (const line of lines) {
    if (line.startsWith("--") || line.trim() === "") continue;
    if (/^(objects|caps|irq maps) \{$/.test(line)) {
      section = line.slice(0, -2);
      continue;
    }
    if (line === "}") {
      section = "";
      continue;
    }
    if (section === "objects") {
      const m = /^ {2}([A-Za-z0-9_]+) = ([a-z_]+)( \(.*\))?$/.exec(line);
      expect(m, line).not.toBeNull();
      if (m !== null) objects.set(m[1], m[2]);
    } else if (section === "caps") {
      const open = /^ {2}([A-Za-z0-9_]+) \{$/.exec(line);
      if (open !== null) {
        current = open[1];
        caps.set(current, []);
      } else if (line === "  }") {
        current = null;
      } else {
        const m = /^ {4}(0x[0-9a-f]+|[a-z_]+): ([A-Za-z0-9_]+)( \(.*\))?$/.exec(line);
        expect(m, line).not.toBeNull();
        if (m !== null && current !== null) caps.get(current)?.push(`${m[1]} ${m[2]}${m[3] ?? ""}`);
      }
    }
  }
  return { objects, caps };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(SYSTEMS.map((f) => [f.slice(EX.length + 1), f]))("%s", (_name, file) => {
  const sys = sdf(file);

  it("graph: the DOT renders, with a node per PD and an edge per channel, map and IRQ", async () => {
    const dot = await cli(["graph", file]);
    expect(dot.status).toBe(0);
    const svg = await renderSvg(dot.out);
    const nodes = svgTitles(svg, "node");
    for (const pd of sys.protectionDomains) expect(nodes).toContain(`pd:${pd.name}`);
    const edges = svgTitles(svg, "edge");
    const maps = sys.protectionDomains.reduce((n, pd) => n + pd.maps.length + pd.irqs.length, 0);
    expect(edges.length).toBe(sys.channels.length + maps);
    for (const ch of sys.channels) {
      const pair = [`pd:${ch.a.pdName}->pd:${ch.b.pdName}`, `pd:${ch.b.pdName}->pd:${ch.a.pdName}`];
      expect(edges.some((e) => pair.includes(e))).toBe(true);
    }
    const svgOut = await cli(["graph", file, "--format", "svg"]);
    expect(svgOut.out.startsWith("<?xml") || svgOut.out.startsWith("<svg")).toBe(true);
  });

  it("caps: well-formed CapDL of the running system, and a picture that renders", async () => {
    const cores = multicore(file) ? ["--num-nodes", "4"] : [];
    const r = await cli(["caps", file, "--max-time", "20ms", ...cores]);
    expect(r.status, r.err).toBe(0);
    const { objects, caps } = readCapDL(r.out);
    for (const [owner, list] of caps) {
      expect(objects.has(owner), owner).toBe(true);
      for (const c of list) {
        const target = c.split(" ")[1];
        if (["irq_control", "asid_control", "domain", "sched_control"].includes(target)) continue;
        expect(objects.has(target), `${owner}: ${c}`).toBe(true);
      }
    }
    for (const pd of sys.protectionDomains) {
      const t = caps.get(`tcb_${pd.name}`) ?? [];
      expect(t.some((c) => c.startsWith("cspace "))).toBe(true);
      expect(t.some((c) => c.startsWith("vspace "))).toBe(true);
      expect(objects.get(`sched_context_${pd.name}`)).toBe("sc");
    }
    // The root task's bookkeeping is left out unless --all.
    expect([...objects.keys()].some((n) => n.startsWith("ut_"))).toBe(false);
    for (const ch of sys.channels) {
      if (!ch.a.notify) continue;
      const cn = caps.get(`cnode_${ch.a.pdName}`) ?? [];
      const badge = `badge: 0x${(1n << BigInt(ch.b.id)).toString(16)}`;
      expect(cn.some((c) => c.includes(`ntfn_${ch.b.pdName}`) && c.includes(badge))).toBe(true);
    }
    const dot = await cli(["caps", file, "--max-time", "20ms", "--format", "dot", ...cores]);
    const svg = await renderSvg(dot.out);
    const nodes = svgTitles(svg, "node");
    for (const pd of sys.protectionDomains) expect(nodes.length).toBeGreaterThan(pd.index);
  });

  it("--report: every object of the spec, with the address the initialiser gave it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sel4ts-report-"));
    const out = join(dir, "report.txt");
    const cores = multicore(file) ? ["--num-nodes", "4"] : [];
    const r = await cli(["run", file, "--max-time", "20ms", "--report", out, ...cores]);
    expect(r.status, r.err).toBe(0);
    const report = readFileSync(out, "utf8");
    const spec = buildMicrokit(sys).spec;
    for (const h of ["# IRQ Details", "# TCB Details", "# CNode Details", "# Kernel Objects Details"])
      expect(report).toContain(h);
    spec.objects.forEach((o) => {
      if (o.kind === "irq") expect(report).toContain(`\t- IRQ: '${o.name}'`);
      else expect(report).toMatch(new RegExp(`\\t\\d+ - [^:]+: '${o.name}' @ 0x[0-9a-f]{12}\\n`));
      if (o.kind === "tcb") expect(report).toContain(`\t- TCB: '${o.name}'`);
    });
  });
});

describe("sel4ts caps", () => {
  it("--at fault shows the system when the first fault happens", async () => {
    const file = join(EX, "microkit", "hierarchy.system");
    const end = await cli(["caps", file, "--format", "dot"]);
    const atFault = await cli(["caps", file, "--at", "fault", "--format", "dot"]);
    expect(atFault.status).toBe(0);
    const time = (s: string): number => Number(/capabilities at ([0-9.]+) us/.exec(s)?.[1]);
    expect(time(atFault.out)).toBeLessThan(time(end.out));
  });

  it("--all keeps the root task's untypeds and CSpace", async () => {
    const file = join(EX, "microkit", "hello.system");
    const r = await cli(["caps", file, "--all"]);
    expect(r.out).toMatch(/= ut \(\d+ bits, paddr: 0x[0-9a-f]+\)/);
    expect(r.out).toContain("rootserver {");
  });
});
