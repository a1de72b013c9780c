// `sel4ts graph <file.system> [--format dot|svg] [-o FILE] [--search-path DIR]...`: the system
// description as a picture (src/viz/system-graph.ts), DOT text or SVG drawn by Graphviz.

import { writeFileSync } from "node:fs";
import { systemToDot } from "../viz/system-graph.ts";
import { renderSvg } from "../viz/render.ts";
import type { SdfSystem } from "../microkit/sdf.ts";
import { EXIT_BAD_INPUT, EXIT_OK } from "./exit.js";
import { loadSdf } from "./load.ts";
import type { ParsedArgs } from "./options.ts";

/** Write `text` to `out` (a file) or stdout; false with a message when the file cannot be written. */
export function emit(text: string, out: string | undefined): boolean {
  if (out === undefined) {
    process.stdout.write(text);
    return true;
  }
  try {
    writeFileSync(out, text);
    return true;
  } catch (e) {
    process.stderr.write(`sel4ts: cannot write ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}

/** The string value of an option, if given. */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

export function searchPaths(args: ParsedArgs): string[] {
  const s = args.values["search-path"];
  return Array.isArray(s) ? s : [];
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The description for a picture: for `--num-nodes` cores when given; otherwise as for one core,
 * or, when only a multicore kernel takes it (a PD's cpu), for the most cores there can be (8).
 */
async function readDescription(args: ParsedArgs): Promise<SdfSystem | number> {
  const file = args.positionals[0];
  const nodes = str(args, "num-nodes");
  if (nodes !== undefined) return loadSdf(file, searchPaths(args), say, Number(nodes));
  const one: string[] = [];
  const sys = await loadSdf(file, searchPaths(args), (l) => one.push(l), 1);
  if (typeof sys !== "number") {
    one.forEach(say);
    return sys;
  }
  const many: string[] = [];
  const multi = await loadSdf(file, searchPaths(args), (l) => many.push(l), 8);
  (typeof multi === "number" ? one : many).forEach(say);
  return typeof multi === "number" ? sys : multi;
}

export async function graph(args: ParsedArgs): Promise<number> {
  const sys = await readDescription(args);
  if (typeof sys === "number") return sys;
  const dot = systemToDot(sys, { channelsOnly: args.values["channels-only"] === true });
  const text = str(args, "format") === "svg" ? await renderSvg(dot) : dot;
  return emit(text, str(args, "output")) ? EXIT_OK : EXIT_BAD_INPUT;
}
