// Deletion, zombies and revoke (semantics §5, DEL-1..DEL-21), observed from the root task where
// possible: whether a CNode's contents were destroyed shows in an untyped that had its only child
// in that CNode (Copy of the untyped answers RevokeFirst while the child lives, MDB-13); unmapping
// shows as a VM fault on the next access. Zombies and preemption exist only inside one kernel
// operation, and the root task is the only thread, so those tests watch kernel state at the
// kernel's preemption points (the `preempted` event) and say so.
//
// Not testable yet (need a second thread, IPC, TCB or IRQ invocations): DEL-4 (threads queued on
// an endpoint), DEL-5 (notification bindings and waiters), DEL-6 (reply objects in a call),
// DEL-10 (IRQ handlers), DEL-14's cap transfer, DEL-15 for TCBs, DEL-16's FaultIP update (the
// only suspendable running thread is the caller, which is in Restart during its own syscall).

import { describe, expect, it } from "vitest";
import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  seL4_AllRights,
  seL4_CapInitThreadSC,
  seL4_CapInitThreadTCB,
  seL4_CapTableObject,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Move,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_NotEnoughMemory,
  seL4_RISCV_4K_Page,
  seL4_SchedContextObject,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  sel4ts_read,
  ThreadState_Inactive,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import { ROOT_IMAGE_VADDR } from "../../src/kernel/boot.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import type { CNode } from "../../src/kernel/structures.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { copy, D, del, id, R, retype, revoke, rootSlot, rootTcb, runHooked, setup } from "./cdt-helpers.ts";

