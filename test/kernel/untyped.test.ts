// Untyped_Retype (semantics §7, UT-1..UT-22): argument checks in seL4's order with the error MRs
// a root task reads, and the watermark as the root task sees it -- through NotEnoughMemory's MR0
// (bytes left) and through which retypes succeed after deletes and revokes.
//
// Memory contents (UT-18/19/20) cannot be seen from user code until frames can be mapped
// (Page_Map), so those tests read physical RAM through `system.machine.memory`, and they dirty
// RAM the same way to stand for what an earlier owner of the memory would have written through a
// mapping. Object addresses (UT-16) and initial object state (UT-17) that no invocation reports
// yet are read from kernel state.

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  cap_untyped_cap,
  seL4_AllRights,
  seL4_Call,
  seL4_CapTableObject,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Move,
  seL4_CNode_Revoke,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_GuardMismatch,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_MissingCapability,
  seL4_NotEnoughMemory,
  seL4_NotificationObject,
  seL4_Poll,
  seL4_RangeError,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Giga_Page,
  seL4_RISCV_PageTableObject,
  seL4_SchedContextObject,
  seL4_SetCap,
  seL4_SetMR,
  seL4_TCBObject,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  type seL4_Word,
  ThreadState_Inactive,
  UntypedRetype,
} from "../../src/user/libsel4.ts";
import { SSTATUS, SSTATUS_SPIE } from "../../src/abi/registers.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { type Cte, Endpoint, Notification, Reply, SchedContext, Tcb } from "../../src/kernel/structures.ts";
import type { System } from "../../src/system/system.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { D, del, id, R, retype, rootSlot, runHooked, setup } from "./cdt-helpers.ts";

const mr = (i: number): number => Number(seL4_GetMR(i));

/** First index in [from, to) of RAM whose byte is not `value`, or -1. */
function firstNot(system: System, paddr: number, from: number, to: number, value: number): number {
  const bytes = system.machine.memory.bytes(paddr + from, to - from);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== value) return from + i;
  return -1;
}

