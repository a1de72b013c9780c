// The timer example (a driver PD for the Goldfish RTC: a fixed-physical-address device region and
// an IRQ) and the spsc example (a LionsOS-style queue in shared memory): exact output, a clean end,
// and the same bytes, time and kernel entries on a second run.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";

const EX = resolve(import.meta.dirname, "../../examples/microkit");

interface Outcome {
  out: string;
  reason: string;
  ticks: number;
  entries: number;
  diags: string[];
}

async function run(name: string, maxTicks: number): Promise<Outcome> {
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
  const { result } = runMicrokit(r.system, programs, {
    checkInvariants: true,
    maxTicks,
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diags.push(t),
  });
  expect(result.reason, result.message).not.toBe("invariant");
  return {
    out: Buffer.from(bytes).toString("latin1"),
    reason: result.reason,
    ticks: result.ticks,
    entries: result.kernelEntries,
    diags,
  };
}

async function runTwice(name: string, maxTicks: number): Promise<Outcome> {
  const a = await run(name, maxTicks);
  const b = await run(name, maxTicks);
  expect(b.out).toBe(a.out);
  expect(b.ticks).toBe(a.ticks);
  expect(b.entries).toBe(a.entries);
  expect(a.diags.filter((d) => d.startsWith("user program error"))).toEqual([]);
  return a;
}

describe("example: timer", () => {
  it("the driver takes an RTC alarm at each whole second, acks it and notifies its client; five, then idle", async () => {
    // 10 s of simulated time at most: the run ends on its own after 5 s.
    const r = await runTwice("timer", 100_000_000);
    let expected =
      "MON|INFO: Microkit Monitor started!\n" +
      "TIMER: Goldfish RTC driver started, registers at 0x101000 mapped at 0x2000000\n" +
      "CLIENT: setting a timeout for the next whole second\n";
    for (let i = 1; i <= 5; i++) {
      expected +=
        `TIMER: got a timeout! Current time is ${i}000 ms\n` +
        `CLIENT: timeout ${i} for ${i}000 ms, arrived at ${i}000 ms\n`;
    }
    expect(r.out).toBe(expected + "CLIENT: done\n");
    expect(r.reason).toBe("idle");
    // Idle from the last alarm on: the run ends just after 5 s.
    expect(r.ticks).toBeGreaterThanOrEqual(50_000_000);
    expect(r.ticks).toBeLessThan(50_010_000);
  });

  it("under a shorter time limit it stops at the limit", async () => {
    const r = await run("timer", 25_000_000);
    expect(r.reason).toBe("max-time");
    expect(r.out).toContain("CLIENT: timeout 2 for 2000 ms");
    expect(r.out).not.toContain("timeout 3");
  });
});

describe("example: spsc", () => {
  it("four batches pass through an 8-slot ring with checksums matching on both sides", async () => {
    const r = await runTwice("spsc", 10_000_000);
    expect(r.reason).toBe("idle");
    expect(r.out).toBe(
      "MON|INFO: Microkit Monitor started!\n" +
        "producer: sending 4 batches through a queue of 8 slots\n" +
        "producer: batch 0 queued: 5 items, checksum 0x00aa860b\n" +
        "producer: queue full, waiting\n" +
        "consumer: batch 0 received: 5 items, checksum 0x00aa860b\n" +
        "consumer: drained 8 items\n" +
        "producer: queue full, waiting\n" +
        "consumer: drained 8 items\n" +
        "producer: batch 1 queued: 12 items, checksum 0xc0d79f16\n" +
        "producer: batch 2 queued: 3 items, checksum 0x2ba255ca\n" +
        "producer: queue full, waiting\n" +
        "consumer: batch 1 received: 12 items, checksum 0xc0d79f16\n" +
        "consumer: batch 2 received: 3 items, checksum 0x2ba255ca\n" +
        "consumer: drained 8 items\n" +
        "producer: queue full, waiting\n" +
        "consumer: drained 8 items\n" +
        "producer: batch 3 queued: 20 items, checksum 0xfdf2839b\n" +
        "producer: queue full, waiting\n" +
        "consumer: batch 3 received: 20 items, checksum 0xfdf2839b\n" +
        "consumer: drained 8 items\n" +
        "producer: end of stream after 40 items\n" +
        "consumer: end of stream: 4 batches, 40 items (all there)\n" +
        "consumer: drained 1 item\n",
    );
  });
});
