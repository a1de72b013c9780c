// The A extension: LR/SC with a single reservation, and the AMOs, all on RAM only.
//
// The reservation is the virtual address and size of the last LR. An SC succeeds only if a
// reservation is held for exactly its address and size; any SC, and every trap or context
// switch (Hart.run clears it on entry and exit), drops it. A failing SC writes rd = 1 without
// touching memory, so it raises no page fault. Misaligned LR raises load-address-misaligned
// (scause 4), misaligned SC/AMO store/AMO-address-misaligned (6), as QEMU does; page faults of
// an SC or AMO are store/AMO faults.

import type { UserMemory } from "./memory-access.ts";
import * as O from "./ops.ts";

export interface Reservation {
  valid: boolean;
  lo: number;
  hi: number;
  size: number;
}

export function loadReserved(
  mem: UserMemory,
  resv: Reservation,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  size: number,
  i32: Int32Array,
): boolean {
  const lo = xlo[rs1];
  const hi = xhi[rs1];
  const a = mem.atomicAddr(lo, hi, size, true);
  if (a < 0) return false;
  const v = i32[a >>> 2];
  xlo[rd] = v;
  xhi[rd] = size === 4 ? v >> 31 : i32[(a >>> 2) + 1];
  resv.valid = true;
  resv.lo = lo;
  resv.hi = hi;
  resv.size = size;
  return true;
}

export function storeConditional(
  mem: UserMemory,
  resv: Reservation,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  rs2: number,
  size: number,
  i32: Int32Array,
): boolean {
  const lo = xlo[rs1];
  const hi = xhi[rs1];
  if ((lo & (size - 1)) !== 0) return mem.atomicAddr(lo, hi, size, false) >= 0;
  const held = resv.valid && resv.lo === lo && resv.hi === hi && resv.size === size;
  resv.valid = false;
  if (!held) {
    xlo[rd] = 1;
    xhi[rd] = 0;
    return true;
  }
  const a = mem.atomicAddr(lo, hi, size, false);
  if (a < 0) return false;
  i32[a >>> 2] = xlo[rs2];
  if (size === 8) i32[(a >>> 2) + 1] = xhi[rs2];
  xlo[rd] = 0;
  xhi[rd] = 0;
  return true;
}

export function amo(
  mem: UserMemory,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  rs1: number,
  rs2: number,
  size: number,
  funct: number,
  i32: Int32Array,
): boolean {
  const a = mem.atomicAddr(xlo[rs1], xhi[rs1], size, false);
  if (a < 0) return false;
  const i = a >>> 2;
  const olo = i32[i];
  // A word AMO works on the sign-extended 32-bit value; comparisons then need no special case.
  const ohi = size === 8 ? i32[i + 1] : olo >> 31;
  const blo = xlo[rs2];
  const bhi = size === 8 ? xhi[rs2] : blo >> 31;
  let nlo: number;
  let nhi: number;
  switch (funct) {
    case O.AMO_SWAP:
      nlo = blo;
      nhi = bhi;
      break;
    case O.AMO_ADD: {
      const t = (olo >>> 0) + (blo >>> 0);
      nlo = t | 0;
      nhi = (ohi + bhi + (t > 4294967295 ? 1 : 0)) | 0;
      break;
    }
    case O.AMO_XOR:
      nlo = olo ^ blo;
      nhi = ohi ^ bhi;
      break;
    case O.AMO_AND:
      nlo = olo & blo;
      nhi = ohi & bhi;
      break;
    case O.AMO_OR:
      nlo = olo | blo;
      nhi = ohi | bhi;
      break;
    default: {
      const signed = funct === O.AMO_MIN || funct === O.AMO_MAX;
      const oh = signed ? ohi : ohi >>> 0;
      const bh = signed ? bhi : bhi >>> 0;
      const less = oh < bh || (oh === bh && olo >>> 0 < blo >>> 0);
      const wantMin = funct === O.AMO_MIN || funct === O.AMO_MINU;
      const keepOld = wantMin ? less : !less;
      nlo = keepOld ? olo : blo;
      nhi = keepOld ? ohi : bhi;
    }
  }
  i32[i] = nlo;
  if (size === 8) i32[i + 1] = nhi;
  xlo[rd] = olo;
  xhi[rd] = ohi;
  return true;
}
