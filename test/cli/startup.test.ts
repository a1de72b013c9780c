// The sel4ts command's own thread loads no TypeScript when it supervises a run: `boot` and `run`
// go to a worker (the only thread paying for the TypeScript loader), every other command runs in
// the CLI's thread. The list bin/sel4ts.js dispatches on must be the commands that run a
// simulation, or a run would go unsupervised (no --timeout, no Ctrl-C report).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands.ts";
import { SUPERVISED } from "../../src/cli/supervise.js";
import { ROOT } from "./cli.ts";

describe("start-up", () => {
  it("the supervised commands are exactly those that run a simulation", () => {
    expect([...SUPERVISED].sort()).toEqual(
      commands
        .filter((c) => c.execute !== undefined)
        .map((c) => c.name)
        .sort(),
    );
  });

  it("the supervising thread's modules import no TypeScript file", () => {
    for (const f of [
      "bin/sel4ts.js",
      "src/cli/supervise.js",
      "src/cli/channel.js",
      "src/cli/trace-rescue.js",
    ]) {
      const src = readFileSync(`${ROOT}/${f}`, "utf8");
      const staticTs = [...src.matchAll(/^import [^;]*from "([^"]+)";/gm)]
        .map((m) => m[1])
        .filter((p) => p.endsWith(".ts"));
      expect(staticTs, f).toEqual([]);
    }
  });
});
