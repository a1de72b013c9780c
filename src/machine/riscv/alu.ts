// The M extension on (lo, hi) i32 halves. Products are assembled from exact partial products in
// doubles (each below 2^53); division takes an exact double path when both operands are below
// 2^52 in magnitude and an exact two-step or estimate-and-correct path on the halves otherwise
// (no BigInt: it allocates, and 64-bit hashes and printf's digits divide large values often).

const TWO_32 = 4294967296;

// Scratch results of mul32: the high and low 32 bits (unsigned) of a 32x32 product.
let pHi = 0;
let pLo = 0;

/** Unsigned 32 x 32 -> 64 product of a and b (given as any int32/uint32 bit pattern). */
function mul32(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const mid = (p00 >>> 16) + a0 * b1 + a1 * b0; // < 2^34, exact
  pLo = ((p00 & 0xffff) + (mid % 65536) * 65536) >>> 0;
  pHi = (a1 * b1 + Math.floor(mid / 65536)) >>> 0;
}

/** rd = low 64 bits of a * b. */
export function mul(xlo: Int32Array, xhi: Int32Array, rd: number, rs1: number, rs2: number): void {
  const al = xlo[rs1];
  const bl = xlo[rs2];
  const cross = (Math.imul(xhi[rs1], bl) + Math.imul(al, xhi[rs2])) | 0;
  mul32(al, bl);
  xlo[rd] = pLo | 0;
  xhi[rd] = (pHi + cross) | 0;
}

// High 64 bits of the 128-bit unsigned product, as (hiHi, hiLo) unsigned halves.
let hHi = 0;
let hLo = 0;

function mulhuRaw(al: number, ah: number, bl: number, bh: number): void {
  mul32(al, bl);
  const t0h = pHi;
  mul32(al, bh);
  const t1l = pLo;
  const t1h = pHi;
  mul32(ah, bl);
  const t2l = pLo;
  const t2h = pHi;
  mul32(ah, bh);
  const s1 = t0h + t1l + t2l;
  const s2 = t1h + t2h + pLo + Math.floor(s1 / TWO_32);
  hLo = s2 >>> 0;
  hHi = (pHi + Math.floor(s2 / TWO_32)) >>> 0;
}

/** Subtracts the 64-bit (bl, bh) from (hLo, hHi) modulo 2^64. */
function subFromH(bl: number, bh: number): void {
  const t = hLo - (bl >>> 0);
  hLo = t >>> 0;
  hHi = (hHi - (bh >>> 0) - (t < 0 ? 1 : 0)) >>> 0;
}

/** kind 0 MULH (signed x signed), 1 MULHSU (signed x unsigned), 2 MULHU. */
export function mulh(
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  rs2: number,
  kind: number,
): void {
  const al = xlo[rs1];
  const ah = xhi[rs1];
  const bl = xlo[rs2];
  const bh = xhi[rs2];
  mulhuRaw(al, ah, bl, bh);
  // Signed high part = unsigned high part - (a < 0 ? b : 0) - (b < 0 ? a : 0), modulo 2^64.
  if (kind !== 2 && ah < 0) subFromH(bl, bh);
  if (kind === 0 && bh < 0) subFromH(al, ah);
  xlo[rd] = hLo | 0;
  xhi[rd] = hHi | 0;
}

const LIMIT = 2 ** 52;
const TWO_21 = 2097152;

function setNumber(xlo: Int32Array, xhi: Int32Array, rd: number, v: number): void {
  xlo[rd] = v | 0;
  xhi[rd] = Math.floor(v / TWO_32) | 0;
}

// Results of udivmod: quotient and remainder as unsigned 32-bit halves.
let qH = 0;
let qL = 0;
let rH = 0;
let rL = 0;

/**
 * Unsigned 64-bit a / b (b ≠ 0, halves given as uint32 values) into qH:qL, rH:rL, exactly and
 * without BigInt (which allocates): a divisor below 2^21 divides in two 32-bit steps whose
 * partial dividends stay below 2^53; a larger one gives a quotient below 2^43, estimated in
 * doubles (off by at most one), lowered by two so it is never too big, and corrected upwards
 * with exact 64-bit arithmetic on the halves.
 */
