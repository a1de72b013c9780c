// IPC syscall shapes and receive-side checks (semantics §9.1, §9.2: IPC-1..IPC-10). Receive-side
// problems are cap faults, observed through a fault handler endpoint that the root task serves.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_Fault_CapFault,
  seL4_GetMR,
  seL4_GuardMismatch,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_MissingCapability,
  seL4_NBRecv,
  seL4_NBSend,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_NBWait,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_Send,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_BindNotification,
  seL4_Wait,
  seL4_Yield,
  ThreadState_BlockedOnReply,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Running,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { EPState_Idle, EPState_Send } from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import { currentPC, ipcKit, kEp, kTcb, readMsg, type IpcKit, type Msg } from "./ipc-helpers.ts";

const GUARD_BAD = 1n << 63n;

/**
 * Run `body` in a thread whose fault handler endpoint (badge 0x99) the root serves; returns the
 * fault message and the pc the thread was at when it made its last system call.
 */
function receiveFault(
  body: (k: IpcKit, objs: Record<string, number>) => UserGenerator,
  setup: (k: IpcKit) => UserGenerator<Record<string, number>> = function* () {
    return {};
  },
): { msg: Msg; pc: bigint; radix: number } {
  let msg: Msg | null = null;
  let pc = 0n;
  let radix = 0;
  runRoot(function* (bi) {
    radix = bi.initThreadCNodeSizeBits;
    const k = yield* ipcKit(bi);
    const fep = yield* k.make(seL4_EndpointObject);
    const fepBadged = yield* k.mint(fep, seL4_AllRights, 0x99);
    const reply = yield* k.make(seL4_ReplyObject);
    const objs = yield* setup(k);
    yield* k.spawn(
      function* () {
        pc = currentPC();
        yield* body(k, objs);
      },
      { faultEp: fepBadged },
    );
    const { info, sender } = yield* seL4_Recv(fep, reply);
    msg = readMsg(info, sender);
  });
  if (msg === null) throw new Error("no fault arrived");
  return { msg, pc, radix };
}

