// `boot --record` / `--replay`: piped UART input arrives whenever the host delivers it; the
// recording keeps what each idle moment received, so the replay is the same run byte for byte.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIX, sel4ts, start } from "./cli.ts";

describe("record and replay of UART input", () => {
  it("a replay writes the same console bytes and the same trace as the recorded run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sel4ts-rec-"));
    const rec = join(dir, "run.rec");
    const t1 = join(dir, "t1.json");
    const t2 = join(dir, "t2.json");
    const run = start(["boot", `${FIX}/echo-root.ts`, "--record", rec, "--trace", t1]);
    await run.stdoutHas("ready\n");
    run.child.stdin?.write("abc\n");
    await run.stdoutHas("ready\nabc\n");
    run.child.stdin?.end("def\nq");
    const r1 = await run.done;
    expect(r1.code).toBe(0);
    expect(r1.stdout).toBe("ready\nabc\ndef\n");
    const r2 = await sel4ts(["boot", `${FIX}/echo-root.ts`, "--replay", rec, "--trace", t2]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toBe(r1.stdout);
    expect(readFileSync(t2)).toEqual(readFileSync(t1));
    expect(r2.stderr).toBe(r1.stderr);
  }, 60_000);

  it("run --record / --replay: a Microkit PD driving the UART replays byte for byte, trace included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sel4ts-rec-"));
    const rec = join(dir, "run.rec");
    const t1 = join(dir, "t1.json");
    const t2 = join(dir, "t2.json");
    const run = start(["run", `${FIX}/echo.system`, "--record", rec, "--trace", t1]);
    await run.stdoutHas("echo: ready\n");
    run.child.stdin?.write("abc\n");
    await run.stdoutHas("echo: abc (3)\n");
    run.child.stdin?.end("hello\nq");
    const r1 = await run.done;
    expect(r1.code).toBe(0);
    expect(r1.stdout).toContain("echo: ready\necho: abc (3)\necho: hello (5)\necho: bye\n");
    const r2 = await sel4ts(["run", `${FIX}/echo.system`, "--replay", rec, "--trace", t2]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toBe(r1.stdout);
    expect(readFileSync(t2)).toEqual(readFileSync(t1));
    expect(r2.stderr).toBe(r1.stderr);
    // The same bytes all at once are another run (other idle moments), not the recorded one.
    const r3 = await sel4ts(["run", `${FIX}/echo.system`, "--input-text", "abc\nhello\nq", "--trace", t2]);
    expect(r3.stdout).toBe(r1.stdout);
    expect(readFileSync(t2)).not.toEqual(readFileSync(t1));
  }, 120_000);

  it("a recording that is not one is refused", async () => {
    const r = await sel4ts(["boot", `${FIX}/echo-root.ts`, "--replay", `${FIX}/loop.ts`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot read recording|not a sel4ts input recording/);
  });
});
