// Scenarios and command lists for the world property tests: thread programs built from phrases
// that pair up across threads (servers and clients, waiters and signallers), casts of such
// threads, threads in their own VSpaces, regions of tables and frames, root-only commands, and the
// two mixes (IPC-heavy, VSpace-heavy) that worldCommands draws from.

import fc from "fast-check";
import {
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_RISCV_PageTableObject,
  seL4_UntypedObject,
} from "../../src/user/libsel4.ts";
import {
  BADGED_EP,
  BADGED_NTFN,
  type Cap,
  type Cmd,
  IMAGE_FRAMES,
  ROLES,
  type ThreadOp,
} from "./property-world-cmds.ts";
import {
  accessAddr,
  chaos,
  extraCaps,
  inRole,
  ipcCap,
  label,
  len,
  ntfnCap,
  periodFor,
  poolSlot,
  REGIONS,
  replyCap,
  rights,
  simpleCmd,
  slotOf,
  spawnBudget,
  tcbCap,
  tExtraCaps,
  threadOp,
  vmCmd,
  word,
} from "./property-world-gen.ts";

/** The endpoints and notifications IPC phrases use: mostly the first two, or a badged copy. */
const mainEp: fc.Arbitrary<Cap> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(ROLES.ep[0]) },
  { weight: 4, arbitrary: fc.constantFrom(...BADGED_EP) },
  { weight: 2, arbitrary: fc.constant(ROLES.ep[0] + 1) },
  { weight: 1, arbitrary: inRole("ep") },
);
const mainNtfn: fc.Arbitrary<Cap> = fc.constantFrom<Cap>(4, 4, 4, 5, BADGED_NTFN, BADGED_NTFN);
const mainReply: fc.Arbitrary<Cap> = inRole("reply");
const noCaps = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Cap[]>([]) },
  { weight: 1, arbitrary: tExtraCaps },
);

/**
 * Phrases that pair up across threads: a server (Recv, then ReplyRecv k times on one endpoint and
 * reply object), a client (k Calls), a sender, a receiver, a signaller, a waiter; or one random op.
 */
