// c_ppcall_roundtrip_ns: a protected call between two C PDs on the RV64 hart (bench/c: a client
// calling a passive server ROUNDS times with empty messages, libmicrokit's microkit_ppcall and
// its event loop's ReplyRecv): wall ns per round trip, timed between the 'S' and 'E' the client
// prints around its loop; also the simulated time per round trip.

import { readFileSync } from "node:fs";
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

export function cPpcallRoundTrip(jit: boolean | "js" | "wasm" = false): { ns: number; simNs: number } {
  const file = resolve(DIR, "pingpong.system");
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains)
    elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(resolve(DIR, pd.programImage.path)))));
  const t = { start: 0, end: 0, simStart: 0, simEnd: 0 };
  const system: System = new System({
    jit,
    kernelConfig: microkitKernelConfig(r.system),
    onConsole: (b) => {
      if (b === 0x53) [t.start, t.simStart] = [performance.now(), system.machine.clock.now];
      if (b === 0x45) [t.end, t.simEnd] = [performance.now(), system.machine.clock.now];
    },
  });
  system.boot(microkitRootTask(buildMicrokit(r.system, elfs), r.system, new Map()));
  const result = system.run();
  if (result.reason !== "idle" || t.end === 0) throw new Error(`ping-pong ended with ${result.reason}`);
  return {
    ns: ((t.end - t.start) * 1e6) / ROUNDS,
    simNs: ((t.simEnd - t.simStart) * NS_PER_TICK) / ROUNDS,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const jit of [false, "js", "wasm"] as const) {
    const r = cPpcallRoundTrip(jit);
    const how = jit === false ? "interpreted" : `translated (${jit})`;
    console.log(
      `C ppcall round trip, ${how}: ${r.ns.toFixed(0)} ns wall, ${r.simNs.toFixed(0)} ns simulated`,
    );
  }
}