describe("IPC-1..IPC-4: syscall shapes", () => {
  it("IPC-1 Send blocks until a receiver comes; Call then waits for the reply", () => {
    const states: number[] = [];
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(
        function* () {
          yield* seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, 0));
          log.push("send done");
          yield* seL4_Call(ep, seL4_MessageInfo_new(2, 0, 0, 0));
          log.push("call done");
        },
        { prio: 255 },
      );
      yield* seL4_Yield();
      states.push(kTcb(t.tcb).state, kEp(ep).state);
      yield* seL4_Recv(ep, reply);
      states.push(kTcb(t.tcb).state, kEp(ep).state);
      yield* seL4_Yield(); // the sender continues to its Call and blocks
      states.push(kTcb(t.tcb).state);
      yield* seL4_Recv(ep, reply);
      states.push(kTcb(t.tcb).state);
      yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
      states.push(kTcb(t.tcb).state);
    });
    expect(states).toEqual([
      ThreadState_BlockedOnSend,
      EPState_Send,
      ThreadState_Running,
      EPState_Idle,
      ThreadState_BlockedOnSend,
      ThreadState_BlockedOnReply,
      ThreadState_Running,
    ]);
    expect(log).toEqual(["send done", "call done"]);
  });

  it("IPC-1 NBSend with no receiver drops the message and does not block", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* seL4_NBSend(ep, seL4_MessageInfo_new(7, 0, 0, 0));
      got.push(kEp(ep).state);
      yield* k.spawn(function* () {
        yield* seL4_Send(ep, seL4_MessageInfo_new(8, 0, 0, 0));
      });
      const { info } = yield* seL4_Recv(ep, reply);
      got.push(seL4_MessageInfo_get_label(info));
    });
    expect(got).toEqual([EPState_Idle, 8]);
  });

  it("IPC-2 Wait on an endpoint receives without a reply object: a Call through it leaves the caller Inactive", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const c = yield* k.spawn(function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(3, 0, 0, 0));
        got.push(-1);
      });
      const { info } = yield* seL4_Wait(ep);
      got.push(seL4_MessageInfo_get_label(info), kTcb(c.tcb).state);
    });
    expect(got).toEqual([3, ThreadState_Inactive]);
  });

  it("IPC-2/IPC-8 Recv on an endpoint with reply cptr 0 (empty) is a cap fault on the reply cptr", () => {
    const { msg, pc } = receiveFault(
      function* (_k, o) {
        yield* seL4_Recv(o.ep, 0);
      },
      function* (k) {
        return { ep: yield* k.make(seL4_EndpointObject) };
      },
    );
    expect(msg).toEqual({
      label: seL4_Fault_CapFault,
      length: 5,
      mrs: [pc, 0n, 1n, BigInt(seL4_MissingCapability), 0n],
      badge: 0x99n,
    });
  });

  it("IPC-3 ReplyRecv with nobody to reply to still receives", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(function* () {
        yield* seL4_Send(ep, seL4_MessageInfo_new(4, 0, 0, 0));
      });
      const { info } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(9, 0, 0, 0), reply);
      got.push(seL4_MessageInfo_get_label(info));
    });
    expect(got).toEqual([4]);
  });

  it("IPC-3 NBSendRecv sends to the cap in t0, then receives on a0 with the reply in a6", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep1 = yield* k.make(seL4_EndpointObject);
      const ep2 = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const r2 = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          const { info } = yield* seL4_Recv(ep1, r2);
          log.push(`t got ${seL4_MessageInfo_get_label(info)} mr0 ${seL4_GetMR(0)}`);
          yield* seL4_Send(ep2, seL4_MessageInfo_new(6, 0, 0, 0));
        },
        { prio: 255 },
      );
      yield* seL4_Yield(); // t waits on ep1
      seL4_SetMR(0, 55);
      const { info } = yield* seL4_NBSendRecv(ep1, seL4_MessageInfo_new(5, 0, 0, 1), ep2, reply);
      log.push(`root got ${seL4_MessageInfo_get_label(info)}`);
    });
    expect(log).toEqual(["t got 5 mr0 55", "root got 6"]);
  });

  it("IPC-3 NBSendWait sends to the cap in a6 and then waits on a0 without a reply object", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n1 = yield* k.make(seL4_NotificationObject);
      const n2 = yield* k.make(seL4_NotificationObject);
      const n1b = yield* k.mint(n1, seL4_AllRights, 0x10);
      yield* k.spawn(
        function* () {
          const { sender } = yield* seL4_Wait(n1);
          log.push(`t woke with ${sender}`);
          yield* seL4_Signal(n2);
        },
        { prio: 200 },
      );
      const { sender } = yield* seL4_NBSendWait(n1b, seL4_MessageInfo_new(0, 0, 0, 0), n2);
      log.push(`root woke with ${sender}`);
    });
    expect(log).toEqual(["t woke with 16", "root woke with 0"]);
  });

  it("IPC-4 phase-1 problems (bad cptr, refused cap type, empty slot) are silent; phase 2 still runs", () => {
    const labels: number[] = [];
    let faults = 0;
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const fep = yield* k.make(seL4_EndpointObject);
      const empty = k.alloc();
      yield* k.spawn(
        function* () {
          for (let i = 0; i < 3; i++) yield* seL4_Send(ep, seL4_MessageInfo_new(20 + i, 0, 0, 0));
          yield* seL4_Signal(n);
        },
        { faultEp: fep },
      );
      const r1 = yield* seL4_NBSendRecv(GUARD_BAD, seL4_MessageInfo_new(0, 0, 0, 0), ep, reply);
      const r2 = yield* seL4_NBSendRecv(seL4_CapInitThreadCNode, seL4_MessageInfo_new(0, 0, 0, 0), ep, reply);
      const r3 = yield* seL4_NBSendRecv(empty, seL4_MessageInfo_new(0, 0, 0, 0), ep, reply);
      labels.push(...[r1, r2, r3].map((r) => seL4_MessageInfo_get_label(r.info)));
      yield* seL4_NBSendWait(GUARD_BAD, seL4_MessageInfo_new(0, 0, 0, 0), n);
      labels.push(-1);
      const { sender } = yield* seL4_NBRecv(fep, reply);
      faults = Number(sender);
    });
    expect(labels).toEqual([20, 21, 22, -1]);
    expect(faults).toBe(0);
  });
});

