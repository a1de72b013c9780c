// Root tasks for the fast-route equivalence test: they hand the CPU back and forth between TS
// threads in every way the engine's routes distinguish (Call/ReplyRecv, Signal/Wait, Yield,
// preemption by the timer and by budget exhaustion, a fault and its handler).

import {
  seL4_Call,
  seL4_DebugPutChar,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_ReplyRecv,
  seL4_SchedContext_Sporadic,
  seL4_SchedControl_ConfigureFlags,
  seL4_SetMR,
  seL4_GetMR,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
  sel4ts_read,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import {
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  threadKit,
} from "../kernel/thread-helpers.ts";

function* say(s: string): UserGenerator<void> {
  for (const c of s) yield* seL4_DebugPutChar(c.charCodeAt(0));
}

/** A server squaring numbers for two clients of different priorities, 3,000 calls each. */
export function* ipcLoop(bi: seL4_BootInfo): UserGenerator<void> {
  const k = yield* threadKit(bi);
  const ep = yield* k.make(seL4_EndpointObject);
  const reply = yield* k.make(seL4_ReplyObject);
  const done = yield* k.make(seL4_NotificationObject);
  yield* k.spawn(
    function* () {
      yield* seL4_Recv(ep, reply);
      for (;;) {
        const x = Number(seL4_GetMR(0));
        seL4_SetMR(0, x * x);
        yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), reply);
      }
    },
    { prio: 150, withSC: true },
  );
  for (const [name, prio] of [
    ["a", 100],
    ["b", 90],
  ] as const) {
    yield* k.spawn(
      function* () {
        let sum = 0;
        for (let i = 0; i < 3000; i++) {
          seL4_SetMR(0, i);
          yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
          sum = (sum + Number(seL4_GetMR(0))) % 1_000_003;
          if (i % 500 === 0) yield* sel4ts_busy(700); // the timer preempts some of these
        }
        yield* say(`${name}: ${sum}\n`);
        yield* seL4_Signal(done);
      },
      { prio, budgetUs: 1000, periodUs: 1000 },
    );
  }
  yield* seL4_Wait(done);
  yield* seL4_Wait(done);
  yield* say("ipc done\n");
}

/** Busy threads under sporadic SCs exchanging signals, yielding, and one VM fault handled. */
export function* mixedLoad(bi: seL4_BootInfo): UserGenerator<void> {
  const k = yield* threadKit(bi);
  const n = yield* k.make(seL4_NotificationObject);
  const done = yield* k.make(seL4_NotificationObject);
  const faults = yield* k.make(seL4_EndpointObject);
  const reply = yield* k.make(seL4_ReplyObject);
  const ctl = bi.schedcontrol.start;
  const hog = k.alloc();
  const hogTcb = yield* k.spawn(
    function* () {
      for (let i = 0; i < 40; i++) {
        yield* sel4ts_busy(900);
        yield* seL4_Signal(n);
      }
    },
    { prio: 120, scSlot: hog, start: false },
  );
  const waiter = yield* k.spawn(
    function* () {
      for (let i = 0; i < 30; i++) {
        yield* seL4_Wait(n);
        yield* sel4ts_busy(150);
        if (i % 7 === 0) yield* seL4_Yield();
      }
      yield* say("waiter done\n");
      yield* seL4_Signal(done);
    },
    { prio: 110, start: false },
  );
  const faulter = yield* k.spawn(
    function* () {
      yield* sel4ts_read(0x7000_0000, 4); // unmapped: a VM fault to the handler, which stops it
    },
    { prio: 115, faultEp: faults, start: false },
  );
  if ((yield* seL4_SchedControl_ConfigureFlags(ctl, hog, 2000, 5000, 2, 0, seL4_SchedContext_Sporadic)) !== 0)
    throw new Error("configure failed");
  for (const t of [waiter, faulter]) yield* seL4_TCB_Resume(t);
  const { info } = yield* seL4_Recv(faults, reply);
  yield* say(`fault label ${Number(info) >>> 12}\n`);
  yield* seL4_TCB_Resume(hogTcb);
  yield* seL4_Wait(done);
  yield* say("mixed done\n");
}
