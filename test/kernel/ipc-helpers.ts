// Helpers for the IPC, notification and fault tests (semantics §9, §10, §12): threads with known
// IPC buffers, passive servers, minting, reading whole messages, raw syscalls and a few
// kernel-side views for checks that user level cannot see (thread states, SC holders, reply
// chains). Kernel views are only called from root-task code, between kernel entries.

import { expect } from "vitest";
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapNull,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_GetMR,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_SchedContext_Unbind,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_TCB_Configure,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_Yield,
  sel4ts_entry,
  tcbCTable,
  type seL4_BootInfo,
  type seL4_MessageInfo_t,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import { setSyscallRegs } from "../../src/user/libsel4/syscalls.ts";
import { rt, TRAP_SYSCALL, type UserGenerator } from "../../src/user/runtime.ts";
import * as R from "../../src/abi/registers.ts";
import { ks } from "../../src/kernel/state.ts";
import type {
  CNode,
  Cte,
  Endpoint,
  Notification,
  Reply,
  SchedContext,
  Tcb,
} from "../../src/kernel/structures.ts";
import { System, type SystemOptions } from "../../src/system/system.ts";
import { findUntyped, type RootRun, HARNESS_ROOT_CNODE_BITS } from "../harness.ts";

export const W = 64;
export const rootCN = seL4_CapInitThreadCNode;
export const IMAGE_VADDR = 0x10000;

export type ThreadFn = (a0: number | bigint, a1: number | bigint, a2: number | bigint) => UserGenerator;

export interface ThreadOpts {
  prio?: number;
  /** Fault handler endpoint (slot in the root CNode) captured by SetSchedParams. */
  faultEp?: number;
  /** false: no SC (passive from the start); a number: this configured SC. */
  sc?: boolean | number;
  /** true: no IPC buffer at all. */
  noBuffer?: boolean;
  budgetUs?: number;
  periodUs?: number;
  args?: [seL4_Word, seL4_Word, seL4_Word];
  /** false: registers written, thread left Inactive. */
  start?: boolean;
  /** CSpace root cap (slot in the root CNode) and its guard data; default the root CNode. */
  cspace?: { root: number; data: seL4_Word };
  /** Give the TCB a copy of its buffer frame cap with these rights (e.g. read-only). */
  bufferRights?: number;
}

export interface Thread {
  tcb: number;
  /** Its SC's slot (seL4_CapNull if none). */
  sc: number;
  /** IPC buffer vaddr (the root task can read and write it) and the image frame behind it. */
  buffer: number;
  frame: number;
}

export interface IpcKit {
  bi: seL4_BootInfo;
  alloc(): number;
  make(type: number, sizeBits?: number): UserGenerator<number>;
  /** A configured SC (round robin when budget = period). */
  makeSC(budgetUs?: number, periodUs?: number): UserGenerator<number>;
  spawn(fn: ThreadFn, opts?: ThreadOpts): UserGenerator<Thread>;
  /**
   * A passive server: it runs on its own SC at priority 255 until it blocks (the root yields to
   * it), then the SC is unbound and its priority set to `opts.prio` (default 100).
   */
  passive(fn: ThreadFn, opts?: ThreadOpts): UserGenerator<Thread>;
  /** Mint `src` into a fresh slot with `rights` and `badge`. */
  mint(src: number, rights: seL4_Word, badge: seL4_Word): UserGenerator<number>;
  /** Copy `src` into a fresh slot with `rights`. */
  copy(src: number, rights: seL4_Word): UserGenerator<number>;
}

export function* ipcKit(bi: seL4_BootInfo): UserGenerator<IpcKit> {
  let next = bi.empty.start;
  let nextFrame = 1;
  const ut = findUntyped(bi, 20);
  const alloc = (): number => next++;
  function* make(type: number, sizeBits = 0): UserGenerator<number> {
    const slot = alloc();
    const e = yield* seL4_Untyped_Retype(ut.cptr, type, sizeBits, rootCN, 0, 0, slot, 1);
    expect(e, `retype of type ${type}`).toBe(0);
    return slot;
  }
  function* makeSC(budgetUs = 1000, periodUs = budgetUs): UserGenerator<number> {
    const sc = yield* make(seL4_SchedContextObject, 8);
    expect(yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, budgetUs, periodUs, 0, 0)).toBe(0);
    return sc;
  }
  function* spawn(fn: ThreadFn, opts: ThreadOpts = {}): UserGenerator<Thread> {
    const tcb = yield* make(seL4_TCBObject);
    const k = nextFrame++;
    const frame = bi.userImageFrames.start + k;
    const buffer = IMAGE_VADDR + k * 0x1000;
    let bufferCap = opts.bufferRights === undefined ? frame : yield* copy(frame, opts.bufferRights);
    if (opts.noBuffer === true) bufferCap = seL4_CapNull;
    const cs = opts.cspace ?? { root: rootCN, data: 0 };
    expect(
      yield* seL4_TCB_Configure(
        tcb,
        cs.root,
        cs.data,
        seL4_CapInitThreadVSpace,
        0,
        opts.noBuffer === true ? 0 : buffer,
        bufferCap,
      ),
    ).toBe(0);
    const sc =
      typeof opts.sc === "number"
        ? opts.sc
        : opts.sc === false
          ? seL4_CapNull
          : yield* makeSC(opts.budgetUs, opts.periodUs);
    const prio = opts.prio ?? 100;
    expect(
      yield* seL4_TCB_SetSchedParams(
        tcb,
        seL4_CapInitThreadTCB,
        prio,
        prio,
        sc,
        opts.faultEp ?? seL4_CapNull,
      ),
    ).toBe(0);
    const [a0, a1, a2] = opts.args ?? [0, 0, 0];
    expect(
      yield* seL4_TCB_WriteRegisters(tcb, opts.start !== false, 0, 19, { pc: sel4ts_entry(fn), a0, a1, a2 }),
    ).toBe(0);
    return { tcb, sc, buffer, frame };
  }
  function* passive(fn: ThreadFn, opts: ThreadOpts = {}): UserGenerator<Thread> {
    const t = yield* spawn(fn, { ...opts, prio: 255, sc: true });
    yield* seL4_Yield();
    expect(yield* seL4_SchedContext_Unbind(t.sc)).toBe(0);
    const prio = opts.prio ?? 100;
    if (prio !== 255) expect(yield* seL4_TCB_SetPriority(t.tcb, seL4_CapInitThreadTCB, prio)).toBe(0);
    return t;
  }
  function* mint(src: number, rights: seL4_Word, badge: seL4_Word): UserGenerator<number> {
    const slot = alloc();
    expect(yield* seL4_CNode_Mint(rootCN, slot, W, rootCN, src, W, rights, badge)).toBe(0);
    return slot;
  }
  function* copy(src: number, rights: seL4_Word): UserGenerator<number> {
    const slot = alloc();
    expect(yield* seL4_CNode_Copy(rootCN, slot, W, rootCN, src, W, rights)).toBe(0);
    return slot;
  }
  return { bi, alloc, make, makeSC, spawn, passive, mint, copy };
}

