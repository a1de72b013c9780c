// Exit codes give a verdict (README "Exit codes"): 0 for a clean run (also with a fault, by
// default, as the contract says of a system that goes idle), and with --fail-on-fault /
// --fail-on-timeout the distinct codes CI can act on.

import { describe, expect, it } from "vitest";
import { EXAMPLES, FIX, sel4ts } from "./cli.ts";

describe("exit codes", () => {
  it("a fault no handler took: exit 0 by default, 4 with --fail-on-fault, reported on stderr", async () => {
    const a = await sel4ts(["boot", `${FIX}/fault-root.ts`]);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain("Found thread has no fault handler");
    // The TS program's own line: the yield* of the seL4_Call that faulted.
    expect(a.stderr).toContain(`sel4ts: the fault is at default (${FIX}/fault-root.ts:5:`);
    const b = await sel4ts(["boot", `${FIX}/fault-root.ts`, "--fail-on-fault"]);
    expect(b.code).toBe(4);
  });

  it("an exception in a TS program: exit 5 with --fail-on-fault, the user's frames only", async () => {
    const r = await sel4ts(["boot", `${FIX}/throw-root.ts`, "--fail-on-fault"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`threw RangeError: nothing to parse\n    at parse (${FIX}/throw-root.ts:3:`);
    expect(r.stderr).not.toMatch(/\/src\/(system|user|cli)\//);
  });

  it("--max-time: exit 0, or 6 with --fail-on-timeout", async () => {
    const a = await sel4ts(["boot", `${FIX}/spin-root.ts`, "--max-time", "1ms"]);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/max-time after 1\.000 ms simulated/);
    const b = await sel4ts(["boot", `${FIX}/spin-root.ts`, "--max-time", "1ms", "--fail-on-timeout"]);
    expect(b.code).toBe(6);
  });

  it("bad input exits 1, a bad command line 2", async () => {
    expect((await sel4ts(["run", `${FIX}/noinit.system`])).code).toBe(1);
    expect((await sel4ts(["boot", `${FIX}/no-such-file.ts`])).code).toBe(1);
    expect((await sel4ts(["boot"])).code).toBe(2);
    expect((await sel4ts(["run", `${EXAMPLES}/microkit/hello.system`, "--halt"])).code).toBe(2);
  });
});
