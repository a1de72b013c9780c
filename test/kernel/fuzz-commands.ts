// Commands for the kernel property test, as data: random and adversarial CNode / Untyped_Retype
// invocations (plus raw calls, budget burning and short nesting scenarios) that a TS root task
// issues through libsel4, with runRoot's invariant checker after every kernel entry.

import fc from "fast-check";
import {
  cap_endpoint_cap,
  CNodeRevoke,
  CNodeRotate,
  seL4_AllRights,
  seL4_Call,
  seL4_CapInitThreadCNode,
  seL4_CNode_CancelBadgedSends,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Move,
  seL4_CNode_Mutate,
  seL4_CNode_Revoke,
  seL4_CNode_Rotate,
  seL4_DebugCapIdentify,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Untyped_Retype,
  sel4ts_busy,
  UntypedRetype,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import type { System } from "../../src/system/system.ts";
import { runRoot } from "../harness.ts";

// ---- commands as data ----

/** A slot named relative to the boot info (resolved in the root task) or as an absolute word. */
export type SlotRef = { win: number } | { ram: number } | { dev: number } | { abs: seL4_Word };

export type Cmd =
  | {
      op: "Retype";
      ut: SlotRef;
      type: seL4_Word;
      size: seL4_Word;
      root: SlotRef;
      index: SlotRef;
      depth: number;
      offset: SlotRef;
      count: seL4_Word;
    }
  | {
      op: "Copy" | "Mint" | "Move" | "Mutate";
      node: SlotRef;
      dest: SlotRef;
      destDepth: number;
      srcRoot: SlotRef;
      src: SlotRef;
      srcDepth: number;
      rights: seL4_Word;
      badge: seL4_Word;
    }
  | {
      op: "Rotate";
      node: SlotRef;
      dest: SlotRef;
      destDepth: number;
      destBadge: seL4_Word;
      pivotRoot: SlotRef;
      pivot: SlotRef;
      pivotDepth: number;
      pivotBadge: seL4_Word;
      srcRoot: SlotRef;
      src: SlotRef;
      srcDepth: number;
    }
  | { op: "Delete" | "Revoke" | "CancelBadgedSends"; node: SlotRef; index: SlotRef; depth: number }
  | { op: "DebugCapIdentify"; cptr: SlotRef }
  | { op: "Busy"; us: number }
  | { op: "Call"; cptr: SlotRef; label: seL4_Word; length: number; caps: SlotRef[]; mrs: seL4_Word[] };

// Fixed seed for CI; SEL4TS_FUZZ_SEED / SEL4TS_FUZZ_SCALE explore further (e.g. a long local run).
export const SEED = Number(process.env.SEL4TS_FUZZ_SEED ?? 0x5e14);
export const SCALE = Number(process.env.SEL4TS_FUZZ_SCALE ?? 1);

const WINDOW = 32;
/** A window slot, biased to its first 8 so that sequences find the caps they made. */
const win: fc.Arbitrary<SlotRef> = fc
  .oneof({ weight: 3, arbitrary: fc.nat(7) }, { weight: 2, arbitrary: fc.nat(WINDOW - 1) })
  .map((i) => ({ win: i }));
const ADVERSARIAL: seL4_Word[] = [0, 1, 2, 4095, 4096, 2 ** 52, 2n ** 64n - 1n];

const word = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ADVERSARIAL) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
);
/** Slots: mostly the first 32 free ones, some boot untypeds, a few adversarial values. */
const slot: fc.Arbitrary<SlotRef> = fc.oneof(
  { weight: 14, arbitrary: win },
  { weight: 2, arbitrary: fc.nat(63).map((i) => ({ ram: i })) },
  { weight: 1, arbitrary: fc.nat(63).map((i) => ({ dev: i })) },
  { weight: 1, arbitrary: fc.nat(15).map((v) => ({ abs: v })) },
  { weight: 2, arbitrary: fc.constantFrom(...ADVERSARIAL).map((v) => ({ abs: v })) },
  { weight: 1, arbitrary: fc.nat(4095).map((v) => ({ abs: v })) },
);
/** Caps that are invoked or passed as extra caps: a cptr that fails to resolve is a cap fault,
 * which (no fault handler) ends the root task, so those are kept rare. */
const capSlot: fc.Arbitrary<SlotRef> = fc.oneof(
  { weight: 180, arbitrary: fc.constant({ abs: seL4_CapInitThreadCNode }) },
  { weight: 60, arbitrary: win },
  { weight: 9, arbitrary: fc.nat(15).map((v) => ({ abs: v })) },
  { weight: 1, arbitrary: fc.constantFrom(...ADVERSARIAL).map((v) => ({ abs: v })) },
);
const depth = fc.oneof(
  { weight: 6, arbitrary: fc.constant(64) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 12, 63, 65, 2 ** 40) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }) },
);
const rights = fc.oneof(fc.integer({ min: 0, max: 15 }), word);
const smallOrWord = (max: number): fc.Arbitrary<seL4_Word> =>
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max }) }, { weight: 1, arbitrary: word });

