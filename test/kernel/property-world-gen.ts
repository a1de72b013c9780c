// Generators for the world commands (property-world-cmds.ts): root commands and thread operations,
// with slots biased to the roles of the window (endpoints, notifications, replies, TCBs, SCs,
// badged copies, VSpace roots, page tables, frames, untypeds) so that most invocations find the
// object they expect and sequences build deep states, and a minority of wrong-typed, adversarial
// or unresolvable arguments for the error paths. Scenarios and whole command lists are in
// property-world-scenarios.ts.

import fc from "fast-check";
import {
  CNodeRevoke,
  RISCVASIDPoolAssign,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CapDomain,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Mega_Page,
  seL4_RISCV_PageTableObject,
  seL4_UntypedObject,
  seL4_UserTop,
  UntypedRetype,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import {
  BADGED_EP,
  BADGED_NTFN,
  type Cap,
  type Role,
  ROLES,
  type SimpleCmd,
  type ThreadOp,
  WIN,
} from "./property-world-cmds.ts";

// ---- slots and caps ----

export const inRole = (r: Role): fc.Arbitrary<number> =>
  fc.integer({ min: ROLES[r][0], max: ROLES[r][1] - 1 });
/** A slot of role r, sometimes any window slot. */
export const slotOf = (r: Role, stray = 1): fc.Arbitrary<number> =>
  fc.oneof({ weight: 10, arbitrary: inRole(r) }, { weight: stray, arbitrary: fc.nat(WIN - 1) });
/** Raw cptrs that resolve: init caps (not the root's own TCB or SC) and the null slot. */
export const rawCap: fc.Arbitrary<Cap> = fc
  .constantFrom<seL4_Word>(
    0,
    seL4_CapInitThreadCNode,
    seL4_CapInitThreadVSpace,
    seL4_CapIRQControl,
    seL4_CapInitThreadASIDPool,
    seL4_CapDomain,
  )
  .map((raw) => ({ raw }));
/**
 * Cptrs that do not resolve (a cap fault when invoked, received on or passed as an extra cap).
 * Only threads use them: the root has no fault handler, so one would end the root task.
 */
export const badCap: fc.Arbitrary<Cap> = fc
  .constantFrom<seL4_Word>(4096, 2 ** 40, 2n ** 64n - 1n)
  .map((raw) => ({ raw }));
/** A cap of role r as threads and the root name it. */
export const capOf = (...rs: Role[]): fc.Arbitrary<Cap> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...rs).chain(inRole) },
    { weight: 2, arbitrary: fc.nat(WIN - 1) },
    { weight: 1, arbitrary: rawCap },
  );
export const anyCap: fc.Arbitrary<Cap> = fc.oneof(
  { weight: 12, arbitrary: fc.nat(WIN - 1) },
  { weight: 1, arbitrary: rawCap },
);
export const ipcCap = capOf("ep", "ep", "misc");
export const mainNtfnSlot = fc.constantFrom(ROLES.ntfn[0], ROLES.ntfn[0] + 1, BADGED_NTFN);
export const ntfnCap = capOf("ntfn", "ntfn", "misc");
export const replyCap = capOf("reply");
export const extraCaps = fc.array(anyCap, { maxLength: 3 });
/** The same, sometimes unresolvable, for threads' own IPC. */
const orBad = (a: fc.Arbitrary<Cap>): fc.Arbitrary<Cap> =>
  fc.oneof({ weight: 30, arbitrary: a }, { weight: 1, arbitrary: badCap });
export const tIpcCap = orBad(ipcCap);
export const tNtfnCap = orBad(ntfnCap);
export const tReplyCap = orBad(replyCap);
export const tExtraCaps = fc.array(orBad(anyCap), { maxLength: 3 });

const ADVERSARIAL: seL4_Word[] = [0, 1, 4095, 4096, 2 ** 52, 2n ** 63n, 2n ** 64n - 1n];
export const word: fc.Arbitrary<seL4_Word> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ADVERSARIAL) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
);
/** Message labels: mostly at least 64, so that receivers can tell fault messages (labels 1..6). */
export const label = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 64, max: 2 ** 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }) },
  { weight: 1, arbitrary: word },
);
export const len = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 127 }) },
);
export const prio = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 95, max: 105 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom(256, 2 ** 40) },
);
export const badge = fc.oneof(fc.integer({ min: 0, max: 15 }), word);
export const rights = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(15, 15, 3, 2, 1, 7, 11) },
  { weight: 1, arbitrary: fc.nat(15) },
);

// ---- virtual addresses: a few 2 MiB regions, mostly their first pages ----

