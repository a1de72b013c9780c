// DOT → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): the same layout engine in Node and
// in the browser, no system install. The instance is made once and shared.

import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | null = null;

// Loaded on first use (Graphviz's WebAssembly is most of the module): the playground's page is
// ready before it arrives, and commands that draw nothing never load it.
function getViz(): Promise<Viz> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  return viz;
}

/** Render DOT text as an SVG document; throws with Graphviz's messages when the DOT is invalid. */
export async function renderSvg(dot: string): Promise<string> {
  const v = await getViz();
  // The engine is the graph's own `layout` attribute when it has one, else dot.
  const r = v.render(dot, { format: "svg" });
  if (r.status !== "success") {
    throw new Error(`graphviz: ${r.errors.map((e) => e.message).join("; ")}`);
  }
  return r.output;
}
