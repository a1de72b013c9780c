// ASIDs (semantics §14.2, VS-4 ASIDControl_MakePool and VS-5 ASIDPool_Assign): checks in seL4's
// order with their MRs, and the effects. ASIDs and pool bases are never reported to user code, so
// the tests that pin which ASID or pool index was chosen read the caps in kernel state and say
// so; everything else is observed through invocations.

import { describe, expect, it } from "vitest";
import {
  cap_asid_pool_cap,
  cap_null_cap,
  cap_page_table_cap,
  RISCVASIDControlMakePool,
  RISCVASIDPoolAssign,
  seL4_Call,
  seL4_CapASIDControl,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_NotEnoughMemory,
  seL4_RangeError,
  seL4_RevokeFirst,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_4K_Page,
  seL4_RISCV_PageTableObject,
  seL4_SetCap,
  seL4_SetMR,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
  sel4ts_read,
  sel4ts_write,
} from "../../src/user/libsel4.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { copy, del, id, retype, revoke, rootSlot, runHooked } from "./cdt-helpers.ts";
import { map, mapPT, pageIsZero, translate, vmSetup, VS } from "./vspace-helpers.ts";

const mr = (i: number): number => Number(seL4_GetMR(i));
const R = seL4_CapInitThreadCNode;

function* makePool(ut: number, dest: number, depth = 64) {
  return yield* seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, R, dest, depth);
}

