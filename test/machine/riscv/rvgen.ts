// Encoders of RV64IM instructions (32-bit forms) and a generator of random straight-line
// programs with forward branches, for the translator's property test.

import fc from "fast-check";

const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
/** A branch by `off` bytes (even, within ±4 KiB). */
export const B = (f3: number, rs1: number, rs2: number, off: number): number =>
  ((((off >> 12) & 1) << 31) |
    (((off >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((off >> 1) & 15) << 8) |
    (((off >> 11) & 1) << 7) |
    0x63) >>>
  0;
export const J = (rd: number, off: number): number =>
  ((((off >> 20) & 1) << 31) |
    (((off >> 1) & 0x3ff) << 21) |
    (((off >> 11) & 1) << 20) |
    (((off >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f) >>>
  0;
export const LUI = (rd: number, imm20: number): number =>
  (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const ADDI = (rd: number, rs1: number, imm: number): number => I(imm, rs1, 0, rd, 0x13);
export const LD = (rd: number, rs1: number, imm: number): number => I(imm, rs1, 3, rd, 0x03);
export const SD = (rs2: number, rs1: number, imm: number): number => S(imm, rs2, rs1, 3);
export const SW = (rs2: number, rs1: number, imm: number): number => S(imm, rs2, rs1, 2);
export const LW = (rd: number, rs1: number, imm: number): number => I(imm, rs1, 2, rd, 0x03);
export const ECALL = 0x73;
export const FENCE_I = 0x100f;

// [funct7, funct3] of OP (0x33) and OP-32 (0x3b).
const OP_RR: [number, number][] = [
  [0, 0],
  [0x20, 0],
  [0, 1],
  [0, 2],
  [0, 3],
  [0, 4],
  [0, 5],
  [0x20, 5],
  [0, 6],
  [0, 7],
  [1, 0],
  [1, 1],
  [1, 2],
  [1, 3],
  [1, 4],
  [1, 5],
  [1, 6],
  [1, 7],
];
const OP_RR32: [number, number][] = [
  [0, 0],
  [0x20, 0],
  [0, 1],
  [0, 5],
  [0x20, 5],
  [1, 0],
  [1, 4],
  [1, 5],
  [1, 6],
  [1, 7],
];

/** Registers the random instructions may write: all but x0, x4 (loop counter) and x8 (data pointer). */
const DEST = [
  1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
];
export const DATA_BASE_REG = 8;
export const COUNTER_REG = 4;

const reg = fc.integer({ min: 0, max: 31 });
const dest = fc.constantFrom(...DEST);
const imm12 = fc.integer({ min: -2048, max: 2047 });

/**
 * One random instruction (or a forward branch/jump placeholder): `skip` > 0 means "branch or jump
 * over the next `skip` instructions", patched once the body is laid out.
 */
export interface Gen {
  w: number;
  skip: number;
}

export const instruction: fc.Arbitrary<Gen> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...OP_RR), dest, reg, reg)
    .map(([[f7, f3], rd, a, b]) => ({ w: R(f7, b, a, f3, rd, 0x33), skip: 0 })),
  fc
    .tuple(fc.constantFrom(...OP_RR32), dest, reg, reg)
    .map(([[f7, f3], rd, a, b]) => ({ w: R(f7, b, a, f3, rd, 0x3b), skip: 0 })),
  fc
    .tuple(fc.constantFrom(0, 2, 3, 4, 6, 7), dest, reg, imm12)
    .map(([f3, rd, a, imm]) => ({ w: I(imm, a, f3, rd, 0x13), skip: 0 })),
  fc
    .tuple(fc.constantFrom(0, 0x400), fc.constantFrom(1, 5), dest, reg, fc.integer({ min: 0, max: 63 }))
    .map(([hi, f3, rd, a, sh]) => ({ w: I((f3 === 1 ? 0 : hi) | sh, a, f3, rd, 0x13), skip: 0 })),
  fc.tuple(dest, reg, imm12).map(([rd, a, imm]) => ({ w: I(imm, a, 0, rd, 0x1b), skip: 0 })),
  fc
    .tuple(fc.constantFrom(0, 0x400), fc.constantFrom(1, 5), dest, reg, fc.integer({ min: 0, max: 31 }))
    .map(([hi, f3, rd, a, sh]) => ({ w: I((f3 === 1 ? 0 : hi) | sh, a, f3, rd, 0x1b), skip: 0 })),
  fc.tuple(dest, fc.integer({ min: 0, max: 0xfffff })).map(([rd, imm]) => ({ w: LUI(rd, imm), skip: 0 })),
  fc
    .tuple(dest, fc.integer({ min: 0, max: 0xfffff }))
    .map(([rd, imm]) => ({ w: ((imm << 12) | (rd << 7) | 0x17) >>> 0, skip: 0 })),
  // Loads and stores around the data pointer: misaligned and page-crossing ones included.
  fc
    .tuple(fc.integer({ min: 0, max: 6 }), dest, imm12)
    .map(([f3, rd, imm]) => ({ w: I(imm, DATA_BASE_REG, f3, rd, 0x03), skip: 0 })),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), reg, imm12)
    .map(([f3, b, imm]) => ({ w: S(imm, b, DATA_BASE_REG, f3), skip: 0 })),
  fc
    .tuple(fc.constantFrom(0, 1, 4, 5, 6, 7), reg, reg, fc.integer({ min: 1, max: 4 }))
    .map(([f3, a, b, skip]) => ({
      w: B(f3, a, b, 0),
      skip,
    })),
  fc.tuple(dest, fc.integer({ min: 1, max: 3 })).map(([rd, skip]) => ({ w: J(rd, 0), skip: -skip })),
);

/** The body's words with the forward branches and jumps pointed past `skip` instructions (clamped to the end). */
export function layOut(body: readonly Gen[]): number[] {
  return body.map((g, i) => {
    if (g.skip === 0) return g.w;
    const skip = Math.min(Math.abs(g.skip), body.length - 1 - i);
    const off = 4 * (skip + 1);
    if (g.skip < 0) return J((g.w >>> 7) & 31, off);
    return B((g.w >>> 12) & 7, (g.w >>> 15) & 31, (g.w >>> 20) & 31, off);
  });
}
