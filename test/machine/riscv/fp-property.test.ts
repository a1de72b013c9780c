// The F/D fast paths (host doubles, Math.fround, TwoSum/TwoProduct) agree with the exact BigInt
// path of fparith.ts (itself checked against QEMU by fp.test.ts) on random operands: same result
// bits and same flags, in every rounding mode, for + − × ÷ √ in both formats.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as fa from "../../../src/machine/riscv/fparith.ts";
import { execFp, FpuState } from "../../../src/machine/riscv/fpu.ts";

const xlo = new Int32Array(33);
const xhi = new Int32Array(33);

// OP-FP encodings: funct5 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | 0x53.
function insn(f5: number, fmt: number, rm: number): number {
  return ((f5 << 27) | (fmt << 25) | (2 << 20) | (1 << 15) | (rm << 12) | (3 << 7) | 0x53) >>> 0;
}

function bitsOf(st: FpuState, r: number): bigint {
  return (BigInt(st.i32[2 * r + 1] >>> 0) << 32n) | BigInt(st.i32[2 * r] >>> 0);
}

function setReg(st: FpuState, r: number, fmt: number, v: bigint): void {
  const bits = fmt === 0 ? (0xffffffffn << 32n) | (v & 0xffffffffn) : v;
  st.i32[2 * r] = Number(bits & 0xffffffffn) | 0;
  st.i32[2 * r + 1] = Number(bits >> 32n) | 0;
}

// Operands near interesting places as well as anywhere: small exponents, integers, 1 ± ulps.
const double = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, d);
    return b.getBigUint64(0);
  }),
  fc.integer({ min: -3, max: 3 }).map((k) => BigInt.asUintN(64, 0x3ff0000000000000n + BigInt(k))),
);
const single = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
  fc.integer({ min: -3, max: 3 }).map((k) => BigInt(0x3f800000 + k)),
  fc.float({ min: -1e4, max: 1e4, noNaN: true }).map((f) => {
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, f);
    return BigInt(b.getUint32(0));
  }),
);

const OPS: [string, number][] = [
  ["add", 0x00],
  ["sub", 0x01],
  ["mul", 0x02],
  ["div", 0x03],
  ["sqrt", 0x0b],
];

function exact(op: string, fmt: number, a: bigint, b: bigint, rm: number): bigint {
  const ua = fa.unpack(fmt, a);
  const ub = fa.unpack(fmt, b);
  switch (op) {
    case "add":
      return fa.add(fmt, ua, ub, false, rm);
    case "sub":
      return fa.add(fmt, ua, ub, true, rm);
    case "mul":
      return fa.mul(fmt, ua, ub, rm);
    case "div":
      return fa.div(fmt, ua, ub, rm);
    default:
      return fa.sqrt(fmt, ua, rm);
  }
}

describe("F/D fast paths agree with the exact path", () => {
  for (const [fmt, name, gen] of [
    [1, "D", double],
    [0, "S", single],
  ] as const) {
    for (const [op, f5] of OPS) {
      it(`${op}.${name.toLowerCase()} in every rounding mode`, () => {
        fc.assert(
          fc.property(gen, gen, fc.integer({ min: 0, max: 4 }), (a, b, rm) => {
            const st = new FpuState();
            setReg(st, 1, fmt, a);
            setReg(st, 2, fmt, b);
            const w = f5 === 0x0b ? insn(f5, fmt, rm) & ~(31 << 20) : insn(f5, fmt, rm);
            expect(execFp(st, xlo, xhi, w)).toBe(true);
            fa.clearFlags();
            const want = exact(op, fmt, a, b, rm);
            const got = bitsOf(st, 3);
            const wantBits = fmt === 0 ? (0xffffffffn << 32n) | want : want;
            expect([got.toString(16), st.fflags]).toEqual([wantBits.toString(16), fa.flags]);
          }),
          { numRuns: 3000 },
        );
      });
    }
  }

  // FMA operands: random ones, and addends that nearly cancel the product (the hard cases).
  for (const [fmt, name, gen] of [
    [1, "d", double],
    [0, "s", single],
  ] as const) {
    for (const [opname, opc] of [
      ["fmadd", 0x43],
      ["fmsub", 0x47],
      ["fnmsub", 0x4b],
      ["fnmadd", 0x4f],
    ] as const) {
      it(`${opname}.${name} in every rounding mode`, () => {
        fc.assert(
          fc.property(gen, gen, gen, fc.boolean(), fc.integer({ min: 0, max: 4 }), (a, b, c0, cancel, rm) => {
            const st = new FpuState();
            setReg(st, 1, fmt, a);
            setReg(st, 2, fmt, b);
            let c = c0;
            if (cancel) {
              // c = -(a×b) rounded, nudged by c0's low bits: the sum cancels to a few bits.
              const x = fmt === 1 ? st.f64[1] * st.f64[2] : Math.fround(sv(st, 1) * sv(st, 2));
              const dv = new DataView(new ArrayBuffer(8));
              if (fmt === 1) {
                dv.setFloat64(0, -x);
                c = BigInt.asUintN(64, dv.getBigUint64(0) + (c0 & 3n) - 1n);
              } else {
                dv.setFloat32(0, -x);
                c = BigInt.asUintN(32, BigInt(dv.getUint32(0)) + (c0 & 3n) - 1n);
              }
            }
            setReg(st, 4, fmt, c);
            const w = ((4 << 27) | (fmt << 25) | (2 << 20) | (1 << 15) | (rm << 12) | (3 << 7) | opc) >>> 0;
            expect(execFp(st, xlo, xhi, w)).toBe(true);
            fa.clearFlags();
            const want = fa.fma(
              fmt,
              fa.unpack(fmt, a),
              fa.unpack(fmt, b),
              fa.unpack(fmt, c),
              opc === 0x4b || opc === 0x4f,
              opc === 0x47 || opc === 0x4f,
              rm,
            );
            const wantBits = fmt === 0 ? (0xffffffffn << 32n) | want : want;
            expect([bitsOf(st, 3).toString(16), st.fflags]).toEqual([wantBits.toString(16), fa.flags]);
          }),
          { numRuns: 3000 },
        );
      });
    }
  }
});

function sv(st: FpuState, r: number): number {
  const f = new Float32Array(1);
  new Int32Array(f.buffer)[0] = st.i32[2 * r];
  return f[0];
}
