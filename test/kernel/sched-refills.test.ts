// The sporadic refill algorithm (seL4 src/kernel/sporadic.c, include/kernel/thread.h) on kernel
// state directly: SCH-8..SCH-11, SCH-13 (semantics §11.2). Times are timer ticks (10 per µs);
// MIN_BUDGET is 200 ticks.

import { beforeEach, describe, expect, it } from "vitest";
import { MIN_BUDGET } from "../../src/abi/index.ts";
import { Kernel } from "../../src/kernel/kernel.ts";
import { ThreadState_Running } from "../../src/abi/index.ts";
import {
  awaken,
  commitTime,
  postpone,
  refillBudgetCheck,
  refillListProblem,
  refillNew,
  refillReady,
  refillSize,
  refillSufficient,
  refillSum,
  refillUnblockCheck,
  refillUpdate,
  setNextInterrupt,
  TIMER_PRECISION_TICKS,
} from "../../src/kernel/sched.ts";
import { ks, setKernelState } from "../../src/kernel/state.ts";
import { SchedContext, Tcb } from "../../src/kernel/structures.ts";
import { Machine } from "../../src/machine/machine.ts";

/** The refill list from head to tail as [time, amount] pairs. */
function refills(sc: SchedContext): [number, number][] {
  const out: [number, number][] = [];
  let i = sc.refillHead;
  for (;;) {
    out.push([sc.refills[i].rTime, sc.refills[i].rAmount]);
    if (i === sc.refillTail) return out;
    i = i === sc.refillMax - 1 ? 0 : i + 1;
  }
}

function wellFormed(sc: SchedContext, budget: number): void {
  expect(refillListProblem(sc)).toBeNull();
  expect(refillSum(sc)).toBe(budget);
}

let sc: SchedContext;

beforeEach(() => {
  const k = new Kernel(new Machine({ ramSize: 0x10000 }));
  setKernelState(k.state);
  ks.curTime = 0;
  sc = new SchedContext(0x1000, 8, 10);
  ks.curSC = sc;
});

describe("SCH-8 readiness and sufficiency", () => {
  it("SCH-8 ready when the head's time has come; sufficient when the head covers the usage plus MIN_BUDGET", () => {
    refillNew(sc, 4, 3000, 10000);
    expect(refillReady(sc)).toBe(true);
    expect(refillSufficient(sc, 3000 - MIN_BUDGET)).toBe(true);
    expect(refillSufficient(sc, 3000 - MIN_BUDGET + 1)).toBe(false);
    expect(refillSufficient(sc, 5000)).toBe(false);
    sc.refills[0].rTime = 1;
    expect(refillReady(sc)).toBe(false);
  });
});

describe("SCH-9 round robin", () => {
  it("SCH-9 two refills: used time moves to the tail on commit, and back when the slice ends", () => {
    refillNew(sc, 2, 5000, 0);
    expect(refills(sc)).toEqual([
      [0, 5000],
      [0, 0],
    ]);
    ks.consumed = 1200;
    commitTime();
    expect(refills(sc)).toEqual([
      [0, 3800],
      [0, 1200],
    ]);
    expect(sc.consumed).toBe(1200);
    expect(refillListProblem(sc)).toBeNull();
  });
});

