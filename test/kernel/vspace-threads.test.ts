// Threads in their own VSpaces (VS-3, VS-16, FLT-4/FLT-14): a thread configured with a new VSpace
// root sees exactly what is mapped there (its IPC buffer, a frame shared with the root task), its
// VM faults reach its fault handler as [pc, address, prefetch, FSR], and the handler fixes the
// mapping and replies so that the access is retried. A VSpace whose ASID is gone leaves the thread
// on no VSpace at all.

import { describe, expect, it } from "vitest";
import {
  seL4_CanRead,
  seL4_CapASIDControl,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_Fault_VMFault,
  seL4_GetMR,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_ReadWrite,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_SetMR,
  seL4_Call,
  seL4_RISCV_Page_Unmap,
  seL4_Send,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  sel4ts_entry,
  sel4ts_read,
  sel4ts_write,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import { copy, del, retype } from "./cdt-helpers.ts";
import { FREE_4K, map, mapPT, vmSetup } from "./vspace-helpers.ts";

const BUF = 0x10000;
const SHARED = 0x20000;
const LATE = 0x12000;

/**
 * A VSpace `vs` with the tables for [0, 2 MiB), an IPC buffer frame at BUF and a frame shared with
 * the root task (at SHARED there, FREE_4K here); then a thread on it, fault handler `ep`.
 */
function* world(bi: seL4_BootInfo, fn: () => UserGenerator, pool?: number) {
  const env = yield* vmSetup(bi);
  const { frame, pt, alloc, vspace } = env;
  const vs = yield* vspace(pool);
  expect(yield* mapPT(yield* pt(), 0, vs)).toBe(0);
  expect(yield* mapPT(yield* pt(), 0, vs)).toBe(0);
  const buf = yield* frame();
  expect(yield* map(buf, BUF, seL4_ReadWrite, 0, vs)).toBe(0);
  const shared = yield* frame();
  const sharedCopy = alloc();
  expect(yield* copy(sharedCopy, shared)).toBe(0);
  expect(yield* map(shared, FREE_4K)).toBe(0);
  expect(yield* map(sharedCopy, SHARED, seL4_ReadWrite, 0, vs)).toBe(0);
  const [ep, reply, tcb, sc] = [alloc(), alloc(), alloc(), alloc()];
  const ut = env.src;
  expect(yield* retype(ut, seL4_EndpointObject, 0, ep)).toBe(0);
  expect(yield* retype(ut, seL4_ReplyObject, 0, reply)).toBe(0);
  expect(yield* retype(ut, seL4_TCBObject, 0, tcb)).toBe(0);
  expect(yield* retype(ut, seL4_SchedContextObject, 8, sc)).toBe(0);
  expect(yield* seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, vs, 0, BUF, buf)).toBe(0);
  expect(yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0)).toBe(0);
  expect(yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 100, 100, sc, ep)).toBe(0);
  expect(yield* seL4_TCB_WriteRegisters(tcb, true, 0, 1, { pc: sel4ts_entry(fn) })).toBe(0);
  return { ...env, vs, ep, reply, tcb, shared, buf };
}

