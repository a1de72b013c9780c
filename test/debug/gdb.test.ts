// The GDB server end to end: Debian's gdb-multiarch in batch mode against `sel4ts run --gdb` on
// the C Microkit examples (built with -g). Skipped when gdb-multiarch is not installed.

import { describe, expect, it } from "vitest";
import { debugSession, haveGdb, printed } from "./gdb-session.ts";

describe.skipIf(!haveGdb)("gdb-multiarch against sel4ts --gdb", () => {
  it("stops in a PD's protected, lists every PD by name, symbolises the stack, steps and steps back", async () => {
    const s = await debugSession("examples/microkit-c/passive_server.system", [
      "file examples/microkit-c/server.elf",
      "monitor focus server",
      "break protected",
      "continue",
      "info threads",
      "bt",
      "p $pc",
      "p $sp",
      "p/x *(unsigned long *)$sp",
      "stepi",
      "p $pc",
      "reverse-stepi",
      "p $pc",
      "p $sp",
      "p/x *(unsigned long *)$sp",
      "next",
      "monitor threads",
      "kill",
    ]);
    const out = s.gdb;
    expect(out).toMatch(/hit Breakpoint 1(\.\d+)?, protected \(ch=0, msginfo=/);
    for (const pd of ["client", "server", "monitor"]) expect(out).toMatch(new RegExp(`Thread \\d+ "${pd}"`));
    expect(out).toMatch(/#0 +protected \(.*server\.c:\d+/);
    expect(out).toMatch(/#1 .* in event_loop \(\) at .*main\.c:\d+/);
    // stepi moved; reverse-stepi is back at the same instruction with the same sp and memory.
    expect(printed(out, 4)).not.toBe(printed(out, 1));
    expect(printed(out, 5)).toBe(printed(out, 1));
    expect(printed(out, 6)).toBe(printed(out, 2));
    expect(printed(out, 7)).toBe(printed(out, 3));
    expect(out).toMatch(/server \[RV64\]: Running/);
    expect(out).toMatch(/client \[RV64\]: BlockedOnReply/);
  }, 120_000);

  it("a watchpoint on shared memory catches the other PD's write; reverse-continue returns to the last hit", async () => {
    const s = await debugSession("examples/microkit-c/shared_memory.system", [
      "file examples/microkit-c/shm_consumer.elf",
      "monitor focus consumer",
      "break notified",
      "continue",
      "p received",
      "watch -l ((struct shm *)buffer)->seq",
      "continue",
      "info threads",
      "delete 2",
      "continue",
      "p received",
      "reverse-continue",
      "p received",
      "kill",
    ]);
    const out = s.gdb;
    expect(printed(out, 1)).toBe("0");
    expect(out).toMatch(
      /watchpoint 2: -location \(\(struct shm \*\)buffer\)->seq\s+Old value = 1\s+New value = 2/,
    );
    expect(out).toMatch(/\* \d+ +Thread \d+ "producer"/);
    // Second hit of notified: the first message was received; back at the first hit it was not.
    expect(printed(out, 2)).toBe("1");
    expect(printed(out, 3)).toBe("0");
    expect(s.console).toContain("consumer: 1: 'message 1'");
  }, 120_000);

  it("reverse-continue stops at the last watchpoint hit as well as at breakpoints", async () => {
    const s = await debugSession("examples/microkit-c/shared_memory.system", [
      "file examples/microkit-c/shm_consumer.elf",
      "monitor focus consumer",
      "break notified",
      "continue",
      "watch -l ((struct shm *)buffer)->seq",
      "continue",
      "continue",
      "p ((struct shm *)buffer)->seq",
      "reverse-continue",
      "p ((struct shm *)buffer)->seq",
      "info threads",
      "reverse-continue",
      "p ((struct shm *)buffer)->seq",
      "kill",
    ]);
    const out = s.gdb;
    // Forward: the producer's write of 2 is caught, then the consumer's second notified.
    expect(out).toMatch(/Old value = 1\s+New value = 2/);
    expect(printed(out, 1)).toBe("2");
    // Backward from there: first the producer's write (undone: 2 back to 1), then the breakpoint.
    expect(out).toMatch(/Thread \d+ "producer" hit Hardware watchpoint 2[^]*Old value = 2\s+New value = 1/);
    expect(printed(out, 2)).toBe("1");
    expect(out).toMatch(/\* \d+ +Thread \d+ "producer"/);
    expect(out).toMatch(/Thread \d+ "consumer" hit Breakpoint 1, notified[^]*\$3 = 1/);
  }, 120_000);

  it("with frequent snapshots, going back and forth through a Microkit system is the same run", async () => {
    const s = await debugSession("examples/microkit-c/shared_memory.system", [
      "file examples/microkit-c/shm_consumer.elf",
      "monitor focus consumer",
      "monitor snapshot-every 50",
      "break notified",
      "continue",
      "continue",
      "p received",
      "monitor time",
      "p $pc",
      "stepi",
      "reverse-stepi",
      "p $pc",
      "reverse-continue",
      "p received",
      "monitor time",
      "continue",
      "p received",
      "continue",
      "p received",
      "kill",
    ]);
    const out = s.gdb;
    expect(out).toMatch(/a snapshot every 50 instructions/);
    expect(printed(out, 1)).toBe("1");
    const snaps = [...out.matchAll(/position (\d+); (\d+) snapshots \(every \d+ instructions/g)];
    expect(Number(snaps[0][2])).toBeGreaterThan(5);
    // Gone back through a snapshot (a replay from boot would have dropped them all).
    expect(Number(snaps[1][1])).toBeLessThan(Number(snaps[0][1]));
    expect(Number(snaps[1][2])).toBeGreaterThan(1);
    expect(printed(out, 3)).toBe(printed(out, 2));
    // Back to the first hit, then forward again through the same hits.
    expect(printed(out, 4)).toBe("0");
    expect(printed(out, 5)).toBe("1");
    expect(printed(out, 6)).toBe("2");
    expect(s.console).toContain("consumer: 2: 'message 2'");
  }, 120_000);
});
