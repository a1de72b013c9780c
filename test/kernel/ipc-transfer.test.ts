// Message transfer (semantics §9.5: IPC-22..IPC-29): IPC buffers and their rights, how many MRs
// arrive, capability transfer with receive slots, unwrapping and derivation.

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_notification_cap,
  cap_reply_cap,
  seL4_CapIRQControl,
  IPCBUF_CAPS_OR_BADGES,
  seL4_AllRights,
  seL4_CanRead,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_EndpointObject,
  seL4_GetBadge,
  seL4_GetMR,
  seL4_MessageInfo_get_capsUnwrapped,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
  sel4ts_write,
  type seL4_MessageInfo_t,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { ipcKit, rootCN, settle, W, type IpcKit } from "./ipc-helpers.ts";

interface Received {
  label: number;
  length: number;
  extraCaps: number;
  unwrapped: number;
  badge: bigint;
  mrs: number[];
  /** Type of the cap that landed in the receive slot. */
  slotType: number;
  badges: bigint[];
}

/**
 * The root sends (after `prepare` sets MRs and caps) to a thread that receives with the given
 * buffer rights and receive path; returns what the receiver saw.
 */
function transfer(
  info: seL4_MessageInfo_t,
  prepare: (k: IpcKit, ep: number) => UserGenerator<number>,
  opts: { receiverBufferRights?: number; occupySlot?: boolean; badDepth?: boolean } = {},
): Received {
  let out: Received | null = null;
  runRoot(function* (bi) {
    const k = yield* ipcKit(bi);
    const ep = yield* k.make(seL4_EndpointObject);
    const reply = yield* k.make(seL4_ReplyObject);
    const slot = k.alloc();
    if (opts.occupySlot === true) yield* seL4_CNode_Copy(rootCN, slot, W, rootCN, ep, W, seL4_AllRights);
    yield* k.spawn(
      function* () {
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, opts.badDepth === true ? 12 : W);
        const { info: got, sender } = yield* seL4_Recv(ep, reply);
        const length = seL4_MessageInfo_get_length(got);
        out = {
          label: seL4_MessageInfo_get_label(got),
          length,
          extraCaps: seL4_MessageInfo_get_extraCaps(got),
          unwrapped: seL4_MessageInfo_get_capsUnwrapped(got),
          badge: BigInt(sender),
          mrs: Array.from({ length }, (_, i) => Number(seL4_GetMR(i))),
          slotType: yield* seL4_DebugCapIdentify(slot),
          badges: [0, 1, 2].map((i) => BigInt(seL4_GetBadge(i))),
        };
      },
      { bufferRights: opts.receiverBufferRights },
    );
    yield* settle();
    const dest = yield* prepare(k, ep);
    yield* seL4_Send(dest, info);
  });
  if (out === null) throw new Error("nothing received");
  return out;
}

/** Set the extra caps once they all exist (creating caps uses cap 0 of the IPC buffer). */
function* setCaps(...cptrs: number[]): UserGenerator<void> {
  cptrs.forEach((c, i) => seL4_SetCap(i, c));
  yield* [];
}

function* setMRs(n: number): UserGenerator<void> {
  for (let i = 0; i < n; i++) seL4_SetMR(i, 100 + i);
}

