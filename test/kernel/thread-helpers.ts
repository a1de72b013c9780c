// Making threads from a TS root task as a C root task would: retype a TCB and an SC, configure
// the SC round robin, Configure the TCB in the root's CSpace and VSpace with an IPC buffer, give
// it scheduling parameters and start it at a `sel4ts_entry` pc.
//
// Until the root task can map frames, each thread's IPC buffer is one of the root task's image
// frames (frame k is mapped at 0x10000 + k * 0x1000); the root's own buffer is elsewhere.

import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapNull,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
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
import type { UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped } from "../harness.ts";

export const IMAGE_VADDR = 0x10000;

export interface ThreadKit {
  /** A fresh empty slot in the root CNode. */
  alloc(): number;
  /** Retype one object of `type` into a fresh slot. */
  make(type: number, sizeBits?: number): UserGenerator<number>;
  /** Create and start a thread; returns its TCB slot. */
  spawn(fn: ThreadFn, opts?: SpawnOptions): UserGenerator<number>;
}

export type ThreadFn = (a0: number | bigint, a1: number | bigint, a2: number | bigint) => UserGenerator;

export interface SpawnOptions {
  prio?: number;
  /** Fault handler endpoint cap (slot), or seL4_CapNull. */
  faultEp?: number;
  /** false: a passive thread (no SC). */
  withSC?: boolean;
  /** Budget and period in µs for its SC (round robin when equal). */
  budgetUs?: number;
  periodUs?: number;
  args?: [seL4_Word, seL4_Word, seL4_Word];
  /** Leave it suspended (write registers without resume). */
  start?: boolean;
  /** Put the SC's cap in this (empty) slot instead of a fresh one. */
  scSlot?: number;
  /** The core whose SchedControl cap configures the SC (default 0). */
  core?: number;
}

export function* threadKit(bi: seL4_BootInfo): UserGenerator<ThreadKit> {
  let next = bi.empty.start;
  let nextFrame = 1;
  const ut = findUntyped(bi, 20);
  const alloc = (): number => next++;
  function* make(type: number, sizeBits = 0): UserGenerator<number> {
    const slot = alloc();
    const err = yield* seL4_Untyped_Retype(ut.cptr, type, sizeBits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err !== 0) throw new Error(`retype of type ${type} failed with ${err}`);
    return slot;
  }
  function* spawn(fn: ThreadFn, opts: SpawnOptions = {}): UserGenerator<number> {
    const tcb = yield* make(seL4_TCBObject);
    const frame = bi.userImageFrames.start + nextFrame;
    const buffer = IMAGE_VADDR + nextFrame * 0x1000;
    nextFrame++;
    let err = yield* seL4_TCB_Configure(
      tcb,
      seL4_CapInitThreadCNode,
      0,
      seL4_CapInitThreadVSpace,
      0,
      buffer,
      frame,
    );
    if (err !== 0) throw new Error(`TCB_Configure failed with ${err}`);
    let sc = seL4_CapNull;
    if (opts.withSC !== false) {
      if (opts.scSlot !== undefined) {
        sc = opts.scSlot;
        const e = yield* seL4_Untyped_Retype(
          ut.cptr,
          seL4_SchedContextObject,
          8,
          seL4_CapInitThreadCNode,
          0,
          0,
          sc,
          1,
        );
        if (e !== 0) throw new Error(`retype of the SC failed with ${e}`);
      } else {
        sc = yield* make(seL4_SchedContextObject, 8);
      }
      const budget = opts.budgetUs ?? 1000;
      err = yield* seL4_SchedControl_Configure(
        bi.schedcontrol.start + (opts.core ?? 0),
        sc,
        budget,
        opts.periodUs ?? budget,
        0,
        0,
      );
      if (err !== 0) throw new Error(`SchedControl_Configure failed with ${err}`);
    }
    const prio = opts.prio ?? 100;
    err = yield* seL4_TCB_SetSchedParams(
      tcb,
      seL4_CapInitThreadTCB,
      prio,
      prio,
      sc,
      opts.faultEp ?? seL4_CapNull,
    );
    if (err !== 0) throw new Error(`TCB_SetSchedParams failed with ${err}`);
    const [a0, a1, a2] = opts.args ?? [0, 0, 0];
    err = yield* seL4_TCB_WriteRegisters(tcb, opts.start !== false, 0, 19, {
      pc: sel4ts_entry(fn),
      a0,
      a1,
      a2,
    });
    if (err !== 0) throw new Error(`TCB_WriteRegisters failed with ${err}`);
    return tcb;
  }
  return { alloc, make, spawn };
}

export { seL4_EndpointObject, seL4_NotificationObject, seL4_ReplyObject };
