// Capability derivation tree (semantics §4, MDB-1..MDB-26), observed as a root task sees it:
// which caps a Revoke removes (DebugCapIdentify turns 0), which Copy/Mint/Mutate calls fail,
// whether an untyped "has children" (Copy of it answers RevokeFirst, MDB-13) and whether a CNode
// cap was final (its slots were emptied, which frees an untyped whose only child sat there).
//
// Not testable yet: IRQHandler revocability (MDB-5) and IRQControl/IRQHandler regions (MDB-10)
// need IRQControl_Get; frame identity by size/device flag (MDB-11) only matters for mapped
// frames, which need Page_Map; Reply/Frame rights (MDB-23/24) need IPC and mapping.

import { describe, expect, it } from "vitest";
import {
  cap_cnode_cap,
  cap_domain_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_thread_cap,
  cap_page_table_cap,
  cap_untyped_cap,
  seL4_AllRights,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CanGrant,
  seL4_Call,
  seL4_CapASIDControl,
  seL4_CapDomain,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadSC,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CapTableObject,
  seL4_CNode_CancelBadgedSends,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Rotate,
  seL4_EndpointObject,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_NotEnoughMemory,
  seL4_NotificationObject,
  seL4_ReplyObject,
  seL4_RevokeFirst,
  seL4_RISCV_4K_Page,
  seL4_RISCV_PageTableObject,
  seL4_GetMR,
  seL4_TCBObject,
  seL4_UntypedObject,
  sel4ts_read,
  tcbBuffer,
} from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import { copy, D, del, id, mint, move, mutate, R, retype, revoke, rootTcb, setup } from "./cdt-helpers.ts";

/** seL4_CNode_CapData word: guard in bits 6.., guard size in bits 0-5. */
const capData = (guard: number, guardSize: number): number => guard * 64 + guardSize;

