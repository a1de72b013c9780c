// Conformance: the Microkit tool's own parser fixtures (expected.json) and the example SDFs.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic, parseSdf, type SdfFileLookup } from "../../src/microkit/sdf.ts";

const REF = "/work/shared/reference";
const FIXTURES = join(REF, "microkit-sdf-tests");
const EXAMPLES = join(REF, "microkit-examples");

interface Case {
  file: string;
  expect: "ok" | "error";
  error_prefix?: string;
}

function lookupIn(dirs: string[]): (p: string) => SdfFileLookup {
  return (p) => {
    for (const d of dirs) {
      const full = resolve(d, p);
      if (existsSync(full)) return { found: true, bytes: new Uint8Array(readFileSync(full)) };
    }
    return { found: false, reason: "missing" };
  };
}

/**
 * The information an upstream message carries: without the "Error: " prefix, without its location
 * (ours comes first, as FILE:LINE:COL), with the riscv64 value where the fixture quotes an AArch64
 * address-space limit.
 */
function core(prefix: string): { text: string; loc: string | null } {
  let text = prefix.replace(/^Error: /, "");
  const m = /:? ?([\w.]+\.system):(\d+):(\d+)\s*$/.exec(text);
  const loc = m === null ? null : `${m[2]}:${m[3]}`;
  if (m !== null) text = text.slice(0, m.index);
  text = text
    .replace(/\s*@\s*$/, "")
    .replace(/:\s*$/, "")
    .replace(/: on element/, " on element");
  text = text.replace("0xffffffc000", "0x3fffffb000"); // riscv64 Sv39: 0x3F_FFFF_D000 - 8 KiB stack
  return { text: text.trimEnd(), loc };
}

const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { cases: Case[] };

describe("Microkit tool SDF fixtures (expected.json)", () => {
  it("lists fixtures", () => {
    expect(expected.cases.length).toBeGreaterThan(30);
  });
  for (const c of expected.cases) {
    it(`${c.file}: ${c.expect}`, () => {
      const text = readFileSync(join(FIXTURES, c.file), "utf8");
      const r = parseSdf(text, { file: c.file, readFile: lookupIn([join(FIXTURES, "prefills")]) });
      if (c.expect === "ok") {
        expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
        return;
      }
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const [err] = r.errors;
      expect(err).toBeDefined();
      if (err === undefined) return;
      expect(err.file).toBe(c.file);
      expect(formatDiagnostic(err)).toMatch(new RegExp(`^${c.file.replace(/\./g, "\\.")}:\\d+:\\d+: `));
      if (c.error_prefix !== undefined) {
        const want = core(c.error_prefix);
        expect(err.message).toContain(want.text);
        if (want.loc !== null) expect(`${err.line}:${err.col}`).toBe(want.loc);
      }
    });
  }
});

const NOT_ON_RISCV: Record<string, RegExp> = {
  "arm_smc.system": /ARM SMC forwarding support is not available for this architecture \(riscv64\)/,
  "bootinfo.system": /prefill_bootinfo 'x86_tsc_freq' is not supported on riscv64/,
  "x86_64_ioport.system": /I\/O ports are only available on x86, not on riscv64/,
  "x86_64_iommu_dma_test.system": /io address space requires seL4 to be built with IOMMU support/,
};

describe("Microkit example SDFs", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".system"));
  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(EXAMPLES, f), "utf8");
      // mr_prefill's fill.bin was not copied with the example: supply 5 bytes.
      const readFile = (): SdfFileLookup => ({ found: true, bytes: new Uint8Array([1, 2, 3, 4, 5]) });
      const r = parseSdf(text, { file: f, readFile });
      const unsupported = NOT_ON_RISCV[f];
      if (unsupported === undefined) {
        expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
      } else {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors[0]?.message).toMatch(unsupported);
      }
    });
  }

  it("resolves the passive_server example", () => {
    const r = parseSdf(readFileSync(join(EXAMPLES, "passive_server.system"), "utf8"), { file: "p.system" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [server, client] = r.system.protectionDomains;
    expect(server?.passive).toBe(true);
    expect(server?.priority).toBe(100);
    expect(client?.priority).toBe(99);
    const ch = r.system.channels[0];
    expect(ch?.a.pd).toBe(0);
    expect(ch?.b.pdName).toBe("client");
    expect(ch?.b.pp).toBe(true);
  });

  it("resolves the hierarchy example's PD tree", () => {
    const r = parseSdf(readFileSync(join(EXAMPLES, "hierarchy.system"), "utf8"), { file: "h.system" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pds = r.system.protectionDomains;
    expect(pds.map((p) => [p.name, p.index, p.parent, p.id])).toEqual([
      ["restarter", 0, null, null],
      ["crasher", 1, 0, 1],
      ["hello", 2, 0, 2],
    ]);
    expect(pds[0]?.children).toEqual([1, 2]);
  });

  it("resolves the domains example's schedule", () => {
    const r = parseSdf(readFileSync(join(EXAMPLES, "domains.system"), "utf8"), { file: "d.system" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.system.domains;
    expect(d?.domains.map((x) => [x.name, x.id])).toEqual([
      ["monitor", 0],
      ["emitter", 1],
      ["collector", 2],
    ]);
    expect(d?.schedule.map((e) => e.kind)).toEqual(["entry", "entry", "entry", "end_marker"]);
    expect(r.system.protectionDomains.map((p) => p.domainName)).toEqual(["emitter", "collector"]);
  });
});
