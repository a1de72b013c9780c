// RISC-V VSpace (semantics §14, VS-1..VS-3 and VS-6..VS-16): PageTable and Page invocations
// from the root task, their errors in seL4's order with the MRs the kernel writes, and user
// memory through the mappings they make. A faulting access stops the root task (it has no fault
// handler), so each fault ends its test run and shows as the kernel's diagnostic.
//
// Where an effect has no user-visible trace (the PTE bits, the level an entry sits at, the
// address a cap records), the tests read the page tables in RAM or the caps in kernel state and
// say so. ASIDs are in asid.test.ts, deletion in vspace-delete.test.ts.

import { describe, expect, it } from "vitest";
import {
  cap_frame_cap,
  cap_page_table_cap,
  RISCVPageMap,
  RISCVPageTableMap,
  seL4_AlignmentError,
  seL4_AllRights,
  seL4_Call,
  seL4_CanRead,
  seL4_CapASIDControl,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_MissingCapability,
  seL4_NoRights,
  seL4_ReadWrite,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_ExecuteNever,
  seL4_RISCV_Giga_Page,
  seL4_RISCV_Page_Unmap,
  seL4_RISCV_PageTable_Unmap,
  seL4_RevokeFirst,
  seL4_SetCap,
  seL4_SetMR,
  seL4_TruncatedMessage,
  seL4_UserTop,
  sel4ts_read,
  sel4ts_write,
  ThreadState_Inactive,
} from "../../src/user/libsel4.ts";
import { ACCESS_EXECUTE, ACCESS_WRITE, SV39_PAGE_FAULT } from "../../src/machine/mmu.ts";
import { setKernelState } from "../../src/kernel/state.ts";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, setVMRoot } from "../../src/kernel/vspace.ts";
import { runRoot } from "../harness.ts";
import { copy, del, id, mint, retype, rootSlot, rootTcb, runHooked } from "./cdt-helpers.ts";
import {
  FREE_4K,
  map,
  mapPT,
  NEEDS_2PT,
  NEEDS_PT,
  paddrOf,
  pageIsZero,
  pteAt,
  translate,
  vmSetup,
  VS,
} from "./vspace-helpers.ts";

const mr = (i: number): number => Number(seL4_GetMR(i));
const faultAt = (addr: number): RegExp =>
  new RegExp(`vm fault (on \\w+ )?at address 0x0*${addr.toString(16)}\\b`);

