// RV64I/M register-register and register-immediate instructions (asm/alu.S) against the
// reference model, over an operand table of edge values: division by zero and overflow, W-suffix
// sign extension, shifts by 0/1/31/32/63, SLT/SLTU at the sign boundaries.

import { describe, expect, it } from "vitest";
import { readBetween, readWords, runElf, symbol } from "./harness.ts";
import { binary, RI_OPS, RR_OPS, u64, VALS } from "./ref.ts";

const hex = (v: bigint): string => `0x${v.toString(16)}`;

describe("RV64IM ALU instructions (asm/alu.S)", () => {
  const r = runElf("alu");
  const results = readBetween(r, "results", "results_end");

  it("runs to its halt with the operand table intact", () => {
    expect(r.result.reason).toBe("halt");
    expect(r.out).toBe(""); // '!' would mean the result count is off
    expect(readWords(r, symbol(r, "vals"), VALS.length)).toEqual(VALS);
  });

  let k = 0;
  for (const op of RR_OPS) {
    const base = k;
    k += VALS.length * VALS.length;
    it(`${op} over every pair of the table`, () => {
      const bad: string[] = [];
      let i = base;
      for (const a of VALS)
        for (const c of VALS) {
          const want = binary[op](a, c);
          if (results[i] !== want)
            bad.push(`${op} ${hex(a)}, ${hex(c)} = ${hex(results[i])}, want ${hex(want)}`);
          i++;
        }
      expect(bad).toEqual([]);
    });
  }
  for (const [op, imms] of RI_OPS) {
    for (const imm of imms) {
      const base = k;
      k += VALS.length;
      it(`${op} with immediate ${imm}`, () => {
        const bad: string[] = [];
        VALS.forEach((a, j) => {
          const want = binary[op](a, u64(BigInt(imm)));
          const got = results[base + j];
          if (got !== want) bad.push(`${op} ${hex(a)}, ${imm} = ${hex(got)}, want ${hex(want)}`);
        });
        expect(bad).toEqual([]);
      });
    }
  }
  it("covers every result slot", () => {
    expect(k).toBe(results.length);
  });
});
