// CSpace addressing (semantics §3, CS-1..CS-15), observed through CNode invocations (whose
// (index, depth) pairs are resolved against the invoked CNode cap), DebugCapIdentify and
// Call (thread-level lookups from the TCB's CSpace root).

import { describe, expect, it } from "vitest";
import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_irq_control_cap,
  cap_null_cap,
  cap_thread_cap,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  CNodeMove,
  CNodeMutate,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIRQControl,
  seL4_CapTableObject,
  seL4_CNode_Copy,
  seL4_CNode_Move,
  seL4_DebugCapIdentify,
  seL4_DepthMismatch,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_GuardMismatch,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MissingCapability,
  seL4_RangeError,
  seL4_Untyped_Retype,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { call, D, err, mintGuard, type Reply, retype, root, Slots, unguardedRoot } from "./cnode-helpers.ts";

const FL = seL4_FailedLookup;
const fail = (...mrs: seL4_Word[]): Reply => err(FL, ...mrs);
const errReply = err;

/** Copy through the invoked CNode `svc`: dest (di, dd) <- src root `sr`, (si, sd). */
function* copy(
  svc: seL4_Word,
  di: seL4_Word,
  dd: seL4_Word,
  sr: seL4_Word,
  si: seL4_Word,
  sd: seL4_Word,
): UserGenerator<Reply> {
  return yield* call(svc, CNodeCopy, [di, dd, si, sd, seL4_AllRights], [sr]);
}

/**
 * A two-level CSpace below the boot CNode: R = the boot CNode cap minted with no guard (radix
 * 12, so depth 12 selects a slot), and in root slot B a radix-4 CNode S minted with the 3-bit
 * guard 0b101. Through R, index (B << 7) | (5 << 4) | j at depth 19 names slot j of S.
 */
interface Multi {
  R: number;
  A: number;
  B: number;
  ep: number;
  sub: (j: number) => number;
}
function* multi(bi: seL4_BootInfo, s: Slots): UserGenerator<Multi> {
  const R = s.alloc();
  const A = s.alloc();
  const B = s.alloc();
  const ep = s.alloc();
  expect(yield* unguardedRoot(R)).toBe(0);
  expect(yield* retype(bi, seL4_CapTableObject, 4, A)).toBe(0);
  expect(yield* mintGuard(B, A, 0b11101, 3)).toBe(0); // guard bits above the size are dropped
  expect(yield* retype(bi, seL4_EndpointObject, 0, ep)).toBe(0);
  return { R, A, B, ep, sub: (j) => (B << 7) | (5 << 4) | j };
}

