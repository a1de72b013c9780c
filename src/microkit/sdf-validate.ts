// System-wide checks of a parsed SDF (Microkit manual / tool §1.16, steps 5 onwards), the automatic
// 2 MiB page-size upgrade and the resolution of maps into the final model.

import {
  MAX_PDS,
  MONITOR_PD_NAME,
  PAGE_SIZES,
  pdMapMaxVaddr,
  type SdfCapMap,
  type SdfChannel,
  type SdfLocation,
  type SdfMap,
  type SdfMemoryRegion,
  type SdfProtectionDomain,
} from "./sdf-model.ts";
import type { RawCapMap, RawMap, RawPd } from "./sdf-pd.ts";
import { U64_MAX, fail, hex } from "./sdf-util.ts";

/** A flattened PD, not yet resolved (maps and cap maps still refer to names). */
export interface FlatPd {
  raw: RawPd;
  index: number;
  parent: number | null;
  children: number[];
}

export interface Warning {
  message: string;
  loc: SdfLocation;
}

const at = (l: SdfLocation): string => `${l.line}:${l.col}`;

function checkGlobalNames(
  pds: readonly FlatPd[],
  mrs: readonly SdfMemoryRegion[],
  systemLoc: SdfLocation,
): void {
  if (pds.length === 0) fail("at least one protection domain must be defined", systemLoc);
  if (pds.length > MAX_PDS) {
    const extra = pds[MAX_PDS];
    fail(
      `too many protection domains (${pds.length}) defined. Maximum is ${MAX_PDS}.`,
      extra?.raw.loc ?? systemLoc,
    );
  }
  const seenPd = new Map<string, SdfLocation>();
  for (const { raw } of pds) {
    const first = seenPd.get(raw.name);
    if (first !== undefined) {
      fail(`duplicate protection domain name '${raw.name}'. (first declared at ${at(first)})`, raw.loc);
    }
    seenPd.set(raw.name, raw.loc);
    if (raw.name === MONITOR_PD_NAME) {
      fail("the PD name 'monitor' is reserved for the Microkit Monitor.", raw.loc);
    }
  }
  const seenMr = new Map<string, SdfLocation>();
  for (const mr of mrs) {
    const first = seenMr.get(mr.name);
    if (first !== undefined) {
      fail(`duplicate memory region name '${mr.name}'. (first declared at ${at(first)})`, mr.loc);
    }
    seenMr.set(mr.name, mr.loc);
  }
}

function checkIds(pds: readonly FlatPd[], channels: readonly SdfChannel[]): void {
  // IRQ numbers are global.
  const irqOwner = new Map<number, string>();
  for (const { raw } of pds) {
    for (const irq of raw.irqs) {
      const owner = irqOwner.get(irq.irq);
      if (owner !== undefined) {
        fail(
          `duplicate irq: ${irq.irq} in protection domain: '${raw.name}' (already used by '${owner}')`,
          raw.loc,
        );
      }
      irqOwner.set(irq.irq, raw.name);
    }
  }
  // One id space per PD, shared by IRQs and channel ends.
  const ids = pds.map(() => new Set<number>());
  const dup = (pd: FlatPd, id: number): never =>
    fail(`duplicate channel id: ${id} in protection domain: '${pd.raw.name}'`, pd.raw.loc);
  for (const pd of pds) {
    const set = ids[pd.index] ?? new Set<number>();
    for (const irq of pd.raw.irqs) {
      if (set.has(irq.id)) dup(pd, irq.id);
      set.add(irq.id);
    }
  }
  for (const ch of channels) {
    for (const end of [ch.a, ch.b]) {
      const pd = pds[end.pd];
      const set = ids[end.pd];
      if (pd === undefined || set === undefined) continue;
      if (set.has(end.id)) dup(pd, end.id);
      set.add(end.id);
    }
    const pa = pds[ch.a.pd]?.raw;
    const pb = pds[ch.b.pd]?.raw;
    if (pa === undefined || pb === undefined) continue;
    const [from, to] = ch.a.pp ? [pa, pb] : ch.b.pp ? [pb, pa] : [null, null];
    if (from !== null && to !== null && from.priority >= to.priority) {
      fail(
        "PPCs must be to protection domains of strictly higher priorities; channel with PPC exists from " +
          `pd ${from.name} (priority: ${from.priority}) to pd ${to.name} (priority: ${to.priority})`,
        ch.loc,
      );
    }
  }
}

function checkMaps(pd: RawPd, mrs: readonly SdfMemoryRegion[]): void {
  const max = BigInt(pdMapMaxVaddr(pd.stackSize));
  const done: { mr: string; start: bigint; end: bigint }[] = [];
  for (const map of pd.maps) {
    const mr = mrs.find((m) => m.name === map.mr);
    if (mr === undefined) fail(`invalid memory region name '${map.mr}' on 'map'`, map.loc);
    if (map.vaddr % mr.pageSize !== 0) {
      fail(
        `invalid vaddr alignment on 'map' (vaddr ${hex(map.vaddr)}, page size ${hex(mr.pageSize)})`,
        map.loc,
      );
    }
    const start = BigInt(map.vaddr);
    const end = start + mr.size;
    if (end > U64_MAX) fail(`map for '${map.mr}' has address range that overflows`, map.loc);
    if (end > max) {
      fail(
        `map for '${map.mr}' has virtual address range [${hex(start)}..${hex(end)}) which exceeds valid address space [0x0..${hex(max)})`,
        map.loc,
      );
    }
    for (const o of done) {
      if (!(start >= o.end || end <= o.start)) {
        fail(
          `map for '${map.mr}' has virtual address range [${hex(start)}..${hex(end)}) which overlaps with map for '${o.mr}' [${hex(o.start)}..${hex(o.end)}) in protection domain '${pd.name}'`,
          map.loc,
        );
      }
    }
    done.push({ mr: map.mr, start, end });
  }
}

