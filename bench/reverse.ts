// What a reverse-stepi costs late in a long run, with the debugger's periodic snapshots against
// replaying from boot (snapshots off), in the same process: the root task
// test/machine/riscv/bin/loop.elf counts down for `count` instructions under the debugger, which
// stops near the end and steps one instruction back. Times are CPU milliseconds of this process
// (process.cpuUsage), so that other processes' load does not count.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { elfImage, findSymbol, parseElf } from "../src/machine/elf.ts";
import { System } from "../src/system/system.ts";
import { Debugger } from "../src/system/debug/debugger.ts";

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

const LOOP_ELF = join(dirname(fileURLToPath(import.meta.url)), "../test/machine/riscv/bin/loop.elf");

function loopSystem(count: number): () => System {
  const elf = parseElf(new Uint8Array(readFileSync(LOOP_ELF)));
  const img = elfImage(elf);
  const s = findSymbol(elf, "count");
  if (s === undefined) throw new Error("loop.elf has no count");
  new DataView(img.bytes.buffer).setBigUint64(s.value - img.vaddr, BigInt(count), true);
  return () => {
    const sys = new System({ onConsole: () => undefined, ramSize: 64 << 20 });
    sys.bootImage(img);
    return sys;
  };
}

/**
 * CPU milliseconds of a reverse-stepi at instruction `at` of the loop, and of a second one right
 * after it (as reverse-step and reverse-next issue them), snapshots every `every` (0: none).
 */
export function reverseStepMs(at: number, every: number): [number, number] {
  const d = new Debugger(loopSystem(at * 2), null, every);
  d.start();
  if (d.run(at) !== null) throw new Error("the loop ended early");
  const t = d.current ?? d.threads()[0];
  const t0 = cpuMs();
  const e = d.reverseStep(t);
  const ms = cpuMs() - t0;
  if (d.steps !== at - 1 || e.thread === null) throw new Error(`reverse-stepi went to ${d.steps}`);
  const t1 = cpuMs();
  d.reverseStep(t);
  const ms2 = cpuMs() - t1;
  if (d.steps !== at - 2) throw new Error(`the second reverse-stepi went to ${d.steps}`);
  return [ms, ms2];
}

/** Debugged run speed: millions of instructions per second with the debugger attached. */
export function debuggedMips(at: number, every: number): number {
  const d = new Debugger(loopSystem(at * 2), null, every);
  d.start();
  const t0 = cpuMs();
  d.run(at);
  return at / (cpuMs() - t0) / 1000;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = Number(process.argv[2] ?? 2_000_000);
  // Alternating, best of 3 (the first rounds also warm the code up).
  let fromBoot = Infinity;
  let fromSnap = Infinity;
  let next = Infinity;
  let plain = 0;
  let snapping = 0;
  for (let round = 0; round < 3; round++) {
    const [first, second] = reverseStepMs(at, 250_000);
    fromSnap = Math.min(fromSnap, first);
    next = Math.min(next, second);
    fromBoot = Math.min(fromBoot, reverseStepMs(at, 0)[0]);
    snapping = Math.max(snapping, debuggedMips(at, 250_000));
    plain = Math.max(plain, debuggedMips(at, 0));
  }
  console.log(
    `reverse-stepi at instruction ${at}: from boot ${fromBoot.toFixed(1)} ms, from a snapshot ` +
      `${fromSnap.toFixed(1)} ms (CPU), ratio ${(fromBoot / fromSnap).toFixed(1)}; ` +
      `the next reverse-stepi ${next.toFixed(1)} ms (ratio ${(fromBoot / next).toFixed(0)})`,
  );
  console.log(
    `debugged run: ${plain.toFixed(2)} MIPS without snapshots, ${snapping.toFixed(2)} MIPS with ` +
      `(ratio ${(snapping / plain).toFixed(2)})`,
  );
}
