// Runs a system twice, on the interpreter and with the translator, and records what each run of
// the hart left behind: the exit code, pc, registers, trap state, instret and the clock, at every
// kernel entry. The two records must be identical (the translator is invisible), and the second
// run must really have translated something, or the comparison proves nothing.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseSdf } from "../../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../../src/microkit/builder.ts";
import { microkitKernelConfig, microkitRootTask } from "../../../src/microkit/run.ts";
import { elfProgramOf, type ElfProgram } from "../../../src/microkit/elf-pd.ts";
import type { RootImage } from "../../../src/kernel/boot.ts";
import { System, type SystemOptions } from "../../../src/system/system.ts";

export interface Record {
  /** One line per hart run: exit, pc, instret, clock, trap state and x1..x31. */
  exits: string[];
  console: string;
  result: string;
  /** Traces the translator made (0 on the interpreter). */
  made: number;
  sys: System;
}

export type Boot = (sys: System) => void;

/** The translator's backends: every translated run is compared with the interpreter on each. */
export const BACKENDS = ["js", "wasm"] as const;

/**
 * Runs the system `boot` sets up, with the translator on (true: the JavaScript backend) or off,
 * recording every hart exit. A WebAssembly run must really have used WebAssembly throughout.
 */
export function record(boot: Boot, jit: boolean | "js" | "wasm", opts: SystemOptions = {}): Record {
  let out = "";
  const sys = new System({
    maxTicks: 50_000_000,
    ...opts,
    jit,
    onConsole: (b) => {
      out += String.fromCharCode(b);
    },
  });
  const rv = sys.rv;
  // Translate at once: these programs are too short to earn compilation by the default rule.
  if (rv.translator !== null) rv.translator.compileAfter = 0;
  const h = rv.hart;
  const run = rv.run.bind(rv);
  const exits: string[] = [];
  rv.run = (t) => {
    const c = run(t);
    const clock = sys.machine.clock;
    let regs = "";
    for (let x = 1; x < 32; x++) regs += ` ${h.xhi[x] >>> 0}:${h.xlo[x] >>> 0}`;
    // The F/D registers and fcsr, after the x registers (tests index these from the start).
    const f = h.fpu;
    regs += ` f=${f.fflags}/${f.frm}/${f.enabled}`;
    for (let x = 0; x < 64; x++) regs += ` ${f.i32[x] >>> 0}`;
    exits.push(
      `${c} pc=${h.pcHi}:${h.pcLo >>> 0} n=${h.instret} t=${clock.now}+${clock.remainder}` +
        ` cause=${h.scause} tval=${h.stvalHi}:${h.stvalLo}${regs}`,
    );
    return c;
  };
  boot(sys);
  const r = sys.run();
  if (jit === "wasm") {
    if (rv.translator?.usesWasm !== true) throw new Error("the WebAssembly backend is not in use");
    if (rv.translator.wasmFailed !== 0)
      throw new Error(`${rv.translator.wasmFailed} traces failed to compile`);
  }
  return {
    exits,
    console: out,
    result: `${r.reason} ${r.ticks} ${r.kernelEntries} ${r.message ?? ""}`,
    made: rv.translator?.made ?? 0,
    sys,
  };
}

/** Boots an ELF root task. */
export function elfBoot(path: string): Boot {
  const bytes = new Uint8Array(readFileSync(path));
  return (sys) => sys.bootElf(bytes);
}

/** Boots a root task image. */
export function imageBoot(img: RootImage): Boot {
  return (sys) => sys.bootImage({ vaddr: img.vaddr, bytes: img.bytes.slice(), entry: img.entry });
}

/** The kernel configuration and boot of a Microkit system of C PDs. */
export function microkitBoot(file: string): { boot: Boot; opts: SystemOptions } {
  const r = parseSdf(readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains)
    elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(resolve(file, "..", pd.programImage.path)))));
  return {
    boot: (sys) => sys.boot(microkitRootTask(buildMicrokit(r.system, elfs), r.system, new Map())),
    opts: { kernelConfig: microkitKernelConfig(r.system) },
  };
}
