// Runs the instruction-test ELFs (test/machine/riscv/bin) as root tasks on a fresh System and
// reads back what they left in memory.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { elfImage, findSymbol, parseElf, type ElfFile } from "../../../src/machine/elf.ts";
import { ACCESS_READ } from "../../../src/machine/mmu.ts";
import { System, type RunResult, type SystemOptions } from "../../../src/system/system.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "bin");

export function elfBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(BIN, `${name}.elf`)));
}

export interface ElfRun {
  sys: System;
  elf: ElfFile;
  result: RunResult;
  out: string;
  diag: string;
}

/**
 * Boots test ELF `name` and runs it (10 s simulated at most). `patch` gets to set doublewords
 * of the image by symbol before boot, as a loader patching variables would.
 */
export function runElf(name: string, opts: SystemOptions = {}, patch: Record<string, bigint> = {}): ElfRun {
  const bytes = elfBytes(name);
  const elf = parseElf(bytes);
  let out = "";
  let diag = "";
  const sys = new System({
    maxTicks: 10_000_000,
    ...opts,
    onConsole: (b) => {
      out += String.fromCharCode(b);
    },
    onDiagnostic: (t) => {
      diag += `${t}\n`;
    },
  });
  const img = elfImage(elf);
  const dv = new DataView(img.bytes.buffer);
  for (const [sym, v] of Object.entries(patch)) {
    const s = findSymbol(elf, sym);
    if (s === undefined) throw new Error(`no symbol ${sym}`);
    dv.setBigUint64(s.value - img.vaddr, v, true);
  }
  sys.bootImage(img);
  const result = sys.run();
  return { sys, elf, result, out, diag };
}

export function symbol(r: ElfRun, name: string): number {
  const s = findSymbol(r.elf, name);
  if (s === undefined) throw new Error(`no symbol ${name}`);
  return s.value;
}

/** The n 64-bit words at the root task's virtual address `vaddr`, as unsigned bigints. */
export function readWords(r: ElfRun, vaddr: number, n: number): bigint[] {
  const m = r.sys.machine;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const p = m.translate(vaddr + 8 * i, ACCESS_READ);
    if (p < 0) throw new Error(`0x${(vaddr + 8 * i).toString(16)} is not mapped`);
    out.push(m.memory.read64(p));
  }
  return out;
}

/** The words from symbol `from` up to symbol `to` (exclusive). */
export function readBetween(r: ElfRun, from: string, to: string): bigint[] {
  const a = symbol(r, from);
  return readWords(r, a, (symbol(r, to) - a) / 8);
}