function udivmod(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0 && bl < TWO_21) {
    const q1 = Math.floor(ah / bl);
    const t = (ah - q1 * bl) * TWO_32 + al;
    const q0 = Math.floor(t / bl);
    qH = q1;
    qL = q0;
    rH = 0;
    rL = t - q0 * bl;
    return;
  }
  let q = Math.floor((ah * TWO_32 + al) / (bh * TWO_32 + bl)) - 2;
  if (q < 0) q = 0;
  // r = a - q * b: q * b ≤ a, so the 64-bit difference is exact.
  const qh = Math.floor(q / TWO_32);
  const ql = q >>> 0;
  mul32(ql, bl);
  const ph = (pHi + Math.imul(ql, bh) + Math.imul(qh, bl)) >>> 0;
  let d = al - pLo;
  let r0 = d >>> 0;
  let r1 = (ah - ph - (d < 0 ? 1 : 0)) >>> 0;
  while (r1 > bh || (r1 === bh && r0 >= bl)) {
    d = r0 - bl;
    r0 = d >>> 0;
    r1 = (r1 - bh - (d < 0 ? 1 : 0)) >>> 0;
    q++;
  }
  qH = Math.floor(q / TWO_32);
  qL = q >>> 0;
  rH = r1;
  rL = r0;
}

/** rd = the 64-bit value (h, l) (uint32 halves), negated when `neg`. */
function setHalves(xlo: Int32Array, xhi: Int32Array, rd: number, h: number, l: number, neg: boolean): void {
  if (neg) {
    xlo[rd] = -l | 0;
    xhi[rd] = (~h + (l === 0 ? 1 : 0)) | 0;
  } else {
    xlo[rd] = l | 0;
    xhi[rd] = h | 0;
  }
}

/**
 * 64-bit division and remainder. kind: 0 DIV, 1 DIVU, 2 REM, 3 REMU. By zero: DIV(U) gives all
 * ones, REM(U) the dividend; DIV of -2^63 by -1 gives -2^63 and its REM 0 (no trap on RISC-V).
 */
export function divrem(
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  rs2: number,
  kind: number,
): void {
  const al = xlo[rs1];
  const ah = xhi[rs1];
  const bl = xlo[rs2];
  const bh = xhi[rs2];
  const signed = kind === 0 || kind === 2;
  const rem = kind >= 2;
  if (bl === 0 && bh === 0) {
    if (rem) {
      xlo[rd] = al;
      xhi[rd] = ah;
    } else {
      xlo[rd] = -1;
      xhi[rd] = -1;
    }
    return;
  }
  const a = signed ? ah * TWO_32 + (al >>> 0) : (ah >>> 0) * TWO_32 + (al >>> 0);
  const b = signed ? bh * TWO_32 + (bl >>> 0) : (bh >>> 0) * TWO_32 + (bl >>> 0);
  const ua = Math.abs(a);
  const ub = Math.abs(b);
  if (ua < LIMIT && ub < LIMIT) {
    let q = Math.floor(ua / ub);
    let r = ua - q * ub;
    if (r < 0) {
      q--;
      r += ub;
    } else if (r >= ub) {
      q++;
      r -= ub;
    }
    if (rem) setNumber(xlo, xhi, rd, a < 0 ? -r : r);
    else setNumber(xlo, xhi, rd, a < 0 !== b < 0 ? -q : q);
    return;
  }
  // Magnitudes as unsigned halves (|-2^63| = 2^63 is fine unsigned), then the signs back:
  // the quotient is negative when the signs differ, the remainder has the dividend's sign.
  const an = signed && ah < 0;
  const bn = signed && bh < 0;
  const mal = an ? -al >>> 0 : al >>> 0;
  const mah = an ? (~ah + (al === 0 ? 1 : 0)) >>> 0 : ah >>> 0;
  const mbl = bn ? -bl >>> 0 : bl >>> 0;
  const mbh = bn ? (~bh + (bl === 0 ? 1 : 0)) >>> 0 : bh >>> 0;
  udivmod(mah, mal, mbh, mbl);
  if (rem) setHalves(xlo, xhi, rd, rH, rL, an);
  else setHalves(xlo, xhi, rd, qH, qL, an !== bn);
}

/** 32-bit DIVW/DIVUW/REMW/REMUW (kind as for divrem); the 32-bit result is sign-extended. */
export function divremw(
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  rs2: number,
  kind: number,
): void {
  const a = xlo[rs1];
  const b = xlo[rs2];
  let r: number;
  if (b === 0) r = kind >= 2 ? a : -1;
  else if (kind === 0)
    r = (a / b) | 0; // -2^31 / -1 = 2^31 wraps to -2^31 under | 0
  else if (kind === 1) r = Math.floor((a >>> 0) / (b >>> 0)) | 0;
  else if (kind === 2) r = (a % b) | 0;
  else r = ((a >>> 0) % (b >>> 0)) | 0;
  xlo[rd] = r;
  xhi[rd] = r >> 31;
}
