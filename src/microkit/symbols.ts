// The values the Microkit tool patches into a PD (microkit.md §3.6), computed once for both kinds
// of program image: the patched-symbols page of a TypeScript PD (builder.ts) and the symbols of
// an ELF PD (elf-pd.ts).

import type { SdfProtectionDomain, SdfSystem } from "./sdf-model.ts";

export interface PdSymbolValues {
  /** OR of 1 << id over the PD's IRQs, its notify channel ends, its pp channel ends. */
  irqs: bigint;
  notifications: bigint;
  pps: bigint;
  /** Every setvar in order; `toolRegion` names a tool-allocated region whose address is not known yet (value 0). */
  vars: { symbol: string; value: bigint; toolRegion: string | null }[];
}

export function pdSymbolValues(sys: SdfSystem, pd: SdfProtectionDomain): PdSymbolValues {
  let irqs = 0n;
  for (const irq of pd.irqs) irqs |= 1n << BigInt(irq.id);
  let notifications = 0n;
  let pps = 0n;
  for (const ch of sys.channels) {
    for (const e of [ch.a, ch.b]) {
      if (e.pd !== pd.index) continue;
      if (e.notify) notifications |= 1n << BigInt(e.id);
      if (e.pp) pps |= 1n << BigInt(e.id);
    }
  }
  const vars = pd.setvars.map((v) => {
    let value = 0n;
    let toolRegion: string | null = null;
    if (v.kind === "vaddr") value = BigInt(v.vaddr);
    else if (v.kind === "id") value = BigInt(v.id);
    else {
      const mr = sys.memoryRegions.find((m) => m.name === (v.kind === "paddr" ? v.region : v.mr));
      if (mr !== undefined) {
        if (v.kind === "size") value = mr.size;
        else if (v.kind === "prefill_size") value = BigInt(mr.prefill?.bytes.length ?? 0);
        else if (mr.physAddr.kind === "specified") value = mr.physAddr.paddr;
        else if (mr.physAddr.kind === "tool_allocated") toolRegion = mr.name;
      }
    }
    return { symbol: v.symbol, value, toolRegion };
  });
  return { irqs, notifications, pps, vars };
}
