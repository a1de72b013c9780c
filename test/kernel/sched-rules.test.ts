// Scheduler rules that the scenario tests exercise only in passing, each pinned on its own:
// SCH-3 (a preempted thread keeps its place), SCH-4 (wake-ups of threads that cannot run),
// SCH-5 (how a woken candidate is weighed against the current thread), SCH-7 (what an SC holds)
// and SCH-31 (the domain cap in a first phase; new TCBs take the current domain).

import { describe, expect, it } from "vitest";
import {
  DomainSetSet,
  seL4_Call,
  seL4_CapDomain,
  seL4_DomainSet_ScheduleConfigure,
  seL4_DomainSet_ScheduleSetStart,
  seL4_DomainSet_Set,
  seL4_MessageInfo_new,
  seL4_NBSend,
  seL4_NBSendWait,
  seL4_Recv,
  seL4_Send,
  seL4_TCB_SetPriority,
  seL4_Yield,
  seL4_CapInitThreadTCB,
  seL4_SchedContext_Bind,
  seL4_SchedContext_Sporadic,
  seL4_SchedContext_Unbind,
  seL4_SchedContextObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_TCBObject,
  seL4_Wait,
  sel4ts_busy,
} from "../../src/user/libsel4.ts";
import type { SchedContext } from "../../src/kernel/structures.ts";
import { refillSum } from "../../src/kernel/sched.ts";
import { runRoot } from "../harness.ts";
import { kObj, kTcb } from "./tcb-helpers.ts";
import {
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  threadKit,
} from "./thread-helpers.ts";

const info0 = seL4_MessageInfo_new(0, 0, 0, 0);

describe("SCH-3 a preempted thread goes back to the head of its queue", () => {
  it("SCH-3 A, preempted by a higher-priority thread it woke, runs on before B of the same priority", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const done = yield* k.make(seL4_NotificationObject);
      yield* k.spawn(
        function* () {
          yield* seL4_Wait(n);
          log.push("H");
        },
        { prio: 200 },
      );
      const a = yield* k.spawn(
        function* () {
          log.push("A1");
          yield* seL4_Signal(n); // H preempts A here
          log.push("A2");
          yield* sel4ts_busy(100);
        },
        { prio: 100, start: false },
      );
      const b = yield* k.spawn(
        function* () {
          log.push("B");
          yield* seL4_Signal(done);
        },
        { prio: 100, start: false },
      );
      // Each resume queues at the head: the queue is A, B.
      expect(yield* seL4_TCB_Resume(b)).toBe(0);
      expect(yield* seL4_TCB_Resume(a)).toBe(0);
      yield* seL4_Wait(done);
    });
    expect(log).toEqual(["A1", "H", "A2", "B"]);
  });
});

describe("SCH-4 possibleSwitchTo", () => {
  it("SCH-4 a woken thread without an SC does not run; once an SC is bound it does", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const sc = k.alloc();
      const t = yield* k.spawn(
        function* () {
          yield* seL4_Wait(n);
          log.push("woke");
        },
        { prio: 255, scSlot: sc },
      );
      yield* seL4_Yield(); // t runs to its Wait
      expect(yield* seL4_SchedContext_Unbind(sc)).toBe(0);
      yield* seL4_Signal(n);
      log.push("signalled");
      expect(kTcb(t).state).toBe(1); // Running, but with no SC it is not scheduled
      expect(yield* seL4_SchedContext_Bind(sc, t)).toBe(0);
      log.push("bound");
    });
    // Bound, it is queued behind the root (which, still runnable, keeps the head: SCH-3) and runs
    // once the root is done.
    expect(log).toEqual(["signalled", "bound", "woke"]);
  });
});