describe("CS: resolveAddressBits and CNode-operation lookups", () => {
  it("CS-1/CS-9 a root that is not a CNode cap -> FailedLookup InvalidRoot, before the depth check", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const ep = s.alloc();
      const dest = s.alloc();
      const empty = s.alloc();
      expect(yield* retype(bi, seL4_EndpointObject, 0, ep)).toBe(0);
      got.push(yield* copy(root, dest, D, ep, 0, D)); // endpoint as source root
      got.push(yield* copy(root, dest, D, ep, 0, 0)); // bad depth too: InvalidRoot wins
      got.push(yield* copy(root, dest, D, empty, 0, D)); // empty slot: the null cap is the root
      got.push(yield* copy(root, dest, D, seL4_CapInitThreadTCB, 0, 99));
    });
    const invalidRoot = fail(1, seL4_InvalidRoot);
    expect(got).toEqual([invalidRoot, invalidRoot, invalidRoot, invalidRoot]);
  });

  it("CS-2 guard bits of the cptr differ from the guard -> GuardMismatch(bitsLeft, guardFound, bitsFound)", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const dest = s.alloc();
      got.push(yield* copy(root, 4096, D, root, m.ep, D)); // bit 12 set: inside the 52-bit guard
      got.push(yield* copy(root, 2n ** 63n + 5n, D, root, m.ep, D));
      got.push(yield* copy(root, dest, D, root, 2 ** 52 + m.ep, D)); // source side
      // Sub-CNode guard 0b101 (3 bits): wrong guard 0b100 at depth 19.
      got.push(yield* copy(m.R, (m.B << 7) | (4 << 4) | 1, 19, root, m.ep, D));
      // Only 2 bits left for a 3-bit guard: guard size > bits left.
      got.push(yield* copy(m.R, (m.B << 2) | 2, 14, root, m.ep, D));
    });
    expect(got).toEqual([
      fail(0, seL4_GuardMismatch, 64, 0, 52),
      fail(0, seL4_GuardMismatch, 64, 0, 52),
      fail(1, seL4_GuardMismatch, 64, 0, 52),
      fail(0, seL4_GuardMismatch, 7, 5, 3),
      fail(0, seL4_GuardMismatch, 2, 5, 3),
    ]);
  });

  it("CS-2 a 48-bit guard is checked and reported exactly (multi-word guardFound)", () => {
    const got: Reply[] = [];
    const guard = 0xfedc_ba98_7654;
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const G = s.alloc();
      expect(yield* mintGuard(G, m.A, guard, 48)).toBe(0);
      // Through R: 12 (R) + 48 (guard) + 4 (radix) = 64 bits.
      const at = (g: number, j: number): bigint => (BigInt(G) << 52n) | (BigInt(g) << 4n) | BigInt(j);
      got.push(yield* copy(m.R, at(guard, 3), 64, root, m.ep, D));
      got.push(yield* copy(m.R, at(guard, 3), 64, root, m.ep, D)); // now occupied
      got.push(yield* copy(m.R, at(guard + 1, 3), 64, root, m.ep, D));
      got.push(yield* copy(m.R, at(guard, 3) >> 1n, 63, root, m.ep, D)); // guard still matches, 52 > 51
      // The slot reached through G is slot 3 of the same CNode as S (A): visible through S too.
      got.push(yield* copy(m.R, m.sub(3), 19, root, m.ep, D));
    });
    expect(got).toEqual([
      errReply(0),
      errReply(8), // DeleteFirst
      fail(0, seL4_GuardMismatch, 52, guard, 48),
      fail(0, seL4_DepthMismatch, 51, 52),
      errReply(8),
    ]);
  });

  it("CS-3 guard matches but guard + radix > bits left -> DepthMismatch(bitsLeft, bitsFound); guard checked first", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      got.push(yield* copy(root, 5, 60, root, m.ep, D)); // guard = 5 >> 8 = 0 ok, 64 > 60
      got.push(yield* copy(root, 256, 60, root, m.ep, D)); // guard = 1: GuardMismatch first
      got.push(yield* copy(root, 0, 52, root, m.ep, D)); // guard ok, 64 > 52
      got.push(yield* copy(root, 5, 52, root, m.ep, D)); // guard = 5
      got.push(yield* copy(m.R, (m.B << 5) | (5 << 2) | 1, 17, root, m.ep, D)); // 5 bits for S's 7
    });
    expect(got).toEqual([
      fail(0, seL4_DepthMismatch, 60, 64),
      fail(0, seL4_GuardMismatch, 60, 0, 52),
      fail(0, seL4_DepthMismatch, 52, 64),
      fail(0, seL4_GuardMismatch, 52, 0, 52),
      fail(0, seL4_DepthMismatch, 5, 7),
    ]);
  });

  it("CS-4 when the bits run out exactly at a slot, that slot is the result even if it holds a CNode cap", () => {
    const got: number[] = [];
    const errs: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const d1 = s.alloc();
      const d2 = s.alloc();
      errs.push(yield* copy(root, d1, D, root, seL4_CapInitThreadCNode, D));
      got.push(yield* seL4_DebugCapIdentify(d1));
      errs.push(yield* copy(m.R, d2, 12, m.R, m.B, 12)); // slot B itself, not a slot inside S
      got.push(yield* seL4_DebugCapIdentify(d2));
      // Deleting at depth 12 through R removes the CNode cap B, not anything inside S.
      errs.push(yield* copy(m.R, m.sub(0), 19, root, m.ep, D));
      errs.push(yield* call(m.R, CNodeDelete, [m.B, 12]));
      got.push(yield* seL4_DebugCapIdentify(m.B));
      errs.push(yield* copy(root, m.B, D, root, m.A, D)); // A is S unguarded: slot 0 still full
      errs.push(yield* copy(m.R, (m.A << 4) | 0, 16, root, m.ep, D));
    });
    expect(got).toEqual([cap_cnode_cap, cap_cnode_cap, cap_null_cap]);
    expect(errs).toEqual([errReply(0), errReply(0), errReply(0), errReply(0), errReply(0), errReply(8)]);
  });

  it("CS-5 lookup descends into a CNode cap while bits remain (two and three levels)", () => {
    const got: number[] = [];
    const errs: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const out1 = s.alloc();
      const T0 = s.alloc();
      const T = s.alloc();
      const out2 = s.alloc();
      errs.push(yield* copy(m.R, m.sub(9), 19, root, m.ep, D)); // endpoint into S[9]
      errs.push(yield* copy(root, out1, D, m.R, m.sub(9), 19)); // and back out
      got.push(yield* seL4_DebugCapIdentify(out1));
      // Third level: T (radix 3, guard 0b10) in S[7].
      expect(yield* retype(bi, seL4_CapTableObject, 3, T0)).toBe(0);
      expect(yield* mintGuard(T, T0, 2, 2)).toBe(0);
      errs.push(yield* call(m.R, CNodeMove, [m.sub(7), 19, T, D], [root]));
      const t = (j: number): number => (m.sub(7) << 5) | (2 << 3) | j; // 12 + 7 + 5 = 24 bits
      errs.push(yield* copy(m.R, t(3), 24, root, seL4_CapInitThreadTCB, D));
      errs.push(yield* copy(root, out2, D, m.R, t(3), 24));
      got.push(yield* seL4_DebugCapIdentify(out2));
      errs.push(yield* copy(m.R, t(3), 24, root, m.ep, D)); // occupied now
      errs.push(yield* copy(m.R, (m.sub(7) << 5) | (3 << 3) | 3, 24, root, m.ep, D)); // T's guard
      // T0 is the same CNode unguarded, addressable directly through R in 15 bits.
      errs.push(yield* copy(root, s.alloc(), D, m.R, (T0 << 3) | 3, 15));
    });
    expect(got).toEqual([cap_endpoint_cap, cap_thread_cap]);
    expect(errs).toEqual([
      errReply(0),
      errReply(0),
      errReply(0),
      errReply(0),
      errReply(0),
      errReply(8),
      fail(0, seL4_GuardMismatch, 5, 2, 2),
      errReply(0),
    ]);
  });

  it("CS-6 thread-level lookups: an empty slot resolves (null cap), a bad cptr is a structural failure", () => {
    const got: (number | Reply)[] = [];
    const { diagnostics, result } = runRoot(function* (bi) {
      got.push(yield* seL4_DebugCapIdentify(bi.empty.start));
      got.push(yield* call(bi.empty.start, CNodeCopy, [0, 0]));
      got.push(yield* call(4096 + 2, CNodeDelete, [5, D])); // cap fault: the thread stops here
      got.push(-1);
    });
    expect(got).toEqual([cap_null_cap, errReply(seL4_InvalidCapability, 0)]);
    expect(diagnostics.join("\n")).toContain("cap fault in send phase at address 0x1002");
    expect(result.reason).toBe("idle");
  });

  it("CS-7 with the boot CNode (guard 52, radix 12) cptr k is slot k; any higher bit fails", () => {
    const got: number[] = [];
    runRoot(function* () {
      for (const c of [1, 2, 4, 2 + 4096, 2 + 2 ** 40, 2n ** 63n + 2n, 4095]) {
        got.push(yield* seL4_DebugCapIdentify(c));
      }
    });
    expect(got).toEqual([cap_thread_cap, cap_cnode_cap, cap_irq_control_cap, 0, 0, 0, 0]);
  });

  it("CS-8 CNode-op lookups start at the invoked CNode cap (also Untyped_Retype's destination)", () => {
    const got: (number | Reply)[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const d = s.alloc();
      got.push(yield* copy(m.R, d, 12, m.R, m.ep, 12)); // R: 12 bits name a slot
      got.push(yield* seL4_DebugCapIdentify(d));
      got.push(yield* copy(root, s.alloc(), 12, root, m.ep, D)); // boot cap: 12 is not enough
      // Retype an endpoint into S[4]: root R, node (B, depth 12) is the CNode S, offset 4.
      const ut = findUntyped(bi, 16);
      got.push(yield* seL4_Untyped_Retype(ut.cptr, seL4_EndpointObject, 0, m.R, m.B, 12, 4, 1));
      got.push(yield* copy(m.R, m.sub(4), 19, root, m.ep, D)); // occupied by the new endpoint
    });
    expect(got).toEqual([
      errReply(0),
      cap_endpoint_cap,
      fail(0, seL4_GuardMismatch, 12, 0, 52),
      0,
      errReply(8),
    ]);
  });

  it("CS-10 depth < 1 or > 64 -> RangeError(1, 64), for target and source alike", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const d = s.alloc();
      const range = (): UserGenerator<Reply>[] => [
        copy(root, d, 0, root, 1, D),
        copy(root, d, 65, root, 1, D),
        copy(root, d, 2 ** 32 + 64, root, 1, D), // the kernel reads the full word
        copy(root, d, 2n ** 64n - 1n, root, 1, D),
        copy(root, d, D, root, 1, 0),
        copy(root, d, D, root, 1, 2n ** 64n - 64n),
        call(root, CNodeDelete, [d, 65]),
      ];
      for (const g of range()) got.push(yield* g);
    });
    expect(got).toEqual(new Array(7).fill(errReply(seL4_RangeError, 1, 64)));
  });

  it("CS-11 the walk must use exactly `depth` bits: leftover bits at a non-CNode slot -> DepthMismatch(left, 0)", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      got.push(yield* copy(m.R, m.sub(9), 19, root, m.ep, D));
      got.push(yield* copy(root, s.alloc(), D, m.R, (m.sub(9) << 6) | 0x2a, 25)); // endpoint + 6 bits
      got.push(yield* copy(m.R, (m.sub(10) << 6) | 1, 25, root, m.ep, D)); // empty slot + 6 bits
      got.push(yield* copy(m.R, (m.ep << 1) | 1, 13, root, m.ep, D)); // R level + 1 bit
      // One bit left after R lands on the boot CNode cap (slot 2): its 52-bit guard cannot fit.
      got.push(yield* copy(m.R, seL4_CapInitThreadCNode << 1, 13, root, m.ep, D));
    });
    expect(got).toEqual([
      errReply(0),
      fail(1, seL4_DepthMismatch, 6, 0),
      fail(0, seL4_DepthMismatch, 6, 0),
      fail(0, seL4_DepthMismatch, 1, 0),
      fail(0, seL4_GuardMismatch, 1, 0, 52),
    ]);
  });

  it("CS-12 on the boot CNode depth must be 64: depth 12 is a GuardMismatch, not an index", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      got.push(yield* copy(root, bi.empty.start, 12, root, seL4_CapInitThreadTCB, 12));
      got.push(yield* copy(root, bi.empty.start, D, root, seL4_CapInitThreadTCB, 12));
      got.push(yield* copy(root, bi.empty.start, D, root, seL4_CapInitThreadTCB, D));
    });
    expect(got).toEqual([
      fail(0, seL4_GuardMismatch, 12, 0, 52),
      fail(1, seL4_GuardMismatch, 12, 0, 52),
      errReply(0),
    ]);
  });

  it("CS-13 failedLookupWasSource: 0 for the target, 1 for the source of Copy/Mint/Move/Mutate", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const d = bi.empty.start;
      const bad = 2 ** 20;
      got.push(yield* copy(root, bad, D, root, 1, D));
      got.push(yield* copy(root, d, D, root, bad, D));
      got.push(yield* call(root, CNodeMint, [d, D, bad, D, seL4_AllRights, 0], [root]));
      got.push(yield* call(root, CNodeMove, [d, D, bad, D], [root]));
      got.push(yield* call(root, CNodeMutate, [d, D, bad, D, 0], [root]));
      got.push(yield* call(root, CNodeDelete, [bad, D]));
    });
    const g = (src: number): Reply => fail(src, seL4_GuardMismatch, 64, 0, 52);
    expect(got).toEqual([g(0), g(1), g(1), g(1), g(1), g(0)]);
  });

  it("CS-14/CS-15 failure layouts: InvalidRoot [k], Missing [k, left], Depth [k, left, found], Guard [k, left, guard, size]", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const m = yield* multi(bi, s);
      const d = s.alloc();
      const empty = s.alloc();
      got.push(yield* copy(root, d, D, empty, 0, D));
      got.push(yield* copy(root, d, D, root, empty, D)); // source empty: bitsLeft = srcDepth
      got.push(yield* copy(root, d, D, m.R, empty, 12));
      got.push(yield* copy(root, d, D, m.R, m.sub(11), 19));
      got.push(yield* copy(root, d, D, root, 0, 60));
      got.push(yield* copy(root, d, D, root, 4096, D));
    });
    expect(got).toEqual([
      fail(1, seL4_InvalidRoot),
      fail(1, seL4_MissingCapability, 64),
      fail(1, seL4_MissingCapability, 12),
      fail(1, seL4_MissingCapability, 19),
      fail(1, seL4_DepthMismatch, 60, 64),
      fail(1, seL4_GuardMismatch, 64, 0, 52),
    ]);
  });

  it("CS-15 a slot emptied by Move is a missing source: MissingCapability(srcDepth)", () => {
    const got: (number | Reply)[] = [];
    runRoot(function* (bi) {
      const d = bi.empty.start;
      got.push(yield* seL4_CNode_Move(root, d, D, root, seL4_CapIRQControl, D));
      got.push(yield* copy(root, d + 1, D, root, seL4_CapIRQControl, D));
      got.push(yield* seL4_CNode_Copy(root, d + 1, D, root, seL4_CapIRQControl, 12, seL4_AllRights));
    });
    expect(got).toEqual([0, fail(1, seL4_MissingCapability, 64), FL]);
  });
});
