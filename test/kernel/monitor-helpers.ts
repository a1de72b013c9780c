// The invariant monitor (src/kernel/invariants-monitor.ts) against a planted corruption: its
// incremental check must report a violation where the whole checker does. The monitor trusts the
// kernel to record what each entry writes (touched.ts); a planted corruption stands for a kernel
// bug, so it is recorded as the buggy kernel code, being the code that writes those, would have:
// the slots whose cap or MDB node changed, the objects registered or dropped, the ASID table, and
// the caps of page tables whose entries changed.

import { expect } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { InvariantMonitor } from "../../src/kernel/invariants-monitor.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import { cap_page_table_cap } from "../../src/abi/index.ts";
import { CNode, type Cte, type KObject, Tcb } from "../../src/kernel/structures.ts";

function slotText(c: Cte | null): string {
  if (c === null) return "-";
  const link = (x: Cte | null): string => (x === null ? "_" : `${x.owner?.ptr ?? -1}:${x.index}`);
  return [
    c.type,
    c.obj?.ptr ?? "_",
    c.ptr,
    c.sizeBits,
    c.rights,
    c.dataHi,
    c.dataLo,
    c.guardSize,
    c.freeIndex,
    c.isDevice,
    c.mappedASID,
    c.mappedAddr,
    c.isMapped,
    c.extra,
    c.revocable,
    c.firstBadged,
    link(c.prev),
    link(c.next),
  ].join(",");
}

/**
 * What a corruption changed, as the kernel code that made it would have recorded it (touched.ts):
 * the slots whose cap or MDB node differs, the objects registered or dropped, a change to the ASID
 * table or a pool, and for a page table whose contents changed, the caps to it.
 */
function snapshot(ks: KernelState): {
  slots: Map<Cte, string>;
  objects: Set<KObject>;
  asids: string;
  tables: Map<number, string>;
} {
  const slots = new Map<Cte, string>();
  const tables = new Map<number, string>();
  const objects = new Set<KObject>(ks.objects.values());
  const u32 = ks.machine.memory.u32;
  for (const o of ks.objects.values()) {
    const made = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : [];
    for (const s of made) {
      if (s === null) continue;
      slots.set(s, slotText(s));
      if (s.type === cap_page_table_cap && ks.machine.memory.isRam(s.ptr, 4096))
        tables.set(
          s.ptr,
          Array.from(
            u32.subarray(ks.machine.memory.u32Index(s.ptr), ks.machine.memory.u32Index(s.ptr) + 1024),
          ).join(","),
        );
    }
  }
  const asids = ks.asidTable.map((p) => (p === null ? "-" : `${p.ptr}:${p.entries.join(" ")}`)).join("\n");
  return { slots, objects, asids, tables };
}

/** Record in the kernel's touch log what changed between `before` and now. */
function recordTouched(ks: KernelState, before: ReturnType<typeof snapshot>): void {
  const log = ks.touched;
  if (log === null) return;
  const after = snapshot(ks);
  for (const [s, text] of after.slots) if (before.slots.get(s) !== text) log.slots.push(s);
  for (const [s] of before.slots) if (!after.slots.has(s)) log.slots.push(s);
  for (const o of after.objects) if (!before.objects.has(o)) log.created.push(o);
  for (const o of before.objects) if (!after.objects.has(o)) log.removed.push(o);
  if (after.asids !== before.asids) log.asids = true;
  const changedTables = new Set<number>();
  for (const [t, text] of after.tables) if (before.tables.get(t) !== text) changedTables.add(t);
  for (const [t] of before.tables) if (!after.tables.has(t)) changedTables.add(t);
  if (changedTables.size > 0)
    for (const s of after.slots.keys())
      if (s.type === cap_page_table_cap && changedTables.has(s.ptr)) log.slots.push(s);
}

/**
 * Plant `corrupt` into a state that checks clean, as kernel code that records what it touches
 * would, and expect the monitor's incremental check after it to report a violation, as
 * checkInvariants does.
 */
/** Plant `corrupt`, recording what it touched in the kernel's touch log as the kernel would. */
export function plantRecorded(ks: KernelState, corrupt: () => void): void {
  const before = snapshot(ks);
  corrupt();
  recordTouched(ks, before);
}

export function expectMonitorAgrees(ks: KernelState, corrupt: () => void): void {
  const monitor = new InvariantMonitor(ks);
  expect(monitor.whole()).toBeNull();
  const before = snapshot(ks);
  corrupt();
  recordTouched(ks, before);
  const whole = checkInvariants(ks);
  expect(whole).not.toBeNull();
  expect(monitor.check()).not.toBeNull();
}
