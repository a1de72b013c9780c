// `sel4ts graph` and `sel4ts caps`: pictures of a system description and of a running system's
// capabilities (graph.ts, caps.ts; they parse their own arguments).

// Only this small file is loaded to parse a command line: graph.ts and caps.ts load the simulator.

import { suggest, type Command, type OptionSpec } from "./options.ts";
import { searchPath } from "./shared-options.ts";

export const GRAPH_USAGE =
  "sel4ts graph <file.system> [--format dot|svg] [--channels-only] [-o <out>] [--search-path DIR]...";

export const CAPS_USAGE =
  "sel4ts caps <file.system|root.elf|root.ts> [--at <duration>|fault] [--format capdl|dot|svg] [--all] [-o <out>] [--max-time <duration>] [--search-path DIR]...";

// These two commands parse their own arguments (graph.ts, caps.ts); their options are declared here
// for the help text and the suggestions.
const output: OptionSpec = {
  name: "output",
  type: "string",
  arg: "<file>",
  help: "write the picture or spec to this file (also -o <file>); default stdout",
};

const graphOptions: OptionSpec[] = [
  { name: "format", type: "string", arg: "dot|svg", help: "Graphviz DOT text (default) or an SVG drawing" },
  { name: "channels-only", type: "boolean", help: "only the PDs and their channels" },
  output,
  searchPath,
];

const capsOptions: OptionSpec[] = [
  {
    name: "at",
    type: "string",
    arg: "<duration>|fault",
    help: "the capabilities at this simulated time, or at the first fault (default: the run's end)",
  },
  {
    name: "format",
    type: "string",
    arg: "capdl|dot|svg",
    help: "a CapDL spec (default), Graphviz DOT text or an SVG drawing",
  },
  {
    name: "all",
    type: "boolean",
    help: "also the root task's bookkeeping and each thread's private CNodes, page tables and frames",
  },
  output,
  { name: "max-time", type: "string", arg: "<duration>", help: "stop the run at this simulated time" },
  searchPath,
];

/**
 * A usage error of graph/caps for stderr: the message, a suggestion for an unknown option, and
 * the usage line.
 */
export function rawUsageError(cmd: Command, usage: string, msg: string): string {
  const m = /^unknown option --?(\S+)/.exec(msg);
  const close =
    m !== null
      ? suggest(
          m[1],
          cmd.options.map((o) => o.name),
        )
      : null;
  return `sel4ts: ${msg}${close !== null ? ` (did you mean --${close}?)` : ""}\nusage: ${usage}\n`;
}

export const graphCommand: Command = {
  name: "graph",
  summary: "Draw a system description: PDs, channels, memory regions, IRQs (DOT or SVG).",
  args: "<file.system>",
  positionals: 1,
  description: `usage: ${GRAPH_USAGE}`,
  options: graphOptions,
  raw: async (argv) => (await import("./graph.ts")).graph(argv),
};

export const capsCommand: Command = {
  name: "caps",
  summary: "The capabilities of a running system, at its end, a time or its first fault (CapDL, DOT, SVG).",
  args: "<file.system|root.elf|root.ts>",
  positionals: 1,
  description: `usage: ${CAPS_USAGE}`,
  options: capsOptions,
  raw: async (argv) => (await import("./caps.ts")).caps(argv),
};