describe("IPC-6..IPC-10: receive-side checks are cap faults in the receive phase", () => {
  it("IPC-6 an unresolvable source cptr faults with inReceivePhase 1, even for NBRecv", () => {
    const { msg, pc, radix } = receiveFault(function* () {
      yield* seL4_NBRecv(GUARD_BAD, 0);
    });
    expect(msg).toEqual({
      label: seL4_Fault_CapFault,
      length: 7,
      mrs: [pc, GUARD_BAD, 1n, BigInt(seL4_GuardMismatch), 64n, 0n, BigInt(64 - radix)],
      badge: 0x99n,
    });
  });

  it("IPC-6 NBWait on an unresolvable cptr faults too", () => {
    const { msg } = receiveFault(function* () {
      yield* seL4_NBWait(GUARD_BAD);
    });
    expect(msg.mrs.slice(1, 4)).toEqual([GUARD_BAD, 1n, BigInt(seL4_GuardMismatch)]);
  });

  it("IPC-7 an endpoint cap without Receive right: MissingCapability(0) on the source, before the reply check", () => {
    let slot = 0;
    const { msg, pc } = receiveFault(
      function* (_k, o) {
        yield* seL4_Recv(o.sendOnly, GUARD_BAD);
      },
      function* (k) {
        const ep = yield* k.make(seL4_EndpointObject);
        slot = yield* k.copy(ep, seL4_CanWrite);
        return { sendOnly: slot };
      },
    );
    expect(msg.length).toBe(5);
    expect(msg.mrs).toEqual([pc, BigInt(slot), 1n, BigInt(seL4_MissingCapability), 0n]);
  });

  it("IPC-8 an unresolvable reply cptr faults on the reply cptr with its lookup failure", () => {
    const { msg, radix } = receiveFault(
      function* (_k, o) {
        yield* seL4_NBRecv(o.ep, GUARD_BAD);
      },
      function* (k) {
        return { ep: yield* k.make(seL4_EndpointObject) };
      },
    );
    expect(msg.mrs.slice(1)).toEqual([
      GUARD_BAD,
      1n,
      BigInt(seL4_GuardMismatch),
      64n,
      0n,
      BigInt(64 - radix),
    ]);
  });

  it("IPC-8 a reply cptr naming a non-Reply cap faults with MissingCapability(0)", () => {
    let epSlot = 0;
    const { msg } = receiveFault(
      function* (_k, o) {
        yield* seL4_Recv(o.ep, o.ep);
      },
      function* (k) {
        epSlot = yield* k.make(seL4_EndpointObject);
        return { ep: epSlot };
      },
    );
    expect(msg.mrs.slice(1)).toEqual([BigInt(epSlot), 1n, BigInt(seL4_MissingCapability), 0n]);
  });

  it("IPC-9 a notification cap without Receive right faults", () => {
    let slot = 0;
    const { msg } = receiveFault(
      function* (_k, o) {
        yield* seL4_Wait(o.n);
      },
      function* (k) {
        const n = yield* k.make(seL4_NotificationObject);
        slot = yield* k.copy(n, seL4_CanWrite);
        return { n: slot };
      },
    );
    expect(msg.mrs.slice(1)).toEqual([BigInt(slot), 1n, BigInt(seL4_MissingCapability), 0n]);
  });

  it("IPC-9 a notification bound to another thread faults", () => {
    let slot = 0;
    const { msg } = receiveFault(
      function* (_k, o) {
        yield* seL4_Wait(o.n);
      },
      function* (k) {
        slot = yield* k.make(seL4_NotificationObject);
        expect(yield* seL4_TCB_BindNotification(seL4_CapInitThreadTCB, slot)).toBe(0);
        return { n: slot };
      },
    );
    expect(msg.mrs.slice(1)).toEqual([BigInt(slot), 1n, BigInt(seL4_MissingCapability), 0n]);
  });

  it("IPC-9 the reply cptr is not looked up for a notification; its own bound thread may wait", () => {
    const got: (number | bigint)[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const nb = yield* k.mint(n, seL4_AllRights, 0x5);
      expect(yield* seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n)).toBe(0);
      yield* seL4_Signal(nb);
      const { sender } = yield* seL4_Recv(n, GUARD_BAD);
      got.push(sender);
      const readOnly = yield* k.copy(n, seL4_CanRead);
      yield* seL4_Signal(nb);
      got.push((yield* seL4_NBWait(readOnly)).sender);
    });
    expect(got).toEqual([5, 5]);
  });

  it("IPC-10 receiving on another cap type or an empty slot faults with MissingCapability(0)", () => {
    const cnode = receiveFault(function* () {
      yield* seL4_Recv(seL4_CapInitThreadCNode, 0);
    });
    expect(cnode.msg.mrs.slice(1)).toEqual([
      BigInt(seL4_CapInitThreadCNode),
      1n,
      BigInt(seL4_MissingCapability),
      0n,
    ]);
    const empty = receiveFault(function* () {
      yield* seL4_Wait(3000);
    });
    expect(empty.msg.mrs.slice(1)).toEqual([3000n, 1n, BigInt(seL4_MissingCapability), 0n]);
  });
});
