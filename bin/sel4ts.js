#!/usr/bin/env node
// The sel4ts command. TypeScript sources (ours and the user's programs) run without a build
// step: tsx's loader is registered before the CLI module is imported, and `sel4ts/...` imports
// resolve to this package wherever the program lives.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
register("./resolve-hooks.js", import.meta.url);
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2), { supervise: true });
