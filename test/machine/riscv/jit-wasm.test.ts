// The WebAssembly backend's own edges: its binary encoder (LEB128 immediates of every size), RAM
// above 2 GiB in a WebAssembly.Memory, and the fallback to JavaScript where RAM does not fit one
// (memory32 addresses 4 GiB, and RAM's buffer also holds the side arrays).

import { describe, expect, it } from "vitest";
import { RAM_BASE } from "../../../src/abi/platform.ts";
import { Machine } from "../../../src/machine/machine.ts";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, writePte } from "../../../src/machine/mmu.ts";
import { CPU_ECALL, Hart } from "../../../src/machine/riscv/cpu.ts";
import { Translator } from "../../../src/machine/riscv/translate.ts";
import { Code, encodeModule, I64 } from "../../../src/machine/riscv/wasm-encode.ts";
import { wasmApi } from "../../../src/machine/wasm-api.ts";
import { ADDI, B, ECALL, LD, LUI } from "./rvgen.ts";

const PAGE = 0x1000;
const MiB = 1024 * 1024;
const LEAF = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_U;
const SD = (rs2: number, rs1: number, imm: number): number =>
  (((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;

describe("the WebAssembly encoder", () => {
  it("i64 constants of every size come back as written", () => {
    const values = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 2n ** 31n, -(2n ** 31n), 2n ** 52n, -(2n ** 53n) + 1n];
    for (const v of values) {
      const c = new Code();
      c.i64(Number(v));
      const bytes = encodeModule({
        types: [{ params: [], results: [I64] }],
        imports: [],
        funcs: [{ type: 0, locals: [], body: c }],
        exports: [{ name: "f", func: 0 }],
      });
      const m = new wasmApi!.Module(bytes);
      const inst = new wasmApi!.Instance(m, { j: { m: new wasmApi!.Memory({ initial: 1, maximum: 1 }) } });
      expect((inst.exports.f as () => bigint)(), String(v)).toBe(v);
    }
  });
});

/**
 * A loop at the top of `ramMiB` of RAM (page tables, code and data in its last pages) adds 1 to
 * a doubleword 300 times; run on the interpreter or translated into `backend`.
 */
function loopAtTop(ramMiB: number, backend: "js" | "wasm" | null): { value: bigint; tr: Translator | null } {
  const m = new Machine({ ramSize: ramMiB * MiB, wasmRam: backend === "wasm" });
  const top = RAM_BASE + ramMiB * MiB;
  const root = top - 16 * PAGE;
  const codePaddr = top - 2 * PAGE;
  const dataPaddr = top - PAGE;
  writePte(m.memory, root, root + PAGE, PTE_V);
  writePte(m.memory, root + PAGE, root + 2 * PAGE, PTE_V);
  writePte(m.memory, root + 2 * PAGE + 8 * 0x10, codePaddr, LEAF | PTE_X);
  writePte(m.memory, root + 2 * PAGE + 8 * 0x20, dataPaddr, LEAF);
  const code = [LUI(5, 0x20), ADDI(4, 0, 300), LD(6, 5, 0), ADDI(6, 6, 1), SD(6, 5, 0), ADDI(4, 4, -1)];
  code.push(B(1, 4, 0, -16), ECALL);
  code.forEach((w, i) => m.memory.write32(codePaddr + 4 * i, w));
  m.memory.write64(dataPaddr, 0x7fff_ffff_ffff_fff0n);
  m.satp = root;
  const hart = new Hart(m);
  hart.pcLo = 0x10000;
  const tr = backend === null ? null : new Translator(hart, m, backend);
  if (tr !== null) tr.compileAfter = 0; // a short loop: translate at once
  expect(tr === null ? hart.run() : tr.run()).toBe(CPU_ECALL);
  expect(hart.pcLo).toBe(0x10000 + 4 * (code.length - 1));
  return { value: m.memory.read64(dataPaddr), tr };
}

describe("RAM in a WebAssembly.Memory", () => {
  it("3 GiB of RAM: code and data above 2 GiB run translated into WebAssembly", () => {
    const { value, tr } = loopAtTop(3072, "wasm");
    expect(tr!.usesWasm).toBe(true);
    expect(tr!.made).toBeGreaterThan(0);
    expect(tr!.wasmFailed).toBe(0);
    expect(value).toBe(loopAtTop(3072, null).value);
    expect(value).toBe(0x7fff_ffff_ffff_fff0n + 300n);
  });

  it("4 GiB of RAM does not fit: the translator falls back to JavaScript, same results", () => {
    const { value, tr } = loopAtTop(4096, "wasm");
    expect(tr!.usesWasm).toBe(false);
    expect(tr!.made).toBeGreaterThan(0);
    expect(value).toBe(0x7fff_ffff_ffff_fff0n + 300n);
  });
});