describe("DEL-1..DEL-12 delete", () => {
  it("DEL-1 deleting an empty slot succeeds and changes nothing", () => {
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const s = alloc();
      expect(yield* del(s)).toBe(0);
      expect(yield* del(s)).toBe(0);
      expect(yield* id(s)).toBe(cap_null_cap);
    });
  });

  it("DEL-2/DEL-8 a non-final CNode cap is only unlinked; deleting the final one empties the CNode", () => {
    runRoot(function* (bi) {
      const { alloc, untyped, hasChildren } = yield* setup(bi);
      const [u, v] = [yield* untyped(16), yield* untyped()];
      const [k, k2, k3] = [alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_CapTableObject, 3, k)).toBe(0);
      expect(yield* seL4_CNode_Copy(k, 7, 3, R, v, D, seL4_AllRights)).toBe(0);
      expect(yield* copy(k2, k)).toBe(0); // u, k, k2
      expect(yield* hasChildren(v)).toBe(true);
      expect(yield* del(k)).toBe(0); // the next entry is the same object
      expect(yield* hasChildren(v)).toBe(true);
      expect(yield* copy(k3, k2)).toBe(0); // u, k2, k3
      expect(yield* del(k3)).toBe(0); // the previous entry is the same object
      expect(yield* hasChildren(v)).toBe(true);
      expect(yield* del(k2)).toBe(0);
      expect(yield* hasChildren(v)).toBe(false);
    });
  });

  it("DEL-3 deleting an untyped destroys nothing: its children become children of the untyped before it", () => {
    runRoot(function* (bi) {
      const { alloc, untyped, hasChildren } = yield* setup(bi);
      const u = yield* untyped();
      const [u1, e] = [alloc(), alloc()];
      expect(yield* retype(u, seL4_UntypedObject, 11, u1)).toBe(0);
      expect(yield* retype(u1, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* del(u1)).toBe(0);
      expect(yield* id(e)).toBe(cap_endpoint_cap);
      expect(yield* hasChildren(u)).toBe(true);
      expect(yield* revoke(u)).toBe(0);
      expect(yield* id(e)).toBe(cap_null_cap);
    });
  });

  // DEL-4, DEL-5, DEL-6 and DEL-10 need other threads or IRQ handlers: they are tested in
  // ipc-scenarios.test.ts (DEL-4), notification.test.ts (NT-11/DEL-5), ipc-donation.test.ts
  // (IPC-48/DEL-6) and irq.test.ts (DEL-10).

  it("DEL-7/DEL-16 deleting the final cap of the running root TCB suspends it: nothing after the call runs", () => {
    let reached = false;
    const { system, result } = runHooked(function* () {
      yield* del(seL4_CapInitThreadTCB);
      reached = true;
    });
    expect(reached).toBe(false);
    expect(result.reason).toBe("idle");
    const t = rootTcb(system.kernel.state);
    expect(t.state).toBe(ThreadState_Inactive);
    expect(t.sc).toBe(null);
    expect(t.cte.map((c) => c.type)).toEqual([0, 0, 0, 0, 0]); // the zombie emptied all five slots
  });

  it("DEL-7 a fresh TCB's final cap can be deleted and its memory reused", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(11);
      const t = alloc();
      expect(yield* retype(u, seL4_TCBObject, 0, t)).toBe(0);
      expect(yield* del(t)).toBe(0);
      expect(yield* retype(u, seL4_TCBObject, 0, t)).toBe(0);
    });
  });

  // seL4's schedContext_unbindTCB (schedcontext.c) only dequeues the thread and clears the links.
  it("DEL-9 deleting the root SC unbinds it from the thread without suspending the thread", () => {
    let reached = false;
    const { system } = runHooked(function* () {
      yield* del(seL4_CapInitThreadSC);
      reached = true;
    });
    expect(reached).toBe(false); // no SC: the thread can no longer run
    const t = rootTcb(system.kernel.state);
    expect(t.sc).toBe(null);
    expect(t.state).toBe(ThreadState_Running);
  });

  it("DEL-9 a fresh SchedContext's final cap is deleted and its memory reused", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped(8);
      const s = alloc();
      expect(yield* retype(u, seL4_SchedContextObject, 8, s)).toBe(0);
      expect(yield* del(s)).toBe(0);
      expect(yield* retype(u, seL4_SchedContextObject, 8, s)).toBe(0);
    });
  });

  it("DEL-11 deleting a mapped frame cap unmaps it even when it is not final; an unmapped copy does not", () => {
    let reached = 0;
    const { diagnostics } = runHooked(function* (bi) {
      const { alloc } = yield* setup(bi);
      const frame = bi.userImageFrames.start; // mapped at ROOT_IMAGE_VADDR
      const [c1, c2] = [alloc(), alloc()];
      expect(yield* copy(c1, frame)).toBe(0);
      expect(yield* del(c1)).toBe(0);
      yield* sel4ts_read(ROOT_IMAGE_VADDR, 1);
      reached = 1;
      expect(yield* copy(c2, frame)).toBe(0);
      expect(yield* del(frame)).toBe(0); // not final (c2 is the same frame), but mapped
      expect(yield* id(c2)).toBe(cap_frame_cap);
      reached = 2;
      yield* sel4ts_read(ROOT_IMAGE_VADDR, 1);
      reached = 3;
    });
    expect(reached).toBe(2);
    expect(diagnostics.join("\n")).toMatch(/vm fault on data at address 0x0*10000/);
  });

  it("DEL-12 only the final cap of a mapped page table unhooks it from its parent", () => {
    let reached = 0;
    const { diagnostics } = runHooked(function* (bi) {
      const { alloc } = yield* setup(bi);
      const l0 = bi.userImagePaging.end - 1; // the level-0 table mapping the image
      const c = alloc();
      expect(yield* copy(c, l0)).toBe(0);
      expect(yield* del(l0)).toBe(0); // not final
      yield* sel4ts_read(ROOT_IMAGE_VADDR, 1);
      reached = 1;
      expect(yield* id(c)).toBe(cap_page_table_cap);
      expect(yield* del(c)).toBe(0); // final: the parent PTE goes
      reached = 2;
      yield* sel4ts_read(ROOT_IMAGE_VADDR, 1);
      reached = 3;
    });
    expect(reached).toBe(2);
    expect(diagnostics.join("\n")).toMatch(/vm fault on data at address 0x0*10000/);
  });
});

