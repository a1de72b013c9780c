// The invariant checker's multicore part can fail: after a 4-core run that leaves a thread running
// on core 2 and one blocked on core 1, each test plants one inconsistency between cores and
// expects checkInvariants to name it.

import { describe, expect, it } from "vitest";
import { ThreadState_Inactive } from "../../src/abi/index.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import { Tcb } from "../../src/kernel/structures.ts";
import { seL4_NotificationObject, seL4_Wait, sel4ts_busy } from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import { threadKit } from "./thread-helpers.ts";

/** A 4-core kernel stopped while "spinner" runs on core 2 and "waiter" waits on core 1. */
function stopped(): { ks: KernelState; spinner: Tcb; waiter: Tcb } {
  const r = runRoot(
    function* (bi) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      yield* k.spawn(
        function* () {
          yield* seL4_Wait(n);
        },
        { prio: 100, core: 1 },
      );
      yield* k.spawn(
        function* () {
          for (;;) yield* sel4ts_busy(100);
        },
        { prio: 100, core: 2 },
      );
    },
    { kernelConfig: { numNodes: 4 }, maxTicks: 20_000, checkInvariants: false },
  );
  const ks = r.system.kernel.state;
  const spinner = ks.nodes[2].curThread;
  let waiter: Tcb | null = null;
  for (const o of ks.objects.values()) if (o instanceof Tcb && o.affinity === 1 && o.sc !== null) waiter = o;
  if (waiter === null || spinner === ks.nodes[2].idleThread) throw new Error("not the expected state");
  return { ks, spinner, waiter };
}

describe("the invariant checker catches planted multicore corruption", () => {
  const plant = (name: string, corrupt: (s: ReturnType<typeof stopped>) => void, expected: RegExp): void => {
    it(`CHECKER SMP: ${name}`, () => {
      const s = stopped();
      expect(checkInvariants(s.ks)).toBeNull();
      corrupt(s);
      expect(checkInvariants(s.ks)).toMatch(expected);
    });
  };
  plant(
    "a core's current thread is not runnable",
    ({ spinner }) => {
      spinner.state = ThreadState_Inactive;
    },
    /core 2 runs thread .*not runnable/,
  );
  plant(
    "one thread current on two cores",
    ({ ks, spinner }) => {
      ks.nodes[3].curThread = spinner;
      if (spinner.sc !== null) ks.nodes[3].curSC = spinner.sc;
    },
    /core 3 runs thread .* of core 2|runs on two cores/,
  );
  plant(
    "a thread on another core than its SC",
    ({ waiter }) => {
      if (waiter.sc !== null) waiter.sc.core = 3;
    },
    /is on core 1 but its SC on core 3/,
  );
  plant(
    "a core runs a thread (and SC) of another core",
    ({ spinner }) => {
      spinner.affinity = 0;
      if (spinner.sc !== null) spinner.sc.core = 0;
    },
    /core 2 runs thread .* of core 0/,
  );
});
