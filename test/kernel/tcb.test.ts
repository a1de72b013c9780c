// TCB invocations, part 1 (semantics §8, TH-1..TH-12): thread states, restart and activation,
// the common rules, and the cap-installing methods Configure and SetSpace. Threads are real TS
// threads started with WriteRegisters; what they do shows in seL4_DebugPutChar output and in the
// replies of invocations. A few effects that user level cannot see (which cap sits in a TCB slot)
// are checked on the kernel state and say so.

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  seL4_AlignmentError,
  seL4_AllRights,
  seL4_CapNull,
  seL4_CapTableObject,
  seL4_CNode_CapData_new,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_NBSendWait,
  seL4_NotificationObject,
  seL4_RevokeFirst,
  seL4_RISCV_PageTableObject,
  seL4_Signal,
  sel4ts_busy,
  seL4_TCB_Configure,
  seL4_TCB_ReadRegisters,
  seL4_TCB_Resume,
  seL4_TCB_SetSpace,
  seL4_TCB_Suspend,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  seL4_Wait,
  seL4_MessageInfo_new,
  seL4_CNode_Mint,
  TCBConfigure,
  TCBSetSpace,
  TCBSuspend,
  ThreadState_BlockedOnNotification,
  ThreadState_Restart,
  tcbBuffer,
  tcbCTable,
  cap_thread_cap,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
} from "../../src/user/libsel4.ts";
import { ks } from "../../src/kernel/state.ts";
import { runRoot } from "../harness.ts";
import { call, err, ok } from "./cnode-helpers.ts";
import { kit, put, rootCN, rootTCB, rootVS, deviceFrame, kSlot, kTcb } from "./tcb-helpers.ts";

const D = 64;

describe("TH-1..TH-4 thread states, activation and restart", () => {
  it("TH-1/TH-19 Resume on a runnable thread does nothing: it runs once", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {
        yield* put("T");
      });
      expect(kTcb(t.tcb).state).toBe(ThreadState_Restart);
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      yield* put("R");
    });
    expect(out).toBe("RT");
  });

  it("TH-2 a runnable thread without an SC never runs; binding one makes it run", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(
        function* () {
          yield* put("T");
        },
        { sc: false },
      );
      yield* put("a");
      const sc = yield* k.makeSC();
      yield* put("b");
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, sc, seL4_CapNull)).toBe(0);
      yield* put("c");
    });
    expect(out).toBe("abTc");
  });

  it("TH-3 a suspended and resumed blocked thread re-executes its syscall (Restart: pc := FaultIP)", () => {
    let badge: number | bigint = -1;
    const pcs: (number | bigint)[] = [];
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const badged = k.alloc();
      expect(yield* seL4_CNode_Mint(rootCN, badged, D, rootCN, n, D, seL4_AllRights, 5)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* put("w");
        ({ sender: badge } = yield* seL4_Wait(n));
        yield* put("W");
      });
      // T ran first (priority 100 > 50) and now waits on n.
      expect(kTcb(t.tcb).state).toBe(ThreadState_BlockedOnNotification);
      pcs.push((yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc);
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      pcs.push((yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc);
      // Nobody waits now: the signal is latched. A re-executed Wait finds it, with badge 5.
      yield* seL4_Signal(badged);
      yield* put("s");
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      yield* put("r");
    });
    expect(out).toBe("wsWr");
    expect(badge).toBe(5);
    // A blocked thread is not Running, so Suspend leaves FaultIP at its ecall.
    expect(pcs[1]).toBe(pcs[0]);
  });

  it("TH-4 Resume on a blocked thread aborts the syscall and re-executes it (it blocks again)", () => {
    let badge: number | bigint = -1;
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const badged = k.alloc();
      expect(yield* seL4_CNode_Mint(rootCN, badged, D, rootCN, n, D, seL4_AllRights, 9)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* put("w");
        ({ sender: badge } = yield* seL4_Wait(n));
        yield* put("W");
      });
      const before = (yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc;
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      // It ran at once (higher priority), re-issued the Wait and blocks again at the same ecall.
      expect(kTcb(t.tcb).state).toBe(ThreadState_BlockedOnNotification);
      expect((yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc).toBe(before);
      yield* put("s");
      yield* seL4_Signal(badged);
      yield* put("e");
    });
    expect(out).toBe("wsWe");
    expect(badge).toBe(9);
  });

  it("TH-4 a thread resumed while its SC has no budget waits in the release queue (internal check)", () => {
    const times: number[] = [];
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      // 100 µs every 10 ms: the thread exhausts its budget in the first 100 µs of work.
      const t = yield* k.thread(
        function* () {
          yield* sel4ts_busy(200);
          yield* put("T");
          yield* seL4_Signal(n);
        },
        { budgetUs: 100, periodUs: 10_000 },
      );
      expect(kTcb(t.tcb).inReleaseQueue).toBe(true);
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      expect(kTcb(t.tcb).inReleaseQueue).toBe(false);
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      expect(kTcb(t.tcb).inReleaseQueue).toBe(true);
      yield* put("R");
      times.push(ks.machine.clock.now);
      yield* seL4_Wait(n);
      times.push(ks.machine.clock.now);
    });
    expect(out).toBe("RT");
    // It ran again only after its next refill, a period after the first.
    expect(times[1] - times[0]).toBeGreaterThan(9000 * 10);
  });

  it("TH-4 a resumed thread of higher priority runs before the caller continues", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const hi = yield* k.thread(
        function* () {
          yield* put("H");
        },
        { prio: 60, start: false },
      );
      const lo = yield* k.thread(
        function* () {
          yield* put("L");
        },
        { prio: 40, start: false },
      );
      yield* put("1");
      expect(yield* seL4_TCB_Resume(lo.tcb)).toBe(0);
      yield* put("2");
      expect(yield* seL4_TCB_Resume(hi.tcb)).toBe(0);
      yield* put("3");
    });
    expect(out).toBe("12H3L");
  });
});

