// The cap, MDB, untyped, placement and VSpace invariants of checkInvariants (invariants.ts),
// checked after a kernel entry over what the entry touched (touched.ts) instead of the whole state.
//
// After a whole check, `reset` builds what the incremental check keeps: a copy of every live
// non-empty slot as it was last seen (to know what a touched slot held before), the number of caps
// naming each object (if_live_then_nonz_cap), and two indexes over memory: the regions of objects
// and of physical caps, and the regions of untyped caps. All these regions are blocks of 2^n bytes
// aligned to their size (the per-cap checks make sure), so two of them are either nested or
// disjoint, and the indexes are tries over aligned blocks: a block's entry holds the regions equal
// to it and counts those strictly inside it.
//
// Given that the state passed the last check, an entry can only break an invariant through what it
// touched, so `apply` checks: each touched slot's cap on its own; the MDB links of each touched
// slot and of its old and new neighbours; that the lists through them still end (no_mloop); that
// each of those caps still descends from every untyped covering it (a cap whose path back to an
// untyped goes through an untouched run descends from it exactly when the first touched cap on
// that path does); that new regions overlap no other object (pspace_distinct) and lie below the
// watermarks of the untypeds covering them; that a changed untyped has nothing in its free part
// and nests with the others as untyped_inc says; and the VSpaces whose mappings changed.

import { cap_asid_pool_cap, cap_null_cap, cap_untyped_cap } from "../abi/index.ts";
import { checkCapValue, checkLinks, objectSizeBits, where } from "./invariants.ts";
import { checkASIDTable, checkMappedCap, mappedKind, push, walkVSpace } from "./invariants-vspace.ts";
import { capIsPhysical, capSizeBits } from "./object/objecttype.ts";
import type { KernelState } from "./state.ts";
import { CNode, copyCap, Cte, type KObject, Tcb } from "./structures.ts";
import type { TouchLog } from "./touched.ts";
import { BlockIndex, Region } from "./block-index.ts";

const NULL = cap_null_cap;
const UNTYPED = cap_untyped_cap;
const POOL = cap_asid_pool_cap;

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** What a slot held when last seen, and the regions it put in the indexes. */
class SlotShadow {
  readonly cap = new Cte(null, -1);
  region: Region | null = null;
  untyped: Region | null = null;
}

/** The same cap (the MDB node aside): every field the invariants read. */
function sameCap(a: Cte, b: Cte): boolean {
  return (
    a.type === b.type &&
    a.obj === b.obj &&
    a.ptr === b.ptr &&
    a.sizeBits === b.sizeBits &&
    a.freeIndex === b.freeIndex &&
    a.mappedASID === b.mappedASID &&
    a.mappedAddr === b.mappedAddr &&
    a.isMapped === b.isMapped &&
    a.extra === b.extra &&
    a.dataHi === b.dataHi &&
    a.dataLo === b.dataLo &&
    a.guardSize === b.guardSize &&
    a.rights === b.rights &&
    a.isDevice === b.isDevice
  );
}

function capRegionId(s: Cte): unknown {
  return s.obj ?? (s.type === 1 ? s.ptr + s.sizeBits : -1 - s.ptr);
}

export class IncrementalCaps {
  private readonly shadows = new Map<Cte, SlotShadow>();
  private readonly objectRegions = new Map<KObject, Region>();
  private readonly capCount = new Map<KObject, number>();
  private spans = new BlockIndex();
  private untypeds = new BlockIndex();
  /** Mapped frame and page-table caps by address, and the pool caps (checkVSpaces' inputs). */
  private readonly frames = new Map<number, Cte[]>();
  private readonly tables = new Map<number, Cte[]>();
  private readonly poolCaps = new Set<Cte>();
  /** Registered VSpace roots: root paddr -> ASID. */
  roots = new Map<number, number>();
  // Scratch, reused by every check.
  private readonly dirty = new Set<Cte>();
  private readonly links = new Set<Cte>();
  private readonly changed = new Set<Cte>();
  /** Touched untypeds' regions before the entry (ptr * 64 + sizeBits). */
  private readonly was = new Map<Cte, number>();
  /** Touched ASIDs and the addresses of the touched mappings in each. */
  private readonly asids = new Map<number, number[]>();
  /** Page tables whose caps were touched: walked whole. */
  private readonly touchedTables = new Set<number>();
  private readonly found: Region[] = [];
  private readonly found2: Region[] = [];
  private readonly desc: Cte[] = [];
  private readonly descFor: Cte[] = [];

