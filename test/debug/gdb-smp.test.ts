// GDB on a multicore system: Debian's gdb-multiarch in batch mode against the 4-core Microkit C
// example (examples/microkit-smp/spsc_c.system): a breakpoint in the consumer on core 2, every PD of
// every core listed with its core, stepping there and back, a watchpoint on the shared ring caught
// on another core, and a debugged run that prints what the undebugged one prints.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, debugSession, haveGdb, printed } from "./gdb-session.ts";

const SMP = ["run", "examples/microkit-smp/spsc_c.system", "--num-nodes", "4"];

describe.skipIf(!haveGdb)("gdb-multiarch against a 4-core system", () => {
  it("breaks on core 2, lists every core's PDs, steps and steps back, watches the ring across cores; same output", async () => {
    const plain = spawnSync(process.execPath, [join(ROOT, "bin/sel4ts.js"), ...SMP], { cwd: ROOT });
    expect(plain.status).toBe(0);
    const s = await debugSession(SMP, [
      "file examples/microkit-c/smp_consumer.elf",
      "monitor focus consumer",
      "break consume",
      "continue",
      "info threads",
      "bt",
      "p $pc",
      "p $sp",
      "stepi",
      "p $pc",
      "reverse-stepi",
      "p $pc",
      "p $sp",
      "watch -l ((struct spsc_queue *)queue)->tail",
      "continue",
      "info threads",
      "delete",
      "continue",
    ]);
    const out = s.gdb;
    expect(out).toMatch(/Thread \d+ "consumer" hit Breakpoint 1, consume \(/);
    // Every PD, with the core it runs on; the stop is the consumer's, on core 2.
    expect(out).toMatch(/^\* \d+ +Thread \d+ "consumer" \(core 2\) +consume \(/m);
    for (const [pd, core] of [
      ["starter", 0],
      ["producer", 1],
      ["reporter", 3],
      ["monitor", 0],
    ])
      expect(out).toMatch(new RegExp(`Thread \\d+ "${pd}" \\(core ${core}\\)`));
    expect(out).toMatch(/#1 +drain \(\) at .*smp_consumer\.c:\d+/);
    // stepi moved; reverse-stepi is back at the same instruction with the same sp.
    expect(printed(out, 3)).not.toBe(printed(out, 1));
    expect(printed(out, 4)).toBe(printed(out, 1));
    expect(printed(out, 5)).toBe(printed(out, 2));
    // The producer, on core 1, publishes the item the consumer waits for.
    expect(out).toMatch(/Thread \d+ "producer" hit Hardware watchpoint 2: -location/);
    expect(out).toMatch(/^\* \d+ +Thread \d+ "producer" \(core 1\)/m);
    expect(out).toMatch(/exited normally/);
    // Stopped, stepped, stepped back and resumed, the run printed what the undebugged one prints.
    expect(s.console).toBe(plain.stdout.toString());
    expect(s.console).toMatch(/reporter: core 3, ring tail 41, head 41: empty/);
  }, 120_000);
});
