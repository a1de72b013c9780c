// Whole IPC scenarios from TS threads: a badged client/server system on Call/ReplyRecv, a server
// that is handed capabilities, a cap fault repaired by a fault handler thread, and what deleting
// an endpoint (DEL-4) or cancelling badged sends (CN-20..CN-22) does to queued threads.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CanGrant,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapNull,
  seL4_CNode_CancelBadgedSends,
  seL4_CNode_CapData_new,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_Fault_CapFault,
  seL4_GetMR,
  seL4_GuardMismatch,
  seL4_IllegalOperation,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_MissingCapability,
  seL4_NotificationObject,
  seL4_Poll,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
  seL4_TCB_SetSchedParams,
  seL4_Signal,
  seL4_Untyped_Retype,
  seL4_Wait,
  ThreadState_BlockedOnSend,
  ThreadState_Inactive,
  ThreadState_Restart,
} from "../../src/user/libsel4.ts";
import type { Tcb } from "../../src/kernel/structures.ts";
import { findUntyped, runRoot } from "../harness.ts";
import {
  currentPC,
  ipcKit,
  kEp,
  kQueue,
  kReply,
  kTcb,
  readMsg,
  rootCN,
  settle,
  W,
  type Msg,
} from "./ipc-helpers.ts";

describe("client/server", () => {
  for (const fastpath of [true, false]) {
    it(`IPC-13/IPC-21/IPC-29 a passive server tells its clients apart by badge over Call/ReplyRecv (fastpath ${fastpath})`, () => {
      const log: string[] = [];
      const { system } = runRoot(
        function* (bi) {
          const k = yield* ipcKit(bi);
          const ep = yield* k.make(seL4_EndpointObject);
          const reply = yield* k.make(seL4_ReplyObject);
          const totals = new Map<bigint, number>();
          yield* k.passive(
            function* () {
              let { sender } = yield* seL4_Recv(ep, reply);
              for (;;) {
                const badge = BigInt(sender);
                const sum = (totals.get(badge) ?? 0) + Number(seL4_GetMR(0));
                totals.set(badge, sum);
                seL4_SetMR(0, sum);
                ({ sender } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), reply));
              }
            },
            { prio: 200 },
          );
          for (const badge of [1, 2, 3]) {
            const cap = yield* k.mint(ep, seL4_AllRights, badge);
            yield* k.spawn(
              function* () {
                for (let i = 1; i <= 3; i++) {
                  seL4_SetMR(0, badge * 10);
                  yield* seL4_Call(cap, seL4_MessageInfo_new(0, 0, 0, 1));
                  log.push(`client ${badge}: ${seL4_GetMR(0)}`);
                }
              },
              { prio: 100 + badge },
            );
          }
        },
        { fastpath },
      );
      // Each client sees its own running total; higher priorities are served first.
      expect(log).toEqual([
        "client 3: 30",
        "client 3: 60",
        "client 3: 90",
        "client 2: 20",
        "client 2: 40",
        "client 2: 60",
        "client 1: 10",
        "client 1: 20",
        "client 1: 30",
      ]);
      expect(system.kernel.fastpathsTaken > 0).toBe(fastpath);
    });
  }

  it("IPC-25..IPC-28 a server receives a notification cap from each client and signals through it", () => {
    const log: string[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const slot = k.alloc();
      yield* k.passive(function* () {
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, W);
        let { info, sender } = yield* seL4_Recv(ep, reply);
        for (;;) {
          log.push(`server got ${seL4_MessageInfo_get_extraCaps(info)} cap from ${sender}`);
          yield* seL4_Signal(slot);
          expect(yield* seL4_CNode_Delete(rootCN, slot, W)).toBe(0);
          seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, W);
          ({ info, sender } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), reply));
        }
      });
      for (const badge of [1, 2]) {
        const n = yield* k.make(seL4_NotificationObject);
        const nBadged = yield* k.mint(n, seL4_AllRights, 0x100 * badge);
        const cap = yield* k.mint(ep, seL4_CanWrite | seL4_CanGrant, badge);
        yield* k.spawn(
          function* () {
            seL4_SetCap(0, nBadged);
            yield* seL4_Call(cap, seL4_MessageInfo_new(0, 0, 1, 0));
            const { sender } = yield* seL4_Poll(n);
            log.push(`client ${badge} was signalled with ${sender}`);
          },
          { prio: 100 + badge },
        );
      }
    });
    expect(log).toEqual([
      "server got 1 cap from 2",
      "client 2 was signalled with 512",
      "server got 1 cap from 1",
      "client 1 was signalled with 256",
    ]);
  });
});

