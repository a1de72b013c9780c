// Fault locations in ELF programs: the function (ELF symbols) and source line (DWARF line table).

import type { Tcb } from "../kernel/structures.ts";
import { describeLocation, SourceMap } from "../machine/dwarf-line.ts";
import type { Locator } from "./run-io.ts";

/** A Locator for threads whose program is the ELF `elfOf(thread)` returns (null: not an ELF thread). */
export function elfLocator(elfOf: (t: Tcb) => Uint8Array | null): Locator {
  const maps = new Map<Uint8Array, SourceMap>();
  return (t, pc) => {
    const elf = elfOf(t);
    if (elf === null) return null;
    let m = maps.get(elf);
    if (m === undefined) {
      m = new SourceMap(elf);
      maps.set(elf, m);
    }
    return describeLocation(m.locate(pc), pc);
  };
}
