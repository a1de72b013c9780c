// `boot` with stdin a pipe: the run starts at once (it never waits for the end of the input), and
// bytes enter the UART as they arrive, at the system's idle moments (README, "Input").

import { describe, expect, it } from "vitest";
import { EXAMPLES, FIX, start } from "./cli.ts";

describe("stdin as a pipe", () => {
  it("a program that never reads finishes while stdin stays open (`sleep 15 | sel4ts boot …`)", async () => {
    const run = start(["boot", `${EXAMPLES}/hello-root.ts`]);
    const r = await run.done; // stdin is never written nor closed
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("done\n");
  });

  it("a UART driver gets each piece of input as it arrives, before the input ends", async () => {
    const run = start(["boot", `${FIX}/echo-root.ts`]);
    await run.stdoutHas("ready\n");
    run.child.stdin?.write("abc\n");
    await run.stdoutHas("ready\nabc\n");
    run.child.stdin?.end("def\nq");
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ready\nabc\ndef\n");
  });

  it("at the end of the input, a driver still waiting leaves the system idle: the run ends", async () => {
    const run = start(["boot", `${FIX}/echo-root.ts`], { input: "xy" });
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ready\nxy");
    expect(r.stderr).toMatch(/idle after/);
  });
});
