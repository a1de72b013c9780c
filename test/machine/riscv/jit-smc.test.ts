// Self-modifying code: a store into code that has been translated is seen by the next execution
// of the instruction, with or without fence.i, even when the store and the instruction it
// rewrites lie in the same trace; the interpreter and the translator agree on every step.

import { describe, expect, it } from "vitest";
import { ACCESS_READ } from "../../../src/machine/mmu.ts";
import { System } from "../../../src/system/system.ts";
import { BACKENDS, elfBoot, imageBoot, record } from "./jit-harness.ts";
import { ADDI, B, ECALL, FENCE_I, J, LD, LUI, SW } from "./rvgen.ts";

const BASE = 0x10000;
const AUIPC_X7 = (7 << 7) | 0x17;
const XOR = (rd: number, a: number, b: number): number =>
  ((b << 20) | (a << 15) | (4 << 12) | (rd << 7) | 0x33) >>> 0;

/** Two words: addi x5, x5, 1 and addi x5, x5, 100 (the patch). */
const ADD1 = ADDI(5, 5, 1);
const ADD100 = ADDI(5, 5, 100);

function image(code: number[]): { vaddr: number; bytes: Uint8Array; entry: number } {
  const bytes = new Uint8Array(3 * 4096);
  const dv = new DataView(bytes.buffer);
  code.forEach((w, i) => dv.setUint32(4 * i, w, true));
  // Data page 0x12000: the patch word, and the xor of the two forms.
  dv.setUint32(8192, ADD100, true);
  dv.setUint32(8200, (ADD1 ^ ADD100) >>> 0, true);
  return { vaddr: BASE, bytes, entry: BASE };
}

const HALT = [ADDI(17, 0, -14), ECALL];

/** A loop run 20 times, then its first instruction rewritten (and fence.i), then again. */
function patchAfterLoop(fence: boolean): number[] {
  const c: number[] = [LUI(8, 0x12), LD(6, 8, 0), ADDI(9, 0, 2)];
  const phase = c.length;
  c.push(ADDI(4, 0, 20));
  const target = c.length;
  c.push(ADD1, ADDI(4, 4, -1), B(1, 4, 0, -8));
  const auipc = c.length;
  c.push(AUIPC_X7, SW(6, 7, 4 * (target - auipc)));
  if (fence) c.push(FENCE_I);
  c.push(ADDI(9, 9, -1));
  c.push(B(1, 9, 0, 4 * (phase - c.length)));
  c.push(...HALT);
  return c;
}

/** Every iteration rewrites the instruction two words ahead (alternating forms), then runs it. */
function patchAhead(): number[] {
  const c: number[] = [LUI(8, 0x12), LD(6, 8, 0), LD(10, 8, 8), ADDI(4, 0, 40)];
  const loop = c.length;
  c.push(AUIPC_X7, SW(6, 7, 12), XOR(6, 6, 10), ADD1, ADDI(4, 4, -1));
  c.push(B(1, 4, 0, 4 * (loop - c.length)));
  c.push(...HALT);
  return c;
}

const x5 = (exit: string): bigint => {
  const f = exit.split(" ").slice(6);
  const [hi, lo] = f[4].split(":");
  return (BigInt(hi) << 32n) | BigInt(lo);
};

describe.each(BACKENDS)("stores into translated code (%s)", (backend) => {
  it.each([true, false])(
    "a loop rewritten after it was translated runs the new code (fence.i: %s)",
    (fence) => {
      const img = image(patchAfterLoop(fence));
      const a = record(imageBoot(img), false);
      const b = record(imageBoot(img), backend);
      expect(b.exits).toEqual(a.exits);
      expect(b.made).toBeGreaterThan(0);
      expect(x5(b.exits.at(-1)!)).toBe(20n + 20n * 100n);
    },
  );

  it("an instruction rewritten by a store earlier in the same trace", () => {
    const img = image(patchAhead());
    const a = record(imageBoot(img), false);
    const b = record(imageBoot(img), backend);
    expect(b.exits).toEqual(a.exits);
    expect(b.made).toBeGreaterThan(0);
    expect(x5(b.exits.at(-1)!)).toBe(20n * 100n + 20n * 1n);
  });
});