/** Sizes of well-formed retypes, and so the radix of the CNodes they make: mostly 4. */
const radix = fc.oneof(
  { weight: 2, arbitrary: fc.constant(4) },
  { weight: 1, arbitrary: fc.integer({ min: 4, max: 12 }) },
);

/** Retypes that mostly succeed, so that sequences build up deep states. */
const goodRetype = fc.record({
  op: fc.constant("Retype" as const),
  ut: fc.oneof({ weight: 3, arbitrary: fc.nat(63).map((i) => ({ ram: i })) }, { weight: 1, arbitrary: win }),
  type: fc.integer({ min: 0, max: 10 }),
  size: radix,
  root: fc.constant({ abs: seL4_CapInitThreadCNode }),
  // Mostly into the root CNode (depth 0); sometimes into a CNode made earlier (index, depth 64).
  index: win,
  depth: fc.constantFrom(0, 0, 0, 64),
  offset: fc.oneof(
    win,
    fc.nat(15).map((v) => ({ abs: v })),
  ),
  count: fc.integer({ min: 1, max: 4 }),
});
const retype = fc.record({
  op: fc.constant("Retype" as const),
  ut: fc.oneof(
    { weight: 15, arbitrary: fc.nat(63).map((i) => ({ ram: i })) },
    { weight: 3, arbitrary: fc.nat(63).map((i) => ({ dev: i })) },
    { weight: 8, arbitrary: win },
    { weight: 1, arbitrary: capSlot },
  ),
  type: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: word }),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 24 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 70 }) },
  ),
  root: capSlot,
  index: slot,
  depth: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: depth }),
  offset: slot,
  count: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 300 }) },
    { weight: 1, arbitrary: word },
  ),
});
/** Copies and moves with well-formed addressing between caps that exist. */
const goodCopy = fc.record({
  op: fc.constantFrom("Copy" as const, "Mint" as const, "Move" as const, "Mutate" as const),
  node: fc.constant({ abs: seL4_CapInitThreadCNode }),
  dest: win,
  destDepth: fc.constant(64),
  srcRoot: fc.constant({ abs: seL4_CapInitThreadCNode }),
  src: fc.oneof(
    { weight: 4, arbitrary: win },
    { weight: 1, arbitrary: fc.integer({ min: 3, max: 15 }).map((v) => ({ abs: v })) },
  ),
  srcDepth: fc.constant(64),
  rights: fc.integer({ min: 0, max: 15 }),
  badge: fc.oneof(fc.nat(16), word),
});
/** Copies into and out of CNodes made earlier (their radix is 4..12): nested CSpaces and zombies. */
const nestedCopy = fc.oneof(
  fc.record({
    op: fc.constantFrom("Copy" as const, "Mint" as const, "Move" as const),
    node: win,
    dest: fc.oneof(
      win,
      fc.nat(15).map((v) => ({ abs: v })),
    ),
    destDepth: radix,
    srcRoot: fc.constant({ abs: seL4_CapInitThreadCNode }),
    src: win,
    srcDepth: fc.constant(64),
    rights: fc.integer({ min: 0, max: 15 }),
    badge: fc.nat(16),
  }),
  fc.record({
    op: fc.constantFrom("Copy" as const, "Move" as const),
    node: fc.constant({ abs: seL4_CapInitThreadCNode }),
    dest: win,
    destDepth: fc.constant(64),
    srcRoot: win,
    src: fc.oneof(
      win,
      fc.nat(15).map((v) => ({ abs: v })),
    ),
    srcDepth: radix,
    rights: fc.integer({ min: 0, max: 15 }),
    badge: fc.nat(16),
  }),
);
const copyLike = fc.record({
  op: fc.constantFrom("Copy" as const, "Mint" as const, "Move" as const, "Mutate" as const),
  node: capSlot,
  dest: slot,
  destDepth: depth,
  srcRoot: capSlot,
  src: slot,
  srcDepth: depth,
  rights,
  badge: word,
});
const rotate = fc.record({
  op: fc.constant("Rotate" as const),
  node: capSlot,
  dest: slot,
  destDepth: depth,
  destBadge: word,
  pivotRoot: capSlot,
  pivot: slot,
  pivotDepth: depth,
  pivotBadge: word,
  srcRoot: capSlot,
  src: slot,
  srcDepth: depth,
});
const single = fc.record({
  op: fc.constantFrom("Delete" as const, "Revoke" as const, "CancelBadgedSends" as const),
  node: capSlot,
  index: slot,
  depth,
});
const identify = fc.record({ op: fc.constant("DebugCapIdentify" as const), cptr: slot });
/** A raw invocation: any label near the CNode/Untyped ones, raw argument words (depths > 255 too). */
const call = fc.record({
  op: fc.constant("Call" as const),
  cptr: capSlot,
  label: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(UntypedRetype, ...range(CNodeRevoke, CNodeRotate)) },
    { weight: 1, arbitrary: word },
  ),
  length: fc.integer({ min: 0, max: 127 }),
  caps: fc.array(capSlot, { minLength: 0, maxLength: 3 }),
  mrs: fc.array(smallOrWord(70), { minLength: 8, maxLength: 8 }),
});