/** 0x100000: free pages under the root's boot tables; 0x400000 and 0x80000000 need tables; the top. */
export const REGIONS = [0x100000, 0x400000, 0x8000_0000, 0x3f_ffe0_0000];
const page = fc.oneof({ weight: 6, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: fc.nat(511) });
export const regionAddr: fc.Arbitrary<number> = fc
  .record({ r: fc.constantFrom(...REGIONS), p: page })
  .map(({ r, p }) => r + p * 0x1000);
export const vaddr: fc.Arbitrary<seL4_Word> = fc.oneof(
  { weight: 14, arbitrary: regionAddr },
  { weight: 2, arbitrary: fc.constantFrom(...REGIONS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<seL4_Word>(
      0,
      0x10000,
      0x100001,
      seL4_UserTop,
      seL4_UserTop - 0x1000,
      2 ** 38,
      2 ** 39,
      0xffff_ffc0_0000_0000n,
      2n ** 64n - 1n,
    ),
  },
);
export const accessAddr: fc.Arbitrary<number> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ a: regionAddr, o: fc.nat(4095) }).map(({ a, o }) => a + o) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0x10000, 0x1f000, 2 ** 39) },
);

// ---- root commands that threads may also issue ----

const utRef = fc.oneof(
  { weight: 6, arbitrary: fc.constant<"obj">("obj") },
  { weight: 3, arbitrary: fc.constant<"vm">("vm") },
  { weight: 2, arbitrary: inRole("ut") },
);
/** Objects for a slot: mostly the type of its role, from the untyped that type comes from. */
export const make: fc.Arbitrary<SimpleCmd> = fc
  .record({
    role: fc.constantFrom<Role>(
      "ep",
      "ntfn",
      "reply",
      "tcb",
      "tcb",
      "sc",
      "sc",
      "vs",
      "pt",
      "pt",
      "frame",
      "frame",
      "frame",
      "ut",
    ),
    i: fc.nat(15),
    stray: fc.option(
      fc.record({ type: fc.integer({ min: 0, max: 12 }), size: fc.integer({ min: 0, max: 22 }) }),
      {
        freq: 8,
      },
    ),
    ut: utRef,
    mega: fc.boolean(),
    count: fc.oneof(
      { weight: 8, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) },
    ),
  })
  .map(({ role, i, stray, ut, mega, count }): SimpleCmd => {
    const [lo, hi] = ROLES[role];
    const slot = lo + (i % (hi - lo));
    if (stray !== null) return { op: "Make", ut, type: stray.type, size: stray.size, slot, count };
    const typed: Record<Role, [number, number]> = {
      ep: [2, 0],
      ntfn: [3, 0],
      reply: [6, 0],
      tcb: [1, 0],
      sc: [5, 7 + (i % 3)],
      misc: [2, 0],
      vs: [seL4_RISCV_PageTableObject, 0],
      pt: [seL4_RISCV_PageTableObject, 0],
      frame: mega && i % 4 === 0 ? [seL4_RISCV_Mega_Page, 0] : [seL4_RISCV_4K_Page, 0],
      ut: [seL4_UntypedObject, 12 + (i % 8)],
    };
    const [type, size] = typed[role];
    const vmObject = role === "vs" || role === "pt" || role === "frame" || role === "ut";
    const from = vmObject ? (ut === "obj" ? "vm" : ut) : ut === "obj" ? "obj" : ut === "vm" ? "obj" : ut;
    return { op: "Make", ut: from, type, size, slot, count };
  });

const mint: fc.Arbitrary<SimpleCmd> = fc.record({
  op: fc.constant("Mint" as const),
  dest: slotOf("misc", 2),
  src: capOf("ep", "ntfn", "ep", "ntfn", "reply", "tcb", "sc", "frame", "misc"),
  rights,
  badge,
});
const copyMove: fc.Arbitrary<SimpleCmd> = fc.oneof(
  fc.record({
    op: fc.constantFrom("Copy" as const, "Move" as const),
    dest: fc.nat(WIN - 1),
    src: anyCap,
  }),
  // Copies of frames and page tables: a second, unmapped cap to map elsewhere.
  fc.record({ op: fc.constant("Copy" as const), dest: slotOf("frame"), src: capOf("frame") }),
  fc.record({ op: fc.constant("Mutate" as const), dest: fc.nat(WIN - 1), src: anyCap, badge }),
);
const delRevoke: fc.Arbitrary<SimpleCmd> = fc.record({
  op: fc.constantFrom("Delete" as const, "Delete" as const, "Revoke" as const, "CancelBadgedSends" as const),
  slot: anyCap,
});
export const tcbCap = capOf("tcb");
export const scCap = capOf("sc");
const threadMgmt: fc.Arbitrary<SimpleCmd> = fc.oneof(
  fc.record({
    op: fc.constantFrom("Suspend" as const, "Resume" as const, "UnbindNtfn" as const),
    tcb: tcbCap,
  }),
  fc.record({ op: fc.constant("SetPriority" as const), tcb: tcbCap, prio }),
  fc.record({
    op: fc.constant("SetSchedParams" as const),
    tcb: tcbCap,
    mcp: prio,
    prio,
    sc: fc.option(scCap, { freq: 4 }),
    faultEp: fc.option(ipcCap, { freq: 2 }),
  }),
  fc.record({ op: fc.constant("SetTimeoutEp" as const), tcb: tcbCap, ep: fc.option(ipcCap, { freq: 3 }) }),
  fc.record({ op: fc.constant("BindNtfn" as const), tcb: tcbCap, ntfn: ntfnCap }),
);
/**
 * Budgets in µs. A round-robin SC (period = budget) with the minimum budget (2 x WCET = 20 µs)
 * never completes a system call, as on seL4: every entry finds less than the minimum left, charges
 * the budget, gets it back at once and restarts the call. Such runs are legal but only spin until
 * the time bound, so 20 µs budgets always come with a longer period (periodFor).
 */
