// Argument generators for the syscall fuzzer: structure-aware values (a slot of the right role, a
// full-depth cptr, a mapped address) most of the time, and near misses or garbage the rest. Every
// value is a JSON number (a safe integer, negative ones meaning 2^64 - |v|), so a decision list
// can be written out and replayed.

import type { Rng } from "./prng.ts";
import { type Range, R_FREE, SLOTS, VADDR_BASES, XCNODE_RADIX } from "./layout.ts";

/** Words worth trying: edges, powers of two, all-ones. */
const EDGE_WORDS = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0x7fff_ffff, 0xffff_ffff, 0x1_0000_0000, -1, -2,
];

/** A 64-bit word: small, an edge, a u32 or a huge (negative = high bits set) value. */
export function word(r: Rng): number {
  switch (r.int(6)) {
    case 0:
    case 1:
      return r.int(16);
    case 2:
      return r.pick(EDGE_WORDS);
    case 3:
      return r.u32();
    case 4:
      return -(r.u32() * 0x20_0000 + r.int(0x20_0000)) || -1;
    default:
      return r.int(1 << 12);
  }
}

/**
 * A cptr: a slot of the role (or any slot) at full depth, else a near miss or garbage. `aim` is
 * the share of slots of the role: higher for the caps of IPC system calls, where a miss is a cap
 * fault that parks the worker until the supervisor restarts it.
 */
export function cptr(r: Rng, role?: Range, aim = 0.72): number {
  if (role !== undefined && r.chance(aim)) return r.range(role[0], role[1]);
  const p = r.int(100);
  if (p < 60) return r.int(SLOTS);
  if (p < 85) {
    const slot = r.int(SLOTS);
    // Guard mismatches: a bit just above the radix, a high word, all ones.
    return r.pick([slot + SLOTS, slot + 0x1_0000_0000, -1, -(2 ** 53 - 1) + slot, 0]);
  }
  return r.u32();
}

/** A slot to write into: mostly free slots. */
export function destSlot(r: Rng): number {
  return r.chance(0.8) ? r.range(R_FREE[0], R_FREE[1]) : cptr(r);
}

/** The depth of a CNode operation: the full 64 bits mostly, else a near miss. */
export function depth(r: Rng): number {
  if (r.chance(0.78)) return 64;
  return r.pick([63, 65, 0, 7, 57, 1, 8, 32, 255, 128, ...XCNODE_RADIX]);
}

/** A virtual address: a page in one of the fuzzer's regions, or a bad one. */
export function vaddr(r: Rng): number {
  if (r.chance(0.85)) return r.pick(VADDR_BASES) + r.int(12) * 0x1000;
  return r.pick([r.u32() & ~0xfff, r.u32(), 0, -0x1000, 0x40_0000_0000, 0x3f_0000_0000, 0x8020_0000]);
}

/** An address to read or write: inside a page of the fuzzer's regions, or anywhere. */
export function dataAddr(r: Rng): number {
  // Half in the root's image (always mapped), the rest where mappings come and go.
  if (r.chance(0.5)) return VADDR_BASES[0] + r.int(32) * 0x1000 + (r.int(512) << 3);
  if (r.chance(0.7))
    return r.pick(VADDR_BASES) + r.int(16) * 0x1000 + (r.int(512) << 3) + r.pick([0, 0, 0, 1, 3]);
  return r.pick([r.u32(), 0, 8, 0x8020_0000, 0x3f_ffff_fff8, 2 ** 52]);
}

/** Time in microseconds for SchedControl: sensible budgets and periods, zero and huge. */
export function time(r: Rng): number {
  return r.pick([0, 1, 10, 100, 500, 1000, 2000, 5000, 10_000, r.int(20_000), 2 ** 40, -1]);
}

/** A message length: short, the 120-word maximum, or over it. */
export function length(r: Rng): number {
  return r.pick([0, 0, 1, 2, 3, 4, 5, 8, r.int(128), 120, 121, 127]);
}

/** An invocation label or an IPC label: small, a real invocation range, or garbage. */
export function label(r: Rng): number {
  return r.pick([0, r.int(16), r.int(64), r.u32(), 0xf_ffff_ffff_ffff]);
}