const command: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: goodRetype },
  { weight: 3, arbitrary: retype },
  { weight: 3, arbitrary: goodCopy },
  { weight: 2, arbitrary: nestedCopy },
  { weight: 4, arbitrary: copyLike },
  { weight: 2, arbitrary: rotate },
  { weight: 4, arbitrary: single },
  { weight: 1, arbitrary: identify },
  // Spend budget, so that later long operations (resets, revokes) meet the timer and are preempted.
  { weight: 1, arbitrary: fc.record({ op: fc.constant("Busy" as const), us: fc.nat(5000) }) },
  { weight: 2, arbitrary: call },
);

export const ROOT = { abs: seL4_CapInitThreadCNode };

/**
 * A short scenario of the same primitive commands that reaches deep deletion paths random
 * sequences rarely find: a radix-4 CNode A that holds the cap to another object B (moved in, so
 * possibly B's only cap), or a cap to A itself, or A's cap held by B; then A is deleted or its
 * untyped revoked. Deleting A then finalises B from inside A's zombie, or meets a cyclic zombie.
 */
const nest: fc.Arbitrary<Cmd[]> = fc
  .record({
    ut: fc.nat(63),
    a: fc.nat(WINDOW - 1),
    b: fc.nat(WINDOW - 1),
    bType: fc.constantFrom(4, 4, 1, 2, 3, 5, 6, 0),
    k: fc.nat(15),
    shape: fc.constantFrom("B in A", "A in A", "A in B and B in A"),
    move: fc.boolean(),
    end: fc.constantFrom("Delete A", "Revoke untyped", "Delete B", "none"),
  })
  .map(({ ut, a, b, bType, k, shape, move, end }): Cmd[] => {
    const retype = (type: number, size: number, at: number): Cmd => ({
      op: "Retype",
      ut: { ram: ut },
      type,
      size,
      root: ROOT,
      index: { abs: 0 },
      depth: 0,
      offset: { win: at },
      count: 1,
    });
    const put = (into: number, from: number, op: "Copy" | "Move"): Cmd => ({
      op,
      node: { win: into },
      dest: { abs: k },
      destDepth: 4,
      srcRoot: ROOT,
      src: { win: from },
      srcDepth: 64,
      rights: seL4_AllRights,
      badge: 0,
    });
    const size = bType === 4 ? 4 : bType === 0 ? 8 : bType === 5 ? 8 : 0;
    const out: Cmd[] = [retype(4, 4, a), retype(bType, size, b)];
    if (shape === "B in A") out.push(put(a, b, move ? "Move" : "Copy"));
    if (shape === "A in A") out.push(put(a, a, "Copy"));
    if (shape === "A in B and B in A") out.push(put(b, a, "Copy"), put(a, b, move ? "Move" : "Copy"));
    if (end === "Delete A") out.push({ op: "Delete", node: ROOT, index: { win: a }, depth: 64 });
    if (end === "Delete B") out.push({ op: "Delete", node: ROOT, index: { win: b }, depth: 64 });
    if (end === "Revoke untyped") out.push({ op: "Revoke", node: ROOT, index: { ram: ut }, depth: 64 });
    return out;
  });

/** Command lists: single commands and scenarios, flattened. */
export const commands = (min: number, max: number): fc.Arbitrary<Cmd[]> =>
  fc
    .array(fc.oneof({ weight: 12, arbitrary: command.map((c) => [c]) }, { weight: 1, arbitrary: nest }), {
      minLength: min,
      maxLength: max,
      size: "max",
    })
    .map((xs) => xs.flat().slice(0, max));

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

// ---- running them ----

