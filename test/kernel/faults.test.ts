// Faults of TS threads (semantics §12: FLT-1..FLT-16): raising, delivery through the handler cap
// captured in the TCB, and the message layouts. Replies and timeout faults: faults-reply.test.ts.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CanRead,
  seL4_CapInitThreadCNode,
  seL4_CNode_CapData_new,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CapTableObject,
  seL4_DepthMismatch,
  seL4_EndpointObject,
  seL4_Fault_CapFault,
  seL4_Fault_NullFault,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  seL4_GuardMismatch,
  seL4_MessageInfo_new,
  seL4_NBSend,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_Send,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Signal,
  seL4_Untyped_Retype,
  seL4_Wait,
  sel4ts_read,
  sel4ts_write,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
} from "../../src/user/libsel4.ts";
import * as R from "../../src/abi/registers.ts";

import { findUntyped, runRoot } from "../harness.ts";
import { currentPC, ipcKit, kSC, kTcb, rawSyscall, rootCN, setRegister, settle, W } from "./ipc-helpers.ts";
import { BADGE, faultRun, GUARD_BAD, unknownSyscall } from "./fault-helpers.ts";
describe("FLT-1..FLT-4: raising", () => {
  it("FLT-1/FLT-16 an unresolvable cptr on Send is a cap fault; the reply's label and MRs do not matter, the Send re-executes", () => {
    let pc = 0n;
    const { faults } = faultRun(
      () =>
        function* () {
          yield* seL4_NBSend(GUARD_BAD, seL4_MessageInfo_new(0, 0, 0, 0)); // non-blocking: no fault
          pc = currentPC();
          yield* seL4_Send(GUARD_BAD, seL4_MessageInfo_new(0, 0, 0, 0));
        },
      (_m, i) => (i === 0 ? [1, [0x1234, 5]] : null),
      { count: 2 },
    );
    const expected = { label: seL4_Fault_CapFault, length: 7, badge: BADGE };
    expect(faults.map((f) => ({ ...f, mrs: f.mrs.slice(0, 4) }))).toEqual([
      { ...expected, mrs: [pc, GUARD_BAD, 0n, BigInt(seL4_GuardMismatch)] },
      { ...expected, mrs: [pc, GUARD_BAD, 0n, BigInt(seL4_GuardMismatch)] },
    ]);
  });

  it("FLT-1/IPC-23 an unresolvable extra cap on Call is a cap fault on that cptr; the fault message replaces the MRs", () => {
    let pc = 0n;
    const { faults } = faultRun(
      () =>
        function* () {
          seL4_SetCap(0, seL4_CapInitThreadCNode);
          seL4_SetCap(1, GUARD_BAD + 5n);
          for (let i = 0; i < 8; i++) seL4_SetMR(i, 0x1000 + i);
          pc = currentPC();
          yield* seL4_Call(seL4_CapInitThreadCNode, seL4_MessageInfo_new(0x55, 0, 2, 8));
        },
      () => null,
    );
    expect(faults[0].label).toBe(seL4_Fault_CapFault);
    expect(faults[0].mrs).toEqual([
      pc,
      GUARD_BAD + 5n,
      0n,
      BigInt(seL4_GuardMismatch),
      64n,
      0n,
      faults[0].mrs[6],
    ]);
  });

  it("FLT-2/FLT-10/FLT-12 an unknown syscall: label 2, badge of the handler cap, the 11-word layout; debug numbers do not fault", () => {
    const pcs: bigint[] = [];
    const { faults } = faultRun(
      (log) =>
        function* () {
          yield* rawSyscall(-15, seL4_CapInitThreadCNode); // DebugCapIdentify
          yield* unknownSyscall(42, log, pcs);
        },
      () => null,
    );
    expect(faults).toEqual([
      {
        label: seL4_Fault_UnknownSyscall,
        length: 11,
        mrs: [pcs[0], 0x5000n, 0x6000n, 0xa0n, 0xa1n, 0xa2n, 0xa3n, 0xa4n, 0xa5n, 0xa6n, 42n],
        badge: BADGE,
      },
    ]);
  });

  it("FLT-2 syscall numbers 0, -30 and 2^32 + 5 are unknown", () => {
    const { faults } = faultRun(
      (log) =>
        function* () {
          for (const n of [0, -30, 0x1_0000_0005]) yield* unknownSyscall(n, log, []);
        },
      (m) => [0, [m.mrs[0] + 4n]],
      { count: 3 },
    );
    expect(faults.map((f) => f.mrs[10])).toEqual([0n, BigInt.asUintN(64, -30n), 0x1_0000_0005n]);
  });

  it("FLT-10 a handler without a receive buffer gets only the first 4 words", () => {
    const pcs: bigint[] = [];
    const { faults } = faultRun(
      (log) =>
        function* () {
          yield* unknownSyscall(42, log, pcs);
        },
      () => null,
      { handler: { bufferRights: seL4_CanRead } },
    );
    expect(faults[0]).toEqual({
      label: seL4_Fault_UnknownSyscall,
      length: 4,
      mrs: [pcs[0], 0x5000n, 0x6000n, 0xa0n],
      badge: BADGE,
    });
  });

  it("FLT-3/FLT-13 a TS thread that throws raises a UserException: [FaultIP, sp, 2 (illegal instruction), 0]", () => {
    let pc = 0n;
    const { faults, run } = faultRun(
      () =>
        function* () {
          setRegister(R.sp, 0x7000);
          yield* rawSyscall(-15, 0); // a system call first: the thread now runs at a known pc
          pc = currentPC();
          throw new Error("boom");
        },
      () => null,
      { allowErrors: true },
    );
    expect(faults).toEqual([
      { label: seL4_Fault_UserException, length: 4, mrs: [pc, 0x7000n, 2n, 0n], badge: BADGE },
    ]);
    expect(run.diagnostics.some((d) => d.includes("boom"))).toBe(true);
  });

  for (const [what, access, fsr] of [
    ["load", "read", 5n],
    ["store", "write", 7n],
  ] as const) {
    it(`FLT-4/FLT-14/FLT-16 a ${what} from an unmapped address: [PC, address, 0, ${fsr}]; any reply retries the access`, () => {
      let pc = 0n;
      const { faults } = faultRun(
        () =>
          function* () {
            pc = currentPC();
            if (access === "read") yield* sel4ts_read(0x4000_0008, 8);
            else yield* sel4ts_write(0x4000_0008, 4, 1);
          },
        (_m, i) => (i === 0 ? [3, [0x1000]] : null),
        { count: 2 },
      );
      const f = { label: seL4_Fault_VMFault, length: 4, mrs: [pc, 0x4000_0008n, 0n, fsr], badge: BADGE };
      expect(faults).toEqual([f, f]);
    });
  }

  it("FLT-4/FLT-17 an instruction fetch from a non-code pc (set by a fault reply): [pc, pc, 1, 1]", () => {
    const { faults } = faultRun(
      (log) =>
        function* () {
          yield* unknownSyscall(42, log, []);
        },
      (_m, i) => (i === 0 ? [0, [0x4000_0000]] : null),
      { count: 2 },
    );
    expect(faults[1]).toEqual({
      label: seL4_Fault_VMFault,
      length: 4,
      mrs: [0x4000_0000n, 0x4000_0000n, 1n, 1n],
      badge: BADGE,
    });
  });
});

