// The domain cap with CONFIG_NUM_DOMAINS = 1 (semantics §11.6, SCH-27..SCH-30): DomainSet_Set,
// ScheduleConfigure and ScheduleSetStart, their checks in seL4's order, and their effects.

import { describe, expect, it } from "vitest";
import {
  DomainScheduleConfigure,
  DomainScheduleSetStart,
  DomainSetSet,
  seL4_CapDomain,
  seL4_CapInitThreadTCB,
  seL4_DomainSet_ScheduleConfigure,
  seL4_DomainSet_ScheduleSetStart,
  seL4_DomainSet_Set,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_RangeError,
  seL4_TruncatedMessage,
  seL4_Wait,
} from "../../src/user/libsel4.ts";
import { domainSchedule } from "../../src/kernel/object/domain.ts";
import { runRoot } from "../harness.ts";
import { call } from "./cnode-helpers.ts";
import { seL4_EndpointObject, seL4_NotificationObject, threadKit } from "./thread-helpers.ts";

const DOM = seL4_CapDomain;
const MAX_DURATION = 2n ** 56n - 1n;

describe("BOOT-10 / SCH-27 the domain schedule at boot", () => {
  it("BOOT-10 one entry (domain 0, maximal duration 2^56 - 1) then the end marker; domain 0 current", () => {
    const { system } = runRoot(function* () {
      yield* [];
    });
    const d = domainSchedule(system.kernel.state);
    expect([d.domain[0], d.durationHi[0], d.durationLo[0]]).toEqual([0, 0xffffff, 0xffffffff]);
    expect(d.isEndMarker(1)).toBe(true);
    expect([d.start, d.idx, d.time]).toEqual([0, 0, 2 ** 56 - 1]);
    expect(system.kernel.state.curDomain).toBe(0);
  });
});

describe("SCH-28 DomainSet_Set", () => {
  it("SCH-28 checks: length 0 -> Truncated; domain >= 1 -> InvalidArgument 0; no cap -> Truncated; not a TCB -> InvalidArgument 1", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const tcb = seL4_CapInitThreadTCB;
      got.push((yield* call(DOM, DomainSetSet, [], [tcb], 0)).label);
      for (const d of [1, 255, 2n ** 64n - 1n]) {
        const r = yield* call(DOM, DomainSetSet, [d], [ep]); // the domain is checked before the cap
        got.push([r.label, ...r.mrs]);
      }
      got.push((yield* call(DOM, DomainSetSet, [0], [])).label);
      const r = yield* call(DOM, DomainSetSet, [0], [ep]);
      got.push([r.label, ...r.mrs]);
      got.push(yield* seL4_DomainSet_Set(DOM, 0, tcb));
      got.push(yield* seL4_DomainSet_Set(DOM, 0x100, tcb)); // the stub sends a u8: 0x100 -> 0
    });
    expect(got).toEqual([
      seL4_TruncatedMessage,
      [seL4_InvalidArgument, 0],
      [seL4_InvalidArgument, 0],
      [seL4_InvalidArgument, 0],
      seL4_TruncatedMessage,
      [seL4_InvalidArgument, 1],
      0,
      0,
    ]);
  });

  it("SCH-28 effect: the thread leaves its ready queue and re-enters it at the head", () => {
    const order = (setFirst: boolean): string[] => {
      const log: string[] = [];
      runRoot(function* (bi) {
        const k = yield* threadKit(bi);
        const n = yield* k.make(seL4_NotificationObject);
        // Woken while the root (255) runs, each is enqueued at the head: queue B, A.
        const a = yield* k.spawn(function* () {
          log.push("A");
          yield* [];
        });
        yield* k.spawn(function* () {
          log.push("B");
          yield* [];
        });
        if (setFirst) expect(yield* seL4_DomainSet_Set(DOM, 0, a)).toBe(0);
        yield* seL4_Wait(n);
      });
      return log;
    };
    expect(order(false)).toEqual(["B", "A"]);
    expect(order(true)).toEqual(["A", "B"]);
  });

  it("SCH-28 on the caller itself: a reschedule that keeps it running (it is requeued at the head)", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      yield* k.spawn(
        function* () {
          log.push("other");
          yield* [];
        },
        { prio: 255 },
      );
      log.push("root before");
      expect(yield* seL4_DomainSet_Set(DOM, 0, seL4_CapInitThreadTCB)).toBe(0);
      log.push("root after");
      yield* seL4_Wait(n);
    });
    expect(log).toEqual(["root before", "root after", "other"]);
  });

  it("SCH-27 other labels on the domain cap -> IllegalOperation", () => {
    const got: number[] = [];
    runRoot(function* () {
      for (const label of [0, 29, 33]) got.push((yield* call(DOM, label, [0, 0, 1])).label);
    });
    expect(got).toEqual([seL4_IllegalOperation, seL4_IllegalOperation, seL4_IllegalOperation]);
  });
});