const phrase = (vm: boolean): fc.Arbitrary<ThreadOp[]> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ ep: mainEp, reply: mainReply, k: fc.integer({ min: 1, max: 4 }), label, len, caps: noCaps })
        .map(({ ep, reply, k, label: l, len: n, caps }): ThreadOp[] => [
          { op: "Recv", cap: ep, reply },
          ...Array.from({ length: k }, (): ThreadOp => ({
            op: "ReplyRecv",
            cap: ep,
            reply,
            label: l,
            len: n,
            caps,
          })),
        ]),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({ ep: mainEp, k: fc.integer({ min: 1, max: 4 }), label, len, caps: noCaps, mr0: word })
        .map(({ ep, k, label: l, len: n, caps, mr0 }): ThreadOp[] =>
          Array.from({ length: k }, (): ThreadOp => ({ op: "Call", cap: ep, label: l, len: n, caps, mr0 })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          op: fc.constantFrom("Send" as const, "NBSend" as const),
          ep: mainEp,
          k: fc.integer({ min: 1, max: 3 }),
          label,
          len,
          caps: noCaps,
          mr0: word,
        })
        .map(({ op, ep, k, label: l, len: n, caps, mr0 }): ThreadOp[] =>
          Array.from({ length: k }, (): ThreadOp => ({ op, cap: ep, label: l, len: n, caps, mr0 })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          op: fc.constantFrom("Recv" as const, "NBRecv" as const),
          ep: mainEp,
          reply: mainReply,
          k: fc.integer({ min: 1, max: 3 }),
        })
        .map(({ op, ep, reply, k }): ThreadOp[] =>
          Array.from({ length: k }, (): ThreadOp => ({ op, cap: ep, reply })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          op: fc.constantFrom("Signal" as const, "Wait" as const, "Wait" as const, "Poll" as const),
          ntfn: mainNtfn,
          k: fc.integer({ min: 1, max: 3 }),
        })
        .map(({ op, ntfn, k }): ThreadOp[] => Array.from({ length: k }, (): ThreadOp => ({ op, cap: ntfn }))),
    },
    { weight: 5, arbitrary: threadOp(vm).map((o) => [o]) },
    // Compute past the budget: preemption, refills, timeout faults.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 100, max: 3000 }).map((us): ThreadOp[] => [{ op: "Busy", us }]),
    },
    {
      weight: vm ? 4 : 0,
      arbitrary: fc.array(
        fc.record({
          op: fc.constantFrom("Read" as const, "Write" as const),
          vaddr: accessAddr,
          size: fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    },
  );

export const program = (vm: boolean, max = 12): fc.Arbitrary<ThreadOp[]> =>
  fc.array(phrase(vm), { minLength: 1, maxLength: 4 }).map((ps) => ps.flat().slice(0, max));

// ---- root commands ----

type Spawn = Extract<Cmd, { op: "Spawn" }>;

const spawnArb = (vm: boolean): fc.Arbitrary<Spawn> =>
  fc
    .record({
      op: fc.constant("Spawn" as const),
      tcb: slotOf("tcb", 0),
      // Mostly the SC slot paired with the TCB slot, so that a respawn finds its own SC.
      sc: fc.option(
        fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: slotOf("sc", 0) }),
        {
          freq: 15,
        },
      ),
      budget: spawnBudget,
      period: fc.constantFrom(0, 0, 1000),
      // Valid priorities and fault endpoints (the SetSchedParams command tries the invalid ones), so
      // that most spawned threads get their SC and run.
      prio: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 95, max: 105 }) },
        { weight: 1, arbitrary: fc.nat(255) },
      ),
      faultEp: fc.option(fc.oneof(fc.constant(ROLES.ep[0]), fc.constantFrom(...BADGED_EP), inRole("ep")), {
        freq: 2,
      }),
      timeoutEp: fc.constant(null),
      vs: fc.constant(null),
      buf: fc.integer({ min: 1, max: IMAGE_FRAMES - 1 }),
      bufVaddr: fc.constant(0),
      start: fc.oneof(
        { weight: 15, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      prog: program(vm),
    })
    .map((c): Spawn => ({
      ...c,
      sc: c.sc === -1 ? c.tcb - ROLES.tcb[0] + ROLES.sc[0] : c.sc,
      period: periodFor(c.budget, c.period),
    }));

/**
 * Tables for a region of a VSpace (a window root, or the root task's own), then a few frames
 * mapped at its first pages with random rights and attributes; the Makes and MapPTs fail
 * harmlessly when the slots hold objects already (mapped ones included).
 */
interface Region {
  cmds: Cmd[];
  vs: number | null;
  region: number;
  /** Pages of the region the commands map a frame at. */
  pages: number[];
}

