// Every sel4ts command, in the order `sel4ts --help` lists them. A new command is one file under
// src/cli/ exporting a Command (options.ts), and one line here.

import { bootCommand } from "./cmd-boot.ts";
import { capdlCommand } from "./cmd-capdl.ts";
import { checkCommand } from "./cmd-check.ts";
import { capsCommand, graphCommand } from "./cmd-graph.ts";
import { runCommand } from "./cmd-run.ts";
import { conformanceCommand } from "./conformance.ts";
import type { Command } from "./options.ts";

export const commands: Command[] = [
  bootCommand,
  runCommand,
  checkCommand,
  capdlCommand,
  graphCommand,
  capsCommand,
  conformanceCommand,
];