describe("UT-1..UT-11 argument checks in order", () => {
  it("UT-1 any label other than Retype is IllegalOperation", () => {
    runRoot(function* (bi) {
      const { untyped } = yield* setup(bi);
      const u = yield* untyped();
      expect(yield* seL4_CNode_Revoke(u, 0, 64)).toBe(seL4_IllegalOperation);
      const info = yield* seL4_Call(u, seL4_MessageInfo_new(UntypedRetype + 1, 0, 1, 6));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_IllegalOperation);
    });
  });

  it("UT-2 fewer than 6 words or no extra cap is TruncatedMessage (before the type check)", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc();
      const call = function* (length: number, caps: number, type: number) {
        [type, 0, R, 0, s, 1].forEach((w, i) => seL4_SetMR(i, w));
        seL4_SetCap(0, R);
        return seL4_MessageInfo_get_label(
          yield* seL4_Call(u, seL4_MessageInfo_new(UntypedRetype, 0, caps, length)),
        );
      };
      expect(yield* call(5, 1, 99)).toBe(seL4_TruncatedMessage);
      expect(yield* call(6, 0, 99)).toBe(seL4_TruncatedMessage);
      expect(yield* call(6, 1, 99)).toBe(seL4_InvalidArgument);
      expect(yield* call(6, 1, seL4_EndpointObject)).toBe(0);
      expect(yield* id(s)).toBe(cap_endpoint_cap);
    });
  });

  it("UT-3 type >= 11 is InvalidArgument(0), before the size check", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc();
      for (const t of [11, 0x1_0000_0002, 0xffff_ffff_ffff_ffffn]) {
        expect(yield* retype(u, t, 64, s)).toBe(seL4_InvalidArgument);
        expect(mr(0)).toBe(0);
      }
    });
  });

  it("UT-4 size_bits >= 64 or an object over 2^38 bytes is RangeError(0, 38), for fixed-size types too", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc();
      const cases: [number, seL4_Word][] = [
        [seL4_EndpointObject, 64],
        [seL4_EndpointObject, 0x1_0000_0000],
        [seL4_CapTableObject, 34],
        [seL4_CapTableObject, 64], // before UT-5's CNode check
        [seL4_UntypedObject, 39],
        [seL4_SchedContextObject, 39],
      ];
      for (const [t, size] of cases) {
        expect(yield* retype(u, t, size, s)).toBe(seL4_RangeError);
        expect([mr(0), mr(1)]).toEqual([0, 38]);
      }
      // Just inside the limit the memory check is what fails.
      expect(yield* retype(u, seL4_CapTableObject, 33, s)).toBe(seL4_NotEnoughMemory);
      expect(yield* retype(u, seL4_UntypedObject, 38, s)).toBe(seL4_NotEnoughMemory);
      expect(yield* retype(u, seL4_EndpointObject, 63, s)).toBe(0); // ignored below 64
    });
  });

  it("UT-5 CNode of radix 0, Untyped under 16 bytes, SchedContext under 128 bytes are InvalidArgument(1)", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc();
      for (const [t, size] of [
        [seL4_CapTableObject, 0],
        [seL4_UntypedObject, 3],
        [seL4_SchedContextObject, 6],
      ]) {
        // A bad destination depth shows that this check comes before the destination lookup.
        expect(yield* seL4_Untyped_Retype(u, t, size, R, s, 65, s, 1)).toBe(seL4_InvalidArgument);
        expect(mr(0)).toBe(1);
      }
      expect(yield* retype(u, seL4_UntypedObject, 4, s)).toBe(0);
      expect(yield* retype(u, seL4_SchedContextObject, 7, alloc())).toBe(0);
      expect(yield* retype(u, seL4_CapTableObject, 1, alloc())).toBe(0);
    });
  });

  it("UT-6 depth 0 means the root cap itself; otherwise the destination CNode is looked up (errors flagged as destination)", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(16);
      const [k, out] = [alloc(), alloc()];
      expect(yield* retype(u, seL4_CapTableObject, 3, k)).toBe(0);
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, k, D, 5, 1)).toBe(0);
      expect(yield* seL4_CNode_Move(R, out, D, k, 5, 3)).toBe(0);
      expect(yield* id(out)).toBe(cap_endpoint_cap);
      // The root cap passed is k itself with depth 0: offset 6 of k.
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, k, 0, 0, 6, 1)).toBe(0);
      expect(yield* seL4_CNode_Move(R, alloc(), D, k, 6, 3)).toBe(0);
      const bad = 0x8000_0000_0000_0000n | BigInt(k);
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, bad, D, 0, 1)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1)]).toEqual([0, seL4_GuardMismatch]);
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, k, 65, 0, 1)).toBe(seL4_RangeError);
      expect([mr(0), mr(1)]).toEqual([1, 64]);
    });
  });

  it("UT-7 a destination that is not a CNode is FailedLookup(0, MissingCapability(nodeDepth))", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, empty] = [alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      for (const node of [e, empty]) {
        expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, node, D, 0, 1)).toBe(
          seL4_FailedLookup,
        );
        expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 64]);
      }
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, e, 0, 0, 0, 1)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 0]);
    });
  });

  it("UT-8..UT-10 offset and window ranges, in that order", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(16);
      const k = alloc();
      expect(yield* retype(u, seL4_CapTableObject, 3, k)).toBe(0);
      const into = (offset: seL4_Word, n: seL4_Word) =>
        seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, k, D, offset, n);
      const range = function* (offset: seL4_Word, n: seL4_Word) {
        expect(yield* into(offset, n)).toBe(seL4_RangeError);
        return [mr(0), mr(1)];
      };
      expect(yield* range(8, 0)).toEqual([0, 7]); // UT-8 before UT-9
      expect(yield* range(0xffff_ffff_ffff_ffffn, 1)).toEqual([0, 7]);
      expect(yield* range(0, 0)).toEqual([1, 256]); // UT-9
      expect(yield* range(0, 257)).toEqual([1, 256]);
      expect(yield* range(5, 4)).toEqual([1, 3]); // UT-10
      expect(yield* into(5, 3)).toBe(0);
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, 0, 0, 4000, 200)).toBe(seL4_RangeError);
      expect([mr(0), mr(1)]).toEqual([1, 96]);
    });
  });

  it("UT-11 any full slot in the window is DeleteFirst (before the memory check)", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc(3);
      expect(yield* retype(u, seL4_EndpointObject, 0, s + 2)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, s, 3)).toBe(seL4_DeleteFirst);
      expect(yield* retype(u, seL4_RISCV_Giga_Page, 0, s, 3)).toBe(seL4_DeleteFirst);
      expect([yield* id(s), yield* id(s + 1)]).toEqual([cap_null_cap, cap_null_cap]);
      expect(yield* retype(u, seL4_EndpointObject, 0, s, 2)).toBe(0);
    });
  });
});