describe("FLT-6..FLT-10: delivery", () => {
  it("FLT-6 the handler cap is the one captured at configuration: changing the cptr afterwards changes nothing", () => {
    const got: bigint[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const fep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const handlerCap = yield* k.mint(fep, seL4_AllRights, 0x61);
      yield* k.spawn(
        function* () {
          yield* rawSyscall(42);
        },
        { faultEp: handlerCap },
      );
      expect(yield* seL4_CNode_Delete(rootCN, handlerCap, W)).toBe(0);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_CNode_Mint(rootCN, handlerCap, W, rootCN, n, W, seL4_AllRights, 0)).toBe(0);
      got.push(BigInt((yield* seL4_Recv(fep, reply)).sender));
    });
    expect(got).toEqual([0x61n]);
  });

  it("FLT-7 with no handler the thread just becomes Inactive (and a debug diagnostic says why)", () => {
    const got: number[] = [];
    const run = runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const t = yield* k.spawn(function* () {
        yield* rawSyscall(42);
        got.push(-1);
      });
      yield* settle();
      got.push(kTcb(t.tcb).state, kTcb(t.tcb).faultType);
    });
    // sendFaultIPC records the fault only when there is a handler to send it to.
    expect(got).toEqual([ThreadState_Inactive, seL4_Fault_NullFault]);
    expect(run.diagnostics.some((d) => d.includes("no fault handler") && d.includes("unknown syscall"))).toBe(
      true,
    );
  });

  it("FLT-8 a handler that receives without a reply object leaves the faulting thread Inactive", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const fep = yield* k.make(seL4_EndpointObject);
      const t = yield* k.spawn(
        function* () {
          yield* rawSyscall(42);
        },
        { faultEp: fep },
      );
      yield* settle();
      const { sender } = yield* seL4_Wait(fep);
      got.push(sender, kTcb(t.tcb).state);
    });
    expect(got).toEqual([0, ThreadState_Inactive]);
  });

  it("FLT-8 a fault donates the thread's SC to a passive handler; the reply returns it", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const fep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const handler = yield* k.passive(function* () {
        const { info } = yield* seL4_Recv(fep, reply);
        got.push(`handler ran, label ${Number(BigInt(info) >> 12n)}`);
        yield* seL4_Wait(n);
        yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      });
      const t = yield* k.spawn(
        function* () {
          yield* sel4ts_read(0x4000_0000, 8);
          got.push("thread retried");
        },
        { faultEp: fep },
      );
      yield* settle();
      got.push(kSC(t.sc).tcb === kTcb(handler.tcb));
      yield* seL4_Signal(n);
      yield* settle(); // the thread retries the load and faults again, with nobody to receive it
      got.push(kSC(t.sc).tcb === kTcb(t.tcb), kTcb(handler.tcb).sc, kTcb(t.tcb).state);
    });
    expect(got).toEqual(["handler ran, label 6", true, true, null, ThreadState_BlockedOnSend]);
  });
});

