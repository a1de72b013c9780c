// Property test on a 4-core kernel: the random IPC worlds of property-threads.test.ts with their
// SCs spread over the four cores (SCConfigure takes each core's SchedControl cap in turn), so that
// threads block, wake, donate, get suspended, deleted and reconfigured across cores while harts
// take turns. The kernel's invariant checker (every core's state, affinity of queued and running
// threads, no thread running on two cores) runs after every kernel entry.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCALE, SEED } from "./fuzz-commands.ts";
import { checkWorldAnswers, runWorld } from "./property-world.ts";
import { IPC_MIX, worldCommands } from "./property-world-scenarios.ts";

describe("property: random multicore systems keep the kernel consistent", () => {
  it("PROP no kernel exception, invariants on every core after every entry, every root Call answered (4 cores, 10 x <= 30 commands)", () => {
    let configured = 0;
    fc.assert(
      fc.property(worldCommands(IPC_MIX, 10, 30), (cmds) => {
        const out = runWorld(cmds, { numNodes: 4 });
        checkWorldAnswers(cmds, out);
        configured += cmds.filter((c) => c.op === "SCConfigure").length;
      }),
      { seed: SEED + 16, numRuns: 10 * SCALE, interruptAfterTimeLimit: 45_000 * SCALE },
    );
    expect(configured).toBeGreaterThan(0);
  });
});
