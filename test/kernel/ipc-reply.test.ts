// Replies through MCS reply objects, cancelling IPC and queue order (semantics §9.6..§9.8:
// IPC-30..IPC-44).

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  seL4_AllRights,
  seL4_Call,
  seL4_CapInitThreadTCB,
  seL4_DebugCapIdentify,
  seL4_EndpointObject,
  seL4_Fault_CapFault,
  seL4_Fault_NullFault,
  seL4_MessageInfo_get_capsUnwrapped,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NoRights,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_TCB_SetPriority,
  seL4_TCB_Suspend,
  seL4_Wait,
  ThreadState_BlockedOnReceive,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import { cancelIPC } from "../../src/kernel/ipc.ts";
import { ks } from "../../src/kernel/state.ts";
import {
  EPState_Idle,
  EPState_Recv,
  EPState_Send,
  NtfnState_Active,
  type Tcb,
} from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import { ipcKit, kEp, kNtfn, kQueue, kReply, kSC, kTcb, rootCN, settle, W } from "./ipc-helpers.ts";

describe("IPC-30..IPC-35: replying", () => {
  it("IPC-30 replying through a Reply object whose thread is a waiting receiver does nothing; Call gets an empty reply", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(function* () {
        yield* seL4_Recv(ep, reply);
      });
      yield* settle();
      const info = yield* seL4_Call(reply, seL4_MessageInfo_new(7, 0, 0, 3));
      got.push(seL4_MessageInfo_get_label(info), seL4_MessageInfo_get_length(info));
      got.push(kTcb(t.tcb).state, kReply(reply).tcb === kTcb(t.tcb));
    });
    expect(got).toEqual([0, 0, ThreadState_BlockedOnReceive, true]);
  });

  it("IPC-30/IPC-35 a copy of the Reply cap without any rights can reply; the SC goes home", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const copy = yield* k.copy(reply, seL4_NoRights);
      const server = yield* k.passive(function* () {
        yield* seL4_Recv(ep, reply);
        yield* seL4_Send(copy, seL4_MessageInfo_new(3, 0, 0, 0));
        log.push("server done");
      });
      const client = yield* k.spawn(function* () {
        const info = yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        log.push(`client got ${seL4_MessageInfo_get_label(info)}`);
      });
      yield* settle();
      log.push(`client SC home ${kSC(client.sc).tcb === kTcb(client.tcb)}, server ${kTcb(server.tcb).sc}`);
    });
    // The passive server loses its SC with the reply, so it never prints "server done".
    expect(log).toEqual(["client got 3", "client SC home true, server null"]);
  });

  it("IPC-32 the replier's caps travel only if the Reply cap has Grant; badge 0 and no unwrapping", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const noGrant = yield* k.copy(reply, seL4_NoRights);
      const badged = yield* k.mint(ep, seL4_AllRights, 0x66);
      const slots = [k.alloc(), k.alloc()];
      yield* k.spawn(function* () {
        for (const via of [reply, noGrant]) {
          yield* seL4_Recv(ep, reply);
          seL4_SetCap(0, badged); // a cap to the endpoint the call came through
          yield* seL4_Send(via, seL4_MessageInfo_new(0, 0, 1, 0));
        }
      });
      for (const slot of slots) {
        seL4_SetCapReceivePath(rootCN, slot, W);
        const info = yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        got.push(
          seL4_MessageInfo_get_extraCaps(info),
          seL4_MessageInfo_get_capsUnwrapped(info),
          yield* seL4_DebugCapIdentify(slot),
        );
      }
    });
    expect(got).toEqual([1, 0, cap_endpoint_cap, 0, 0, 0]);
  });

  it("IPC-34 a replied-to caller of higher priority preempts the replier", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(function* () {
        yield* seL4_Recv(ep, reply);
        yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
        log.push("server after reply");
      });
      yield* settle();
      yield* k.spawn(
        function* () {
          yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
          log.push("client resumed");
        },
        { prio: 200 },
      );
    });
    expect(log).toEqual(["client resumed", "server after reply"]);
  });
});

