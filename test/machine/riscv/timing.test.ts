// The time model: every instruction charges cyclesPerInstruction cycles of the 1 GHz core, so
// timer interrupts preempt emulated code at exact, reproducible instruction counts.

import { describe, expect, it } from "vitest";
import { runElf } from "./harness.ts";

const FOREVER = { count: 2n ** 62n, passes: 0n };

describe("RV64 time model", () => {
  it("a spinning root task is preempted by its 5 ms timeslice, deterministically", () => {
    const a = runElf("loop", { maxTicks: 200_000 }, FOREVER);
    const b = runElf("loop", { maxTicks: 200_000 }, FOREVER);
    expect(a.result.reason).toBe("max-time");
    // 20 ms simulated: the timeslice timer fired (and was handled) several times.
    expect(a.result.kernelEntries).toBeGreaterThanOrEqual(4);
    expect(a.sys.rv.hart.instret).toBe(b.sys.rv.hart.instret);
    expect(a.result).toEqual(b.result);
    // 1 cycle an instruction at 100 cycles a tick: nearly all of the 20 ms went to the loop.
    const ins = a.sys.rv.hart.instret;
    expect(ins).toBeGreaterThan(200_000 * 100 * 0.99);
    expect(ins).toBeLessThanOrEqual(200_000 * 100);
  });

  it("more cycles per instruction, fewer instructions in the same time", () => {
    const one = runElf("loop", { maxTicks: 100_000 }, FOREVER);
    const four = runElf("loop", { maxTicks: 100_000, hart: { cyclesPerInstruction: 4 } }, FOREVER);
    const r = one.sys.rv.hart.instret / four.sys.rv.hart.instret;
    expect(r).toBeGreaterThan(3.9);
    expect(r).toBeLessThan(4.1);
  });

  it("the interrupt is taken at the first instruction boundary at or after the deadline", () => {
    const a = runElf("loop", { maxTicks: 60_000 }, FOREVER);
    const clock = a.sys.machine.clock;
    // The run stopped at the time limit exactly at a tick boundary reached by whole instructions.
    expect(clock.now).toBe(60_000);
    expect(clock.remainder).toBeLessThan(100);
  });
});
