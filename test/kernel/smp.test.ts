// Multicore (KernelMaxNumNodes > 1): boot info, SchedControl per core, affinity through the SC,
// wakeups across cores by reschedule IPI, and stalling a thread that runs on another core
// (seL4 src/kernel/thread.c remoteQueueUpdate, src/object/tcb.c remoteTCBStall).

import { describe, expect, it } from "vitest";
import {
  seL4_CapInitThreadCNode as rootCN,
  seL4_CNode_Delete,
  seL4_IllegalOperation,
  seL4_NotificationObject,
  seL4_SchedControl_Configure,
  seL4_SchedContextObject,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_TCB_Suspend,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
} from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import { threadKit } from "./thread-helpers.ts";

const FOUR = { kernelConfig: { numNodes: 4 } };

describe("SMP boot", () => {
  it("reports numNodes and one SchedControl cap per core; the 1-core kernel has one", () => {
    const seen: number[][] = [];
    for (const numNodes of [1, 4]) {
      runRoot(
        function* (bi) {
          seen.push([bi.numNodes, bi.schedcontrol.end - bi.schedcontrol.start]);
        },
        { kernelConfig: { numNodes } },
      );
    }
    expect(seen).toEqual([
      [1, 1],
      [4, 4],
    ]);
  });

  it("rejects a KernelMaxNumNodes outside 1..8", () => {
    expect(() => runRoot(function* () {}, { kernelConfig: { numNodes: 9 } })).toThrow(RangeError);
  });

  it("a SchedControl cap of every core configures an SC; a slot past them is no SchedControl cap", () => {
    let errs: number[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      errs = [];
      for (let c = 0; c <= 4; c++)
        errs.push(yield* seL4_SchedControl_Configure(bi.schedcontrol.start + c, sc, 1000, 1000, 0, 0));
    }, FOUR);
    // Slot start + 4 holds the first image frame: a frame cap does not take SchedControl labels.
    expect(errs).toEqual([0, 0, 0, 0, seL4_IllegalOperation]);
  });
});

describe("SMP affinity and IPIs", () => {
  it("a thread on another core runs beside a higher-priority spinner on core 0", () => {
    // On one core the prio-200 spinner would starve the prio-100 worker for ever.
    let worker = 0;
    const r = runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        yield* k.spawn(
          function* () {
            for (let i = 0; i < 5; i++) {
              worker++;
              yield* sel4ts_busy(100);
            }
          },
          { prio: 100, core: 1 },
        );
        yield* k.spawn(
          function* () {
            for (;;) yield* sel4ts_busy(1000);
          },
          { prio: 200, core: 0 },
        );
      },
      { ...FOUR, maxTicks: 50_000 },
    );
    expect(r.result.reason).toBe("max-time");
    expect(worker).toBe(5);
  });

  it("a signal from core 0 wakes a thread waiting on core 2, and its signal wakes core 0 back", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ping = yield* k.make(seL4_NotificationObject);
      const pong = yield* k.make(seL4_NotificationObject);
      yield* k.spawn(
        function* () {
          for (let i = 0; i < 3; i++) {
            yield* seL4_Wait(ping);
            log.push(`core2 woken ${i}`);
            yield* seL4_Signal(pong);
          }
        },
        { prio: 100, core: 2 },
      );
      for (let i = 0; i < 3; i++) {
        yield* seL4_Signal(ping);
        yield* seL4_Wait(pong);
        log.push(`root woken ${i}`);
      }
    }, FOUR);
    expect(log).toEqual([
      "core2 woken 0",
      "root woken 0",
      "core2 woken 1",
      "root woken 1",
      "core2 woken 2",
      "root woken 2",
    ]);
  });

  it("moving a running thread's SC to another core moves the thread (SchedControl_Configure)", () => {
    let count = 0;
    let after = -1;
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const sc = k.alloc();
        yield* k.spawn(
          function* () {
            for (;;) {
              count++;
              yield* sel4ts_busy(10);
            }
          },
          { prio: 50, core: 1, scSlot: sc },
        );
        while (count < 3) yield* seL4_Yield();
        // Now to core 0, where the root (prio 255) never blocks: the spinner stops.
        yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0);
        const c = count;
        for (let i = 0; i < 10; i++) yield* sel4ts_busy(100);
        after = count - c;
      },
      { ...FOUR, maxTicks: 100_000 },
    );
    expect(count).toBeGreaterThanOrEqual(3);
    expect(after).toBe(0);
  });
});