function resolve(r: SlotRef, bi: seL4_BootInfo): seL4_Word {
  if ("win" in r) return bi.empty.start + r.win;
  if ("abs" in r) return r.abs;
  const want = "ram" in r ? 0 : 1;
  const idx: number[] = [];
  bi.untypedList.forEach((u, i) => {
    if (u.isDevice === want) idx.push(i);
  });
  return bi.untyped.start + idx[("ram" in r ? r.ram : r.dev) % idx.length];
}

/** Run one command; returns its seL4_Error (or the cap type for DebugCapIdentify, -1 if skipped). */
function* exec(c: Cmd, bi: seL4_BootInfo) {
  const s = (r: SlotRef): seL4_Word => resolve(r, bi);
  if (c.op === "Busy") {
    yield* sel4ts_busy(c.us);
    return 0;
  }
  // Every invocation is an seL4_Call: on an endpoint it would wait forever for a receiver that
  // never comes (only the root thread runs). Skip those.
  const service =
    c.op === "Retype" ? c.ut : c.op === "Call" ? c.cptr : c.op === "DebugCapIdentify" ? null : c.node;
  if (service !== null && (yield* seL4_DebugCapIdentify(s(service))) === cap_endpoint_cap) return -1;
  switch (c.op) {
    case "Retype":
      return yield* seL4_Untyped_Retype(
        s(c.ut),
        c.type,
        c.size,
        s(c.root),
        s(c.index),
        c.depth,
        s(c.offset),
        c.count,
      );
    case "Copy":
      return yield* seL4_CNode_Copy(
        s(c.node),
        s(c.dest),
        c.destDepth,
        s(c.srcRoot),
        s(c.src),
        c.srcDepth,
        c.rights,
      );
    case "Mint":
      return yield* seL4_CNode_Mint(
        s(c.node),
        s(c.dest),
        c.destDepth,
        s(c.srcRoot),
        s(c.src),
        c.srcDepth,
        c.rights,
        c.badge,
      );
    case "Move":
      return yield* seL4_CNode_Move(s(c.node), s(c.dest), c.destDepth, s(c.srcRoot), s(c.src), c.srcDepth);
    case "Mutate":
      return yield* seL4_CNode_Mutate(
        s(c.node),
        s(c.dest),
        c.destDepth,
        s(c.srcRoot),
        s(c.src),
        c.srcDepth,
        c.badge,
      );
    case "Rotate":
      return yield* seL4_CNode_Rotate(
        s(c.node),
        s(c.dest),
        c.destDepth,
        c.destBadge,
        s(c.pivotRoot),
        s(c.pivot),
        c.pivotDepth,
        c.pivotBadge,
        s(c.srcRoot),
        s(c.src),
        c.srcDepth,
      );
    case "Delete":
      return yield* seL4_CNode_Delete(s(c.node), s(c.index), c.depth);
    case "Revoke":
      return yield* seL4_CNode_Revoke(s(c.node), s(c.index), c.depth);
    case "CancelBadgedSends":
      return yield* seL4_CNode_CancelBadgedSends(s(c.node), s(c.index), c.depth);
    case "DebugCapIdentify":
      return yield* seL4_DebugCapIdentify(s(c.cptr));
    case "Call": {
      c.mrs.forEach((w, i) => seL4_SetMR(i, w));
      c.caps.forEach((r, i) => seL4_SetCap(i, s(r)));
      const info = yield* seL4_Call(s(c.cptr), seL4_MessageInfo_new(c.label, 0, c.caps.length, c.length));
      return seL4_MessageInfo_get_label(info);
    }
  }
}

export interface Outcome {
  executed: number;
  answers: number[];
  system: System;
}

export function runCommands(cmds: Cmd[]): Outcome {
  const answers: number[] = [];
  let executed = 0;
  let system: System;
  try {
    system = runRoot(
      function* (bi) {
        for (let i = 0; i < cmds.length; i++) {
          answers.push(yield* exec(cmds[i], bi));
          executed = i + 1;
        }
      },
      { ramSize: 8 * 1024 * 1024 },
    ).system;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `${err.message}\n  after ${executed} of ${cmds.length} commands:\n${fc.stringify(cmds)}`;
    throw err;
  }
  return { executed, answers, system };
}

const isError = (c: Cmd, a: number): boolean =>
  c.op === "DebugCapIdentify" ? a >= 0 && a <= 24 : a >= -1 && a <= 10; // seL4_NoError..seL4_NotEnoughMemory

export function checkAnswers(cmds: Cmd[], answers: number[], seen?: Map<string, number>): void {
  answers.forEach((a, i) => {
    if (!isError(cmds[i], a)) throw new Error(`command ${i} (${cmds[i].op}) answered ${a}`);
    if (a === 0 && seen !== undefined) seen.set(cmds[i].op, (seen.get(cmds[i].op) ?? 0) + 1);
  });
}