describe("SCH-5 the candidate against the current thread", () => {
  function order(serverPrio: number, blockCaller: boolean, queued: boolean): string[] {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const done = yield* k.make(seL4_NotificationObject);
      const server = yield* k.spawn(
        function* () {
          yield* seL4_Recv(ep, reply);
          log.push("S");
          if (blockCaller) yield* seL4_Send(reply, info0);
        },
        { prio: 255 },
      );
      yield* seL4_Yield(); // the server runs to its Recv, then takes its real priority
      expect(yield* seL4_TCB_SetPriority(server, seL4_CapInitThreadTCB, serverPrio)).toBe(0);
      const x = yield* k.spawn(
        function* () {
          log.push("X");
        },
        { prio: 100, start: false },
      );
      const c = yield* k.spawn(
        function* () {
          log.push("C sends");
          if (blockCaller) yield* seL4_Call(ep, info0);
          else yield* seL4_NBSend(ep, info0);
          log.push("C on");
          yield* seL4_Signal(done);
        },
        { prio: 100, start: false },
      );
      // Queue: C, then X behind it (if queued).
      if (queued) expect(yield* seL4_TCB_Resume(x)).toBe(0);
      expect(yield* seL4_TCB_Resume(c)).toBe(0);
      yield* seL4_Wait(done);
      yield* sel4ts_busy(10_000); // let everything else finish
    });
    return log;
  }

  it("SCH-5 caller blocked: an equal-priority candidate runs before an equal-priority thread already queued", () => {
    // The reply wakes C while S still runs: C, equal, goes behind X.
    expect(order(100, true, true)).toEqual(["C sends", "S", "X", "C on"]);
  });

  it("SCH-5 caller blocked: a lower-priority candidate waits for the higher ready thread", () => {
    expect(order(50, true, true)).toEqual(["C sends", "X", "S", "C on"]);
  });

  it("SCH-5 current thread still runnable: an equal-priority candidate goes to the tail, the sender continues", () => {
    expect(order(100, false, false)).toEqual(["C sends", "C on", "S"]);
    // Behind X, which was queued first.
    expect(order(100, false, true)).toEqual(["C sends", "C on", "X", "S"]);
  });

  it("SCH-5 current thread still runnable: a higher-priority candidate runs at once", () => {
    expect(order(150, false, true)).toEqual(["C sends", "S", "C on", "X"]);
  });
});

describe("SCH-7 what a scheduling context holds", () => {
  it("SCH-7 budget (the refills' sum) and period in ticks (10 per µs), refill capacity MIN_REFILLS + extra, badge, sporadic flag", () => {
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      const flags = seL4_SchedContext_Sporadic;
      expect(
        yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, 1500, 4000, 3, 0x1234, flags),
      ).toBe(0);
      const o = kObj(sc) as SchedContext;
      expect([refillSum(o), o.period, o.refillMax, o.badgeHi, o.badgeLo, o.sporadic]).toEqual([
        15_000,
        40_000,
        5,
        0,
        0x1234,
        true,
      ]);
      expect(o.consumed).toBe(0);
    });
  });
});

describe("SCH-31 the domain cap", () => {
  it("SCH-31 invoked in the first phase of NBSendWait it does nothing (and no error is reported)", () => {
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const n = yield* k.make(seL4_NotificationObject);
        const t = yield* k.spawn(function* () {}, { start: false });
        yield* seL4_Signal(n);
        seL4_SetMR(0, 2);
        seL4_SetCap(0, t);
        yield* seL4_NBSendWait(seL4_CapDomain, seL4_MessageInfo_new(DomainSetSet, 0, 1, 1), n);
        expect(kTcb(t).domain).toBe(0);
        // The same message as a Call works.
        expect(yield* seL4_DomainSet_Set(seL4_CapDomain, 2, t)).toBe(0);
        expect(kTcb(t).domain).toBe(2);
      },
      { kernelConfig: { numDomains: 4 } },
    );
  });

  it("SCH-31 a new TCB takes the domain current at its Retype", () => {
    const domains: number[] = [];
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const done = yield* k.make(seL4_NotificationObject);
        domains.push(kTcb(yield* k.make(seL4_TCBObject)).domain);
        const t = yield* k.spawn(
          function* () {
            domains.push(kTcb(yield* k.make(seL4_TCBObject)).domain);
            yield* seL4_Signal(done);
          },
          { start: false },
        );
        expect(yield* seL4_DomainSet_Set(seL4_CapDomain, 2, t)).toBe(0);
        expect(yield* seL4_TCB_Resume(t)).toBe(0);
        expect(yield* seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 50_000)).toBe(0);
        expect(yield* seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 2, 50_000)).toBe(0);
        expect(yield* seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0)).toBe(0);
        yield* seL4_Wait(done); // t runs in domain 2's turn; the root wakes in domain 0's next one
        domains.push(kTcb(yield* k.make(seL4_TCBObject)).domain);
      },
      { kernelConfig: { numDomains: 4 }, maxTicks: 300_000 },
    );
    expect(domains).toEqual([0, 2, 0]);
  });
});