describe("SMP determinism", () => {
  it("harts take turns on one clock: the same system runs the same way twice", () => {
    const once = (): [number, number, string] => {
      const r = runRoot(
        function* (bi) {
          const k = yield* threadKit(bi);
          for (let c = 1; c < 4; c++)
            yield* k.spawn(
              function* () {
                for (let i = 0; i < 3; i++) yield* sel4ts_busy(50 * c);
              },
              { prio: 100, core: c },
            );
          for (let i = 0; i < 5; i++) yield* sel4ts_busy(40);
        },
        { ...FOUR, quantumTicks: 37 },
      );
      return [r.result.ticks, r.result.kernelEntries, r.result.reason];
    };
    expect(once()).toEqual(once());
  });
});

describe("SMP remote operations on a running thread", () => {
  function spinner(op: "suspend" | "delete-sc"): { before: number; during: number; resumed: number } {
    let count = 0;
    const out = { before: 0, during: 0, resumed: 0 };
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        const sc = k.alloc();
        const tcb = yield* k.spawn(
          function* () {
            for (;;) {
              count++;
              yield* sel4ts_busy(5);
            }
          },
          { prio: 100, core: 3, scSlot: sc, budgetUs: 20, periodUs: 1000 },
        );
        // Wait on core 0 until the helper has run (SCHED_CONTEXT_0014's shape).
        while (count === 0) yield* sel4ts_busy(5);
        if (op === "suspend") yield* seL4_TCB_Suspend(tcb);
        else yield* seL4_CNode_Delete(rootCN, sc, 64);
        out.before = count;
        for (let i = 0; i < 10; i++) yield* sel4ts_busy(1000);
        out.during = count - out.before;
        if (op === "suspend") {
          yield* seL4_TCB_Resume(tcb);
          const c = count;
          for (let i = 0; i < 10; i++) yield* sel4ts_busy(1000);
          out.resumed = count - c;
        }
      },
      { ...FOUR, maxTicks: 2_000_000 },
    );
    return out;
  }

  it("TCB_Suspend from core 0 stops a thread running on core 3 at once; Resume starts it there again", () => {
    const r = spinner("suspend");
    expect(r.before).toBeGreaterThan(0);
    expect(r.during).toBe(0);
    expect(r.resumed).toBeGreaterThan(0);
  });

  it("deleting the SC of a thread running on core 3 stops it (SCHED_CONTEXT_0014)", () => {
    const r = spinner("delete-sc");
    expect(r.before).toBeGreaterThan(0);
    expect(r.during).toBe(0);
  });
});

describe("SMP debug kernel lines", () => {
  it("a user error names the core that entered the kernel: <<seL4(CPU n) [...]>>", () => {
    const lines: string[] = [];
    runRoot(
      function* (bi) {
        const k = yield* threadKit(bi);
        for (const core of [2, 1, 3]) {
          yield* k.spawn(
            function* () {
              yield* seL4_TCB_Resume(1000); // an empty slot: decodeInvocation/643
            },
            { prio: 100, core },
          );
          yield* sel4ts_busy(1000);
        }
        yield* seL4_TCB_Resume(1001);
      },
      { ...FOUR, onKernelLog: (l) => lines.push(l) },
    );
    expect(
      lines.map((l) => /^<<seL4\(CPU (\d)\) \[(\w+)\/\d+ .*: (.*)>>$/.exec(l)?.slice(1).join(" ")),
    ).toEqual([
      "2 decodeInvocation Attempted to invoke a null cap #1000.",
      "1 decodeInvocation Attempted to invoke a null cap #1000.",
      "3 decodeInvocation Attempted to invoke a null cap #1000.",
      "0 decodeInvocation Attempted to invoke a null cap #1001.",
    ]);
  });
});

describe("SMP boot memory", () => {
  it("the 4-core kernel image is the real SMP build's size: free RAM after the device tree as listed by sel4test", () => {
    const seen: [number, number][][] = [];
    for (const numNodes of [1, 4]) {
      runRoot(
        function* (bi) {
          const ram = bi.untypedList.filter((u) => u.isDevice === 0);
          seen.push(ram.slice(2, 4).map((u) => [u.paddr, u.sizeBits]));
        },
        { kernelConfig: { numNodes } },
      );
    }
    // qemu-console-fpu.log and qemu-console-smp.log: the device tree (0x1150 bytes with one cpu
    // node, 0x15a0 with four) ends the kernel image + 0x1150 / + 0x15a0 bytes.
    expect(seen).toEqual([
      [
        [0x80229150, 4],
        [0x80229160, 5],
      ],
      [
        [0x8023a5a0, 5],
        [0x8023a5c0, 6],
      ],
    ]);
  });
});
