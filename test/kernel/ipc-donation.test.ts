// SC donation along call chains (semantics §9.9: IPC-45..IPC-50, with IPC-31 and DEL-6): A calls
// passive B, B calls passive C; replies hand A's SC back along the chain; deleting replies or
// unbinding the SC in the middle of a chain.

import { describe, expect, it } from "vitest";
import {
  seL4_Call,
  seL4_CNode_Delete,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_SchedContext_Bind,
  seL4_SchedContext_Consumed,
  seL4_SchedContext_Unbind,
  seL4_Send,
  seL4_Signal,
  seL4_TCB_Suspend,
  seL4_Wait,
  ThreadState_BlockedOnReply,
  ThreadState_Inactive,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import type { Reply, SchedContext, Tcb } from "../../src/kernel/structures.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import { ipcKit, kReply, kSC, kTcb, rootCN, settle, W, type IpcKit } from "./ipc-helpers.ts";

interface Chain {
  k: IpcKit;
  log: string[];
  a: Tcb;
  b: Tcb;
  c: Tcb;
  scA: SchedContext;
  /** Slots of the TCBs. */
  aSlot: number;
  bSlot: number;
  cSlot: number;
  /** Slots of the SC cap, replies and the notifications that release B and C. */
  scSlot: number;
  r1Slot: number;
  r2Slot: number;
  r1: Reply;
  r2: Reply;
  nB: number;
  nC: number;
}

/**
 * Build A -> B -> C: A (with an SC) calls passive B (reply R1), B calls passive C (reply R2), and
 * C then waits on nC holding A's SC. B, once its call returns, waits on nB before replying via R1.
 */
function* chain(k: IpcKit, log: string[]): UserGenerator<Chain> {
  const epB = yield* k.make(seL4_EndpointObject);
  const epC = yield* k.make(seL4_EndpointObject);
  const r1Slot = yield* k.make(seL4_ReplyObject);
  const r2Slot = yield* k.make(seL4_ReplyObject);
  const nB = yield* k.make(seL4_NotificationObject);
  const nC = yield* k.make(seL4_NotificationObject);
  const b = yield* k.passive(function* () {
    yield* seL4_Recv(epB, r1Slot);
    log.push("B got the call");
    yield* seL4_Call(epC, seL4_MessageInfo_new(0, 0, 0, 0));
    log.push("B back");
    yield* seL4_Wait(nB);
    yield* seL4_Send(r1Slot, seL4_MessageInfo_new(0, 0, 0, 0));
    log.push("B after its reply");
    yield* seL4_Wait(nB);
  });
  const c = yield* k.passive(function* () {
    yield* seL4_Recv(epC, r2Slot);
    log.push("C got the call");
    yield* seL4_Wait(nC);
    yield* seL4_Send(r2Slot, seL4_MessageInfo_new(0, 0, 0, 0));
    log.push("C after its reply");
    yield* seL4_Wait(nC);
  });
  const a = yield* k.spawn(function* () {
    yield* seL4_Call(epB, seL4_MessageInfo_new(0, 0, 0, 0));
    log.push("A back");
  });
  yield* settle();
  return {
    k,
    log,
    a: kTcb(a.tcb),
    b: kTcb(b.tcb),
    c: kTcb(c.tcb),
    scA: kSC(a.sc),
    aSlot: a.tcb,
    bSlot: b.tcb,
    cSlot: c.tcb,
    scSlot: a.sc,
    r1Slot,
    r2Slot,
    r1: kReply(r1Slot),
    r2: kReply(r2Slot),
    nB,
    nC,
  };
}

describe("IPC-45/IPC-46: a call chain", () => {
  it("IPC-46 the SC moves A -> B -> C with the calls and C -> B -> A with the replies", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ch = yield* chain(k, log);
      const { a, b, c, scA, r1, r2 } = ch;
      // IPC-45: SC -> R2 -> R1; the head reply names the SC.
      expect([scA.tcb, a.sc, b.sc]).toEqual([c, null, null]);
      expect(scA.reply).toBe(r2);
      expect([r2.nextSC, r2.prev, r2.next]).toEqual([scA, r1, null]);
      expect([r1.nextSC, r1.prev, r1.next]).toEqual([null, null, r2]);
      expect([a.state, b.state, r1.tcb, r2.tcb]).toEqual([
        ThreadState_BlockedOnReply,
        ThreadState_BlockedOnReply,
        a,
        b,
      ]);
      const before = yield* seL4_SchedContext_Consumed(ch.scSlot);
      expect(before.error).toBe(0);

      yield* seL4_Signal(ch.nC);
      yield* settle();
      expect([scA.tcb, c.sc, scA.reply, r1.nextSC, r1.next, r2.prev, r2.tcb]).toEqual([
        b,
        null,
        r1,
        scA,
        null,
        null,
        null,
      ]);

      yield* seL4_Signal(ch.nB);
      yield* settle();
      expect([scA.tcb, b.sc, scA.reply, r1.nextSC, r1.tcb]).toEqual([a, null, null, null, null]);
      // B and C ran on A's SC, so it was charged (IPC-35).
      const after = yield* seL4_SchedContext_Consumed(ch.scSlot);
      expect(BigInt(after.consumed)).toBeGreaterThan(0n);
    });
    // Each replier loses the SC with its reply, so neither prints after replying.
    expect(log).toEqual(["B got the call", "C got the call", "B back", "A back"]);
  });
});

