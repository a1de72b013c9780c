// Notifications between TS threads (semantics §10: NT-1..NT-11): signal and wait, the word,
// bound threads, SC donation through a notification, and deletion.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CanRead,
  seL4_CapInitThreadTCB,
  seL4_CNode_Delete,
  seL4_EndpointObject,
  seL4_Fault_CapFault,
  seL4_MissingCapability,
  seL4_GetMR,
  seL4_InvalidCapability,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NBSendWait,
  seL4_NotificationObject,
  seL4_Poll,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_SchedContext_Bind,
  seL4_Send,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_BindNotification,
  seL4_Untyped_Retype,
  seL4_Wait,
  ThreadState_BlockedOnNotification,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_Restart,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import {
  EPState_Idle,
  NtfnState_Active,
  NtfnState_Idle,
  NtfnState_Waiting,
} from "../../src/kernel/structures.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { ipcKit, kEp, kNtfn, kReply, kSC, kTcb, rootCN, settle, W } from "./ipc-helpers.ts";

describe("NT-1..NT-4: signal and wait", () => {
  it("NT-1 a notification goes Idle -> Active (word) -> Idle, and Waiting while threads wait", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const n6 = yield* k.mint(n, seL4_AllRights, 6);
      const kn = kNtfn(n);
      got.push(kn.state);
      yield* seL4_Signal(n6);
      got.push(kn.state, kn.msgLo);
      got.push(Number((yield* seL4_Wait(n)).sender), kn.state);
      yield* k.spawn(function* () {
        yield* seL4_Wait(n);
      });
      yield* settle();
      got.push(kn.state);
      yield* seL4_Signal(n6);
      got.push(kn.state);
    });
    expect(got).toEqual([
      NtfnState_Idle,
      NtfnState_Active,
      6,
      6,
      NtfnState_Idle,
      NtfnState_Waiting,
      NtfnState_Idle,
    ]);
  });

  it("NT-2 Signal needs Write: Call gets InvalidCapability, Send is ignored; Call with Write signals and gets an empty reply", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const readOnly = yield* k.copy(n, seL4_CanRead);
      const info = yield* seL4_Call(readOnly, seL4_MessageInfo_new(0, 0, 0, 0));
      got.push(seL4_MessageInfo_get_label(info), seL4_GetMR(0));
      yield* seL4_Send(readOnly, seL4_MessageInfo_new(0, 0, 0, 0));
      got.push(kNtfn(n).state);
      const badged = yield* k.mint(n, seL4_AllRights, 9);
      seL4_SetMR(0, 1234);
      const ok = yield* seL4_Call(badged, seL4_MessageInfo_new(77, 0, 0, 2));
      got.push(
        seL4_MessageInfo_get_label(ok),
        seL4_MessageInfo_get_length(ok),
        kNtfn(n).state,
        kNtfn(n).msgLo,
      );
    });
    expect(got).toEqual([seL4_InvalidCapability, 0, NtfnState_Idle, 0, 0, NtfnState_Active, 9]);
  });

  it("NT-3 a signal wakes the first waiter in priority order with the signalling cap's badge, not OR-ed", () => {
    const got: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      for (const [name, prio] of [
        ["w1", 50],
        ["w2", 80],
        ["w3", 80],
      ] as const) {
        yield* k.spawn(
          function* () {
            const { sender } = yield* seL4_Wait(n);
            got.push(`${name}:${sender}`);
          },
          { prio },
        );
        yield* settle();
      }
      for (const badge of [1, 2, 4]) yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, badge));
    });
    expect(got.sort()).toEqual(["w1:4", "w2:1", "w3:2"]);
  });

  it("NT-4 signals on an active notification OR their badges into the word and wake nobody", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      for (const badge of [1, 2, 4, 2]) yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, badge));
      got.push((yield* seL4_Poll(n)).sender, (yield* seL4_Poll(n)).sender);
    });
    expect(got).toEqual([7, 0]);
  });
});