describe("VS-3, VS-16 threads on their own VSpace", () => {
  it("VS-3/VS-16 a thread sees its own mappings; faults reach its handler (addr, prefetch 0, FSR 5/7)", () => {
    const log: string[] = [];
    let epSlot = 0;
    runRoot(function* (bi) {
      const thread = function* () {
        yield* sel4ts_write(SHARED + 8, 8, 0xabcn); // shared with the root task
        log.push(`late ${yield* sel4ts_read(LATE + 16, 8)}`); // faults until the handler maps it
        yield* sel4ts_write(LATE + 16, 8, 5n); // read-only at first: faults again
        yield* seL4_Send(epSlot, seL4_MessageInfo_new(99, 0, 0, 0));
      };
      const w = yield* world(bi, thread);
      epSlot = w.ep;
      const { frame, alloc, vs, ep, reply } = w;
      // The root task (priority 255) waits; the thread runs, writes, and faults on LATE.
      let r = yield* seL4_Recv(ep, reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(seL4_Fault_VMFault);
      expect(seL4_MessageInfo_get_length(r.info)).toBe(4);
      expect([Number(seL4_GetMR(1)), Number(seL4_GetMR(2)), Number(seL4_GetMR(3))]).toEqual([
        LATE + 16,
        0,
        5,
      ]);
      expect(yield* sel4ts_read(FREE_4K + 8, 8)).toBe(0xabcn);
      // The root task's image is at LATE in its own VSpace, but not in the thread's.
      expect(yield* sel4ts_read(LATE + 16, 8)).toBeTypeOf("bigint");
      const late = yield* frame();
      const lateCopy = alloc();
      expect(yield* copy(lateCopy, late)).toBe(0);
      expect(yield* map(late, FREE_4K + 0x1000)).toBe(0);
      yield* sel4ts_write(FREE_4K + 0x1000 + 16, 8, 77n);
      expect(yield* map(lateCopy, LATE, seL4_CanRead, 0, vs)).toBe(0);
      r = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(seL4_Fault_VMFault);
      expect([Number(seL4_GetMR(1)), Number(seL4_GetMR(2)), Number(seL4_GetMR(3))]).toEqual([
        LATE + 16,
        0,
        7,
      ]);
      expect(yield* map(lateCopy, LATE, seL4_ReadWrite, 0, vs)).toBe(0); // remap read-write
      r = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(99);
      expect(yield* sel4ts_read(FREE_4K + 0x1000 + 16, 8)).toBe(5n);
    });
    expect(log).toEqual(["late 77"]);
  });

  it("VS-3 once its VSpace's ASID pool is gone, the thread's next access faults", () => {
    let epSlot = 0;
    let after = false;
    runRoot(function* (bi) {
      const thread = function* () {
        yield* sel4ts_write(SHARED, 8, 1n);
        yield* seL4_Send(epSlot, seL4_MessageInfo_new(1, 0, 0, 0));
        yield* sel4ts_read(SHARED, 8);
        after = true;
      };
      const pre = yield* vmSetup(bi);
      const [u, pool] = [yield* pre.untyped(12), pre.alloc()];
      expect(
        yield* seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, u, seL4_CapInitThreadCNode, pool, 64),
      ).toBe(0);
      // A second setup allocates from fresh slots after the pool.
      const bi2 = { ...bi, empty: { start: pre.alloc(), end: bi.empty.end } };
      const w = yield* world(bi2, thread, pool);
      epSlot = w.ep;
      let r = yield* seL4_Recv(w.ep, w.reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(1);
      expect(yield* sel4ts_read(FREE_4K, 8)).toBe(1n);
      expect(yield* del(pool)).toBe(0); // final: the thread's ASID no longer resolves
      r = yield* seL4_Recv(w.ep, w.reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(seL4_Fault_VMFault);
      expect(Number(seL4_GetMR(1))).toBe(SHARED);
    });
    expect(after).toBe(false);
  });

  it("VS-8 an unmap is seen at once by a thread whose translation was cached (its IPC buffer)", () => {
    const fault: number[] = [];
    let epSlot = 0;
    runRoot(function* (bi) {
      const thread = function* () {
        seL4_SetMR(0, 7); // the thread's IPC buffer translation is now cached
        yield* seL4_Call(epSlot, seL4_MessageInfo_new(1, 0, 0, 1));
        // Returning from the Call, libsel4 stores MR0..3 into the (now unmapped) buffer: a fault.
      };
      const w = yield* world(bi, thread);
      epSlot = w.ep;
      let r = yield* seL4_Recv(w.ep, w.reply);
      expect(seL4_MessageInfo_get_label(r.info)).toBe(1);
      expect(seL4_GetMR(0)).toBe(7);
      expect(yield* seL4_RISCV_Page_Unmap(w.buf)).toBe(0);
      r = yield* seL4_ReplyRecv(w.ep, seL4_MessageInfo_new(0, 0, 0, 0), w.reply);
      fault.push(seL4_MessageInfo_get_label(r.info), Number(seL4_GetMR(1)), Number(seL4_GetMR(3)));
    });
    expect(fault).toEqual([seL4_Fault_VMFault, BUF, 7]);
  });
});