describe("IPC-47..IPC-50: changing a chain", () => {
  it("IPC-47 deleting R1 in the middle: A is left Inactive; C's reply still returns the SC to B", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ch = yield* chain(k, log);
      const { a, b, scA, r1, r2 } = ch;
      expect(yield* seL4_CNode_Delete(rootCN, ch.r1Slot, W)).toBe(0);
      expect([a.state, r1.tcb, r2.prev, scA.reply, scA.tcb]).toEqual([
        ThreadState_Inactive,
        null,
        null,
        r2,
        ch.c,
      ]);
      yield* seL4_Signal(ch.nC);
      yield* settle();
      expect([scA.tcb, scA.reply]).toEqual([b, null]);
      yield* seL4_Signal(ch.nB); // B's reply through the deleted slot goes nowhere
      yield* settle();
      expect([a.state, scA.tcb]).toEqual([ThreadState_Inactive, b]);
    });
    expect(log).toEqual(["B got the call", "C got the call", "B back", "B after its reply"]);
  });

  it("IPC-48/DEL-6 deleting the head reply R2: B gets the SC back but is left Inactive", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ch = yield* chain(k, log);
      const { a, b, c, scA, r1 } = ch;
      expect(yield* seL4_CNode_Delete(rootCN, ch.r2Slot, W)).toBe(0);
      expect([scA.tcb, b.state, c.sc, scA.reply, r1.nextSC]).toEqual([
        b,
        ThreadState_Inactive,
        null,
        r1,
        scA,
      ]);
      expect(a.state).toBe(ThreadState_BlockedOnReply);
      yield* seL4_Signal(ch.nC);
      yield* settle();
    });
    // C lost the SC and B is stopped: nobody prints.
    expect(log).toEqual(["B got the call", "C got the call"]);
  });

  for (const how of ["unbind", "delete"] as const) {
    it(`IPC-49 ${how === "unbind" ? "SchedContext_Unbind" : "deleting the SC"} cuts it off the chain: replies wake callers, no SC travels`, () => {
      const log: string[] = [];
      runRoot(function* (bi) {
        const k = yield* ipcKit(bi);
        const ch = yield* chain(k, log);
        const { b, c, scA, r2 } = ch;
        if (how === "unbind") expect(yield* seL4_SchedContext_Unbind(ch.scSlot)).toBe(0);
        else expect(yield* seL4_CNode_Delete(rootCN, ch.scSlot, W)).toBe(0);
        expect([c.sc, r2.nextSC]).toEqual([null, null]);
        if (how === "unbind") expect([scA.tcb, scA.reply]).toEqual([null, null]);
        const scX = yield* k.makeSC();
        expect(yield* seL4_SchedContext_Bind(scX, ch.cSlot)).toBe(0);
        yield* seL4_Signal(ch.nC);
        yield* settle();
        // C replied on its new SC and went on; B is woken but has no SC to run on.
        expect([b.state, b.sc, c.sc, r2.prev, ch.r1.next]).toEqual([
          ThreadState_Running,
          null,
          kSC(scX),
          null,
          null,
        ]);
        log.push("B gets an SC");
        expect(yield* seL4_SchedContext_Bind(yield* k.makeSC(), ch.bSlot)).toBe(0);
        yield* settle();
      });
      expect(log).toEqual([
        "B got the call",
        "C got the call",
        "C after its reply",
        "B gets an SC",
        "B back",
      ]);
    });
  }

  it("IPC-40 suspending a caller inside a chain cuts its reply out without moving the SC", () => {
    for (const who of ["A", "B"] as const) {
      const log: string[] = [];
      runRoot(function* (bi) {
        const k = yield* ipcKit(bi);
        const ch = yield* chain(k, log);
        const { c, scA, r1, r2 } = ch;
        expect(yield* seL4_TCB_Suspend(who === "A" ? ch.aSlot : ch.bSlot)).toBe(0);
        if (who === "A") {
          // R1 was below the head: the chain is now SC -> R2.
          expect([scA.tcb, scA.reply, r2.prev, r1.next, r1.tcb]).toEqual([c, r2, null, null, null]);
        } else {
          // R2 was the head: the SC keeps no chain at all, R1 is left on its own.
          expect([scA.tcb, scA.reply, r2.nextSC, r1.next, r1.tcb]).toEqual([c, null, null, null, ch.a]);
        }
        yield* seL4_Signal(ch.nC);
        yield* settle();
        expect(scA.tcb).toBe(who === "A" ? ch.b : c);
      });
      expect(log).toEqual(
        who === "A"
          ? ["B got the call", "C got the call", "B back"]
          : ["B got the call", "C got the call", "C after its reply"],
      );
    }
  });

  it("IPC-50/IPC-31 a caller bound to a new SC while waiting keeps it; the donated SC stays with the server", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ch = yield* chain(k, log);
      const { a, b, scA } = ch;
      yield* seL4_Signal(ch.nC);
      yield* settle(); // SC -> R1 held by B, which waits on nB
      const scNew = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(scNew, ch.aSlot)).toBe(0);
      yield* seL4_Signal(ch.nB);
      yield* settle();
      expect([a.sc, scA.tcb, scA.reply]).toEqual([kSC(scNew), b, null]);
    });
    expect(log).toEqual(["B got the call", "C got the call", "B back", "B after its reply", "A back"]);
  });
});