describe("IPC-22..IPC-24: buffers and message registers", () => {
  it("IPC-22/IPC-24 a receiver whose buffer cap is read-only has no buffer: only MR0..MR3 arrive", () => {
    const r = transfer(
      seL4_MessageInfo_new(1, 0, 0, 10),
      function* (_k, ep) {
        yield* setMRs(10);
        return ep;
      },
      { receiverBufferRights: seL4_CanRead },
    );
    expect([r.length, r.mrs]).toEqual([4, [100, 101, 102, 103]]);
  });

  it("IPC-22 a sender's read-only buffer is good enough for sending", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      yield* k.spawn(
        function* () {
          for (let i = 0; i < 8; i++) seL4_SetMR(i, 200 + i);
          yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 8));
        },
        { bufferRights: seL4_CanRead },
      );
      const { info } = yield* seL4_Recv(ep, reply);
      for (let i = 0; i < seL4_MessageInfo_get_length(info); i++) got.push(Number(seL4_GetMR(i)));
    });
    expect(got).toEqual([200, 201, 202, 203, 204, 205, 206, 207]);
  });

  it("IPC-24 a length above seL4_MsgMaxLength (120) is cut to 120", () => {
    const r = transfer(seL4_MessageInfo_new(1, 0, 0, 127), function* (_k, ep) {
      yield* setMRs(120);
      return ep;
    });
    expect(r.length).toBe(120);
    expect(r.mrs[119]).toBe(219);
  });

  it("IPC-29 the label passes unchanged (all 52 bits) and the badge register gets the 64-bit badge", () => {
    const badge = 0xfedcba9876543210n;
    const r = transfer(seL4_MessageInfo_new(0xabcde12345, 0, 0, 0), function* (k, ep) {
      return yield* k.mint(ep, seL4_AllRights, badge);
    });
    expect([r.label, r.badge]).toEqual([0xabcde12345, badge]);
  });
});