describe("MDB-1..MDB-9 the derivation list", () => {
  it("MDB-1/MDB-3 revoke removes the contiguous run of descendants (copies of copies) and nothing else", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const other = yield* make();
      const a = yield* make();
      const [b, c] = [alloc(), alloc()];
      expect(yield* copy(b, a)).toBe(0);
      expect(yield* copy(c, b)).toBe(0);
      expect(yield* revoke(a)).toBe(0);
      expect(yield* id(a)).toBe(cap_endpoint_cap);
      expect(yield* id(b)).toBe(cap_null_cap);
      expect(yield* id(c)).toBe(cap_null_cap);
      expect(yield* id(other)).toBe(cap_endpoint_cap);
    });
  });

  it("MDB-2 a plain copy is not revocable: revoking it leaves the copies made from it", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const [b, c] = [alloc(), alloc()];
      expect(yield* copy(b, a)).toBe(0);
      expect(yield* copy(c, b)).toBe(0);
      expect(yield* revoke(b)).toBe(0);
      expect(yield* id(c)).toBe(cap_endpoint_cap);
      expect(yield* revoke(a)).toBe(0);
      expect([yield* id(b), yield* id(c)]).toEqual([cap_null_cap, cap_null_cap]);
    });
  });

  it("MDB-2 a badged parent only takes caps with its badge: an unbadged copy after it survives", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const [c0, m, cm] = [alloc(), alloc(), alloc()];
      expect(yield* copy(c0, a)).toBe(0); // a, c0
      expect(yield* mint(m, a, 5)).toBe(0); // a, m, c0: c0 follows m but has badge 0
      expect(yield* copy(cm, m)).toBe(0); // a, m, cm, c0
      expect(yield* revoke(m)).toBe(0);
      expect(yield* id(cm)).toBe(cap_null_cap);
      expect(yield* id(c0)).toBe(cap_endpoint_cap);
      expect(yield* id(m)).toBe(cap_endpoint_cap);
      // The unbadged original is parent of everything after it on the same object.
      expect(yield* revoke(a)).toBe(0);
      expect([yield* id(m), yield* id(c0)]).toEqual([cap_null_cap, cap_null_cap]);
    });
  });

  it("MDB-4 a copy is inserted right after its source, so revoking the untyped also removes copies of its objects", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, e1, e2] = [alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* copy(e1, e)).toBe(0);
      expect(yield* copy(e2, e1)).toBe(0);
      expect(yield* revoke(u)).toBe(0);
      expect([yield* id(e), yield* id(e1), yield* id(e2)]).toEqual([0, 0, 0]);
      expect(yield* id(u)).toBe(cap_untyped_cap);
    });
  });

  it("MDB-5 copies of CNode caps and badge-0 mints are not revocable; copies of untypeds and re-badged caps are", () => {
    runRoot(function* (bi) {
      const { alloc, make, untyped } = yield* setup(bi);
      // CNode: not revocable.
      const k = yield* make(seL4_CapTableObject, 2);
      const [k1, k2] = [alloc(), alloc()];
      expect(yield* copy(k1, k)).toBe(0);
      expect(yield* copy(k2, k1)).toBe(0);
      expect(yield* revoke(k1)).toBe(0);
      expect(yield* id(k2)).toBe(cap_cnode_cap);
      // Mint with the same (zero) badge: not revocable.
      const a = yield* make();
      const [z, cz] = [alloc(), alloc()];
      expect(yield* mint(z, a, 0)).toBe(0);
      expect(yield* copy(cz, z)).toBe(0);
      expect(yield* revoke(z)).toBe(0);
      expect(yield* id(cz)).toBe(cap_endpoint_cap);
      // Notification with a new badge: revocable.
      const n = yield* make(seL4_NotificationObject);
      const [nm, nc] = [alloc(), alloc()];
      expect(yield* mint(nm, n, 3)).toBe(0);
      expect(yield* copy(nc, nm)).toBe(0);
      expect(yield* revoke(nm)).toBe(0);
      expect(yield* id(nc)).toBe(cap_null_cap);
      expect(yield* id(n)).toBe(cap_notification_cap);
      // Untyped copy: revocable, parent of what is retyped from it.
      const v = yield* untyped();
      const [v1, e] = [alloc(), alloc()];
      expect(yield* copy(v1, v)).toBe(0);
      expect(yield* retype(v1, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* revoke(v1)).toBe(0);
      expect(yield* id(e)).toBe(cap_null_cap);
    });
  });

  it("MDB-6 retyped caps are originals: revoking one removes its copies", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      for (const [type, size] of [
        [seL4_EndpointObject, 0],
        [seL4_CapTableObject, 3],
        [seL4_TCBObject, 0],
        [seL4_ReplyObject, 0],
        [seL4_RISCV_4K_Page, 0],
      ]) {
        const o = yield* make(type, size);
        const c = alloc();
        expect(yield* copy(c, o)).toBe(0);
        expect(yield* id(c)).not.toBe(cap_null_cap);
        expect(yield* revoke(o)).toBe(0);
        expect(yield* id(c)).toBe(cap_null_cap);
      }
    });
  });

  it("MDB-6 boot-time caps are originals: revoking the domain cap removes its copies", () => {
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const [d1, d2, sc1] = [alloc(), alloc(), alloc()];
      expect(yield* copy(d1, seL4_CapDomain)).toBe(0);
      expect(yield* copy(d2, d1)).toBe(0);
      expect(yield* copy(sc1, bi.schedcontrol.start)).toBe(0);
      expect(yield* revoke(seL4_CapDomain)).toBe(0);
      expect([yield* id(d1), yield* id(d2)]).toEqual([0, 0]);
      expect(yield* id(seL4_CapDomain)).toBe(cap_domain_cap);
      expect(yield* revoke(bi.schedcontrol.start)).toBe(0);
      expect(yield* id(sc1)).toBe(cap_null_cap);
    });
  });

  it("MDB-7 Move keeps the node: a moved copy is still revoked, a moved original still revokes", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const [b, b2, a2] = [alloc(), alloc(), alloc()];
      expect(yield* copy(b, a)).toBe(0);
      expect(yield* move(b2, b)).toBe(0);
      expect(yield* move(a2, a)).toBe(0);
      expect(yield* id(a)).toBe(cap_null_cap);
      expect(yield* revoke(a2)).toBe(0);
      expect(yield* id(b2)).toBe(cap_null_cap);
    });
  });

  it("MDB-7 Mutate and Rotate keep the node and its revocable flag", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const k = yield* make(seL4_CapTableObject, 2);
      const [k1, km, d] = [alloc(), alloc(), alloc()];
      expect(yield* copy(k1, k)).toBe(0);
      expect(yield* mutate(km, k, capData(0, 10))).toBe(0);
      expect(yield* revoke(km)).toBe(0);
      expect(yield* id(k1)).toBe(cap_null_cap);
      // Rotate: pivot (a copy) -> d, source (the original) -> pivot's slot.
      expect(yield* copy(k1, km)).toBe(0);
      expect(yield* seL4_CNode_Rotate(R, d, D, 0, R, k1, D, 0, R, km, D)).toBe(0);
      expect([yield* id(km), yield* id(k1), yield* id(d)]).toEqual([0, cap_cnode_cap, cap_cnode_cap]);
      expect(yield* revoke(k1)).toBe(0);
      expect(yield* id(d)).toBe(cap_null_cap);
    });
  });

  it("MDB-8 deleting a badge-group head passes firstBadged on to the next cap", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const [m1, c1, m2] = [alloc(), alloc(), alloc()];
      expect(yield* mint(m1, a, 5)).toBe(0); // a, m1
      expect(yield* copy(c1, m1)).toBe(0); // a, m1, c1
      expect(yield* mint(m2, a, 5)).toBe(0); // a, m2, m1, c1
      expect(yield* del(m1)).toBe(0); // a, m2, c1 -- c1 inherits firstBadged
      expect(yield* revoke(m2)).toBe(0);
      expect(yield* id(c1)).toBe(cap_endpoint_cap);
      expect(yield* revoke(a)).toBe(0);
      expect([yield* id(m2), yield* id(c1)]).toEqual([0, 0]);
    });
  });
});