describe("IPC-37..IPC-41: cancelIPC", () => {
  it("IPC-37 suspending a thread blocked delivering a fault clears the fault; on resume it faults anew", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const fep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(
        function* () {
          yield* seL4_Call(1n << 63n, seL4_MessageInfo_new(0, 0, 0, 0)); // cap fault
        },
        { faultEp: fep },
      );
      yield* settle();
      got.push(kTcb(t.tcb).state, kTcb(t.tcb).faultType === seL4_Fault_CapFault);
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      got.push(kTcb(t.tcb).faultType === seL4_Fault_NullFault, kEp(fep).state);
      expect(yield* seL4_TCB_Resume(t.tcb)).toBe(0);
      const { info } = yield* seL4_Recv(fep, reply);
      got.push(seL4_MessageInfo_get_label(info));
    });
    expect(got).toEqual([ThreadState_BlockedOnSend, true, true, EPState_Idle, seL4_Fault_CapFault]);
  });

  it("IPC-38 suspending a receiver takes it off the endpoint (Idle) and detaches its reply object", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const r = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(function* () {
        yield* seL4_Recv(ep, r);
      });
      yield* settle();
      got.push(kEp(ep).state);
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      got.push(kEp(ep).state, kReply(r).tcb, kTcb(t.tcb).replyObject, kTcb(t.tcb).state);
    });
    expect(got).toEqual([EPState_Recv, EPState_Idle, null, null, ThreadState_Inactive]);
  });

  it("IPC-39 suspending a notification waiter takes it off the queue: a later signal stays pending", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.spawn(function* () {
        yield* seL4_Wait(n);
        got.push("woke");
      });
      yield* settle();
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      yield* seL4_Signal(n);
      got.push(kNtfn(n).state, kNtfn(n).head, kTcb(t.tcb).state);
    });
    expect(got).toEqual([NtfnState_Active, null, ThreadState_Inactive]);
  });

  it("IPC-40 suspending a caller waiting for a reply cuts it off without moving the SC", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const server = yield* k.passive(function* () {
        yield* seL4_Recv(ep, reply);
        yield* seL4_Wait(n); // holds the request (and the client's SC)
        yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
        got.push("server replied to nobody");
        yield* seL4_Wait(n);
      });
      const client = yield* k.spawn(function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        got.push("client resumed");
      });
      const sc = kSC(client.sc);
      yield* settle();
      expect(sc.reply).toBe(kReply(reply));
      expect(yield* seL4_TCB_Suspend(client.tcb)).toBe(0);
      got.push(sc.tcb === kTcb(server.tcb), sc.reply, kReply(reply).tcb, kTcb(client.tcb).state);
      yield* seL4_Signal(n);
      yield* settle();
      got.push(kTcb(client.tcb).state);
    });
    expect(got).toEqual([
      true,
      null,
      null,
      ThreadState_Inactive,
      "server replied to nobody",
      ThreadState_Inactive,
    ]);
  });

  it("IPC-41 cancelIPC leaves a Running thread's state alone (and clears its fault)", () => {
    const got: unknown[] = [];
    runRoot(function* () {
      const self: Tcb = ks.curThread;
      self.faultType = seL4_Fault_CapFault;
      cancelIPC(self);
      got.push(self.state, self.faultType);
      yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255);
    });
    expect(got).toEqual([ThreadState_Running, seL4_Fault_NullFault]);
  });
});

describe("IPC-42..IPC-44: queues", () => {
  it("IPC-42 receivers are queued by priority, FIFO among equals", () => {
    const order: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const names = new Map<Tcb, string>();
      const spec: [string, number][] = [
        ["a", 50],
        ["b", 90],
        ["c", 50],
        ["d", 70],
        ["e", 90],
      ];
      for (const [name, prio] of spec) {
        const r = yield* k.make(seL4_ReplyObject);
        const t = yield* k.spawn(
          function* () {
            const { info } = yield* seL4_Recv(ep, r);
            order.push(`${seL4_MessageInfo_get_label(info)}${name}`);
          },
          { prio },
        );
        names.set(kTcb(t.tcb), name);
        yield* settle(); // each one queues before the next is created
      }
      order.push(kQueue(kEp(ep), names).join(""));
      for (let i = 1; i <= spec.length; i++) yield* seL4_Send(ep, seL4_MessageInfo_new(i, 0, 0, 0));
    });
    expect(order[0]).toBe("bedac");
    expect(order.slice(1).sort()).toEqual(["1b", "2e", "3d", "4a", "5c"]);
  });

  it("IPC-43 a queued thread whose priority changes is re-inserted after all threads of >= priority", () => {
    const got: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const names = new Map<Tcb, string>();
      const tcbs: number[] = [];
      for (const [name, prio] of [
        ["a", 60],
        ["b", 50],
        ["c", 40],
      ] as const) {
        const t = yield* k.spawn(
          function* () {
            yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
          },
          { prio },
        );
        names.set(kTcb(t.tcb), name);
        tcbs.push(t.tcb);
        yield* settle();
      }
      got.push(kQueue(kEp(ep), names).join(""));
      expect(yield* seL4_TCB_SetPriority(tcbs[2], seL4_CapInitThreadTCB, 60)).toBe(0);
      got.push(kQueue(kEp(ep), names).join(""));
      expect(yield* seL4_TCB_SetPriority(tcbs[0], seL4_CapInitThreadTCB, 10)).toBe(0);
      got.push(kQueue(kEp(ep), names).join(""));
      expect(yield* seL4_TCB_SetPriority(tcbs[1], seL4_CapInitThreadTCB, 60)).toBe(0);
      got.push(kQueue(kEp(ep), names).join(""));
    });
    expect(got).toEqual(["abc", "acb", "cba", "cba"]);
  });

  it("IPC-44 an endpoint holds only senders or only receivers and is Idle exactly when empty", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      got.push(kEp(ep).state);
      yield* k.spawn(function* () {
        yield* seL4_Recv(ep, reply);
        yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
      });
      yield* settle();
      got.push(kEp(ep).state);
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
      got.push(kEp(ep).state);
      yield* settle();
      got.push(kEp(ep).state);
      yield* seL4_Recv(ep, reply);
      got.push(kEp(ep).state);
    });
    expect(got).toEqual([EPState_Idle, EPState_Recv, EPState_Idle, EPState_Send, EPState_Idle]);
  });
});
