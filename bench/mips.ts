// Emulated MIPS of the RV64 hart (interpreted, or translated with `jit`): the root task test/machine/riscv/bin/loop.elf runs a
// tight countdown loop (c.addi + c.bnez) or a load/add/store loop over an array, booted on a
// System like any root task (kernel entries for its timeslice included). Host wall time.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { elfImage, findSymbol, parseElf } from "../src/machine/elf.ts";
import { System } from "../src/system/system.ts";

const LOOP_ELF = join(dirname(fileURLToPath(import.meta.url)), "../test/machine/riscv/bin/loop.elf");

/** Millions of instructions per wall second, best of `reps`, for `count` countdowns and `passes` array passes. */
export function emulatedMips(
  count: number,
  passes: number,
  jit: boolean | "js" | "wasm" = false,
  reps = 3,
): number {
  const elf = parseElf(new Uint8Array(readFileSync(LOOP_ELF)));
  const img = elfImage(elf);
  const dv = new DataView(img.bytes.buffer);
  const set = (name: string, v: number): void => {
    const s = findSymbol(elf, name);
    if (s === undefined) throw new Error(`loop.elf has no ${name}`);
    dv.setBigUint64(s.value - img.vaddr, BigInt(v), true);
  };
  set("count", count);
  set("passes", passes);
  let best = 0;
  for (let rep = 0; rep < reps; rep++) {
    const sys = new System({ onConsole: () => undefined, ramSize: 64 << 20, jit });
    sys.bootImage(img);
    const t0 = performance.now();
    const r = sys.run();
    const ms = performance.now() - t0;
    if (r.reason !== "halt") throw new Error(`loop.elf stopped: ${r.reason}`);
    best = Math.max(best, sys.rv.hart.instret / ms / 1000);
  }
  return best;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const jit of [false, "js", "wasm"] as const) {
    const how = jit === false ? "interpreted" : `translated (${jit})`;
    console.log(`tight loop, ${how}: ${emulatedMips(50_000_000, 0, jit).toFixed(1)} MIPS`);
    console.log(`memory loop, ${how}: ${emulatedMips(1, 50_000, jit).toFixed(1)} MIPS`);
  }
}