describe("MDB-10..MDB-12 regions, identity and finality", () => {
  it("MDB-10 an untyped's children are the caps inside its byte range: an object outside it survives revoke", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const p = yield* untyped();
      const [e, u1, f] = [alloc(), alloc(), alloc()];
      expect(yield* retype(p, seL4_EndpointObject, 0, e)).toBe(0); // at p+0
      expect(yield* retype(p, seL4_UntypedObject, 11, u1)).toBe(0); // at p+2048: p, u1, e
      expect(yield* retype(u1, seL4_EndpointObject, 0, f)).toBe(0); // p, u1, f, e
      expect(yield* revoke(u1)).toBe(0);
      expect([yield* id(f), yield* id(e)]).toEqual([cap_null_cap, cap_endpoint_cap]);
      // MDB-26: e follows u1 but is not its child, so u1 counts as childless.
      const u2 = alloc();
      expect(yield* copy(u2, u1)).toBe(0);
      expect(yield* revoke(p)).toBe(0);
      expect([yield* id(e), yield* id(u1), yield* id(u2)]).toEqual([0, 0, 0]);
    });
  });

  it("MDB-10 frames and CNodes: copies of the same object are in the original's region", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const f = yield* make(seL4_RISCV_4K_Page);
      const k = yield* make(seL4_CapTableObject, 1);
      const [f1, k1] = [alloc(), alloc()];
      expect(yield* copy(f1, f)).toBe(0);
      expect(yield* copy(k1, k)).toBe(0);
      expect(yield* revoke(f)).toBe(0);
      expect(yield* revoke(k)).toBe(0);
      expect([yield* id(f1), yield* id(k1)]).toEqual([0, 0]);
    });
  });

  it("MDB-11/MDB-12 a CNode cap right after its untyped is final (an untyped is never the same object)", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const v = yield* untyped();
      const k = alloc();
      expect(yield* retype(u, seL4_CapTableObject, 2, k)).toBe(0);
      expect(yield* seL4_CNode_Copy(k, 1, 2, R, v, D, seL4_AllRights)).toBe(0);
      expect(yield* copy(alloc(), v)).toBe(seL4_RevokeFirst);
      expect(yield* del(k)).toBe(0); // final: k's slots are emptied
      expect(yield* copy(alloc(), v)).toBe(0);
    });
  });

  it("MDB-12 caps in TCB slots count: deleting the root CNode cap leaves the CNode alive", () => {
    let after = -1;
    runRoot(function* () {
      expect(yield* del(R)).toBe(0);
      // Lookups still go through the TCB's CTable copy; the CNode's slots were not emptied.
      after = yield* id(seL4_CapInitThreadTCB);
    });
    expect(after).toBe(cap_thread_cap);
  });
});