const mapRegion = (vsArb: fc.Arbitrary<number | null>): fc.Arbitrary<Region> =>
  fc
    .record({
      vs: vsArb,
      pts: fc.tuple(inRole("pt"), inRole("pt")),
      region: fc.constantFrom(...REGIONS),
      frames: fc.array(
        fc.record({
          frame: inRole("frame"),
          page: fc.nat(7),
          rights,
          attr: fc.constantFrom(0, 0, 1),
          fresh: fc.boolean(),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      freshPTs: fc.constantFrom(true, true, true, false),
    })
    .map(({ vs, pts, region, frames, freshPTs }) => {
      const cmds: Cmd[] = [];
      for (const pt of pts) {
        // A fresh table: deleting the old one unmaps it, and everything mapped through it.
        if (freshPTs) cmds.push({ op: "Delete", slot: pt });
        cmds.push({ op: "Make", ut: "vm", type: seL4_RISCV_PageTableObject, size: 0, slot: pt, count: 1 });
        cmds.push({ op: "MapPT", pt, vs, vaddr: region });
      }
      for (const f of frames) {
        if (f.fresh) cmds.push({ op: "Delete", slot: f.frame });
        cmds.push({ op: "Make", ut: "vm", type: seL4_RISCV_4K_Page, size: 0, slot: f.frame, count: 1 });
        cmds.push({
          op: "Map",
          frame: f.frame,
          vs,
          vaddr: region + f.page * 0x1000,
          rights: f.rights,
          attr: f.attr,
        });
      }
      return { cmds, vs, region, pages: frames.map((f) => f.page) };
    });

const mapRegionCmds: fc.Arbitrary<Cmd[]> = mapRegion(
  fc.oneof({ weight: 3, arbitrary: inRole("vs") }, { weight: 1, arbitrary: fc.constant(null) }),
).map((r) => r.cmds);

/**
 * A thread in a window VSpace: tables and frames for a region, an IPC buffer frame mapped there
 * (sometimes read-only), sometimes a frame shared with another VSpace, then the thread, whose
 * reads and writes go to the region's first pages.
 */
const vmThread: fc.Arbitrary<Cmd[]> = fc
  .record({
    region: mapRegion(inRole("vs")),
    buf: inRole("frame"),
    shared: fc.option(fc.tuple(inRole("frame"), fc.option(inRole("vs"), { freq: 2 })), { freq: 2 }),
    bufPage: fc.nat(7),
    rw: fc.constantFrom(3, 3, 3, 2),
    spawn: spawnArb(true),
    touch: fc.array(
      fc.record({
        op: fc.constantFrom("Read" as const, "Write" as const),
        vaddr: fc.nat(0x7fff),
        size: fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    freshVS: fc.boolean(),
    newPool: fc.option(fc.tuple(poolSlot, inRole("ut")), { freq: 2 }),
  })
  .map(({ region: r, buf, shared, bufPage, rw, spawn, touch, freshVS, newPool }): Cmd[] => {
    const vs = r.vs ?? ROLES.vs[0];
    const out: Cmd[] = [];
    if (freshVS && newPool !== null) {
      // A new ASID pool from a fresh 4 KiB untyped, and the VSpace's ASID from it.
      const [pool, ut] = newPool;
      out.push({ op: "Delete", slot: ut }, { op: "Delete", slot: pool });
      out.push({ op: "Make", ut: "vm", type: seL4_UntypedObject, size: 12, slot: ut, count: 1 });
      out.push({ op: "MakePool", ut, dest: pool });
      out.push({ op: "Delete", slot: vs }, { op: "NewVSpace", slot: vs, pool });
    } else if (freshVS) {
      out.push({ op: "Delete", slot: vs }, { op: "NewVSpace", slot: vs, pool: null });
    }
    out.push(...r.cmds);
    const bufVaddr = r.region + bufPage * 0x1000;
    out.push({ op: "Delete", slot: buf });
    out.push({ op: "Make", ut: "vm", type: seL4_RISCV_4K_Page, size: 0, slot: buf, count: 1 });
    out.push({ op: "Map", frame: buf, vs, vaddr: bufVaddr, rights: rw, attr: 0 });
    if (shared !== null) {
      const [b, other] = shared;
      out.push({ op: "Delete", slot: b }, { op: "Copy", dest: b, src: buf });
      out.push({ op: "Map", frame: b, vs: other, vaddr: REGIONS[0] + bufPage * 0x1000, rights: 3, attr: 0 });
    }
    // Accesses mostly to the pages mapped above (the offset's page bits pick one), some anywhere.
    const pages = [...r.pages, bufPage];
    const at = (v: number): number =>
      r.region +
      (v % 0x8000 < 0x7000
        ? pages[Math.floor(v / 0x1000) % pages.length] * 0x1000 + (v % 0x1000)
        : v % 0x8000);
    const prog = [...touch, ...spawn.prog].map((o): ThreadOp =>
      o.op === "Read" || o.op === "Write" ? { ...o, vaddr: at(o.vaddr) } : o,
    );
    out.push({ ...spawn, vs, buf, bufVaddr, prog });
    return out;
  });

const tcbSlots = Array.from({ length: ROLES.tcb[1] - ROLES.tcb[0] }, (_, i) => ROLES.tcb[0] + i);

/**
 * A cast of threads that pair up: a server (Recv, then ReplyRecv k times on endpoint E with reply
 * object R), one or two clients calling E (one maybe through a badged copy), a waiter and a
 * signaller on a notification; each program with a little random noise. Sometimes the server is
 * made passive once it waits (its SC unbound), so that the clients' calls donate their SCs.
 */
const cast = (vm: boolean): fc.Arbitrary<Cmd[]> =>
  fc
    .record({
      tcbs: fc.shuffledSubarray(tcbSlots, { minLength: 2, maxLength: 5 }),
      ep: mainEp,
      ep2: mainEp,
      reply: mainReply,
      ntfn: mainNtfn,
      k: fc.integer({ min: 1, max: 4 }),
      label,
      len,
      caps: noCaps,
      spawns: fc.array(spawnArb(vm), { minLength: 5, maxLength: 5 }),
      noise: fc.array(fc.array(threadOp(vm), { maxLength: 2 }), { minLength: 5, maxLength: 5 }),
      passive: fc.boolean(),
      // Where the server receives granted caps: a misc slot (transfers need it empty).
      recvSlot: fc.option(poolSlot, { freq: 1 }),
      timeouts: fc.option(fc.nat(4), { freq: 2 }),
    })
    .map(
      ({
        tcbs,
        ep,
        ep2,
        reply,
        ntfn,
        k,
        label: l,
        len: n,
        caps,
        spawns,
        noise,
        passive,
        timeouts,
        recvSlot,
      }): Cmd[] => {
        const times = (op: ThreadOp): ThreadOp[] => Array.from({ length: k }, () => op);
        const progs: ThreadOp[][] = [
          [
            ...(recvSlot === null ? [] : [{ op: "RecvPath" as const, slot: recvSlot, depth: 64 }]),
            { op: "Recv", cap: ep, reply },
            ...times({ op: "ReplyRecv", cap: ep, reply, label: l, len: n, caps }),
          ],
          times({ op: "Call", cap: ep, label: l, len: n, caps, mr0: k }),
          times({ op: "Wait", cap: ntfn }),
          times({ op: "Signal", cap: ntfn }),
          times({ op: "Call", cap: ep2, label: 7, len: n, caps: [], mr0: 0 }),
        ];
        const victim = timeouts === null ? -1 : timeouts % tcbs.length;
        const out: Cmd[] = tcbs.map((tcb, i): Cmd => {
          const noisy = [...progs[i]];
          noisy.splice(noise[i].length > 0 ? k % (noisy.length + 1) : 0, 0, ...noise[i]);
          const sc = tcb - ROLES.tcb[0] + ROLES.sc[0];
          if (i !== victim) return { ...spawns[i], tcb, sc, prog: noisy };
          // Overrun a sporadic budget first, for a timeout fault to the server's endpoint.
          const prog: ThreadOp[] = [{ op: "Busy", us: 1000 }, ...noisy];
          return { ...spawns[i], tcb, sc, budget: 200, period: 1200, timeoutEp: ep, prog };
        });
        if (passive)
          out.splice(1, 0, { op: "Let" }, { op: "SCUnbind", sc: tcbs[0] - ROLES.tcb[0] + ROLES.sc[0] });
        return out;
      },
    );

/**
 * Destroy an object threads are likely using: let them block first, then revoke the object's
 * derived caps (ep 0's badged copies) and delete it, so that its final cap goes: endpoints and
 * notifications with queued threads, reply objects with a waiting caller, SCs bound, donated or on
 * a call stack, TCBs blocked in IPC.
 */
const kill: fc.Arbitrary<Cmd[]> = fc
  .record({
    slot: fc.oneof(
      { weight: 4, arbitrary: fc.constant(ROLES.ep[0]) },
      { weight: 1, arbitrary: inRole("ep") },
      { weight: 2, arbitrary: fc.constant(ROLES.ntfn[0]) },
      { weight: 3, arbitrary: inRole("reply") },
      { weight: 2, arbitrary: inRole("sc") },
      { weight: 2, arbitrary: inRole("tcb") },
    ),
    first: fc.boolean(),
    remake: fc.boolean(),
  })
  .map(({ slot, first, remake }): Cmd[] => {
    const out: Cmd[] = first ? [{ op: "Let" }] : [];
    out.push({ op: "Revoke", slot }, { op: "Delete", slot });
    if (remake && slot < ROLES.reply[1]) {
      const type =
        slot < ROLES.ep[1]
          ? seL4_EndpointObject
          : slot < ROLES.ntfn[1]
            ? seL4_NotificationObject
            : seL4_ReplyObject;
      out.push({ op: "Make", ut: "obj", type, size: 0, slot, count: 1 });
    }
    return out;
  });

const rootOnly: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("Restart" as const), tcb: tcbCap, prog: program(false) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("NewVSpace" as const),
      slot: slotOf("vs"),
      pool: fc.option(poolSlot, { freq: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("RevokeUT" as const),
      ut: fc.constantFrom("obj" as const, "vm" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("RootNBSend" as const),
      cap: ipcCap,
      label,
      len,
      caps: extraCaps,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("RootSignal" as const), cap: ntfnCap }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("RootNBRecv" as const), cap: ipcCap, reply: replyCap }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("RootReply" as const), reply: replyCap, label, len }) },
  { weight: 2, arbitrary: fc.constant({ op: "Yield" as const }) },
  { weight: 4, arbitrary: fc.constant({ op: "Let" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("Busy" as const), us: fc.nat(3000) }) },
);

export interface Mix {
  kill: number;
  chaos: number;
  cast: number;
  mapRegion: number;
  spawn: number;
  vmThread: number;
  simple: number;
  vm: number;
  rootOnly: number;
}

export const IPC_MIX: Mix = {
  kill: 3,
  chaos: 10,
  mapRegion: 1,
  cast: 4,
  spawn: 2,
  vmThread: 1,
  simple: 6,
  vm: 1,
  rootOnly: 8,
};
export const VM_MIX: Mix = {
  kill: 1,
  chaos: 2,
  mapRegion: 6,
  cast: 2,
  spawn: 1,
  vmThread: 6,
  simple: 4,
  vm: 14,
  rootOnly: 5,
};

/** Command lists: a few threads first, then a random mix; scenarios are flattened. */
export const worldCommands = (mix: Mix, min: number, max: number): fc.Arbitrary<Cmd[]> =>
  fc
    .tuple(
      cast(mix.vm > mix.simple),
      fc.array(
        fc.oneof(
          { weight: mix.cast, arbitrary: cast(mix.vm > mix.simple) },
          { weight: mix.chaos, arbitrary: chaos.map((c): Cmd[] => [c]) },
          { weight: mix.kill, arbitrary: kill },
          { weight: mix.spawn, arbitrary: spawnArb(mix.vm > mix.simple).map((c) => [c]) },
          { weight: mix.vmThread, arbitrary: vmThread },
          { weight: mix.mapRegion, arbitrary: mapRegionCmds },
          { weight: mix.simple, arbitrary: simpleCmd.map((c): Cmd[] => [c]) },
          { weight: mix.vm, arbitrary: vmCmd.map((c): Cmd[] => [c]) },
          { weight: mix.rootOnly, arbitrary: rootOnly.map((c) => [c]) },
        ),
        { minLength: min, maxLength: max },
      ),
    )
    .map(([first, rest]) => [...first, ...rest.flat()]);
