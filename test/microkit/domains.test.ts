// The domain schedule of a Microkit system: the initialiser programs the SDF's schedule through
// DomainSet_ScheduleConfigure / ScheduleSetStart (after index_shift, with the implied end marker)
// on a kernel built with 16 domains, and the domains example time-partitions its PDs.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { domainSchedule } from "../../src/kernel/object/domain.ts";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { printCapDL } from "../../src/capdl/spec.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import type { SdfSystem } from "../../src/microkit/sdf-model.ts";

const EX = resolve(import.meta.dirname, "../../examples/microkit");
const TICKS_PER_MS = 10_000;

function parse(text: string, file = resolve(EX, "inline.system")): SdfSystem {
  const r = parseSdf(text, { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.system;
}

async function programsOf(sys: SdfSystem, dir: string): Promise<Map<string, MicrokitProgram>> {
  const programs = new Map<string, MicrokitProgram>();
  for (const pd of sys.protectionDomains) {
    const mod = (await import(resolve(dir, pd.programImage.path))) as Record<string, unknown>;
    programs.set(pd.name, microkitProgramOf(mod));
  }
  return programs;
}

function runSystem(sys: SdfSystem, programs: Map<string, MicrokitProgram>, ms: number, check = true) {
  const bytes: number[] = [];
  const diags: string[] = [];
  const run = runMicrokit(sys, programs, {
    checkInvariants: check,
    maxTicks: ms * TICKS_PER_MS,
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diags.push(t),
  });
  expect(run.result.reason, run.result.message).not.toBe("invariant");
  expect(diags.filter((d) => /error|initialiser/.test(d))).toEqual([]);
  return { ...run, out: Buffer.from(bytes).toString("latin1") };
}

describe("Microkit domain schedule", () => {
  it("the SDF's entries land at index_shift onwards, durations in ticks, start at shift + start_index", async () => {
    const sys = parse(`<system>
      <domains>
        <domain name="a" id="0" />
        <domain name="b" id="5" />
        <domain_schedule start_index="1" index_shift="10">
          <schedule_entry domain="a" duration="1500 us" />
          <schedule_entry domain="b" duration="12345 ticks" />
        </domain_schedule>
      </domains>
      <protection_domain name="hello" domain="b"><program_image path="hello.ts" /></protection_domain>
    </system>`);
    const run = runSystem(sys, await programsOf(sys, EX), 20);
    const state = run.system.kernel.state;
    expect([state.numDomains, state.numDomainSchedules]).toEqual([16, 100]);
    const d = domainSchedule(state);
    const entry = (i: number) => [d.domain[i], d.durationHi[i] * 2 ** 32 + d.durationLo[i]];
    expect([entry(10), entry(11), entry(12)]).toEqual([
      [0, 15_000],
      [5, 12_345],
      [0, 0],
    ]);
    expect(d.start).toBe(11);
    // hello runs in domain 5, which has the slot at index 11.
    expect(run.out).toContain("hello, world\n");
  });

  it("a system without <domains> runs on the default single-domain kernel", async () => {
    const sys = parse(readFileSync(resolve(EX, "hello.system"), "utf8"));
    const run = runSystem(sys, await programsOf(sys, EX), 10);
    expect(run.system.kernel.state.numDomains).toBe(1);
    expect(run.result.reason).toBe("idle");
  });

  it("sel4ts capdl shows the schedule as capDL comments", () => {
    const sys = parse(readFileSync(resolve(EX, "domains.system"), "utf8"));
    const text = printCapDL(buildMicrokit(sys).spec);
    expect(text).toContain(
      [
        "-- domain schedule: start index 0",
        "--   0: domain 0, duration 60000 ticks",
        "--   1: domain 1, duration 80000 ticks",
        "--   2: domain 2, duration 20000 ticks",
        "--   3: domain 0, duration 0 ticks",
      ].join("\n"),
    );
    expect(text).toMatch(/tcb_collector = tcb \(.*dom: 2\)/);
  });
});

describe("example: domains", () => {
  it("the collector runs only in its 2 ms slots: one wake-up (and the merged signals) per 16 ms cycle", async () => {
    const file = resolve(EX, "domains.system");
    const sys = parse(readFileSync(file, "utf8"), file);
    const programs = await programsOf(sys, dirname(file));
    // 100,000 notifications: the invariant checker after each would take minutes.
    const a = runSystem(sys, programs, 200, false);
    const b = runSystem(sys, programs, 200, false);
    expect(b.out).toBe(a.out);
    expect(b.result.kernelEntries).toBe(a.result.kernelEntries);
    // The emitter needs about 5 of its 8 ms slots; each collector slot in between sees the
    // signal that woke it, then the ones merged while it waited for its turn.
    const cycle = "emitter: still emitting events...\n".repeat(2) + "collector: Got an event\n".repeat(2);
    expect(a.out).toBe(
      "MON|INFO: Microkit Monitor started!\n" +
        "emitter: starting to emit events...\n" +
        "emitter: still emitting events...\n" +
        "collector: Waiting for an event\n" +
        "collector: Got an event\n" +
        cycle.repeat(4) +
        "emitter: still emitting events...\n" +
        "emitter: done emitting events\n" +
        "collector: Got an event\n".repeat(2),
    );
    // Domains switch forever, so the run only ends at the time limit.
    expect(a.result.reason).toBe("max-time");
  });
});
