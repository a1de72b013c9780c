// Every example, run twice with a tracer, writes byte-identical traces (issue #7: traces are
// deterministic): the same hash, and a trace that passes the structural validator.

import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, sha256, traceMicrokit, traceRoot, type TracedRun } from "./helpers.ts";
import { validateTrace } from "./validate.ts";

const roots = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts"));
const systems = readdirSync(resolve(EXAMPLES, "microkit"))
  .filter((f) => f.endsWith(".system"))
  .map((f) => f.slice(0, -".system".length));

function check(a: TracedRun, b: TracedRun): void {
  expect(validateTrace(a.json).problems).toEqual([]);
  expect(b.out).toBe(a.out);
  expect(sha256(b.json)).toBe(sha256(a.json));
}

describe("example traces are deterministic", () => {
  for (const f of roots) {
    it(`${f}: same trace hash twice`, async () => {
      const mod = (await import(resolve(EXAMPLES, f))) as { default: Parameters<typeof traceRoot>[0] };
      check(traceRoot(mod.default, f), traceRoot(mod.default, f));
    });
  }
  for (const name of systems) {
    it(`microkit/${name}.system: same trace hash twice`, async () => {
      check(await traceMicrokit(name), await traceMicrokit(name));
    });
  }
});
