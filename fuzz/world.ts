// The fuzzed system, as user-level code (libsel4 only): a root task that builds a world of objects
// from an untyped, starts the workers, and then supervises; a watchdog at the lowest priority that
// wakes the supervisor whenever nothing else runs; and the worker body, which runs one decision
// after another.
//
// The supervisor (the root, at the top priority) only invokes caps it holds in its own CNode, so
// nothing a worker does can block it. It wakes on a worker's Ping or the watchdog's signal and
// then: restarts the workers whose faults reached its fault endpoint, restarts one more in turn
// (so a worker killed without a fault handler comes back), takes the SC away from passive workers
// after their start, restarts everyone when the watchdog finds no progress, and every so often (or
// when restarting did not help) revokes the untyped the whole world came from and builds it anew.

import {
  seL4_CapASIDControl,
  seL4_CapDomain,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CapTableObject,
  seL4_CNode_CapData_new,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Revoke,
  seL4_DebugHalt,
  seL4_DebugNameThread,
  seL4_EndpointObject,
  seL4_NBRecv,
  seL4_NotificationObject,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_ReadWrite,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_Page_Map,
  seL4_RISCV_Page_Unmap,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTableObject,
  seL4_SchedContext_Unbind,
  seL4_SchedContextObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_SetCapReceivePath,
  seL4_Signal,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_UntypedObject,
  seL4_Wait,
  sel4ts_busy,
  sel4ts_entry,
  type seL4_BootInfo,
} from "../src/user/libsel4.ts";
import type { UserGenerator } from "../src/user/runtime.ts";
import {
  BADGED_EP,
  BADGED_NTFN,
  GUARD,
  IMAGE_VADDR,
  IPC_PAGE0,
  MAX_WORKERS,
  R_EP,
  R_FRAME,
  R_FREE,
  R_NTFN,
  R_PT,
  R_REPLY,
  R_SC,
  R_TCB,
  R_UT,
  R_VSPACE,
  R_XCNODE,
  RADIX,
  S_ASIDCTL,
  S_ASIDPOOL,
  S_CNODE,
  S_DOMAIN,
  S_F,
  S_IRQCTL,
  S_PING,
  S_SCHEDCTL,
  S_VSPACE,
  WATCHDOG_PAGE,
  XCNODE_RADIX,
} from "./layout.ts";
import { type Decision, OP_BY_NAME, type WorkerCtx } from "./ops.ts";
import { Rng } from "./prng.ts";

/** The campaign as the user-level code sees it (shared memory, in effect). */
export interface Source {
  /** The next decision for worker `w` (-1 for a thread started with a stray a0), null at the end. */
  next(w: number): Decision | null;
  /** Decisions handed out so far. */
  readonly consumed: number;
  /** Decisions handed out to worker w so far. */
  takenBy(w: number): number;
  /** The result of a decision (an seL4_Error, or RESULT_IPC). */
  result(op: string, code: number): void;
  /** Supervisor events: "restart", "fault", "reset". */
  note(event: string): void;
  /** The supervisor cannot get the workers going again; the root halts after this. */
  stalled(why: string): void;
}

export interface WorkerConfig {
  prio: number;
  mcp: number;
  /** Passive: the SC only gets it to its first Recv, then the supervisor takes it away. */
  passive: boolean;
  ownCSpace: boolean;
  /** Runs in the second VSpace (R_VSPACE[0]) with its IPC buffer mapped there, not the root's. */
  ownVSpace: boolean;
  fault: "supervisor" | "none" | "endpoint";
  timeoutFaults: boolean;
  budget: number;
  period: number;
  refills: number;
  sporadic: boolean;
}

export interface WorldConfig {
  workers: WorkerConfig[];
  /** Decisions between two rebuilds of the world. */
  resetEvery: number;
  /** Seed of the supervisor's own choices (which masters to drop, rights of copies). */
  buildSeed: number;
}

