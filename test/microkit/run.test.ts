// Microkit systems built from SDF through CapDL and the initialiser, run end to end: the example
// systems in examples/microkit/ print what the real Microkit prints (microkit.md §5.1).

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { microkit_dbg_puts, microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import { sel4ts_write } from "../../src/user/libsel4.ts";

const EX = resolve(import.meta.dirname, "../../examples/microkit");

async function runExample(name: string, maxTicks = 10_000_000): Promise<{ out: string; diags: string[] }> {
  const file = resolve(EX, `${name}.system`);
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  for (const pd of r.system.protectionDomains) {
    const mod = (await import(resolve(dirname(file), pd.programImage.path))) as Record<string, unknown>;
    programs.set(pd.name, microkitProgramOf(mod));
  }
  const bytes: number[] = [];
  const diags: string[] = [];
  const run = runMicrokit(r.system, programs, {
    checkInvariants: true,
    maxTicks,
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diags.push(t),
  });
  expect(run.result.reason, run.result.message).not.toBe("invariant");
  return { out: Buffer.from(bytes).toString("latin1"), diags };
}

describe("sel4ts run: Microkit examples", () => {
  it("hello prints hello, world after the monitor", async () => {
    const { out, diags } = await runExample("hello");
    expect(diags.filter((d) => d.startsWith("user program error"))).toEqual([]);
    expect(out).toBe("MON|INFO: Microkit Monitor started!\nhello, world\n");
  });

  it("passive_server: the server turns passive, then runs on the client's SC", async () => {
    const { out, diags } = await runExample("passive_server");
    expect(diags.filter((d) => d.startsWith("user program error"))).toEqual([]);
    expect(out).toBe(
      "MON|INFO: Microkit Monitor started!\n" +
        "SERVER|INFO: init function running\n" +
        "MON|INFO: PD 'server' is now passive!\n" +
        "CLIENT|INFO: init function running\n" +
        "SERVER|INFO: running on clients scheduling context\n",
    );
  });
});

describe("sel4ts run: hierarchy", () => {
  it("the restarter restarts its crashing child nine times, then stops it; hello runs last", async () => {
    const { out, diags } = await runExample("hierarchy");
    expect(diags.filter((d) => d.startsWith("user program error"))).toEqual([]);
    const block =
      "restarter: received fault message for child pd: 1\nrestarter: restarted\ncrasher, starting\n";
    expect(out).toBe(
      "MON|INFO: Microkit Monitor started!\n" +
        "restarter: starting\n" +
        "crasher, starting\n" +
        block.repeat(9) +
        "restarter: received fault message for child pd: 1\n" +
        "restarter: too many restarts - PD stopped\n" +
        "hello, world\n",
    );
  });
});

describe("sel4ts run: memory regions, setvar, faults", () => {
  it("shared_memory: a region mapped in two PDs at their setvar addresses; notify switches to the higher priority at once", async () => {
    const { out, diags } = await runExample("shared_memory");
    expect(diags.filter((d) => d.startsWith("user program error"))).toEqual([]);
    expect(out).toBe(
      "MON|INFO: Microkit Monitor started!\n" +
        "consumer: buffer mapped at 0x5000000\n" +
        "producer: sending 'hello through shared memory'\n" +
        "consumer: received 'hello through shared memory'\n" +
        "producer: sending 'message 2'\n" +
        "consumer: received 'message 2'\n" +
        "producer: done\n",
    );
  });

  it("a root PD's fault reaches the monitor, which prints it and never replies", () => {
    const r = parseSdf(
      `<system>
  <memory_region name="ro" size="0x1000"/>
  <protection_domain name="writer" priority="5">
    <program_image path="w.ts"/>
    <map mr="ro" vaddr="0x6000000" perms="r"/>
  </protection_domain>
</system>`,
      { file: "t.system" },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const programs = new Map<string, MicrokitProgram>([
      [
        "writer",
        {
          *init() {
            yield* microkit_dbg_puts("writer: writing to a read-only page\n");
            yield* sel4ts_write(0x6000010, 4, 1);
            yield* microkit_dbg_puts("writer: not reached\n");
          },
        },
      ],
    ]);
    const bytes: number[] = [];
    const run = runMicrokit(r.system, programs, {
      checkInvariants: true,
      maxTicks: 10_000_000,
      onConsole: (b) => bytes.push(b),
    });
    expect(run.result.reason).not.toBe("invariant");
    const out = Buffer.from(bytes).toString("latin1");
    expect(out).toMatch(
      /^MON\|INFO: Microkit Monitor started!\nwriter: writing to a read-only page\nMON\|ERROR: received message 0x00000006  badge: 0x0000000000000001  tcb cap: 0x000000000000000a\nMON\|ERROR: faulting PD: writer\nRegisters: \npc : 0x/,
    );
    expect(out).toContain("MON|ERROR: VMFault: ip=");
    expect(out).toContain("fault_addr=0x0000000006000010");
    // seL4 reports RISC-V page faults with the access-fault cause (FLT-4), so the monitor says "access".
    expect(out).toContain("MON|ERROR: description of fault: Store/AMO access fault\n");
    expect(out).not.toContain("not reached");
  });
});