describe("VS-4 ASIDControl_MakePool", () => {
  it("VS-4 checks in order: label, length and caps, free pool, untyped, children, target slot", () => {
    runRoot(function* (bi) {
      const { untyped, alloc, frame } = yield* vmSetup(bi);
      const ut = yield* untyped(12);
      const dest = alloc();
      let info = yield* seL4_Call(seL4_CapASIDControl, seL4_MessageInfo_new(RISCVASIDPoolAssign, 0, 2, 2));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_IllegalOperation);
      seL4_SetCap(0, ut);
      seL4_SetCap(1, R);
      seL4_SetMR(0, dest);
      seL4_SetMR(1, 64);
      info = yield* seL4_Call(seL4_CapASIDControl, seL4_MessageInfo_new(RISCVASIDControlMakePool, 0, 2, 1));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      seL4_SetCap(0, ut);
      info = yield* seL4_Call(seL4_CapASIDControl, seL4_MessageInfo_new(RISCVASIDControlMakePool, 0, 1, 2));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      // The untyped: not an untyped, not 4 KiB, a device untyped.
      expect(yield* makePool(yield* frame(), dest)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* makePool(yield* untyped(13), dest)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      const devIdx = bi.untypedList.findIndex((u) => u.isDevice && u.sizeBits >= 12);
      const dev = alloc();
      expect(yield* retype(bi.untyped.start + devIdx, seL4_UntypedObject, 12, dev)).toBe(0);
      expect(yield* makePool(dev, dest)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      // Children.
      const f = alloc();
      expect(yield* retype(ut, seL4_RISCV_4K_Page, 0, f)).toBe(0);
      expect(yield* makePool(ut, dest, 0)).toBe(seL4_RevokeFirst); // before the target lookup
      expect(yield* del(f)).toBe(0);
      // The target slot.
      expect(yield* makePool(ut, dest, 0)).toBe(seL4_RangeError);
      expect([mr(0), mr(1)]).toEqual([1, 64]);
      expect(yield* makePool(ut, ut)).toBe(seL4_DeleteFirst);
      expect(yield* makePool(ut, dest)).toBe(0);
      expect(yield* id(dest)).toBe(cap_asid_pool_cap);
    });
  });

  it("VS-4 no free pool is DeleteFirst, before the untyped is looked at; lowest free index is reused", () => {
    // 127 pools: the invariant checker runs once at the end, not after each of the ~260 entries.
    let dest = -1;
    const { system } = runHooked(
      function* (bi) {
        const { alloc } = yield* vmSetup(bi);
        const big = findUntyped(bi, 20).cptr;
        const uts = alloc(127);
        const pools = alloc(127);
        expect(yield* retype(big, seL4_UntypedObject, 12, uts, 127)).toBe(0);
        for (let i = 0; i < 127; i++) expect(yield* makePool(uts + i, pools + i)).toBe(0);
        const spare = alloc();
        expect(yield* retype(big, seL4_UntypedObject, 12, spare)).toBe(0);
        dest = alloc();
        expect(yield* makePool(VS, dest)).toBe(seL4_DeleteFirst); // not even an untyped
        expect(yield* makePool(spare, dest)).toBe(seL4_DeleteFirst);
        expect(yield* del(pools + 40)).toBe(0); // pool index 41 (index 0 is the root task's)
        expect(yield* makePool(spare, dest)).toBe(0);
      },
      { checkInvariants: false },
    );
    const k = system.kernel.state;
    expect(checkInvariants(k)).toBeNull();
    expect(k.asidTable.every((p) => p !== null)).toBe(true);
    expect(rootSlot(k, dest).extra).toBe(41 * 512); // white-box: the pool base
  });

  it("VS-4 effect: the untyped is full and zeroed, the pool cap is its child, based at index x 512", () => {
    runHooked(function* (bi, system) {
      const { untyped, alloc } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const [u1, u2] = [yield* untyped(12), yield* untyped(12)];
      const [p1, p2, f] = [alloc(), alloc(), alloc()];
      // Dirty u1's memory through a frame, then free the frame (the untyped is not reset).
      expect(yield* retype(u1, seL4_RISCV_4K_Page, 0, f)).toBe(0);
      expect(yield* map(f, 0x100000)).toBe(0);
      yield* sel4ts_write(0x100000 + 0x800, 8, -1n);
      expect(yield* del(f)).toBe(0);
      const paddr = rootSlot(k, u1).ptr;
      expect(pageIsZero(system, paddr)).toBe(false);
      expect(yield* makePool(u1, p1)).toBe(0);
      expect(pageIsZero(system, paddr)).toBe(true);
      expect(rootSlot(k, p1).extra).toBe(512); // white-box: index 1, the first free one
      expect(yield* makePool(u2, p2)).toBe(0);
      expect(rootSlot(k, p2).extra).toBe(1024);
      // The pool cap is a child of the untyped, which is now full.
      expect(yield* copy(alloc(), u1)).toBe(seL4_RevokeFirst);
      expect(yield* retype(u1, seL4_RISCV_4K_Page, 0, alloc())).toBe(seL4_NotEnoughMemory);
      expect(mr(0)).toBe(0);
      // Deleting the pool frees the untyped; the next Retype resets it.
      expect(yield* del(p1)).toBe(0);
      expect(k.asidTable[1]).toBeNull();
      expect(yield* retype(u1, seL4_RISCV_4K_Page, 0, alloc())).toBe(0);
    });
  });

  it("VS-4 revoking a pool's untyped unregisters it; the untyped makes a pool again at the same index", () => {
    runHooked(function* (bi, system) {
      const { untyped, alloc, pt } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const u = yield* untyped(12);
      const [p, p2, c] = [alloc(), alloc(), alloc()];
      expect(yield* makePool(u, p)).toBe(0);
      expect(yield* copy(c, p)).toBe(0);
      const vs = yield* pt();
      expect(yield* seL4_RISCV_ASIDPool_Assign(c, vs)).toBe(0);
      expect(yield* del(c)).toBe(0); // not final: still registered
      expect(k.asidTable[1]).not.toBeNull();
      const t = yield* pt();
      expect(yield* mapPT(t, 0, vs)).toBe(0);
      expect(yield* revoke(u)).toBe(0);
      expect(yield* id(p)).toBe(cap_null_cap);
      expect(k.asidTable[1]).toBeNull();
      const t2 = yield* pt();
      expect(yield* mapPT(t2, 0x40000000, vs)).toBe(seL4_FailedLookup); // vs's ASID is gone
      expect([mr(0), mr(1)]).toEqual([0, seL4_InvalidRoot]);
      expect(yield* makePool(u, p2)).toBe(0);
      expect(rootSlot(k, p2).extra).toBe(512);
      const vs2 = yield* pt();
      expect(yield* seL4_RISCV_ASIDPool_Assign(p2, vs2)).toBe(0);
      expect(rootSlot(k, vs2).mappedASID).toBe(512);
      // vs's cap still names ASID 512, which now belongs to vs2: a different root, cap 1.
      expect(rootSlot(k, vs).mappedASID).toBe(512);
      expect(yield* mapPT(t2, 0x40000000, vs)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* mapPT(t2, 0x40000000, vs2)).toBe(0);
    });
  });

  it("VS-4 after the root task's pool is deleted, a new pool takes index 0 and ASID 0 is skipped", () => {
    runHooked(function* (bi, system) {
      const { untyped, alloc, pt } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const u = yield* untyped(12);
      const vs = yield* pt();
      const p = alloc();
      // Deleting pool 0 takes the root task's own VSpace away: make everything first, touch no
      // memory afterwards (the IPC buffer would fault too), and check the rest from kernel state.
      expect(yield* del(seL4_CapInitThreadASIDPool)).toBe(0);
      expect(yield* makePool(u, p)).toBe(0);
      expect(yield* seL4_RISCV_ASIDPool_Assign(p, vs)).toBe(0);
      expect(rootSlot(k, p).extra).toBe(0);
      expect(rootSlot(k, vs).mappedASID).toBe(1);
      expect(k.asidTable[0]?.entries[1]).toBe(rootSlot(k, vs).ptr);
      expect(system.machine.satp).toBe(0);
    });
  });
});

describe("VS-5 ASIDPool_Assign", () => {
  it("VS-5 checks in order: label, cap, vspace cap, pool registered, pool matches, pool full", () => {
    runHooked(
      function* (bi, system) {
        const { pt, frame, alloc, untyped } = yield* vmSetup(bi);
        const t = yield* pt();
        const pool = seL4_CapInitThreadASIDPool;
        let info = yield* seL4_Call(pool, seL4_MessageInfo_new(RISCVASIDControlMakePool, 0, 1, 0));
        expect(seL4_MessageInfo_get_label(info)).toBe(seL4_IllegalOperation);
        info = yield* seL4_Call(pool, seL4_MessageInfo_new(RISCVASIDPoolAssign, 0, 0, 0));
        expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
        expect(yield* seL4_RISCV_ASIDPool_Assign(pool, yield* frame())).toBe(seL4_InvalidCapability);
        expect(mr(0)).toBe(1);
        expect(yield* seL4_RISCV_ASIDPool_Assign(pool, VS)).toBe(seL4_InvalidCapability); // assigned
        expect(mr(0)).toBe(1);
        const mapped = yield* pt();
        expect(yield* mapPT(mapped, 0x400000)).toBe(0);
        expect(yield* seL4_RISCV_ASIDPool_Assign(pool, mapped)).toBe(seL4_InvalidCapability);
        expect(mr(0)).toBe(1);
        // A pool cap whose table entry is gone or names another pool cannot arise through the API
        // (the final pool cap clears the entry): white-box, clear and swap the entry behind its back.
        const k = system.kernel.state;
        const u = yield* untyped(12);
        const p1 = alloc();
        expect(yield* makePool(u, p1)).toBe(0);
        const saved = k.asidTable[1];
        k.asidTable[1] = null;
        expect(yield* seL4_RISCV_ASIDPool_Assign(p1, t)).toBe(seL4_FailedLookup);
        expect([mr(0), mr(1)]).toEqual([0, seL4_InvalidRoot]);
        k.asidTable[1] = k.asidTable[0];
        expect(yield* seL4_RISCV_ASIDPool_Assign(p1, t)).toBe(seL4_InvalidCapability);
        expect(mr(0)).toBe(0);
        k.asidTable[1] = saved;
        // Fill pool 1 (512 ASIDs; base 512 is not ASID 0, so all of them).
        const [many, roots] = [yield* untyped(21), alloc(512)];
        expect(yield* retype(many, seL4_RISCV_PageTableObject, 0, roots, 256)).toBe(0);
        expect(yield* retype(many, seL4_RISCV_PageTableObject, 0, roots + 256, 256)).toBe(0);
        for (let i = 0; i < 512; i++) expect(yield* seL4_RISCV_ASIDPool_Assign(p1, roots + i)).toBe(0);
        expect(yield* seL4_RISCV_ASIDPool_Assign(p1, t)).toBe(seL4_DeleteFirst);
        expect(yield* id(t)).toBe(cap_page_table_cap);
        expect(checkInvariants(k)).toBeNull();
      },
      { checkInvariants: false },
    );
  });

  it("VS-5 effect: the lowest free ASID, in the cap's own slot; the root then copies and maps", () => {
    runHooked(function* (bi, system) {
      const { pt, frame, alloc } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const [a, b, c] = [yield* pt(), yield* pt(), yield* pt()];
      const cp = alloc();
      expect(yield* copy(cp, a)).toBe(seL4_IllegalOperation); // unmapped: no copies
      expect(yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, a)).toBe(0);
      expect(yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, b)).toBe(0);
      // White-box: ASID 1 is the root task's, so a gets 2 and b 3; deleting a frees 2 for c.
      expect([rootSlot(k, a).mappedASID, rootSlot(k, b).mappedASID]).toEqual([2, 3]);
      expect(rootSlot(k, a).isMapped).toBe(true);
      expect(rootSlot(k, a).mappedAddr).toBe(0);
      expect(yield* copy(cp, a)).toBe(0);
      expect(yield* del(a)).toBe(0);
      expect(k.asidTable[0]?.entries[2]).toBe(rootSlot(k, cp).ptr); // the copy keeps it
      expect(yield* del(cp)).toBe(0);
      expect(k.asidTable[0]?.entries[2]).toBe(0);
      expect(yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, c)).toBe(0);
      expect(rootSlot(k, c).mappedASID).toBe(2);
      // The new VSpace takes mappings, and its memory is what a thread running on it would see.
      const [t1, t2, f] = [yield* pt(), yield* pt(), yield* frame()];
      expect(yield* mapPT(t1, 0x10000, c)).toBe(0);
      expect(yield* mapPT(t2, 0x10000, c)).toBe(0);
      expect(yield* map(f, 0x10000, 3, 0, c)).toBe(0);
      expect(yield* map(f, 0x10000)).toBe(seL4_InvalidCapability); // mapped in another ASID
      const fp = rootSlot(k, f).ptr;
      expect(translate(system, 0x10008, 0, rootSlot(k, c).ptr)).toBe(fp + 8);
      expect(translate(system, 0x10008)).not.toBe(fp + 8); // the root task sees its image there
      expect(yield* sel4ts_read(0x10008, 8)).toBeTypeOf("bigint");
    });
  });
});