describe("TH-5 common TCB rules", () => {
  it.each([0, 1, 18, 33, 39, 1000])("TH-5 label %i on a TCB cap is IllegalOperation", (label) => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, label, [0, 0, 0, 0])).toEqual(err(seL4_IllegalOperation));
    });
  });

  it("TH-5 a TCB cap is refused in the first phase of NBSendWait (the receive still happens)", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const n2 = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n2);
        yield* put("T");
      });
      yield* seL4_Signal(n);
      yield* seL4_NBSendWait(t.tcb, seL4_MessageInfo_new(TCBSuspend, 0, 0, 0), n);
      expect(kTcb(t.tcb).state).toBe(ThreadState_BlockedOnNotification);
      yield* seL4_Signal(n2);
      yield* put("R");
    });
    expect(out).toBe("TR");
  });
});

describe("TH-6..TH-9 authority, handlers, installation, long-running deletes", () => {
  it("TH-8 Configure installs its caps as children of their sources: revoking the source removes them (internal check)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const tcb = kTcb(t.tcb);
      expect(tcb.cte[tcbBuffer].type).toBe(cap_frame_cap);
      expect(tcb.cte[tcbBuffer].mappedAddr).toBe(0);
      expect(tcb.cte[tcbCTable].prev).toBe(kSlot(rootCN));
      // The image frame caps are originals: the TCB's buffer cap is their child.
      expect(yield* seL4_CNode_Revoke(rootCN, t.frame, D)).toBe(0);
      expect(tcb.cte[tcbBuffer].type).toBe(cap_null_cap);
      expect(tcb.ipcBuffer).toBe(t.buffer);
    });
  });

  it("TH-8 installing the null cap just empties the slot (SetSpace fault handler)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* seL4_TCB_SetSpace(t.tcb, ep, rootCN, 0, rootVS, 0)).toBe(0);
      expect(kTcb(t.tcb).cte[3].type).toBe(cap_endpoint_cap);
      expect(kTcb(t.tcb).cte[3].prev).toBe(kSlot(ep));
      expect(yield* seL4_TCB_SetSpace(t.tcb, seL4_CapNull, rootCN, 0, rootVS, 0)).toBe(0);
      expect(kTcb(t.tcb).cte[3].type).toBe(cap_null_cap);
    });
  });

  it("TH-9 a final CNode cap as CSpace root blocks SetSpace and Configure; a shared one does not", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const cn = yield* k.make(seL4_CapTableObject, 2);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* seL4_TCB_SetSpace(t.tcb, seL4_CapNull, cn, 0, rootVS, 0)).toBe(0);
      // Not final yet (the root CNode still holds the original).
      expect(yield* seL4_TCB_SetSpace(t.tcb, seL4_CapNull, cn, 0, rootVS, 0)).toBe(0);
      expect(yield* seL4_CNode_Delete(rootCN, cn, D)).toBe(0);
      expect(yield* call(t.tcb, TCBSetSpace, [0, 0], [seL4_CapNull, rootCN, rootVS])).toEqual(
        err(seL4_IllegalOperation),
      );
      expect(yield* call(t.tcb, TCBConfigure, [0, 0, 0], [rootCN, rootVS, rootCN])).toEqual(
        err(seL4_IllegalOperation),
      );
      // Buffer checks come first: a misaligned buffer is an AlignmentError.
      const f = k.frame();
      expect(yield* call(t.tcb, TCBConfigure, [0, 0, f.vaddr + 8], [rootCN, rootVS, f.cap])).toEqual(
        err(seL4_AlignmentError),
      );
    });
  });
});