describe("FLT-11: cap fault layout", () => {
  it("FLT-11 a depth mismatch in a two-level CSpace: [pc, cptr, 0, DepthMismatch, bitsLeft, bitsFound]", () => {
    let pc = 0n;
    const { faults } = faultRun(
      () =>
        function* () {
          pc = currentPC();
          yield* seL4_Call(0x205, seL4_MessageInfo_new(0, 0, 0, 0));
        },
      () => null,
      {
        thread: function* (k) {
          // Top CNode: 16 slots behind a 52-bit guard (56 bits); slot 2: a 256-slot CNode behind a
          // 4-bit guard (which matches), needing 12 of the 8 bits left.
          const ut = findUntyped(k.bi, 20).cptr;
          const top = k.alloc();
          const leaf = k.alloc();
          expect(yield* seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, rootCN, 0, 0, top, 1)).toBe(0);
          expect(yield* seL4_Untyped_Retype(ut, seL4_CapTableObject, 8, rootCN, 0, 0, leaf, 1)).toBe(0);
          const data = seL4_CNode_CapData_new(0, 4);
          expect(yield* seL4_CNode_Mint(top, 2, 4, rootCN, leaf, W, seL4_AllRights, data)).toBe(0);
          return { cspace: { root: top, data: seL4_CNode_CapData_new(0, 52) } };
        },
      },
    );
    expect(faults[0]).toEqual({
      label: seL4_Fault_CapFault,
      length: 6,
      mrs: [pc, 0x205n, 0n, BigInt(seL4_DepthMismatch), 8n, 12n],
      badge: BADGE,
    });
  });
});
