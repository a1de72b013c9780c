// `sel4ts graph <file.system> [--format dot|svg] [-o FILE] [--search-path DIR]...`: the system
// description as a picture (src/viz/system-graph.ts), DOT text or SVG drawn by Graphviz.

import { writeFileSync } from "node:fs";
import { GRAPH_USAGE, graphCommand, rawUsageError } from "./cmd-graph.ts";
import { systemToDot } from "../viz/system-graph.ts";
import { renderSvg } from "../viz/render.ts";
import { loadSdf, parseSdfArgs } from "./sdf-args.ts";

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

/** Pull `--format X` and `-o/--output X` out of an argument list. */
export function takeOutputArgs(
  args: string[],
  formats: readonly string[],
): { format: string; out?: string; rest: string[]; flags: Set<string> } | string {
  let format = formats[0];
  let out: string | undefined;
  const rest: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--format") {
      const f = args[++i];
      if (f === undefined || !formats.includes(f)) return `--format takes one of ${formats.join(", ")}`;
      format = f;
    } else if (a === "-o" || a === "--output") {
      out = args[++i];
      if (out === undefined) return `${a} takes an output file name`;
    } else if (a === "--all" || a === "--channels-only") {
      flags.add(a);
    } else {
      rest.push(a);
    }
  }
  return { format, out, rest, flags };
}

export async function graph(args: string[]): Promise<number> {
  const o = takeOutputArgs(args, ["dot", "svg"]);
  const a = typeof o === "string" ? o : parseSdfArgs("graph", o.rest);
  if (typeof o === "string" || typeof a === "string") {
    process.stderr.write(rawUsageError(graphCommand, GRAPH_USAGE, typeof o === "string" ? o : (a as string)));
    return 2;
  }
  // A picture of the description: any core count a kernel can have (KernelMaxNumNodes ≤ 8).
  const sys = await loadSdf(a, true);
  if (typeof sys === "number") return sys;
  const dot = systemToDot(sys, { channelsOnly: o.flags.has("--channels-only") });
  const text = o.format === "svg" ? await renderSvg(dot) : dot;
  return emit(text, o.out) ? 0 : 1;
}
