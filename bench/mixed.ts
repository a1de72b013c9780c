// mixed_mips_interp / mixed_mips_jit / mixed_mips_qemu: the mixed C workload (bench/c/mixed-work.c:
// calls, loads and stores, branches, multiplies) as a root task on sel4ts, once on the interpreter
// and once translated, and the same code as a bare Linux program under qemu-riscv64 when it is
// installed. MIPS = instructions between the root task's 'S' and 'E' marks / wall time. Every
// round runs the same instructions, so qemu's count is sel4ts's count per round times its rounds
// (qemu's start-up, measured with 0 rounds, is subtracted). Time is the CPU time of the process
// (user + system, all its threads: V8's background compiles count), so that the figures hold on a
// loaded machine; the wall-time figure is kept beside it. Both translated runs and QEMU run the
// same 10,000 rounds: with 1,000 the figure was mostly V8 compiling the translations in the
// background (CPU time about half the wall time's MIPS), not the steady state QEMU is measured
// at. Host time is read only in bench/.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { elfImage, findSymbol, parseElf } from "../src/machine/elf.ts";
import { System } from "../src/system/system.ts";

const DIR = resolve(import.meta.dirname, "c");

/** The ELF's bytes with mixed_rounds set to `rounds`. */
function patched(file: string, rounds: number): Uint8Array {
  const bytes = new Uint8Array(readFileSync(join(DIR, file)));
  const elf = parseElf(bytes);
  const s = findSymbol(elf, "mixed_rounds");
  if (s === undefined) throw new Error(`${file} has no mixed_rounds`);
  // The file offset of the symbol: through the program header that maps it.
  const dv = new DataView(bytes.buffer);
  const phoff = Number(dv.getBigUint64(32, true));
  const phnum = dv.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + 56 * i;
    if (dv.getUint32(ph, true) !== 1) continue;
    const off = Number(dv.getBigUint64(ph + 8, true));
    const vaddr = Number(dv.getBigUint64(ph + 16, true));
    const filesz = Number(dv.getBigUint64(ph + 32, true));
    if (s.value >= vaddr && s.value + 8 <= vaddr + filesz) {
      dv.setBigUint64(off + s.value - vaddr, BigInt(rounds), true);
      return bytes;
    }
  }
  throw new Error("mixed_rounds is not in the file");
}

export interface MixedRun {
  /** Instructions between the marks. */
  instructions: number;
  /** CPU ms between the marks, and instructions per CPU µs. */
  ms: number;
  mips: number;
  /** The same by wall time. */
  wallMips: number;
  console: string;
}

/** CPU ms used by this process so far. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The root task on sel4ts, best of `reps`. */
export function mixedSel4ts(rounds: number, jit: boolean | "js" | "wasm", reps = 2): MixedRun {
  const img = elfImage(parseElf(patched("mixed-root.elf", rounds)));
  let best: MixedRun | null = null;
  for (let rep = 0; rep < reps; rep++) {
    const t = { t0: 0, t1: 0, i0: 0, i1: 0, c0: 0, c1: 0 };
    let out = "";
    const sys: System = new System({
      jit,
      onConsole: (b) => {
        out += String.fromCharCode(b);
        if (b === 0x53 && t.t0 === 0) [t.t0, t.c0, t.i0] = [performance.now(), cpuMs(), sys.rv.hart.instret];
        if (b === 0x45 && t.t1 === 0) [t.t1, t.c1, t.i1] = [performance.now(), cpuMs(), sys.rv.hart.instret];
      },
    });
    sys.bootImage(img);
    sys.run();
    if (t.t1 === 0) throw new Error(`mixed workload did not finish: ${out}`);
    const ms = t.c1 - t.c0;
    const instructions = t.i1 - t.i0;
    const wallMips = instructions / (t.t1 - t.t0) / 1000;
    const r = { instructions, ms, mips: instructions / ms / 1000, wallMips, console: out };
    if (best === null || r.mips > best.mips) best = r;
  }
  return best!;
}

/**
 * CPU ms (user + system) of qemu-riscv64 running the Linux build for `rounds` rounds, best of
 * `reps`, or null without qemu (or without bash, whose `time` reads the child's CPU time).
 */
export function mixedQemuMs(rounds: number, reps = 3): number | null {
  const dir = mkdtempSync(join(tmpdir(), "sel4ts-mixed-"));
  try {
    const file = join(dir, "mixed.elf");
    writeFileSync(file, patched("mixed-linux.elf", rounds), { mode: 0o755 });
    let best = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      const r = spawnSync("bash", ["-c", `TIMEFORMAT='%3U %3S'; time qemu-riscv64 "$0" >/dev/null`, file], {
        encoding: "utf8",
      });
      const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr ?? "");
      if (r.status !== 0 || m === null) return null;
      best = Math.min(best, (Number(m[1]) + Number(m[2])) * 1000);
    }
    return best;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface MixedResult {
  interp: MixedRun;
  jit: MixedRun;
  /** Translated into WebAssembly. */
  wasm: MixedRun;
  qemuMips: number | null;
}

export function mixedWorkload(roundsInterp = 100, roundsJit = 10000, roundsQemu = 10000): MixedResult {
  const interp = mixedSel4ts(roundsInterp, false);
  const jit = mixedSel4ts(roundsJit, "js");
  const wasm = mixedSel4ts(roundsJit, "wasm");
  // Instructions per round, from the difference of the two runs (the rest is the same start-up).
  const perRound = (jit.instructions - interp.instructions) / (roundsJit - roundsInterp);
  let qemuMips: number | null = null;
  const full = mixedQemuMs(roundsQemu);
  const empty = mixedQemuMs(0);
  if (full !== null && empty !== null) qemuMips = (perRound * roundsQemu) / (full - empty) / 1000;
  return { interp, jit, wasm, qemuMips };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = mixedWorkload();
  console.log(
    `mixed C workload: interpreter ${r.interp.mips.toFixed(0)} MIPS, translated ${r.jit.mips.toFixed(0)} MIPS (×${(r.jit.mips / r.interp.mips).toFixed(2)})`,
  );
  console.log(
    `  into WebAssembly: ${r.wasm.mips.toFixed(0)} MIPS (×${(r.wasm.mips / r.interp.mips).toFixed(2)} interpreted, ×${(r.wasm.mips / r.jit.mips).toFixed(2)} JavaScript)`,
  );
  if (r.qemuMips !== null)
    console.log(
      `qemu-riscv64: ${r.qemuMips.toFixed(0)} MIPS (sel4ts translated / qemu = ${(r.jit.mips / r.qemuMips).toFixed(3)})`,
    );
}
