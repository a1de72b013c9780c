// `sel4ts caps <file.system|root-task.elf|root-task.ts>`: the capabilities of a running system, at
// the end of its run, at a simulated time (`--at 10ms`) or at its first fault (`--at fault`), as
// CapDL text (`--format capdl`, the default), a DOT graph or SVG. `--all` keeps the root task's
// bookkeeping and every private object (src/viz/caps.ts says what is left out otherwise).

import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { microkitKernelConfig, microkitRootTask } from "../microkit/run.ts";
import { elfImage, parseElf } from "../machine/elf.ts";
import { System, type SystemOptions } from "../system/system.ts";
import { captureCaps, namesFromSlots, type CapSnapshot } from "../system/introspect.ts";
import type { RootMain } from "../user/root.ts";
import { snapshotToCapDL, snapshotToDot } from "../viz/caps.ts";
import { renderSvg } from "../viz/render.ts";
import { parseDuration } from "./duration.ts";
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "./exit.js";
import { emit, searchPaths, str } from "./graph.ts";
import { build, loadPrograms, loadSdf } from "./load.ts";
import type { ParsedArgs } from "./options.ts";

/** A way to start the system again from scratch (runs are deterministic, so it replays exactly). */
type Boot = (opts: SystemOptions) => { system: System; names: () => Map<string, string> };

const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function microkitBoot(file: string, paths: string[], numNodes: number): Promise<Boot | number> {
  const sdf = await loadSdf(file, paths, say, numNodes);
  if (typeof sdf === "number") return sdf;
  const loaded = await loadPrograms(file, paths, sdf, say);
  if (loaded.failed) return EXIT_BAD_INPUT;
  const made = build(file, sdf, loaded.elfs, say);
  if (typeof made === "number") return made;
  return (opts) => {
    const slots: number[] = [];
    const system = new System({ kernelConfig: microkitKernelConfig(sdf, numNodes), ...opts });
    system.boot(microkitRootTask(made, sdf, loaded.programs, slots));
    const specNames = made.spec.objects.map((o) => o.name);
    return { system, names: () => namesFromSlots(system, specNames, slots) };
  };
}

async function rootTaskBoot(file: string): Promise<Boot | number> {
  try {
    if (/\.(ts|js|mjs|mts)$/.test(file)) {
      const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
      if (typeof mod.default !== "function") {
        process.stderr.write(`sel4ts: ${file} has no default export function* (bootinfo) { ... }\n`);
        return 2;
      }
      const main = mod.default as RootMain;
      return (opts) => {
        const system = new System(opts);
        system.boot(main);
        return { system, names: () => new Map() };
      };
    }
    const image = elfImage(parseElf(new Uint8Array(readFileSync(file))));
    return (opts) => {
      const system = new System(opts);
      system.bootImage(image);
      return { system, names: () => new Map() };
    };
  } catch (e) {
    process.stderr.write(`sel4ts: cannot load ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

/** The simulated time (ticks) of the run's first fault, or null when it has none. */
function firstFaultTicks(boot: Boot, base: SystemOptions): number | null {
  const { system } = boot({ ...base, trace: {} });
  system.run();
  const tracer = system.tracer;
  if (tracer === null) return null;
  const events = (JSON.parse(tracer.toJSON()) as { traceEvents: { cat?: string; ts?: number }[] })
    .traceEvents;
  const f = events.find((e) => e.cat === "fault" && typeof e.ts === "number");
  // Trace times are µs; 10 ticks per µs. The run stops at the first tick boundary at or after it.
  return f === undefined ? null : Math.ceil((f.ts as number) * 10);
}

export async function caps(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  const atText = str(args, "at");
  const at = atText === undefined ? undefined : atText === "fault" ? "fault" : parseDuration(atText);
  const nodes = Number(str(args, "num-nodes") ?? "1");
  let boot: Boot | number;
  if (file.endsWith(".system")) boot = await microkitBoot(file, searchPaths(args), nodes);
  else if (nodes > 1) {
    process.stderr.write(
      "sel4ts: --num-nodes is for a system description; a root task runs on one core here\n",
    );
    return EXIT_USAGE;
  } else boot = await rootTaskBoot(file);
  if (typeof boot === "number") return boot;
  const base: SystemOptions = { onConsole: () => undefined };
  const maxTime = str(args, "max-time");
  let maxTicks = maxTime === undefined ? undefined : (parseDuration(maxTime) ?? undefined);
  if (at === "fault") {
    const t = firstFaultTicks(boot, { ...base, maxTicks });
    if (t === null) {
      process.stderr.write("sel4ts: the run has no fault; showing its end\n");
    } else {
      maxTicks = t;
    }
  } else if (at !== undefined && at !== null) {
    maxTicks = maxTicks === undefined ? at : Math.min(maxTicks, at);
  }
  let snap: CapSnapshot;
  try {
    const { system, names } = boot({ ...base, maxTicks });
    system.run();
    snap = captureCaps(system, names());
  } catch (e) {
    process.stderr.write(
      `sel4ts: internal error (kernel bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT_INTERNAL;
  }
  const view = {
    all: args.values.all === true,
    title: `${basename(file)}: capabilities at ${snap.timeUs} us`,
  };
  const format = str(args, "format") ?? "capdl";
  let text: string;
  if (format === "capdl") text = snapshotToCapDL(snap, view);
  else {
    const dot = snapshotToDot(snap, view);
    text = format === "svg" ? await renderSvg(dot) : dot;
  }
  return emit(text, str(args, "output")) ? EXIT_OK : EXIT_BAD_INPUT;
}
