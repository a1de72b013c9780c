// The multicore Microkit example: a producer on core 1 and a consumer on core 2 of a 4-core kernel
// share an SPSC ring, a starter shares core 0 with the monitor and a reporter has core 3. Its
// TypeScript PDs (examples/microkit-smp) and their C twins (examples/microkit-smp/spsc_c.system,
// run on the RV64 harts) print the same bytes, and each runs the same way twice.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { microkitKernelConfig, runMicrokit } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";

const EX = resolve(import.meta.dirname, "../../examples");
const TS = resolve(EX, "microkit-smp/spsc.system");
const C = resolve(EX, "microkit-smp/spsc_c.system");

const EXPECTED =
  "MON|INFO: Microkit Monitor started!\n" +
  "starter: core 0; producer on core 1, consumer on core 2, reporter on core 3\n" +
  "producer: core 1, sending 4 batches through a queue of 8 slots\n" +
  "consumer: batch 0 received: 5 items, checksum 0x00aa860b\n" +
  "consumer: batch 1 received: 12 items, checksum 0xc0d79f16\n" +
  "consumer: batch 2 received: 3 items, checksum 0x2ba255ca\n" +
  "consumer: batch 3 received: 20 items, checksum 0xfdf2839b\n" +
  "consumer: core 2, end of stream: 4 batches, 40 items (all there)\n" +
  "reporter: core 3, ring tail 41, head 41: empty\n";

let runs = 0;

async function run(
  file: string,
  quantumTicks?: number,
): Promise<{ out: string; ticks: number; entries: number; reason: string }> {
  const r = parseSdf(readFileSync(file, "utf8"), { file, config: { numCores: 4 } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  // Fresh TS modules per run: PDs keep their state in module variables, as C PDs do in globals.
  const fresh = `?run=${++runs}`;
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
    {
      kernelConfig: microkitKernelConfig(r.system, 4),
      checkInvariants: true,
      maxTicks: 10_000_000,
      quantumTicks,
      onConsole: (b) => bytes.push(b),
    },
    elfs,
  );
  expect(result.reason, result.message).not.toBe("invariant");
  return {
    out: Buffer.from(bytes).toString("latin1"),
    ticks: result.ticks,
    entries: result.kernelEntries,
    reason: result.reason,
  };
}

describe("example: spsc on 4 cores, in TypeScript and in C", () => {
  it("the TS PDs pass the whole stream between cores 1 and 2, the same way twice", async () => {
    const a = await run(TS);
    expect(a.out).toBe(EXPECTED);
    expect(a.reason).toBe("idle");
    expect(await run(TS)).toEqual(a);
  }, 60_000);

  it("the C PDs on the RV64 harts print the same bytes, the same way twice", async () => {
    const a = await run(C);
    expect(a.out).toBe(EXPECTED);
    expect(a.reason).toBe("idle");
    expect(await run(C)).toEqual(a);
  }, 60_000);

  it("prints the same whatever the harts' turn length (the cores interleave differently)", async () => {
    for (const q of [1, 7, 1000]) {
      expect((await run(TS, q)).out).toBe(EXPECTED);
      expect((await run(C, q)).out).toBe(EXPECTED);
    }
  }, 120_000);

  it("is rejected on a 1-core kernel: cpu core must be less than 1", () => {
    for (const file of [TS, C]) {
      const r = parseSdf(readFileSync(file, "utf8"), { file });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0].message).toContain("cpu core must be less than 1, got 1");
    }
  });
});