describe("UT-12..UT-17 allocation", () => {
  it("UT-12/UT-13 NotEnoughMemory reports the bytes left above the watermark; with no children allocation restarts at 0", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, f, k] = [alloc(), alloc(), alloc(3)];
      expect(yield* retype(u, seL4_CapTableObject, 6, k, 3)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(4096);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(4080);
      expect(yield* del(e)).toBe(0);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(0);
    });
  });

  it("UT-14 a device untyped makes only frames and untypeds, checked after the memory check", () => {
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const dev = bi.untyped.start + bi.untypedList.findIndex((u) => u.isDevice && u.sizeBits >= 16);
      const [small, s, pg] = [alloc(), alloc(2), alloc()];
      expect(yield* retype(dev, seL4_UntypedObject, 4, small)).toBe(0);
      expect(yield* retype(small, seL4_EndpointObject, 0, s, 2)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(16);
      expect(yield* retype(small, seL4_EndpointObject, 0, s)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(1);
      for (const t of [
        seL4_TCBObject,
        seL4_NotificationObject,
        seL4_RISCV_PageTableObject,
        seL4_ReplyObject,
      ]) {
        expect(yield* retype(dev, t, 0, s)).toBe(seL4_InvalidArgument);
        expect(mr(0)).toBe(1);
      }
      expect(yield* retype(dev, seL4_CapTableObject, 4, s)).toBe(seL4_InvalidArgument);
      expect(yield* retype(dev, seL4_SchedContextObject, 8, s)).toBe(seL4_InvalidArgument);
      expect(yield* retype(dev, seL4_RISCV_4K_Page, 0, pg)).toBe(0);
      expect(yield* id(pg)).toBe(cap_frame_cap);
    });
  });

  it("UT-15 objects are aligned to their size and the gap below them is lost until reset", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, k1, k2, f] = [alloc(), alloc(), alloc(2), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0); // [0, 16)
      expect(yield* retype(u, seL4_CapTableObject, 4, k1)).toBe(0); // [512, 1024)
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(3072);
      expect(yield* retype(u, seL4_CapTableObject, 6, k2, 2)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(3072);
      expect(yield* retype(u, seL4_CapTableObject, 6, k2)).toBe(0); // [2048, 4096): [1024, 2048) lost
      expect(yield* retype(u, seL4_EndpointObject, 0, f)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(0);
    });
  });

  it("UT-16 the objects go into consecutive slots in ascending address order, each an original child", () => {
    let slots: Cte[] = [];
    const { system } = runHooked(function* (bi, system) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const s = alloc(4);
      const c = alloc();
      expect(yield* retype(u, seL4_EndpointObject, 0, s, 4)).toBe(0);
      slots = [0, 1, 2, 3].map((i) => rootSlot(system.kernel.state, s + i));
      expect(slots.map((x) => x.ptr - slots[0].ptr)).toEqual([0, 16, 32, 48]);
      expect(slots.every((x) => x.revocable && x.firstBadged)).toBe(true);
      expect(yield* seL4_CNode_Copy(R, c, D, R, s + 2, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_CNode_Revoke(R, s + 2, D)).toBe(0); // an original: its copy goes
      expect(yield* id(c)).toBe(cap_null_cap);
      expect(yield* seL4_CNode_Revoke(R, u, D)).toBe(0);
      for (let i = 0; i < 4; i++) expect(yield* id(s + i)).toBe(cap_null_cap);
    });
    expect(checkInvariants(system.kernel.state)).toBe(null);
  });

  it("UT-17 initial object state (kernel state, except what the root task can observe)", () => {
    const { system } = runHooked(function* (bi, system) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(16);
      const s = alloc(10);
      const types = [
        [seL4_TCBObject, 0],
        [seL4_EndpointObject, 0],
        [seL4_NotificationObject, 0],
        [seL4_CapTableObject, 3],
        [seL4_ReplyObject, 0],
        [seL4_SchedContextObject, 8],
        [seL4_RISCV_4K_Page, 0],
        [seL4_RISCV_PageTableObject, 0],
        [seL4_UntypedObject, 9],
      ];
      for (let i = 0; i < types.length; i++)
        expect(yield* retype(u, types[i][0], types[i][1], s + i)).toBe(0);
      // User-visible: a fresh notification is idle with word 0; a fresh CNode is empty and has no
      // guard (depth = radix resolves); a fresh page table is unmapped (MDB-15).
      expect((yield* seL4_Poll(s + 2)).sender).toBe(0);
      for (let j = 0; j < 8; j++) expect(yield* seL4_CNode_Delete(s + 3, j, 3)).toBe(0);
      expect(yield* seL4_CNode_Move(R, alloc(), D, s + 3, 7, 3)).toBe(seL4_FailedLookup);
      expect(yield* seL4_CNode_Copy(R, alloc(), D, R, s + 7, D, seL4_AllRights)).toBe(seL4_IllegalOperation);
      const k = system.kernel.state;
      const cap = (i: number): Cte => rootSlot(k, s + i);
      const t = cap(0).obj as Tcb;
      expect([t.state, t.priority, t.mcp, t.sc, t.ipcBuffer, t.flags]).toEqual([
        ThreadState_Inactive,
        0,
        0,
        null,
        0,
        0,
      ]);
      expect(t.domain).toBe(k.curDomain);
      expect(t.cte.every((c) => c.type === cap_null_cap)).toBe(true);
      expect(t.regs.every((w, i) => w === (i === 2 * SSTATUS ? SSTATUS_SPIE : 0))).toBe(true);
      expect((cap(1).obj as Endpoint).state).toBe(0);
      expect(cap(1).rights).toBe(0xf);
      const n = cap(2).obj as Notification;
      expect([n.state, n.msgHi, n.msgLo, n.boundTCB, cap(2).rights]).toEqual([0, 0, 0, null, 3]);
      expect([cap(3).guardSize, cap(3).dataHi, cap(3).dataLo]).toEqual([0, 0, 0]);
      expect((cap(4).obj as Reply).tcb).toBe(null);
      const sc = cap(5).obj as SchedContext;
      expect([sc.refillMax, sc.tcb, cap(5).sizeBits]).toEqual([0, null, 8]);
      expect([cap(6).mappedASID, cap(6).mappedAddr, cap(6).isDevice, cap(6).rights]).toEqual([
        0,
        0,
        false,
        3,
      ]);
      expect([cap(7).isMapped, cap(7).mappedASID]).toEqual([false, 0]);
      expect([cap(8).type, cap(8).freeIndex, cap(8).isDevice]).toEqual([cap_untyped_cap, 0, false]);
    });
    expect(system.kernel.state.halted).toBe(false);
  });
});

