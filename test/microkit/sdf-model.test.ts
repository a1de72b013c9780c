// The resolved SDF model: what a builder receives for a valid system.

import { describe, expect, it } from "vitest";
import {
  formatDiagnostic,
  parseSdf,
  type SdfFileLookup,
  type SdfParseResult,
} from "../../src/microkit/sdf.ts";

const PD = (name: string, attrs = "", body = ""): string =>
  `<protection_domain name="${name}" ${attrs}><program_image path="${name}.elf"/>${body}</protection_domain>`;

const files: Record<string, Uint8Array> = { "four.bin": new Uint8Array(4), "empty.bin": new Uint8Array(0) };
const readFile = (p: string): SdfFileLookup => {
  const bytes = files[p];
  if (p === "dir") return { found: false, reason: "unreadable" };
  return bytes === undefined ? { found: false, reason: "missing" } : { found: true, bytes };
};

function run(body: string): SdfParseResult {
  return parseSdf(`<system>\n${body}\n</system>`, { file: "t.system", readFile });
}

describe("SDF model", () => {
  it("resolves a full system", () => {
    const r = run(
      [
        `<memory_region name="shared" size="0x4_000"/>`,
        `<memory_region name="big" size="0x400000"/>`,
        `<memory_region name="dev" size="0x1000" phys_addr="0x1000_0000"/>`,
        `<memory_region name="dma" size="0x1000"/>`,
        `<memory_region name="fill" prefill_path="four.bin"/>`,
        PD(
          "server",
          'priority="200" passive="true" budget="500" period="0x3e8" stack_size="0x4000" fpu="false"',
          '<map mr="shared" vaddr="0x2000000" perms="r" setvar_vaddr="buf" setvar_size="buf_size"/>' +
            '<map mr="big" vaddr="0x40000000" perms="rwx" cached="false"/>' +
            '<map mr="fill" vaddr="0x3000000" setvar_prefill_size="fill_len"/>' +
            '<irq irq="10" id="3" trigger="edge" setvar_id="irq_ch"/>' +
            '<setvar symbol="dma_paddr" region_paddr="dma"/>' +
            PD("child", 'id="7" setvar_id="child_id"', '<cspace><cap_tcb slot="1" pd="server"/></cspace>'),
        ),
        PD("client", 'priority="100"', '<map mr="shared" vaddr="0x2000000" perms="rw"/>'),
        `<channel><end pd="client" id="0" pp="true" setvar_id="srv"/><end pd="server" id="1" notify="false"/></channel>`,
      ].join("\n"),
    );
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
    if (!r.ok) return;
    const sys = r.system;
    // A setvar region_paddr does not count as a use.
    expect(r.warnings.map(formatDiagnostic)).toEqual([
      "t.system:4:1: warning: unused memory region 'dev'",
      "t.system:5:1: warning: unused memory region 'dma'",
    ]);
    const [server, child, client] = sys.protectionDomains;
    expect(server).toMatchObject({
      index: 0,
      priority: 200,
      passive: true,
      budget: 500n,
      period: 1000n,
      stackSize: 0x4000,
      fpu: false,
      children: [1],
      parent: null,
      programImage: { path: "server.elf", pathForSymbols: null },
    });
    expect(server?.maps[0]).toMatchObject({
      mr: "shared",
      mrIndex: 0,
      vaddr: 0x2000000,
      perms: { read: true, write: false, execute: false },
      cached: true,
      setvarVaddr: "buf",
      setvarSize: "buf_size",
    });
    expect(server?.maps[1]?.cached).toBe(false);
    expect(server?.irqs).toEqual([
      { id: 3, irq: 10, trigger: "edge", setvarId: "irq_ch", loc: expect.anything() },
    ]);
    expect(server?.setvars.map((s) => [s.symbol, s.kind])).toEqual([
      ["buf", "vaddr"],
      ["buf_size", "size"],
      ["fill_len", "prefill_size"],
      ["irq_ch", "id"],
      ["dma_paddr", "paddr"],
      ["child_id", "id"],
    ]);
    expect(child).toMatchObject({ index: 1, id: 7, parent: 0, name: "child" });
    expect(child?.capMaps).toEqual([
      { type: "tcb", pdName: "server", pd: 0, slot: 1, loc: expect.anything() },
    ]);
    expect(client?.setvars).toEqual([{ symbol: "srv", kind: "id", id: 0, loc: expect.anything() }]);
    expect(sys.channels[0]).toMatchObject({
      a: { pd: 2, pdName: "client", id: 0, pp: true, notify: true },
      b: { pd: 0, id: 1, pp: false, notify: false },
    });
    const mr = Object.fromEntries(sys.memoryRegions.map((m) => [m.name, m]));
    expect(mr["big"]).toMatchObject({ pageSize: 0x200000, pageCount: 2, size: 0x400000n });
    expect(mr["shared"]).toMatchObject({ pageSize: 0x1000, pageCount: 4 });
    expect(mr["dev"]?.physAddr).toEqual({ kind: "specified", paddr: 0x10000000n });
    expect(mr["dma"]?.physAddr).toEqual({ kind: "tool_allocated" });
    expect(mr["fill"]).toMatchObject({ size: 0x1000n, prefill: { path: "four.bin" } });
    expect(sys.domains).toBeNull();
  });

  it("does not upgrade a region to 2 MiB pages when a mapping is not 2 MiB aligned", () => {
    const r = run(
      `<memory_region name="m" size="0x200000"/>` + PD("a", "", '<map mr="m" vaddr="0x201000"/>'),
    );
    expect(r.ok && r.system.memoryRegions[0]?.pageSize).toBe(0x1000);
  });

  it("accepts an empty perms string, hex with underscores, and a self channel with distinct ids", () => {
    const r = run(
      `<memory_region name="m" size="0x1_000"/>` +
        PD("a", 'priority="0x0_1"', '<map mr="m" vaddr="0x10_000" perms=""/>') +
        `<channel><end pd="a" id="0"/><end pd="a" id="1"/></channel>`,
    );
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
    if (r.ok)
      expect(r.system.protectionDomains[0]?.maps[0]?.perms).toEqual({
        read: false,
        write: false,
        execute: false,
      });
  });
});
