// The syscall fuzzer (fuzz/): short campaigns pass with the invariant checker after every kernel
// entry and are deterministic; and the fuzzer has teeth. For the duration of a test, a kernel bug
// is planted through the onSystem hook: a wrapper around the kernel's syscall entry undoes part of
// what the kernel just did, exactly as the buggy kernel would have left it (nothing is committed,
// and the kernel's own code is untouched). A campaign must report the failure with its seed, and
// the failing decision list must shrink to a shorter one that still fails.

import { describe, expect, it } from "vitest";
import { type CampaignResult, failureSignature, runCampaign } from "../../fuzz/campaign.ts";
import { shrink } from "../../fuzz/shrink.ts";
import { cancelKeepsNotificationWaiter, type Plant, retypeKeepsWatermark } from "../../fuzz/plants.ts";

describe("the syscall fuzzer", () => {
  it.each([7, 11])("runs a short campaign with seed %i without a failure", (seed) => {
    const r = runCampaign({ seed, syscalls: 1200 });
    expect(r.failure, r.failure?.message).toBeNull();
    expect(r.syscalls).toBe(1200);
    // The campaign reaches the kernel's error paths and its success paths.
    expect(r.errors.get(0) ?? 0).toBeGreaterThan(100);
    expect(r.errors.size).toBeGreaterThan(6);
  });

  it("is deterministic: the same seed gives the same run, and its replay too", () => {
    const a = runCampaign({ seed: 5, syscalls: 500 });
    const b = runCampaign({ seed: 5, syscalls: 500 });
    const c = runCampaign({ seed: 5, syscalls: 500, replay: a.decisions });
    for (const x of [b, c]) {
      expect(x.kernelEntries).toBe(a.kernelEntries);
      expect(x.ticks).toBe(a.ticks);
      expect([...x.errors]).toEqual([...a.errors]);
      expect(x.takenBy).toEqual(a.takenBy);
    }
  });

  const catches = (what: string, plant: Plant, expected: RegExp): void => {
    it(`FUZZER catches a planted kernel bug: ${what}`, () => {
      let found: CampaignResult | null = null;
      for (const seed of [1, 2, 3]) {
        const r = runCampaign({ seed, syscalls: 3000, onSystem: plant });
        if (r.failure !== null) {
          found = r;
          break;
        }
      }
      expect(found, "no campaign found the planted bug").not.toBeNull();
      if (found === null || found.failure === null) return;
      expect(found.failure.kind).toBe("invariant");
      expect(found.failure.message).toMatch(expected);
      // The reproducer: a replay of the decisions fails the same way, and shrinks.
      const s = shrink({
        seed: found.seed,
        decisions: found.decisions.slice(0, found.failure.at),
        signature: failureSignature(found.failure),
        onSystem: plant,
        maxRuns: 5,
        maxMs: 60_000, // maxRuns bounds it: no wall-clock budget, so the result is the same on a loaded machine
      });
      expect(s).not.toBeNull();
      expect(s?.decisions.length ?? Infinity).toBeLessThan(found.failure.at);
      expect(s?.result.failure?.message).toMatch(expected);
    });
  };
  catches("Untyped_Retype does not raise the watermark", retypeKeepsWatermark, /above the watermark/);
  catches(
    "a suspended or restarted thread stays queued on its notification",
    cancelKeepsNotificationWaiter,
    /(notification at 0x[0-9a-f]+ queues thread "[^"]*" in state [02])|(queued on an object it is not blocked on)/,
  );
});
