// The microkit-smp spsc example: the spsc producer and consumer on cores 1 and 2 of a 4-core kernel, a hello
// PD on core 3, the monitor on core 0. Same stream as on one core; the same bytes twice.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { microkitKernelConfig, runMicrokit } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";

const FILE = resolve(import.meta.dirname, "../../examples/microkit-smp/spsc.system");

async function run(): Promise<{ out: string; ticks: number; entries: number; reason: string }> {
  const r = parseSdf(readFileSync(FILE, "utf8"), { file: FILE, config: { numCores: 4 } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  for (const pd of r.system.protectionDomains) {
    const mod = (await import(resolve(dirname(FILE), pd.programImage.path))) as Record<string, unknown>;
    programs.set(pd.name, microkitProgramOf(mod));
  }
  const bytes: number[] = [];
  const { result } = runMicrokit(r.system, programs, {
    kernelConfig: microkitKernelConfig(r.system, 4),
    checkInvariants: true,
    maxTicks: 10_000_000,
    onConsole: (b) => bytes.push(b),
  });
  expect(result.reason, result.message).not.toBe("invariant");
  return {
    out: Buffer.from(bytes).toString("latin1"),
    ticks: result.ticks,
    entries: result.kernelEntries,
    reason: result.reason,
  };
}

describe("example: microkit-smp/spsc (PDs on 4 cores)", () => {
  it("passes the whole stream between cores 1 and 2, deterministically", async () => {
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    expect(a.reason).toBe("idle");
    // The stream's lines, as on one core (the first lines of three cores interleave by character).
    const tail = a.out.slice(a.out.indexOf("producer: batch 0 queued"));
    expect(tail).toContain("consumer: batch 3 received: 20 items, checksum 0xfdf2839b\n");
    expect(tail).toContain("consumer: end of stream: 4 batches, 40 items (all there)\n");
    for (const s of ["hello, world\n", "MON|INFO: Mi", "producer: sending 4 batch"])
      expect(a.out).toContain(s);
  });

  it("is rejected on a 1-core kernel: cpu core must be less than 1", () => {
    const r = parseSdf(readFileSync(FILE, "utf8"), { file: FILE });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toContain("cpu core must be less than 1, got 1");
  });
});
