// `sel4ts graph` and `sel4ts caps`: pictures of a system description and of a running system's
// capabilities (graph.ts, caps.ts). Their options are parsed by the option table, as every
// command's are.

// Only this small file is loaded to parse a command line: graph.ts and caps.ts load the simulator.

import { durationCheck, writableFileCheck, type Command, type OptionSpec } from "./options.ts";
import { numNodesOption, searchPath } from "./shared-options.ts";

export const GRAPH_FORMATS = ["dot", "svg"] as const;
export const CAPS_FORMATS = ["capdl", "dot", "svg"] as const;

export const GRAPH_USAGE =
  "sel4ts graph <file.system> [--format dot|svg] [--channels-only] [-o <out>] [--num-nodes N] [--search-path DIR]...";

export const CAPS_USAGE =
  "sel4ts caps <file.system|root.elf|root.ts> [--at <duration>|fault] [--format capdl|dot|svg] [--all] [-o <out>] [--max-time <duration>] [--num-nodes N] [--search-path DIR]...";

const formatCheck =
  (formats: readonly string[]) =>
  (v: string): string | null =>
    formats.includes(v) ? null : `'${v}' is not one of ${formats.join(", ")}`;

const output: OptionSpec = {
  name: "output",
  short: "o",
  type: "string",
  arg: "<file>",
  help: "write the picture or spec to this file (also -o <file>); default stdout",
  check: writableFileCheck,
};

const graphOptions: OptionSpec[] = [
  {
    name: "format",
    type: "string",
    arg: "dot|svg",
    help: "Graphviz DOT text (default) or an SVG drawing",
    check: formatCheck(GRAPH_FORMATS),
  },
  { name: "channels-only", type: "boolean", help: "only the PDs and their channels" },
  output,
  {
    ...numNodesOption,
    help: "read the description for a kernel with this many cores (default: 1, or 8 when a PD's cpu needs more)",
  },
  searchPath,
];

const capsOptions: OptionSpec[] = [
  {
    name: "at",
    type: "string",
    arg: "<duration>|fault",
    help: "the capabilities at this simulated time, or at the first fault (default: the run's end)",
    check: (v) => (v === "fault" ? null : durationCheck(v)),
  },
  {
    name: "format",
    type: "string",
    arg: "capdl|dot|svg",
    help: "a CapDL spec (default), Graphviz DOT text or an SVG drawing",
    check: formatCheck(CAPS_FORMATS),
  },
  {
    name: "all",
    type: "boolean",
    help: "also the root task's bookkeeping and each thread's private CNodes, page tables and frames",
  },
  output,
  {
    name: "max-time",
    type: "string",
    arg: "<duration>",
    help: "stop the run at this simulated time",
    check: durationCheck,
  },
  { ...numNodesOption, help: "KernelMaxNumNodes: run the system on a kernel with this many cores (1..8)" },
  searchPath,
];

export const graphCommand: Command = {
  name: "graph",
  summary: "Draw a system description: PDs, channels, memory regions, IRQs (DOT or SVG).",
  args: "<file.system>",
  positionals: 1,
  description: `usage: ${GRAPH_USAGE}`,
  options: graphOptions,
  run: async (args) => (await import("./graph.ts")).graph(args),
};

export const capsCommand: Command = {
  name: "caps",
  summary: "The capabilities of a running system, at its end, a time or its first fault (CapDL, DOT, SVG).",
  args: "<file.system|root.elf|root.ts>",
  positionals: 1,
  description: `usage: ${CAPS_USAGE}`,
  options: capsOptions,
  run: async (args) => (await import("./caps.ts")).caps(args),
};
