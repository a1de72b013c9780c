// setvar region_paddr on a memory region without phys_addr: the tool picks the address (here the
// initialiser, from free RAM), places the region's frames contiguously there, and the PD's
// variable holds that address.

import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { microkit_dbg_puts, microkit_var, type MicrokitProgram } from "../../src/user/microkit.ts";
import { sel4ts_write } from "../../src/user/libsel4.ts";
import { RAM_BASE } from "../../src/abi/index.ts";

const SDF = `<system>
  <memory_region name="dma" size="0x3000" />
  <memory_region name="fixed" size="0x1000" phys_addr="0x90000000" />
  <protection_domain name="driver">
    <program_image path="driver.ts" />
    <map mr="dma" vaddr="0x4000000" perms="rw" setvar_vaddr="dma_vaddr" />
    <map mr="fixed" vaddr="0x5000000" perms="rw" />
    <setvar symbol="dma_paddr" region_paddr="dma" />
    <setvar symbol="fixed_paddr" region_paddr="fixed" />
  </protection_domain>
</system>`;

describe("setvar region_paddr of a tool-allocated region", () => {
  it("the PD learns a page-aligned RAM address where its three pages lie contiguously, in order", () => {
    const r = parseSdf(SDF, { file: "dma.system" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const seen: Record<string, number | bigint> = {};
    const driver: MicrokitProgram = {
      init: function* () {
        seen.paddr = microkit_var("dma_paddr");
        seen.fixed = microkit_var("fixed_paddr");
        const va = Number(microkit_var("dma_vaddr"));
        for (let page = 0; page < 3; page++) yield* sel4ts_write(va + page * 0x1000, 4, 0xd0a0 + page);
        yield* microkit_dbg_puts("driver: ready\n");
      },
      notified: undefined,
      protected: undefined,
      fault: undefined,
    };
    const out: number[] = [];
    const diags: string[] = [];
    const run = runMicrokit(r.system, new Map([["driver", driver]]), {
      checkInvariants: true,
      onConsole: (b) => out.push(b),
      onDiagnostic: (t) => diags.push(t),
    });
    expect(diags).toEqual([]);
    expect(Buffer.from(out).toString()).toContain("driver: ready\n");
    expect(run.result.reason).toBe("idle");
    expect(seen.fixed).toBe(0x9000_0000);
    const pa = Number(seen.paddr);
    expect(pa % 0x1000).toBe(0);
    expect(pa).toBeGreaterThanOrEqual(RAM_BASE);
    const mem = run.system.machine.memory;
    for (let page = 0; page < 3; page++) expect(mem.read32(pa + page * 0x1000)).toBe(0xd0a0 + page);
  });

  it("the spec records the region and where its address goes; the symbol word is left 0 until then", () => {
    const r = parseSdf(SDF, { file: "dma.system" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const { spec } = buildMicrokit(r.system);
    expect(spec.toolAllocated?.map((g) => [g.name, g.frames.length, g.pageBytes, g.patches.length])).toEqual([
      ["dma", 3, 0x1000, 1],
    ]);
    for (const f of spec.toolAllocated?.[0].frames ?? []) expect(spec.objects[f].paddr).toBeUndefined();
  });
});
