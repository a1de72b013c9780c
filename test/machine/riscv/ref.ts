// A reference model of the RV64IM(A) integer operations on unsigned 64-bit BigInts, written from
// the ISA manual's definitions, against which the interpreter's results are checked.

export const M64 = (1n << 64n) - 1n;
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
/** Sign-extends the low 32 bits to 64 (the W instructions' result). */
export const sext32 = (x: bigint): bigint => u64(s32(x));
const b = (c: boolean): bigint => (c ? 1n : 0n);

function div(a: bigint, d: bigint): bigint {
  if (d === 0n) return M64;
  return u64(s64(a) / s64(d)); // BigInt division truncates; -2^63 / -1 = 2^63 wraps to -2^63
}
function rem(a: bigint, d: bigint): bigint {
  if (d === 0n) return a;
  return u64(s64(a) % s64(d));
}
function divw(a: bigint, d: bigint): bigint {
  if (s32(d) === 0n) return M64;
  return sext32(s32(a) / s32(d));
}
function remw(a: bigint, d: bigint): bigint {
  if (s32(d) === 0n) return sext32(a);
  return sext32(s32(a) % s32(d));
}

export const binary: Record<string, (a: bigint, c: bigint) => bigint> = {
  add: (a, c) => u64(a + c),
  sub: (a, c) => u64(a - c),
  sll: (a, c) => u64(a << (c & 63n)),
  slt: (a, c) => b(s64(a) < s64(c)),
  sltu: (a, c) => b(a < c),
  xor: (a, c) => a ^ c,
  srl: (a, c) => a >> (c & 63n),
  sra: (a, c) => u64(s64(a) >> (c & 63n)),
  or: (a, c) => a | c,
  and: (a, c) => a & c,
  addw: (a, c) => sext32(a + c),
  subw: (a, c) => sext32(a - c),
  sllw: (a, c) => sext32(a << (c & 31n)),
  srlw: (a, c) => sext32(u32(a) >> (c & 31n)),
  sraw: (a, c) => sext32(s32(a) >> (c & 31n)),
  mul: (a, c) => u64(a * c),
  mulh: (a, c) => u64((s64(a) * s64(c)) >> 64n),
  mulhsu: (a, c) => u64((s64(a) * c) >> 64n),
  mulhu: (a, c) => u64((a * c) >> 64n),
  div,
  divu: (a, c) => (c === 0n ? M64 : a / c),
  rem,
  remu: (a, c) => (c === 0n ? a : a % c),
  mulw: (a, c) => sext32(a * c),
  divw,
  divuw: (a, c) => (u32(c) === 0n ? M64 : sext32(u32(a) / u32(c))),
  remw,
  remuw: (a, c) => (u32(c) === 0n ? sext32(a) : sext32(u32(a) % u32(c))),
  // Immediate forms take the sign-extended immediate as the second operand.
  addi: (a, c) => u64(a + c),
  slti: (a, c) => b(s64(a) < s64(c)),
  sltiu: (a, c) => b(a < c),
  xori: (a, c) => a ^ c,
  ori: (a, c) => a | c,
  andi: (a, c) => a & c,
  slli: (a, c) => u64(a << c),
  srli: (a, c) => a >> c,
  srai: (a, c) => u64(s64(a) >> c),
  addiw: (a, c) => sext32(a + c),
  slliw: (a, c) => sext32(a << c),
  srliw: (a, c) => sext32(u32(a) >> c),
  sraiw: (a, c) => sext32(s32(a) >> c),
};

/** The operand table of asm/common.h, as unsigned 64-bit values. */
export const VALS: bigint[] = [
  0n,
  1n,
  -1n,
  2n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0xffffffff80000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0x123456789abcdef0n,
  0xfedcba9876543210n,
  31n,
  32n,
  63n,
  64n,
  -7n,
  7n,
  0xdeadbeefn,
].map(u64);

export const RR_OPS =
  "add sub sll slt sltu xor srl sra or and addw subw sllw srlw sraw mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw".split(
    " ",
  );

export const RI_OPS: [string, number[]][] = [
  ["addi", [0, 1, -1, 2047, -2048]],
  ["slti", [0, -1, 1, 2047, -2048]],
  ["sltiu", [0, 1, -1, 2047]],
  ["xori", [-1, 0x555, -2048]],
  ["ori", [0x7ff, -2048]],
  ["andi", [-1, 0x7f0, -2048]],
  ["slli", [0, 1, 31, 32, 63]],
  ["srli", [0, 1, 31, 32, 63]],
  ["srai", [0, 1, 31, 32, 63]],
  ["addiw", [0, 1, -1, 2047, -2048]],
  ["slliw", [0, 1, 31]],
  ["srliw", [0, 1, 31]],
  ["sraiw", [0, 1, 31]],
];
