// SchedControl and SchedContext invocations (semantics §11.3, §11.4, SCH-16..SCH-26), observed
// through real threads and exact error replies. Refill contents, badge and the sporadic flag
// have no user-visible effect yet (timeout faults and the sporadic algorithm come later) and are
// checked on the kernel state.

import { describe, expect, it } from "vitest";
import {
  MAX_PERIOD_US,
  seL4_CapInitThreadSC,
  seL4_CapNull,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_MessageInfo_new,
  seL4_NBSendWait,
  seL4_NotificationObject,
  seL4_RangeError,
  seL4_SchedContext_Bind,
  seL4_SchedContext_Consumed,
  seL4_SchedContext_Unbind,
  seL4_SchedContext_UnbindObject,
  seL4_SchedContext_YieldTo,
  seL4_SchedContextObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_Send,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_SetPriority,
  seL4_TCB_SetMCPriority,
  seL4_TCB_SetSchedParams,
  seL4_TruncatedMessage,
  seL4_Wait,
  sel4ts_busy,
  SchedContextBind,
  SchedContextConsumed,
  SchedContextUnbind,
  SchedContextUnbindObject,
  SchedContextYieldTo,
  SchedControlConfigureFlags,
  ThreadState_Inactive,
} from "../../src/user/libsel4.ts";
import type { Notification, SchedContext } from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import { call, err, ok } from "./cnode-helpers.ts";
import { kit, put, rootTCB, kObj, kTcb } from "./tcb-helpers.ts";

const MAX = MAX_PERIOD_US;

describe("SCH-16..SCH-18 SchedControl_ConfigureFlags", () => {
  it("SCH-16 checks in order with exact 64-bit RangeError bounds", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      const small = yield* k.make(seL4_SchedContextObject, 7);
      const ep = yield* k.make(seL4_EndpointObject);
      const ctl = bi.schedcontrol.start;
      const cfg = (
        b: number | bigint,
        p: number | bigint,
        extra: number | bigint = 0,
        c = sc,
      ): ReturnType<typeof call> => call(ctl, SchedControlConfigureFlags, [b, p, extra, 0, 0], [c]);
      const range = (min: number, max: number | bigint): ReturnType<typeof err> =>
        err(seL4_RangeError, min, max);
      expect(yield* call(ctl, SchedControlConfigureFlags, [1000, 1000, 0, 0, 0], [])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* call(ctl, SchedControlConfigureFlags, [1000, 1000, 0, 0], [sc])).toEqual(
        err(seL4_TruncatedMessage),
      );
      expect(yield* cfg(MAX + 1n, 1000)).toEqual(range(20, MAX));
      expect(yield* cfg(0xffff_ffff_ffff_ffffn, 1000)).toEqual(range(20, MAX));
      expect(yield* cfg(1000, MAX + 1n)).toEqual(range(20, MAX));
      expect(yield* cfg(19, 1000)).toEqual(range(20, MAX));
      expect(yield* cfg(0, 1000)).toEqual(range(20, MAX));
      expect(yield* cfg(1000, 19)).toEqual(range(20, MAX));
      // budget > period: the bound is the period, exactly.
      expect(yield* cfg(2 ** 40 + 1, 2 ** 40)).toEqual(range(20, 2 ** 40));
      expect(yield* cfg(MAX, MAX - 1n)).toEqual(range(20, MAX - 1n));
      expect(yield* cfg(1000, 1000, 0, ep)).toEqual(err(seL4_InvalidCapability, 1));
      // The times are checked before the cap.
      expect(yield* cfg(19, 1000, 0, ep)).toEqual(range(20, MAX));
      // Refills: (2^bits - 96) / 16 in all, two of them the minimum.
      expect(yield* cfg(1000, 2000, 9)).toEqual(range(0, 8));
      expect(yield* cfg(1000, 2000, 2n ** 64n - 1n)).toEqual(range(0, 8));
      expect(yield* cfg(1000, 2000, 1, small)).toEqual(range(0, 0));
      expect(yield* cfg(1000, 2000, 8)).toEqual(ok);
      expect(yield* cfg(20, 20, 0, small)).toEqual(ok);
      expect(yield* cfg(MAX, MAX)).toEqual(ok);
    });
  });

  it("SCH-17 round robin when budget = period (period 0, two refills); else budget now, extra + 2 refills; badge and flag stored (internal check)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      const ctl = bi.schedcontrol.start;
      expect(yield* seL4_SchedControl_ConfigureFlags(ctl, sc, 500, 500, 3, 0x1234, 1)).toBe(0);
      const s = kObj(sc) as SchedContext;
      expect([s.period, s.refillMax, s.refills[s.refillHead].rAmount, s.badgeLo, s.sporadic]).toEqual([
        0,
        2,
        5000,
        0x1234,
        true,
      ]);
      expect(yield* seL4_SchedControl_ConfigureFlags(ctl, sc, 300, 1000, 3, 0, 0)).toBe(0);
      expect([s.period, s.refillMax, s.refills[s.refillHead].rAmount, s.sporadic]).toEqual([
        10000,
        5,
        3000,
        false,
      ]);
    });
  });

  it("SCH-17 the SC of a runnable thread keeps its used head: the rest of the new budget comes a period later (internal check)", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const done = yield* k.make(seL4_NotificationObject);
      const go = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(
        function* () {
          yield* sel4ts_busy(300);
          yield* seL4_Signal(done);
          yield* seL4_Wait(go);
        },
        { prio: 100 },
      );
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 200)).toBe(0);
      yield* seL4_Wait(done);
      // t was preempted by the signal: Running, with about 300 µs of its 1000 µs used.
      const s = kObj(t.sc) as SchedContext;
      const used = 10_000 - s.refills[s.refillHead].rAmount;
      expect(used).toBeGreaterThanOrEqual(3000);
      expect(used).toBeLessThan(3200);
      expect(yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, t.sc, 900, 2000, 0, 0, 0)).toBe(
        0,
      );
      const head = s.refills[s.refillHead];
      const tail = s.refills[s.refillTail];
      expect([s.period, s.refillMax, head.rAmount, head.rAmount + tail.rAmount]).toEqual([
        20_000,
        2,
        10_000 - used,
        9000,
      ]);
      expect(tail.rTime).toBe(head.rTime + 20_000);
      yield* seL4_Signal(go);
    });
  });

  it("SCH-17 configuring the SC of a resumed thread lets it run (it may preempt the caller)", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      const t = yield* k.thread(
        function* () {
          yield* put("T");
        },
        { sc: false, start: false },
      );
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, sc, seL4_CapNull)).toBe(0);
      expect(yield* call(t.tcb, 13 /* TCBResume */, [])).toEqual(ok);
      yield* put("a");
      expect(yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, 1000, 1000, 0, 0, 0)).toBe(0);
      yield* put("b");
      // Reconfiguring the caller's own SC is fine too.
      expect(
        yield* seL4_SchedControl_ConfigureFlags(
          bi.schedcontrol.start,
          seL4_CapInitThreadSC,
          2000,
          2000,
          0,
          0,
          0,
        ),
      ).toBe(0);
      yield* put("c");
    });
    expect(out).toBe("aTbc");
  });

  it("SCH-18 other labels are IllegalOperation; in the first phase the cap is refused", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      const n = yield* k.make(seL4_NotificationObject);
      const ctl = bi.schedcontrol.start;
      for (const label of [0, SchedContextBind, 1000]) {
        expect(yield* call(ctl, label, [1000, 1000, 0, 0, 0], [sc])).toEqual(err(seL4_IllegalOperation));
      }
      yield* seL4_Signal(n);
      [1000, 1000, 0, 0, 0].forEach((m, i) => seL4_SetMR(i, m));
      seL4_SetCap(0, sc);
      yield* seL4_NBSendWait(ctl, seL4_MessageInfo_new(SchedControlConfigureFlags, 0, 1, 5), n);
      expect((kObj(sc) as SchedContext).refillMax).toBe(0);
    });
  });
});