describe("MDB-13..MDB-17 deriveCap", () => {
  it("MDB-13 Copy/Mint of an untyped with children fails with RevokeFirst; without children it works", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [c0, e] = [alloc(), alloc()];
      expect(yield* copy(c0, u)).toBe(0);
      expect(yield* del(c0)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* copy(alloc(), u)).toBe(seL4_RevokeFirst);
      expect(yield* mint(alloc(), u, 7)).toBe(seL4_RevokeFirst);
      expect(yield* del(e)).toBe(0);
      const c = alloc();
      expect(yield* mint(c, u, 7)).toBe(0);
      expect(yield* id(c)).toBe(cap_untyped_cap);
    });
  });

  it("MDB-14 IRQControl cannot be copied (null derive -> IllegalOperation)", () => {
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const s = alloc();
      expect(yield* copy(s, seL4_CapIRQControl)).toBe(seL4_IllegalOperation);
      expect(yield* mint(s, seL4_CapIRQControl, 0)).toBe(seL4_IllegalOperation);
      expect(yield* id(s)).toBe(cap_null_cap);
      expect(yield* move(s, seL4_CapIRQControl)).toBe(0); // Move does not derive
    });
  });

  it("MDB-15 a page table cap can be copied only while mapped", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const pt = yield* make(seL4_RISCV_PageTableObject);
      const [s, t, v] = [alloc(), alloc(), alloc()];
      expect(yield* copy(s, pt)).toBe(seL4_IllegalOperation);
      expect(yield* id(s)).toBe(cap_null_cap);
      expect(yield* copy(t, bi.userImagePaging.start)).toBe(0);
      expect(yield* copy(v, seL4_CapInitThreadVSpace)).toBe(0);
      expect([yield* id(t), yield* id(v)]).toEqual([cap_page_table_cap, cap_page_table_cap]);
    });
  });

  it("MDB-16 a frame copy carries no mapping: deleting it leaves the original's page mapped", () => {
    let value = -1;
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const frame = bi.userImageFrames.start;
      const c = alloc();
      expect(yield* copy(c, frame)).toBe(0);
      expect(yield* id(c)).toBe(cap_frame_cap);
      expect(yield* del(c)).toBe(0); // DEL-11 would unmap it if the copy claimed the mapping
      value = yield* sel4ts_read(0x10000, 4);
    });
    expect(value).toBe(0);
  });

  // Kernel state: no user-visible path reaches the TCB's buffer slot until TCB invocations exist.
  it("MDB-16 the root TCB's IPC-buffer slot holds an unmapped copy (kernel state, as boot.c derives it)", () => {
    const { system } = runRoot(function* () {});
    const root = rootTcb(system.kernel.state);
    expect(root.cte[tcbBuffer].type).toBe(cap_frame_cap);
    expect(root.cte[tcbBuffer].mappedASID).toBe(0);
  });

  it("MDB-17 endpoint, notification, reply, CNode, TCB, SC, SchedControl, domain and ASID caps copy unchanged", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const sources = [
        yield* make(seL4_EndpointObject),
        yield* make(seL4_NotificationObject),
        yield* make(seL4_ReplyObject),
        seL4_CapInitThreadCNode,
        seL4_CapInitThreadTCB,
        seL4_CapInitThreadSC,
        bi.schedcontrol.start,
        seL4_CapDomain,
        seL4_CapASIDControl,
        seL4_CapInitThreadASIDPool,
      ];
      for (const src of sources) {
        const c = alloc();
        expect(yield* copy(c, src)).toBe(0);
        expect(yield* id(c)).toBe(yield* id(src));
      }
    });
  });
});

