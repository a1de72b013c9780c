// `sel4ts graph` and `sel4ts caps`: pictures of a system description and of a running system's
// capabilities (graph.ts, caps.ts; they parse their own arguments).

// Only this small file is loaded to parse a command line: graph.ts and caps.ts load the simulator.

import type { Command } from "./options.ts";

export const GRAPH_USAGE =
  "sel4ts graph <file.system> [--format dot|svg] [--channels-only] [-o <out>] [--search-path DIR]...";

export const CAPS_USAGE =
  "sel4ts caps <file.system|root.elf|root.ts> [--at <duration>|fault] [--format capdl|dot|svg] [--all] [-o <out>] [--max-time <duration>] [--search-path DIR]...";

export const graphCommand: Command = {
  name: "graph",
  summary: "Draw a system description: PDs, channels, memory regions, IRQs (DOT or SVG).",
  args: "<file.system>",
  positionals: 1,
  description: `usage: ${GRAPH_USAGE}`,
  options: [],
  raw: async (argv) => (await import("./graph.ts")).graph(argv),
};

export const capsCommand: Command = {
  name: "caps",
  summary: "The capabilities of a running system, at its end, a time or its first fault (CapDL, DOT, SVG).",
  args: "<file.system|root.elf|root.ts>",
  positionals: 1,
  description: `usage: ${CAPS_USAGE}`,
  options: [],
  raw: async (argv) => (await import("./caps.ts")).caps(argv),
};
