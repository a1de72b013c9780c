// The domain scheduler with more than one domain (KernelNumDomains = 4, so
// KernelNumDomainSchedules = 100): ready queues per domain (SCH-1), DomainSet limits that depend
// on the configuration (SCH-28, SCH-29), domain time running down (SCH-13, updateTimestamp) and
// a schedule that time-partitions threads, idle time included.

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
  seL4_InvalidArgument,
  seL4_RangeError,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
} from "../../src/user/libsel4.ts";
import { domainSchedule } from "../../src/kernel/object/domain.ts";
import { ks } from "../../src/kernel/state.ts";
import { runRoot } from "../harness.ts";
import { call } from "./cnode-helpers.ts";
import { seL4_NotificationObject, threadKit } from "./thread-helpers.ts";

const DOM = seL4_CapDomain;
const TICKS_PER_MS = 10_000;
const kernelConfig = { numDomains: 4 };

describe("SCH-28 / SCH-29 / SCH-30 limits with 4 domains and 100 schedule entries", () => {
  it("SCH-28 DomainSet_Set accepts domains 0..3; 4 -> InvalidArgument 0", () => {
    const got: unknown[] = [];
    const { system } = runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const t = yield* k.spawn(function* () {}, { start: false });
        for (const d of [4, 255, 3]) {
          const r = yield* call(DOM, DomainSetSet, [d], [t]);
          got.push([r.label, ...r.mrs]);
        }
      },
      { kernelConfig },
    );
    expect(got).toEqual([[seL4_InvalidArgument, 0], [seL4_InvalidArgument, 0], [0]]);
    expect(system.kernel.state.numDomains).toBe(4);
  });

  it("SCH-28 a caller moved to a domain that is not current stops running (the system goes idle)", () => {
    const log: string[] = [];
    const { result } = runRoot(
      function* () {
        log.push("before");
        expect(yield* seL4_DomainSet_Set(DOM, 1, seL4_CapInitThreadTCB)).toBe(0);
        log.push("after"); // never: domain 0 runs forever under the boot schedule
      },
      { kernelConfig, maxTicks: 50 * TICKS_PER_MS },
    );
    expect(log).toEqual(["before"]);
    expect(ks.curDomain).toBe(0);
    expect(result.reason).not.toBe("invariant");
  });

  it("SCH-29 index >= 99 -> RangeError(0, 98); domain >= 4 -> RangeError(0, 3); SCH-30 index >= 100 -> RangeError(0, 99)", () => {
    const got: unknown[] = [];
    let after = false;
    runRoot(
      function* () {
        for (const mrs of [
          [99, 0, 10],
          [98, 4, 10],
          [98, 0, 2 * TICKS_PER_MS],
        ]) {
          const r = yield* call(DOM, DomainScheduleConfigure, mrs);
          got.push([r.label, ...r.mrs]);
        }
        for (const i of [100, 99, 98]) {
          const r = yield* call(DOM, DomainScheduleSetStart, [i]);
          got.push([r.label, ...r.mrs]);
        }
        after = true;
      },
      { kernelConfig, maxTicks: 10 * TICKS_PER_MS },
    );
    expect(got).toEqual([
      [seL4_RangeError, 0, 98],
      [seL4_RangeError, 0, 3],
      [0],
      [seL4_RangeError, 0, 99],
      [seL4_InvalidArgument, 0], // entry 99 is the permanent end marker
      [0],
    ]);
    expect(after).toBe(true); // entry 98 is domain 0: the root runs on there
  });
});

describe("SCH-1 one ready queue per (domain, priority)", () => {
  it("SCH-1 a higher-priority thread of another domain does not run in domain 0's time", () => {
    const log: string[] = [];
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const n = yield* k.make(seL4_NotificationObject);
        const hi = yield* k.spawn(
          function* () {
            log.push("domain 1 thread");
            yield* [];
          },
          { prio: 254, start: false },
        );
        yield* k.spawn(
          function* () {
            log.push("domain 0 thread");
            yield* seL4_Signal(n);
          },
          { prio: 10 },
        );
        expect(yield* seL4_DomainSet_Set(DOM, 1, hi)).toBe(0);
        expect(yield* seL4_TCB_Resume(hi)).toBe(0);
        yield* seL4_Wait(n);
        log.push("root");
      },
      { kernelConfig, maxTicks: 20 * TICKS_PER_MS },
    );
    expect(log).toEqual(["domain 0 thread", "root"]);
  });
});

interface PartitionRun {
  start: number;
  a: number[];
  b: number[];
}