export const budgetUs = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1000, 500, 200, 100) },
  { weight: 1, arbitrary: fc.constantFrom(20, 19, 0) },
);
/** Spawned threads mostly get a budget that lets them run. */
export const spawnBudget = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(1000, 500, 200) },
  { weight: 1, arbitrary: fc.constantFrom(100, 20) },
);
export const periodFor = (budget: number, extra: number): number =>
  budget + (budget <= 20 ? extra + 1000 : extra);
const scMgmt: fc.Arbitrary<SimpleCmd> = fc.oneof(
  fc
    .record({
      op: fc.constant("SCConfigure" as const),
      sc: scCap,
      budget: budgetUs,
      extra: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(0, 0, 1000, 5000) },
        { weight: 1, arbitrary: word },
      ),
      refills: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8 })),
      badge: fc.oneof(fc.constant(0), badge),
      flags: fc.constantFrom(0, 0, 1),
    })
    .map(({ op, sc, budget, extra, refills, badge: b, flags }): SimpleCmd => ({
      op,
      sc,
      budget,
      period: typeof extra === "number" && extra <= 5000 ? periodFor(budget, extra) : extra,
      refills,
      badge: b,
      flags,
    })),
  fc.record({
    op: fc.constantFrom("SCBind" as const, "SCUnbindObject" as const),
    sc: scCap,
    obj: capOf("tcb", "tcb", "ntfn"),
  }),
  fc.record({
    op: fc.constantFrom("SCUnbind" as const, "SCConsumed" as const, "SCYieldTo" as const),
    sc: scCap,
  }),
);
/** Misc slots above the badged copies: where new ASID pools go. */
export const poolSlot: fc.Arbitrary<number> = fc.integer({ min: BADGED_NTFN + 1, max: ROLES.misc[1] - 1 });
const vsCap = fc.oneof({ weight: 3, arbitrary: capOf("vs") }, { weight: 1, arbitrary: fc.constant(null) });
export const vmCmd: fc.Arbitrary<SimpleCmd> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("Assign" as const),
      pool: fc.option(poolSlot, { freq: 3 }),
      vs: capOf("vs", "pt"),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("MapPT" as const), pt: capOf("pt", "vs"), vs: vsCap, vaddr }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("Map" as const),
      frame: capOf("frame"),
      vs: vsCap,
      vaddr,
      rights,
      attr: fc.constantFrom(0, 0, 1, 2, 7),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom("Unmap" as const, "Unmap" as const, "UnmapPT" as const, "GetAddress" as const),
      cap: capOf("frame", "pt", "vs"),
    }),
  },
  // Delete or revoke what mappings hang on: frames, tables, VSpace roots, ASID pools, untypeds.
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom("Delete" as const, "Delete" as const, "Revoke" as const),
      slot: fc.oneof(fc.constantFrom<Role>("frame", "frame", "pt", "vs", "ut").chain(inRole), poolSlot),
    }),
  },
);
const invoke: fc.Arbitrary<SimpleCmd> = fc.record({
  op: fc.constant("Invoke" as const),
  cap: anyCap,
  label: fc.oneof(
    fc.integer({ min: 0, max: 47 }),
    fc.constantFrom(UntypedRetype, CNodeRevoke, RISCVASIDPoolAssign),
  ),
  len: fc.integer({ min: 0, max: 10 }),
  mrs: fc.array(fc.oneof(fc.integer({ min: 0, max: 70 }), word), { minLength: 6, maxLength: 6 }),
  caps: extraCaps,
});

