// `--report FILE` of `sel4ts run` and `sel4ts check`: the Microkit tool's report.txt
// (src/microkit/report.ts). After a run the objects' physical addresses are those the initialiser
// actually used; `check` knows only the fixed ones.

import { writeFileSync } from "node:fs";
import type { CapDLSpec } from "../capdl/spec.ts";
import { microkitReport } from "../microkit/report.ts";
import { objectsAtSlots } from "../system/introspect.ts";
import type { System } from "../system/system.ts";

export function writeReport(
  path: string,
  spec: CapDLSpec,
  system: System | null,
  objectSlots: readonly number[],
): boolean {
  const paddrs = new Map<number, number>();
  if (system !== null) for (const [i, o] of objectsAtSlots(system, objectSlots)) paddrs.set(i, o.paddr);
  try {
    writeFileSync(path, microkitReport(spec, paddrs));
    return true;
  } catch (e) {
    process.stderr.write(
      `sel4ts: cannot write report ${path}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return false;
  }
}
