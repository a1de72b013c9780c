// CNode invocations (semantics §6, CN-0..CN-23): decoding order, error contents and effects,
// observed with DebugCapIdentify, follow-up invocations and notification signals.

import { describe, expect, it } from "vitest";
import {
  cap_cnode_cap,
  cap_domain_cap,
  cap_endpoint_cap,
  cap_irq_control_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_sched_context_cap,
  cap_thread_cap,
  cap_untyped_cap,
  CNodeCancelBadgedSends,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  CNodeMove,
  CNodeMutate,
  CNodeRevoke,
  CNodeRotate,
  seL4_AllRights,
  seL4_CanRead,
  seL4_CapDomain,
  seL4_CapInitThreadSC,
  seL4_CapInitThreadTCB,
  seL4_CapIRQControl,
  seL4_CNode_CapData_new,
  seL4_DebugCapIdentify,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_GuardMismatch,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MessageInfo_new,
  seL4_MissingCapability,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_Poll,
  seL4_RangeError,
  seL4_ReplyRecv,
  seL4_RevokeFirst,
  seL4_RISCV_PageTableObject,
  seL4_SetMR,
  seL4_Signal,
  seL4_TruncatedMessage,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import {
  call,
  cancel,
  copy,
  D,
  del,
  err,
  mint,
  mintGuard,
  move,
  mutate,
  objects,
  ok,
  type Reply,
  retype,
  revoke,
  root,
  rotate,
  Slots,
  unguardedRoot,
} from "./cnode-helpers.ts";

const e = err;
const Trunc = e(seL4_TruncatedMessage);
const Illegal = e(seL4_IllegalOperation);
const DelFirst = e(seL4_DeleteFirst);
const id = seL4_DebugCapIdentify;

describe("CN: CNode invocations", () => {
  it("CN-0 a CNode cap is refused in the first phase of ReplyRecv/NBSendRecv/NBSendWait; the receive still runs", () => {
    const got: seL4_Word[] = [];
    runRoot(function* (bi) {
      const { s, nt } = yield* objects(bi);
      const nb = s.alloc();
      const victim = s.alloc();
      expect((yield* mint(nb, nt, 7)).label).toBe(0);
      expect((yield* copy(victim, seL4_CapInitThreadTCB)).label).toBe(0);
      const info = seL4_MessageInfo_new(CNodeDelete, 0, 0, 2);
      const arm = (): void => {
        seL4_SetMR(0, victim);
        seL4_SetMR(1, D);
      };
      yield* seL4_Signal(nb);
      arm();
      got.push((yield* seL4_ReplyRecv(nt, info, root)).sender);
      yield* seL4_Signal(nb);
      arm();
      got.push((yield* seL4_NBSendRecv(root, info, nt, 0)).sender);
      yield* seL4_Signal(nb);
      arm();
      got.push((yield* seL4_NBSendWait(root, info, nt)).sender);
      got.push(yield* id(victim));
      arm();
      got.push((yield* call(root, CNodeDelete, [victim, D])).label); // the same message via Call works
      got.push(yield* id(victim));
    });
    expect(got).toEqual([7, 7, 7, cap_thread_cap, 0, cap_null_cap]);
  });

  it("CN-1 Copy/Mint/Move/Mutate: length < 4 or no extra cap -> TruncatedMessage, after the target lookup, before DeleteFirst", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const d = s.alloc();
      for (const label of [CNodeCopy, CNodeMint, CNodeMove, CNodeMutate]) {
        got.push(yield* call(root, label, [d, 0, ep], [root])); // bad target depth wins
        got.push(yield* call(root, label, [d, D, ep], [root]));
        got.push(yield* call(root, label, [d, D, ep, D, 0xf, 0], [])); // no extra cap
        got.push(yield* call(root, label, [ep, D, ep], [root])); // occupied dest: still truncated
      }
      got.push(yield* call(root, CNodeMove, [d, D, ep, D], [root])); // exactly 4 + 1 cap is enough
    });
    const one = [e(seL4_RangeError, 1, 64), Trunc, Trunc, Trunc];
    expect(got).toEqual([...one, ...one, ...one, ...one, ok]);
  });

  it("CN-2 destination not empty -> DeleteFirst, checked before any source lookup", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const empty = s.alloc();
      for (const label of [CNodeCopy, CNodeMint, CNodeMove, CNodeMutate]) {
        got.push(yield* call(root, label, [nt, D, ep, 0, 0xf, 0], [root])); // bad src depth
        got.push(yield* call(root, label, [nt, D, ep, D, 0xf, 0], [ep])); // src root not a CNode
        got.push(yield* call(root, label, [nt, D, empty, D, 0xf, 0], [root])); // src empty
        got.push(yield* call(root, label, [nt, D, 4096, D, 0xf, 0], [root])); // src guard mismatch
      }
      got.push(yield* move(ep, ep)); // Move onto itself: the destination is occupied
    });
    expect(got).toEqual(new Array(17).fill(DelFirst));
  });

  it("CN-3/CN-4 source lookup errors carry source = 1; an empty source -> MissingCapability(srcDepth) before length checks", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const d = s.alloc();
      const empty = s.alloc();
      const R = s.alloc();
      expect(yield* unguardedRoot(R)).toBe(0);
      for (const label of [CNodeCopy, CNodeMint, CNodeMove, CNodeMutate]) {
        got.push(yield* call(root, label, [d, D, ep, 65, 0xf, 0], [root]));
        got.push(yield* call(root, label, [d, D, ep, D, 0xf, 0], [ep]));
        got.push(yield* call(root, label, [d, D, empty, D, 0xf, 0], [root]));
        got.push(yield* call(root, label, [d, D, empty, 12, 0xf, 0], [R]));
        got.push(yield* call(root, label, [d, D, empty, D], [root])); // length 4: lookup comes first
      }
    });
    const one = [
      e(seL4_RangeError, 1, 64),
      e(seL4_FailedLookup, 1, seL4_InvalidRoot),
      e(seL4_FailedLookup, 1, seL4_MissingCapability, 64),
      e(seL4_FailedLookup, 1, seL4_MissingCapability, 12),
      e(seL4_FailedLookup, 1, seL4_MissingCapability, 64),
    ];
    expect(got).toEqual([...one, ...one, ...one, ...one]);
  });

  it("CN-5 Copy: length 4 -> TruncatedMessage (before derive errors); rights are masked and never grow", () => {
    const got: (Reply | number)[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const [rd, all, again, none] = [s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      got.push(yield* call(root, CNodeCopy, [rd, D, ep, D], [root]));
      got.push(yield* copy(rd, ep, seL4_CanRead));
      got.push(yield* copy(all, ep, seL4_AllRights | 0xfff0)); // high bits ignored
      got.push(yield* copy(again, rd, seL4_AllRights)); // a copy of the read-only copy
      got.push(yield* copy(none, ep, 0));
      got.push(yield* id(none));
      got.push(yield* cancel(all)); // needs all four rights
      got.push(yield* cancel(rd));
      got.push(yield* cancel(again));
      got.push(yield* call(rd, 0, [])); // Call on an endpoint without Write
      got.push(yield* call(none, 0, []));
    });
    expect(got).toEqual([
      Trunc,
      ok,
      ok,
      ok,
      ok,
      cap_endpoint_cap,
      ok,
      Illegal,
      Illegal,
      e(seL4_InvalidCapability, 0),
      e(seL4_InvalidCapability, 0),
    ]);
  });

  it("CN-5/CN-9 Copy derive errors: untyped with children -> RevokeFirst, IRQControl / unmapped PageTable -> IllegalOperation", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [ut, ut2, obj, pt, d] = [s.alloc(), s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      expect(yield* retype(bi, 0 /* Untyped */, 12, ut)).toBe(0);
      got.push(yield* copy(d, ut)); // no children yet: fine (the copy is a child)
      got.push(yield* del(d));
      expect(yield* retype(bi, 0, 12, ut2)).toBe(0);
      const ret = yield* call(ut2, 1 /* Retype */, [seL4_EndpointObject, 0, 0, 0, obj, 1], [root]);
      expect(ret.label).toBe(0);
      got.push(yield* call(root, CNodeCopy, [d, D, ut2, D], [root])); // length first
      got.push(yield* copy(d, ut2));
      got.push(yield* mint(d, ut2, 0));
      got.push(yield* copy(d, seL4_CapIRQControl));
      got.push(yield* mint(d, seL4_CapIRQControl, 0));
      expect(yield* retype(bi, seL4_RISCV_PageTableObject, 0, pt)).toBe(0);
      got.push(yield* copy(d, pt));
      got.push(yield* move(d, ut2)); // Move does no derivation
    });
    const rf = e(seL4_RevokeFirst);
    expect(got).toEqual([ok, ok, Trunc, rf, rf, Illegal, Illegal, Illegal, ok]);
  });

  it("CN-6 Mint: length 5 -> TruncatedMessage; a 64-bit badge round-trips exactly; a badged cap cannot be minted again", () => {
    const big = 2n ** 63n + 5n;
    const got: (Reply | seL4_Word)[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const [nb, eb, plain, rebadged, x] = [s.alloc(), s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      got.push(yield* call(root, CNodeMint, [nb, D, nt, D, seL4_AllRights], [root]));
      got.push(yield* mint(nb, nt, big));
      yield* seL4_Signal(nb);
      got.push((yield* seL4_Poll(nt)).sender);
      got.push(yield* mint(eb, ep, big));
      got.push(yield* mint(x, eb, big)); // same badge: still refused
      got.push(yield* mint(x, eb, 0));
      got.push(yield* mint(x, nb, 3));
      got.push(yield* cancel(eb)); // badged, all rights, no senders: fine
      got.push(yield* mint(plain, ep, 0)); // badge 0: a plain copy...
      got.push(yield* mint(rebadged, plain, 9)); // ...which can still be badged
      got.push(yield* mint(x, ep, 1, seL4_CanRead)); // rights are masked by Mint too
      got.push(yield* cancel(x));
    });
    expect(got).toEqual([Trunc, ok, big, ok, Illegal, Illegal, Illegal, ok, ok, ok, ok, Illegal]);
  });

  it("CN-7 Move: no derivation or masking; the source becomes empty; badge, rights and children move along", () => {
    const got: (Reply | seL4_Word)[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const [nb, nb2, rd, rd2, ut, ut2, obj, irq] = [1, 2, 3, 4, 5, 6, 7, 8].map(() => s.alloc());
      expect((yield* mint(nb, nt, 0x1234)).label).toBe(0);
      got.push(yield* move(nb2, nb));
      got.push(yield* id(nb));
      yield* seL4_Signal(nb2);
      got.push((yield* seL4_Poll(nt)).sender);
      expect((yield* copy(rd, ep, seL4_CanRead)).label).toBe(0);
      got.push(yield* move(rd2, rd));
      got.push(yield* cancel(rd2)); // still read-only
      expect(yield* retype(bi, 0, 12, ut)).toBe(0);
      expect((yield* call(ut, 1, [seL4_EndpointObject, 0, 0, 0, obj, 1], [root])).label).toBe(0);
      got.push(yield* move(ut2, ut)); // an untyped with children moves
      got.push(yield* revoke(ut2)); // and its children came along
      got.push(yield* id(obj));
      got.push(yield* move(irq, seL4_CapIRQControl));
      got.push(yield* id(irq));
    });
    expect(got).toEqual([ok, 0, 0x1234, ok, Illegal, ok, ok, 0, ok, cap_irq_control_cap]);
  });

  it("CN-8 Mutate: length 4 -> TruncatedMessage; EP/Notification -> IllegalOperation; CNode guard replaced; others move unchanged", () => {
    const got: (Reply | number)[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const [d, R, R2, tcb] = [s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      got.push(yield* call(root, CNodeMutate, [d, D, ep, D], [root]));
      got.push(yield* mutate(d, ep, 0));
      got.push(yield* mutate(d, nt, 0));
      got.push(yield* id(ep));
      expect(yield* unguardedRoot(R)).toBe(0);
      got.push(yield* mutate(R2, R, seL4_CNode_CapData_new(0, 53))); // 53 + 12 > 64
      got.push(yield* id(R));
      got.push(yield* mutate(R2, R, seL4_CNode_CapData_new(3, 4))); // radix 12 + guard 4
      got.push(yield* id(R));
      // Through R2: 16 bits = guard 0b0011 then the slot number.
      got.push(yield* call(R2, CNodeCopy, [(3 << 12) | d, 16, ep, D, seL4_AllRights], [root]));
      got.push(yield* call(R2, CNodeDelete, [(2 << 12) | d, 16]));
      expect((yield* copy(tcb, seL4_CapInitThreadTCB)).label).toBe(0);
      got.push(yield* del(d));
      got.push(yield* mutate(d, tcb, 0x1234567)); // data is meaningless for a TCB cap
      got.push(yield* id(d));
    });
    expect(got).toEqual([
      Trunc,
      Illegal,
      Illegal,
      cap_endpoint_cap,
      Illegal,
      cap_cnode_cap,
      ok,
      cap_null_cap,
      ok,
      e(seL4_FailedLookup, 0, seL4_GuardMismatch, 16, 3, 4),
      ok,
      ok,
      cap_thread_cap,
    ]);
  });

  it("CN-9/CN-10 null results are IllegalOperation and change nothing; Copy/Mint insert children of revocable caps", () => {
    const got: (Reply | number)[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const [c1, b1, c2, m1, d] = [s.alloc(), s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      got.push(yield* mintGuard(d, root, 0, 53));
      got.push(yield* id(d));
      got.push(yield* copy(c1, ep)); // child of the original
      got.push(yield* mint(b1, ep, 5)); // badged: child of the original, itself revocable
      got.push(yield* copy(c2, b1)); // child of the badged cap
      got.push(yield* move(m1, c2)); // moving keeps its place in the tree
      got.push(yield* revoke(b1));
      got.push(yield* id(m1));
      got.push(yield* id(c1));
      got.push(yield* revoke(c1)); // a plain copy has no children
      got.push(yield* id(ep));
      got.push(yield* revoke(ep));
      got.push(yield* id(c1));
      got.push(yield* id(b1));
    });
    expect(got).toEqual([
      seL4_IllegalOperation,
      cap_null_cap,
      ok,
      ok,
      ok,
      ok,
      ok,
      cap_null_cap,
      cap_endpoint_cap,
      ok,
      cap_endpoint_cap,
      ok,
      cap_null_cap,
      cap_null_cap,
    ]);
  });

  it("CN-11/CN-12 Rotate: length < 8 or < 2 extra caps -> TruncatedMessage (after target); source looked up before pivot", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const [d, tcb, dom] = [s.alloc(), s.alloc(), s.alloc()];
      expect((yield* copy(tcb, seL4_CapInitThreadTCB)).label).toBe(0);
      expect((yield* copy(dom, seL4_CapDomain)).label).toBe(0);
      const args = [d, D, 0, tcb, D, 0, dom, D];
      got.push(yield* call(root, CNodeRotate, args.slice(0, 7), [root, root]));
      got.push(yield* call(root, CNodeRotate, args, [root]));
      got.push(yield* call(root, CNodeRotate, [d, 0, ...args.slice(2, 7)], [root, root])); // target first
      got.push(yield* rotate(d, 0, 4096, 0, dom, [D, D, 0])); // src RangeError before pivot
      got.push(yield* rotate(d, 0, 4096, 0, 4096 + 1, [D, 0, D])); // src guard before pivot range
      got.push(yield* rotate(d, 0, 4096, 0, dom)); // pivot failure: flagged as source
      got.push(yield* call(root, CNodeRotate, [d, D, 0, tcb, D, 0, dom, D], [ep, root])); // pivot root
      got.push(yield* call(root, CNodeRotate, [d, D, 0, tcb, D, 0, dom, D], [root, ep])); // src root
    });
    const gm = e(seL4_FailedLookup, 1, seL4_GuardMismatch, 64, 0, 52);
    const inv = e(seL4_FailedLookup, 1, seL4_InvalidRoot);
    expect(got).toEqual([
      Trunc,
      Trunc,
      e(seL4_RangeError, 1, 64),
      e(seL4_RangeError, 1, 64),
      gm,
      gm,
      inv,
      inv,
    ]);
  });

  it("CN-13/CN-14/CN-15 Rotate check order: pivot == src/dest, then dest empty, then src empty, then pivot empty", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep } = yield* objects(bi);
      const [a, b, c, x, y, R] = [s.alloc(), s.alloc(), s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      expect((yield* copy(a, seL4_CapInitThreadTCB)).label).toBe(0);
      expect((yield* copy(b, seL4_CapDomain)).label).toBe(0);
      expect(yield* unguardedRoot(R)).toBe(0);
      // Pivot root R (depth 12 names a slot), source root the boot CNode (depth 64).
      const rot = (dest: number, pivot: number, src: number): UserGenerator<Reply> =>
        call(root, CNodeRotate, [dest, D, 0, pivot, 12, 0, src, D], [R, root]);
      got.push(yield* rot(c, a, a)); // pivot == src
      got.push(yield* rot(ep, ep, a)); // pivot == dest (occupied): not DeleteFirst
      got.push(yield* rot(x, x, y)); // pivot == dest, all empty: not a missing cap
      got.push(yield* rot(ep, b, x)); // dest occupied before src empty
      got.push(yield* rot(c, y, x)); // src and pivot empty: src first, with the src depth
      got.push(yield* rot(c, y, a)); // pivot empty: source flag 0, pivot depth
      got.push(yield* rot(a, y, a)); // dest == src may be occupied
      got.push(yield* rot(c, b, a)); // all fine
    });
    expect(got).toEqual([
      Illegal,
      Illegal,
      Illegal,
      DelFirst,
      e(seL4_FailedLookup, 1, seL4_MissingCapability, 64),
      e(seL4_FailedLookup, 0, seL4_MissingCapability, 12),
      e(seL4_FailedLookup, 0, seL4_MissingCapability, 12),
      ok,
    ]);
  });

  it("CN-16 Rotate applies updateCapData(preserve) to both caps: EP/Notification -> IllegalOperation, atomically", () => {
    const got: (Reply | number)[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const [a, c, R] = [s.alloc(), s.alloc(), s.alloc()];
      expect((yield* copy(a, seL4_CapInitThreadTCB)).label).toBe(0);
      got.push(yield* rotate(c, 0, ep, 0, a)); // pivot is an endpoint
      got.push(yield* rotate(c, 0, a, 0, nt)); // source is a notification
      got.push(yield* id(a));
      got.push(yield* id(ep));
      got.push(yield* id(nt));
      got.push(yield* id(c));
      // CNode caps take the new guard data: the pivot (an unguarded root copy) gets guard 0b1/1.
      expect(yield* unguardedRoot(R)).toBe(0);
      got.push(yield* rotate(c, seL4_CNode_CapData_new(0, 53), R, 0, a)); // too big: nothing moves
      got.push(yield* id(a));
      got.push(yield* rotate(c, seL4_CNode_CapData_new(1, 1), R, 0, a));
      got.push(yield* call(c, CNodeCopy, [(1 << 12) | s.alloc(), 13, R, D, seL4_AllRights], [root]));
    });
    expect(got).toEqual([
      Illegal,
      Illegal,
      cap_thread_cap,
      cap_endpoint_cap,
      cap_notification_cap,
      cap_null_cap,
      Illegal,
      cap_thread_cap,
      ok,
      ok,
    ]);
  });

  it("CN-17 Rotate effect: dest <- pivot, pivot <- src (src emptied); with dest == src the two caps swap", () => {
    const got: number[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [a, b, c] = [s.alloc(), s.alloc(), s.alloc()];
      expect((yield* copy(a, seL4_CapInitThreadTCB)).label).toBe(0);
      expect((yield* copy(b, seL4_CapDomain)).label).toBe(0);
      expect((yield* rotate(c, 0, b, 0, a)).label).toBe(0); // c <- b (domain), b <- a (tcb)
      for (const x of [a, b, c]) got.push(yield* id(x));
      expect((yield* copy(a, seL4_CapInitThreadSC)).label).toBe(0);
      expect((yield* rotate(a, 0, c, 0, a)).label).toBe(0); // swap a (SC) and c (domain)
      for (const x of [a, b, c]) got.push(yield* id(x));
    });
    expect(got).toEqual([
      cap_null_cap,
      cap_thread_cap,
      cap_domain_cap,
      cap_domain_cap,
      cap_thread_cap,
      cap_sched_context_cap,
    ]);
  });

  it("CN-18/CN-19 Delete empties a slot (empty is fine); Revoke deletes descendants only", () => {
    const got: (Reply | number)[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [ut, o1, o2, cp] = [s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      expect(yield* retype(bi, 0, 12, ut)).toBe(0);
      expect((yield* call(ut, 1, [seL4_EndpointObject, 0, 0, 0, o1, 2], [root])).label).toBe(0);
      got.push(yield* copy(cp, o1));
      got.push(yield* del(cp));
      got.push(yield* id(cp));
      got.push(yield* del(cp)); // already empty
      got.push(yield* revoke(cp)); // empty slot: nothing to do
      got.push(yield* revoke(ut));
      got.push(yield* id(ut));
      got.push(yield* id(o1));
      got.push(yield* id(o2));
      got.push(yield* copy(cp, ut)); // no children left: an untyped copy is allowed again
    });
    expect(got).toEqual([ok, ok, cap_null_cap, ok, ok, ok, cap_untyped_cap, 0, 0, ok]);
  });

  it("CN-20/CN-21/CN-22 CancelBadgedSends needs an endpoint cap with all four rights; badge 0 or no senders: no-op", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const { s, ep, nt } = yield* objects(bi);
      const empty = s.alloc();
      got.push(yield* cancel(ep)); // unbadged: success, nothing happens
      for (const r of [0xe, 0xd, 0xb, 0x7]) {
        const x = s.alloc();
        expect((yield* copy(x, ep, r)).label).toBe(0);
        got.push(yield* cancel(x));
      }
      const b = s.alloc();
      expect((yield* mint(b, ep, 42)).label).toBe(0);
      got.push(yield* cancel(b)); // badged, no senders queued
      got.push(yield* cancel(nt));
      got.push(yield* cancel(root));
      got.push(yield* cancel(empty));
      got.push(yield* call(root, CNodeCancelBadgedSends, [ep, 12])); // target lookup first
    });
    expect(got).toEqual([
      ok,
      Illegal,
      Illegal,
      Illegal,
      Illegal,
      ok,
      Illegal,
      Illegal,
      Illegal,
      e(seL4_FailedLookup, 0, seL4_GuardMismatch, 12, 0, 52),
    ]);
  });

  it("CN-23 labels outside Revoke..Rotate (SaveCaller, 0, others) -> IllegalOperation before any other check", () => {
    const got: Reply[] = [];
    runRoot(function* () {
      for (const label of [0, 1, 17, 26, 27, 0xfffff, 2 ** 40]) {
        got.push(yield* call(root, label, [])); // length 0 would be TruncatedMessage
        got.push(yield* call(root, label, [4096, 0, 1, D], [root]));
      }
      got.push(yield* call(root, CNodeRevoke, [5])); // length 1 with a valid label
    });
    expect(got).toEqual([...new Array(14).fill(Illegal), Trunc]);
  });
});
