// Threads for the TCB and scheduling tests (and a few kernel-side views for internal checks): retype a TCB and an SC, configure the SC, Configure
// the TCB in the root's CSpace and VSpace with an IPC buffer, SetSchedParams, and start it at a
// `sel4ts_entry` pc with WriteRegisters.
//
// Until the root task can map frames, a thread's IPC buffer is one of the root task's image
// frames (frame k is mapped at 0x10000 + k * 0x1000); the root's own buffer is elsewhere.

import { expect } from "vitest";
import {
  seL4_CNode_Copy,
  seL4_RISCV_4K_Page,
  tcbCTable,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapNull,
  seL4_DebugPutChar,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  sel4ts_entry,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import { ks } from "../../src/kernel/state.ts";
import type { CNode, Cte, KObject, Tcb } from "../../src/kernel/structures.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped } from "../harness.ts";

export const IMAGE_VADDR = 0x10000;
export const rootTCB = seL4_CapInitThreadTCB;
export const rootCN = seL4_CapInitThreadCNode;
export const rootVS = seL4_CapInitThreadVSpace;

export type ThreadFn = (a0: number | bigint, a1: number | bigint, a2: number | bigint) => UserGenerator;

export interface ThreadOpts {
  prio?: number;
  mcp?: number;
  /** false: no SC (a passive thread). */
  sc?: boolean;
  /** Budget and period in µs (round robin when equal). */
  budgetUs?: number;
  periodUs?: number;
  /** false: write the registers but leave it Inactive. */
  start?: boolean;
  /** false: no IPC buffer. */
  buffer?: boolean;
  args?: [seL4_Word, seL4_Word, seL4_Word];
}

export interface Thread {
  tcb: number;
  sc: number;
  /** IPC buffer vaddr and its frame cap (0 if none). */
  buffer: number;
  frame: number;
}

export interface Kit {
  bi: seL4_BootInfo;
  alloc(): number;
  make(type: number, sizeBits?: number): UserGenerator<number>;
  /** A configured round-robin (or budget < period) SC. */
  makeSC(budgetUs?: number, periodUs?: number, bits?: number): UserGenerator<number>;
  /** The next unused image frame: its cap and vaddr. */
  frame(): { cap: number; vaddr: number };
  thread(fn: ThreadFn, opts?: ThreadOpts): UserGenerator<Thread>;
}

export function* kit(bi: seL4_BootInfo): UserGenerator<Kit> {
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
  function* makeSC(budgetUs = 1000, periodUs = budgetUs, bits = 8): UserGenerator<number> {
    const sc = yield* make(seL4_SchedContextObject, bits);
    expect(yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, budgetUs, periodUs, 0, 0)).toBe(0);
    return sc;
  }
  const frame = (): { cap: number; vaddr: number } => {
    const k = nextFrame++;
    return { cap: bi.userImageFrames.start + k, vaddr: IMAGE_VADDR + k * 0x1000 };
  };
  function* thread(fn: ThreadFn, opts: ThreadOpts = {}): UserGenerator<Thread> {
    const tcb = yield* make(seL4_TCBObject);
    const f = opts.buffer === false ? { cap: 0, vaddr: 0 } : frame();
    expect(yield* seL4_TCB_Configure(tcb, rootCN, 0, rootVS, 0, f.vaddr, f.cap === 0 ? rootCN : f.cap)).toBe(
      0,
    );
    const sc = opts.sc === false ? seL4_CapNull : yield* makeSC(opts.budgetUs, opts.periodUs);
    const prio = opts.prio ?? 100;
    expect(yield* seL4_TCB_SetSchedParams(tcb, rootTCB, opts.mcp ?? prio, prio, sc, seL4_CapNull)).toBe(0);
    const [a0, a1, a2] = opts.args ?? [0, 0, 0];
    const e = yield* seL4_TCB_WriteRegisters(tcb, opts.start !== false, 0, 19, {
      pc: sel4ts_entry(fn),
      a0,
      a1,
      a2,
    });
    expect(e).toBe(0);
    return { tcb, sc, buffer: f.vaddr, frame: f.cap };
  }
  return { bi, alloc, make, makeSC, frame, thread };
}

/** Print one character (a string of one or more). */
export function* put(s: string): UserGenerator<void> {
  yield* seL4_DebugPutChar(s);
}

// ---- kernel-side views (internal checks; call from root task code) and special caps ----

/** The slot of the root CNode at `cptr`, as the kernel sees it (call from root task code). */
export function kSlot(cptr: number): Cte {
  const cn = ks.curThread.cte[tcbCTable].obj as CNode;
  return cn.slots[cptr];
}

export function kObj(cptr: number): KObject {
  return kSlot(cptr).obj as KObject;
}

export function kTcb(cptr: number): Tcb {
  return kSlot(cptr).obj as Tcb;
}

/** A copy of the cap at `src` with rights masked to `rights`, into `dest`. */
export function* copyRights(dest: number, src: number, rights: seL4_Word): UserGenerator<number> {
  return yield* seL4_CNode_Copy(rootCN, dest, 64, rootCN, src, 64, rights);
}

/** Retype a 4 KiB device frame into `slot`. */
export function* deviceFrame(bi: seL4_BootInfo, slot: number): UserGenerator<number> {
  const i = bi.untypedList.findIndex((u) => u.isDevice === 1 && u.sizeBits >= 12 && u.sizeBits <= 30);
  if (i < 0) throw new Error("no device untyped");
  return yield* seL4_Untyped_Retype(bi.untyped.start + i, seL4_RISCV_4K_Page, 0, rootCN, 0, 0, slot, 1);
}
