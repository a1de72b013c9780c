// Normal runs (no invariant checker, no tracer) may take faster routes through the run loop and
// the engines than checked runs do. They must not be observable: every example, root task and
// Microkit system, prints the same bytes and ends at the same simulated time after the same
// number of kernel entries either way.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import type { seL4_BootInfo } from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import { ipcLoop, mixedLoad } from "./fast-route-programs.ts";

const EX = resolve(import.meta.dirname, "../../examples");
let runs = 0;

interface Outcome {
  out: string;
  reason: string;
  ticks: number;
  entries: number;
}

async function system(dir: string, name: string, check: boolean, maxTicks: number): Promise<Outcome> {
  const file = resolve(EX, dir, `${name}.system`);
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  const fresh = `?run=${++runs}`; // PD programs keep module state: a fresh instance per run
  for (const pd of r.system.protectionDomains) {
    const path = resolve(dirname(file), pd.programImage.path);
    if (path.endsWith(".elf")) elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(path))));
    else
      programs.set(
        pd.name,
        microkitProgramOf((await import(pathToFileURL(path).href + fresh)) as Record<string, unknown>),
      );
  }
  const bytes: number[] = [];
  const { result } = runMicrokit(
    r.system,
    programs,
    { checkInvariants: check, maxTicks, onConsole: (b) => bytes.push(b) },
    elfs,
  );
  return {
    out: Buffer.from(bytes).toString("latin1"),
    reason: result.reason,
    ticks: result.ticks,
    entries: result.kernelEntries,
  };
}

function root(main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>, check: boolean): Outcome {
  const r = runRoot(main, { checkInvariants: check, maxTicks: 50_000_000 });
  return { out: r.out, reason: r.result.reason, ticks: r.result.ticks, entries: r.result.kernelEntries };
}

describe("fast routes are invisible", () => {
  const roots = readdirSync(EX).filter((f) => f.endsWith(".ts"));
  for (const f of roots) {
    it(`examples/${f}: the same with and without the checker`, async () => {
      const mod = (await import(resolve(EX, f))) as { default: Parameters<typeof runRoot>[0] };
      expect(root(mod.default, false)).toEqual(root(mod.default, true));
    });
  }

  it("an IPC ping-pong between VSpaces, with timer preemption: the same with and without the checker", () => {
    expect(root(ipcLoop, false)).toEqual(root(ipcLoop, true));
  });

  it("busy threads, notifications and IPC under sporadic SCs: the same with and without the checker", () => {
    expect(root(mixedLoad, false)).toEqual(root(mixedLoad, true));
  });

  const systems: [string, string, number][] = [
    ["microkit", "hello", 10_000_000],
    ["microkit", "passive_server", 10_000_000],
    ["microkit", "hierarchy", 10_000_000],
    ["microkit", "shared_memory", 10_000_000],
    ["microkit", "spsc", 10_000_000],
    ["microkit", "timer", 30_000_000],
    ["microkit-c", "mixed", 10_000_000],
    ["microkit-c", "hierarchy", 10_000_000],
  ];
  for (const [dir, name, ticks] of systems) {
    it(`${dir}/${name}.system: the same with and without the checker`, async () => {
      const a = await system(dir, name, false, ticks);
      const b = await system(dir, name, true, ticks);
      expect(a.out.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }, 60_000);
  }
});