describe("SCH-10 charging a sporadic SC", () => {
  it("SCH-10 a partial usage is split off the head and returns one period after the head's time", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(1000);
    expect(refills(sc)).toEqual([
      [1000, 2000],
      [10000, 1000],
    ]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 a used amount that touches the tail merges into it", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(1000);
    refillBudgetCheck(500);
    expect(refills(sc)).toEqual([
      [1500, 1500],
      [10000, 1500],
    ]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 a usage covering the whole head reschedules the head a period after its release", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(1000);
    refillBudgetCheck(500);
    refillBudgetCheck(1500);
    expect(refills(sc)).toEqual([[10000, 3000]]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 one refill overrun: its time moves by a period, then the rest is split as usual", () => {
    refillNew(sc, 2, 3000, 10000);
    refillBudgetCheck(3500);
    expect(refills(sc)).toEqual([
      [10500, 2500],
      [20000, 500],
    ]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 a head left below MIN_BUDGET merges into the next refill, which moves earlier by its amount", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(2900);
    expect(refills(sc)).toEqual([[9900, 3000]]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 with a full list the tail is delayed to end where the new refill would, and absorbs it", () => {
    refillNew(sc, 2, 3000, 10000);
    refillBudgetCheck(500);
    ks.curTime = 5000;
    refillUnblockCheck(sc);
    expect(refills(sc)).toEqual([
      [5000, 2500],
      [10000, 500],
    ]);
    refillBudgetCheck(500);
    expect(refills(sc)).toEqual([
      [5500, 2000],
      [14500, 1000],
    ]);
    wellFormed(sc, 3000);
  });

  it("SCH-10 random charges and unblocks keep the list ordered, its head >= MIN_BUDGET and its total the budget", () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 40; trial++) {
      const period = 2000 + rnd(50000);
      const budget = MIN_BUDGET + rnd(period - MIN_BUDGET);
      const max = 2 + rnd(8);
      ks.curTime = rnd(1000);
      refillNew(sc, max, budget, period);
      for (let step = 0; step < 200; step++) {
        if (sc.refills[sc.refillHead].rTime > ks.curTime) ks.curTime = sc.refills[sc.refillHead].rTime;
        if (rnd(3) === 0) {
          ks.curTime += rnd(3 * period);
          refillUnblockCheck(sc);
        } else {
          const head = sc.refills[sc.refillHead].rAmount;
          // The kernel charges at most what the head covered (plus what overran it at a timer tick).
          const usage = rnd(4) === 0 ? head + rnd(budget) : rnd(head);
          refillBudgetCheck(usage);
          ks.curTime += usage;
        }
        wellFormed(sc, budget);
        expect(refillSize(sc)).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe("SCH-11 unblock check", () => {
  it("SCH-11 a released head moves to now and absorbs every refill it overlaps", () => {
    refillNew(sc, 4, 3000, 10000);
    sc.refills[0] = { rTime: 100, rAmount: 1000 };
    sc.refills[1] = { rTime: 1500, rAmount: 500 };
    sc.refills[2] = { rTime: 2000, rAmount: 1500 };
    sc.refillTail = 2;
    ks.curTime = 1000;
    ks.reprogram = false;
    refillUnblockCheck(sc);
    expect(refills(sc)).toEqual([[1000, 3000]]);
    expect(ks.reprogram).toBe(true);
  });

  it("SCH-11 a head not yet released is left alone; round-robin SCs are never touched", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(3000);
    const before = refills(sc);
    ks.curTime = 5000;
    refillUnblockCheck(sc);
    expect(refills(sc)).toEqual(before);
    refillNew(sc, 2, 3000, 0);
    ks.curTime = 9000;
    refillUnblockCheck(sc);
    expect(refills(sc)).toEqual([
      [5000, 3000],
      [5000, 0],
    ]);
  });
});

describe("SCH-17 refill_update", () => {
  it("SCH-17 a larger budget keeps the released head (moved to now) and schedules the rest a new period later", () => {
    refillNew(sc, 4, 3000, 10000);
    refillBudgetCheck(1000);
    ks.curTime = 4000;
    refillUpdate(sc, 20000, 5000, 6);
    expect(refills(sc)).toEqual([
      [4000, 2000],
      [24000, 3000],
    ]);
    wellFormed(sc, 5000);
  });
});

describe("SCH-13 timer programming", () => {
  it("SCH-13 the deadline is the earliest of the current head's end and the first release, less 1 µs", () => {
    const cur = new Tcb(0x2000);
    const waiting = new Tcb(0x3000);
    const other = new SchedContext(0x4000, 8, 10);
    refillNew(sc, 4, 3000, 10000);
    refillNew(other, 4, 1000, 10000);
    cur.sc = sc;
    waiting.sc = other;
    ks.curThread = cur;
    ks.curTime = 500;
    setNextInterrupt();
    expect(ks.machine.timer.deadline).toBe(500 + 3000 - TIMER_PRECISION_TICKS);
    other.refills[0].rTime = 2000;
    ks.releaseHead = waiting;
    waiting.inReleaseQueue = true;
    setNextInterrupt();
    expect(ks.machine.timer.deadline).toBe(2000 - TIMER_PRECISION_TICKS);
    ks.releaseHead = null;
  });
});

describe("SCH-12 the release queue", () => {
  it("SCH-12 ordered by head release time, FIFO among equal times; awaken releases the due ones in order", () => {
    const threads = [5000, 3000, 5000, 9000].map((time, i) => {
      const t = new Tcb(0x10000 + i * 0x1000);
      const s = new SchedContext(0x20000 + i * 0x1000, 8, 10);
      refillNew(s, 4, 1000, 10000);
      s.refills[0].rTime = time;
      t.sc = s;
      s.tcb = t;
      t.state = ThreadState_Running;
      t.priority = 10 + i;
      postpone(s);
      return t;
    });
    const order: Tcb[] = [];
    for (let t = ks.releaseHead; t !== null; t = t.schedNext) order.push(t);
    expect(order).toEqual([threads[1], threads[0], threads[2], threads[3]]);
    ks.curTime = 5000;
    awaken();
    expect(ks.releaseHead).toBe(threads[3]);
    expect(threads.map((t) => t.inReleaseQueue)).toEqual([false, false, false, true]);
    ks.releaseHead = null;
  });
});
