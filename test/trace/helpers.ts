// Running examples with a tracer attached, for the trace tests.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import type { RunResult } from "../../src/system/system.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import type { seL4_BootInfo } from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";

export const EXAMPLES = resolve(import.meta.dirname, "../../examples");

let runs = 0;

export interface TracedRun {
  json: string;
  out: string;
  result: RunResult;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Build and run examples/microkit/<name>.system with a tracer (1 s of simulated time at most). */
export async function traceMicrokit(name: string, maxTicks = 10_000_000): Promise<TracedRun> {
  const file = resolve(EXAMPLES, "microkit", `${name}.system`);
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  // A fresh instance of each program module per run: PD programs keep state in module variables
  // (as a C PD keeps it in globals), which a second run in this process must not inherit.
  const fresh = `?run=${++runs}`;
  for (const pd of r.system.protectionDomains) {
    const url = pathToFileURL(resolve(dirname(file), pd.programImage.path)).href + fresh;
    const mod = (await import(url)) as Record<string, unknown>;
    programs.set(pd.name, microkitProgramOf(mod));
  }
  const bytes: number[] = [];
  const run = runMicrokit(r.system, programs, {
    maxTicks,
    trace: { processName: `${name}.system` },
    onConsole: (b) => bytes.push(b),
  });
  expect(run.system.tracer).not.toBeNull();
  const json = run.system.tracer?.toJSON() ?? "";
  return { json, out: Buffer.from(bytes).toString("latin1"), result: run.result };
}

/** Boot a root task with a tracer. */
export function traceRoot(
  main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>,
  name = "root",
): TracedRun {
  // examples.test.ts runs them with the invariant checker; here only the trace matters.
  const r = runRoot(main, { trace: { processName: name }, checkInvariants: false });
  const json = r.system.tracer?.toJSON() ?? "";
  return { json, out: r.out, result: r.result };
}