describe("DEL-13..DEL-15 zombies", () => {
  it("DEL-13 a big CNode dies as a Zombie counting down from the top slot, preempted and restarted", () => {
    const counts: number[] = [];
    const violations: string[] = [];
    let k = -1;
    let live = true;
    const { system } = runHooked(
      function* (bi, system) {
        const { alloc, untyped, hasChildren } = yield* setup(bi);
        const v = yield* untyped();
        k = alloc();
        expect(yield* retype(findUntyped(bi, 22).cptr, seL4_CapTableObject, 17, k)).toBe(0);
        expect(yield* seL4_CNode_Copy(k, 0, 17, R, v, D, seL4_AllRights)).toBe(0);
        expect(yield* seL4_CNode_Copy(k, 2 ** 17 - 1, 17, R, bi.schedcontrol.start, D, 15)).toBe(0);
        const before = system.preemptions;
        expect(yield* del(k)).toBe(0);
        expect(system.preemptions).toBeGreaterThan(before);
        live = false;
        expect(yield* id(k)).toBe(cap_null_cap);
        expect(yield* hasChildren(v)).toBe(false);
      },
      {
        checkInvariants: false, // 2^17 slots per check; it runs at every preemption instead
        onPreempt: (ks) => {
          if (k < 0 || !live) return;
          const z = rootSlot(ks, k);
          if (z.type !== cap_zombie_cap) {
            if (z.type !== cap_cnode_cap) violations.push(`slot holds cap type ${z.type}`);
            return;
          }
          counts.push(z.extra);
          const slots = (z.obj as CNode).slots;
          if (slots[z.extra] !== undefined && slots[z.extra].type !== cap_null_cap)
            violations.push(`slot ${z.extra} above the count is not empty`);
          if (slots[0].type !== cap_untyped_cap) violations.push("slot 0 was cleared before the end");
        },
      },
    );
    expect(violations).toEqual([]);
    expect(counts.length).toBeGreaterThan(0);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThan(counts[i - 1]);
    expect(counts[0]).toBeLessThan(2 ** 17);
    expect(system.preemptions).toBeGreaterThanOrEqual(counts.length);
  });

  // No user-visible moment holds a Zombie (the only thread is the one whose syscall it belongs
  // to), so this test plants the state a preempted Delete leaves behind: the CNode's final cap
  // turned into a Zombie with all its slots still to clear.
  it("DEL-14 a Zombie cannot be invoked or copied, but can be moved, and deleting it completes the delete", () => {
    runHooked(function* (bi, system) {
      const { alloc, untyped, hasChildren } = yield* setup(bi);
      const [u, v] = [yield* untyped(), yield* untyped()];
      const [k, x, y] = [alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_CapTableObject, 2, k)).toBe(0);
      expect(yield* seL4_CNode_Copy(k, 1, 2, R, v, D, seL4_AllRights)).toBe(0);
      const slot = rootSlot(system.kernel.state, k);
      slot.type = cap_zombie_cap;
      slot.extra = 4; // slots still to clear; sizeBits already holds the radix
      expect(yield* id(k)).toBe(cap_zombie_cap);
      expect(yield* seL4_CNode_Delete(k, 1, 2)).toBe(seL4_InvalidCapability);
      expect(seL4_GetMR(0)).toBe(0);
      expect(yield* copy(x, k)).toBe(seL4_IllegalOperation);
      expect(yield* seL4_Untyped_Retype(u, seL4_EndpointObject, 0, R, k, D, 0, 1)).toBe(seL4_FailedLookup);
      expect(yield* seL4_CNode_Move(R, y, D, R, k, D)).toBe(0);
      expect(yield* id(y)).toBe(cap_zombie_cap);
      expect(yield* hasChildren(v)).toBe(true);
      expect(yield* del(y)).toBe(0);
      expect(yield* id(y)).toBe(cap_null_cap);
      expect(yield* hasChildren(v)).toBe(false);
      expect(yield* hasChildren(u)).toBe(false);
    });
  });

  it("DEL-15 deleting a CNode that holds the only cap of another CNode leaves the inner slots (except slot 0) alive", () => {
    runRoot(function* (bi) {
      const { alloc, untyped, hasChildren } = yield* setup(bi);
      const [u, v, w] = [yield* untyped(), yield* untyped(), yield* untyped()];
      const [outer, inner] = [alloc(), alloc()];
      expect(yield* retype(u, seL4_CapTableObject, 2, outer)).toBe(0);
      expect(yield* retype(u, seL4_CapTableObject, 2, inner)).toBe(0);
      expect(yield* seL4_CNode_Copy(inner, 0, 2, R, w, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_CNode_Copy(inner, 1, 2, R, v, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_CNode_Move(outer, 3, 2, R, inner, D)).toBe(0);
      expect(yield* del(outer)).toBe(0);
      expect(yield* id(outer)).toBe(cap_null_cap);
      // The inner CNode's Zombie went into its own slot 0, whose cap (w's child) was deleted;
      // v's child in slot 1 is unreachable but alive.
      expect(yield* hasChildren(w)).toBe(false);
      expect(yield* hasChildren(v)).toBe(true);
      // Revoking the covering untyped deletes the Zombie, and with it the rest.
      expect(yield* hasChildren(u)).toBe(true);
      expect(yield* revoke(u)).toBe(0);
      expect(yield* hasChildren(v)).toBe(false);
      expect(yield* hasChildren(u)).toBe(false);
    });
  });
});

describe("DEL-17..DEL-21 revoke", () => {
  it("DEL-17/DEL-18 revoke deletes the children and keeps the cap; without children it does nothing", () => {
    runRoot(function* (bi) {
      const { alloc, untyped } = yield* setup(bi);
      const u = yield* untyped();
      const [e, c1, c2, f] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_EndpointObject, 0, f)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, e)).toBe(0);
      expect(yield* copy(c1, e)).toBe(0);
      expect(yield* copy(c2, c1)).toBe(0);
      expect(yield* revoke(c1)).toBe(0); // a plain copy has no children
      expect(yield* id(c2)).toBe(cap_endpoint_cap);
      expect(yield* revoke(e)).toBe(0);
      expect([yield* id(e), yield* id(c1), yield* id(c2), yield* id(f)]).toEqual([
        cap_endpoint_cap,
        0,
        0,
        cap_endpoint_cap,
      ]);
      expect(yield* revoke(e)).toBe(0);
      expect(yield* revoke(alloc())).toBe(0); // empty slot
    });
  });

  it("DEL-19 revoking an untyped removes its whole subtree, and the next Retype resets it", () => {
    runRoot(function* (bi) {
      const { alloc, untyped, hasChildren } = yield* setup(bi);
      const u = yield* untyped();
      const [f, f2, k, g] = [alloc(), alloc(), alloc(), alloc()];
      expect(yield* retype(u, seL4_RISCV_4K_Page, 0, f)).toBe(0);
      expect(yield* copy(f2, f)).toBe(0);
      expect(yield* retype(u, seL4_EndpointObject, 0, g)).toBe(seL4_NotEnoughMemory);
      expect(seL4_GetMR(0)).toBe(0);
      expect(yield* del(f)).toBe(0);
      expect(yield* hasChildren(u)).toBe(true); // f2 is still there
      expect(yield* revoke(u)).toBe(0);
      expect(yield* id(f2)).toBe(cap_null_cap);
      expect(yield* retype(u, seL4_CapTableObject, 7, k)).toBe(0); // the whole 4 KiB again
    });
  });

  it("DEL-20 revoking the root CNode's original cap deletes the TCB's CTable copy: the root task loses its CSpace", () => {
    const seen: number[] = [];
    runRoot(function* () {
      expect(yield* revoke(R)).toBe(0);
      seen.push(yield* id(R), yield* id(seL4_CapInitThreadTCB));
    });
    expect(seen).toEqual([0, 0]);
  });

  it("DEL-21 revoking a page table cap removes its copies but leaves the frames mapped through it", () => {
    let value = -1n;
    runRoot(function* (bi) {
      const { alloc } = yield* setup(bi);
      const l0 = bi.userImagePaging.end - 1;
      const c = alloc();
      expect(yield* copy(c, l0)).toBe(0);
      expect(yield* revoke(l0)).toBe(0);
      expect(yield* id(c)).toBe(cap_null_cap);
      expect(yield* id(l0)).toBe(cap_page_table_cap);
      expect(yield* id(bi.userImageFrames.start)).toBe(cap_frame_cap);
      value = yield* sel4ts_read(ROOT_IMAGE_VADDR, 8);
    });
    expect(value).toBe(0n);
  });

  it("DEL-17/INV-15 revoke of 100,000 caps is preemptible and restartable", () => {
    const N = 100_000;
    let ep = -1;
    let k = -1;
    let revoking = false;
    const remaining: number[] = [];
    const violations: string[] = [];
    let preempted = 0;
    const { system } = runHooked(
      function* (bi, system) {
        const { alloc } = yield* setup(bi);
        [ep, k] = [alloc(), alloc()];
        expect(yield* retype(findUntyped(bi, 12).cptr, seL4_EndpointObject, 0, ep)).toBe(0);
        expect(yield* retype(findUntyped(bi, 22).cptr, seL4_CapTableObject, 17, k)).toBe(0);
        for (let i = 0; i < N; i++) {
          const err = yield* seL4_CNode_Copy(k, i, 17, R, ep, D, seL4_AllRights);
          if (err !== 0) throw new Error(`copy ${i} failed with ${err}`);
        }
        const before = system.preemptions;
        revoking = true;
        expect(yield* revoke(ep)).toBe(0); // one result, after every restart
        revoking = false;
        preempted = system.preemptions - before;
        expect(yield* id(ep)).toBe(cap_endpoint_cap);
        for (const i of [0, N / 2, N - 1]) {
          expect(yield* seL4_CNode_Move(R, alloc(), D, k, i, 17)).toBe(seL4_FailedLookup);
        }
      },
      {
        // The invariant checker walks all 2^17 slots; after each of the 100,000 Copy calls that
        // would take minutes. It runs at every preemption point instead (runHooked), which is
        // where INV-15 matters, and once more at the end.
        checkInvariants: false,
        onPreempt: (ks) => {
          if (!revoking) return;
          // MDB-9: children go newest first, so the copies left are always slots 0..r-1.
          const slots = (rootSlot(ks, k).obj as CNode).slots;
          let r = 0;
          while (r < N && slots[r].type === cap_endpoint_cap) r++;
          for (let i = r; i < N; i++) {
            if (slots[i].type !== cap_null_cap) {
              violations.push(`slot ${i} survived while ${r} older copies remain`);
              break;
            }
          }
          remaining.push(r);
        },
      },
    );
    expect(violations).toEqual([]);
    expect(preempted).toBeGreaterThan(0);
    expect(remaining.length).toBe(preempted);
    for (let i = 1; i < remaining.length; i++) expect(remaining[i]).toBeLessThan(remaining[i - 1]);
    expect(remaining[0]).toBeLessThan(N);
    expect(remaining[0]).toBeGreaterThan(0);
    const ks = system.kernel.state;
    expect(checkInvariants(ks)).toBe(null);
    expect((rootSlot(ks, k).obj as CNode).slots.every((s) => s.type === cap_null_cap)).toBe(true);
    expect(rootSlot(ks, ep).next).toBe(null);
  }, 60_000);
});
