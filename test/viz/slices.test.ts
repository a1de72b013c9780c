// A run in slices of simulated time (System.run(untilTicks), as the playground's worker runs a
// system) is the same run: the same console bytes, ending at the same time after the same kernel
// entries, as one uninterrupted run, for TS, C and mixed systems.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { microkitKernelConfig, microkitRootTask } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import { System } from "../../src/system/system.ts";

const EX = resolve(import.meta.dirname, "../../examples");
let fresh = 0;

async function runSliced(file: string, slice: number, maxTicks: number): Promise<string> {
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains) {
    const p = resolve(dirname(file), pd.programImage.path);
    if (p.endsWith(".elf")) elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(p))));
    else
      programs.set(
        pd.name,
        microkitProgramOf(
          (await import(`${pathToFileURL(p).href}?slice=${++fresh}`)) as Record<string, unknown>,
        ),
      );
  }
  let out = "";
  const sys = new System({
    kernelConfig: microkitKernelConfig(r.system),
    maxTicks,
    onConsole: (b) => (out += String.fromCharCode(b)),
  });
  sys.boot(microkitRootTask(buildMicrokit(r.system, elfs), r.system, programs));
  for (let until = slice; ; until += slice) {
    const res = sys.run(until);
    if (res.reason !== "max-time" || res.ticks >= maxTicks)
      return `${out}\n${res.reason} ${res.ticks} ${res.kernelEntries}`;
  }
}

describe("System.run in slices", () => {
  it.each([
    "microkit/hierarchy",
    "microkit/timer",
    "microkit/domains",
    "microkit-c/mixed",
    "microkit-c/timer",
  ])("%s: the same run as an uninterrupted one", async (name) => {
    const file = resolve(EX, `${name}.system`);
    const whole = await runSliced(file, Infinity, 30_000_000);
    expect(await runSliced(file, 10_000, 30_000_000)).toBe(whole);
    expect(await runSliced(file, 777, 30_000_000)).toBe(whole);
  });
});
