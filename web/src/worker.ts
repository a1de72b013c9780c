// The worker that runs a system: parse the SDF, load the PDs (TypeScript modules transpiled here,
// ELF images as given), build the CapDL spec, boot it with the Microkit initialiser and run it in
// slices of simulated time, posting the console, the capability picture now and then, and at the
// end the result and the trace. The page stops a run by terminating the worker.

import { parseSdf, formatDiagnostic, type SdfFileLookup } from "../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { microkitKernelConfig, microkitRootTask } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import { System } from "../../src/system/system.ts";
import { captureCaps, namesFromSlots } from "../../src/system/introspect.ts";
import { snapshotToDot } from "../../src/viz/caps.ts";
import { ModuleLoader } from "./loader.ts";
import { resolvePath } from "./paths.ts";
import type { RunRequest, WorkerMessage } from "./protocol.ts";

const post = (m: WorkerMessage): void => postMessage(m);

/** Simulated time per slice: small enough for a responsive picture, large enough to cost nothing. */
const SLICE_TICKS = 10_000; // 1 ms
/** Wall time between two capability pictures. */
const CAPS_EVERY_MS = 400;

function run(req: RunRequest): void {
  const t0 = performance.now();
  const sdfPath = req.system;
  const text = req.files[sdfPath];
  const lookup = (p: string): SdfFileLookup => {
    const full = resolvePath(sdfPath, p);
    const b = req.binaries[full];
    if (b !== undefined) return { found: true, bytes: new Uint8Array(b) };
    const t = req.files[full];
    if (t !== undefined) return { found: true, bytes: new TextEncoder().encode(t) };
    return { found: false, reason: "missing" };
  };
  const parsed = parseSdf(text ?? "", { file: sdfPath, readFile: lookup });
  if (!parsed.ok) {
    post({ type: "error", text: parsed.errors.map(formatDiagnostic).join("\n") });
    return;
  }
  const sys = parsed.system;
  const loader = new ModuleLoader(req.files);
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  for (const pd of sys.protectionDomains) {
    const path = resolvePath(sdfPath, pd.programImage.path);
    try {
      const bin = req.binaries[path];
      if (bin !== undefined) {
        elfs.set(pd.name, elfProgramOf(new Uint8Array(bin)));
      } else {
        programs.set(pd.name, microkitProgramOf(loader.load(path)));
      }
    } catch (e) {
      post({
        type: "error",
        text: `${sdfPath}:${pd.loc.line}:${pd.loc.col}: program image '${pd.programImage.path}' of '${pd.name}': ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
  }
  const build = buildMicrokit(sys, elfs);
  let out: number[] = [];
  const flush = (): void => {
    if (out.length === 0) return;
    post({ type: "console", text: new TextDecoder("latin1").decode(new Uint8Array(out)) });
    out = [];
  };
  const system = new System({
    kernelConfig: microkitKernelConfig(sys),
    maxTicks: req.maxTicks,
    trace: req.trace ? { processName: sdfPath } : undefined,
    onConsole: (b) => out.push(b),
    onDiagnostic: (d) => {
      flush();
      post({ type: "console", text: `${d}\n` });
    },
  });
  const slots: number[] = [];
  system.boot(microkitRootTask(build, sys, programs, slots));
  const names = (): Map<string, string> =>
    namesFromSlots(
      system,
      build.spec.objects.map((o) => o.name),
      slots,
    );
  const caps = (): void => {
    const snap = captureCaps(system, names());
    post({
      type: "caps",
      dot: snapshotToDot(snap, { title: `capabilities at ${snap.timeUs} us` }),
      timeUs: snap.timeUs,
    });
  };
  let lastCaps = performance.now();
  let lastPost = lastCaps;
  for (let until = SLICE_TICKS; ; until += SLICE_TICKS) {
    const r = system.run(until);
    if (r.reason !== "max-time" || r.ticks >= req.maxTicks) {
      flush();
      caps();
      post({
        type: "done",
        reason: r.reason,
        timeUs: r.ticks / 10,
        kernelEntries: r.kernelEntries,
        wallMs: performance.now() - t0,
        trace: system.tracer?.toJSON() ?? null,
      });
      return;
    }
    const now = performance.now();
    if (now - lastPost > 50) {
      flush();
      post({ type: "progress", timeUs: r.ticks / 10 });
      lastPost = now;
    }
    if (now - lastCaps > CAPS_EVERY_MS) {
      caps();
      lastCaps = performance.now();
    }
  }
}

onmessage = (e: MessageEvent<RunRequest>) => {
  try {
    run(e.data);
  } catch (err) {
    post({
      type: "error",
      text: `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    });
  }
};
