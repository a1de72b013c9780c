// Indexes of aligned 2^n-byte memory regions for the incremental invariant checker
// (invariants-incremental.ts). Regions aligned to their size are nested or disjoint, so an index is
// a trie over aligned blocks: a block's entry holds the regions equal to it and counts those
// strictly inside it, and the blocks with neither have no entry.

import { seL4_MinUntypedBits } from "../abi/index.ts";
import type { Cte } from "./structures.ts";

const MIN_UT = seL4_MinUntypedBits;
/** Above every address the machine has. */
const TOP_BITS = 48;

/** A region in an index: an object's or a cap's (cap non-null), `id` its identity. */
export class Region {
  constructor(
    readonly start: number,
    readonly bits: number,
    readonly id: unknown,
    readonly cap: Cte | null,
  ) {}
}

class BlockNode {
  readonly items: Region[] = [];
  /** Regions strictly inside this block. */
  below = 0;
}

/** Aligned 2^n-byte regions, by block. */
export class BlockIndex {
  private readonly nodes = new Map<number, BlockNode>();

  private static key(start: number, bits: number): number {
    return start * 64 + bits;
  }

  node(start: number, bits: number): BlockNode | undefined {
    return this.nodes.get(BlockIndex.key(start, bits));
  }

  private make(start: number, bits: number): BlockNode {
    const k = BlockIndex.key(start, bits);
    let n = this.nodes.get(k);
    if (n === undefined) {
      n = new BlockNode();
      this.nodes.set(k, n);
    }
    return n;
  }

  add(r: Region): void {
    this.make(r.start, r.bits).items.push(r);
    for (let j = r.bits + 1; j <= TOP_BITS; j++) {
      const size = 2 ** j;
      this.make(Math.floor(r.start / size) * size, j).below++;
    }
  }

  remove(r: Region): void {
    const n = this.node(r.start, r.bits);
    if (n === undefined) return;
    const i = n.items.indexOf(r);
    if (i < 0) return;
    n.items.splice(i, 1);
    this.drop(r.start, r.bits, n);
    for (let j = r.bits + 1; j <= TOP_BITS; j++) {
      const size = 2 ** j;
      const start = Math.floor(r.start / size) * size;
      const a = this.node(start, j);
      if (a === undefined) continue;
      a.below--;
      this.drop(start, j, a);
    }
  }

  private drop(start: number, bits: number, n: BlockNode): void {
    if (n.items.length === 0 && n.below === 0) this.nodes.delete(BlockIndex.key(start, bits));
  }

  /** The regions equal to or containing the block (start, bits), smallest first. */
  containing(start: number, bits: number, out: Region[]): void {
    out.length = 0;
    for (let j = bits; j <= TOP_BITS; j++) {
      const size = 2 ** j;
      const n = this.node(Math.floor(start / size) * size, j);
      if (n !== undefined) for (const r of n.items) out.push(r);
    }
  }

  /** The regions strictly inside the block (start, bits). */
  inside(start: number, bits: number, out: Region[]): void {
    out.length = 0;
    const n = this.node(start, bits);
    if (n !== undefined && n.below > 0) this.collect(start, bits, out);
  }

  private collect(start: number, bits: number, out: Region[]): void {
    const half = 2 ** (bits - 1);
    for (const s of [start, start + half]) {
      const c = this.node(s, bits - 1);
      if (c === undefined) continue;
      for (const r of c.items) out.push(r);
      if (c.below > 0) this.collect(s, bits - 1, out);
    }
  }

  /** Some region intersecting [lo, hi) (both multiples of 2^MIN_UT), up to blocks of 2^maxBits. */
  intersecting(lo: number, hi: number, maxBits: number, except: unknown = null): Region | null {
    let p = lo;
    while (p < hi) {
      // The largest aligned block at p that fits in [p, hi).
      let b = MIN_UT;
      while (b < maxBits && p % 2 ** (b + 1) === 0 && p + 2 ** (b + 1) <= hi) b++;
      const n = this.node(p, b);
      if (n !== undefined) {
        for (const r of n.items) if (r.cap !== except) return r;
        if (n.below > 0) {
          const out: Region[] = [];
          this.collect(p, b, out);
          if (out.length > 0) return out[0];
        }
      }
      for (let j = b + 1; j <= maxBits; j++) {
        const size = 2 ** j;
        const a = this.node(Math.floor(p / size) * size, j);
        if (a !== undefined) for (const r of a.items) if (r.cap !== except) return r;
      }
      p += 2 ** b;
    }
    return null;
  }
}
