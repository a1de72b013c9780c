// Property test: VSpaces (Kernel III). The world of property-threads.test.ts, weighted to memory
// management: the root makes VSpace roots (PageTable objects assigned an ASID from its own pool or
// from new pools it makes), maps page tables and frames into them and into its own VSpace with
// random rights, attributes and addresses (biased to the first pages of a few 2 MiB regions: free
// pages under the root's boot tables, regions that need one or two new tables, the top of the user
// range; plus misaligned, out-of-range and kernel addresses), remaps, unmaps and deletes frames
// and tables (fresh tables replace mapped ones), deletes VSpace roots and ASID pools under running
// threads, revokes the untyped everything came from, and starts threads in those VSpaces (IPC
// buffer in a frame mapped there, sometimes read-only, sometimes shared with another VSpace) whose
// programs read and write the mapped and unmapped pages among their IPC. VM faults go to a fault
// handler or leave the thread Inactive. The kernel's invariant checker, with its page-table walk,
// runs after every kernel entry.
//
// Properties: no JavaScript exception escapes the kernel, the invariants hold after every entry,
// and every invocation the root makes with seL4_Call is answered with an seL4_Error (0..10).
//
// The property has teeth: with unmapPage's PTE store removed in a scratch copy of the tree (never
// committed), both tests fail on their first run ("ASID 2 vaddr 0x100000 ...: maps ... but no
// frame cap records this mapping").

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCALE, SEED } from "./fuzz-commands.ts";
import { checkWorldAnswers, runWorld } from "./property-world.ts";
import { VM_MIX, worldCommands } from "./property-world-scenarios.ts";

/**
 * Report a failure (shrunk as far as time allows) before vitest's own timeout would hide it. A
 * longer campaign (SEL4TS_FUZZ_SCALE > 1) needs a longer vitest timeout too: --testTimeout=...
 */
const TIME_LIMIT = 45_000;

function property(min: number, max: number, seed: number, numRuns: number): Map<string, number> {
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(worldCommands(VM_MIX, min, max), (cmds) => {
      const out = runWorld(cmds);
      checkWorldAnswers(cmds, out);
      for (const [k, v] of out.stats) seen.set(k, (seen.get(k) ?? 0) + v);
    }),
    { seed, numRuns, interruptAfterTimeLimit: TIME_LIMIT * SCALE },
  );
  return seen;
}

describe("property: random mapping across several VSpaces keeps the kernel consistent", () => {
  it("PROP no kernel exception, invariants after every entry, every root Call answered with an seL4_Error (50 x <= 35 commands)", () => {
    const seen = property(10, 35, SEED + 3, 50 * SCALE);
    const root = [
      "Assign",
      "MakePool",
      "MapPT",
      "UnmapPT",
      "Map",
      "Unmap",
      "GetAddress",
      "Delete",
      "Revoke",
      "RevokeUT",
      "Copy",
    ];
    for (const op of root) expect(seen.get(`root ${op}`) ?? 0, `root ${op}`).toBeGreaterThan(0);
    for (const op of ["Read", "Write", "Call", "ReplyRecv"])
      expect(seen.get(`thread ${op}`) ?? 0, `thread ${op}`).toBeGreaterThan(0);
    expect(seen.get("unhandled vm fault") ?? 0).toBeGreaterThan(0);
    expect(seen.get("received vm fault") ?? 0).toBeGreaterThan(0);
  });

  it("PROP the same over long runs (4 x 100..140 commands)", () => {
    const seen = property(100, 140, SEED + 5, 4 * SCALE);
    expect(seen.get("root Map") ?? 0).toBeGreaterThan(0);
  });
});
