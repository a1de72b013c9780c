// IPC rules (semantics §9) observed from TS threads: call/reply with reply objects, queueing,
// message and cap transfer, unwrapping, and the fastpath against the slowpath.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_Call,
  seL4_CapInitThreadCNode,
  seL4_CNode_Mint,
  seL4_DebugCapIdentify,
  seL4_GetBadge,
  seL4_GetMR,
  seL4_MessageInfo_get_capsUnwrapped,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NBRecv,
  seL4_NBSend,
  seL4_Recv,
  seL4_ReplyRecv,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
  seL4_Wait,
  seL4_Yield,
  seL4_SchedContext_Unbind,
  seL4_Signal,
  cap_endpoint_cap,
  type seL4_MessageInfo_t,
} from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import {
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  threadKit,
} from "./thread-helpers.ts";

const W = 64;

describe("IPC-1, IPC-13, IPC-29, IPC-32: call and reply", () => {
  for (const fastpath of [true, false]) {
    it(`IPC-13/IPC-29 a Call delivers label, MRs and badge; the reply comes back with badge 0 (fastpath ${fastpath})`, () => {
      const log: string[] = [];
      const { system } = runRoot(
        function* (bi) {
          const k = yield* threadKit(bi);
          const ep = yield* k.make(seL4_EndpointObject);
          const badged = k.alloc();
          expect(
            yield* seL4_CNode_Mint(
              seL4_CapInitThreadCNode,
              badged,
              W,
              seL4_CapInitThreadCNode,
              ep,
              W,
              seL4_AllRights,
              0x77,
            ),
          ).toBe(0);
          const reply = yield* k.make(seL4_ReplyObject);
          // The server runs on its own SC until it waits, then gives the SC up and becomes passive:
          // from then on each call donates the client's SC (the fastpath's case).
          const serverSC = k.alloc();
          const server = yield* k.spawn(
            function* () {
              let { info, sender } = yield* seL4_Recv(ep, reply);
              for (let round = 0; round < 3; round++) {
                log.push(
                  `server got label ${seL4_MessageInfo_get_label(info)} len ${seL4_MessageInfo_get_length(info)} badge ${sender} mr0 ${seL4_GetMR(0)}`,
                );
                seL4_SetMR(0, Number(seL4_GetMR(0)) * 2);
                ({ info, sender } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(5, 0, 0, 1), reply));
              }
            },
            { prio: 255, scSlot: serverSC },
          );
          yield* seL4_Yield(); // equal priority: the server runs to its Recv
          expect(yield* seL4_SchedContext_Unbind(serverSC)).toBe(0);
          void server;
          for (let i = 1; i <= 3; i++) {
            seL4_SetMR(0, i);
            const info: seL4_MessageInfo_t = yield* seL4_Call(badged, seL4_MessageInfo_new(40 + i, 0, 0, 1));
            log.push(
              `client got label ${seL4_MessageInfo_get_label(info)} len ${seL4_MessageInfo_get_length(info)} mr0 ${seL4_GetMR(0)}`,
            );
          }
        },
        { fastpath },
      );
      expect(log).toEqual([
        "server got label 41 len 1 badge 119 mr0 1",
        "client got label 5 len 1 mr0 2",
        "server got label 42 len 1 badge 119 mr0 2",
        "client got label 5 len 1 mr0 4",
        "server got label 43 len 1 badge 119 mr0 3",
        "client got label 5 len 1 mr0 6",
      ]);
      // The server is passive and waiting, so all three calls and all three ReplyRecvs are fast.
      expect(system.kernel.fastpathsTaken).toBe(fastpath ? 6 : 0);
    });
  }

  it("IPC-24 MRs beyond the four registers travel between IPC buffers; delivered length = copied", () => {
    let got: number[] = [];
    let len = -1;
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          const { info } = yield* seL4_Recv(ep, reply);
          len = seL4_MessageInfo_get_length(info);
          got = Array.from({ length: len }, (_, i) => Number(seL4_GetMR(i)));
        },
        { prio: 200 },
      );
      for (let i = 0; i < 10; i++) seL4_SetMR(i, 100 + i);
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    });
    expect(len).toBe(10);
    expect(got).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });
});

describe("IPC-12, IPC-20, IPC-42: queueing", () => {
  it("IPC-12 NBSend with no receiver drops the message; IPC-20 NBRecv with nothing returns badge 0", () => {
    let badge: number | bigint = -1;
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* seL4_NBSend(ep, seL4_MessageInfo_new(1, 0, 0, 0));
      ({ sender: badge } = yield* seL4_NBRecv(ep, reply));
    });
    expect(badge).toBe(0);
  });

  it("IPC-42 senders are served by priority, FIFO within a priority", () => {
    const order: number[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const prios = [50, 80, 50, 80, 60];
      for (let i = 0; i < prios.length; i++) {
        yield* k.spawn(
          function* (a0) {
            yield* seL4_Send(ep, seL4_MessageInfo_new(Number(a0), 0, 0, 0));
          },
          { prio: prios[i], args: [i, 0, 0] },
        );
      }
      // The root (priority 255) receives after all senders have queued.
      for (let i = 0; i < prios.length; i++) {
        const { info } = yield* seL4_Recv(ep, reply);
        order.push(seL4_MessageInfo_get_label(info));
      }
    });
    // Resumed threads are enqueued at the head of their ready queue (seL4's tcbSchedEnqueue), so
    // among equal priorities the later-resumed one runs, and queues on the endpoint, first.
    expect(order).toEqual([3, 1, 4, 2, 0]);
  });
});

