#!/usr/bin/env node
// The sel4ts command. `boot` and `run` run in a supervised worker thread (src/cli/supervise.js):
// this thread then loads no TypeScript at all. Every other command runs here, with TypeScript
// sources (ours and the user's programs) loaded without a build step: tsx's loader is registered
// first, and `sel4ts/...` imports resolve to this package wherever the program lives.
import { register } from "node:module";
import { SUPERVISED, supervise } from "../src/cli/supervise.js";

const argv = process.argv.slice(2);
if (argv[0] !== undefined && SUPERVISED.includes(argv[0])) {
  process.exitCode = await supervise(argv);
} else {
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  register("./resolve-hooks.js", import.meta.url);
  const { main } = await import("../src/cli/main.ts");
  process.exitCode = await main(argv);
}