describe("SCH-29 ScheduleConfigure / SCH-30 ScheduleSetStart", () => {
  it("SCH-29 checks in order: length < 3, index >= L-1 (L = 2), domain >= 1, duration >= 2^56, zero duration on the start entry", () => {
    const got: unknown[] = [];
    runRoot(function* () {
      const cfg = function* (mrs: (number | bigint)[], len = mrs.length) {
        const r = yield* call(DOM, DomainScheduleConfigure, mrs, [], len);
        return [r.label, ...r.mrs];
      };
      got.push(yield* cfg([0, 0], 2));
      got.push(yield* cfg([1, 5, 2n ** 60n])); // index first
      got.push(yield* cfg([0, 1, 2n ** 60n])); // then the domain
      got.push(yield* cfg([0, 0, MAX_DURATION + 1n]));
      got.push(yield* cfg([0, 0, 0])); // index 0 is the start entry
      got.push(yield* cfg([0, 0, MAX_DURATION]));
      got.push(yield* seL4_DomainSet_ScheduleConfigure(DOM, 0, 0, 12345));
    });
    expect(got).toEqual([
      [seL4_TruncatedMessage],
      [seL4_RangeError, 0, 0],
      [seL4_RangeError, 0, 0],
      [seL4_InvalidArgument, 2],
      [seL4_InvalidArgument, 2],
      [0],
      0,
    ]);
  });

  it("SCH-29 effect: the entry is stored (domain, duration); the last entry stays an end marker", () => {
    const { system } = runRoot(function* () {
      expect(yield* seL4_DomainSet_ScheduleConfigure(DOM, 0, 0, 2n ** 40n + 7n)).toBe(0);
    });
    const d = domainSchedule(system.kernel.state);
    expect([d.domain[0], d.durationHi[0], d.durationLo[0]]).toEqual([0, 2 ** 8, 7]);
    expect(d.isEndMarker(1)).toBe(true);
  });

  it("SCH-30 checks: length 0 -> Truncated; index >= L -> RangeError(0, 1); an end marker -> InvalidArgument 0", () => {
    const got: unknown[] = [];
    runRoot(function* () {
      const r0 = yield* call(DOM, DomainScheduleSetStart, [0], [], 0);
      got.push([r0.label, ...r0.mrs]);
      for (const i of [2, 2n ** 64n - 1n, 1]) {
        const r = yield* call(DOM, DomainScheduleSetStart, [i]);
        got.push([r.label, ...r.mrs]);
      }
      got.push(yield* seL4_DomainSet_ScheduleSetStart(DOM, 0));
    });
    expect(got).toEqual([
      [seL4_TruncatedMessage],
      [seL4_RangeError, 0, 1],
      [seL4_RangeError, 0, 1],
      [seL4_InvalidArgument, 0],
      0,
    ]);
  });

  it("SCH-30 effect: start := index and the domain's time ends; the caller keeps running", () => {
    const log: string[] = [];
    const { system } = runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      yield* k.spawn(
        function* () {
          log.push("other");
          yield* [];
        },
        { prio: 255 },
      );
      expect(yield* seL4_DomainSet_ScheduleConfigure(DOM, 0, 0, 5000)).toBe(0);
      expect(yield* seL4_DomainSet_ScheduleSetStart(DOM, 0)).toBe(0);
      log.push("root");
      yield* seL4_Wait(n);
    });
    expect(log).toEqual(["root", "other"]);
    const d = domainSchedule(system.kernel.state);
    expect([d.start, d.idx]).toEqual([0, 0]);
    expect(system.kernel.state.curDomain).toBe(0);
  });

  // schedule() calls nextDomainIfExpired() before choosing a new thread, as seL4's
  // scheduleChooseNewThread does: the schedule restarts at the start entry with its duration.
  it("SCH-30 the next choice of thread restarts the schedule at the start entry", () => {
    const { system } = runRoot(function* () {
      expect(yield* seL4_DomainSet_ScheduleConfigure(DOM, 0, 0, 5000)).toBe(0);
      expect(yield* seL4_DomainSet_ScheduleSetStart(DOM, 0)).toBe(0);
    });
    expect(domainSchedule(system.kernel.state).time).toBe(5000);
  });
});
