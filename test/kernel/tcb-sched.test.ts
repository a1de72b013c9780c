// TCB invocations, part 2 (semantics §8, TH-6, TH-7, TH-13..TH-19): MCP authority, fault and
// timeout handler caps, priorities (SCH-6, IPC-43), SetSchedParams, SetIPCBuffer,
// SetTimeoutEndpoint, Suspend and Resume, observed through real threads.

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_null_cap,
  seL4_AlignmentError,
  seL4_AllRights,
  seL4_CanGrant,
  seL4_CanGrantReply,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapNull,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_NotificationObject,
  seL4_RangeError,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_Signal,
  seL4_TCB_ReadRegisters,
  seL4_TCB_Resume,
  seL4_TCB_SetIPCBuffer,
  seL4_TCB_SetMCPriority,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_Suspend,
  seL4_TruncatedMessage,
  seL4_Wait,
  TCBSetIPCBuffer,
  TCBSetMCPriority,
  TCBSetPriority,
  TCBSetSchedParams,
  TCBSetTimeoutEndpoint,
  tcbBuffer,
  tcbFaultHandler,
  tcbTimeoutHandler,
  ThreadState_BlockedOnNotification,
  ThreadState_Inactive,
} from "../../src/user/libsel4.ts";
import { a1 } from "../../src/abi/registers.ts";
import { runRoot } from "../harness.ts";
import { call, err, ok, reg } from "./cnode-helpers.ts";
import { kit, put, rootTCB, copyRights, deviceFrame, kTcb } from "./tcb-helpers.ts";

describe("TH-6 MCP authority", () => {
  it("TH-6 the authority must be a TCB cap (invalidCap(1)); the value must be <= its MCP (RangeError(0, mcp))", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(function* () {}, { start: false });
      const auth = yield* k.thread(function* () {}, { start: false, prio: 10, mcp: 50 });
      for (const label of [TCBSetPriority, TCBSetMCPriority]) {
        expect(yield* call(t.tcb, label, [1], [n])).toEqual(err(seL4_InvalidCapability, 1));
        expect(yield* call(t.tcb, label, [51], [auth.tcb])).toEqual(err(seL4_RangeError, 0, 50));
        expect(yield* call(t.tcb, label, [50], [auth.tcb])).toEqual(ok);
        expect(yield* call(t.tcb, label, [256], [rootTCB])).toEqual(err(seL4_RangeError, 0, 255));
        // The value is a whole word: 2^32 is not 0.
        expect(yield* call(t.tcb, label, [2 ** 32], [rootTCB])).toEqual(err(seL4_RangeError, 0, 255));
        expect(yield* call(t.tcb, label, [0], [])).toEqual(err(seL4_TruncatedMessage));
        expect(yield* call(t.tcb, label, [], [rootTCB])).toEqual(err(seL4_TruncatedMessage));
      }
      // SetSchedParams checks the MCP, then the priority, before looking at the SC cap.
      expect(yield* call(t.tcb, TCBSetSchedParams, [51, 0], [auth.tcb, n, n])).toEqual(
        err(seL4_RangeError, 0, 50),
      );
      expect(yield* call(t.tcb, TCBSetSchedParams, [0, 51], [auth.tcb, n, n])).toEqual(
        err(seL4_RangeError, 0, 50),
      );
      expect(yield* call(t.tcb, TCBSetSchedParams, [0, 0], [n, n, n])).toEqual(
        err(seL4_InvalidCapability, 1),
      );
    });
  });

  it("TH-6 neither the caller's MCP nor the target's matters", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false, prio: 1, mcp: 0 });
      const auth = yield* k.thread(function* () {}, { start: false, prio: 1, mcp: 200 });
      expect(yield* seL4_TCB_SetMCPriority(rootTCB, rootTCB, 10)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(t.tcb, auth.tcb, 150)).toBe(0);
      expect(kTcb(t.tcb).priority).toBe(150);
      expect(yield* call(t.tcb, TCBSetPriority, [150], [rootTCB])).toEqual(err(seL4_RangeError, 0, 10));
    });
  });
});