describe("SCH-19..SCH-22 Bind, UnbindObject, Unbind", () => {
  it("SCH-19 Bind(TCB): SC bound, TCB bound, blocked TCB with an unconfigured SC are IllegalOperation; binding runs the thread", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const ep = yield* k.make(seL4_EndpointObject);
      const blank = yield* k.make(seL4_SchedContextObject, 8);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      const u = yield* k.thread(
        function* () {
          yield* put("U");
        },
        { sc: false },
      );
      expect(yield* call(blank, SchedContextBind, [], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(blank, SchedContextBind, [], [ep])).toEqual(err(seL4_InvalidCapability, 1));
      expect(yield* call(t.sc, SchedContextBind, [], [u.tcb])).toEqual(err(seL4_IllegalOperation));
      expect(yield* call(blank, SchedContextBind, [], [t.tcb])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_TCB_SetSchedParams(t.tcb, rootTCB, 100, 100, seL4_CapNull, seL4_CapNull)).toBe(0);
      expect(yield* call(blank, SchedContextBind, [], [t.tcb])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_SchedContext_Bind(t.sc, t.tcb)).toBe(0);
      yield* put("a");
      // u is runnable and passive: binding an SC makes it run at once.
      const sc = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(sc, u.tcb)).toBe(0);
      yield* put("b");
      yield* seL4_Signal(n);
    });
    expect(out).toBe("aUbT");
  });

  it("SCH-20 Bind(Notification): either side already bound is IllegalOperation", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const n2 = yield* k.make(seL4_NotificationObject);
      const sc = yield* k.makeSC();
      const sc2 = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(sc, n)).toBe(0);
      expect((kObj(n) as Notification).sc).toBe(kObj(sc));
      expect(yield* call(sc, SchedContextBind, [], [n2])).toEqual(err(seL4_IllegalOperation));
      expect(yield* call(sc2, SchedContextBind, [], [n])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_SchedContext_UnbindObject(sc, n)).toBe(0);
      expect((kObj(n) as Notification).sc).toBeNull();
      expect(yield* seL4_SchedContext_Bind(sc2, n)).toBe(0);
    });
  });

  it("SCH-21 UnbindObject: not bound or the caller is IllegalOperation; other caps invalidCap(1); the thread becomes passive", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const ep = yield* k.make(seL4_EndpointObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      const u = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.sc, SchedContextUnbindObject, [], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.sc, SchedContextUnbindObject, [], [ep])).toEqual(err(seL4_InvalidCapability, 1));
      expect(yield* call(t.sc, SchedContextUnbindObject, [], [u.tcb])).toEqual(err(seL4_IllegalOperation));
      expect(yield* call(t.sc, SchedContextUnbindObject, [], [n])).toEqual(err(seL4_IllegalOperation));
      expect(yield* call(seL4_CapInitThreadSC, SchedContextUnbindObject, [], [rootTCB])).toEqual(
        err(seL4_IllegalOperation),
      );
      expect(yield* seL4_SchedContext_UnbindObject(t.sc, t.tcb)).toBe(0);
      expect(kTcb(t.tcb).sc).toBeNull();
      yield* seL4_Signal(n);
      yield* put("a");
      expect(yield* seL4_SchedContext_Bind(t.sc, t.tcb)).toBe(0);
      yield* put("b");
    });
    expect(out).toBe("aTb");
  });

  it("SCH-22 Unbind: the caller's SC is IllegalOperation; else thread and notification are unbound", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(seL4_CapInitThreadSC, SchedContextUnbind, [])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_SchedContext_Bind(t.sc, n)).toBe(0);
      expect(yield* seL4_SchedContext_Unbind(t.sc)).toBe(0);
      expect(kTcb(t.tcb).sc).toBeNull();
      expect((kObj(n) as Notification).sc).toBeNull();
      expect(yield* seL4_SchedContext_Unbind(t.sc)).toBe(0);
    });
  });
});

