// The M extension's 64-bit division on the hart's (lo, hi) halves against BigInt, over random and
// edge operands: the exact double paths (small divisors, estimate and correct) must never differ.

import { expect, it } from "vitest";
import fc from "fast-check";
import { divrem } from "../../../src/machine/riscv/alu.ts";
const M = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
function ref(a: bigint, b: bigint, kind: number): bigint {
  if (b === 0n) return kind >= 2 ? a : M;
  if (kind === 0) return BigInt.asUintN(64, s64(a) / s64(b));
  if (kind === 1) return a / b;
  if (kind === 2) return BigInt.asUintN(64, s64(a) % s64(b));
  return a % b;
}
const edge = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: (1n << 22n) - 1n }),
  fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }),
  fc.constantFrom(
    0n,
    1n,
    M,
    1n << 63n,
    (1n << 63n) - 1n,
    3n,
    1n << 21n,
    (1n << 21n) - 1n,
    1n << 52n,
    1n << 62n,
  ),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v | (1n << 63n)),
);
it("DIV, DIVU, REM, REMU agree with BigInt division on random and edge operands (no BigInt in the hart)", () => {
  const xlo = new Int32Array(4),
    xhi = new Int32Array(4);
  fc.assert(
    fc.property(edge, edge, fc.integer({ min: 0, max: 3 }), (a, b, k) => {
      xlo[1] = Number(a & 0xffffffffn) | 0;
      xhi[1] = Number(a >> 32n) | 0;
      xlo[2] = Number(b & 0xffffffffn) | 0;
      xhi[2] = Number(b >> 32n) | 0;
      divrem(xlo, xhi, 3, 1, 2, k);
      const got = (BigInt(xhi[3] >>> 0) << 32n) | BigInt(xlo[3] >>> 0);
      expect(got).toBe(ref(a, b, k));
    }),
    { numRuns: 20000 },
  );
});
