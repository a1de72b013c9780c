// The CapDL spec the builder makes from an SDF (microkit.md §3.3, §3.8, §3.10, §3.11, §4.3) and its
// capDL-tool text form.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { printCapDL, type CapDLCap, type CapDLSpec } from "../../src/capdl/spec.ts";
import { buildMicrokit, patchedSymbols } from "../../src/microkit/builder.ts";
import { parseSdf, type SdfSystem } from "../../src/microkit/sdf.ts";

const EX = resolve(import.meta.dirname, "../../examples/microkit");

function load(name: string): SdfSystem {
  const file = resolve(EX, `${name}.system`);
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.system;
}

function parse(text: string): SdfSystem {
  const r = parseSdf(text, { file: "t.system" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.system;
}

function slot(
  spec: CapDLSpec,
  cnode: string,
  i: number,
): { name: string; badge?: bigint; guardSize?: number } | null {
  const o = spec.objects.find((x) => x.name === cnode);
  const c: CapDLCap | undefined = o?.slots?.get(i);
  if (c === undefined) return null;
  return { name: spec.objects[c.obj].name, badge: c.badge, guardSize: c.guardSize };
}

describe("Microkit builder → CapDL", () => {
  it("§3.10 passive_server: CNode slots, badges and the monitor's CNode", () => {
    const { spec } = buildMicrokit(load("passive_server"));
    expect(slot(spec, "cnode_server", 1)?.name).toBe("ep_server");
    expect(slot(spec, "cnode_server", 2)).toEqual({
      name: "ep_fault_monitor",
      badge: 1n,
      guardSize: undefined,
    });
    expect(slot(spec, "cnode_server", 3)?.name).toBe("pgd_server");
    expect(slot(spec, "cnode_server", 4)?.name).toBe("reply_server");
    expect(slot(spec, "cnode_server", 5)).toEqual({
      name: "ep_fault_monitor",
      badge: 1n,
      guardSize: undefined,
    });
    expect(slot(spec, "cnode_server", 10)).toEqual({ name: "ntfn_client", badge: 1n, guardSize: undefined });
    expect(slot(spec, "cnode_client", 1)?.name).toBe("ntfn_client");
    expect(slot(spec, "cnode_client", 2)?.badge).toBe(2n);
    expect(slot(spec, "cnode_client", 5)).toBeNull();
    expect(slot(spec, "cnode_client", 10)).toEqual({ name: "ntfn_server", badge: 1n, guardSize: undefined });
    expect(slot(spec, "cnode_client", 74)).toEqual({
      name: "ep_server",
      badge: 1n << 63n,
      guardSize: undefined,
    });
    expect(slot(spec, "cnode_client_root", 0)).toEqual({
      name: "cnode_client",
      badge: undefined,
      guardSize: 49,
    });
    expect(slot(spec, "cnode_monitor", 10)?.name).toBe("tcb_server");
    expect(slot(spec, "cnode_monitor", 11)?.name).toBe("tcb_client");
    expect(slot(spec, "cnode_monitor", 138)?.name).toBe("sched_context_server");
    expect(slot(spec, "cnode_monitor", 202)?.name).toBe("ntfn_server");
    expect(slot(spec, "cnode_monitor", 139)).toBeNull();
    const sc = spec.objects.find((o) => o.name === "sched_context_client");
    expect(sc?.sc).toEqual({ budget: 1000n, period: 1000n, badge: 0x101n });
    expect(sc?.sizeBits).toBe(8);
    const tcb = spec.objects.find((o) => o.name === "tcb_server")?.tcb;
    expect(tcb?.priority).toBe(100);
    expect(tcb?.ipcBufferAddr).toBe(0x3f_ffff_e000);
    expect(tcb?.sp).toBe(0x3f_ffff_d000);
    expect(spec.objects[tcb?.boundNotification?.obj ?? -1].name).toBe("ntfn_server");
  });

  it("§3.11 hierarchy: children fault to the parent's EP with badge (1<<62)|id; TCB caps at 202+id", () => {
    const { spec } = buildMicrokit(load("hierarchy"));
    expect(slot(spec, "cnode_restarter", 1)?.name).toBe("ep_restarter");
    expect(slot(spec, "cnode_restarter", 2)?.badge).toBe(1n);
    expect(slot(spec, "cnode_restarter", 203)?.name).toBe("tcb_crasher");
    expect(slot(spec, "cnode_restarter", 204)?.name).toBe("tcb_hello");
    expect(slot(spec, "cnode_crasher", 2)).toEqual({
      name: "ep_restarter",
      badge: (1n << 62n) | 1n,
      guardSize: undefined,
    });
    expect(slot(spec, "cnode_hello", 2)?.badge).toBe((1n << 62n) | 2n);
    const fault = spec.objects.find((o) => o.name === "tcb_hello")?.tcb?.faultEp;
    expect(fault?.badge).toBe((1n << 62n) | 2n);
    expect([10, 11, 12].map((i) => slot(spec, "cnode_monitor", i)?.name)).toEqual([
      "tcb_restarter",
      "tcb_crasher",
      "tcb_hello",
    ]);
  });

  it("memory regions: frames with paddr and prefill, maps with rights, IRQ handlers at 138+id, patched setvars", () => {
    const sys = parse(`<system>
  <memory_region name="dev" size="0x2000" phys_addr="0x10000000"/>
  <memory_region name="big" size="0x200000" page_size="0x200000"/>
  <protection_domain name="drv" priority="10" budget="500" period="2000">
    <program_image path="drv.ts"/>
    <map mr="dev" vaddr="0x4000000" perms="r" cached="false" setvar_vaddr="regs"/>
    <map mr="big" vaddr="0x10000000" perms="rw"/>
    <irq irq="10" id="3" trigger="edge"/>
  </protection_domain>
</system>`);
    const { spec } = buildMicrokit(sys);
    const dev = spec.objects.filter((o) => o.name.startsWith("mr_dev_"));
    expect(dev.map((o) => o.paddr)).toEqual([0x10000000n, 0x10001000n]);
    expect(spec.objects.find((o) => o.name === "mr_big_000000000")?.sizeBits).toBe(21);
    expect(slot(spec, "cnode_drv", 141)?.name).toBe("irq_10_drv");
    const irq = spec.objects[spec.irqs.get(10) ?? -1];
    expect(irq.irq?.trigger).toBe("edge");
    expect(irq.irq?.notification?.badge).toBe(1n << 3n);
    expect(spec.objects.find((o) => o.name === "sched_context_drv")?.sc).toEqual({
      budget: 500n,
      period: 2000n,
      badge: 0x100n,
    });
    // paddr objects are allocated first, in address order
    expect(spec.objects[spec.allocationOrder[0]].name).toBe("mr_dev_000000000");
    const page = patchedSymbols(sys, sys.protectionDomains[0]);
    // A zero word first (never valid code), then the name, flags, bitmaps and setvars.
    expect(new DataView(page.buffer).getUint32(0, true)).toBe(0);
    expect(new TextDecoder().decode(page.subarray(8, 11))).toBe("drv");
    expect(page[80]).toBe(1 << 3); // microkit_irqs
    expect(new TextDecoder().decode(page.subarray(120, 124))).toBe("regs");
    expect(new DataView(page.buffer).getBigUint64(120 + 32, true)).toBe(0x4000000n);
    const text = printCapDL(spec);
    expect(text).toContain("mr_dev_000000000 = frame (4k, paddr: 0x10000000)");
    expect(text).toContain("mr_dev_000000000 (R, uncached)");
    expect(text).toContain("irq maps {\n  10: irq_10_drv\n}");
  });

  it("capDL text: arch, objects, caps and irq maps sections", () => {
    const text = printCapDL(buildMicrokit(load("passive_server")).spec);
    expect(text.startsWith("arch riscv\n\nobjects {\n")).toBe(true);
    expect(text).toContain("  sched_context_server = sc (period: 1000, budget: 1000, data: 0x100, 8 bits)");
    expect(text).toContain("  cnode_server = cnode (9 bits)");
    expect(text).toContain("    74: ep_server (RWGP, badge: 0x8000000000000000)");
    expect(text).toContain("    0: cnode_client (guard: 0x0, guard_size: 49)");
    expect(text).toContain("\ncaps {\n");
    expect(text).toContain("\nirq maps {\n}\n");
  });
});
