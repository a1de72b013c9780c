// `sel4ts caps <file.system|root-task.elf|root-task.ts>`: the capabilities of a running system, at
// the end of its run, at a simulated time (`--at 10ms`) or at its first fault (`--at fault`), as
// CapDL text (`--format capdl`, the default), a DOT graph or SVG. `--all` keeps the root task's
// bookkeeping and every private object (src/viz/caps.ts says what is left out otherwise).

import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildMicrokit, type MicrokitBuild } from "../microkit/builder.ts";
import { microkitKernelConfig, microkitRootTask } from "../microkit/run.ts";
import { elfImage, parseElf } from "../machine/elf.ts";
import { System, type SystemOptions } from "../system/system.ts";
import { captureCaps, namesFromSlots, type CapSnapshot } from "../system/introspect.ts";
import type { RootMain } from "../user/root.ts";
import { snapshotToCapDL, snapshotToDot } from "../viz/caps.ts";
import { renderSvg } from "../viz/render.ts";
import { CAPS_USAGE, capsCommand, rawUsageError } from "./cmd-graph.ts";
import { parseDuration } from "./duration.ts";
import { emit, takeOutputArgs } from "./graph.ts";
import { loadPrograms, loadSdf, parseSdfArgs, type SdfArgs } from "./sdf-args.ts";

/** A way to start the system again from scratch (runs are deterministic, so it replays exactly). */
type Boot = (opts: SystemOptions) => { system: System; names: () => Map<string, string> };

async function microkitBoot(a: SdfArgs): Promise<Boot | number> {
  const sdf = await loadSdf(a);
  if (typeof sdf === "number") return sdf;
  const loaded = await loadPrograms(a, sdf);
  if (typeof loaded === "number") return loaded;
  let build: MicrokitBuild;
  try {
    build = buildMicrokit(sdf, loaded.elfs);
  } catch (e) {
    process.stderr.write(`sel4ts: ${a.file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return (opts) => {
    const slots: number[] = [];
    const system = new System({ kernelConfig: microkitKernelConfig(sdf), ...opts });
    system.boot(microkitRootTask(build, sdf, loaded.programs, slots));
    const specNames = build.spec.objects.map((o) => o.name);
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

export async function caps(args: string[]): Promise<number> {
  const usage = (msg: string): number => {
    process.stderr.write(rawUsageError(capsCommand, CAPS_USAGE, msg));
    return 2;
  };
  // --at is ours; the rest are run's options.
  let at: number | "fault" | undefined;
  const rest0: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--at") {
      const v = args[++i] ?? "";
      const d = v === "fault" ? "fault" : parseDuration(v);
      if (d === null) return usage(`bad time '${v}' for --at (a duration such as 10ms, or 'fault')`);
      at = d;
    } else {
      rest0.push(args[i]);
    }
  }
  const o = takeOutputArgs(rest0, ["capdl", "dot", "svg"]);
  if (typeof o === "string") return usage(o);
  if (o.flags.has("--channels-only")) return usage("unknown option --channels-only");
  const a = parseSdfArgs("caps", o.rest);
  if (typeof a === "string") return usage(a);
  const boot = a.file.endsWith(".system") ? await microkitBoot(a) : await rootTaskBoot(a.file);
  if (typeof boot === "number") return boot;
  const base: SystemOptions = { ramSize: a.boot.ramSize, onConsole: () => undefined };
  let maxTicks = a.boot.maxTicks;
  if (at === "fault") {
    const t = firstFaultTicks(boot, { ...base, maxTicks });
    if (t === null) {
      process.stderr.write("sel4ts: the run has no fault; showing its end\n");
    } else {
      maxTicks = t;
    }
  } else if (at !== undefined) {
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
    return 70;
  }
  const view = { all: o.flags.has("--all"), title: `${basename(a.file)}: capabilities at ${snap.timeUs} us` };
  let text: string;
  if (o.format === "capdl") text = snapshotToCapDL(snap, view);
  else {
    const dot = snapshotToDot(snap, view);
    text = o.format === "svg" ? await renderSvg(dot) : dot;
  }
  return emit(text, o.out) ? 0 : 1;
}
