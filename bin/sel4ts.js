#!/usr/bin/env node
// The sel4ts command. TypeScript sources (ours and the user's programs) run without a build
// step: tsx's loader is registered before the CLI module is imported.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