describe("IPC-25..IPC-28: capabilities", () => {
  it("IPC-27/IPC-28 a granted cap goes to the receive slot and is a child of the sender's cap", () => {
    const types: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const slot = k.alloc();
      yield* k.spawn(function* () {
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, W);
        yield* seL4_Recv(ep, reply);
      });
      yield* settle();
      seL4_SetCap(0, n);
      yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 0));
      types.push(yield* seL4_DebugCapIdentify(slot));
      expect(yield* seL4_CNode_Revoke(rootCN, n, W)).toBe(0);
      types.push(yield* seL4_DebugCapIdentify(slot), yield* seL4_DebugCapIdentify(n));
    });
    expect(types).toEqual([cap_notification_cap, 0, cap_notification_cap]);
  });

  it("IPC-26 with no receive buffer, no caps move and nothing is unwrapped", () => {
    const r = transfer(
      seL4_MessageInfo_new(0, 0, 2, 0),
      function* (k, ep) {
        yield* setCaps(yield* k.mint(ep, seL4_AllRights, 7), yield* k.make(seL4_NotificationObject));
        return ep;
      },
      { receiverBufferRights: seL4_CanRead },
    );
    expect([r.extraCaps, r.unwrapped, r.slotType]).toEqual([0, 0, 0]);
  });

  it("IPC-28 caps in order: unwrap, transfer into the one slot, then stop when no slot is left", () => {
    const r = transfer(seL4_MessageInfo_new(0, 0, 3, 0), function* (k, ep) {
      yield* setCaps(
        yield* k.mint(ep, seL4_AllRights, 0x31),
        yield* k.make(seL4_NotificationObject),
        yield* k.make(seL4_NotificationObject),
      );
      return ep;
    });
    expect([r.extraCaps, r.unwrapped, r.slotType, r.badges[0]]).toEqual([
      2,
      0b001,
      cap_notification_cap,
      0x31n,
    ]);
  });

  it("IPC-28 an unwrap after the slot is used still happens; a cap to another endpoint is transferred", () => {
    const r = transfer(seL4_MessageInfo_new(0, 0, 3, 0), function* (k, ep) {
      yield* setCaps(
        yield* k.make(seL4_EndpointObject),
        yield* k.mint(ep, seL4_AllRights, 0x32),
        yield* k.mint(ep, seL4_AllRights, 0x33),
      );
      return ep;
    });
    expect([r.extraCaps, r.unwrapped, r.slotType, r.badges[1], r.badges[2]]).toEqual([
      3,
      0b110,
      cap_endpoint_cap,
      0x32n,
      0x33n,
    ]);
  });

  it("IPC-28 a cap that derives to null (IRQControl) or fails to derive (untyped with children) stops the transfer", () => {
    const irq = transfer(seL4_MessageInfo_new(0, 0, 2, 0), function* (k, ep) {
      yield* setCaps(seL4_CapIRQControl, yield* k.make(seL4_NotificationObject));
      return ep;
    });
    expect([irq.extraCaps, irq.slotType]).toEqual([0, 0]);
    const ut = transfer(seL4_MessageInfo_new(0, 0, 2, 0), function* (k, ep) {
      const n = yield* k.make(seL4_NotificationObject);
      yield* setCaps(findUntyped(k.bi, 20).cptr, n);
      return ep;
    });
    expect([ut.extraCaps, ut.slotType]).toEqual([0, 0]);
  });

  it("IPC-28 MCS Reply caps can be transferred like any other cap", () => {
    const r = transfer(seL4_MessageInfo_new(0, 0, 1, 0), function* (k, ep) {
      yield* setCaps(yield* k.make(seL4_ReplyObject));
      return ep;
    });
    expect([r.extraCaps, r.slotType]).toEqual([1, cap_reply_cap]);
  });

  it("IPC-27 an occupied receive slot or a bad receive depth means no slot, silently", () => {
    const send = function* (k: IpcKit, ep: number): UserGenerator<number> {
      yield* setCaps(yield* k.make(seL4_NotificationObject), yield* k.mint(ep, seL4_AllRights, 0x34));
      return ep;
    };
    const occupied = transfer(seL4_MessageInfo_new(5, 0, 2, 0), send, { occupySlot: true });
    expect([occupied.label, occupied.extraCaps, occupied.slotType]).toEqual([5, 0, cap_endpoint_cap]);
    const depth = transfer(seL4_MessageInfo_new(5, 0, 2, 0), send, { badDepth: true });
    expect([depth.label, depth.extraCaps, depth.slotType]).toEqual([5, 0, 0]);
  });

  it("IPC-25 extra caps are looked up again at transfer time: the cap then in the slot moves", () => {
    const types: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const n = yield* k.make(seL4_NotificationObject);
      const other = yield* k.make(seL4_EndpointObject);
      const slot = k.alloc();
      yield* k.spawn(function* () {
        seL4_SetCap(0, n);
        yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 0));
      });
      yield* settle(); // the sender is queued with cptr n in its buffer
      expect(yield* seL4_CNode_Delete(rootCN, n, W)).toBe(0);
      expect(yield* seL4_CNode_Copy(rootCN, n, W, rootCN, other, W, seL4_AllRights)).toBe(0);
      seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, W);
      const { info } = yield* seL4_Recv(ep, reply);
      types.push(seL4_MessageInfo_get_extraCaps(info), yield* seL4_DebugCapIdentify(slot));
    });
    expect(types).toEqual([1, cap_endpoint_cap]);
  });

  it("IPC-25 if any extra cap fails to resolve at transfer time, no cap moves and nobody faults", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const k = yield* ipcKit(bi);
      const ep = yield* k.make(seL4_EndpointObject);
      const reply = yield* k.make(seL4_ReplyObject);
      const fep = yield* k.make(seL4_EndpointObject);
      const n1 = yield* k.make(seL4_NotificationObject);
      const n2 = yield* k.make(seL4_NotificationObject);
      const slot = k.alloc();
      const t = yield* k.spawn(
        function* () {
          seL4_SetCap(0, n1);
          seL4_SetCap(1, n2);
          yield* seL4_Send(ep, seL4_MessageInfo_new(0, 0, 2, 0));
          got.push(-1);
        },
        { faultEp: fep },
      );
      yield* settle();
      // Rewrite the queued sender's second cptr so that it no longer resolves.
      yield* sel4ts_write(t.buffer + 8 * (IPCBUF_CAPS_OR_BADGES + 1), 8, 1n << 63n);
      seL4_SetCapReceivePath(seL4_CapInitThreadCNode, slot, W);
      const { info } = yield* seL4_Recv(ep, reply);
      got.push(seL4_MessageInfo_get_extraCaps(info), yield* seL4_DebugCapIdentify(slot));
      yield* settle();
    });
    expect(got).toEqual([0, 0, -1]);
  });
});