describe("FLT-1, FLT-8, FLT-16: cap faults repaired by a fault handler thread", () => {
  it("a Call through a CNode with the wrong guard faults; the handler re-mints the CNode cap, replies, and the Call re-executes and succeeds", () => {
    const log: string[] = [];
    let fault: Msg | null = null;
    let callPc = 0n;
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ut = findUntyped(bi, 20).cptr;
      const ep = yield* k.make(seL4_EndpointObject);
      const fep = yield* k.make(seL4_EndpointObject);
      const fepBadged = yield* k.mint(fep, seL4_AllRights, 0xfa);
      const sreply = yield* k.make(seL4_ReplyObject);
      const hreply = yield* k.make(seL4_ReplyObject);
      // The client's CSpace: a top CNode (16 slots, 52-bit guard) whose slot 2 holds a 16-slot
      // leaf CNode (4-bit guard) with the server endpoint in slot 5: cptr 0x205. The leaf's cap
      // is minted with guard 1 instead of 0, so the lookup fails at the second level.
      const top = k.alloc();
      const leaf = k.alloc();
      expect(yield* seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, rootCN, 0, 0, top, 1)).toBe(0);
      expect(yield* seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, rootCN, 0, 0, leaf, 1)).toBe(0);
      expect(yield* seL4_CNode_Mint(leaf, 5, 4, rootCN, ep, W, seL4_AllRights, 0x5e)).toBe(0);
      expect(
        yield* seL4_CNode_Mint(top, 2, 4, rootCN, leaf, W, seL4_AllRights, seL4_CNode_CapData_new(1, 4)),
      ).toBe(0);
      yield* k.spawn(function* () {
        const { sender } = yield* seL4_Recv(ep, sreply);
        log.push(`server got a call with badge ${sender}`);
        yield* seL4_Send(sreply, seL4_MessageInfo_new(0, 0, 0, 0));
      });
      yield* k.spawn(
        function* () {
          const { info, sender } = yield* seL4_Recv(fep, hreply);
          fault = readMsg(info, sender);
          log.push("handler fixes the CSpace");
          expect(yield* seL4_CNode_Delete(top, 2, 4)).toBe(0);
          const data = seL4_CNode_CapData_new(0, 4);
          expect(yield* seL4_CNode_Mint(top, 2, 4, rootCN, leaf, W, seL4_AllRights, data)).toBe(0);
          yield* seL4_Send(hreply, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        { prio: 200 },
      );
      yield* settle();
      yield* k.spawn(
        function* () {
          callPc = currentPC();
          const info = yield* seL4_Call(0x205, seL4_MessageInfo_new(0, 0, 0, 0));
          log.push(`client call returned label ${seL4_MessageInfo_get_label(info)}`);
        },
        { faultEp: fepBadged, cspace: { root: top, data: seL4_CNode_CapData_new(0, 52) } },
      );
    });
    expect(log).toEqual([
      "handler fixes the CSpace",
      "server got a call with badge 94",
      "client call returned label 0",
    ]);
    expect(fault).toEqual({
      label: seL4_Fault_CapFault,
      length: 7,
      mrs: [callPc, 0x205n, 0n, BigInt(seL4_GuardMismatch), 8n, 1n, 4n],
      badge: 0xfan,
    });
  });

  it("a Recv on an empty slot faults; the handler mints the missing endpoint cap and the Recv re-executes", () => {
    const log: string[] = [];
    let fault: Msg | null = null;
    let missingSlot = 0;
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const fep = yield* k.make(seL4_EndpointObject);
      const hreply = yield* k.make(seL4_ReplyObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const missing = k.alloc();
      missingSlot = missing;
      yield* k.spawn(
        function* () {
          const { info, sender } = yield* seL4_Recv(fep, hreply);
          fault = readMsg(info, sender);
          expect(yield* seL4_CNode_Mint(rootCN, missing, W, rootCN, ep, W, seL4_AllRights, 0)).toBe(0);
          log.push("handler minted the cap");
          yield* seL4_Send(hreply, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        { prio: 200 },
      );
      yield* settle();
      yield* k.spawn(
        function* () {
          const { info } = yield* seL4_Recv(missing, reply);
          log.push(`receiver got label ${seL4_MessageInfo_get_label(info)}`);
        },
        { faultEp: fep },
      );
      yield* settle();
      yield* seL4_Send(ep, seL4_MessageInfo_new(12, 0, 0, 0));
    });
    expect(log).toEqual(["handler minted the cap", "receiver got label 12"]);
    expect((fault as Msg | null)?.mrs.slice(1)).toEqual([
      BigInt(missingSlot),
      1n,
      BigInt(seL4_MissingCapability),
      0n,
    ]);
  });
});