describe("VS-1..VS-3 the model", () => {
  it("VS-1 a VSpace is an assigned page table; 1 GiB, 2 MiB and 4 KiB leaves sit at levels 2, 1, 0", () => {
    runHooked(function* (bi, system) {
      const { frame, large, pt, vspace, alloc } = yield* vmSetup(bi);
      const vs = yield* vspace();
      const k = system.kernel.state;
      const root = rootSlot(k, vs).ptr;
      // A 1 GiB device frame (RAM here is smaller than 1 GiB).
      const dev = bi.untypedList.findIndex((u) => u.isDevice && u.sizeBits >= 30);
      const giga = alloc();
      expect(yield* retype(bi.untyped.start + dev, seL4_RISCV_Giga_Page, 0, giga)).toBe(0);
      expect(yield* map(giga, 0x40000000, seL4_ReadWrite, 0, vs)).toBe(0);
      const gigaPte = pteAt(system, root + 8 * 1);
      expect(gigaPte & 0xff).toBe(PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
      expect(Math.floor(gigaPte / 1024) * 4096).toBe(yield* paddrOf(giga));

      const [l1, l0, f2, f4] = [yield* pt(), yield* pt(), yield* large(), yield* frame()];
      expect(yield* mapPT(l1, 0, vs)).toBe(0);
      expect(yield* map(f2, 0x200000, seL4_ReadWrite, 0, vs)).toBe(0);
      expect(yield* mapPT(l0, 0, vs)).toBe(0);
      expect(yield* map(f4, 0x3000, seL4_ReadWrite, 0, vs)).toBe(0);
      const l1p = rootSlot(k, l1).ptr;
      const l0p = rootSlot(k, l0).ptr;
      // Table entries: valid with no R/W/X.
      expect(pteAt(system, root)).toBe((l1p / 4096) * 1024 + PTE_V);
      expect(pteAt(system, l1p)).toBe((l0p / 4096) * 1024 + PTE_V);
      expect(Math.floor(pteAt(system, l1p + 8) / 1024) * 4096).toBe(yield* paddrOf(f2));
      expect(Math.floor(pteAt(system, l0p + 8 * 3) / 1024) * 4096).toBe(yield* paddrOf(f4));
      expect(translate(system, 0x200000 + 0x1234, 0, root)).toBe((yield* paddrOf(f2)) + 0x1234);
      expect(translate(system, 0x40000000 + 0x5678, 0, root)).toBe((yield* paddrOf(giga)) + 0x5678);
    });
  });

  it("VS-2 the user range ends at 0x3ffffff000: the last page maps, nothing reaches past it", () => {
    runRoot(function* (bi) {
      const { frame, pt, large } = yield* vmSetup(bi);
      const last = seL4_UserTop - 0x1000;
      const [a, b, f, g, h] = [yield* pt(), yield* pt(), yield* frame(), yield* frame(), yield* large()];
      expect(yield* mapPT(a, seL4_UserTop)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(0);
      expect(yield* mapPT(a, seL4_UserTop - 1)).toBe(0);
      expect(yield* mapPT(b, seL4_UserTop - 1)).toBe(0);
      expect(yield* map(f, seL4_UserTop)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(0);
      expect(yield* map(h, 0x3fffe00000)).toBe(seL4_InvalidArgument); // aligned, but its end is past the top
      expect(yield* map(g, last)).toBe(0);
      yield* sel4ts_write(last + 0xff8, 8, 0x1122334455667788n);
      expect(yield* sel4ts_read(last + 0xff8, 8)).toBe(0x1122334455667788n);
    });
  });

  it("VS-2 a vaddr whose end wraps past 2^64 passes the range check and fails alignment", () => {
    runRoot(function* (bi) {
      const { frame } = yield* vmSetup(bi);
      const f = yield* frame();
      expect(yield* map(f, 0xfffffffffffff001n)).toBe(seL4_AlignmentError);
      expect(yield* map(f, 0xfffffffffffff000n)).toBe(seL4_InvalidArgument);
      expect(yield* map(f, 0x8000000000000000n)).toBe(seL4_InvalidArgument);
    });
  });

  it("VS-3 the root task runs on its own VSpace; a thread without a VSpace cap runs on none", () => {
    const { system } = runHooked(function* (_bi, system) {
      const k = system.kernel.state;
      expect(system.machine.satp).toBe(rootSlot(k, VS).ptr);
      expect(rootTcb(k).cte[1].ptr).toBe(rootSlot(k, VS).ptr);
      yield* sel4ts_read(0x10000, 8);
    });
    // White-box: setVMRoot for the idle thread (no VTable cap) and back for the root task.
    const k = system.kernel.state;
    setKernelState(k);
    setVMRoot(k.idleThread);
    expect(system.machine.satp).toBe(0);
    setVMRoot(rootTcb(k));
    expect(system.machine.satp).toBe(rootSlot(k, VS).ptr);
  });

  it("VS-3 once its ASID no longer names its root, the thread runs on no VSpace: every access faults", () => {
    let reached = false;
    const { diagnostics, system } = runRoot(function* () {
      expect(yield* del(seL4_CapInitThreadASIDPool)).toBe(0); // final: pool 0 leaves the ASID table
      reached = true;
      yield* sel4ts_read(0x10000, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(system.machine.satp).toBe(0);
    expect(diagnostics.join("\n")).toMatch(/vm fault/);
    expect(rootTcb(system.kernel.state).state).toBe(ThreadState_Inactive);
  });
});

describe("VS-6..VS-8 PageTable_Map / Unmap", () => {
  it("VS-6 PageTable_Map checks in order: label, length/cap, mapped, vspace cap, vaddr, ASID, root", () => {
    runRoot(function* (bi) {
      const { pt, frame, vspace } = yield* vmSetup(bi);
      const [t, u, f] = [yield* pt(), yield* pt(), yield* frame()];
      // Another label on a page-table cap.
      seL4_SetCap(0, VS);
      let info = yield* seL4_Call(t, seL4_MessageInfo_new(RISCVPageMap, 0, 1, 3));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_IllegalOperation);
      // Length < 2 or no cap.
      seL4_SetCap(0, VS);
      seL4_SetMR(0, NEEDS_PT);
      info = yield* seL4_Call(t, seL4_MessageInfo_new(RISCVPageTableMap, 0, 1, 1));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      info = yield* seL4_Call(t, seL4_MessageInfo_new(RISCVPageTableMap, 0, 0, 2));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      // This table already mapped (the root VSpace itself is a mapped page table): cap 0, before the
      // vspace cap (a frame here) is looked at.
      expect(yield* mapPT(VS, NEEDS_PT, f)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(0);
      // The vspace cap: not a page table, or not assigned.
      expect(yield* mapPT(t, NEEDS_PT, f)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* mapPT(t, NEEDS_PT, u)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      // vaddr at or above the user top (checked before the ASID).
      expect(yield* mapPT(t, seL4_UserTop, VS)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(0);
      expect(yield* mapPT(t, 0xffffffffffffffffn, VS)).toBe(seL4_InvalidArgument);
      // A mapped table that is not the root its ASID names: cap 1.
      expect(yield* mapPT(t, NEEDS_PT, bi.userImagePaging.start)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      const vs = yield* vspace();
      expect(yield* mapPT(t, NEEDS_PT, vs)).toBe(0);
    });
  });

  it("VS-6 a root whose ASID no longer resolves: FailedLookup (destination, InvalidRoot)", () => {
    runHooked(function* (bi, system) {
      const { pt, untyped, alloc } = yield* vmSetup(bi);
      const ut = yield* untyped(12);
      const pool = alloc();
      expect(
        yield* seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, seL4_CapInitThreadCNode, pool, 64),
      ).toBe(0);
      const vs = yield* pt();
      expect(yield* seL4_RISCV_ASIDPool_Assign(pool, vs)).toBe(0);
      expect(yield* del(pool)).toBe(0); // final: the pool leaves the ASID table
      expect(rootSlot(system.kernel.state, vs).isMapped).toBe(true);
      const t = yield* pt();
      expect(yield* mapPT(t, seL4_UserTop, vs)).toBe(seL4_InvalidArgument); // vaddr first
      expect(yield* mapPT(t, NEEDS_PT, vs)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1)]).toEqual([0, seL4_InvalidRoot]);
    });
  });

  it("VS-7 each Map installs at the first missing level and records the vaddr rounded to that span", () => {
    runHooked(function* (bi, system) {
      const { pt, frame, vspace } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const vs = yield* vspace();
      const [a, b, c, f] = [yield* pt(), yield* pt(), yield* pt(), yield* frame()];
      const v = 0x1_4567_89ab; // unaligned: no alignment error for page tables
      expect(yield* map(f, 0x1_4560_0000, seL4_ReadWrite, 0, vs)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 30]);
      expect(yield* mapPT(a, v, vs)).toBe(0);
      expect(rootSlot(k, a).mappedAddr).toBe(0x1_4000_0000);
      expect(yield* map(f, 0x1_4560_0000, seL4_ReadWrite, 0, vs)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 21]);
      expect(yield* mapPT(b, v, vs)).toBe(0);
      expect(rootSlot(k, b).mappedAddr).toBe(0x1_4560_0000);
      expect(rootSlot(k, b).mappedASID).toBe(rootSlot(k, vs).mappedASID);
      expect(yield* mapPT(c, v, vs)).toBe(seL4_DeleteFirst); // the walk reaches the last level
      expect(yield* map(f, 0x1_4567_8000, seL4_ReadWrite, 0, vs)).toBe(0);
      const root = rootSlot(k, vs).ptr;
      expect(translate(system, 0x1_4567_8abc, 0, root)).toBe((yield* paddrOf(f)) + 0xabc);
    });
  });

  it("VS-7 a leaf on the path is in the way: DeleteFirst", () => {
    runRoot(function* (bi) {
      const { pt, large } = yield* vmSetup(bi);
      const [t, l] = [yield* pt(), yield* large()];
      expect(yield* map(l, NEEDS_PT)).toBe(0);
      expect(yield* mapPT(t, NEEDS_PT + 0x1000)).toBe(seL4_DeleteFirst);
      expect(yield* mapPT(t, 0x10000)).toBe(seL4_DeleteFirst); // the image: all levels present
    });
  });

  it("VS-8 Unmap: a copy or a VSpace root answers RevokeFirst; an unmapped table unmaps fine", () => {
    runRoot(function* (bi) {
      const { pt, vspace, alloc } = yield* vmSetup(bi);
      const t = yield* pt();
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(0); // not mapped
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      const c = alloc();
      expect(yield* copy(c, t)).toBe(0);
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(seL4_RevokeFirst);
      expect(yield* del(c)).toBe(0);
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(0);
      const vs = yield* vspace();
      expect(yield* seL4_RISCV_PageTable_Unmap(vs)).toBe(seL4_RevokeFirst);
      expect(yield* seL4_RISCV_PageTable_Unmap(VS)).toBe(seL4_RevokeFirst);
      // Unmapped, the table can be copied no more (MDB-16) but mapped again.
      expect(yield* copy(c, t)).toBe(seL4_IllegalOperation);
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
    });
  });

  it("VS-8 Unmap zeroes the whole table: frames below are gone, their caps still say mapped", () => {
    let reached = false;
    const { diagnostics, system } = runHooked(function* (bi, system) {
      const { pt, frame } = yield* vmSetup(bi);
      const [t, f] = [yield* pt(), yield* frame()];
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(f, NEEDS_PT + 0x5000)).toBe(0);
      yield* sel4ts_write(NEEDS_PT + 0x5008, 8, 42);
      const tp = rootSlot(system.kernel.state, t).ptr;
      expect(pageIsZero(system, tp)).toBe(false);
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(0);
      expect(pageIsZero(system, tp)).toBe(true);
      expect(rootSlot(system.kernel.state, t).isMapped).toBe(false);
      // The frame cap still records its mapping: elsewhere is refused, the same place needs the table.
      expect(yield* map(f, FREE_4K)).toBe(seL4_InvalidArgument);
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(translate(system, NEEDS_PT + 0x5000)).toBe(SV39_PAGE_FAULT);
      expect(yield* map(f, NEEDS_PT + 0x5000)).toBe(0); // a remap at the recorded place
      expect(yield* sel4ts_read(NEEDS_PT + 0x5008, 8)).toBe(42n);
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(0);
      reached = true;
      yield* sel4ts_read(NEEDS_PT + 0x5008, 8);
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(NEEDS_PT + 0x5008));
    expect(rootTcb(system.kernel.state).state).toBe(ThreadState_Inactive);
  });
});

describe("VS-9..VS-14 Page_Map / Unmap / GetAddress", () => {
  it("VS-9 Page_Map checks in order: length/cap, vspace cap, ASID, root, range, alignment, walk", () => {
    runRoot(function* (bi) {
      const { pt, frame, large } = yield* vmSetup(bi);
      const [f, l, t] = [yield* frame(), yield* large(), yield* pt()];
      seL4_SetCap(0, VS);
      seL4_SetMR(0, FREE_4K);
      seL4_SetMR(1, seL4_AllRights);
      let info = yield* seL4_Call(f, seL4_MessageInfo_new(RISCVPageMap, 0, 1, 2));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      info = yield* seL4_Call(f, seL4_MessageInfo_new(RISCVPageMap, 0, 0, 3));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_TruncatedMessage);
      info = yield* seL4_Call(f, seL4_MessageInfo_new(RISCVPageTableMap, 0, 1, 3));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_IllegalOperation);
      // The vspace cap: a frame, an unassigned table, a table that is not its ASID's root.
      expect(yield* map(f, 0x1001, 0, 0, f)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* map(f, 0x1001, 0, 0, t)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* map(f, 0x1001, 0, 0, bi.userImagePaging.start)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      // Range before alignment; alignment before the walk.
      expect(yield* map(l, seL4_UserTop - 0x1000)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(0);
      expect(yield* map(l, NEEDS_2PT + 0x1000)).toBe(seL4_AlignmentError);
      expect(yield* map(f, NEEDS_2PT + 0x800)).toBe(seL4_AlignmentError);
      // The walk must end at this frame's level.
      expect(yield* map(f, NEEDS_2PT)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 30]);
      expect(yield* map(f, NEEDS_PT)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 21]);
      expect(yield* map(l, 0)).toBe(seL4_FailedLookup); // a table already occupies the 2 MiB slot
      expect([mr(0), mr(1), mr(2)]).toEqual([0, seL4_MissingCapability, 12]);
      expect(yield* map(l, NEEDS_PT)).toBe(0);
      expect(yield* map(f, FREE_4K)).toBe(0);
    });
  });

  it("VS-10 a mapped frame cap: another ASID is cap 1, another vaddr is argument 0, the same place remaps", () => {
    runHooked(function* (bi, system) {
      const { frame, vspace, pt } = yield* vmSetup(bi);
      const [f, g, t] = [yield* frame(), yield* frame(), yield* pt()];
      const vs = yield* vspace();
      expect(yield* mapPT(t, 0, vs)).toBe(0);
      expect(yield* map(f, FREE_4K)).toBe(0);
      expect(yield* map(f, FREE_4K, seL4_ReadWrite, 0, vs)).toBe(seL4_FailedLookup); // walk first
      const t2 = yield* pt();
      expect(yield* mapPT(t2, 0, vs)).toBe(0);
      expect(yield* map(f, FREE_4K, seL4_ReadWrite, 0, vs)).toBe(seL4_InvalidCapability);
      expect(mr(0)).toBe(1);
      expect(yield* map(f, FREE_4K + 0x1000)).toBe(seL4_InvalidArgument);
      expect(mr(0)).toBe(0);
      // Not mapped: an occupied slot is DeleteFirst.
      expect(yield* map(g, FREE_4K)).toBe(seL4_DeleteFirst);
      expect(yield* map(g, 0x10000)).toBe(seL4_DeleteFirst);
      // Remap with new rights.
      const pte = (): number => pteAt(system, pteSlot(system, FREE_4K)) & 0xff;
      expect(pte()).toBe(PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
      expect(yield* map(f, FREE_4K, seL4_CanRead, seL4_RISCV_ExecuteNever)).toBe(0);
      expect(pte()).toBe(PTE_V | PTE_R | PTE_U | PTE_A | PTE_D);
    });
  });

  it("VS-10 remapped read-only, a write faults", () => {
    let reached = false;
    const { diagnostics } = runRoot(function* (bi) {
      const { frame } = yield* vmSetup(bi);
      const f = yield* frame();
      expect(yield* map(f, FREE_4K)).toBe(0);
      yield* sel4ts_write(FREE_4K + 16, 4, 0xdead);
      expect(yield* map(f, FREE_4K, seL4_CanRead)).toBe(0);
      expect(yield* sel4ts_read(FREE_4K + 16, 4)).toBe(0xdead);
      reached = true;
      yield* sel4ts_write(FREE_4K + 16, 4, 0xbeef);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(FREE_4K + 16));
  });

  it("VS-11 rights: the cap's rights masked by the argument; X unless execute-never; U always", () => {
    runHooked(function* (bi, system) {
      const { frame, alloc } = yield* vmSetup(bi);
      const bits = (v: number): number => pteAt(system, pteSlot(system, v)) & 0xff;
      const base = PTE_V | PTE_U | PTE_A | PTE_D;
      const cases: [number, number, number, number][] = [
        // [cap rights (seL4_CapRights), rights argument, attributes, expected PTE flags or -1 (invalid)]
        [seL4_AllRights, seL4_AllRights, 0, base | PTE_R | PTE_W | PTE_X],
        [seL4_AllRights, seL4_CanRead, 0, base | PTE_R | PTE_X],
        [seL4_AllRights, seL4_ReadWrite, seL4_RISCV_ExecuteNever, base | PTE_R | PTE_W],
        [seL4_CanRead, seL4_AllRights, 0, base | PTE_R | PTE_X], // a read-only cap stays read-only
        [seL4_AllRights, 1 /* write only */, 0, base | PTE_X], // no read: kernel-only, execute-only
        [seL4_AllRights, seL4_NoRights, seL4_RISCV_ExecuteNever, -1], // nothing: no PTE at all
        [seL4_CanRead, seL4_NoRights, 0, base | PTE_X],
      ];
      let v = FREE_4K;
      for (const [capRights, arg, attr, want] of cases) {
        const f = yield* frame();
        const c = alloc();
        expect(yield* copy(c, f, capRights)).toBe(0);
        expect(yield* map(c, v, arg, attr)).toBe(0);
        if (want < 0) {
          expect(pteAt(system, pteSlot(system, v))).toBe(0);
          expect(rootSlot(system.kernel.state, c).mappedAddr).toBe(v); // the cap records it anyway
          expect(yield* map(c, v + 0x1000, arg, attr)).toBe(seL4_InvalidArgument);
        } else {
          expect(bits(v)).toBe(want);
        }
        v += 0x1000;
      }
      expect(translate(system, FREE_4K + 0x4000, ACCESS_EXECUTE)).toBeGreaterThan(0);
      expect(translate(system, FREE_4K + 0x4000)).toBe(SV39_PAGE_FAULT);
      expect(translate(system, FREE_4K + 0x1000, ACCESS_WRITE)).toBe(SV39_PAGE_FAULT);
    });
  });

  it("VS-11 a frame cap with write but no read rights maps nothing readable (copies mask VM rights)", () => {
    runRoot(function* (bi) {
      const { frame, alloc } = yield* vmSetup(bi);
      const f = yield* frame();
      const c = alloc();
      expect(yield* mint(c, f, 0, seL4_CanRead)).toBe(0);
      expect(yield* map(c, FREE_4K)).toBe(0);
      expect(yield* sel4ts_read(FREE_4K, 8)).toBe(0n);
    });
  });

  it("VS-12 Unmap always succeeds and clears the PTE only if it still maps this frame", () => {
    let reached = false;
    const { diagnostics } = runRoot(function* (bi) {
      const { frame, pt } = yield* vmSetup(bi);
      const [f, g, t] = [yield* frame(), yield* frame(), yield* pt()];
      expect(yield* seL4_RISCV_Page_Unmap(f)).toBe(0); // not mapped
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(f, NEEDS_PT)).toBe(0);
      expect(yield* seL4_RISCV_PageTable_Unmap(t)).toBe(0);
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(g, NEEDS_PT)).toBe(0);
      yield* sel4ts_write(NEEDS_PT, 8, 7);
      expect(yield* seL4_RISCV_Page_Unmap(f)).toBe(0); // f's PTE is gone; g's stays
      expect(yield* sel4ts_read(NEEDS_PT, 8)).toBe(7n);
      expect(yield* map(f, FREE_4K)).toBe(0); // f forgot its old mapping
      expect(yield* seL4_RISCV_Page_Unmap(g)).toBe(0);
      reached = true;
      yield* sel4ts_read(NEEDS_PT, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(NEEDS_PT));
  });

  it("VS-13 GetAddress answers the frame's physical address in MR0", () => {
    runRoot(function* (bi) {
      const { untyped, alloc } = yield* vmSetup(bi);
      const u = yield* untyped(12);
      const f = alloc();
      expect(yield* retype(u, 8 /* seL4_RISCV_4K_Page */, 0, f)).toBe(0);
      const idx = bi.untypedList.findIndex((d) => !d.isDevice && d.sizeBits >= 23);
      const addr = yield* paddrOf(f);
      expect(addr % 4096).toBe(0);
      expect(addr).toBeGreaterThanOrEqual(bi.untypedList[idx].paddr);
      expect(addr).toBeLessThan(bi.untypedList[idx].paddr + 2 ** bi.untypedList[idx].sizeBits);
      // The image frames are the pages right after the kernel image, in order.
      const a0 = yield* paddrOf(bi.userImageFrames.start);
      expect(yield* paddrOf(bi.userImageFrames.start + 3)).toBe(a0 + 3 * 4096);
    });
  });

  it("VS-14 a frame is shared through two caps: the same bytes at two addresses; one cap maps once", () => {
    runRoot(function* (bi) {
      const { frame, alloc } = yield* vmSetup(bi);
      const f = yield* frame();
      const c = alloc();
      expect(yield* copy(c, f)).toBe(0);
      expect(yield* map(f, FREE_4K)).toBe(0);
      expect(yield* map(f, FREE_4K + 0x1000)).toBe(seL4_InvalidArgument);
      expect(yield* map(c, FREE_4K + 0x1000)).toBe(0);
      yield* sel4ts_write(FREE_4K + 0x100, 8, 0x0123456789abcdefn);
      expect(yield* sel4ts_read(FREE_4K + 0x1100, 8)).toBe(0x0123456789abcdefn);
      yield* sel4ts_write(FREE_4K + 0x1ff0, 2, 0xbeef);
      expect(yield* sel4ts_read(FREE_4K + 0xff0, 2)).toBe(0xbeef);
      expect(yield* id(c)).toBe(cap_frame_cap);
    });
  });

  it("VS-15 deleting the mapped frame cap (not final) unmaps it; the unmapped copy keeps the frame", () => {
    let reached = false;
    const { diagnostics } = runRoot(function* (bi) {
      const { frame, alloc } = yield* vmSetup(bi);
      const f = yield* frame();
      const c = alloc();
      expect(yield* copy(c, f)).toBe(0);
      expect(yield* map(c, FREE_4K)).toBe(0);
      yield* sel4ts_write(FREE_4K, 8, 5);
      expect(yield* del(c)).toBe(0);
      expect(yield* map(f, FREE_4K + 0x1000)).toBe(0);
      expect(yield* sel4ts_read(FREE_4K + 0x1000, 8)).toBe(5n);
      reached = true;
      yield* sel4ts_read(FREE_4K, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(FREE_4K));
  });

  it("VS-16 an unmapped read faults at its address; the root task, without a handler, stops", () => {
    let reached = false;
    const { diagnostics, system } = runRoot(function* (bi) {
      const { frame } = yield* vmSetup(bi);
      const f = yield* frame();
      expect(yield* map(f, FREE_4K)).toBe(0);
      yield* sel4ts_write(FREE_4K + 8, 8, 99);
      expect(yield* sel4ts_read(FREE_4K + 8, 8)).toBe(99n);
      expect(yield* seL4_RISCV_Page_Unmap(f)).toBe(0);
      reached = true;
      yield* sel4ts_read(FREE_4K + 8, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(FREE_4K + 8));
    expect(rootTcb(system.kernel.state).state).toBe(ThreadState_Inactive);
  });

  it("VS-16 an address above the user range faults", () => {
    const { diagnostics } = runRoot(function* () {
      yield* sel4ts_read(0x4000000000, 1);
    });
    expect(diagnostics.join("\n")).toMatch(faultAt(0x4000000000));
  });

  it("VS-16 a 2 MiB page: whole range readable and writable, the next byte faults", () => {
    const { diagnostics } = runRoot(function* (bi) {
      const { large } = yield* vmSetup(bi);
      const l = yield* large();
      expect(yield* map(l, NEEDS_PT)).toBe(0);
      yield* sel4ts_write(NEEDS_PT, 1, 1);
      yield* sel4ts_write(NEEDS_PT + 0x1fffff, 1, 2);
      expect(yield* sel4ts_read(NEEDS_PT + 0x1fffff, 1)).toBe(2);
      yield* sel4ts_read(NEEDS_PT + 0x200000, 1);
    });
    expect(diagnostics.join("\n")).toMatch(faultAt(NEEDS_PT + 0x200000));
  });

  it("VS-1 cap types: a retyped page table and frame identify as such", () => {
    runRoot(function* (bi) {
      const { frame, pt } = yield* vmSetup(bi);
      expect(yield* id(yield* pt())).toBe(cap_page_table_cap);
      expect(yield* id(yield* frame())).toBe(cap_frame_cap);
      expect(yield* id(seL4_CapInitThreadASIDPool)).toBe(13);
    });
  });
});

/** The physical address of the level-0 PTE for `vaddr` in the current VSpace. */
function pteSlot(system: Parameters<typeof translate>[0], vaddr: number): number {
  let table = system.machine.satp;
  for (let level = 2; level > 0; level--) {
    const e = pteAt(system, table + 8 * (Math.floor(vaddr / 2 ** (12 + 9 * level)) & 0x1ff));
    table = Math.floor(e / 1024) * 4096;
  }
  return table + 8 * (Math.floor(vaddr / 4096) & 0x1ff);
}
