// The A extension (asm/atomic.S): AMOs against the reference model, and LR/SC reservations.

import { describe, expect, it } from "vitest";
import { readBetween, runElf } from "./harness.ts";
import { s64, sext32, u64, VALS } from "./ref.ts";

const r = runElf("atomic");
const res = readBetween(r, "results", "results_end");
const LO = 0xffffffffn;

const ops: Record<string, (a: bigint, b: bigint, signed: (x: bigint) => bigint) => bigint> = {
  swap: (_a, b) => b,
  add: (a, b) => a + b,
  xor: (a, b) => a ^ b,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  min: (a, b, s) => (s(a) < s(b) ? a : b),
  max: (a, b, s) => (s(a) > s(b) ? a : b),
  minu: (a, b) => (a < b ? a : b),
  maxu: (a, b) => (a > b ? a : b),
};
const names = Object.keys(ops);
const cases: [string, boolean][] = [
  ...names.map((n): [string, boolean] => [n, false]),
  ...names.map((n): [string, boolean] => [n, true]),
  ["add", false],
  ["swap", true],
];

describe("A extension (asm/atomic.S)", () => {
  it("runs to its halt", () => {
    expect(r.result.reason).toBe("halt");
    expect(r.out).toBe("");
  });

  let k = 0;
  for (const [name, dbl] of cases) {
    const base = k;
    k += 2 * VALS.length * VALS.length;
    it(`amo${name}.${dbl ? "d" : "w"}: rd = old value, memory = op(old, rs2)`, () => {
      const bad: string[] = [];
      let i = base;
      for (const a of VALS)
        for (const b of VALS) {
          let old: bigint;
          let mem: bigint;
          if (dbl) {
            old = a;
            mem = u64(ops[name](a, b, s64));
          } else {
            old = sext32(a);
            const w = ops[name](a & LO, b & LO, (x) => BigInt.asIntN(32, x)) & LO;
            mem = (a & ~LO & u64(-1n)) | w;
          }
          if (res[i] !== old || res[i + 1] !== mem)
            bad.push(
              `${name} ${a.toString(16)} ${b.toString(16)}: ${res[i].toString(16)} ${res[i + 1].toString(16)}`,
            );
          i += 2;
        }
      expect(bad).toEqual([]);
    });
  }

  it("LR/SC: success, failure without a reservation, reservation used up, lost across a syscall, other address", () => {
    const t = res.slice(k);
    expect(t).toEqual([
      0xffffffff80000001n, // lr.w sign-extends
      0n, // sc.w succeeds
      0xfffffffe12345678n,
      1n, // sc.w without a reservation fails
      0xfffffffe12345678n, // ... and writes nothing
      0xfffffffe12345678n, // lr.d
      0n, // sc.d succeeds
      1n, // a second sc.d fails
      0xfffffffe80000001n,
      1n, // the ecall between lr.d and sc.d dropped the reservation
      1n, // sc.d to another address fails
      0n, // ... and writes nothing
      0xfffffffe80000001n + 100n, // the LR/SC increment loop
    ]);
  });
});