describe("TH-7 fault and timeout handler caps", () => {
  it("TH-7 null, or an endpoint with Send and Grant or GrantReply; anything else is InvalidCapability", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(function* () {}, { start: false });
      const masked = (rights: number): Generator<unknown, number> =>
        (function* () {
          const s = k.alloc();
          expect(yield* copyRights(s, ep, rights)).toBe(0);
          return s;
        })() as Generator<unknown, number>;
      const cases: [number, boolean][] = [
        [seL4_CapNull, true],
        [ep, true],
        [(yield* masked(seL4_CanWrite | seL4_CanGrant)) as number, true],
        [(yield* masked(seL4_CanWrite | seL4_CanGrantReply)) as number, true],
        [(yield* masked(seL4_CanWrite)) as number, false],
        [(yield* masked(seL4_CanRead | seL4_CanGrant | seL4_CanGrantReply)) as number, false],
        [n, false],
        [rootTCB, false],
      ];
      for (const [cap, valid] of cases) {
        const sp = yield* call(t.tcb, TCBSetSchedParams, [0, 0], [rootTCB, seL4_CapNull, cap]);
        expect(sp, `SetSchedParams fault cap ${cap}`).toEqual(valid ? ok : err(seL4_InvalidCapability, 3));
        const te = yield* call(t.tcb, TCBSetTimeoutEndpoint, [], [cap]);
        expect(te, `SetTimeoutEndpoint cap ${cap}`).toEqual(valid ? ok : err(seL4_InvalidCapability, 1));
        const installed = kTcb(t.tcb).cte[tcbTimeoutHandler].type;
        if (valid) expect(installed).toBe(cap === seL4_CapNull ? cap_null_cap : cap_endpoint_cap);
      }
    });
  });

  it("TH-17 SetTimeoutEndpoint: no cap is TruncatedMessage (there is no length check); null clears it", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBSetTimeoutEndpoint, [], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* seL4_TCB_SetTimeoutEndpoint(t.tcb, ep)).toBe(0);
      expect(kTcb(t.tcb).cte[tcbTimeoutHandler].type).toBe(cap_endpoint_cap);
      expect(yield* seL4_TCB_SetTimeoutEndpoint(t.tcb, seL4_CapNull)).toBe(0);
      expect(kTcb(t.tcb).cte[tcbTimeoutHandler].type).toBe(cap_null_cap);
    });
  });
});

describe("TH-13, TH-14 priorities (SCH-6, IPC-43)", () => {
  it("TH-13 a ready thread moves to its new priority's queue (equal priorities: the later resumed runs first)", () => {
    const run = (raise: boolean): string =>
      runRoot(function* (bi) {
        const k = yield* kit(bi);
        const t1 = yield* k.thread(function* () {
          yield* put("1");
        });
        yield* k.thread(function* () {
          yield* put("2");
        });
        if (raise) expect(yield* seL4_TCB_SetPriority(t1.tcb, rootTCB, 150)).toBe(0);
      }).out;
    expect(run(false)).toBe("21");
    expect(run(true)).toBe("12");
  });

  it("TH-13 lowering the caller below a ready thread lets that thread run at once", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      yield* k.thread(function* () {
        yield* put("T");
      });
      yield* put("a");
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });

  it("TH-13 raising a ready thread above the caller lets it run at once", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(
        function* () {
          yield* put("T");
        },
        { prio: 10 },
      );
      yield* put("a");
      expect(yield* seL4_TCB_SetPriority(t.tcb, rootTCB, 60)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });

  it("TH-13 a thread waiting on a notification is put back in its place in the queue (IPC-43)", () => {
    const run = (raise: boolean): string =>
      runRoot(function* (bi) {
        const k = yield* kit(bi);
        const n = yield* k.make(seL4_NotificationObject);
        expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
        const body = (c: string) =>
          function* () {
            yield* seL4_Wait(n);
            yield* put(c);
          };
        yield* k.thread(body("1"));
        const t2 = yield* k.thread(body("2"));
        expect(kTcb(t2.tcb).state).toBe(ThreadState_BlockedOnNotification);
        if (raise) expect(yield* seL4_TCB_SetPriority(t2.tcb, rootTCB, 120)).toBe(0);
        yield* seL4_Signal(n);
        yield* seL4_Signal(n);
      }).out;
    expect(run(false)).toBe("12");
    expect(run(true)).toBe("21");
  });

  it("TH-14 SetMCPriority sets the MCP only; the priority stays even above it", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      expect(yield* seL4_TCB_SetMCPriority(t.tcb, rootTCB, 10)).toBe(0);
      expect(yield* call(t.tcb, TCBSetPriority, [11], [t.tcb])).toEqual(err(seL4_RangeError, 0, 10));
      yield* seL4_Signal(n);
      yield* put("R");
    });
    expect(out).toBe("TR");
  });
});

