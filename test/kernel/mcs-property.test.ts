// Property (issue 5): random SC configurations (sporadic and constant-bandwidth, round robin,
// extra refills), reconfigurations, unbinds and rebinds, busy loops, Yields and notification
// hand-offs. Between kernel entries — from inside every thread step — every configured SC's refill
// list is well formed (ordered, head >= MIN_BUDGET, total = its budget), the release queue is
// sorted and disjoint from the ready queues, and the running thread has an SC.

import { describe, expect, it } from "vitest";
import {
  seL4_NotificationObject,
  seL4_SchedContext_Bind,
  seL4_SchedContext_UnbindObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_Poll,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
} from "../../src/user/libsel4.ts";
import { refillHead, refillListProblem, refillSum } from "../../src/kernel/sched.ts";
import { ks } from "../../src/kernel/state.ts";
import { SchedContext, Tcb } from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { threadKit } from "./thread-helpers.ts";

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

/** Budgets (ticks) the test configured, by SC. */
const budgets = new Map<SchedContext, number>();
const problems: string[] = [];
let checks = 0;

function check(where: string): void {
  checks++;
  if (ks.curThread.sc === null) problems.push(`${where}: running without an SC`);
  for (const o of ks.objects.values()) {
    if (!(o instanceof SchedContext) || o.refillMax === 0) continue;
    const p = refillListProblem(o);
    if (p !== null) problems.push(`${where}: ${p}`);
    const b = budgets.get(o);
    if (b !== undefined && refillSum(o) !== b)
      problems.push(`${where}: refill total ${refillSum(o)} != ${b}`);
  }
  let last = -Infinity;
  for (let t: Tcb | null = ks.releaseHead; t !== null; t = t.schedNext) {
    if (!t.inReleaseQueue || t.inReadyQueue) problems.push(`${where}: release queue flags`);
    const time = refillHead(t.sc as SchedContext).rTime;
    if (time < last) problems.push(`${where}: release queue out of order`);
    last = time;
  }
}

describe("PROP MCS: refill lists and queues stay consistent", () => {
  for (const seed of [1, 2, 3]) {
    it(`PROP seed ${seed}: random SCs, reconfigurations, binds, busy loops and Yields`, () => {
      budgets.clear();
      problems.length = 0;
      checks = 0;
      let configured = 0;
      const r = rng(seed);
      runRoot(function* (bi) {
        const k = yield* threadKit(bi);
        const ctl = bi.schedcontrol.start;
        const ntfn = yield* k.make(seL4_NotificationObject);
        const n = 4;
        const tcbs: number[] = [];
        const scs: number[] = [];
        const configure = function* (sc: number): UserGenerator<void> {
          const period = 200 + r(5000);
          const budget = r(3) === 0 ? period : 20 + r(period - 20);
          const extra = r(4);
          const flags = r(2);
          const err = yield* seL4_SchedControl_ConfigureFlags(ctl, sc, budget, period, extra, sc, flags);
          expect(err).toBe(0);
          configured++;
          // Find the SC object by its cap's badge: the kernel state is shared with this test.
          for (const o of ks.objects.values()) {
            if (o instanceof SchedContext && o.badgeLo === sc) budgets.set(o, budget * 10);
          }
        };
        for (let i = 0; i < n; i++) {
          const scSlot = k.alloc();
          const steps = 30 + r(30);
          const seedT = r(1 << 30);
          const tcb = yield* k.spawn(
            function* () {
              const rt = rng(seedT);
              for (let s = 0; s < steps; s++) {
                check(`thread ${i} step ${s}`);
                switch (rt(4)) {
                  case 0:
                    yield* sel4ts_busy(rt(3000));
                    break;
                  case 1:
                    yield* seL4_Yield();
                    break;
                  case 2:
                    yield* seL4_Signal(ntfn);
                    break;
                  default:
                    yield* seL4_Poll(ntfn);
                }
              }
              check(`thread ${i} end`);
            },
            { prio: 100 + r(3), scSlot, start: false },
          );
          tcbs.push(tcb);
          scs.push(scSlot);
          yield* configure(scSlot);
          expect(yield* seL4_TCB_Resume(tcb)).toBe(0);
        }
        // The root (highest priority) wakes now and then to change things.
        for (let round = 0; round < 20; round++) {
          check(`root round ${round}`);
          const i = r(n);
          switch (r(3)) {
            case 0:
              yield* configure(scs[i]);
              break;
            case 1:
              if ((yield* seL4_SchedContext_UnbindObject(scs[i], tcbs[i])) === 0) {
                expect(yield* seL4_SchedContext_Bind(scs[i], tcbs[i])).toBe(0);
              }
              break;
            default:
              break;
          }
          // Let the threads run until one of them signals.
          yield* seL4_Wait(ntfn);
        }
        check("root end");
      });
      expect(problems.slice(0, 5)).toEqual([]);
      expect(checks).toBeGreaterThan(100);
      expect(configured).toBeGreaterThan(4);
    });
  }
});