describe("IPC-14, IPC-17, IPC-30: replies", () => {
  it("IPC-14 a Call through a cap without Grant or GrantReply delivers the message and leaves the caller Inactive", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const sendOnly = k.alloc();
      yield* seL4_CNode_Mint(
        seL4_CapInitThreadCNode,
        sendOnly,
        W,
        seL4_CapInitThreadCNode,
        ep,
        W,
        seL4_CanWrite,
        0,
      );
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          yield* seL4_Call(sendOnly, seL4_MessageInfo_new(9, 0, 0, 0));
          log.push("caller resumed");
        },
        { prio: 100 },
      );
      const { info } = yield* seL4_Recv(ep, reply);
      log.push(`got ${seL4_MessageInfo_get_label(info)}`);
      yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      log.push("replied");
    });
    expect(log).toEqual(["got 9", "replied"]);
  });

  it("IPC-30 replying through a Reply object nobody waits on does nothing and succeeds", () => {
    let err = -1;
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const reply = yield* k.make(seL4_ReplyObject);
      const info = yield* seL4_Call(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      err = seL4_MessageInfo_get_label(info);
    });
    expect(err).toBe(0);
  });

  it("IPC-17 reusing a Reply object for a new receive kills the pending call: the caller stays stopped", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          yield* seL4_Call(ep, seL4_MessageInfo_new(1, 0, 0, 0));
          log.push("caller resumed");
        },
        { prio: 100 },
      );
      yield* seL4_Recv(ep, reply);
      log.push("received call");
      yield* seL4_NBRecv(ep, reply); // reuses the reply object: the caller's call is cancelled
      yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      log.push("done");
    });
    expect(log).toEqual(["received call", "done"]);
  });
});

describe("IPC-25..IPC-28: capability transfer", () => {
  it("IPC-28 an extra cap to the endpoint carrying the message is unwrapped to its badge", () => {
    const seen: string[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const badged = k.alloc();
      yield* seL4_CNode_Mint(
        seL4_CapInitThreadCNode,
        badged,
        W,
        seL4_CapInitThreadCNode,
        ep,
        W,
        seL4_AllRights,
        0xabc,
      );
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          const { info } = yield* seL4_Recv(ep, reply);
          seen.push(
            `extraCaps ${seL4_MessageInfo_get_extraCaps(info)} unwrapped ${seL4_MessageInfo_get_capsUnwrapped(info)} badge ${seL4_GetBadge(0)}`,
          );
        },
        { prio: 200 },
      );
      seL4_SetCap(0, badged);
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 0));
    });
    expect(seen).toEqual([`extraCaps 1 unwrapped 1 badge ${0xabc}`]);
  });

  it("IPC-27/IPC-28 a granted cap lands in the receiver's receive slot; without Grant nothing moves", () => {
    const types: number[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const ntfn = yield* k.make(seL4_NotificationObject);
      const noGrant = k.alloc();
      yield* seL4_CNode_Mint(
        seL4_CapInitThreadCNode,
        noGrant,
        W,
        seL4_CapInitThreadCNode,
        ep,
        W,
        seL4_CanWrite | seL4_CanRead,
        0,
      );
      const reply = yield* k.make(seL4_ReplyObject);
      const slotA = k.alloc();
      const slotB = k.alloc();
      yield* k.spawn(
        function* () {
          seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slotA, W);
          const r1 = yield* seL4_Recv(ep, reply);
          types.push(seL4_MessageInfo_get_extraCaps(r1.info), yield* seL4_DebugCapIdentify(slotA));
          seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slotB, W);
          const r2 = yield* seL4_Recv(ep, reply);
          types.push(seL4_MessageInfo_get_extraCaps(r2.info), yield* seL4_DebugCapIdentify(slotB));
        },
        { prio: 200 },
      );
      seL4_SetCap(0, ntfn);
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 0));
      seL4_SetCap(0, ntfn);
      yield* seL4_Send(noGrant, seL4_MessageInfo_new(0, 0, 1, 0));
    });
    expect(types).toEqual([1, 6, 0, 0]);
  });
});

describe("NT: notifications between threads", () => {
  it("NT-3/NT-8 a signal wakes a waiting thread with the signalling cap's badge", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* threadKit(bi);
      const ntfn = yield* k.make(seL4_NotificationObject);
      const badged = k.alloc();
      yield* seL4_CNode_Mint(
        seL4_CapInitThreadCNode,
        badged,
        W,
        seL4_CapInitThreadCNode,
        ntfn,
        W,
        seL4_AllRights,
        0b1010,
      );
      yield* k.spawn(
        function* () {
          const { sender } = yield* seL4_Wait(ntfn);
          got.push(sender);
        },
        { prio: 200 },
      );
      yield* seL4_Signal(badged);
    });
    expect(got).toEqual([0b1010]);
  });
});

void cap_endpoint_cap;