describe("TH-10 Configure", () => {
  it("TH-10 truncated: fewer than 3 arguments or 3 caps", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const f = k.frame();
      expect(yield* call(t.tcb, TCBConfigure, [0, 0], [rootCN, rootVS, f.cap])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(t.tcb, TCBConfigure, [0, 0, f.vaddr], [rootCN, rootVS])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(t.tcb, TCBConfigure, [0, 0, f.vaddr], [rootCN, rootVS, f.cap])).toEqual(ok);
    });
  });

  it("TH-10 the IPC buffer: not a frame or a device frame is IllegalOperation, misaligned is AlignmentError, address 0 skips the checks", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const dev = k.alloc();
      expect(yield* deviceFrame(bi, dev)).toBe(0);
      const f = k.frame();
      const cfg = (addr: number, buf: number): ReturnType<typeof call> =>
        call(t.tcb, TCBConfigure, [0, 0, addr], [rootCN, rootVS, buf]);
      expect(yield* cfg(f.vaddr, rootCN)).toEqual(err(seL4_IllegalOperation));
      expect(yield* cfg(f.vaddr, dev)).toEqual(err(seL4_IllegalOperation));
      expect(yield* cfg(f.vaddr + 0x200, f.cap)).toEqual(err(seL4_AlignmentError));
      expect(yield* cfg(f.vaddr + 0x400, f.cap)).toEqual(ok);
      expect(kTcb(t.tcb).ipcBuffer).toBe(f.vaddr + 0x400);
      // Device + misaligned: the device check comes first.
      expect(yield* cfg(f.vaddr + 0x200, dev)).toEqual(err(seL4_IllegalOperation));
      // Address 0: no buffer, whatever the cap.
      expect(yield* cfg(0, rootCN)).toEqual(ok);
      expect(kTcb(t.tcb).cte[tcbBuffer].type).toBe(cap_null_cap);
      expect(kTcb(t.tcb).ipcBuffer).toBe(0);
    });
  });

  it("TH-10 deriving a cap can fail: an untyped with children is RevokeFirst (buffer, then CSpace, then VSpace)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const ut = yield* k.make(seL4_UntypedObject, 12);
      const f = k.frame();
      const cfg = (addr: number, c: number, v: number, b: number): ReturnType<typeof call> =>
        call(t.tcb, TCBConfigure, [0, 0, addr], [c, v, b]);
      // Without children it derives, and then is simply not a frame.
      expect(yield* cfg(f.vaddr, rootCN, rootVS, ut)).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, rootCN, 0, 0, k.alloc(), 1)).toBe(0);
      expect(yield* cfg(f.vaddr, rootCN, rootVS, ut)).toEqual(err(seL4_RevokeFirst));
      expect(yield* cfg(f.vaddr, ut, rootVS, f.cap)).toEqual(err(seL4_RevokeFirst));
      expect(yield* cfg(f.vaddr, rootCN, ut, f.cap)).toEqual(err(seL4_RevokeFirst));
      // The CSpace root is checked before the VSpace root.
      expect(yield* cfg(f.vaddr, ut, rootCN, f.cap)).toEqual(err(seL4_RevokeFirst));
    });
  });

  it("TH-10 the CSpace root must derive to a CNode cap; cap data is applied first", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const ep = yield* k.make(seL4_EndpointObject);
      const f = k.frame();
      expect(yield* call(t.tcb, TCBConfigure, [0, 0, f.vaddr], [ep, rootVS, f.cap])).toEqual(
        err(seL4_IllegalOperation),
      );
      // Guard size 60 + radix 12 > 64: updateCapData makes it the null cap.
      const bad = seL4_CNode_CapData_new(0, 60);
      expect(yield* call(t.tcb, TCBConfigure, [bad, 0, f.vaddr], [rootCN, rootVS, f.cap])).toEqual(
        err(seL4_IllegalOperation),
      );
      const good = seL4_CNode_CapData_new(0, 52);
      expect(yield* call(t.tcb, TCBConfigure, [good, 0, f.vaddr], [rootCN, rootVS, f.cap])).toEqual(ok);
      expect(kTcb(t.tcb).cte[tcbCTable].guardSize).toBe(52);
    });
  });

  it("TH-10/TH-12 the VSpace root must be a mapped page table cap (an intermediate one passes)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const pt = yield* k.make(seL4_RISCV_PageTableObject);
      const f = k.frame();
      const cfg = (v: number): ReturnType<typeof call> =>
        call(t.tcb, TCBConfigure, [0, 0, f.vaddr], [rootCN, v, f.cap]);
      expect(yield* cfg(rootCN)).toEqual(err(seL4_IllegalOperation));
      expect(yield* cfg(pt)).toEqual(err(seL4_IllegalOperation));
      expect(yield* cfg(bi.userImagePaging.start)).toEqual(ok);
      expect(yield* cfg(rootVS)).toEqual(ok);
    });
  });

  it("TH-10 Configure leaves the fault handler, priority and SC alone (MCS)", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(
        function* () {
          yield* put("T");
        },
        { start: false },
      );
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, t.sc, ep)).toBe(0);
      const f = k.frame();
      expect(yield* seL4_TCB_Configure(t.tcb, rootCN, 0, rootVS, 0, f.vaddr, f.cap)).toBe(0);
      expect(kTcb(t.tcb).cte[3].type).toBe(cap_endpoint_cap);
      yield* put("a");
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });
});