export function worldConfig(r: Rng): WorldConfig {
  const n = r.range(3, MAX_WORKERS + 1);
  const workers: WorkerConfig[] = [];
  for (let i = 0; i < n; i++) {
    const prio = r.range(2, 200);
    const period = r.pick([1000, 2000, 5000, 10_000]);
    workers.push({
      prio,
      mcp: r.range(prio, 201),
      passive: r.chance(0.25),
      ownCSpace: r.chance(0.4),
      fault: r.pick(["supervisor", "supervisor", "supervisor", "none", "endpoint"] as const),
      timeoutFaults: r.chance(0.3),
      budget: r.chance(0.3) ? period : r.range(100, period),
      period,
      refills: r.int(5),
      sporadic: r.chance(0.5),
      ownVSpace: false,
    });
  }
  const buildSeed = r.u32();
  // Drawn from the build seed's bits, so that adding it changed no other choice.
  workers.forEach((w, i) => (w.ownVSpace = ((buildSeed >>> (3 * i)) & 3) === 0));
  return { workers, resetEvery: r.range(2000, 8000), buildSeed };
}

const CN = seL4_CapInitThreadCNode;
/** Root-only slots (base + k): the second VSpace's two tables, and IPC buffer frames for it. */
const V_TABLES = 100;
const V_FRAMES = 104;
const ALL = 15;
const GUARD_DATA = seL4_CNode_CapData_new(0, GUARD);
/** Badges of the supervisor's notification. */
const PING_WORKER = 1;
const PING_WATCHDOG = 2;

function imageFrame(bi: seL4_BootInfo, page: number): number {
  return bi.userImageFrames.start + page;
}

/** The root task: returns the main function System.boot wants. */
export function fuzzRoot(cfg: WorldConfig, src: Source): (bi: seL4_BootInfo) => UserGenerator<void> {
  return (bi) => new Supervisor(bi, cfg, src).main();
}

class Supervisor {
  private readonly rng: Rng;
  private readonly entryPc: number;
  /** Slots of the root CNode: masters of the world's objects at base + k for worker slot k. */
  private readonly base: number;
  private readonly sys: number;
  private readonly supervised: boolean[] = [];
  private passivePending: number[] = [];
  private lastConsumed = 0;
  private lastReset = 0;
  private idleTicks = 0;
  private idleResets = 0;
  private tickNo = 0;
  /** takenBy(i) when worker i was last started, and how many starts in a row got nowhere. */
  private readonly startedAt: number[] = [];
  private readonly strikes: number[] = [];

  constructor(
    private readonly bi: seL4_BootInfo,
    private readonly cfg: WorldConfig,
    private readonly src: Source,
  ) {
    this.rng = new Rng(cfg.buildSeed);
    this.base = bi.empty.start;
    this.sys = bi.empty.start + 128;
    const ctx: WorkerCtx = { entryPc: 0 };
    const body = (a0: number | bigint): UserGenerator<void> => worker(a0, cfg, src, ctx);
    this.entryPc = sel4ts_entry(body);
    ctx.entryPc = this.entryPc;
  }

  private m(k: number): number {
    return this.base + k;
  }
  private get uGen(): number {
    return this.sys;
  }
  private get uSys(): number {
    return this.sys + 1;
  }
  private get nSup(): number {
    return this.sys + 2;
  }
  private get faultEp(): number {
    return this.sys + 3;
  }
  private get reply(): number {
    return this.sys + 4;
  }
  private faultCap(i: number): number {
    return this.sys + 16 + i;
  }

