// Faults the Microkit monitor reports. A PD without a parent has the monitor as its fault handler:
// the monitor prints the fault on the console in the Microkit tool's own format (kept byte for
// byte), and sel4ts adds, on stderr, where in the PD's source the fault is — the function and
// file:line of an ELF PD (symbols and DWARF line table), the user's frame of a TS PD's `yield*`.
// The console is watched line by line for the monitor's "faulting PD" line; the location follows
// the line that ends the monitor's description of the fault.

import { FaultIP } from "../abi/registers.ts";
import { Tcb } from "../kernel/structures.ts";
import type { System } from "../system/system.ts";
import type { Locator } from "./run-io.ts";
import { locateTsThread } from "./user-stack.ts";

const FAULTING_PD = "MON|ERROR: faulting PD: ";
/** The last line the monitor prints about a fault, by fault kind (VMFault ends with its description). */
const LAST_LINE = /^MON\|ERROR: (CapFault:|UserException|description of fault:|fault label:)/;
const MAX_LINE = 256;

/** The thread named `name` (a PD's TCB carries the PD's name), or null. */
function threadNamed(system: System, name: string): Tcb | null {
  const ks = system.kernel.state;
  for (const o of ks.objects.values())
    if (o instanceof Tcb && o !== ks.idleThread && o.name === name) return o;
  return null;
}

/**
 * A console tap: give it every console byte; it calls `report` with a line for stderr once the
 * monitor has described a PD's fault, and `counted` for each such fault.
 */
export function monitorFaultTap(
  system: () => System,
  locate: Locator,
  report: (line: string) => void,
  counted: () => void,
): (byte: number) => void {
  const line = new Uint8Array(MAX_LINE);
  let len = 0;
  let pd: string | null = null;
  const decoder = new TextDecoder("latin1");
  const ended = (): void => {
    const text = decoder.decode(line.subarray(0, len));
    if (text.startsWith(FAULTING_PD)) {
      pd = text.slice(FAULTING_PD.length);
      return;
    }
    if (pd === null || !LAST_LINE.test(text)) return;
    const name = pd;
    pd = null;
    counted();
    const sys = system();
    const t = threadNamed(sys, name);
    if (t === null) return;
    const where =
      locateTsThread(sys, t) ?? locate(t, t.regs[2 * FaultIP + 1] * 0x1_0000_0000 + t.regs[2 * FaultIP]);
    if (where !== null) report(`sel4ts: the fault of PD '${name}' is at ${where}`);
  };
  return (b: number): void => {
    if (b === 10) {
      ended();
      len = 0;
    } else if (len < MAX_LINE) line[len++] = b;
  };
}