describe("TH-11 SetSpace", () => {
  it("TH-11 truncated; the roots are checked before the fault handler (invalidCap(1))", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* call(t.tcb, TCBSetSpace, [0], [seL4_CapNull, rootCN, rootVS])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(t.tcb, TCBSetSpace, [0, 0], [seL4_CapNull, rootCN])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(t.tcb, TCBSetSpace, [0, 0], [n, rootCN, rootCN])).toEqual(
        err(seL4_IllegalOperation),
      );
      expect(yield* call(t.tcb, TCBSetSpace, [0, 0], [n, rootCN, rootVS])).toEqual(
        err(seL4_InvalidCapability, 1),
      );
      expect(yield* call(t.tcb, TCBSetSpace, [0, 0], [seL4_CapNull, rootCN, rootVS])).toEqual(ok);
    });
  });

  it("TH-11 the new CSpace root (with its cap data) is where the thread looks up its caps", () => {
    const seen: number[] = [];
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const cn = yield* k.make(seL4_CapTableObject, 4);
      const ep = yield* k.make(seL4_EndpointObject);
      expect(yield* seL4_CNode_Copy(cn, 1, 4, rootCN, ep, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(
        function* () {
          seen.push(yield* seL4_DebugCapIdentify(1));
          seen.push(yield* seL4_DebugCapIdentify(2));
        },
        { start: false },
      );
      // Guard 0 of size 60 in front of the radix-4 CNode: cptr 1 is slot 1 at depth 64.
      expect(
        yield* seL4_TCB_SetSpace(t.tcb, seL4_CapNull, cn, seL4_CNode_CapData_new(0, 60), rootVS, 0),
      ).toBe(0);
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      seen.push(yield* seL4_DebugCapIdentify(1));
    });
    expect(seen).toEqual([cap_endpoint_cap, cap_null_cap, cap_thread_cap]);
  });
});