describe("UT-18..UT-22 reset, zeroing and splitting", () => {
  it("UT-18/UT-20 the first Retype of a boot untyped zeroes the whole region (its watermark starts full)", () => {
    let base = 0;
    let size = 0;
    const { system } = runHooked(function* (bi, system) {
      const ut = findUntyped(bi, 16);
      [base, size] = [ut.paddr, 2 ** ut.sizeBits];
      system.machine.memory.bytes(base, size).fill(0xa5);
      expect(yield* retype(ut.cptr, seL4_EndpointObject, 0, bi.empty.start)).toBe(0);
    });
    expect(firstNot(system, base, 0, size, 0)).toBe(-1);
  });

  it("UT-18/UT-19 a reset zeroes exactly the used part, rounded up to 256-byte chunks; a frame sees zeroes", () => {
    let base = 0;
    const { system } = runHooked(function* (bi, system) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      base = rootSlot(system.kernel.state, u).ptr;
      const [e1, k, e2, f] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, e1)).toBe(0);
      expect(yield* retype(u, seL4_CapTableObject, 4, k)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, e2)).toBe(0); // watermark 1040
      for (const s of [e1, k, e2]) expect(yield* del(s)).toBe(0);
      system.machine.memory.bytes(base, 4096).fill(0x5a); // what an earlier frame owner left
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(0);
    });
    expect(firstNot(system, base, 0, 1280, 0)).toBe(-1);
    expect(firstNot(system, base, 1280, 4096, 0x5a)).toBe(-1);
  });

  it("UT-19 an untyped smaller than one 256-byte chunk is cleared whole in one step", () => {
    let base = 0;
    const { system } = runHooked(function* (bi, system) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(7);
      base = rootSlot(system.kernel.state, u).ptr;
      const e = alloc();
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* del(e)).toBe(0);
      system.machine.memory.bytes(base, 128).fill(0x77);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
    });
    expect(firstNot(system, base, 0, 128, 0)).toBe(-1);
  });

  it("UT-18/UT-19 device untypeds are never cleared, only their watermark is reset", () => {
    let base = 0;
    const { system } = runHooked(function* (bi, system) {
      const { alloc } = yield* setup(bi);
      const i = bi.untypedList.findIndex(
        (u) => u.isDevice && system.machine.memory.isRam(u.paddr, 2 ** u.sizeBits),
      );
      expect(i).toBeGreaterThanOrEqual(0);
      base = bi.untypedList[i].paddr;
      const dev = bi.untyped.start + i;
      system.machine.memory.bytes(base, 8192).fill(0x3c);
      const f = alloc();
      expect(yield* retype(dev, seL4_RISCV_4K_Page, 0, f, 1)).toBe(0);
      expect(yield* del(f)).toBe(0);
      expect(yield* retype(dev, seL4_RISCV_4K_Page, 0, f, 1)).toBe(0);
    });
    expect(firstNot(system, base, 0, 8192, 0x3c)).toBe(-1);
  });

  it("UT-19 resetting a 16 MiB untyped is preempted and resumed; every stop lowers the watermark for good", () => {
    let base = 0;
    let size = 0;
    let slot = -1;
    const marks: number[] = [];
    const bad: string[] = [];
    let preempted = 0;
    const { system } = runHooked(
      function* (bi, system) {
        const ut = findUntyped(bi, 24);
        [base, size, slot] = [ut.paddr, 2 ** ut.sizeBits, ut.cptr];
        system.machine.memory.bytes(base, size).fill(0xee);
        const before = system.preemptions;
        expect(yield* retype(ut.cptr, seL4_EndpointObject, 0, bi.empty.start)).toBe(0);
        preempted = system.preemptions - before;
        slot = -1;
      },
      {
        onPreempt: (k) => {
          if (slot < 0) return;
          const w = rootSlot(k, slot).freeIndex;
          marks.push(w);
          const mem = k.machine.memory;
          if (w % 256 !== 0 || w <= 0) bad.push(`watermark ${w}`);
          if (mem.read8(base + w) !== 0 || mem.read8(base + size - 1) !== 0) bad.push(`not zero above ${w}`);
          if (mem.read8(base + w - 1) !== 0xee) bad.push(`zeroed below ${w}`);
        },
      },
    );
    expect(bad).toEqual([]);
    expect(preempted).toBeGreaterThan(0);
    expect(marks.length).toBe(preempted);
    expect(marks[0]).toBeLessThan(size);
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeLessThan(marks[i - 1]);
    expect(firstNot(system, base, 0, size, 0)).toBe(-1);
  }, 60_000);

  it("UT-21 while the untyped has children, freed space below the watermark is not reused", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [a, b, f] = [alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, a)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, b)).toBe(0);
      expect(yield* del(a)).toBe(0);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(4096 - 32);
      expect(yield* del(b)).toBe(0);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(0);
    });
  });

  it("UT-22 device and RAM untypeds split into equal or smaller untypeds that inherit the device flag", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const dev = bi.untyped.start + bi.untypedList.findIndex((u) => u.isDevice && u.sizeBits >= 16);
      const [whole, halves, e, f] = [alloc(), alloc(2), alloc(), alloc()];
      expect(yield* retype(dev, seL4_UntypedObject, 16, whole)).toBe(0);
      expect(yield* retype(whole, seL4_UntypedObject, 15, halves, 2)).toBe(0);
      expect(yield* retype(halves + 1, seL4_EndpointObject, 0, e)).toBe(seL4_InvalidArgument);
      expect(yield* retype(halves + 1, seL4_RISCV_4K_Page, 0, f)).toBe(0);
      const u = yield* untyped();
      const [same, e2] = [alloc(), alloc()];
      expect(yield* retype(u, seL4_UntypedObject, 12, same)).toBe(0);
      expect(yield* retype(same, seL4_EndpointObject, 0, e2)).toBe(0);
      expect(yield* retype(u, seL4_UntypedObject, 13, alloc())).toBe(seL4_NotEnoughMemory);
    });
  });
});