  *main(): UserGenerator<void> {
    const bi = this.bi;
    let big = -1;
    bi.untypedList.forEach((u, i) => {
      if (big < 0 && !u.isDevice && u.sizeBits >= 22) big = bi.untyped.start + i;
    });
    if (big < 0) throw new Error("fuzz: no untyped of 4 MiB");
    yield* seL4_Untyped_Retype(big, seL4_UntypedObject, 21, CN, 0, 0, this.uGen, 1);
    yield* seL4_Untyped_Retype(big, seL4_UntypedObject, 16, CN, 0, 0, this.uSys, 1);
    const sys = (type: number, size: number, slot: number) =>
      seL4_Untyped_Retype(this.uSys, type, size, CN, 0, 0, slot, 1);
    yield* sys(seL4_NotificationObject, 0, this.nSup);
    yield* sys(seL4_EndpointObject, 0, this.faultEp);
    yield* sys(seL4_ReplyObject, 0, this.reply);
    for (let i = 0; i < MAX_WORKERS; i++)
      yield* seL4_CNode_Mint(CN, this.faultCap(i), 64, CN, this.faultEp, 64, ALL, i + 1);
    yield* this.startWatchdog();
    yield* this.build();
    for (;;) {
      const { sender } = yield* seL4_Wait(this.nSup);
      if (yield* this.tick(Number(sender))) {
        yield* seL4_DebugHalt();
        return;
      }
    }
  }

