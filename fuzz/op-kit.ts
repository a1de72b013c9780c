// The pieces the fuzzer's operations are made of: what an operation is (a generator of its
// arguments, pure: a decision is data drawn from the PRNG without looking at the system, and the
// user-level code that performs it with libsel4), argument generators by role, and the message
// and receive-path helpers the IPC operations share. Every operation is one system call or one
// memory access, so counting decisions counts syscalls.

import {
  seL4_CNode_CapData_new,
  seL4_MessageInfo_new,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
} from "../src/user/libsel4.ts";
import type { UserGenerator } from "../src/user/runtime.ts";
import { cptr, depth, label, length, word } from "./gen.ts";
import { R_EP, R_FREE, R_NTFN, R_REPLY, R_SC, R_TCB, R_XCNODE, type Range, S_CNODE, S_F } from "./layout.ts";
import type { Rng } from "./prng.ts";

/** What an operation returns when it is not an invocation (which returns its seL4_Error). */
export const RESULT_IPC = -1;

/** Syscall numbers for raw syscalls: all but DebugHalt (-14) and DebugNameThread (-17), which halt
 * the whole system (the latter on any cap that is not a TCB), ending the campaign early. */
export const RAW_SYSCALLS = [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -15, -16];
export const notHalting = (n: number): number => (n === -14 || n === -17 ? -11 : n);

/** What a worker knows while it runs a decision. */
export interface WorkerCtx {
  /** The pc at which a thread starts the worker body (for WriteRegisters). */
  entryPc: number;
}

export interface Op {
  name: string;
  args: readonly string[];
  gen(r: Rng): number[];
  run(a: number[], ctx: WorkerCtx): UserGenerator<number>;
}

export const ipc = RESULT_IPC;
export const anyCap = (r: Rng): number => cptr(r);
export const ipcCap = (r: Rng): number => cptr(r, r.chance(0.6) ? R_EP : R_NTFN, 0.9);
export const tcb = (r: Rng): number => cptr(r, R_TCB);
export const sc = (r: Rng): number => cptr(r, R_SC);
export const reply = (r: Rng): number => cptr(r, R_REPLY, 0.9);
export const cnode = (r: Rng): number =>
  r.chance(0.85) ? r.pick([S_CNODE, S_CNODE, S_F]) : cptr(r, R_XCNODE);
export const slotArg = (r: Rng): number => cptr(r, [16, R_FREE[1]]);
export const fixed =
  (slot: number) =>
  (r: Rng): number =>
    r.chance(0.9) ? slot : anyCap(r);
export const role = (range: Range) => (r: Rng) => cptr(r, range);
export const bool = (r: Rng): number => r.int(2);
/** CSpace root data: the right guard, none, or garbage. */
export const cdata = (r: Rng): number => r.pick([seL4_CNode_CapData_new(0, 57) as number, 0, word(r)]);

/** A message: label, length, extra caps (count and three cptrs) and MR0..3. */
export const MSG = ["label", "len", "ncaps", "c0", "c1", "c2", "mr0", "mr1", "mr2", "mr3"];
export function genMsg(r: Rng): number[] {
  const n = r.chance(0.7) ? 0 : r.int(4);
  return [label(r), length(r), n, slotArg(r), slotArg(r), slotArg(r), word(r), word(r), word(r), word(r)];
}
/** Loads MRs and caps; returns the message info. */
export function msg(a: number[], at: number): number | bigint {
  for (let i = 0; i < 4; i++) seL4_SetMR(i, a[at + 6 + i]);
  for (let i = 0; i < 3; i++) seL4_SetCap(i, a[at + 3 + i]);
  return seL4_MessageInfo_new(a[at], 0, a[at + 2], a[at + 1]);
}
/** Receivers take caps into a slot of their own CSpace (or a bad path). */
export const RECV = ["recvSlot", "recvDepth"];
export function genRecv(r: Rng): number[] {
  return [r.chance(0.9) ? r.range(R_FREE[0], R_FREE[1]) : cptr(r), depth(r)];
}
export function recvPath(a: number[], at: number): void {
  seL4_SetCapReceivePath(S_CNODE, a[at], a[at + 1]);
}

export function op(
  name: string,
  args: readonly string[],
  gen: (r: Rng) => number[],
  run: (a: number[], ctx: WorkerCtx) => UserGenerator<number>,
): Op {
  return { name, args, gen, run };
}

/** An operation whose arguments are drawn independently, one generator per argument. */
export function simple(
  name: string,
  args: [string, (r: Rng) => number][],
  run: (a: number[], ctx: WorkerCtx) => UserGenerator<number>,
): Op {
  return op(
    name,
    args.map((x) => x[0]),
    (r) => args.map((x) => x[1](r)),
    run,
  );
}

export function* err<T extends { error: number }>(g: UserGenerator<T>): UserGenerator<number> {
  return (yield* g).error;
}
