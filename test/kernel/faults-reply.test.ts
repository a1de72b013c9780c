// Fault replies and timeout faults (semantics §12: FLT-5, FLT-9, FLT-15, FLT-17..FLT-21).

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CapInitThreadCNode,
  seL4_DebugCapIdentify,
  seL4_EndpointObject,
  seL4_Fault_NullFault,
  seL4_Fault_Timeout,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_SchedContextObject,
  seL4_Send,
  seL4_SysRecv,
  seL4_SysSend,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
  seL4_TCB_Resume,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_Suspend,
  sel4ts_busy,
  sel4ts_entry,
  ThreadState_BlockedOnReply,
  ThreadState_Inactive,
  ThreadState_Restart,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import * as R from "../../src/abi/registers.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import {
  getRegister,
  ipcKit,
  kSC,
  kTcb,
  rawSyscall,
  readMsg,
  setRegister,
  settle,
  W,
  type Msg,
} from "./ipc-helpers.ts";
import { faultRun, GUARD_BAD, unknownSyscall } from "./fault-helpers.ts";
describe("FLT-5, FLT-9, FLT-15, FLT-19: timeout faults", () => {
  it("FLT-5/FLT-9/FLT-15 a thread out of budget with a timeout endpoint sends [SC badge, consumed]; the reply lets it go on", () => {
    const faults: Msg[] = [];
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const tep = yield* k.make(seL4_EndpointObject);
      const tepBadged = yield* k.mint(tep, seL4_AllRights, 0x99);
      const reply = yield* k.make(seL4_ReplyObject);
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      expect(
        yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, 1000, 10_000, 0, 0x7b, 0),
      ).toBe(0);
      const t = yield* k.spawn(
        function* () {
          yield* sel4ts_busy(2500);
          log.push("busy done");
        },
        { sc },
      );
      expect(yield* seL4_TCB_SetTimeoutEndpoint(t.tcb, tepBadged)).toBe(0);
      yield* k.spawn(
        function* () {
          for (;;) {
            const { info, sender } = yield* seL4_Recv(tep, reply);
            faults.push(readMsg(info, sender));
            yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
          }
        },
        { prio: 200 },
      );
    });
    // 2500 µs of work on a 1000 µs budget: two timeouts, each answered, then the work completes.
    expect(faults.length).toBe(2);
    expect([faults[0].label, faults[0].length, faults[0].badge, faults[0].mrs[0]]).toEqual([
      seL4_Fault_Timeout,
      2,
      0x99n,
      0x7bn,
    ]);
    // The budget (1000 µs) was used up, give or take the charging granularity.
    expect(Number(faults[0].mrs[1])).toBeGreaterThan(900);
    expect(Number(faults[0].mrs[1])).toBeLessThan(1100);
    expect(log).toEqual(["busy done"]);
  });
});

describe("FLT-8/IPC-21: timeout faults never donate", () => {
  it("FLT-8 a timeout fault to a passive handler leaves the handler without an SC and the thread with its own", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const tep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const handler = yield* k.passive(function* () {
        yield* seL4_Recv(tep, reply);
        got.push("handler ran");
      });
      const sc = yield* k.make(seL4_SchedContextObject, 8);
      expect(yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, 1000, 10_000, 0, 0, 0)).toBe(
        0,
      );
      const t = yield* k.spawn(
        function* () {
          yield* sel4ts_busy(2000);
        },
        { sc },
      );
      expect(yield* seL4_TCB_SetTimeoutEndpoint(t.tcb, tep)).toBe(0);
      yield* settle();
      got.push(kTcb(handler.tcb).state, kTcb(handler.tcb).sc, kTcb(t.tcb).sc === kSC(sc), kTcb(t.tcb).state);
    });
    expect(got).toEqual([ThreadState_Running, null, true, ThreadState_BlockedOnReply]);
  });
});

