// `sel4ts graph` and `sel4ts caps`: pictures of a system description and of a running system's
// capabilities (graph.ts, caps.ts; they parse their own arguments).

import type { Command } from "./options.ts";
import { CAPS_USAGE } from "./caps.ts";
import { GRAPH_USAGE } from "./graph.ts";

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
