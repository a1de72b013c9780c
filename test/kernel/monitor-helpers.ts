// The invariant monitor (src/kernel/invariants-monitor.ts) against a planted corruption: it must
// report exactly what the whole checker reports. The monitor trusts the kernel to mark every entry
// that writes caps, objects, the ASID table or page tables (ks.capsDirty); a planted corruption
// stands for a kernel bug, so it is marked exactly when it changed one of those (as the buggy
// kernel code, being the code that writes them, would have) — a corruption of anything else must
// be caught by the monitor's entry check alone.

import { expect } from "vitest";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { InvariantMonitor } from "../../src/kernel/invariants-monitor.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import { cap_page_table_cap } from "../../src/abi/index.ts";
import { CNode, type Cte, Tcb } from "../../src/kernel/structures.ts";

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

/** Everything only the monitor's whole check looks at, as text. */
export function structureFingerprint(ks: KernelState): string {
  const parts: string[] = [];
  const tables = new Set<number>();
  for (const [ptr, o] of ks.objects) {
    parts.push(`${ptr}:${o.kind}:${o.ptr}`);
    const slots = o instanceof CNode ? o.slotsMade : o instanceof Tcb ? o.cte : [];
    for (const s of slots) {
      parts.push(slotText(s));
      if (s !== null && s.type === cap_page_table_cap) tables.add(s.ptr);
    }
  }
  ks.asidTable.forEach((p, i) => {
    if (p !== null) parts.push(`asid ${i} ${p.ptr} ${p.entries.join(" ")}`);
    if (p !== null) for (const r of p.entries) if (r !== 0) tables.add(r);
  });
  const u32 = ks.machine.memory.u32;
  for (const t of [...tables].sort((a, b) => a - b)) {
    if (!ks.machine.memory.isRam(t, 4096)) continue;
    parts.push(`pt ${t} ${Array.from(u32.subarray(t / 4, t / 4 + 1024)).join(",")}`);
  }
  return parts.join("\n");
}

/**
 * Plant `corrupt` into a state that checks clean, and expect the monitor's check after it to
 * report what checkInvariants reports (a violation).
 */
export function expectMonitorAgrees(ks: KernelState, corrupt: () => void): void {
  const monitor = new InvariantMonitor(ks);
  expect(monitor.whole()).toBeNull();
  const before = structureFingerprint(ks);
  corrupt();
  if (structureFingerprint(ks) !== before) ks.capsDirty = true;
  const whole = checkInvariants(ks);
  expect(whole).not.toBeNull();
  expect(monitor.check()).toBe(whole);
}
