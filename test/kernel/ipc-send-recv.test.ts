// Sending and receiving on endpoints (semantics §9.3, §9.4: IPC-11..IPC-21): blocking and
// queueing, what a Call needs to wait for its reply, SC donation on send and receive, preemption
// by the woken thread, reply-object reuse and bound notifications completing a receive.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CanGrantReply,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_GetMR,
  seL4_InvalidCapability,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_NBRecv,
  seL4_NBSendWait,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_SchedContext_Bind,
  seL4_Send,
  seL4_SetCap,
  seL4_Signal,
  seL4_SysNBRecv,
  seL4_SysRecv,
  seL4_TCB_BindNotification,
  seL4_Wait,
  seL4_Yield,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import * as R from "../../src/abi/registers.ts";
import { EPState_Send, NtfnState_Idle } from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import { rt } from "../../src/user/runtime.ts";
import { ipcKit, kEp, kNtfn, kReply, kSC, kTcb, rawSyscall, setRegister, settle } from "./ipc-helpers.ts";

describe("IPC-11..IPC-16: sending", () => {
  it("IPC-11 an endpoint cap without Send: Call gets InvalidCapability(0), Send is silently dropped", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const recvOnly = yield* k.copy(ep, seL4_CanRead);
      const info = yield* seL4_Call(recvOnly, seL4_MessageInfo_new(1, 0, 0, 0));
      got.push(seL4_MessageInfo_get_label(info), seL4_GetMR(0));
      yield* seL4_Send(recvOnly, seL4_MessageInfo_new(1, 0, 0, 0));
      got.push(kEp(ep).state);
    });
    expect(got).toEqual([seL4_InvalidCapability, 0, 0]);
  });

  it("IPC-12 a blocked sender records badge, Grant, GrantReply and call; the receiver later gets them", () => {
    const got: (number | bigint | boolean)[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const cap = yield* k.mint(ep, seL4_CanWrite | seL4_CanGrantReply, 0x42);
      const t = yield* k.spawn(
        function* () {
          seL4_SetCap(0, n);
          yield* seL4_Call(cap, seL4_MessageInfo_new(1, 0, 1, 0));
        },
        { prio: 255 },
      );
      yield* seL4_Yield();
      const kt = kTcb(t.tcb);
      got.push(
        kt.state,
        kt.blockingIPCBadgeLo,
        kt.blockingIPCCanGrant,
        kt.blockingIPCCanGrantReply,
        kt.blockingIPCIsCall,
      );
      const { info, sender } = yield* seL4_Recv(ep, reply);
      // No Grant: the extra cap stays behind; GrantReply: the caller waits for the reply.
      got.push(sender, seL4_MessageInfo_get_extraCaps(info), kt.state);
    });
    expect(got).toEqual([
      ThreadState_BlockedOnSend,
      0x42,
      false,
      true,
      true,
      0x42,
      0,
      ThreadState_BlockedOnReply,
    ]);
  });

  it("IPC-13 the highest-priority receiver is served; its reply object is detached by a plain send", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const r1 = yield* k.make(seL4_ReplyObject);
      const r2 = yield* k.make(seL4_ReplyObject);
      const a = yield* k.spawn(function* () {
        yield* seL4_Recv(ep, r1);
        log.push("a");
      });
      const b = yield* k.spawn(
        function* () {
          yield* seL4_Recv(ep, r2);
          log.push("b");
        },
        { prio: 150 },
      );
      yield* settle();
      expect(kReply(r2).tcb).toBe(kTcb(b.tcb));
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
      expect(kReply(r2).tcb).toBe(null);
      expect(kReply(r1).tcb).toBe(kTcb(a.tcb));
      expect(kTcb(b.tcb).state).toBe(ThreadState_Running);
      yield* settle();
      log.push(`a ${kTcb(a.tcb).state === ThreadState_BlockedOnReceive ? "still waits" : "?"}`);
    });
    expect(log).toEqual(["b", "a still waits"]);
  });

  it("IPC-14 a Call through a GrantReply-only cap to a passive receiver donates the caller's SC", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const cap = yield* k.copy(ep, seL4_CanWrite | seL4_CanGrantReply);
      const server = yield* k.passive(function* () {
        yield* seL4_Recv(ep, reply);
        log.push("server runs on the client's SC");
        yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      });
      const client = yield* k.spawn(function* () {
        yield* seL4_Call(cap, seL4_MessageInfo_new(0, 0, 0, 0));
        log.push("client resumed");
      });
      const clientSC = kSC(client.sc);
      yield* settle();
      log.push(`SC back with the client: ${clientSC.tcb === kTcb(client.tcb)}`);
      expect(kTcb(server.tcb).sc).toBe(null);
    });
    expect(log).toEqual([
      "server runs on the client's SC",
      "client resumed",
      "SC back with the client: true",
    ]);
  });

  it("IPC-14 a receiver with its own SC gets nothing donated", () => {
    let same = true;
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const server = yield* k.spawn(function* () {
        yield* seL4_Recv(ep, reply);
      });
      const client = yield* k.spawn(function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
      });
      yield* settle();
      same = kTcb(server.tcb).sc === kSC(server.sc) && kTcb(client.tcb).sc === kSC(client.sc);
      expect(kTcb(client.tcb).state).toBe(ThreadState_BlockedOnReply);
    });
    expect(same).toBe(true);
  });

  it("IPC-15 a plain Send wakes a passive receiver without an SC; a donating NBSendWait gives it one", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep1 = yield* k.make(seL4_EndpointObject);
      const ep2 = yield* k.make(seL4_EndpointObject);
      const r1 = yield* k.make(seL4_ReplyObject);
      const r2 = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const s1 = yield* k.passive(function* () {
        yield* seL4_Recv(ep1, r1);
        log.push("s1 ran");
      });
      const s2 = yield* k.passive(function* () {
        yield* seL4_Recv(ep2, r2);
        log.push("s2 ran");
      });
      yield* seL4_Send(ep1, seL4_MessageInfo_new(0, 0, 0, 0));
      const t = yield* k.spawn(function* () {
        yield* seL4_NBSendWait(ep2, seL4_MessageInfo_new(0, 0, 0, 0), n);
      });
      const tSC = kSC(t.sc);
      yield* settle();
      log.push(
        `s1 ${kTcb(s1.tcb).state === ThreadState_Running && kTcb(s1.tcb).sc === null ? "woken without SC" : "?"}`,
        `t passive ${kTcb(t.tcb).sc === null}, SC with s2 (done) ${tSC.tcb === kTcb(s2.tcb)}`,
      );
    });
    expect(log).toEqual(["s2 ran", "s1 woken without SC", "t passive true, SC with s2 (done) true"]);
  });

  it("IPC-16 a woken receiver of higher priority preempts the sender; of equal priority it does not", () => {
    for (const [prio, expected] of [
      [200, ["receiver got it", "sender continues"]],
      [100, ["sender continues", "receiver got it"]],
    ] as const) {
      const log: string[] = [];
      runRoot(function* (bi) {
        const k = yield* ipcKit(bi);
        const ep = yield* k.make(seL4_EndpointObject);
        const reply = yield* k.make(seL4_ReplyObject);
        const n = yield* k.make(seL4_NotificationObject);
        yield* k.spawn(
          function* () {
            yield* seL4_Recv(ep, reply);
            log.push("receiver got it");
          },
          { prio },
        );
        yield* settle();
        yield* k.spawn(function* () {
          yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
          log.push("sender continues");
          yield* seL4_Wait(n);
        });
      });
      expect(log).toEqual(expected);
    }
  });
});

