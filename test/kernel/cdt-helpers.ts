// Helpers shared by the derivation-tree, Retype and deletion tests (mdb, untyped, delete): short
// names for the root-CNode operations, a per-test slot allocator with private untypeds, and a
// runner that exposes the System and hooks the kernel's preemption points.

import { expect } from "vitest";
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Move,
  seL4_CNode_Mutate,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_EndpointObject,
  seL4_RevokeFirst,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  type seL4_BootInfo,
  type seL4_Word,
  tcbCTable,
} from "../../src/user/libsel4.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import { CNode, type Cte, Tcb } from "../../src/kernel/structures.ts";
import { System } from "../../src/system/system.ts";
import { findUntyped, HARNESS_ROOT_CNODE_BITS } from "../harness.ts";

/** The root CNode and the depth that addresses its slot n by cptr n. */
export const R = seL4_CapInitThreadCNode;
export const D = 64;

export function* copy(dest: number, src: number, rights: number = seL4_AllRights) {
  return yield* seL4_CNode_Copy(R, dest, D, R, src, D, rights);
}
export function* mint(dest: number, src: number, badge: seL4_Word, rights: number = seL4_AllRights) {
  return yield* seL4_CNode_Mint(R, dest, D, R, src, D, rights, badge);
}
export function* move(dest: number, src: number) {
  return yield* seL4_CNode_Move(R, dest, D, R, src, D);
}
export function* mutate(dest: number, src: number, data: seL4_Word) {
  return yield* seL4_CNode_Mutate(R, dest, D, R, src, D, data);
}
export function* del(slot: number) {
  return yield* seL4_CNode_Delete(R, slot, D);
}
export function* revoke(slot: number) {
  return yield* seL4_CNode_Revoke(R, slot, D);
}
export function* id(slot: number) {
  return yield* seL4_DebugCapIdentify(slot);
}
/** Retype into root slots dest..dest+n-1. */
export function* retype(ut: number, type: seL4_Word, sizeBits: seL4_Word, dest: number, n: seL4_Word = 1) {
  return yield* seL4_Untyped_Retype(ut, type, sizeBits, R, 0, 0, dest, n);
}

/**
 * Per-test resources: `alloc(n)` hands out free root slots; `untyped(bits)` a fresh childless
 * RAM untyped; `make(type, size)` an object from a private 64 KiB untyped; `hasChildren(u)`
 * asks whether untyped `u` has children the way a root task can (Copy answers RevokeFirst).
 */
export function* setup(bi: seL4_BootInfo) {
  let next = bi.empty.start;
  const alloc = (n = 1): number => {
    const s = next;
    next += n;
    return s;
  };
  const big = findUntyped(bi, 20).cptr;
  const ut = alloc();
  expect(yield* retype(big, seL4_UntypedObject, 16, ut)).toBe(0);
  function* untyped(bits = 12) {
    const s = alloc();
    expect(yield* retype(big, seL4_UntypedObject, bits, s)).toBe(0);
    return s;
  }
  function* make(type: number = seL4_EndpointObject, size = 0) {
    const s = alloc();
    expect(yield* retype(ut, type, size, s)).toBe(0);
    return s;
  }
  function* hasChildren(u: number) {
    const s = alloc();
    const err = yield* copy(s, u);
    if (err === 0) expect(yield* del(s)).toBe(0);
    else expect(err).toBe(seL4_RevokeFirst);
    return err !== 0;
  }
  return { alloc, big, untyped, make, hasChildren };
}

/** Kernel state: the root task's TCB and its root CNode's slot i. */
export function rootTcb(k: KernelState): Tcb {
  return [...k.objects.values()].find((o) => o instanceof Tcb && o.name === "rootserver") as Tcb;
}
export function rootSlot(k: KernelState, i: number): Cte {
  return (rootTcb(k).cte[tcbCTable].obj as CNode).slots[i];
}

/**
 * Like runRoot, but `main` also gets the System (for kernel state and RAM) and `onPreempt` runs at
 * every preemption point that returned "preempted", after the invariant checker has run there.
 */
export function runHooked(
  main: (bi: seL4_BootInfo, system: System) => Generator<unknown, unknown, unknown>,
  opts: { checkInvariants?: boolean; onPreempt?: (k: KernelState) => void } = {},
) {
  const diagnostics: string[] = [];
  const problems: string[] = [];
  const system = new System({
    checkInvariants: opts.checkInvariants ?? true,
    ramSize: 64 * 1024 * 1024,
    kernelConfig: { rootCNodeSizeBits: HARNESS_ROOT_CNODE_BITS },
    maxTicks: 10_000_000_000,
    onDiagnostic: (t) => diagnostics.push(t),
  });
  const events = system.kernel.state.events;
  if (events === null) throw new Error("no kernel events");
  const counted = events.preempted;
  events.preempted = (t) => {
    counted?.(t);
    const problem = checkInvariants(system.kernel.state);
    if (problem !== null) problems.push(problem);
    opts.onPreempt?.(system.kernel.state);
  };
  system.boot((bi) => main(bi, system));
  const result = system.run();
  expect(result.reason, result.message).not.toBe("invariant");
  expect(problems).toEqual([]);
  const errors = diagnostics.filter((d) => d.startsWith("user program error"));
  expect(errors, errors.join("\n")).toEqual([]);
  return { system, result, diagnostics };
}