describe.each(BACKENDS)("code written from outside the hart between runs (%s)", (backend) => {
  it("is seen by the next run, as on the interpreter", () => {
    // A loop of 30,000 iterations; after 20,000 ticks its first instruction is rewritten in
    // physical memory, as a loader reusing the frame would.
    const c: number[] = [ADDI(4, 0, 0), LUI(4, 8), ADDI(4, 4, -1)];
    // x4 = 0x8000 - 1 = 32767 iterations
    const target = c.length;
    c.push(ADD1, ADDI(4, 4, -1), B(1, 4, 0, -8), ...HALT);
    const img = image(c);
    const run = (jit: false | "js" | "wasm"): { x5: bigint; made: number } => {
      const sys = new System({ jit, onConsole: () => undefined });
      if (sys.rv.translator !== null) sys.rv.translator.compileAfter = 0;
      sys.bootImage({ vaddr: img.vaddr, bytes: img.bytes.slice(), entry: img.entry });
      expect(sys.run(200).reason).toBe("max-time");
      const p = sys.machine.translate(BASE + 4 * target, ACCESS_READ);
      sys.machine.memory.write32(p, ADD100);
      expect(sys.run().reason).toBe("halt");
      const h = sys.rv.hart;
      return {
        x5: (BigInt(h.xhi[5] >>> 0) << 32n) | BigInt(h.xlo[5] >>> 0),
        made: sys.rv.translator?.made ?? 0,
      };
    };
    const a = run(false);
    const b = run(backend);
    expect(b.made).toBeGreaterThan(0);
    expect(b.x5).toBe(a.x5);
    // Some iterations ran each form.
    expect(a.x5 % 99n !== 0n && a.x5 > 32767n).toBe(true);
  });
});

/** jalr rd, imm(rs1) */
const JALR = (rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x67) >>> 0;

/** A caller in the page at BASE, and f (addi x5, x5, 1; ret) at the start of the next page. */
function callerImage(caller: number[]): { vaddr: number; bytes: Uint8Array; entry: number } {
  const img = image(caller);
  const dv = new DataView(img.bytes.buffer);
  dv.setUint32(4096, ADD1, true);
  dv.setUint32(4100, JALR(0, 1, 0), true);
  return img;
}

/** `jal ra, f` from word `at` of the caller's page. */
const CALL_F = (at: number): number => J(1, 4096 - 4 * at);

