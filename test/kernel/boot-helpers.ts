// Shared by boot.test.ts and boot-untyped.test.ts: constants of the boot configuration runRoot
// uses, finding the root objects in kernel state (for the "internal" checks), and seL4's
// untyped cut stated independently of src/kernel/boot.ts.

import { seL4_CapInitThreadCNode, type seL4_BootInfo } from "../../src/user/libsel4.ts";
import { CNode, Tcb } from "../../src/kernel/structures.ts";
import type { System } from "../../src/system/system.ts";
import { HARNESS_ROOT_CNODE_BITS, runRoot } from "../harness.ts";

export const PAGE = 4096;
export const RAM_SIZE = 64 * 1024 * 1024; // what runRoot boots with
/** The root CNode runRoot boots with (KernelRootCNodeSizeBits; the default is checked apart). */
export const CNODE_BITS = HARNESS_ROOT_CNODE_BITS;
export const NUM_SLOTS = 2 ** CNODE_BITS;

export function rootTcb(system: System): Tcb {
  for (const o of system.kernel.state.objects.values())
    if (o instanceof Tcb && o.name === "rootserver") return o;
  throw new Error("no root TCB");
}
export function rootCNode(system: System): CNode {
  for (const o of system.kernel.state.objects.values())
    if (o instanceof CNode && o.slots[seL4_CapInitThreadCNode].obj === o) return o;
  throw new Error("no root CNode");
}

/** Boot a root task that just records its boot info. */
export function bootInfo(): { bi: seL4_BootInfo; system: System } {
  let got: seL4_BootInfo | null = null;
  const { system } = runRoot(function* (bi) {
    got = bi;
    yield* [];
  });
  return { bi: got as unknown as seL4_BootInfo, system };
}

/** Maximal contiguous runs of [paddr, end) of the same kind. */
export function runs(list: { paddr: number; sizeBits: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const u of list) {
    const end = u.paddr + 2 ** u.sizeBits;
    const last = out[out.length - 1];
    if (last !== undefined && last.end === u.paddr) last.end = end;
    else out.push({ start: u.paddr, end });
  }
  return out;
}

/** Our own statement of seL4's cut: largest aligned power of two ≤ 2^38 at each step, ≥ 2^4 kept. */
export function cut(start: number, end: number): { paddr: number; sizeBits: number }[] {
  const out: { paddr: number; sizeBits: number }[] = [];
  for (let p = start; p < end;) {
    let bits = 38;
    while (2 ** bits > end - p || (p !== 0 && p % 2 ** bits !== 0)) bits--;
    if (bits >= 4) out.push({ paddr: p, sizeBits: bits });
    p += 2 ** bits;
  }
  return out;
}
