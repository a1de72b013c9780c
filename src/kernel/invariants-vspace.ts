// VSpace invariants (the RISC-V parts of seL4's valid_arch_state, valid_vspace_objs and
// valid_arch_caps, as they apply here), checked over the whole kernel state:
//
// - the ASID table names live pools, each held by a pool cap with that ASID base, none twice;
// - every registered VSpace root has a mapped PageTable cap recording its ASID, no root twice,
//   and ASID 0 is never registered;
// - walking every registered VSpace: an invalid PTE is all zero; a table entry (never at the last
//   level) leads to a table whose cap records (ASID, vaddr) and that no other entry reaches; a leaf
//   is a user leaf (never W without R) mapping a frame whose cap records (ASID, vaddr, size), so no
//   registered VSpace refers to freed memory;
// - mapped frame and page-table caps record aligned user addresses and a real ASID;
// - the machine's satp is 0 or a registered root.
//
// The converse of the walk is not an invariant: after PageTable_Unmap of a parent, or deletion of
// a VSpace root, caps below still say "mapped" while nothing reaches them (VS-8, DEL-12).

import {
  cap_asid_pool_cap,
  cap_frame_cap,
  cap_page_table_cap,
  seL4_LargePageBits,
  seL4_PageBits,
  seL4_UserTop,
} from "../abi/index.ts";
import type { KernelState } from "./state.ts";
import { allCaps } from "./invariants-sched.ts";
import type { ASIDPool, Cte } from "./structures.ts";

// Module-level copies: test loaders turn imported bindings into property reads (see invariants.ts).
const FRAME = cap_frame_cap;
const PT = cap_page_table_cap;
const POOL = cap_asid_pool_cap;
const PAGE_BITS = seL4_PageBits;
const USER_TOP = seL4_UserTop;
const TABLE_ALIGN = 2 ** seL4_LargePageBits;
const V = 0x1;
const R = 0x2;
const W = 0x4;
const X = 0x8;
const U = 0x10;
const TWO32 = 0x1_0000_0000;
const ASID_LIMIT = 2 ** 16;

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function pteWhere(asid: number, vaddr: number, p: number): string {
  return `ASID ${asid} vaddr ${hex(vaddr)} (PTE at ${hex(p)})`;
}

/** Whether one of `caps` records the mapping (of that size, unless `bits` is -1). */
function records(caps: Cte[] | undefined, bits: number, asid: number, vaddr: number): boolean {
  if (caps === undefined) return false;
  for (const c of caps)
    if (c.mappedASID === asid && c.mappedAddr === vaddr && (bits < 0 || c.sizeBits === bits)) return true;
  return false;
}

function push(m: Map<number, Cte[]>, key: number, c: Cte): void {
  const l = m.get(key);
  if (l === undefined) m.set(key, [c]);
  else l.push(c);
}

