// Property: random RV64IM programs (ALU, M, loads and stores of every width, misaligned and
// page-crossing, forward branches and jumps) run in a loop long enough to be translated give the
// same registers, memory, instret and simulated time on the interpreter and translated, at every
// kernel entry, with slices of random length (so the hart stops at arbitrary instructions).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACCESS_READ } from "../../../src/machine/mmu.ts";
import type { System } from "../../../src/system/system.ts";
import { BACKENDS, imageBoot, record } from "./jit-harness.ts";
import { ADDI, B, COUNTER_REG, DATA_BASE_REG, ECALL, instruction, layOut, LD, LUI } from "./rvgen.ts";

const BASE = 0x10000;
const ITERATIONS = 8;

/** The program: registers from the data pages, the body ITERATIONS times, halt. */
function image(body: number[], data: Uint8Array): { vaddr: number; bytes: Uint8Array; entry: number } {
  const code: number[] = [LUI(DATA_BASE_REG, 0x12)];
  for (let r = 1; r < 32; r++)
    if (r !== DATA_BASE_REG && r !== COUNTER_REG) code.push(LD(r, DATA_BASE_REG, -2048 + 8 * r));
  code.push(ADDI(COUNTER_REG, 0, ITERATIONS));
  const loop = code.length;
  code.push(...body);
  code.push(ADDI(COUNTER_REG, COUNTER_REG, -1));
  code.push(B(1, COUNTER_REG, 0, 4 * (loop - code.length)));
  code.push(ADDI(17, 0, -14), ECALL); // seL4_DebugHalt
  const bytes = new Uint8Array(3 * 4096);
  const dv = new DataView(bytes.buffer);
  code.forEach((w, i) => dv.setUint32(4 * i, w, true));
  bytes.set(data, 4096);
  return { vaddr: BASE, bytes, entry: BASE };
}

function dataPages(sys: System): string {
  const m = sys.machine;
  let s = "";
  for (let a = BASE + 4096; a < BASE + 3 * 4096; a += 8) {
    const p = m.translate(a, ACCESS_READ);
    s += p < 0 ? "-" : m.memory.read64(p).toString(16) + ",";
  }
  return s;
}

describe.each(BACKENDS)("random programs: translated (%s) = interpreted", (backend) => {
  it("registers, memory, instret and time agree at every kernel entry", () => {
    fc.assert(
      fc.property(
        fc.array(instruction, { minLength: 8, maxLength: 80, size: "max" }),
        fc.uint8Array({ minLength: 8192, maxLength: 8192 }),
        fc.oneof(fc.constant(1 << 20), fc.integer({ min: 2, max: 300 })),
        (gens, data, maxSlice) => {
          const img = image(layOut(gens), data);
          const opts = { hart: { maxSlice }, maxTicks: 1_000_000 };
          const a = record(imageBoot(img), false, opts);
          const b = record(imageBoot(img), backend, opts);
          expect(a.result).toMatch(/^halt/);
          expect(b.exits).toEqual(a.exits);
          expect(b.result).toBe(a.result);
          expect(dataPages(b.sys)).toBe(dataPages(a.sys));
          if (maxSlice > 1000) expect(b.made).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
  }, 180_000);

  // Registers loaded from values at the edges of 32- and 64-bit arithmetic (division by zero and
  // overflow, the high halves of products, carries between the halves), where a backend's
  // 64-bit arithmetic would differ if it were wrong.
  it("the same with registers at the edges of the arithmetic", () => {
    const edge = fc.oneof(
      fc.constantFrom(0n, 1n, 2n, 3n, -1n, -2n, 1n << 63n, (1n << 63n) - 1n, 1n << 31n, (1n << 31n) - 1n),
      fc.constantFrom(-(1n << 31n), (1n << 32n) - 1n, 1n << 32n, 0xffff_ffff_0000_0000n),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    );
    fc.assert(
      fc.property(
        fc.array(instruction, { minLength: 8, maxLength: 60, size: "max" }),
        fc.array(edge, { minLength: 1024, maxLength: 1024 }),
        (gens, values) => {
          const data = new Uint8Array(8192);
          const dv = new DataView(data.buffer);
          values.forEach((v, k) => dv.setBigInt64(8 * k, BigInt.asIntN(64, v), true));
          const img = image(layOut(gens), data);
          const a = record(imageBoot(img), false);
          const b = record(imageBoot(img), backend);
          expect(b.exits).toEqual(a.exits);
          expect(b.result).toBe(a.result);
          expect(dataPages(b.sys)).toBe(dataPages(a.sys));
          expect(b.made).toBeGreaterThan(0);
        },
      ),
      { numRuns: 25, endOnFailure: true },
    );
  }, 180_000);
});
