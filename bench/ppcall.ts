// c_ppcall_roundtrip_ns: a protected call between two C PDs on the RV64 hart (bench/c: a client
// calling a passive server ROUNDS times with empty messages, libmicrokit's microkit_ppcall and
// its event loop's ReplyRecv): wall ns per round trip, and the simulated time per round trip.
//
// Timed in the steady state: the client prints 'S' and 'E' around its loop; the first WARM_TICKS
// of simulated time after 'S' (about 77,000 round trips) are not timed, so that what is measured
// is the round trip itself and not V8 optimising the interpreter or compiling the translations
// (which a 200,000-round loop would otherwise pay inside the window: 10-20 % of it when
// translated). The simulated time of a round trip is the same in every mode, so the rounds in the
// timed part are ROUNDS × its share of the loop's simulated time. A noisy machine shifts single
// runs by tens of percent: ppcallRoundTrips runs the modes in turn, several times, and keeps each
// mode's median; `npm run bench` runs it in a process of its own.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { parseSdf } from "../src/microkit/sdf.ts";
import { buildMicrokit } from "../src/microkit/builder.ts";
import { microkitKernelConfig, microkitRootTask } from "../src/microkit/run.ts";
import { elfProgramOf, type ElfProgram } from "../src/microkit/elf-pd.ts";
import { System } from "../src/system/system.ts";

const DIR = resolve(import.meta.dirname, "c");
/** Must match ROUNDS in bench/c/pingpong_client.c. */
const ROUNDS = 200_000;
const NS_PER_TICK = 100;
/** Simulated time after 'S' left untimed (50 ms). */
const WARM_TICKS = 500_000;
/** Simulated time run at a time while waiting for 'S'. */
const SLICE_TICKS = 100_000;

export type PpcallMode = boolean | "js" | "wasm";

export function cPpcallRoundTrip(jit: PpcallMode = false): { ns: number; simNs: number } {
  const file = resolve(DIR, "pingpong.system");
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains)
    elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(resolve(DIR, pd.programImage.path)))));
  const t = { simStart: -1, end: 0, simEnd: 0 };
  const system: System = new System({
    jit,
    kernelConfig: microkitKernelConfig(r.system),
    onConsole: (b) => {
      if (b === 0x53) t.simStart = system.machine.clock.now;
      if (b === 0x45) [t.end, t.simEnd] = [performance.now(), system.machine.clock.now];
    },
  });
  system.boot(microkitRootTask(buildMicrokit(r.system, elfs), r.system, new Map()));
  const clock = system.machine.clock;
  while (t.simStart < 0) {
    const res = system.run(clock.now + SLICE_TICKS);
    if (res.reason !== "max-time") throw new Error(`ping-pong ended with ${res.reason} before it began`);
  }
  if (system.run(t.simStart + WARM_TICKS).reason !== "max-time") throw new Error("ping-pong ended too soon");
  const simTimed = clock.now;
  const start = performance.now();
  const result = system.run();
  if (result.reason !== "idle" || t.end === 0) throw new Error(`ping-pong ended with ${result.reason}`);
  const rounds = (ROUNDS * (t.simEnd - simTimed)) / (t.simEnd - t.simStart);
  return {
    ns: ((t.end - start) * 1e6) / rounds,
    simNs: ((t.simEnd - t.simStart) * NS_PER_TICK) / ROUNDS,
  };
}

/** Each mode `times` times, in turn; each mode's median wall ns and its simulated ns. */
export function ppcallRoundTrips<M extends PpcallMode>(
  modes: readonly M[],
  times = 3,
): Map<M, { ns: number; simNs: number }> {
  const runs = new Map<M, { ns: number; simNs: number }[]>(modes.map((m) => [m, []]));
  for (let i = 0; i < times; i++) for (const m of modes) runs.get(m)!.push(cPpcallRoundTrip(m));
  const out = new Map<M, { ns: number; simNs: number }>();
  for (const [m, rs] of runs) {
    const sorted = [...rs].sort((a, b) => a.ns - b.ns);
    out.set(m, sorted[sorted.length >> 1]);
  }
  return out;
}

/**
 * ppcallRoundTrips for the three modes in a process of its own (`npm run bench` runs many other
 * benchmarks first, whose type feedback and heap would otherwise be measured too).
 */
export function ppcallRoundTripsApart(): Map<PpcallMode, { ns: number; simNs: number }> {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--json"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bench/ppcall.ts failed: ${r.stderr}`);
  const rows = JSON.parse(r.stdout) as [PpcallMode, { ns: number; simNs: number }][];
  return new Map(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const modes = [false, "js", "wasm"] as const;
  const res = ppcallRoundTrips(modes);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify([...res]));
    process.exit(0);
  }
  for (const jit of modes) {
    const r = res.get(jit)!;
    const how = jit === false ? "interpreted" : `translated (${jit})`;
    console.log(
      `C ppcall round trip, ${how}: ${r.ns.toFixed(0)} ns wall (median of 3), ${r.simNs.toFixed(0)} ns simulated`,
    );
  }
}
