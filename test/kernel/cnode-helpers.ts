// Shared helpers for the CSpace, CNode and syscall-path tests: a raw Call that returns the whole
// reply (label, length, MRs, badge register), object creation, and a free-slot allocator.

import { expect } from "vitest";
import {
  CNodeCancelBadgedSends,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  CNodeMove,
  CNodeMutate,
  CNodeRevoke,
  CNodeRotate,
  seL4_AllRights,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_CapInitThreadCNode,
  seL4_Call,
  seL4_CNode_Mint,
  seL4_CNode_CapData_new,
  seL4_GetMR,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Untyped_Retype,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import { a0 } from "../../src/abi/registers.ts";
import { rt, type UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped } from "../harness.ts";

export const root = seL4_CapInitThreadCNode;
/** Depth that addresses slot k of the boot CNode as cptr k (guard 52 + radix 12). */
export const D = 64;

export interface Reply {
  label: number;
  length: number;
  /** MR0..MR(length-1) of the reply, as numbers when safe, else bigints. */
  mrs: seL4_Word[];
  /** The badge register (a0) after the call. */
  badge: seL4_Word;
}

/** Register r of the running thread as a word (exact, bigint above 2^53). */
export function reg(r: number): seL4_Word {
  const lo = rt.regs[2 * r];
  const hi = rt.regs[2 * r + 1];
  return hi < 0x20_0000 ? hi * 2 ** 32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * seL4_Call `service` with message `label`, MRs `mrs` and extra caps `caps`; `length` and
 * `extraCaps` override the message info fields (defaults: mrs.length and caps.length).
 */
export function* call(
  service: seL4_Word,
  label: number,
  mrs: seL4_Word[],
  caps: seL4_Word[] = [],
  length = mrs.length,
  extraCaps = caps.length,
): UserGenerator<Reply> {
  mrs.forEach((m, i) => seL4_SetMR(i, m));
  caps.forEach((c, i) => seL4_SetCap(i, c));
  const info = yield* seL4_Call(service, seL4_MessageInfo_new(label, 0, extraCaps, length));
  const n = seL4_MessageInfo_get_length(info);
  const out: seL4_Word[] = [];
  for (let i = 0; i < n; i++) out.push(seL4_GetMR(i));
  return { label: seL4_MessageInfo_get_label(info), length: n, mrs: out, badge: reg(a0) };
}

/** Hands out free slots of the boot CNode in order. */
export class Slots {
  private next: number;
  constructor(private readonly bi: seL4_BootInfo) {
    this.next = bi.empty.start;
  }
  alloc(): number {
    if (this.next >= this.bi.empty.end) throw new Error("out of free slots");
    return this.next++;
  }
}

/** Retype `n` objects of `type` (size `bits`) into root slots starting at `slot`. */
export function* retype(
  bi: seL4_BootInfo,
  type: number,
  bits: number,
  slot: number,
  n = 1,
  utBits = 16,
): UserGenerator<number> {
  const ut = findUntyped(bi, utBits);
  return yield* seL4_Untyped_Retype(ut.cptr, type, bits, root, 0, 0, slot, n);
}

/** Mint a copy of the boot CNode cap with no guard into `slot` (radix 12: depth 12 = one level). */
export function* unguardedRoot(slot: number): UserGenerator<number> {
  return yield* seL4_CNode_Mint(root, slot, D, root, seL4_CapInitThreadCNode, D, seL4_AllRights, 0);
}

/** Mint the CNode cap at `src` into `dest` with the given guard. */
export function* mintGuard(
  dest: number,
  src: number,
  guard: seL4_Word,
  guardSize: number,
): UserGenerator<number> {
  return yield* seL4_CNode_Mint(
    root,
    dest,
    D,
    root,
    src,
    D,
    seL4_AllRights,
    seL4_CNode_CapData_new(guard, guardSize),
  );
}

export const ok: Reply = { label: 0, length: 0, mrs: [], badge: 0 };
export function err(label: number, ...mrs: seL4_Word[]): Reply {
  return { label, length: mrs.length, mrs, badge: 0 };
}

// Raw invocations on the boot CNode (depth 64 everywhere unless given).
export const copy = (d: seL4_Word, s: seL4_Word, rights: seL4_Word = seL4_AllRights): UserGenerator<Reply> =>
  call(root, CNodeCopy, [d, D, s, D, rights], [root]);
export const mint = (
  d: seL4_Word,
  s: seL4_Word,
  badge: seL4_Word,
  rights: seL4_Word = seL4_AllRights,
): UserGenerator<Reply> => call(root, CNodeMint, [d, D, s, D, rights, badge], [root]);
export const move = (d: seL4_Word, s: seL4_Word): UserGenerator<Reply> =>
  call(root, CNodeMove, [d, D, s, D], [root]);
export const mutate = (d: seL4_Word, s: seL4_Word, data: seL4_Word): UserGenerator<Reply> =>
  call(root, CNodeMutate, [d, D, s, D, data], [root]);
export const del = (slot: seL4_Word): UserGenerator<Reply> => call(root, CNodeDelete, [slot, D]);
export const revoke = (slot: seL4_Word): UserGenerator<Reply> => call(root, CNodeRevoke, [slot, D]);
export const cancel = (slot: seL4_Word): UserGenerator<Reply> =>
  call(root, CNodeCancelBadgedSends, [slot, D]);
/** Rotate: dest <- pivot (with pivotData), pivot <- src (with srcData). */
export const rotate = (
  dest: seL4_Word,
  pivotData: seL4_Word,
  pivot: seL4_Word,
  srcData: seL4_Word,
  src: seL4_Word,
  depths: [seL4_Word, seL4_Word, seL4_Word] = [D, D, D],
): UserGenerator<Reply> =>
  call(
    root,
    CNodeRotate,
    [dest, depths[0], pivotData, pivot, depths[1], srcData, src, depths[2]],
    [root, root],
  );

/** Common objects: an endpoint and a notification (retyped originals) and free slots. */
export function* objects(bi: seL4_BootInfo): UserGenerator<{ s: Slots; ep: number; nt: number }> {
  const s = new Slots(bi);
  const ep = s.alloc();
  const nt = s.alloc();
  expect(yield* retype(bi, seL4_EndpointObject, 0, ep)).toBe(0);
  expect(yield* retype(bi, seL4_NotificationObject, 0, nt)).toBe(0);
  return { s, ep, nt };
}
