// Loads and stores of every width and alignment (asm/mem.S), page-crossing accesses, LUI/AUIPC with
// high bits, JAL/JALR links and targets, and all six branches over the operand table.

import { describe, expect, it } from "vitest";
import { readBetween, runElf, symbol } from "./harness.ts";
import { s64, u64, VALS } from "./ref.ts";

const r = runElf("mem");
const res = readBetween(r, "results", "results_end");
let k = 0;
const take = (n: number): bigint[] => {
  const out = res.slice(k, k + n);
  k += n;
  return out;
};

/** Little-endian value of `size` bytes of `bytes` from `off`, sign-extended if asked. */
function le(bytes: number[], off: number, size: number, signed: boolean): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]);
  return signed ? u64(BigInt.asIntN(8 * size, v)) : v;
}

describe("RV64I loads, stores, jumps and branches (asm/mem.S)", () => {
  it("runs to its halt", () => {
    expect(r.result.reason).toBe("halt");
    expect(r.out).toBe("");
  });

  const buf = Array.from({ length: 32 }, (_, i) => 0x80 + i);
  for (const [name, size, signed] of [
    ["lb", 1, true],
    ["lh", 2, true],
    ["lw", 4, true],
    ["ld", 8, true],
    ["lbu", 1, false],
    ["lhu", 2, false],
    ["lwu", 4, false],
  ] as const) {
    const got = take(16);
    it(`${name} at offsets 0..15 (aligned and misaligned), sign/zero-extended`, () => {
      expect(got).toEqual(Array.from({ length: 16 }, (_, o) => le(buf, o, size, signed)));
    });
  }

  const value = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
  for (const [name, size] of [
    ["sb", 1],
    ["sh", 2],
    ["sw", 4],
    ["sd", 8],
  ] as const) {
    const got = take(16);
    it(`${name} at offsets 0..7 writes exactly its bytes`, () => {
      const want: bigint[] = [];
      for (let o = 0; o < 8; o++) {
        const bytes = new Array<number>(16).fill(0);
        for (let i = 0; i < size; i++) bytes[o + i] = value[i];
        want.push(le(bytes, 0, 8, false), le(bytes, 8, 8, false));
      }
      expect(got).toEqual(want);
    });
  }

  const cross = take(5);
  it("misaligned accesses across a page boundary", () => {
    const around = [0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0, 1, 2, 3, 4, 5, 6, 7];
    expect(cross[0]).toBe(le(around, 5, 8, true));
    expect(cross[1]).toBe(le(around, 6, 4, true));
    expect(cross[2]).toBe(le(around, 7, 2, false));
    const stored = around.slice();
    [8, 7, 6, 5, 4, 3, 2, 1].forEach((b, i) => (stored[3 + i] = b));
    expect(cross[3]).toBe(le(stored, 0, 8, false));
    expect(cross[4]).toBe(le(stored, 8, 8, false));
  });

  const upper = take(7);
  it("LUI and AUIPC sign-extend their 32-bit immediates", () => {
    expect(upper.slice(0, 4)).toEqual([0xffffffff80000000n, 0x7ffff000n, 0xfffffffffffff000n, 0n]);
    const pc = (s: string): bigint => BigInt(symbol(r, s));
    expect(upper[4]).toBe(pc("auipc0"));
    expect(upper[5]).toBe(u64(pc("auipc1") - 0x80000000n));
    expect(upper[6]).toBe(pc("auipc2") + 0x7ffff000n);
  });

  const links = take(5);
  it("JAL and JALR link to the next instruction; JALR clears bit 0 and reads rs1 before writing rd", () => {
    expect(links.slice(0, 4).map(Number)).toEqual(
      ["jal_ret", "jalr_ret", "jalr_ret2", "jalr_ret3"].map((s) => symbol(r, s)),
    );
    expect(links[4]).toBe(0n); // the far branch skipped the `li a3, 1`
  });

  for (const [name, taken] of [
    ["beq", (a: bigint, b: bigint) => a === b],
    ["bne", (a: bigint, b: bigint) => a !== b],
    ["blt", (a: bigint, b: bigint) => s64(a) < s64(b)],
    ["bge", (a: bigint, b: bigint) => s64(a) >= s64(b)],
    ["bltu", (a: bigint, b: bigint) => a < b],
    ["bgeu", (a: bigint, b: bigint) => a >= b],
  ] as const) {
    const got = take(VALS.length * VALS.length);
    it(`${name} over every pair of the table`, () => {
      const want = VALS.flatMap((a) => VALS.map((b) => (taken(a, b) ? 1n : 0n)));
      expect(got).toEqual(want);
    });
  }

  it("covers every result slot", () => {
    expect(k).toBe(res.length);
  });
});