export { seL4_AllRights };

/**
 * Let every other ready thread run until it blocks: the root task (priority 255) drops to
 * priority 1 and comes back when nothing else can run.
 */
export function* settle(): UserGenerator<void> {
  expect(yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 1)).toBe(0);
  expect(yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255)).toBe(0);
}

/** A received message: label, length and MR0..length-1 as bigints (read after the receive). */
export interface Msg {
  label: number;
  length: number;
  mrs: bigint[];
  badge: bigint;
}

export function readMsg(info: seL4_MessageInfo_t, badge: seL4_Word): Msg {
  const length = seL4_MessageInfo_get_length(info);
  const mrs: bigint[] = [];
  for (let i = 0; i < length; i++) mrs.push(BigInt(seL4_GetMR(i)));
  return { label: seL4_MessageInfo_get_label(info), length, mrs, badge: BigInt(badge) };
}

/** The running thread's register `r` as a bigint. */
export function getRegister(r: number): bigint {
  return (BigInt(rt.regs[2 * r + 1]) << 32n) | BigInt(rt.regs[2 * r]);
}

export function setRegister(r: number, v: bigint | number): void {
  const x = BigInt.asUintN(64, BigInt(v));
  rt.regs[2 * r] = Number(x & 0xffffffffn);
  rt.regs[2 * r + 1] = Number(x >> 32n);
}

/** The running thread's current pc (NextIP): where a fault raised now is reported. */
export function currentPC(): bigint {
  return getRegister(R.NextIP);
}

/**
 * A raw system call with a7 = `sys` (any number), a0/a1/a6 as given; MR registers as they are.
 * Returns a0 and a1 after the call.
 */
export function* rawSyscall(
  sys: number,
  a0: seL4_Word = 0,
  a1: seL4_Word = 0,
  a6: seL4_Word = 0,
): UserGenerator<{ a0: bigint; a1: bigint }> {
  setSyscallRegs(sys, a0, a1, a6);
  yield TRAP_SYSCALL;
  return { a0: getRegister(R.a0), a1: getRegister(R.a1) };
}

// ---- kernel-side views (root-task code only) ----

export function kSlot(cptr: number): Cte {
  return (ks.curThread.cte[tcbCTable].obj as CNode).slots[cptr];
}
export function kTcb(cptr: number): Tcb {
  return kSlot(cptr).obj as Tcb;
}
export function kEp(cptr: number): Endpoint {
  return kSlot(cptr).obj as Endpoint;
}
export function kNtfn(cptr: number): Notification {
  return kSlot(cptr).obj as Notification;
}
export function kReply(cptr: number): Reply {
  return kSlot(cptr).obj as Reply;
}
export function kSC(cptr: number): SchedContext {
  return kSlot(cptr).obj as SchedContext;
}
/** Thread names (TCB cptrs) queued on an endpoint or notification, head first. */
export function kQueue(q: Endpoint | Notification, names: Map<Tcb, string>): string[] {
  const out: string[] = [];
  for (let t = q.head; t !== null; t = t.epNext) out.push(names.get(t) ?? "?");
  return out;
}

/**
 * runRoot without the "no user program errors" check (for tests in which a thread throws on
 * purpose to raise a UserException); still fails on an invariant violation.
 */
export function runRootAllowingErrors(
  main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>,
  opts: SystemOptions = {},
): RootRun {
  const diagnostics: string[] = [];
  const bytes: number[] = [];
  const system = new System({
    checkInvariants: true,
    ramSize: 64 * 1024 * 1024,
    kernelConfig: { rootCNodeSizeBits: HARNESS_ROOT_CNODE_BITS },
    maxTicks: 10_000_000_000,
    ...opts,
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diagnostics.push(t),
  });
  system.boot(main);
  const result = system.run();
  expect(result.reason, result.message).not.toBe("invariant");
  return { out: Buffer.from(bytes).toString("latin1"), diagnostics, result, system };
}