describe("traces entered from other traces in WebAssembly (the runner, wasm-chain.ts)", () => {
  it("a callee rewritten by the hart in another page runs its new code", () => {
    // Two phases of 20 calls of f; between them the caller stores addi x5, x5, 100 over f's
    // first instruction (and fence.i). After the store, the runner must not enter f's old trace.
    const c: number[] = [LUI(8, 0x12), LD(6, 8, 0), ADDI(9, 0, 2)];
    const phase = c.length;
    c.push(ADDI(4, 0, 20));
    const loop = c.length;
    c.push(CALL_F(c.length), ADDI(4, 4, -1), B(1, 4, 0, 4 * (loop - (c.length + 0))));
    c[c.length - 1] = B(1, 4, 0, 4 * (loop - (c.length - 1)));
    c.push(LUI(7, 0x11), SW(6, 7, 0), FENCE_I, ADDI(9, 9, -1));
    c.push(B(1, 9, 0, 4 * (phase - c.length)));
    c.push(...HALT);
    const img = callerImage(c);
    const a = record(imageBoot(img), false);
    const b = record(imageBoot(img), "wasm");
    expect(b.exits).toEqual(a.exits);
    expect(b.sys.rv.translator!.chained).toBeGreaterThan(0);
    expect(x5(b.exits.at(-1)!)).toBe(20n + 20n * 100n);
  });

  it("a callee rewritten from outside the hart between runs is verified before it is entered", () => {
    // 32,767 calls of f; after 200 ticks f's first instruction is rewritten in physical memory.
    const c: number[] = [LUI(4, 8), ADDI(4, 4, -1)];
    const loop = c.length;
    c.push(CALL_F(c.length), ADDI(4, 4, -1));
    c.push(B(1, 4, 0, 4 * (loop - c.length)), ...HALT);
    const img = callerImage(c);
    const run = (jit: false | "wasm"): { x5: bigint; chained: number } => {
      const sys = new System({ jit, onConsole: () => undefined });
      if (sys.rv.translator !== null) sys.rv.translator.compileAfter = 0;
      sys.bootImage({ vaddr: img.vaddr, bytes: img.bytes.slice(), entry: img.entry });
      expect(sys.run(200).reason).toBe("max-time");
      const chained = sys.rv.translator?.chained ?? 0;
      sys.machine.memory.write32(sys.machine.translate(BASE + 4096, ACCESS_READ), ADD100);
      expect(sys.run().reason).toBe("halt");
      const h = sys.rv.hart;
      return { x5: (BigInt(h.xhi[5] >>> 0) << 32n) | BigInt(h.xlo[5] >>> 0), chained };
    };
    const a = run(false);
    const b = run("wasm");
    expect(b.chained).toBeGreaterThan(0);
    expect(b.x5).toBe(a.x5);
    expect(a.x5 % 99n !== 0n && a.x5 > 32767n).toBe(true);
  });
});

describe.each(BACKENDS)("traps from inside translated code (%s)", (backend) => {
  // A loop of 300 iterations that, when x4 reaches 5 (long after it was translated), takes the
  // trapping instruction; the trap must be the interpreter's: pc, scause and stval.
  const hotLoop = (trapping: number[]): { vaddr: number; bytes: Uint8Array; entry: number } => {
    const c: number[] = [ADDI(4, 0, 300), ADDI(5, 0, 5)];
    const loop = c.length;
    c.push(ADDI(4, 4, -1), B(1, 4, 5, 4 * (1 + trapping.length)), ...trapping);
    c.push(B(1, 4, 0, 4 * (loop - c.length)), ...HALT);
    return image(c);
  };
  it.each([
    ["ebreak (scause 3, stval its pc)", [0x00100073], 3],
    // jalr to 2^38: the fetch there faults (scause 12, stval the target).
    ["a jalr out of the user address space", [ADDI(6, 0, 1), 0x02631313, JALR(0, 6, 0)], 12],
  ] as const)("%s", (_what, trapping, cause) => {
    const img = hotLoop([...trapping]);
    const a = record(imageBoot(img), false);
    const b = record(imageBoot(img), backend);
    expect(b.made).toBeGreaterThan(0);
    expect(b.exits).toEqual(a.exits);
    expect(a.exits.at(-1)).toMatch(new RegExp(` cause=${cause} `));
  });
});

describe("the runner's slots running out (wasm)", () => {
  it.each([2, 5])(
    "with %i slots, every trace dropped and made again, runs as on the interpreter",
    (slots) => {
      // A program of many short runs (about 280 traces made); with so few slots they are dropped
      // over and over, and no trace may then run in a slot given out again.
      const path = "test/sdk/programs/syscalls.elf";
      const boot = elfBoot(path);
      const a = record(boot, false);
      const b = record((sys) => {
        sys.rv.translator!.limitSlots(slots);
        boot(sys);
      }, "wasm");
      expect(b.made).toBeGreaterThan(2 * slots);
      expect(b.exits).toEqual(a.exits);
      expect(b.console).toBe(a.console);
    },
  );
});
