// Deleting and revoking mapped things (semantics DEL-11, DEL-12, DEL-21, VS-15): unmapping shows
// as a VM fault on the next access (which stops the root task, so it ends the run); what stays in
// memory and which ASID is free are read from RAM and kernel state, and the tests say so.

import { describe, expect, it } from "vitest";
import {
  seL4_CapASIDControl,
  seL4_CapInitThreadCNode,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_InvalidArgument,
  seL4_InvalidRoot,
  seL4_RISCV_4K_Page,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_PageTableObject,
  seL4_CapInitThreadASIDPool,
  sel4ts_read,
  sel4ts_write,
} from "../../src/user/libsel4.ts";
import { SV39_PAGE_FAULT } from "../../src/machine/mmu.ts";
import { runRoot } from "../harness.ts";
import { copy, del, retype, revoke, rootSlot, runHooked } from "./cdt-helpers.ts";
import { FREE_4K, map, mapPT, NEEDS_PT, pageIsZero, pteAt, translate, vmSetup } from "./vspace-helpers.ts";

const mr = (i: number): number => Number(seL4_GetMR(i));
const faultAt = (addr: number): RegExp =>
  new RegExp(`vm fault (on \\w+ )?at address 0x0*${addr.toString(16)}\\b`);

describe("DEL-11 frames", () => {
  it("DEL-11 deleting the final mapped frame cap unmaps it", () => {
    let reached = false;
    const { diagnostics } = runRoot(function* (bi) {
      const { frame } = yield* vmSetup(bi);
      const f = yield* frame();
      expect(yield* map(f, FREE_4K)).toBe(0);
      yield* sel4ts_write(FREE_4K, 8, 1);
      expect(yield* del(f)).toBe(0);
      reached = true;
      yield* sel4ts_read(FREE_4K, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(FREE_4K));
  });

  it("DEL-11 a frame cap whose recorded PTE now maps another frame deletes without touching it", () => {
    runRoot(function* (bi) {
      const { frame, pt } = yield* vmSetup(bi);
      const [f, g, t] = [yield* frame(), yield* frame(), yield* pt()];
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(f, NEEDS_PT)).toBe(0);
      expect(yield* del(t)).toBe(0); // final: the table is unhooked, f still says mapped
      const t2 = yield* pt();
      expect(yield* mapPT(t2, NEEDS_PT)).toBe(0);
      expect(yield* map(g, NEEDS_PT)).toBe(0);
      yield* sel4ts_write(NEEDS_PT, 8, 3);
      expect(yield* del(f)).toBe(0);
      expect(yield* sel4ts_read(NEEDS_PT, 8)).toBe(3n);
    });
  });

  it("DEL-11 revoking a frame's untyped unmaps it; the memory is reused and nothing maps it", () => {
    let reached = false;
    const { diagnostics } = runHooked(function* (bi, system) {
      const { untyped, alloc } = yield* vmSetup(bi);
      const u = yield* untyped(14);
      const fs = alloc(4);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, fs, 4)).toBe(0);
      const c = alloc();
      expect(yield* copy(c, fs + 2)).toBe(0);
      expect(yield* map(fs + 2, FREE_4K)).toBe(0);
      expect(yield* map(c, FREE_4K + 0x1000)).toBe(0);
      yield* sel4ts_write(FREE_4K, 8, 0x55);
      expect(yield* revoke(u)).toBe(0);
      expect(translate(system, FREE_4K)).toBe(SV39_PAGE_FAULT);
      expect(translate(system, FREE_4K + 0x1000)).toBe(SV39_PAGE_FAULT);
      // Reuse: the reset zeroes the memory; the new table there is mapped elsewhere.
      const t = alloc();
      expect(yield* retype(u, seL4_RISCV_PageTableObject, 0, t)).toBe(0);
      expect(pageIsZero(system, rootSlot(system.kernel.state, t).ptr)).toBe(true);
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      reached = true;
      yield* sel4ts_read(FREE_4K, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(FREE_4K));
  });
});

describe("DEL-12 page tables and pools", () => {
  it("DEL-12 the final cap of a mapped table unhooks it: frames below fault, its contents stay", () => {
    let reached = false;
    const { diagnostics } = runHooked(function* (bi, system) {
      const { frame, pt, alloc } = yield* vmSetup(bi);
      const [t, f] = [yield* pt(), yield* frame()];
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(f, NEEDS_PT + 0x3000)).toBe(0);
      yield* sel4ts_write(NEEDS_PT + 0x3000, 8, 9);
      const tp = rootSlot(system.kernel.state, t).ptr;
      const c = alloc();
      expect(yield* copy(c, t)).toBe(0);
      expect(yield* del(t)).toBe(0); // not final: nothing happens
      expect(yield* sel4ts_read(NEEDS_PT + 0x3000, 8)).toBe(9n);
      expect(yield* del(c)).toBe(0);
      expect(pteAt(system, tp + 8 * 3)).not.toBe(0); // white-box: contents not cleared
      expect(yield* map(f, FREE_4K)).toBe(seL4_InvalidArgument); // f still says mapped
      reached = true;
      yield* sel4ts_read(NEEDS_PT + 0x3000, 8);
      reached = false;
    });
    expect(reached).toBe(true);
    expect(diagnostics.join("\n")).toMatch(faultAt(NEEDS_PT + 0x3000));
  });

  it("DEL-12 the final cap of a VSpace root frees its ASID; tables mapped in it stay as they are", () => {
    runHooked(function* (bi, system) {
      const { pt, frame, vspace } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const vs = yield* vspace();
      const asid = rootSlot(k, vs).mappedASID;
      const [t, f] = [yield* pt(), yield* frame()];
      expect(yield* mapPT(t, 0, vs)).toBe(0);
      const t2 = yield* pt();
      expect(yield* mapPT(t2, 0, vs)).toBe(0);
      expect(yield* map(f, 0x5000, 3, 0, vs)).toBe(0);
      expect(yield* del(vs)).toBe(0);
      expect(k.asidTable[0]?.entries[asid]).toBe(0); // white-box: ASID free
      const vs2 = yield* vspace();
      expect(rootSlot(k, vs2).mappedASID).toBe(asid); // and reused
      // t and f still record the old ASID, which now names vs2: a remap of f finds no table there.
      expect(yield* map(f, 0x5000, 3, 0, vs2)).toBe(seL4_FailedLookup);
      expect(yield* del(t)).toBe(0); // its walk in vs2 finds nothing to unhook
      expect(yield* del(f)).toBe(0);
    });
  });

  it("DEL-12 the final ASID pool cap unregisters the pool; roots in it no longer resolve", () => {
    runHooked(function* (bi, system) {
      const { pt, untyped, alloc } = yield* vmSetup(bi);
      const k = system.kernel.state;
      const u = yield* untyped(12);
      const p = alloc();
      expect(
        yield* seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, u, seL4_CapInitThreadCNode, p, 64),
      ).toBe(0);
      const vs = yield* pt();
      expect(yield* seL4_RISCV_ASIDPool_Assign(p, vs)).toBe(0);
      const c = alloc();
      expect(yield* copy(c, p)).toBe(0);
      expect(yield* del(p)).toBe(0);
      expect(k.asidTable[1]).not.toBeNull();
      expect(yield* del(c)).toBe(0);
      expect(k.asidTable[1]).toBeNull();
      const t = yield* pt();
      expect(yield* mapPT(t, 0, vs)).toBe(seL4_FailedLookup);
      expect([mr(0), mr(1)]).toEqual([0, seL4_InvalidRoot]);
      expect(yield* del(vs)).toBe(0); // finalising a root whose ASID is gone: nothing to do
      expect(yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, yield* pt())).toBe(0);
    });
  });
});

describe("DEL-21 revoke", () => {
  it("DEL-21 revoking a page table deletes its copies but leaves the frames mapped through it", () => {
    runRoot(function* (bi) {
      const { pt, frame, alloc } = yield* vmSetup(bi);
      const [t, f] = [yield* pt(), yield* frame()];
      expect(yield* mapPT(t, NEEDS_PT)).toBe(0);
      expect(yield* map(f, NEEDS_PT)).toBe(0);
      yield* sel4ts_write(NEEDS_PT, 8, 4);
      const c = alloc();
      expect(yield* copy(c, t)).toBe(0);
      expect(yield* revoke(t)).toBe(0);
      expect(yield* sel4ts_read(NEEDS_PT, 8)).toBe(4n);
      expect(yield* copy(c, t)).toBe(0); // c was deleted by the revoke
    });
  });
});