describe("IPC-17..IPC-21: receiving", () => {
  it("IPC-17 reusing a Reply object cancels the waiting caller, which stays Inactive without its SC", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const server = yield* k.passive(function* () {
        yield* seL4_Recv(ep, reply);
        yield* seL4_NBRecv(ep, reply); // finds nothing, but the pending call is cancelled first
        got.push("server reused the reply");
        yield* seL4_Recv(ep, reply);
      });
      const client = yield* k.spawn(function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        got.push("client resumed");
      });
      const clientSC = kSC(client.sc);
      yield* settle();
      got.push(
        kTcb(client.tcb).state,
        kTcb(client.tcb).sc,
        clientSC.tcb === kTcb(server.tcb),
        clientSC.reply,
      );
    });
    expect(got).toEqual(["server reused the reply", ThreadState_Inactive, null, true, null]);
  });

  it("IPC-18 an active bound notification completes a receive at once: badge = word, endpoint untouched", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const n1 = yield* k.mint(n, seL4_AllRights, 1);
      const n4 = yield* k.mint(n, seL4_AllRights, 4);
      expect(yield* seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n)).toBe(0);
      const sender = yield* k.spawn(function* () {
        yield* seL4_Send(ep, seL4_MessageInfo_new(9, 0, 0, 0));
      });
      yield* settle();
      yield* seL4_Signal(n1);
      yield* seL4_Signal(n4);
      setRegister(R.a2, 0x5eed);
      const r = yield* rawSyscall(seL4_SysRecv, ep, 0x1234, reply);
      got.push(r.a0, r.a1, BigInt(rt.regs[2 * R.a2]), kNtfn(n).state === NtfnState_Idle);
      got.push(kTcb(sender.tcb).state, kEp(ep).state === EPState_Send);
    });
    expect(got).toEqual([5n, 0x1234n, 0x5eedn, true, ThreadState_BlockedOnSend, true]);
  });

  it("IPC-19 a blocking receive gives the bound notification's SC back first", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const nb = yield* k.mint(n, seL4_AllRights, 3);
      const t = yield* k.passive(function* () {
        let { sender } = yield* seL4_Recv(ep, reply);
        for (;;) {
          got.push(`woke with ${sender}`);
          ({ sender } = yield* seL4_Recv(ep, reply));
        }
      });
      expect(yield* seL4_TCB_BindNotification(t.tcb, n)).toBe(0);
      const scN = yield* k.makeSC();
      expect(yield* seL4_SchedContext_Bind(scN, n)).toBe(0);
      yield* seL4_Signal(nb); // wakes the receive (NT-5) and lends the notification's SC (NT-10)
      expect(kTcb(t.tcb).sc).toBe(kSC(scN));
      yield* settle();
      got.push(kTcb(t.tcb).sc, kSC(scN).tcb, kTcb(t.tcb).state === ThreadState_BlockedOnReceive);
    });
    expect(got).toEqual(["woke with 3", null, null, true]);
  });

  it("IPC-20 a blocking receive records the thread in the reply object; NBRecv with nothing sets only the badge to 0", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const r2 = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(function* () {
        yield* seL4_Recv(ep, r2);
      });
      yield* settle();
      got.push(kReply(r2).tcb === kTcb(t.tcb), kTcb(t.tcb).replyObject === kReply(r2));
      const other = yield* k.make(seL4_EndpointObject);
      setRegister(R.a2, 77);
      setRegister(R.a0, 1);
      const r = yield* rawSyscall(seL4_SysNBRecv, other, 0x99, reply);
      got.push(r.a0, r.a1, BigInt(rt.regs[2 * R.a2]), kReply(reply).tcb);
    });
    expect(got).toEqual([true, true, 0n, 0x99n, 77n, null]);
  });

  it("IPC-21 a plain sender of higher priority is woken by the receive and preempts the receiver", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
          log.push("sender resumed");
        },
        { prio: 200 },
      );
      yield* k.spawn(
        function* () {
          yield* seL4_Recv(ep, reply);
          log.push("receiver got it");
        },
        { prio: 50 },
      );
    });
    expect(log).toEqual(["sender resumed", "receiver got it"]);
  });

  it("IPC-21 a queued Call: without a reply object the caller ends Inactive; with one it waits", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const call = function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
      };
      const a = yield* k.spawn(call);
      const b = yield* k.spawn(call);
      yield* settle();
      yield* seL4_Wait(ep);
      yield* seL4_Recv(ep, reply);
      got.push(kTcb(b.tcb).state, kTcb(a.tcb).state);
    });
    // b was resumed last, so it ran and queued first (ready queue head insertion).
    expect(got).toEqual([ThreadState_Inactive, ThreadState_BlockedOnReply]);
  });

  it("IPC-21 ReplyRecv of a passive server: the reply returns one SC, the queued caller donates the next", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const server = yield* k.passive(
        function* () {
          let { info } = yield* seL4_Recv(ep, reply);
          for (;;) {
            const who = seL4_MessageInfo_get_label(info);
            log.push(`server serves ${who}`);
            if (who === 1) yield* seL4_Signal(n); // c2 (priority 100) preempts and queues its call
            ({ info } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(who, 0, 0, 0), reply));
          }
        },
        { prio: 50 },
      );
      const c1 = yield* k.spawn(function* () {
        const info = yield* seL4_Call(ep, seL4_MessageInfo_new(1, 0, 0, 0));
        log.push(`c1 got ${seL4_MessageInfo_get_label(info)}`);
      });
      const c2 = yield* k.spawn(function* () {
        yield* seL4_Wait(n);
        const info = yield* seL4_Call(ep, seL4_MessageInfo_new(2, 0, 0, 0));
        log.push(`c2 got ${seL4_MessageInfo_get_label(info)}`);
      });
      yield* settle();
      const home =
        kTcb(server.tcb).sc === null && kSC(c1.sc).tcb === kTcb(c1.tcb) && kSC(c2.sc).tcb === kTcb(c2.tcb);
      log.push(`SCs home ${home}`);
    });
    // c1 (priority 100) runs as soon as its SC is back; the server then runs on c2's SC.
    expect(log).toEqual(["server serves 1", "c1 got 1", "server serves 2", "c2 got 2", "SCs home true"]);
  });
});