describe("SCH-23 Consumed, SCH-24 YieldTo", () => {
  it("SCH-23 Consumed returns the µs used since the last time and resets; a Send resets without a reply", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const done = yield* k.make(seL4_NotificationObject);
      const go = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        for (;;) {
          yield* sel4ts_busy(300);
          yield* seL4_Signal(done);
          yield* seL4_Wait(go);
        }
      });
      got.push((yield* seL4_SchedContext_Consumed(t.sc)).consumed);
      got.push((yield* seL4_SchedContext_Consumed(t.sc)).consumed);
      yield* seL4_Signal(go);
      yield* seL4_Send(t.sc, seL4_MessageInfo_new(SchedContextConsumed, 0, 0, 0));
      got.push((yield* seL4_SchedContext_Consumed(t.sc)).consumed);
      expect(kTcb(t.tcb).state).not.toBe(ThreadState_Inactive);
    });
    expect(got[0]).toBeGreaterThanOrEqual(300);
    expect(got[0]).toBeLessThan(320);
    expect(got.slice(1)).toEqual([0, 0]);
  });

  it("SCH-24 YieldTo: no thread, the caller's own SC, or a target above the caller's MCP is IllegalOperation", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const blank = yield* k.make(seL4_SchedContextObject, 8);
      const t = yield* k.thread(function* () {}, { start: false, prio: 100 });
      expect(yield* call(blank, SchedContextYieldTo, [])).toEqual(err(seL4_IllegalOperation));
      expect(yield* call(seL4_CapInitThreadSC, SchedContextYieldTo, [])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_TCB_SetMCPriority(rootTCB, rootTCB, 99)).toBe(0);
      expect(yield* call(t.sc, SchedContextYieldTo, [])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_TCB_SetMCPriority(rootTCB, t.tcb, 100)).toBe(0);
      const r = yield* call(t.sc, SchedContextYieldTo, []);
      expect([r.label, r.length]).toEqual([0, 1]);
    });
  });

  it("SCH-24 YieldTo a lower-priority thread moves it to the head of its queue and returns at once", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t1 = yield* k.thread(function* () {
        yield* put("1");
      });
      yield* k.thread(function* () {
        yield* put("2");
      });
      const r = yield* seL4_SchedContext_YieldTo(t1.sc);
      expect(r).toEqual({ error: 0, consumed: 0 });
      yield* put("R");
    });
    expect(out).toBe("R12");
  });

  it("SCH-24 YieldTo a thread of the caller's priority runs it first; the caller's reply is its consumed time", () => {
    let consumed: number | bigint = -1;
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(function* () {
        yield* sel4ts_busy(100);
        yield* put("T");
        // A real syscall: debug output does not account time (as on seL4), a Wait does.
        yield* seL4_Wait(n);
      });
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 100)).toBe(0);
      yield* put("a");
      const r = yield* seL4_SchedContext_YieldTo(t.sc);
      expect(r.error).toBe(0);
      consumed = r.consumed;
      yield* put("b");
    });
    expect(out).toBe("aTb");
    expect(consumed).toBeGreaterThanOrEqual(100);
    expect(consumed).toBeLessThan(120);
  });
});