/**
 * Disturbances of running IPC: suspend / resume, priority changes (which reorder endpoint
 * queues), binding and unbinding notifications and SCs, deleting or revoking the objects threads
 * block on, call through or run on, cancelling badged sends, new fault and timeout handlers.
 */
export const chaos: fc.Arbitrary<SimpleCmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constantFrom("Suspend" as const, "Resume" as const), tcb: inRole("tcb") }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("SetPriority" as const),
      tcb: inRole("tcb"),
      prio: fc.integer({ min: 90, max: 110 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ op: fc.constant("BindNtfn" as const), tcb: inRole("tcb"), ntfn: mainNtfnSlot }),
      fc.record({ op: fc.constant("UnbindNtfn" as const), tcb: inRole("tcb") }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.record({
        op: fc.constantFrom("SCBind" as const, "SCUnbindObject" as const),
        sc: inRole("sc"),
        obj: fc.oneof(inRole("tcb"), mainNtfnSlot),
      }),
      fc.record({ op: fc.constantFrom("SCUnbind" as const, "SCYieldTo" as const), sc: inRole("sc") }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom("Delete" as const, "Delete" as const, "Revoke" as const),
      slot: fc.constantFrom<Role>("ep", "reply", "reply", "tcb", "sc", "ntfn", "misc").chain(inRole),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("CancelBadgedSends" as const),
      slot: fc.constantFrom(...BADGED_EP),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("SetTimeoutEp" as const),
      tcb: inRole("tcb"),
      ep: fc.option(fc.constant(ROLES.ep[0]), { freq: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("SetSchedParams" as const),
      tcb: inRole("tcb"),
      mcp: fc.constant(255),
      prio: fc.integer({ min: 90, max: 110 }),
      sc: fc.option(inRole("sc"), { freq: 2 }),
      faultEp: fc.option(fc.constantFrom(ROLES.ep[0], ROLES.ep[1]), { freq: 2 }),
    }),
  },
  // Remake what was deleted (DeleteFirst when the slot is still full).
  { weight: 3, arbitrary: make },
);

export const simpleCmd: fc.Arbitrary<SimpleCmd> = fc.oneof(
  { weight: 3, arbitrary: make },
  { weight: 2, arbitrary: mint },
  { weight: 1, arbitrary: copyMove },
  { weight: 2, arbitrary: delRevoke },
  { weight: 4, arbitrary: threadMgmt },
  { weight: 2, arbitrary: scMgmt },
  { weight: 2, arbitrary: vmCmd },
  { weight: 1, arbitrary: invoke },
);

// ---- thread programs ----

export const threadOp = (vm: boolean): fc.Arbitrary<ThreadOp> =>
  fc.oneof(
    {
      weight: 7,
      arbitrary: fc.record({
        op: fc.constantFrom("Send" as const, "NBSend" as const, "Call" as const, "Call" as const),
        cap: tIpcCap,
        label,
        len,
        caps: fc.oneof(
          { weight: 3, arbitrary: fc.constant<Cap[]>([]) },
          { weight: 1, arbitrary: tExtraCaps },
        ),
        mr0: word,
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constantFrom("Recv" as const, "Recv" as const, "NBRecv" as const),
        cap: fc.oneof({ weight: 3, arbitrary: tIpcCap }, { weight: 1, arbitrary: tNtfnCap }),
        reply: tReplyCap,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant("ReplyRecv" as const),
        cap: tIpcCap,
        reply: tReplyCap,
        label,
        len,
        caps: fc.oneof(
          { weight: 3, arbitrary: fc.constant<Cap[]>([]) },
          { weight: 1, arbitrary: tExtraCaps },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("NBSendRecv" as const),
        dest: fc.oneof(tIpcCap, tReplyCap),
        cap: tIpcCap,
        reply: tReplyCap,
        label,
        len,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constantFrom(
          "Wait" as const,
          "NBWait" as const,
          "Poll" as const,
          "Signal" as const,
          "Signal" as const,
        ),
        cap: tNtfnCap,
      }),
    },
    { weight: 2, arbitrary: fc.constant({ op: "Yield" as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("Busy" as const), us: fc.nat(400) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("RecvPath" as const),
        slot: fc.oneof({ weight: 4, arbitrary: slotOf("misc", 3) }, { weight: 1, arbitrary: rawCap }),
        depth: fc.constantFrom(64, 64, 64, 0, 12),
      }),
    },
    {
      weight: vm ? 6 : 1,
      arbitrary: fc.record({
        op: fc.constantFrom("Read" as const, "Write" as const),
        vaddr: accessAddr,
        size: fc.constantFrom<1 | 2 | 4 | 8>(1, 8),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("Root" as const), cmd: simpleCmd }) },
  );