function checkCapSlots(pd: RawPd): void {
  const bySlot = new Map<number, RawCapMap[]>();
  for (const c of pd.capMaps) bySlot.set(c.slot, [...(bySlot.get(c.slot) ?? []), c]);
  for (const [slot, caps] of bySlot) {
    const second = caps[1];
    if (second === undefined) continue;
    const list = caps.map((c) => `${c.type} of '${c.pdName}' at ${at(c.loc)}`).join(", ");
    fail(`overlapping user caps in slot ${slot} of protection domain '${pd.name}': ${list}`, second.loc);
  }
}

function checkPhysOverlap(mrs: readonly SdfMemoryRegion[]): void {
  const done: { name: string; start: bigint; end: bigint }[] = [];
  for (const mr of mrs) {
    if (mr.physAddr.kind !== "specified") continue;
    const start = mr.physAddr.paddr;
    const end = start + mr.size;
    for (const o of done) {
      if (!(start >= o.end || end <= o.start)) {
        fail(
          `memory region '${mr.name}' physical address range [${hex(start)}..${hex(end)}) overlaps with another memory region '${o.name}' [${hex(o.start)}..${hex(o.end)})`,
          mr.loc,
        );
      }
    }
    done.push({ name: mr.name, start, end });
  }
}

/** Moves regions without an explicit page size to 2 MiB pages where size, vaddrs and paddr allow. */
function upgradePageSizes(mrs: SdfMemoryRegion[], allMaps: readonly RawMap[]): void {
  for (const mr of mrs) {
    if (mr.pageSizeSpecified) continue;
    const addrs: bigint[] = allMaps.filter((m) => m.mr === mr.name).map((m) => BigInt(m.vaddr));
    if (mr.physAddr.kind === "specified") addrs.push(mr.physAddr.paddr);
    for (const ps of [...PAGE_SIZES].reverse()) {
      const big = BigInt(ps);
      if (ps <= mr.pageSize) break;
      if (mr.size % big !== 0n || addrs.some((a) => a % big !== 0n)) continue;
      mr.pageSize = ps;
      mr.pageCount = Number(mr.size / big);
      break;
    }
  }
}

/** Runs the system-wide checks and produces the resolved PD list. Throws SdfError. */
export function validateSystem(
  pds: readonly FlatPd[],
  mrs: SdfMemoryRegion[],
  channels: readonly SdfChannel[],
  systemLoc: SdfLocation,
  warnings: Warning[],
): SdfProtectionDomain[] {
  checkGlobalNames(pds, mrs, systemLoc);
  checkIds(pds, channels);
  for (const { raw } of pds) checkMaps(raw, mrs);
  for (const { raw } of pds) checkCapSlots(raw);
  checkPhysOverlap(mrs);

  const allMaps = pds.flatMap((p) => p.raw.maps);
  for (const mr of mrs) {
    if (!allMaps.some((m) => m.mr === mr.name))
      warnings.push({ message: `unused memory region '${mr.name}'`, loc: mr.loc });
  }
  upgradePageSizes(mrs, allMaps);

  const paddrTargets = new Set<string>();
  for (const { raw } of pds) {
    for (const sv of raw.setvars) {
      if (sv.kind === "paddr") {
        if (!mrs.some((m) => m.name === sv.region)) {
          fail(`setvar region_paddr names an unknown memory region '${sv.region}'`, sv.loc);
        }
        paddrTargets.add(sv.region);
      } else if (sv.kind === "prefill_size") {
        const mr = mrs.find((m) => m.name === sv.mr);
        if (mr !== undefined && mr.prefill === null) {
          fail(`'setvar_prefill_size' used for MR without a \`prefill_path\` (MR '${mr.name}')`, mr.loc);
        }
      }
    }
  }
  for (const mr of mrs) {
    if (paddrTargets.has(mr.name) && mr.physAddr.kind === "unspecified")
      mr.physAddr = { kind: "tool_allocated" };
  }

  const pdIndex = new Map(pds.map((p) => [p.raw.name, p.index]));
  return pds.map(({ raw, index, parent, children }) => {
    const maps: SdfMap[] = raw.maps.map((m) => ({ ...m, mrIndex: mrs.findIndex((r) => r.name === m.mr) }));
    const capMaps: SdfCapMap[] = raw.capMaps.map((c) => ({ ...c, pd: pdIndex.get(c.pdName) ?? -1 }));
    return {
      index,
      name: raw.name,
      id: raw.id,
      parent,
      children,
      setvarId: raw.setvarId,
      priority: raw.priority,
      budget: raw.budget,
      period: raw.period,
      passive: raw.passive,
      stackSize: raw.stackSize,
      cpu: raw.cpu,
      fpu: raw.fpu,
      smc: false,
      domain: raw.domain,
      domainName: raw.domainName,
      programImage: raw.programImage,
      maps,
      irqs: raw.irqs,
      setvars: raw.setvars,
      capMaps,
      loc: raw.loc,
    };
  });
}