  constructor(private readonly ks: KernelState) {}

  /** Objects named by some cap (a Set-like view for checkSched). */
  readonly capped = { has: (o: KObject): boolean => (this.capCount.get(o) ?? 0) > 0 };
  /** Live objects (a Set-like view for checkSched). */
  readonly live = { has: (o: KObject): boolean => this.ks.objects.get(o.ptr) === o };

  /** Rebuild everything from the state the whole checker has just passed. */
  reset(): void {
    const ks = this.ks;
    this.shadows.clear();
    this.objectRegions.clear();
    this.capCount.clear();
    this.spans = new BlockIndex();
    this.untypeds = new BlockIndex();
    this.frames.clear();
    this.tables.clear();
    this.poolCaps.clear();
    for (const o of ks.objects.values()) {
      this.addObject(o);
      const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : null;
      if (slots === null) continue;
      for (const s of slots) if (s !== null && s.type !== NULL) this.enter(s);
    }
    this.roots = new Map<number, number>();
    checkASIDTable(ks, this.poolCaps, this.tables, this.roots);
  }

  private addObject(o: KObject): void {
    const r = new Region(o.ptr, objectSizeBits(o, this.ks.tcbBits), o, null);
    this.objectRegions.set(o, r);
    this.spans.add(r);
  }

  /** Record slot `s` (non-empty) as it is now. */
  private enter(s: Cte): void {
    let sh = this.shadows.get(s);
    if (sh === undefined) {
      sh = new SlotShadow();
      this.shadows.set(s, sh);
    }
    const c = sh.cap;
    copyCap(c, s);
    c.prev = s.prev;
    c.next = s.next;
    c.revocable = s.revocable;
    c.firstBadged = s.firstBadged;
    if (s.obj !== null) this.capCount.set(s.obj, (this.capCount.get(s.obj) ?? 0) + 1);
    if (s.type === UNTYPED) {
      sh.untyped = new Region(s.ptr, s.sizeBits, s, s);
      this.untypeds.add(sh.untyped);
    } else if (capIsPhysical(s)) {
      sh.region = new Region(s.ptr, capSizeBits(s), capRegionId(s), s);
      this.spans.add(sh.region);
    }
    const k = mappedKind(s);
    if (k === 1) push(this.frames, s.ptr, s);
    else if (k === 2) push(this.tables, s.ptr, s);
    else if (s.type === POOL) this.poolCaps.add(s);
  }

  /** Forget what slot `s` held (its shadow). */
  private leave(s: Cte, sh: SlotShadow): void {
    const c = sh.cap;
    if (c.obj !== null) {
      const n = (this.capCount.get(c.obj) ?? 0) - 1;
      if (n > 0) this.capCount.set(c.obj, n);
      else this.capCount.delete(c.obj);
    }
    if (sh.untyped !== null) this.untypeds.remove(sh.untyped);
    if (sh.region !== null) this.spans.remove(sh.region);
    sh.untyped = null;
    sh.region = null;
    const k = mappedKind(c);
    if (k !== 0) {
      const m = k === 1 ? this.frames : this.tables;
      const l = m.get(c.ptr);
      if (l !== undefined) {
        const i = l.indexOf(s);
        if (i >= 0) l.splice(i, 1);
        if (l.length === 0) m.delete(c.ptr);
      }
    } else if (c.type === POOL) this.poolCaps.delete(s);
    if (k !== 0) this.touchMapping(c);
    if (c.type === POOL) this.asidTableDirty = true;
  }