/** `caps`: every non-empty slot of the live objects, if the caller has collected them already. */
export function checkVSpaces(
  ks: KernelState,
  caps: readonly Cte[] = allCaps(ks),
  rootsOut?: Set<number>,
): string | null {
  const frames = new Map<number, Cte[]>();
  const tables = new Map<number, Cte[]>();
  const poolCaps: Cte[] = [];
  {
    for (const s of caps) {
      if (s.type === FRAME) {
        if (s.mappedASID === 0) continue;
        const size = 2 ** s.sizeBits;
        if (s.mappedASID < 0 || s.mappedASID >= ASID_LIMIT) return `frame cap at ${hex(s.ptr)}: bad ASID`;
        if (s.mappedAddr % size !== 0 || s.mappedAddr + size > USER_TOP)
          return `frame cap at ${hex(s.ptr)}: bad mapped address ${hex(s.mappedAddr)}`;
        push(frames, s.ptr, s);
      } else if (s.type === PT) {
        if (!s.isMapped) continue;
        if (s.mappedASID <= 0 || s.mappedASID >= ASID_LIMIT)
          return `page table cap at ${hex(s.ptr)}: bad ASID`;
        if (s.mappedAddr % TABLE_ALIGN !== 0 || s.mappedAddr >= USER_TOP)
          return `page table cap at ${hex(s.ptr)}: bad mapped address ${hex(s.mappedAddr)}`;
        push(tables, s.ptr, s);
      } else if (s.type === POOL) {
        poolCaps.push(s);
      }
    }
  }

  // The ASID table and the roots it registers.
  const roots = new Map<number, number>(); // root paddr -> ASID
  const seenPools = new Set<ASIDPool>();
  for (let i = 0; i < ks.asidTable.length; i++) {
    const pool = ks.asidTable[i];
    if (pool === null) continue;
    if (ks.objects.get(pool.ptr) !== pool) return `ASID table entry ${i} names a dead pool`;
    if (seenPools.has(pool)) return `ASID pool at ${hex(pool.ptr)} registered twice`;
    seenPools.add(pool);
    const base = i * 512;
    if (!poolCaps.some((c) => c.obj === pool && c.extra === base))
      return `ASID table entry ${i} has no pool cap with base ${hex(base)}`;
    for (let j = 0; j < 512; j++) {
      const root = pool.entries[j];
      if (root === 0) continue;
      const asid = base + j;
      if (asid === 0) return "ASID 0 is registered";
      if (roots.has(root)) return `VSpace root ${hex(root)} registered for two ASIDs`;
      roots.set(root, asid);
      const caps = tables.get(root);
      if (caps === undefined || !caps.some((c) => c.mappedASID === asid))
        return `VSpace root ${hex(root)} (ASID ${asid}) has no mapped page-table cap recording it`;
    }
  }

  if (rootsOut !== undefined) for (const r of roots.keys()) rootsOut.add(r);
  const satp = ks.machine.satp;
  if (satp !== 0 && !roots.has(satp)) return `satp ${hex(satp)} is not a registered VSpace root`;

  // Walk every registered VSpace.
  const mem = ks.machine.memory;
  const visited = new Set<number>(roots.keys());
  const u32 = mem.u32;
  const walk = (table: number, level: number, base: number, asid: number): string | null => {
    if (!mem.isRam(table, 4096)) return `page table ${hex(table)} outside RAM`;
    const bits = PAGE_BITS + 9 * level;
    const first = mem.u32Index(table);
    for (let i = 0; i < 512; i++) {
      const lo = u32[first + 2 * i];
      const hi = u32[first + 2 * i + 1];
      if (lo === 0 && hi === 0) continue;
      const p = table + 8 * i;
      const vaddr = base + i * 2 ** bits;
      if ((lo & V) === 0) return `${pteWhere(asid, vaddr, p)}: invalid PTE is not zero`;
      if (hi >>> 22 !== 0) return `${pteWhere(asid, vaddr, p)}: reserved PTE bits set`;
      const target = (hi & 0x3f_ffff) * TWO32 * 4 + (lo >>> 10) * 4096;
      if ((lo & (R | W | X)) === 0) {
        if (level === 0) return `${pteWhere(asid, vaddr, p)}: table pointer at the last level`;
        if (visited.has(target))
          return `${pteWhere(asid, vaddr, p)}: page table ${hex(target)} reached twice`;
        visited.add(target);
        const caps = tables.get(target);
        if (!records(caps, -1, asid, vaddr))
          return `${pteWhere(asid, vaddr, p)}: page table ${hex(target)} has no cap recording this mapping`;
        const r = walk(target, level - 1, vaddr, asid);
        if (r !== null) return r;
        continue;
      }
      if ((lo & (R | W)) === W) return `${pteWhere(asid, vaddr, p)}: writable leaf without read`;
      if ((lo & U) === 0) return `${pteWhere(asid, vaddr, p)}: leaf without the user bit`;
      const caps = frames.get(target);
      if (!records(caps, bits, asid, vaddr))
        return `${pteWhere(asid, vaddr, p)}: maps ${hex(target)} but no frame cap records this mapping`;
    }
    return null;
  };
  for (const [root, asid] of roots) {
    const r = walk(root, 2, 0, asid);
    if (r !== null) return r;
  }
  return null;
}