describe("NT-5, NT-6: bound notifications", () => {
  it("NT-5 a signal wakes the bound thread out of an endpoint receive: receive cancelled, badge delivered", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const r = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.spawn(function* () {
        const { sender, info } = yield* seL4_Recv(ep, r);
        got.push(`woke with ${sender} label ${seL4_MessageInfo_get_label(info)}`);
      });
      expect(yield* seL4_TCB_BindNotification(t.tcb, n)).toBe(0);
      yield* settle();
      yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, 0x20));
      got.push(kTcb(t.tcb).state, kEp(ep).state, kReply(r).tcb, kNtfn(n).state);
    });
    expect(got).toEqual([ThreadState_Running, EPState_Idle, null, NtfnState_Idle, "woke with 32 label 0"]);
  });

  it("NT-5 a badge-0 signal with no bound receiver still makes the notification Active; Wait then returns at once", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      yield* seL4_Signal(n);
      got.push(kNtfn(n).state);
      const { sender } = yield* seL4_Wait(n); // would block forever if the signal were lost
      got.push(sender, kNtfn(n).state);
    });
    expect(got).toEqual([NtfnState_Active, 0, NtfnState_Idle]);
  });

  it("NT-6 a bound thread waiting for a reply, sending, or waiting on another notification is not woken; the signal is latched", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const other = yield* k.make(seL4_NotificationObject);
      const bodies = [
        function* () {
          yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        function* () {
          yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        function* () {
          yield* seL4_Wait(other);
        },
      ];
      for (const body of bodies) {
        const n = yield* k.make(seL4_NotificationObject);
        const t = yield* k.spawn(body);
        expect(yield* seL4_TCB_BindNotification(t.tcb, n)).toBe(0);
        yield* settle();
        if (body === bodies[0]) yield* seL4_Recv(ep, reply); // the call now waits for its reply
        yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, 3));
        got.push(kTcb(t.tcb).state, kNtfn(n).state, kNtfn(n).msgLo);
      }
    });
    expect(got).toEqual([
      ThreadState_BlockedOnReply,
      NtfnState_Active,
      3,
      ThreadState_BlockedOnSend,
      NtfnState_Active,
      3,
      ThreadState_BlockedOnNotification,
      NtfnState_Active,
      3,
    ]);
  });
});

describe("NT-9: waiting on a bound notification", () => {
  it("NT-9 only the bound thread may wait on a bound notification; another thread gets a cap fault", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const fep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const bound = yield* k.spawn(function* () {
        const { sender } = yield* seL4_Wait(n);
        got.push(`bound thread woke with ${sender}`);
      });
      expect(yield* seL4_TCB_BindNotification(bound.tcb, n)).toBe(0);
      yield* k.spawn(
        function* () {
          yield* seL4_Wait(n);
          got.push("other thread woke");
        },
        { faultEp: fep },
      );
      yield* settle();
      const { info } = yield* seL4_Recv(fep, reply);
      got.push(seL4_MessageInfo_get_label(info), Number(seL4_GetMR(1)) === n, seL4_GetMR(2), seL4_GetMR(3));
      yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, 8));
    });
    expect(got).toEqual([seL4_Fault_CapFault, true, 1, seL4_MissingCapability, "bound thread woke with 8"]);
  });
});