  /** A mapping recorded by cap `c` (as it is or was) is to be checked. */
  private touchMapping(c: Cte): void {
    let l = this.asids.get(c.mappedASID);
    if (l === undefined) {
      l = [];
      this.asids.set(c.mappedASID, l);
    }
    l.push(c.mappedAddr);
    if (c.type !== 1) this.touchedTables.add(c.ptr);
  }

  private asidTableDirty = false;
  private readonly freshRoots = new Set<number>();

  private isLiveSlot = (s: Cte): boolean => {
    const o = s.owner;
    return o !== null && this.ks.objects.get(o.ptr) === o;
  };

  /** Check what `log` says the last entry touched; null, or the first violation found. */
  apply(log: TouchLog): string | null {
    const ks = this.ks;
    const dirty = this.dirty;
    const links = this.links;
    dirty.clear();
    links.clear();
    this.walked.clear();
    // A fresh mark per check (marks of earlier checks, and of the whole check's 0, never match).
    this.epoch++;
    this.asids.clear();
    this.touchedTables.clear();
    this.asidTableDirty = log.asids;
    const live = this.live;
    const mem = ks.machine.memory;

    // Objects that left the registry take their slots with them.
    for (const o of log.removed) {
      if (ks.objects.get(o.ptr) === o) continue;
      const r = this.objectRegions.get(o);
      if (r !== undefined) {
        this.spans.remove(r);
        this.objectRegions.delete(o);
      }
      const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : null;
      if (slots === null) continue;
      for (const s of slots) {
        if (s === null) continue;
        const sh = this.shadows.get(s);
        if (sh === undefined) continue;
        if (sh.cap.prev !== null) links.add(sh.cap.prev);
        if (sh.cap.next !== null) links.add(sh.cap.next);
        this.leave(s, sh);
        this.shadows.delete(s);
      }
    }

    const newObjects: KObject[] = [];
    for (const o of log.created) {
      if (ks.objects.get(o.ptr) !== o || this.objectRegions.has(o)) continue;
      const size = 2 ** objectSizeBits(o, ks.tcbBits);
      if (o.ptr % size !== 0) return `object at ${hex(o.ptr)} is misaligned`;
      const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : null;
      if (slots !== null)
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i];
          if (s === null) continue;
          if (s.owner !== o || s.index !== i)
            return `slot ${i} of object at ${hex(o.ptr)} has the wrong owner`;
          if (s.type !== NULL) dirty.add(s);
        }
      this.addObject(o);
      newObjects.push(o);
    }

    for (const s of log.slots) dirty.add(s);
    const changed = this.changed;
    changed.clear();
    this.was.clear();
    // Each touched slot: its cap on its own; its shadow and the indexes follow the new value.
    for (const s of dirty) {
      const sh = this.shadows.get(s);
      if (sh !== undefined) {
        if (sh.cap.prev !== null) links.add(sh.cap.prev);
        if (sh.cap.next !== null) links.add(sh.cap.next);
        if (s.type !== NULL && sameCap(sh.cap, s) && this.isLiveSlot(s)) {
          // Only its MDB node changed, or nothing: a mapped cap touched as it is stands for a write
          // to what it maps (its page table's entries).
          const problem = checkCapValue(s, live, mem);
          if (problem !== null) return problem;
          const same =
            sh.cap.prev === s.prev &&
            sh.cap.next === s.next &&
            sh.cap.revocable === s.revocable &&
            sh.cap.firstBadged === s.firstBadged;
          if (same && mappedKind(s) !== 0) this.touchMapping(s);
          sh.cap.prev = s.prev;
          sh.cap.next = s.next;
          sh.cap.revocable = s.revocable;
          sh.cap.firstBadged = s.firstBadged;
          links.add(s);
          if (s.prev !== null) links.add(s.prev);
          if (s.next !== null) links.add(s.next);
          continue;
        }
        if (sh.cap.type === UNTYPED) this.was.set(s, sh.cap.ptr * 64 + sh.cap.sizeBits);
        this.leave(s, sh);
      }
      changed.add(s);
      if (!this.isLiveSlot(s)) {
        if (sh !== undefined) this.shadows.delete(s);
        continue;
      }
      links.add(s);
      if (s.type === NULL) {
        if (sh !== undefined) this.shadows.delete(s);
        if (s.prev !== null || s.next !== null) return `${where(s)}: empty slot has MDB links`;
        if (s.revocable || s.firstBadged) return `${where(s)}: empty slot has MDB flags`;
        continue;
      }
      const problem = checkCapValue(s, live, mem) ?? checkMappedCap(s);
      if (problem !== null) return problem;
      if (s.prev !== null) links.add(s.prev);
      if (s.next !== null) links.add(s.next);
      this.enter(s);
      if (mappedKind(s) !== 0) this.touchMapping(s);
      if (s.type === POOL) this.asidTableDirty = true;
    }

    // Objects that died: no cap names them any more.
    for (const o of log.removed)
      if (ks.objects.get(o.ptr) !== o && (this.capCount.get(o) ?? 0) > 0)
        return `a cap refers to the dead object at ${hex(o.ptr)}`;

    // Links, lists and descent around every touched slot.
    for (const s of links) {
      if (!this.isLiveSlot(s)) continue;
      if (s.type === NULL) {
        if (s.prev !== null || s.next !== null) return `${where(s)}: empty slot has MDB links`;
        continue;
      }
      const problem = checkLinks(s, this.isLiveSlot) ?? this.checkDescent(s);
      if (problem !== null) return problem;
    }

    // New regions: no overlap, inside and below the untypeds covering them.
    for (const s of changed) {
      const sh = this.shadows.get(s);
      if (sh === undefined) continue;
      let problem: string | null = null;
      if (sh.region !== null) problem = this.checkRegion(sh.region);
      else if (sh.untyped !== null) problem = this.checkUntyped(s);
      if (problem !== null) return problem;
    }
    for (const o of newObjects) {
      const r = this.objectRegions.get(o);
      if (r === undefined) continue;
      const problem = this.checkRegion(r);
      if (problem !== null) return problem;
    }

    return this.checkVSpaces();
  }

  /**
   * `s` still ends its list when walked back (no_mloop), and descends from every untyped that
   * covers its region (untyped_mdb), as UntypedRuns in invariants.ts defines descent.
   */
  private checkDescent(s: Cte): string | null {
    const desc = this.walkBack(s, this.desc);
    if (desc === null) return "MDB list has a cycle";
    if (!capIsPhysical(s)) return null;
    const bits = capSizeBits(s);
    const found = this.found;
    this.untypeds.containing(s.ptr, bits, found);
    const isUt = s.type === UNTYPED;
    for (const r of found) {
      const u = r.cap as Cte;
      if (u === s) continue;
      const inU = desc.includes(u);
      if (!isUt) {
        if (!inU) return `${where(s)} is inside the untyped in ${where(u)} but not its descendant`;
        continue;
      }
      // Two untypeds, `s` inside or equal to `u`.
      const problem = this.untypedPair(u, s, inU);
      if (problem !== null) return problem;
    }
    return null;
  }

  /**
   * The untypeds `s` descends from, walking back to its list's head; null on a cycle. A walk
   * that reaches a slot walked from earlier in this check ends there and takes over its result
   * (the untypeds found from there that also contain what lies between).
   */
  private walkBack(s: Cte, desc: Cte[]): Cte[] | null {
    desc.length = 0;
    let lo = -Infinity;
    let hi = Infinity;
    if (capIsPhysical(s)) {
      lo = s.ptr;
      hi = s.ptr + 2 ** capSizeBits(s);
    }
    const epoch = this.epoch;
    let steps = this.shadows.size + 1;
    for (let x = s.prev; x !== null; x = x.prev) {
      if (x === s || --steps < 0) return null;
      if (x.checkMark === epoch) {
        const known = this.walked.get(x);
        if (known !== undefined) {
          // x itself, then what x descends from, each if it contains the range so far.
          if (x.type === UNTYPED && lo >= x.ptr && hi <= x.ptr + 2 ** x.sizeBits) desc.push(x);
          if (capIsPhysical(x)) {
            if (x.ptr < lo) lo = x.ptr;
            const e = x.ptr + 2 ** capSizeBits(x);
            if (e > hi) hi = e;
          } else {
            lo = -Infinity;
            hi = Infinity;
          }
          if (known.cycle) return null;
          for (const u of known.desc) if (lo >= u.ptr && hi <= u.ptr + 2 ** u.sizeBits) desc.push(u);
          this.remember(s, desc, false);
          return desc;
        }
      }
      if (!capIsPhysical(x)) {
        lo = -Infinity;
        hi = Infinity;
        continue;
      }
      if (x.type === UNTYPED && lo >= x.ptr && hi <= x.ptr + 2 ** x.sizeBits) desc.push(x);
      if (x.ptr < lo) lo = x.ptr;
      const e = x.ptr + 2 ** capSizeBits(x);
      if (e > hi) hi = e;
    }
    this.remember(s, desc, false);
    return desc;
  }

  private remember(s: Cte, desc: Cte[], cycle: boolean): void {
    s.checkMark = this.epoch;
    this.walked.set(s, { desc: desc.slice(), cycle });
  }

  /** Numbers the checks, for Cte.checkMark. */
  private epoch = 0;
  private readonly walked = new Map<Cte, { desc: Cte[]; cycle: boolean }>();

  /** Whether `v` descends from `u` (walking back from v). */
  private descends(v: Cte, u: Cte): boolean {
    const d = this.walkBack(v, this.descFor);
    return d !== null && d.includes(u);
  }

  /** untyped_inc for `v` inside or equal to `u`; vInU: v descends from u. */
  private untypedPair(u: Cte, v: Cte, vInU: boolean): string | null {
    const uEnd = u.ptr + 2 ** u.sizeBits;
    const vEnd = v.ptr + 2 ** v.sizeBits;
    if (v.ptr === u.ptr && v.sizeBits === u.sizeBits) {
      const uInV = this.descends(u, v);
      const full = (x: Cte): boolean => x.freeIndex === 2 ** x.sizeBits;
      if (!((vInU && full(u)) || (uInV && full(v))))
        return `untypeds in ${where(u)} and ${where(v)} cover the same range unrelated`;
      return null;
    }
    if (v.ptr < u.ptr || vEnd > uEnd)
      return `untypeds in ${where(u)} and ${where(v)} overlap without nesting`;
    // (u cannot descend from the smaller v: a descendant of an untyped lies inside it.)
    if (!vInU && vEnd > u.ptr + u.freeIndex)
      return `untyped in ${where(v)} reaches into the free part of ${where(u)}`;
    return null;
  }

  /** A new region: no other object overlaps it; every untyped covering it has it below the watermark. */
  private checkRegion(r: Region): string | null {
    const found = this.found;
    const end = r.start + 2 ** r.bits;
    this.spans.containing(r.start, r.bits, found);
    for (const o of found) {
      if (o === r) continue;
      if (o.id !== r.id)
        return `objects overlap at ${hex(r.start)} (${this.describe(o)} and ${this.describe(r)})`;
      if (o.bits !== r.bits) return `two sizes of one object at ${hex(r.start)}`;
    }
    this.spans.inside(r.start, r.bits, found);
    if (found.length > 0) {
      const o = found[0];
      return o.id !== r.id
        ? `objects overlap at ${hex(o.start)} (${this.describe(r)} and ${this.describe(o)})`
        : `two sizes of one object at ${hex(o.start)}`;
    }
    this.untypeds.inside(r.start, r.bits, found);
    if (found.length > 0) return `${this.describe(r)} straddles the untyped in ${where(found[0].cap as Cte)}`;
    this.untypeds.containing(r.start, r.bits, found);
    for (const ur of found) {
      const u = ur.cap as Cte;
      if (end > u.ptr + u.freeIndex)
        return `${this.describe(r)} lies above the watermark of the untyped in ${where(u)}`;
    }
    return null;
  }

  /** A touched untyped: nothing in its free part, nested properly with the untypeds inside it. */
  private checkUntyped(u: Cte): string | null {
    const b = u.ptr;
    const e = b + 2 ** u.sizeBits;
    const free = b + u.freeIndex;
    const found = this.found2;
    // Regions larger than it that reach into it straddle it.
    this.spans.containing(b, u.sizeBits + 1, found);
    if (found.length > 0) return `${this.describe(found[0])} straddles the untyped in ${where(u)}`;
    if (free < e) {
      const r = this.spans.intersecting(free, e, u.sizeBits);
      if (r !== null) return `${this.describe(r)} lies above the watermark of the untyped in ${where(u)}`;
    }
    // What lies inside it can only have changed status if it is a new untyped (or a new region).
    if (this.was.get(u) === b * 64 + u.sizeBits) {
      // Only the watermark moved: untypeds in the free part must descend from it.
      if (free < e && this.untypeds.intersecting(free, e, u.sizeBits, u) !== null)
        return this.untypedsInside(u);
      return null;
    }
    // Regions inside it descend from it.
    this.spans.inside(b, u.sizeBits, found);
    const n = this.spans.node(b, u.sizeBits);
    if (n !== undefined) for (const r of n.items) found.push(r);
    for (const r of found) {
      if (r.cap !== null && !this.descends(r.cap, u))
        return `${this.describe(r)} is inside the untyped in ${where(u)} but not its descendant`;
    }
    return this.untypedsInside(u);
  }

  private untypedsInside(u: Cte): string | null {
    const b = u.ptr;
    const found = this.found2;
    this.untypeds.inside(b, u.sizeBits, found);
    const eq = this.untypeds.node(b, u.sizeBits);
    if (eq !== undefined) for (const r of eq.items) if (r.cap !== u) found.push(r);
    for (const r of found) {
      const v = r.cap as Cte;
      const problem = this.untypedPair(u, v, this.descends(v, u));
      if (problem !== null) return problem;
    }
    return null;
  }

  private describe(r: Region): string {
    return r.cap !== null ? where(r.cap) : "a live object";
  }

  /** The ASID table if it or a pool cap changed; satp; the VSpaces whose mappings changed. */
  private checkVSpaces(): string | null {
    const ks = this.ks;
    // Roots are registered in the ASID table and held by mapped page-table caps; a VSpace newly
    // registered (or under another ASID) is walked whole.
    const fresh = this.freshRoots;
    fresh.clear();
    if (this.asidTableDirty || this.touchedTables.size > 0) {
      const roots = new Map<number, number>();
      const problem = checkASIDTable(ks, this.poolCaps, this.tables, roots);
      if (problem !== null) return problem;
      for (const [root, asid] of roots) if (this.roots.get(root) !== asid) fresh.add(root);
      this.roots = roots;
    }
    const satp = ks.machine.satp;
    if (satp !== 0 && !this.roots.has(satp)) return `satp ${hex(satp)} is not a registered VSpace root`;
    if (this.asids.size === 0 && fresh.size === 0) return null;
    // The touched mappings, on the way from their roots; new VSpaces whole.
    const visited = new Set<number>();
    for (const [root, asid] of this.roots) {
      const only = fresh.has(root) ? null : this.asids.get(asid);
      if (only === undefined) continue;
      visited.add(root);
      const problem = walkVSpace(ks, root, asid, this.frames, this.tables, visited, only, this.touchedTables);
      if (problem !== null) return problem;
    }
    return null;
  }
}