/**
 * Two partitions: A in domain 1 for 2 ms, then B in domain 2 for 3 ms, repeating; the root (domain
 * 0) sets this up and leaves the schedule to run for `ms`. A and B each record the time after
 * every 100 µs of work (or, with `aYields`, A records after each seL4_Yield, entering the kernel
 * thousands of times per slot). `bBlocks` makes B wait forever instead, so its slots go idle.
 */
function partitions(ms: number, bBlocks: boolean, aYields = false): PartitionRun {
  const r: PartitionRun = { start: 0, a: [], b: [] };
  runRoot(
    function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const body = (out: number[]) =>
        function* () {
          for (;;) {
            yield* sel4ts_busy(100);
            out.push(ks.machine.clock.now);
          }
        };
      const yielder = function* () {
        for (;;) {
          yield* seL4_Yield();
          r.a.push(ks.machine.clock.now);
        }
      };
      const a = yield* k.spawn(aYields ? yielder : body(r.a), { prio: 100, start: false, budgetUs: 10_000 });
      const b = yield* k.spawn(
        bBlocks
          ? function* () {
              yield* seL4_Wait(n);
            }
          : body(r.b),
        { prio: 100, start: false, budgetUs: 10_000 },
      );
      expect(yield* seL4_DomainSet_Set(DOM, 1, a)).toBe(0);
      expect(yield* seL4_DomainSet_Set(DOM, 2, b)).toBe(0);
      expect(yield* seL4_TCB_Resume(a)).toBe(0);
      expect(yield* seL4_TCB_Resume(b)).toBe(0);
      expect(yield* seL4_DomainSet_ScheduleConfigure(DOM, 0, 1, 2 * TICKS_PER_MS)).toBe(0);
      expect(yield* seL4_DomainSet_ScheduleConfigure(DOM, 1, 2, 3 * TICKS_PER_MS)).toBe(0);
      r.start = ks.machine.clock.now;
      // The root's own domain is not in the new schedule: it never runs again.
      yield* seL4_DomainSet_ScheduleSetStart(DOM, 0);
      throw new Error("the root ran outside its domain");
    },
    { kernelConfig, maxTicks: ms * TICKS_PER_MS },
  );
  return r;
}

/** Where each time falls in the 5 ms cycle, in ms. */
function phases(r: PartitionRun, times: number[]): number[] {
  return times.map((t) => ((t - r.start) % (5 * TICKS_PER_MS)) / TICKS_PER_MS);
}

describe("SCH-27..SCH-30 a domain schedule alternating two partitions", () => {
  it("SCH-30 A runs only in its 2 ms slots and B only in its 3 ms slots, in proportion 2:3", () => {
    const r = partitions(50, false);
    // A kernel entry's own cost and MIN_BUDGET make each slot a few µs shorter or later.
    for (const p of phases(r, r.a)) expect(p).toBeLessThanOrEqual(2.01);
    for (const p of phases(r, r.b)) expect(p >= 2 && p <= 5).toBe(true);
    // 10 cycles: 20 ms of A and 30 ms of B, less kernel time.
    expect(r.a.length).toBeGreaterThanOrEqual(190);
    expect(r.a.length).toBeLessThanOrEqual(200);
    expect(r.b.length).toBeGreaterThanOrEqual(290);
    expect(r.b.length).toBeLessThanOrEqual(300);
  });

  it("SCH-30 a partition with nothing to run leaves its slot idle: A still gets only 2 ms in 5", () => {
    const r = partitions(50, true);
    expect(r.b).toEqual([]);
    for (const p of phases(r, r.a)) expect(p).toBeLessThanOrEqual(2.01);
    expect(r.a.length).toBeGreaterThanOrEqual(190);
    expect(r.a.length).toBeLessThanOrEqual(200);
  });

  it("updateTimestamp: the domain time runs down by the time used only, however often the kernel is entered", () => {
    const r = partitions(3, false, true);
    const aPhases = phases(r, r.a);
    expect(r.a.length).toBeGreaterThan(1000);
    // A's slot lasts its full 2 ms less MIN_BUDGET and the timer's precision: MIN_BUDGET is
    // a bound for the end of the slot, not a charge per kernel entry.
    expect(Math.max(...aPhases)).toBeGreaterThan(1.95);
    expect(Math.max(...aPhases)).toBeLessThanOrEqual(2);
    const firstB = (r.b[0] - r.start) / TICKS_PER_MS;
    expect(firstB).toBeGreaterThan(2.05);
    expect(firstB).toBeLessThan(2.15);
    // Each slot ends a little early (timer precision, MIN_BUDGET), so the run (to 3 ms after boot)
    // stops at the start of A's second slot: the schedule is back at entry 0, domain 1.
    expect([domainSchedule(ks).idx, ks.curDomain]).toEqual([0, 1]);
  });
});