describe("FLT-17..FLT-21: fault replies", () => {
  it("FLT-17/IPC-33 an UnknownSyscall reply with label 0 rewrites [FaultIP, sp, ra, a0]: pc + 4 resumes after the ecall", () => {
    const { log } = faultRun(
      (l) =>
        function* () {
          yield* unknownSyscall(42, l, []);
          l.push(`ra=${getRegister(R.ra).toString(16)}`);
        },
      (m) => [0, [m.mrs[0] + 4n, 0x9000, 0x9100, 0x1111]],
    );
    expect(log).toEqual(["returned a0=1111 sp=9000", "ra=9100"]);
  });

  it("FLT-17 a reply of length 0 restarts the ecall (it traps again); a non-zero label leaves the thread Inactive", () => {
    const got: number[] = [];
    const { faults } = faultRun(
      (log) =>
        function* () {
          yield* unknownSyscall(42, log, []);
        },
      (_m, i) => (i === 0 ? [0, []] : [1, []]),
      {
        count: 2,
        after: function* (_k, t) {
          got.push(kTcb(t.tcb).state);
        },
      },
    );
    expect(faults.map((f) => f.mrs[0])).toEqual([faults[0].mrs[0], faults[0].mrs[0]]);
    expect(got).toEqual([ThreadState_Inactive]);
  });

  it("FLT-17/FLT-20 MRs 4..9 of the reply come from the replier's IPC buffer, and only if it has one", () => {
    for (const noBuffer of [false, true]) {
      const regs: bigint[] = [];
      const faults: Msg[] = [];
      runRoot(function* (bi) {
        const k = yield* ipcKit(bi);
        const fep = yield* k.make(seL4_EndpointObject);
        const hreply = yield* k.make(seL4_ReplyObject);
        yield* k.spawn(
          function* () {
            // No libsel4 stubs (they touch the buffer): raw registers only.
            const r = yield* rawSyscall(seL4_SysRecv, fep, 0, hreply);
            const pc = getRegister(R.a2);
            faults.push({ label: Number(r.a1 >> 12n), length: Number(r.a1 & 0x7fn), mrs: [pc], badge: r.a0 });
            const words = [pc + 4n, 0x9000n, 0x9100n, 0x1111n];
            words.forEach((w, i) => setRegister(R.a2 + i, w));
            if (!noBuffer) for (let i = 4; i < 10; i++) seL4_SetMR(i, 0xb00 + i);
            yield* rawSyscall(seL4_SysSend, hreply, seL4_MessageInfo_new(0, 0, 0, 10));
          },
          { prio: 200, noBuffer },
        );
        yield* settle();
        yield* k.spawn(
          function* () {
            yield* unknownSyscall(42, [], []);
            for (const r of [R.a1, R.a2, R.a6]) regs.push(getRegister(r));
          },
          { faultEp: fep },
        );
      });
      expect(faults[0].length).toBe(noBuffer ? 4 : 11);
      // a1 is the first register past MR3 (a0); a2..a6 follow.
      expect(regs).toEqual(noBuffer ? [0xa1n, 0xa2n, 0xa6n] : [0xb04n, 0xb05n, 0xb09n]);
    }
  });

  it("FLT-18 a UserException reply sets [FaultIP, sp]: the thread restarts wherever the handler says", () => {
    const log: string[] = [];
    const recovery = function* (): UserGenerator<void> {
      log.push(`recovered with sp=${getRegister(R.sp).toString(16)}`);
    };
    faultRun(
      () =>
        function* () {
          throw new Error("boom");
        },
      () => [0, [sel4ts_entry(recovery), 0x8800, 0x1234]],
      { allowErrors: true },
    );
    expect(log).toEqual(["recovered with sp=8800"]);
  });

  it("FLT-18 a UserException reply with a non-zero label leaves the thread Inactive", () => {
    const got: number[] = [];
    faultRun(
      () =>
        function* () {
          throw new Error("boom");
        },
      () => [1, [0]],
      {
        allowErrors: true,
        after: function* (_k, t) {
          got.push(kTcb(t.tcb).state);
        },
      },
    );
    expect(got).toEqual([ThreadState_Inactive]);
  });

  it("FLT-19 a timeout reply sets [FaultIP, ra, sp, ...] with label 0; a non-zero label stops the thread", () => {
    for (const label of [0, 1]) {
      const log: string[] = [];
      let state = -1;
      runRoot(function* (bi) {
        const k = yield* ipcKit(bi);
        const tep = yield* k.make(seL4_EndpointObject);
        const reply = yield* k.make(seL4_ReplyObject);
        const sc = yield* k.make(seL4_SchedContextObject, 8);
        expect(
          yield* seL4_SchedControl_ConfigureFlags(bi.schedcontrol.start, sc, 1000, 10_000, 0, 1, 0),
        ).toBe(0);
        const next = function* (): UserGenerator<void> {
          log.push(
            `continues with ra=${getRegister(R.ra).toString(16)} sp=${getRegister(R.sp).toString(16)}`,
          );
        };
        const t = yield* k.spawn(
          function* () {
            yield* sel4ts_busy(5000);
            log.push("busy done");
          },
          { sc },
        );
        expect(yield* seL4_TCB_SetTimeoutEndpoint(t.tcb, tep)).toBe(0);
        yield* seL4_Recv(tep, reply);
        [sel4ts_entry(next), 0x7100, 0x7200].forEach((v, i) => seL4_SetMR(i, v));
        yield* seL4_Send(reply, seL4_MessageInfo_new(label, 0, 0, 3));
        state = kTcb(t.tcb).state;
      });
      expect(log).toEqual(label === 0 ? ["continues with ra=7100 sp=7200"] : []);
      expect(state).toBe(label === 0 ? ThreadState_Restart : ThreadState_Inactive);
    }
  });

  it("FLT-21 no caps or message reach a thread through a fault reply", () => {
    const got: unknown[] = [];
    faultRun(
      () =>
        function* () {
          seL4_SetCapReceivePath(seL4_CapInitThreadCNode, 3000, W);
          seL4_SetMR(0, 0x42);
          setRegister(R.a2, 0x42);
          yield* seL4_Call(GUARD_BAD, seL4_MessageInfo_new(0, 0, 0, 1));
        },
      (_m, i) => {
        if (i > 0) return null;
        seL4_SetCap(0, seL4_CapInitThreadCNode);
        return [0, [0x99, 0x98]];
      },
      {
        count: 2,
        after: function* (_k, t) {
          got.push(yield* seL4_DebugCapIdentify(3000), kTcb(t.tcb).regs[2 * R.a2]);
        },
      },
    );
    expect(got).toEqual([0, 0x42]);
  });

  it("FLT-21 suspending and resuming a thread with a pending fault discards it: the faulting ecall runs again", () => {
    const { faults } = faultRun(
      (log) =>
        function* () {
          yield* unknownSyscall(42, log, []);
        },
      () => null,
      {
        count: 2,
        after: function* (_k, t) {
          expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
          expect(kTcb(t.tcb).faultType).toBe(seL4_Fault_NullFault);
          expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
        },
      },
    );
    expect(faults.length).toBe(2);
    expect(faults[1].mrs[0]).toBe(faults[0].mrs[0]);
  });
});