describe("NT-7, NT-8, NT-10: waiting, polling and SC donation", () => {
  it("NT-7 Poll on an idle notification returns 0 without blocking", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      got.push((yield* seL4_Poll(n)).sender, kNtfn(n).state);
    });
    expect(got).toEqual([0, NtfnState_Idle]);
  });

  it("NT-7/NT-10 a passive waiter borrows the notification's SC when signalled and gives it back when it waits again", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const nb = yield* k.mint(n, seL4_AllRights, 1);
      const t = yield* k.passive(function* () {
        for (;;) {
          const { sender } = yield* seL4_Wait(n);
          got.push(`ran with ${sender}`);
        }
      });
      const scN = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(scN, n)).toBe(0);
      yield* seL4_Signal(nb);
      got.push(kTcb(t.tcb).sc === kSC(scN));
      yield* settle();
      got.push(kTcb(t.tcb).sc, kSC(scN).tcb, kTcb(t.tcb).state);
    });
    expect(got).toEqual([true, "ran with 1", null, null, ThreadState_BlockedOnNotification]);
  });

  it("NT-10 the notification's SC is lent only while no thread holds it", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const n1 = yield* k.mint(n, seL4_AllRights, 1);
      const body = (name: string) =>
        function* () {
          yield* seL4_Wait(n);
          got.push(`${name} ran`);
          yield* seL4_Signal(n1); // wakes the other waiter while this one holds the SC
          yield* seL4_Wait(n);
        };
      const t1 = yield* k.passive(body("t1"));
      const t2 = yield* k.passive(body("t2"));
      const scN = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(scN, n)).toBe(0);
      yield* seL4_Signal(n1);
      yield* settle();
      got.push(kSC(scN).tcb, kTcb(t1.tcb).sc, kTcb(t2.tcb).state, kTcb(t2.tcb).sc);
    });
    // t1 woke first (queued first at equal priority), woke t2 without an SC, and gave the SC back.
    expect(got).toEqual(["t1 ran", null, null, ThreadState_Running, null]);
  });

  it("NT-8 a Wait that finds the notification active takes the word and, having no SC, the notification's SC", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const r = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const scN = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(scN, n)).toBe(0);
      yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, 0x44));
      const server = yield* k.passive(function* () {
        yield* seL4_Recv(ep, r);
        got.push("server ran");
        yield* seL4_Recv(ep, r);
      });
      const t = yield* k.spawn(function* () {
        // Phase 1 donates t's SC to the passive server; phase 2 finds the word pending.
        const { sender } = yield* seL4_NBSendWait(ep, seL4_MessageInfo_new(0, 0, 0, 0), n);
        got.push(`t got ${sender}`);
        yield* seL4_Wait(yield* k.make(seL4_NotificationObject));
      });
      const tSC = kSC(t.sc);
      yield* settle();
      got.push(tSC.tcb === kTcb(server.tcb), kTcb(t.tcb).sc === kSC(scN), kNtfn(n).state);
    });
    expect(got).toEqual(["t got 68", "server ran", true, true, NtfnState_Idle]);
  });
});

describe("NT-11: deletion", () => {
  it("NT-11 deleting the final notification cap unbinds it and restarts its waiters, which wait again on what is then in the slot", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ut = findUntyped(bi, 20).cptr;
      const n = yield* k.make(seL4_NotificationObject);
      const bound = yield* k.make(seL4_NotificationObject);
      const scN = yield* k.makeSC();
      const w = yield* k.spawn(function* () {
        const { sender } = yield* seL4_Wait(n);
        got.push(`waiter woke with ${sender}`);
      });
      yield* settle();
      expect(yield* seL4_SchedContext_Bind(scN, bound)).toBe(0);
      expect(yield* seL4_TCB_BindNotification(seL4_CapInitThreadTCB, bound)).toBe(0);
      const root = kTcb(seL4_CapInitThreadTCB);
      expect(yield* seL4_CNode_Delete(rootCN, bound, W)).toBe(0);
      got.push(root.boundNotification, kSC(scN).notification);
      expect(yield* seL4_CNode_Delete(rootCN, n, W)).toBe(0);
      got.push(kTcb(w.tcb).state);
      expect(yield* seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, rootCN, 0, 0, n, 1)).toBe(0);
      yield* settle(); // the waiter re-issues its Wait on the new notification
      got.push(kNtfn(n).state);
      yield* seL4_Signal(yield* k.mint(n, seL4_AllRights, 5));
    });
    expect(got).toEqual([null, null, ThreadState_Restart, NtfnState_Waiting, "waiter woke with 5"]);
  });
});