describe("TH-15 SetSchedParams", () => {
  it("TH-15 truncated; SC cap rules; null SC on the caller; other caps invalidCap(2); fault cap invalidCap(3)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const blank = yield* k.make(seL4_SchedContextObject, 8);
      const t = yield* k.thread(function* () {}, { start: false });
      const u = yield* k.thread(function* () {}, { start: false, sc: false });
      const ssp = (target: number, sc: number, fh = seL4_CapNull): ReturnType<typeof call> =>
        call(target, TCBSetSchedParams, [100, 100], [rootTCB, sc, fh]);
      expect(yield* call(t.tcb, TCBSetSchedParams, [100], [rootTCB, t.sc, 0])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(t.tcb, TCBSetSchedParams, [100, 100], [rootTCB, t.sc])).toEqual(
        err(seL4_TruncatedMessage),
      );
      // t already has an SC; t's SC is already bound.
      expect(yield* ssp(t.tcb, blank)).toEqual(err(seL4_IllegalOperation));
      expect(yield* ssp(u.tcb, t.sc)).toEqual(err(seL4_IllegalOperation));
      // Unchanged SC is fine.
      expect(yield* ssp(t.tcb, t.sc)).toEqual(ok);
      expect(yield* ssp(rootTCB, seL4_CapNull)).toEqual(err(seL4_IllegalOperation));
      expect(yield* ssp(t.tcb, n)).toEqual(err(seL4_InvalidCapability, 2));
      // The SC cap is checked before the fault handler.
      expect(yield* ssp(t.tcb, n, n)).toEqual(err(seL4_InvalidCapability, 2));
      expect(yield* ssp(t.tcb, t.sc, n)).toEqual(err(seL4_InvalidCapability, 3));
      // An Inactive thread may take an unconfigured SC.
      expect(yield* ssp(u.tcb, blank)).toEqual(ok);
      expect(kTcb(u.tcb).sc).not.toBeNull();
    });
  });

  it("TH-15 a blocked thread cannot take an SC that is not configured (not released)", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      // Make it passive while it waits (SCH-26), then try an unconfigured SC.
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, seL4_CapNull, seL4_CapNull)).toBe(0);
      const blank = yield* k.make(seL4_SchedContextObject, 8);
      expect(yield* call(t.tcb, TCBSetSchedParams, [100, 100], [rootTCB, blank, 0])).toEqual(
        err(seL4_IllegalOperation),
      );
      // Woken without an SC it does not run.
      yield* seL4_Signal(n);
      yield* put("a");
      expect(yield* seL4_SchedControl_Configure(bi.schedcontrol.start, blank, 1000, 1000, 0, 0)).toBe(0);
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, blank, seL4_CapNull)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });

  it("TH-15 effects in order: fault handler installed, MCP, priority, then the SC bound", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(
        function* () {
          yield* put("T");
        },
        { sc: false, prio: 10 },
      );
      const sc = yield* k.makeSC();
      yield* put("a");
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 70, 60, sc, ep)).toBe(0);
      yield* put("b");
      const tcb = kTcb(t.tcb);
      expect([tcb.mcp, tcb.priority, tcb.cte[tcbFaultHandler].type]).toEqual([70, 60, cap_endpoint_cap]);
    });
    expect(out).toBe("aTb");
  });
});

