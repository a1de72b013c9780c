// Simulated seconds per wall second: an idle-heavy scenario (a periodic thread working 0.5 ms of
// every 100 ms; the rest is idle, which the simulation skips) and a busy one (two threads sharing
// the CPU round robin, computing all the time).

import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_SchedContext_Sporadic,
  seL4_SchedContextObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_Yield,
  sel4ts_busy,
  sel4ts_entry,
  type seL4_BootInfo,
} from "../src/user/libsel4.ts";
import { System } from "../src/system/system.ts";

function* spawn(
  bi: seL4_BootInfo,
  slot: number,
  page: number,
  budgetUs: number,
  periodUs: number,
  body: Parameters<typeof sel4ts_entry>[0],
) {
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 16);
  const [tcb, sc] = [slot, slot + 1];
  let err = yield* seL4_Untyped_Retype(ut, seL4_TCBObject, 0, seL4_CapInitThreadCNode, 0, 0, tcb, 1);
  err |= yield* seL4_Untyped_Retype(ut, seL4_SchedContextObject, 8, seL4_CapInitThreadCNode, 0, 0, sc, 1);
  err |= yield* seL4_TCB_Configure(
    tcb,
    seL4_CapInitThreadCNode,
    0,
    seL4_CapInitThreadVSpace,
    0,
    0x10000 + page * 0x1000,
    bi.userImageFrames.start + page,
  );
  const flags = budgetUs === periodUs ? 0 : seL4_SchedContext_Sporadic;
  err |= yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, budgetUs, periodUs, 0, 0, flags);
  err |= yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 100, 100, sc, 0);
  err |= yield* seL4_TCB_WriteRegisters(tcb, true, 0, 1, { pc: sel4ts_entry(body) });
  if (err !== 0) throw new Error(`thread setup failed: ${err}`);
}

/** Simulated seconds per wall second over `simSeconds` of simulated time. */
export function simSpeedup(kind: "idle" | "busy", simSeconds: number): number {
  const system = new System({ ramSize: 64 * 1024 * 1024, maxTicks: simSeconds * 10_000_000 });
  system.boot(function* (bi) {
    const slot = bi.empty.start;
    if (kind === "idle") {
      yield* spawn(bi, slot, 1, 1000, 100_000, function* () {
        for (;;) {
          yield* sel4ts_busy(500);
          yield* seL4_Yield(); // give up the rest of this period's budget
        }
      });
    } else {
      for (let i = 0; i < 2; i++) {
        yield* spawn(bi, slot + 2 * i, 1 + i, 5000, 5000, function* () {
          for (;;) yield* sel4ts_busy(100);
        });
      }
    }
  });
  const t0 = performance.now();
  const r = system.run();
  const wall = (performance.now() - t0) / 1000;
  if (r.reason !== "max-time") throw new Error(`time bench ended with ${r.reason}`);
  return simSeconds / wall;
}