  private *startWatchdog(): UserGenerator<void> {
    const tcb = this.sys + 5;
    const sc = this.sys + 6;
    const ping = this.sys + 7;
    yield* seL4_Untyped_Retype(this.uSys, seL4_TCBObject, 0, CN, 0, 0, tcb, 1);
    yield* seL4_Untyped_Retype(this.uSys, seL4_SchedContextObject, 8, CN, 0, 0, sc, 1);
    yield* seL4_CNode_Mint(CN, ping, 64, CN, this.nSup, 64, ALL, PING_WATCHDOG);
    yield* seL4_SchedControl_ConfigureFlags(this.bi.schedcontrol.start, sc, 1000, 1000, 0, 0, 0);
    const buffer = IMAGE_VADDR + WATCHDOG_PAGE * 0x1000;
    const frame = imageFrame(this.bi, WATCHDOG_PAGE);
    yield* seL4_TCB_Configure(tcb, CN, 0, seL4_CapInitThreadVSpace, 0, buffer, frame);
    yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 1, 1, sc, 0);
    yield* seL4_DebugNameThread(tcb, "watchdog");
    yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 17, { pc: sel4ts_entry(watchdog), a0: ping });
  }

  /** Make every object from uGen with its master cap here, fill F and the own CSpaces, start. */
  private *build(): UserGenerator<void> {
    const r = this.rng;
    const w = this.cfg.workers;
    const make = (type: number, size: number, k: number) =>
      seL4_Untyped_Retype(this.uGen, type, size, CN, 0, 0, this.m(k), 1);
    const F = this.m(0);
    yield* make(seL4_CapTableObject, RADIX, 0);
    for (let i = 0; i < w.length; i++) if (w[i].ownCSpace) yield* make(seL4_CapTableObject, RADIX, 8 + i);
    for (let i = 0; i < w.length; i++) yield* make(seL4_TCBObject, 0, R_TCB[0] + i);
    // Workers' SCs hold their extra refills (a 2^7 SC has room for one); spare ones vary.
    for (let k = R_SC[0]; k < R_SC[1]; k++)
      yield* make(seL4_SchedContextObject, k < R_SC[0] + w.length ? 8 : r.pick([7, 8, 9]), k);
    for (let k = R_EP[0]; k < BADGED_EP[0]; k++) yield* make(seL4_EndpointObject, 0, k);
    for (let k = R_NTFN[0]; k < BADGED_NTFN[0]; k++) yield* make(seL4_NotificationObject, 0, k);
    for (let j = 0; j < 2; j++) {
      yield* seL4_CNode_Mint(CN, this.m(BADGED_EP[j]), 64, CN, this.m(R_EP[0] + j), 64, ALL, 0x11 * (j + 1));
      yield* seL4_CNode_Mint(CN, this.m(BADGED_NTFN[j]), 64, CN, this.m(R_NTFN[0] + j), 64, ALL, 1 << j);
    }
    for (let k = R_REPLY[0]; k < R_REPLY[1]; k++) yield* make(seL4_ReplyObject, 0, k);
    for (let j = 0; j < 2; j++) yield* make(seL4_CapTableObject, XCNODE_RADIX[j], R_XCNODE[0] + j);
    for (let k = R_FRAME[0]; k < R_FRAME[1]; k++) yield* make(seL4_RISCV_4K_Page, 0, k);
    for (let k = R_PT[0]; k < R_PT[1]; k++) yield* make(seL4_RISCV_PageTableObject, 0, k);
    for (let k = R_VSPACE[0]; k < R_VSPACE[1]; k++) {
      yield* make(seL4_RISCV_PageTableObject, 0, k);
      yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, this.m(k));
    }
    // The second VSpace's tables and the IPC buffers of the workers that run in it (root-only
    // slots: F has no copies of them).
    yield* make(seL4_RISCV_PageTableObject, 0, V_TABLES);
    yield* make(seL4_RISCV_PageTableObject, 0, V_TABLES + 1);
    const V = this.m(R_VSPACE[0]);
    yield* seL4_RISCV_PageTable_Map(this.m(V_TABLES), V, IMAGE_VADDR, 0);
    yield* seL4_RISCV_PageTable_Map(this.m(V_TABLES + 1), V, IMAGE_VADDR, 0);
    for (let i = 0; i < w.length; i++) if (w[i].ownVSpace) yield* make(seL4_RISCV_4K_Page, 0, V_FRAMES + i);
    yield* make(seL4_UntypedObject, 14, R_UT[0]);
    yield* make(seL4_UntypedObject, 12, R_UT[0] + 1);

    // F: itself (guarded), the ping, boot caps, and a copy of every object.
    yield* seL4_CNode_Mint(F, S_CNODE, RADIX, CN, F, 64, ALL, GUARD_DATA);
    yield* seL4_CNode_Mint(F, S_F, RADIX, CN, F, 64, ALL, GUARD_DATA);
    yield* seL4_CNode_Mint(F, S_PING, RADIX, CN, this.nSup, 64, ALL, PING_WORKER);
    const boot: [number, number][] = [
      [S_SCHEDCTL, this.bi.schedcontrol.start],
      [S_VSPACE, seL4_CapInitThreadVSpace],
      [S_ASIDPOOL, seL4_CapInitThreadASIDPool],
      [S_ASIDCTL, seL4_CapASIDControl],
      [S_IRQCTL, seL4_CapIRQControl],
      [S_DOMAIN, seL4_CapDomain],
    ];
    for (const [k, cap] of boot) yield* seL4_CNode_Copy(F, k, RADIX, CN, cap, 64, ALL);
    for (let k = R_TCB[0]; k < R_FREE[0]; k++)
      yield* seL4_CNode_Copy(F, k, RADIX, CN, this.m(k), 64, r.chance(0.9) ? ALL : r.int(16));
    for (let i = 0; i < w.length; i++) {
      if (!w[i].ownCSpace) continue;
      const G = this.m(8 + i);
      yield* seL4_CNode_Mint(G, S_CNODE, RADIX, CN, G, 64, ALL, GUARD_DATA);
      yield* seL4_CNode_Mint(G, S_F, RADIX, CN, F, 64, ALL, GUARD_DATA);
      yield* seL4_CNode_Mint(G, S_PING, RADIX, CN, this.nSup, 64, ALL, PING_WORKER);
      for (let k = S_SCHEDCTL; k < R_FREE[0]; k++)
        if (r.chance(0.7)) yield* seL4_CNode_Copy(G, k, RADIX, F, k, RADIX, r.chance(0.9) ? ALL : r.int(16));
    }
    // Spare SCs: some configured, some not.
    for (let k = R_SC[0] + w.length; k < R_SC[1]; k++)
      if (r.chance(0.5))
        yield* seL4_SchedControl_ConfigureFlags(
          this.bi.schedcontrol.start,
          this.m(k),
          500,
          2000,
          r.int(3),
          k,
          0,
        );
    // Objects only F (and its copies) hold: destroyed for good when a worker deletes the last cap.
    // (The first endpoint's master stays: it is some workers' fault handler.)
    for (let k = R_EP[0] + 1; k < R_FREE[0]; k++)
      if (k !== R_VSPACE[0]) if (r.chance(0.3)) yield* seL4_CNode_Delete(CN, this.m(k), 64);
    for (let k = R_SC[0] + w.length; k < R_SC[1]; k++)
      if (r.chance(0.3)) yield* seL4_CNode_Delete(CN, this.m(k), 64);

    this.passivePending = [];
    for (let i = 0; i < w.length; i++) {
      this.supervised[i] = true;
      yield* this.restart(i, true);
    }
    for (let i = 0; i < w.length; i++)
      if (r.chance(0.2)) {
        this.supervised[i] = false;
        yield* seL4_CNode_Delete(CN, this.m(R_TCB[0] + i), 64);
      }
  }

  /**
   * Start worker i afresh at the worker body, as it is configured now; or restart it with its
   * configuration restored if its last few starts got it nowhere (its IPC buffer, CSpace or SC
   * may be gone). One decision is not progress: it may be the one that broke the worker.
   */
  private *kick(i: number): UserGenerator<void> {
    // A passive worker only runs when called; the periodic restarts give it a fresh start.
    if (!this.supervised[i] || this.cfg.workers[i].passive) return;
    const taken = this.src.takenBy(i);
    this.strikes[i] = taken - (this.startedAt[i] ?? 0) <= 1 ? (this.strikes[i] ?? 0) + 1 : 0;
    if (this.strikes[i] >= 3) return yield* this.restart(i);
    this.startedAt[i] = taken;
    this.src.note("kick");
    yield* seL4_TCB_WriteRegisters(this.m(R_TCB[0] + i), 1, 0, 17, { pc: this.entryPc, a0: i });
  }

  /** Give worker i its configuration back and start it afresh. */
  private *restart(i: number, first = false): UserGenerator<void> {
    if (!this.supervised[i]) return;
    const w = this.cfg.workers[i];
    const tcb = this.m(R_TCB[0] + i);
    this.startedAt[i] = this.src.takenBy(i);
    this.strikes[i] = 0;
    this.src.note("restart");
    const sc = this.m(R_SC[0] + i);
    yield* seL4_SchedContext_Unbind(sc);
    const flags = w.sporadic ? 1 : 0;
    yield* seL4_SchedControl_ConfigureFlags(
      this.bi.schedcontrol.start,
      sc,
      w.budget,
      w.period,
      w.refills,
      i,
      flags,
    );
    const cspace = w.ownCSpace ? this.m(8 + i) : this.m(0);
    const page = IPC_PAGE0 + i;
    const buffer = IMAGE_VADDR + page * 0x1000;
    if (w.ownVSpace) {
      // (Re)map its IPC buffer: nothing but the root holds this frame's cap, but a worker may
      // have replaced or unmapped the tables.
      const frame = this.m(V_FRAMES + i);
      const V = this.m(R_VSPACE[0]);
      yield* seL4_RISCV_Page_Unmap(frame);
      yield* seL4_RISCV_Page_Map(frame, V, buffer, seL4_ReadWrite, 0);
      yield* seL4_TCB_Configure(tcb, cspace, GUARD_DATA, V, 0, buffer, frame);
    } else {
      const frame = imageFrame(this.bi, page);
      yield* seL4_TCB_Configure(tcb, cspace, GUARD_DATA, seL4_CapInitThreadVSpace, 0, buffer, frame);
    }
    const fault = w.fault === "supervisor" ? this.faultCap(i) : w.fault === "endpoint" ? this.m(R_EP[0]) : 0;
    const auth = seL4_CapInitThreadTCB;
    if ((yield* seL4_TCB_SetSchedParams(tcb, auth, w.mcp, w.prio, sc, fault)) !== 0) {
      // It holds some other SC, which it must drop before it can take its own.
      yield* seL4_TCB_SetSchedParams(tcb, auth, w.mcp, w.prio, 0, fault);
      yield* seL4_TCB_SetSchedParams(tcb, auth, w.mcp, w.prio, sc, fault);
    }
    if (first) {
      yield* seL4_TCB_SetTimeoutEndpoint(tcb, w.timeoutFaults ? this.faultCap(i) : 0);
      yield* seL4_DebugNameThread(tcb, `w${i}`);
    }
    yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 17, { pc: this.entryPc, a0: i });
    if (w.passive) this.passivePending.push(i);
  }

  /** One supervision round; true when the campaign cannot go on. */
  private *tick(word: number): UserGenerator<boolean> {
    this.tickNo++;
    const w = this.cfg.workers;
    const consumed = this.src.consumed;
    const progress = consumed !== this.lastConsumed;
    this.lastConsumed = consumed;
    if (progress) this.idleResets = 0;
    // The watchdog only runs when every other thread is blocked (or out of budget).
    const idle = (word & PING_WATCHDOG) !== 0;
    this.idleTicks = idle && !progress ? this.idleTicks + 1 : 0;

    // When all are blocked, every worker starts afresh below, which also takes back the fault
    // messages they are blocked sending; otherwise only those that faulted are restarted.
    const faulted = new Set<number>();
    for (let n = 0; n < 2 * MAX_WORKERS && !idle; n++) {
      const { sender } = yield* seL4_NBRecv(this.faultEp, this.reply);
      const badge = Number(sender);
      if (badge === 0) break;
      this.src.note("fault");
      if (badge <= w.length) faulted.add(badge - 1);
    }
    // Passive workers started last round have had the chance to reach their first Recv.
    for (const i of this.passivePending.splice(0)) yield* seL4_SchedContext_Unbind(this.m(R_SC[0] + i));

    if (consumed - this.lastReset >= this.cfg.resetEvery || this.idleTicks >= 40) {
      if (this.idleTicks >= 40 && ++this.idleResets >= 5) {
        this.src.stalled(`no decision taken since ${consumed} despite ${this.idleResets - 1} rebuilds`);
        return true;
      }
      this.src.note("reset");
      this.lastReset = consumed;
      this.idleTicks = 0;
      yield* seL4_CNode_Revoke(CN, this.uGen, 64);
      yield* this.build();
      return false;
    }
    // Restarting is half a dozen invocations, a kick one: kick first, restart when that did not
    // help (kick decides), and restart everyone when idling goes on.
    if (idle) for (let i = 0; i < w.length; i++) faulted.add(i);
    for (const i of faulted) yield* this.kick(i);
    if (this.idleTicks > 0 && this.idleTicks % 8 === 0)
      for (let i = 0; i < w.length; i++) yield* this.restart(i);
    else if (this.tickNo % 16 === 0) yield* this.restart((this.tickNo >> 4) % w.length);
    return false;
  }
}

/** The lowest-priority thread: runs only when nothing else can, and says so. */
function* watchdog(ping: number | bigint): UserGenerator<void> {
  for (;;) {
    yield* seL4_Signal(ping);
    yield* sel4ts_busy(500);
  }
}

function* worker(a0: number | bigint, cfg: WorldConfig, src: Source, ctx: WorkerCtx): UserGenerator<void> {
  const id = typeof a0 === "number" && a0 >= 0 && a0 < cfg.workers.length ? a0 : -1;
  seL4_SetCapReceivePath(S_CNODE, R_FREE[1] - 1 - (id & 7), 64);
  // A passive worker waits for a client before its SC is taken away; it then runs on donated time.
  if (id >= 0 && cfg.workers[id].passive) yield* seL4_Recv(R_EP[0], R_REPLY[0] + id);
  for (;;) {
    const d = src.next(id);
    if (d === null) {
      yield* seL4_DebugHalt();
      return;
    }
    const op = OP_BY_NAME.get(d.o);
    if (op === undefined) continue;
    src.result(d.o, yield* op.run(d.a, ctx));
  }
}
