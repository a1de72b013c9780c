// A TypeScript program that computes without a system call cannot be interrupted from inside: the
// CLI supervises the run from another thread. --timeout and Ctrl-C (SIGINT) stop it with the
// output printed so far intact, name the thread that was running and how long it had gone without
// entering the kernel. Console bytes reach stdout while the run goes on, not at its end.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateTrace } from "../trace/validate.ts";
import { FIX, sel4ts, start } from "./cli.ts";

/** A trace written for a run ended by force: valid but for the slice of the thread still running. */
function rescuedTrace(path: string, running: string): ReturnType<typeof validateTrace>["trace"] {
  const text = readFileSync(path, "utf8");
  const { problems, trace } = validateTrace(text);
  expect(trace).not.toBeNull();
  const tid = [...(trace?.threadNames ?? [])].find(([, n]) => n === running)?.[0];
  expect(problems).toEqual([`track ${tid}: B without E at the end`]);
  expect((JSON.parse(text) as { otherData: { incomplete?: string } }).otherData.incomplete).toMatch(
    /ended by force/,
  );
  return trace;
}

describe("supervising a run", () => {
  it("--timeout stops a Microkit PD looping without a system call: earlier output intact, exit 124", async () => {
    const r = await sel4ts(["run", `${FIX}/loop.system`, "--timeout", "8s"]);
    expect(r.code).toBe(124);
    expect(r.stdout).toBe("MON|INFO: Microkit Monitor started!\nbefore the loop\n");
    expect(r.stderr).toMatch(
      /--timeout 8s reached: thread "spinner" was running and had not entered the kernel for \d+\.\d s \(wall clock\)/,
    );
    expect(r.stderr).toContain("sel4ts_busy");
  });

  it("Ctrl-C stops a looping root task once its first line is on stdout (streamed, not held back): exit 130", async () => {
    const run = start(["boot", `${FIX}/loop-root.ts`, "--no-stdin"]);
    await run.stdoutHas("root before the loop\n");
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe("root before the loop\n");
    expect(r.stderr).toMatch(/interrupted: thread "rootserver" was running and had not entered the kernel/);
  });

  it("Ctrl-C stops a run that keeps entering the kernel through the run loop: it reports where it stopped", async () => {
    const run = start(["boot", `${FIX}/spin-root.ts`, "--no-stdin"]);
    await run.stdoutHas("spinning\n");
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout.startsWith("spinning\n")).toBe(true);
    expect(r.stderr).toMatch(
      /interrupted: stopped at [\d.]+ ms simulated, \d+ kernel entries; thread "rootserver" was running/,
    );
  });

  it("--timeout with --trace: the trace recorded before the forced end is written", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sel4ts-trace-")), "loop.json");
    const r = await sel4ts(["run", `${FIX}/loop.system`, "--timeout", "8s", "--trace", path]);
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(
      new RegExp(`trace ${path} holds the \\d+ events recorded before the run was ended`),
    );
    const trace = rescuedTrace(path, "spinner");
    // The PD's last kernel entry before its loop: the seL4_DebugPutChar of its line's last byte.
    const names = trace?.events.filter((e) => e.cat === "kernel").map((e) => e.name);
    expect(names).toContain("seL4_DebugPutChar");
  });

  it("Ctrl-C with --trace: the trace recorded before the forced end is written", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sel4ts-trace-")), "loop.json");
    const run = start(["boot", `${FIX}/loop-root.ts`, "--no-stdin", "--trace", path]);
    await run.stdoutHas("root before the loop\n");
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`trace ${path} holds the`);
    rescuedTrace(path, "rootserver");
  });
});