describe("TH-16 SetIPCBuffer", () => {
  it("TH-16 truncated; not a frame / device frame: IllegalOperation; misaligned: AlignmentError; 0 removes the buffer", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const dev = k.alloc();
      expect(yield* deviceFrame(bi, dev)).toBe(0);
      const f = k.frame();
      const set = (addr: number, cap: number): ReturnType<typeof call> =>
        call(t.tcb, TCBSetIPCBuffer, [addr], [cap]);
      expect(yield* call(t.tcb, TCBSetIPCBuffer, [], [f.cap])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.tcb, TCBSetIPCBuffer, [f.vaddr], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* set(f.vaddr, rootTCB)).toEqual(err(seL4_IllegalOperation));
      expect(yield* set(f.vaddr, dev)).toEqual(err(seL4_IllegalOperation));
      expect(yield* set(f.vaddr + 0x200, dev)).toEqual(err(seL4_IllegalOperation));
      expect(yield* set(f.vaddr + 0x200, f.cap)).toEqual(err(seL4_AlignmentError));
      expect(yield* set(f.vaddr + 0xc00, f.cap)).toEqual(ok);
      expect(kTcb(t.tcb).ipcBuffer).toBe(f.vaddr + 0xc00);
      expect(yield* set(0, rootTCB)).toEqual(ok);
      expect(kTcb(t.tcb).cte[tcbBuffer].type).toBe(cap_null_cap);
    });
  });

  it("TH-16 without a buffer (or with a read-only one) a thread receives only the 4 register MRs", () => {
    const lengths: number[] = [];
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const other = yield* k.thread(function* () {}, { start: false });
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        for (;;) {
          yield* seL4_TCB_ReadRegisters(other.tcb, 0, 0, 20);
          lengths.push(Number(reg(a1)) & 0x7f);
          yield* seL4_Wait(n);
        }
      });
      const ro = k.alloc();
      expect(yield* copyRights(ro, t.frame, seL4_CanRead)).toBe(0);
      expect(yield* seL4_TCB_SetIPCBuffer(t.tcb, t.buffer, ro)).toBe(0);
      yield* seL4_Signal(n);
      // Its user-level library still uses the same memory; the kernel no longer does.
      expect(yield* seL4_TCB_SetIPCBuffer(t.tcb, 0, seL4_CapNull)).toBe(0);
      yield* seL4_Signal(n);
      expect(yield* seL4_TCB_SetIPCBuffer(t.tcb, t.buffer, t.frame)).toBe(0);
      yield* seL4_Signal(n);
    });
    expect(lengths).toEqual([20, 4, 4, 20]);
  });
});

describe("TH-18, TH-19 Suspend and Resume", () => {
  it("TH-18 suspending a Running thread keeps its place after the syscall (FaultIP := NextIP)", () => {
    let badge: number | bigint = -1;
    const pcs: (number | bigint)[] = [];
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const b = k.alloc();
      expect(yield* copyRights(b, n, seL4_AllRights)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        ({ sender: badge } = yield* seL4_Wait(n));
        yield* put("T");
      });
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 200)).toBe(0);
      yield* seL4_Signal(n);
      // Woken (Running) but not yet run: its FaultIP is still the ecall.
      pcs.push((yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc);
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      expect(kTcb(t.tcb).state).toBe(ThreadState_Inactive);
      pcs.push((yield* seL4_TCB_ReadRegisters(t.tcb, 0, 0, 1)).regs.pc);
      yield* put("s");
      // Resumed, it continues after the Wait (which would block now) with its badge.
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      yield* put("r");
    });
    expect(out).toBe("sTr");
    expect(badge).toBe(0);
    expect(pcs[1]).toBe((pcs[0] as number) + 4);
  });

  it("TH-18 a thread may suspend itself: nothing after the call runs", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      yield* k.thread(
        function* () {
          yield* put("T");
        },
        { prio: 10 },
      );
      yield* put("a");
      expect(yield* seL4_TCB_Suspend(rootTCB)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aT");
  });

  it("TH-18 Suspend takes a blocked thread off its queue: a later signal is latched", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      yield* seL4_Signal(n);
      yield* put("a");
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });
});
