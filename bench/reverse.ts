// What a reverse-stepi costs late in a long run, with the debugger's periodic snapshots against
// replaying from boot (snapshots off), in the same process: the root task
// test/machine/riscv/bin/loop.elf counts down for `count` instructions under the debugger, which
// stops near the end and steps one instruction back. Host wall time.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { elfImage, findSymbol, parseElf } from "../src/machine/elf.ts";
import { System } from "../src/system/system.ts";
import { Debugger } from "../src/system/debug/debugger.ts";

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

/** Milliseconds of one reverse-stepi at instruction `at` of the loop, snapshots every `every` (0: none). */
export function reverseStepMs(at: number, every: number): number {
  const d = new Debugger(loopSystem(at * 2), null, every);
  d.start();
  if (d.run(at) !== null) throw new Error("the loop ended early");
  const t = d.current ?? d.threads()[0];
  const t0 = performance.now();
  const e = d.reverseStep(t);
  const ms = performance.now() - t0;
  if (d.steps !== at - 1 || e.thread === null) throw new Error(`reverse-stepi went to ${d.steps}`);
  return ms;
}

/** Debugged run speed: millions of instructions per second with the debugger attached. */
export function debuggedMips(at: number, every: number): number {
  const d = new Debugger(loopSystem(at * 2), null, every);
  d.start();
  const t0 = performance.now();
  d.run(at);
  return at / (performance.now() - t0) / 1000;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = Number(process.argv[2] ?? 2_000_000);
  const fromBoot = reverseStepMs(at, 0);
  const fromSnap = reverseStepMs(at, 250_000);
  console.log(
    `reverse-stepi at instruction ${at}: from boot ${fromBoot.toFixed(1)} ms, from a snapshot ${fromSnap.toFixed(1)} ms, ratio ${(fromBoot / fromSnap).toFixed(1)}`,
  );
  const plain = debuggedMips(at, 0);
  const snapping = debuggedMips(at, 250_000);
  console.log(
    `debugged run: ${plain.toFixed(2)} MIPS without snapshots, ${snapping.toFixed(2)} MIPS with (ratio ${(snapping / plain).toFixed(2)})`,
  );
}
