// Every F and D instruction (asm/fp.S) in every rounding mode over tables of edge values, compared
// record by record (result register with its NaN-box, and the fflags raised) with the same
// program run under QEMU's user-mode emulator (fp/expected.bin.gz, from scripts/gen-fp-expected.sh).
// When qemu-riscv64 and the cross compiler are installed, a second test regenerates the table and
// checks the committed one is what QEMU gives today.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ACCESS_READ } from "../../../src/machine/mmu.ts";
import { type ElfRun, runElf, symbol } from "./harness.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const EXPECTED = join(HERE, "fp", "expected.bin.gz");
const ROOT = join(HERE, "..", "..", "..");

const RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn/rne", "dyn/rtz", "dyn/rdn", "dyn/rup", "dyn/rmm"];
const FMA_RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn/rup"];
const DBIN = 24 * 24;
const SBIN = 24 * 24;
const DUN = 52;
const SUN = 44;
const INTS = 32;
const FMA = 12 * 12 * 12;

/** The program's sections in order: [instruction, rounding variant, records]. */
function sections(): [string, string, number][] {
  const out: [string, string, number][] = [];
  const all = (insn: string, n: number): void => {
    for (const rm of RMS) out.push([insn, rm, n]);
  };
  for (const op of ["fadd.d", "fsub.d", "fmul.d", "fdiv.d"]) all(op, DBIN);
  for (const op of ["fadd.s", "fsub.s", "fmul.s", "fdiv.s"]) all(op, SBIN);
  all("fsqrt.d", DUN);
  all("fsqrt.s", SUN);
  all("fcvt.s.d", DUN);
  out.push(["fcvt.d.s", "-", SUN]);
  for (const t of ["w", "wu", "l", "lu"]) all(`fcvt.${t}.d`, DUN);
  for (const t of ["w", "wu", "l", "lu"]) all(`fcvt.${t}.s`, SUN);
  out.push(["fcvt.d.w", "-", INTS], ["fcvt.d.wu", "-", INTS]);
  all("fcvt.d.l", INTS);
  all("fcvt.d.lu", INTS);
  for (const t of ["w", "wu", "l", "lu"]) all(`fcvt.s.${t}`, INTS);
  for (const f of ["d", "s"])
    for (const op of ["fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx"]) out.push([`${op}.${f}`, "-", DBIN]);
  for (const f of ["d", "s"]) for (const op of ["feq", "flt", "fle"]) out.push([`${op}.${f}`, "-", DBIN]);
  out.push(["fclass.d", "-", DUN], ["fclass.s", "-", SUN], ["fmv.x.d", "-", DUN], ["fmv.x.w", "-", SUN]);
  out.push(["fmv.d.x", "-", INTS], ["fmv.w.x", "-", INTS]);
  for (const f of ["d", "s"])
    for (const op of ["fmadd", "fmsub", "fnmsub", "fnmadd"])
      for (const rm of FMA_RMS) out.push([`${op}.${f}`, rm, FMA]);
  out.push(["loads and stores", "-", INTS * 5], ["fcsr/frm/fflags", "-", 12]);
  out.push(["fmadd.s near a midpoint", "rne/rtz/rup", 3], ["fmadd.d near a midpoint", "rne/rtz/rup", 3]);
  return out;
}

/** `len` bytes of the root task's memory from `vaddr`. */
function readBytes(r: ElfRun, vaddr: number, len: number): Uint8Array {
  const m = r.sys.machine;
  const out = new Uint8Array(len);
  for (let i = 0; i < len;) {
    const p = m.translate(vaddr + i, ACCESS_READ);
    if (p < 0) throw new Error(`0x${(vaddr + i).toString(16)} is not mapped`);
    const n = Math.min(len - i, 4096 - ((vaddr + i) & 4095));
    out.set(m.memory.u8.subarray(p - m.memory.ramBase, p - m.memory.ramBase + n), i);
    i += n;
  }
  return out;
}

function compare(got: Uint8Array, want: Uint8Array): string[] {
  const g = new DataView(got.buffer, got.byteOffset, got.byteLength);
  const w = new DataView(want.buffer, want.byteOffset, want.byteLength);
  const bad: string[] = [];
  let rec = 0;
  for (const [insn, rm, n] of sections()) {
    for (let i = 0; i < n; i++, rec++) {
      const o = rec * 16;
      if (o + 16 > want.byteLength) return [...bad, `expected table ends at record ${rec}`];
      const gv = g.getBigUint64(o, true);
      const gf = g.getBigUint64(o + 8, true);
      const wv = w.getBigUint64(o, true);
      const wf = w.getBigUint64(o + 8, true);
      if (gv !== wv || (gf !== wf && bad.length < 40))
        bad.push(
          `${insn} ${rm} #${i}: 0x${gv.toString(16)} flags ${gf}, want 0x${wv.toString(16)} flags ${wf}`,
        );
    }
  }
  if (rec * 16 !== want.byteLength)
    bad.push(`${rec} records in the sections, ${want.byteLength / 16} expected`);
  return bad;
}

describe("F and D instructions (asm/fp.S) against QEMU", () => {
  const r = runElf("fp", { maxTicks: 100_000_000 });
  const used = Number(new DataView(readBytes(r, symbol(r, "results_used"), 8).buffer).getBigUint64(0, true));
  const got = readBytes(r, symbol(r, "results"), used);
  const want = gunzipSync(readFileSync(EXPECTED));

  it("runs to its halt and records as many results as QEMU did", () => {
    expect(r.result.reason).toBe("halt");
    expect(used).toBe(want.byteLength);
  });

  it("every record (result bits and fflags) is QEMU's", () => {
    expect(compare(got, want)).toEqual([]);
  });

  const tools = (): boolean => {
    try {
      execFileSync("qemu-riscv64", ["--version"], { stdio: "ignore" });
      execFileSync("riscv64-unknown-elf-gcc", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  it.runIf(tools())("the committed table is what qemu-riscv64 gives today", () => {
    const dir = mkdtempSync(join(tmpdir(), "fp-expected-"));
    try {
      const out = join(dir, "expected.bin.gz");
      execFileSync("sh", [join(ROOT, "scripts", "gen-fp-expected.sh"), out], { stdio: "ignore" });
      expect(existsSync(out)).toBe(true);
      expect(gunzipSync(readFileSync(out)).equals(want)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
