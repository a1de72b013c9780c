// Every implemented RVC instruction (asm/compressed.S), written with its c. mnemonic.

import { describe, expect, it } from "vitest";
import { readBetween, runElf, symbol } from "./harness.ts";
import { u64 } from "./ref.ts";

const r = runElf("compressed");
const res = readBetween(r, "results", "results_end");

const want: [string, bigint][] = [
  ["c.addi4spn +16", 16n],
  ["c.addi4spn +1020", 1020n],
  ["c.lw sign-extends", 0xffffffff87654321n],
  ["c.ld", 0x8000000000000001n],
  ["c.sw writes 4 bytes", 0xfffffffe00000000n],
  ["c.sd", u64(-2n)],
  ["c.addi -6", u64(-1n)],
  ["c.addi 31", 30n],
  ["c.addiw wraps and sign-extends", 0xffffffff80000000n],
  ["c.addiw 0 = sext.w", 5n],
  ["c.li -32", u64(-32n)],
  ["c.li 31", 31n],
  ["c.addi16sp -512", 512n],
  ["c.addi16sp +496", 16n],
  ["c.lui 1", 0x1000n],
  ["c.lui 0x1f", 0x1f000n],
  ["c.lui -31 sign-extends", u64(-31n * 0x1000n)],
  ["c.srli 1", 0x7ffffffffffffff8n],
  ["c.srai 1", u64(-8n)],
  ["c.srli 63", 1n],
  ["c.srai 32", 0xffffffff80000000n],
  ["c.andi -32", 0x123456780n],
  ["c.andi 31", 9n],
  ["c.sub", u64(10n - 0x8000000000000003n)],
  ["c.xor", 0x800000000000ff03n],
  ["c.or", 0x800000000000ff03n],
  ["c.and", 0x8000000000000003n],
  ["c.subw", 0x7fffffffn],
  ["c.addw", 0xffffffff80000000n],
  ["c.j", 0n],
  ["c.beqz taken", 0n],
  ["c.beqz not taken", 1n],
  ["c.bnez taken (high bits only)", 0n],
  ["c.bnez not taken", 1n],
  ["c.slli 1", 0x100000002n],
  ["c.slli 32", 0x8000000100000000n],
  ["c.slli 63", 0x8000000000000000n],
  ["c.sdsp/c.ldsp", 0xfedcba9876543210n],
  ["c.lwsp sign-extends", 0xfffffffffedcba98n],
  ["c.swsp writes the low word", 0x76543210n],
];

describe("RVC instructions (asm/compressed.S)", () => {
  it("runs to its halt", () => {
    expect(r.result.reason).toBe("halt");
    expect(r.out).toBe("");
  });
  it("every compressed instruction computes what its expansion does", () => {
    const got = res.slice(0, want.length);
    expect(want.map(([n], i) => [n, `0x${got[i].toString(16)}`])).toEqual(
      want.map(([n, v]) => [n, `0x${v.toString(16)}`]),
    );
  });
  it("c.jr jumps, c.jalr links, c.mv copies, c.add adds", () => {
    const rest = res.slice(want.length);
    expect(rest).toEqual([BigInt(symbol(r, "cjalr_ret")), u64(-5n), 0x100000000n]);
  });
});