describe("MDB-18..MDB-22 badges and cap data", () => {
  it("MDB-18 Mint sets the badge of an unbadged cap (0 and 64-bit values allowed); a badged cap cannot be minted", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const n = yield* make(seL4_NotificationObject);
      const [z, big, m, x] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* mint(z, a, 0)).toBe(0);
      expect(yield* mint(alloc(), z, 9)).toBe(0); // z is still unbadged
      expect(yield* mint(big, a, 0xffff_ffff_ffff_ffffn)).toBe(0);
      expect(yield* mint(x, big, 0xffff_ffff_ffff_ffffn)).toBe(seL4_IllegalOperation);
      expect(yield* mint(m, n, 4)).toBe(0);
      expect(yield* mint(x, m, 4)).toBe(seL4_IllegalOperation); // even with the same badge
      expect(yield* mint(x, m, 0)).toBe(seL4_IllegalOperation);
      expect(yield* id(x)).toBe(cap_null_cap);
      expect(yield* copy(x, m)).toBe(0); // Copy keeps the badge
      expect(yield* mint(alloc(), x, 4)).toBe(seL4_IllegalOperation);
    });
  });

  it("MDB-19 endpoint and notification caps cannot be mutated or rotated, only moved", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const n = yield* make(seL4_NotificationObject);
      const k = yield* make(seL4_CapTableObject, 1);
      const [d, e] = [alloc(), alloc()];
      expect(yield* mutate(d, a, 0)).toBe(seL4_IllegalOperation);
      expect(yield* mutate(d, n, 5)).toBe(seL4_IllegalOperation);
      expect(yield* seL4_CNode_Rotate(R, d, D, 0, R, k, D, 0, R, a, D)).toBe(seL4_IllegalOperation);
      expect(yield* seL4_CNode_Rotate(R, d, D, 0, R, a, D, 0, R, k, D)).toBe(seL4_IllegalOperation);
      expect([yield* id(a), yield* id(k), yield* id(d)]).toEqual([cap_endpoint_cap, cap_cnode_cap, 0]);
      expect(yield* move(e, a)).toBe(0);
      expect(yield* id(e)).toBe(cap_endpoint_cap);
    });
  });

  it("MDB-20 CNode cap data sets guard and guard size; radix + guard size > 64 is refused", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const k = yield* make(seL4_CapTableObject, 4);
      const [kg, kbad, r0, kz] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* mint(kg, k, capData(5, 60))).toBe(0);
      // kg now resolves all 64 bits: guard 5 (60 bits) then 4 index bits.
      expect(yield* seL4_CNode_Copy(kg, 5 * 16 + 3, 64, R, a, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_CNode_Copy(kg, 3, 64, R, a, D, seL4_AllRights)).toBe(seL4_FailedLookup);
      expect(yield* seL4_CNode_Copy(k, 3, 4, R, a, D, seL4_AllRights)).toBe(seL4_DeleteFirst); // the same slot
      expect(yield* mint(kbad, k, capData(0, 61))).toBe(seL4_IllegalOperation);
      expect(yield* mutate(kbad, kg, capData(0, 61))).toBe(seL4_IllegalOperation);
      // Mint with data 0 removes the root CNode's 52-bit guard: 12 bits then address a slot.
      expect(yield* mint(r0, R, 0)).toBe(0);
      const s = alloc();
      expect(yield* seL4_CNode_Copy(r0, s, 12, R, a, D, seL4_AllRights)).toBe(0);
      expect(yield* id(s)).toBe(cap_endpoint_cap);
      // Mutate (preserve = true) applies the data as well.
      expect(yield* mutate(kz, kg, 0)).toBe(0);
      expect(yield* seL4_CNode_Delete(kz, 3, 4)).toBe(0);
    });
  });

  it("MDB-21 other caps ignore the data word of Mint and Mutate", () => {
    runRoot(function* (bi) {
      const { alloc, make, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const f = yield* make(seL4_RISCV_4K_Page);
      const [u1, f1, e] = [alloc(), alloc(), alloc()];
      expect(yield* mint(u1, u, 0x1234)).toBe(0);
      expect(yield* retype(u1, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* mutate(f1, f, 77)).toBe(0);
      expect(yield* id(f1)).toBe(cap_frame_cap);
    });
  });

  it("MDB-22 revoking the unbadged original removes every badged group; a first-badged cap revokes only its copies", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      const [m1, c1, m2, c2, m3] = [alloc(), alloc(), alloc(), alloc(), alloc()];
      expect(yield* mint(m1, a, 5)).toBe(0);
      expect(yield* copy(c1, m1)).toBe(0);
      expect(yield* mint(m2, a, 5)).toBe(0); // a sibling group with the same badge
      expect(yield* copy(c2, m2)).toBe(0);
      expect(yield* mint(m3, a, 6)).toBe(0);
      // a, m3, m2, c2, m1, c1
      expect(yield* revoke(m2)).toBe(0);
      expect([yield* id(c2), yield* id(m1), yield* id(c1)]).toEqual([0, cap_endpoint_cap, cap_endpoint_cap]);
      expect(yield* revoke(m3)).toBe(0);
      expect(yield* id(m2)).toBe(cap_endpoint_cap);
      expect(yield* revoke(a)).toBe(0);
      expect([yield* id(m1), yield* id(c1), yield* id(m2), yield* id(m3)]).toEqual([0, 0, 0, 0]);
      expect(yield* id(a)).toBe(cap_endpoint_cap);
    });
  });
});