describe("DEL-4, CN-22: queued threads restart when their endpoint goes or their badge is cancelled", () => {
  it("DEL-4 deleting the final endpoint cap restarts queued senders (they re-send to the new endpoint in that slot); a fault sender goes Inactive", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ut = findUntyped(bi, 20).cptr;
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const s1 = yield* k.spawn(function* () {
        yield* seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, 0));
      });
      yield* settle();
      const s2 = yield* k.spawn(function* () {
        yield* seL4_Call(ep, seL4_MessageInfo_new(2, 0, 0, 0));
        got.push("s2 got its reply");
      });
      yield* settle();
      const s3 = yield* k.spawn(
        function* () {
          yield* seL4_Recv(3000, reply); // empty slot: a cap fault sent to ep
        },
        { faultEp: ep },
      );
      yield* settle();
      // Drop s3's handler cap so that the root's cap is the last one.
      expect(
        yield* seL4_TCB_SetSchedParams(s3.tcb, seL4_CapInitThreadTCB, 100, 100, s3.sc, seL4_CapNull),
      ).toBe(0);
      expect(kQueue(kEp(ep), names(s1.tcb, "1", s2.tcb, "2", s3.tcb, "3")).join("")).toBe("123");
      expect(yield* seL4_CNode_Delete(rootCN, ep, W)).toBe(0);
      got.push(kTcb(s1.tcb).state, kTcb(s2.tcb).state, kTcb(s3.tcb).state);
      expect(yield* seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, rootCN, 0, 0, ep, 1)).toBe(0);
      const labels: number[] = [];
      for (let i = 0; i < 2; i++) {
        const label = seL4_MessageInfo_get_label((yield* seL4_Recv(ep, reply)).info);
        if (label === 2) yield* seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
        labels.push(label);
      }
      got.push(labels.sort().join(","));
      yield* settle();
    });
    expect(got).toEqual([
      ThreadState_Restart,
      ThreadState_Restart,
      ThreadState_Inactive,
      "s2 got its reply",
      "1,2",
    ]);
  });

  it("DEL-4 deleting the endpoint restarts a queued receiver and detaches its reply object", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ut = findUntyped(bi, 20).cptr;
      const ep = yield* k.make(seL4_EndpointObject);
      const r = yield* k.make(seL4_ReplyObject);
      const t = yield* k.spawn(function* () {
        const { info } = yield* seL4_Recv(ep, r);
        got.push(`received ${seL4_MessageInfo_get_label(info)}`);
      });
      yield* settle();
      expect(yield* seL4_CNode_Delete(rootCN, ep, W)).toBe(0);
      got.push(kTcb(t.tcb).state, kReply(r).tcb, kTcb(t.tcb).replyObject);
      expect(yield* seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, rootCN, 0, 0, ep, 1)).toBe(0);
      yield* settle();
      yield* seL4_Send(ep, seL4_MessageInfo_new(4, 0, 0, 0));
    });
    expect(got).toEqual([ThreadState_Restart, null, null, "received 4"]);
  });

  it("CN-22 CancelBadgedSends restarts the senders with that badge, a fault sender goes Inactive, the others keep their order", () => {
    const got: unknown[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const b1 = yield* k.mint(ep, seL4_AllRights, 1);
      const b2 = yield* k.mint(ep, seL4_AllRights, 2);
      const map = new Map<Tcb, string>();
      const send = (cap: number, label: number) =>
        function* () {
          yield* seL4_Send(cap, seL4_MessageInfo_new(label, 0, 0, 0));
        };
      const spec: [string, number, number][] = [
        ["a", b1, 1],
        ["b", b2, 2],
        ["c", b1, 3],
        ["d", b2, 4],
      ];
      const tcbs: Record<string, Tcb> = {};
      for (const [name, cap, label] of spec) {
        const t = yield* k.spawn(send(cap, label));
        tcbs[name] = kTcb(t.tcb);
        map.set(tcbs[name], name);
        yield* settle();
      }
      const e = yield* k.spawn(
        function* () {
          yield* seL4_Wait(3000); // cap fault, sent through the badge-2 handler cap
        },
        { faultEp: b2 },
      );
      map.set(kTcb(e.tcb), "e");
      yield* settle();
      got.push(kQueue(kEp(ep), map).join(""));
      const unbadged = yield* k.copy(ep, seL4_AllRights);
      expect(yield* seL4_CNode_CancelBadgedSends(rootCN, unbadged, W)).toBe(0); // badge 0: nothing
      const noGrantReply = yield* k.mint(ep, seL4_CanRead | seL4_CanWrite | seL4_CanGrant, 2);
      expect(yield* seL4_CNode_CancelBadgedSends(rootCN, noGrantReply, W)).toBe(seL4_IllegalOperation);
      got.push(kQueue(kEp(ep), map).join(""));
      expect(yield* seL4_CNode_CancelBadgedSends(rootCN, b2, W)).toBe(0);
      got.push(kQueue(kEp(ep), map).join(""), tcbs.b.state, tcbs.d.state, kTcb(e.tcb).state, tcbs.a.state);
      yield* settle(); // b and d send again
      got.push(kQueue(kEp(ep), map).join("").slice(0, 2));
      const labels: number[] = [];
      for (let i = 0; i < 4; i++) labels.push(seL4_MessageInfo_get_label((yield* seL4_Recv(ep, reply)).info));
      got.push(labels.slice(0, 2).join(","), labels.slice(2).sort().join(","));
    });
    expect(got).toEqual([
      "abcde",
      "abcde",
      "ac",
      ThreadState_Restart,
      ThreadState_Restart,
      ThreadState_Inactive,
      ThreadState_BlockedOnSend,
      "ac",
      "1,3",
      "2,4",
    ]);
  });
});

function names(...pairs: (number | string)[]): Map<Tcb, string> {
  const m = new Map<Tcb, string>();
  for (let i = 0; i < pairs.length; i += 2) m.set(kTcb(pairs[i] as number), pairs[i + 1] as string);
  return m;
}