describe("MDB-23/MDB-24 rights", () => {
  it("MDB-23/MDB-24 endpoint rights are masked by Copy and Mint and only shrink", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const a = yield* make();
      // CancelBadgedSends needs all four rights: a fresh endpoint cap has them.
      expect(yield* seL4_CNode_CancelBadgedSends(R, a, D)).toBe(0);
      const [rwg, back, m, none] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* copy(rwg, a, seL4_CanRead | seL4_CanWrite | seL4_CanGrant)).toBe(0);
      expect(yield* seL4_CNode_CancelBadgedSends(R, rwg, D)).toBe(seL4_IllegalOperation);
      expect(yield* copy(back, rwg, seL4_AllRights)).toBe(0);
      expect(yield* seL4_CNode_CancelBadgedSends(R, back, D)).toBe(seL4_IllegalOperation);
      expect(yield* mint(m, a, 3, seL4_CanRead)).toBe(0);
      // No Write: invoking the endpoint is refused (instead of blocking the caller).
      const info = yield* seL4_Call(m, seL4_MessageInfo_new(0, 0, 0, 0));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_InvalidCapability);
      expect(yield* copy(none, a, 0)).toBe(0);
      expect(yield* id(none)).toBe(cap_endpoint_cap);
    });
  });

  it("MDB-23/MDB-24 notification caps start with Send and lose it to a read-only mask", () => {
    runRoot(function* (bi) {
      const { alloc, make } = yield* setup(bi);
      const n = yield* make(seL4_NotificationObject);
      const ro = alloc();
      let info = yield* seL4_Call(n, seL4_MessageInfo_new(0, 0, 0, 0));
      expect(seL4_MessageInfo_get_label(info)).toBe(0);
      expect(yield* copy(ro, n, seL4_CanRead)).toBe(0);
      info = yield* seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
      expect(seL4_MessageInfo_get_label(info)).toBe(seL4_InvalidCapability);
    });
  });
});

describe("MDB-25/MDB-26 untyped specifics", () => {
  it("MDB-25 a copy of a childless untyped is its child and the source's watermark becomes full", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [c, e, f] = [alloc(), alloc(), alloc()];
      expect(yield* copy(c, u)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(seL4_NotEnoughMemory);
      expect(seL4_GetMR(0)).toBe(0);
      expect(yield* retype(c, seL4_RISCV_4K_Page, 0, f)).toBe(0); // only the copy allocates
      expect(yield* copy(alloc(), u)).toBe(seL4_RevokeFirst);
      expect(yield* revoke(u)).toBe(0);
      expect([yield* id(c), yield* id(f)]).toEqual([0, 0]);
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(0);
    });
  });

  it("MDB-26 any surviving cap in the region, moved or copied, keeps the untyped with children", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, e1, e2] = [alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* copy(e1, e)).toBe(0);
      expect(yield* move(e2, e1)).toBe(0);
      expect(yield* del(e)).toBe(0);
      expect(yield* copy(alloc(), u)).toBe(seL4_RevokeFirst);
      expect(yield* del(e2)).toBe(0);
      expect(yield* copy(alloc(), u)).toBe(0);
    });
  });
});
