// Running the "world" of the thread / IPC / VSpace property tests: a TS root task sets up a
// population of objects in a window of its CNode, then executes the commands of
// property-world-cmds.ts (retype objects, start threads that run random IPC programs, suspend /
// resume / delete / revoke them, bind notifications and SCs, make VSpaces and map, unmap, remap
// and delete frames and page tables), while the threads run the generic thread body that
// interprets their programs. The kernel's invariant checker runs after every kernel entry. The generators are in property-world-gen.ts and property-world-scenarios.ts.

import fc from "fast-check";
import {
  cap_endpoint_cap,
  cap_notification_cap,
  cap_reply_cap,
  seL4_Call,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapNull,
  seL4_CNode_CancelBadgedSends,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Move,
  seL4_CNode_Mutate,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_Fault_CapFault,
  seL4_Fault_Timeout,
  seL4_Fault_VMFault,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NBRecv,
  seL4_NBSend,
  seL4_NBSendRecv,
  seL4_NBWait,
  seL4_Poll,
  seL4_Recv,
  seL4_ReplyRecv,
  seL4_CapASIDControl,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_Page_GetAddress,
  seL4_RISCV_Page_Map,
  seL4_RISCV_Page_Unmap,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTable_Unmap,
  seL4_RISCV_PageTableObject,
  seL4_RISCV_4K_Page,
  seL4_SchedContext_Bind,
  seL4_SchedContext_Consumed,
  seL4_SchedContext_Unbind,
  seL4_SchedContext_UnbindObject,
  seL4_SchedContext_YieldTo,
  seL4_SchedControl_ConfigureFlags,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_BindNotification,
  seL4_TCB_Configure,
  seL4_TCB_Resume,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_Suspend,
  seL4_TCB_UnbindNotification,
  seL4_TCB_WriteRegisters,
  seL4_UntypedObject,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  seL4_SchedContextObject,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
  sel4ts_entry,
  sel4ts_read,
  sel4ts_write,
  type seL4_BootInfo,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import type { EntryFunction, UserGenerator } from "../../src/user/runtime.ts";
import { Tcb } from "../../src/kernel/structures.ts";
import { System } from "../../src/system/system.ts";
import { findUntyped, HARNESS_ROOT_CNODE_BITS } from "../harness.ts";
import {
  BADGED_EP,
  BADGED_NTFN,
  type Cap,
  type Cmd,
  IMAGE_VADDR,
  OBJ_UT,
  OBJ_UT_BITS,
  ROLES,
  ROOT_PRIO,
  type SimpleCmd,
  type ThreadOp,
  type UtRef,
  VM_UT,
  VM_UT_BITS,
} from "./property-world-cmds.ts";

export * from "./property-world-cmds.ts";

// ---- running ----

export interface Answer {
  cmd: number;
  what: string;
  value: number;
  /** The service was swapped for an endpoint between the root's check and its Call. */
  raced: boolean;
}

export interface WorldOutcome {
  executed: number;
  answers: Answer[];
  /** Successful root invocations and completed thread operations, by name. */
  stats: Map<string, number>;
  system: System;
  /** What the kernel printed (faults without a handler and the like). */
  diagnostics: string[];
}

export interface WorldOptions {
  maxTicks?: number;
  ramSize?: number;
  /** Collects a line per root command and per thread operation (for debugging a failure). */
  trace?: string[];
  /** KernelMaxNumNodes: with several, SCConfigure spreads SCs over the cores' SchedControl caps. */
  numNodes?: number;
}

const seL4_MaxError = 10;

function bump(stats: Map<string, number>, key: string): void {
  stats.set(key, (stats.get(key) ?? 0) + 1);
}

/**
 * One run: boot, set up, run the commands in the root task, then let the threads run out. Like
 * runRoot (test/harness.ts), with the kernel's invariant checker after every entry; a violation, a
 * JS exception from the kernel or a user program error (a bug in these generators) throws, with the
 * command list.
 */
export function runWorld(cmds: Cmd[], opts: WorldOptions = {}): WorldOutcome {
  const answers: Answer[] = [];
  const stats = new Map<string, number>();
  const programs: ThreadOp[][] = [];
  const diagnostics: string[] = [];
  let executed = 0;
  const system = new System({
    checkInvariants: true,
    ramSize: opts.ramSize ?? 64 * 1024 * 1024,
    kernelConfig: { rootCNodeSizeBits: HARNESS_ROOT_CNODE_BITS, numNodes: opts.numNodes ?? 1 },
    maxTicks: opts.maxTicks ?? 2_000_000,
    onConsole: () => undefined,
    onDiagnostic: (t) => diagnostics.push(t),
  });
  try {
    system.boot(function* (bi) {
      const ctx = new Ctx(bi, programs, stats, answers, opts.trace);
      yield* ctx.setup();
      for (let i = 0; i < cmds.length; i++) {
        ctx.cmdIndex = i;
        opts.trace?.push(`root ${i} ${cmds[i].op}`);
        yield* ctx.exec(cmds[i]);
        executed = i + 1;
      }
    });
    const result = system.run();
    if (result.reason === "invariant") throw new Error(`kernel invariant violated: ${result.message}`);
    const errors = diagnostics.filter((d) => d.startsWith("user program error"));
    if (errors.length > 0) throw new Error(errors.join("\n"));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `${err.message}\n  after ${executed} of ${cmds.length} commands:\n${fc.stringify(cmds)}`;
    throw err;
  }
  stats.set("fastpaths", system.kernel.fastpathsTaken);
  stats.set("preemptions", system.preemptions);
  // How the run left things: the threads' states, and the faults nobody handled.
  for (const o of system.kernel.state.objects.values())
    if (o instanceof Tcb) bump(stats, `end ${STATE_NAMES[o.state]}`);
  for (const d of diagnostics) {
    const kind = /^(cap fault|vm fault|unknown syscall|user exception|timeout)/m.exec(d);
    if (kind !== null) bump(stats, `unhandled ${kind[1]}`);
  }
  return { executed, answers, stats, system, diagnostics };
}

const STATE_NAMES = [
  "Inactive",
  "Running",
  "Restart",
  "BlockedOnReceive",
  "BlockedOnSend",
  "BlockedOnReply",
  "BlockedOnNotification",
  "Idle",
];

/** Every root invocation answered with an seL4_Error (or was skipped, -1, or raced). */
export function checkWorldAnswers(cmds: Cmd[], out: WorldOutcome): void {
  for (const a of out.answers) {
    if (a.raced) continue;
    if (!(a.value >= -1 && a.value <= seL4_MaxError))
      throw new Error(`command ${a.cmd} (${cmds[a.cmd].op}: ${a.what}) answered ${a.value}`);
  }
}

class Ctx {
  cmdIndex = 0;
  /** SCConfigure commands so far: the n-th uses core n mod numNodes. */
  private configures = 0;
  readonly body: EntryFunction;
  private utObj = 0;
  private utVm = 0;

  constructor(
    readonly bi: seL4_BootInfo,
    readonly programs: ThreadOp[][],
    readonly stats: Map<string, number>,
    readonly answers: Answer[],
    readonly trace?: string[],
  ) {
    // One entry function for every thread of the run; a0 selects the program.
    this.body = (a0) => this.thread(a0);
  }

  w(i: number): number {
    return this.bi.empty.start + i;
  }

  cap(c: Cap | null): seL4_Word {
    if (c === null) return seL4_CapNull;
    return typeof c === "number" ? this.w(c) : c.raw;
  }

  *setup(): UserGenerator<void> {
    const bi = this.bi;
    yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    const big = findUntyped(bi, VM_UT_BITS + 1).cptr;
    this.utObj = this.w(OBJ_UT);
    this.utVm = this.w(VM_UT);
    const root = seL4_CapInitThreadCNode;
    yield* seL4_Untyped_Retype(big, seL4_UntypedObject, OBJ_UT_BITS, root, 0, 0, this.utObj, 1);
    yield* seL4_Untyped_Retype(big, seL4_UntypedObject, VM_UT_BITS, root, 0, 0, this.utVm, 1);
    yield* this.populate();
    yield* this.populateVM();
  }

  /**
   * VSpace roots (assigned ASIDs) in the vs role, page tables and 4 KiB frames, unmapped, in
   * theirs (again after each RevokeUT of the VM untyped).
   */
  private *populateVM(): UserGenerator<void> {
    const root = seL4_CapInitThreadCNode;
    const make = (type: number, slot: number) =>
      seL4_Untyped_Retype(this.utVm, type, 0, root, 0, 0, this.w(slot), 1);
    for (let i = ROLES.vs[0]; i < ROLES.vs[1]; i++) {
      yield* make(seL4_RISCV_PageTableObject, i);
      yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, this.w(i));
    }
    for (let i = ROLES.pt[0]; i < ROLES.pt[1]; i++) yield* make(seL4_RISCV_PageTableObject, i);
    for (let i = ROLES.frame[0]; i < ROLES.frame[1]; i++) yield* make(seL4_RISCV_4K_Page, i);
  }

  /** A fixed population in the IPC roles (again after each RevokeUT of the object untyped). */
  private *populate(): UserGenerator<void> {
    const root = seL4_CapInitThreadCNode;
    // Endpoints, notifications and reply objects in their roles; badged copies.
    const fill = (type: number, i: number) =>
      seL4_Untyped_Retype(this.utObj, type, 0, root, 0, 0, this.w(i), 1);
    for (let i = ROLES.ep[0]; i < ROLES.ep[1]; i++) yield* fill(seL4_EndpointObject, i);
    for (let i = ROLES.ntfn[0]; i < ROLES.ntfn[1]; i++) yield* fill(seL4_NotificationObject, i);
    for (let i = ROLES.reply[0]; i < ROLES.reply[1]; i++) yield* fill(seL4_ReplyObject, i);
    const mint = (dest: number, src: number, badge: number) =>
      seL4_CNode_Mint(root, this.w(dest), 64, root, this.w(src), 64, 15, badge);
    yield* mint(BADGED_EP[0], ROLES.ep[0], 1);
    yield* mint(BADGED_EP[1], ROLES.ep[0], 2);
    yield* mint(BADGED_NTFN, ROLES.ntfn[0], 4);
  }

  private ut(u: UtRef): seL4_Word {
    return u === "obj" ? this.utObj : u === "vm" ? this.utVm : this.w(u);
  }

  /**
   * A root invocation: skipped if the service is an endpoint (a Call would block the root), its
   * answer recorded for the property. Threads run the same code without recording.
   */
  private *inv(
    what: string,
    service: seL4_Word,
    f: () => UserGenerator<number>,
    isRoot = true,
  ): UserGenerator<void> {
    if ((yield* seL4_DebugCapIdentify(service)) === cap_endpoint_cap) {
      if (isRoot) this.answers.push({ cmd: this.cmdIndex, what, value: -1, raced: false });
      return;
    }
    const value = yield* f();
    if (!isRoot) return;
    let raced = false;
    if (value < 0 || value > seL4_MaxError)
      raced = (yield* seL4_DebugCapIdentify(service)) === cap_endpoint_cap;
    this.answers.push({ cmd: this.cmdIndex, what, value, raced });
    if (value === 0) bump(this.stats, `root ${what}`);
  }

  *exec(c: Cmd): UserGenerator<void> {
    const cap = (x: Cap | null): seL4_Word => this.cap(x);
    const CN = seL4_CapInitThreadCNode;
    switch (c.op) {
      case "Spawn": {
        const tcb = this.w(c.tcb);
        yield* this.simple({ op: "Make", ut: "obj", type: seL4_TCBObject, size: 0, slot: c.tcb, count: 1 });
        if (c.sc !== null) {
          yield* this.simple({
            op: "Make",
            ut: "obj",
            type: seL4_SchedContextObject,
            size: 8,
            slot: c.sc,
            count: 1,
          });
          yield* this.simple({
            op: "SCConfigure",
            sc: c.sc,
            budget: c.budget,
            period: c.period,
            refills: 0,
            badge: 0,
            flags: 0,
          });
        }
        const vs = c.vs === null ? seL4_CapInitThreadVSpace : this.w(c.vs);
        const bufFrame = c.vs === null ? this.bi.userImageFrames.start + c.buf : this.w(c.buf);
        const bufVaddr = c.vs === null ? IMAGE_VADDR + c.buf * 0x1000 : c.bufVaddr;
        yield* this.inv("Configure", tcb, () => seL4_TCB_Configure(tcb, CN, 0, vs, 0, bufVaddr, bufFrame));
        yield* this.simple({
          op: "SetSchedParams",
          tcb: c.tcb,
          mcp: c.prio,
          prio: c.prio,
          sc: c.sc,
          faultEp: c.faultEp,
        });
        if (c.timeoutEp !== null) yield* this.simple({ op: "SetTimeoutEp", tcb: c.tcb, ep: c.timeoutEp });
        const prog = this.programs.push(c.prog) - 1;
        yield* this.inv("WriteRegisters", tcb, () =>
          seL4_TCB_WriteRegisters(tcb, c.start, 0, 19, { pc: sel4ts_entry(this.body), a0: prog }),
        );
        return;
      }
      case "Restart": {
        const tcb = cap(c.tcb);
        const prog = this.programs.push(c.prog) - 1;
        yield* this.inv("Restart", tcb, () =>
          seL4_TCB_WriteRegisters(tcb, true, 0, 19, { pc: sel4ts_entry(this.body), a0: prog }),
        );
        return;
      }
      case "NewVSpace":
        yield* this.simple({
          op: "Make",
          ut: "vm",
          type: seL4_RISCV_PageTableObject,
          size: 0,
          slot: c.slot,
          count: 1,
        });
        yield* this.simple({ op: "Assign", pool: c.pool, vs: c.slot });
        return;
      case "RevokeUT": {
        const u = c.ut === "obj" ? this.utObj : this.utVm;
        yield* this.inv("RevokeUT", CN, () => seL4_CNode_Revoke(CN, u, 64));
        if (c.ut === "obj") yield* this.populate();
        else yield* this.populateVM();
        return;
      }
      case "RootNBSend":
        c.caps.forEach((x, i) => seL4_SetCap(i, cap(x)));
        yield* seL4_NBSend(cap(c.cap), seL4_MessageInfo_new(c.label, 0, c.caps.length, c.len));
        bump(this.stats, "root NBSend");
        return;
      case "RootSignal":
        // seL4_Signal is a Send: only on a notification, else it could block the root.
        if ((yield* seL4_DebugCapIdentify(cap(c.cap))) !== cap_notification_cap) return;
        yield* seL4_Signal(cap(c.cap));
        bump(this.stats, "root Signal");
        return;
      case "RootNBRecv": {
        // A receive on anything else is a cap fault, which would end the root task.
        const t = yield* seL4_DebugCapIdentify(cap(c.cap));
        if (t !== cap_endpoint_cap && t !== cap_notification_cap) return;
        if (t === cap_endpoint_cap && (yield* seL4_DebugCapIdentify(cap(c.reply))) !== cap_reply_cap) return;
        yield* seL4_NBRecv(cap(c.cap), cap(c.reply));
        bump(this.stats, "root NBRecv");
        return;
      }
      case "RootReply":
        if ((yield* seL4_DebugCapIdentify(cap(c.reply))) !== cap_reply_cap) return;
        yield* seL4_Send(cap(c.reply), seL4_MessageInfo_new(c.label, 0, 0, c.len));
        bump(this.stats, "root Reply");
        return;
      case "Yield":
        yield* seL4_Yield();
        return;
      case "Let": {
        // Drop below every thread, so that all runnable threads run until they block, then return.
        const me = seL4_CapInitThreadTCB;
        yield* this.inv("Let", me, () => seL4_TCB_SetPriority(me, me, 1));
        yield* this.inv("Let", me, () => seL4_TCB_SetPriority(me, me, ROOT_PRIO));
        return;
      }
      case "Busy":
        yield* sel4ts_busy(c.us);
        return;
      default:
        yield* this.simple(c);
    }
  }

  /** The commands threads may also run. */
  *simple(c: SimpleCmd, isRoot = true): UserGenerator<void> {
    const cap = (x: Cap | null): seL4_Word => this.cap(x);
    const inv = (what: string, service: seL4_Word, f: () => UserGenerator<number>) =>
      this.inv(what, service, f, isRoot);
    const CN = seL4_CapInitThreadCNode;
    const auth = seL4_CapInitThreadTCB;
    switch (c.op) {
      case "Make": {
        const ut = this.ut(c.ut);
        yield* inv(`Make ${c.type}`, ut, () =>
          seL4_Untyped_Retype(ut, c.type, c.size, CN, 0, 0, this.w(c.slot), c.count),
        );
        return;
      }
      case "Mint":
        return yield* inv("Mint", CN, () =>
          seL4_CNode_Mint(CN, this.w(c.dest), 64, CN, cap(c.src), 64, c.rights, c.badge),
        );
      case "Copy":
        return yield* inv("Copy", CN, () => seL4_CNode_Copy(CN, this.w(c.dest), 64, CN, cap(c.src), 64, 15));
      case "Move":
        return yield* inv("Move", CN, () => seL4_CNode_Move(CN, this.w(c.dest), 64, CN, cap(c.src), 64));
      case "Mutate":
        return yield* inv("Mutate", CN, () =>
          seL4_CNode_Mutate(CN, this.w(c.dest), 64, CN, cap(c.src), 64, c.badge),
        );
      case "Delete":
        return yield* inv("Delete", CN, () => seL4_CNode_Delete(CN, cap(c.slot), 64));
      case "Revoke":
        return yield* inv("Revoke", CN, () => seL4_CNode_Revoke(CN, cap(c.slot), 64));
      case "CancelBadgedSends":
        return yield* inv("CancelBadgedSends", CN, () => seL4_CNode_CancelBadgedSends(CN, cap(c.slot), 64));
      case "Suspend":
        return yield* inv("Suspend", cap(c.tcb), () => seL4_TCB_Suspend(cap(c.tcb)));
      case "Resume":
        return yield* inv("Resume", cap(c.tcb), () => seL4_TCB_Resume(cap(c.tcb)));
      case "UnbindNtfn":
        return yield* inv("UnbindNtfn", cap(c.tcb), () => seL4_TCB_UnbindNotification(cap(c.tcb)));
      case "SetPriority":
        return yield* inv("SetPriority", cap(c.tcb), () => seL4_TCB_SetPriority(cap(c.tcb), auth, c.prio));
      case "SetSchedParams":
        return yield* inv("SetSchedParams", cap(c.tcb), () =>
          seL4_TCB_SetSchedParams(cap(c.tcb), auth, c.mcp, c.prio, cap(c.sc), cap(c.faultEp)),
        );
      case "SetTimeoutEp":
        return yield* inv("SetTimeoutEp", cap(c.tcb), () =>
          seL4_TCB_SetTimeoutEndpoint(cap(c.tcb), cap(c.ep)),
        );
      case "BindNtfn":
        return yield* inv("BindNtfn", cap(c.tcb), () => seL4_TCB_BindNotification(cap(c.tcb), cap(c.ntfn)));
      case "SCConfigure": {
        const ctl = this.bi.schedcontrol.start + (this.configures++ % this.bi.numNodes);
        return yield* inv("SCConfigure", ctl, () =>
          seL4_SchedControl_ConfigureFlags(ctl, cap(c.sc), c.budget, c.period, c.refills, c.badge, c.flags),
        );
      }
      case "SCBind":
        return yield* inv("SCBind", cap(c.sc), () => seL4_SchedContext_Bind(cap(c.sc), cap(c.obj)));
      case "SCUnbindObject":
        return yield* inv("SCUnbindObject", cap(c.sc), () =>
          seL4_SchedContext_UnbindObject(cap(c.sc), cap(c.obj)),
        );
      case "SCUnbind":
        return yield* inv("SCUnbind", cap(c.sc), () => seL4_SchedContext_Unbind(cap(c.sc)));
      case "SCConsumed":
        return yield* inv("SCConsumed", cap(c.sc), function* () {
          return (yield* seL4_SchedContext_Consumed(cap(c.sc))).error;
        });
      case "SCYieldTo":
        return yield* inv("SCYieldTo", cap(c.sc), function* () {
          return (yield* seL4_SchedContext_YieldTo(cap(c.sc))).error;
        });
      case "Assign": {
        const pool = c.pool === null ? seL4_CapInitThreadASIDPool : cap(c.pool);
        return yield* inv("Assign", pool, () => seL4_RISCV_ASIDPool_Assign(pool, cap(c.vs)));
      }
      case "MakePool": {
        const ctl = seL4_CapASIDControl;
        return yield* inv("MakePool", ctl, () =>
          seL4_RISCV_ASIDControl_MakePool(ctl, this.w(c.ut), CN, this.w(c.dest), 64),
        );
      }
      case "MapPT": {
        const vs = c.vs === null ? seL4_CapInitThreadVSpace : cap(c.vs);
        return yield* inv("MapPT", cap(c.pt), () => seL4_RISCV_PageTable_Map(cap(c.pt), vs, c.vaddr, 0));
      }
      case "Map": {
        const vs = c.vs === null ? seL4_CapInitThreadVSpace : cap(c.vs);
        return yield* inv("Map", cap(c.frame), () =>
          seL4_RISCV_Page_Map(cap(c.frame), vs, c.vaddr, c.rights, c.attr),
        );
      }
      case "UnmapPT":
        return yield* inv("UnmapPT", cap(c.cap), () => seL4_RISCV_PageTable_Unmap(cap(c.cap)));
      case "Unmap":
        return yield* inv("Unmap", cap(c.cap), () => seL4_RISCV_Page_Unmap(cap(c.cap)));
      case "GetAddress":
        return yield* inv("GetAddress", cap(c.cap), function* () {
          return (yield* seL4_RISCV_Page_GetAddress(cap(c.cap))).error;
        });
      case "Invoke":
        return yield* inv(`Invoke ${c.label}`, cap(c.cap), function* () {
          c.mrs.forEach((m, i) => seL4_SetMR(i, m));
          c.caps.forEach((x, i) => seL4_SetCap(i, cap(x)));
          const info = yield* seL4_Call(cap(c.cap), seL4_MessageInfo_new(c.label, 0, c.caps.length, c.len));
          return seL4_MessageInfo_get_label(info);
        });
    }
  }

  // ---- the generic thread body ----

  private *thread(a0: number | bigint): UserGenerator<void> {
    const prog = typeof a0 === "number" ? this.programs[a0] : undefined;
    if (prog === undefined) return;
    const trace = this.trace;
    for (let i = 0; i < prog.length; i++) {
      const op = prog[i];
      trace?.push(`program ${String(a0)} op ${i} ${op.op}`);
      yield* this.threadOp(op);
      trace?.push(`program ${String(a0)} op ${i} ${op.op} done`);
      bump(this.stats, `thread ${op.op}`);
    }
  }

  /** Count fault messages received (threads send labels >= 64, or rarely small ones). */
  private got(info: seL4_Word): void {
    const l = seL4_MessageInfo_get_label(info);
    const len = seL4_MessageInfo_get_length(info);
    if (l === seL4_Fault_CapFault && len >= 5) bump(this.stats, "received cap fault");
    if (l === seL4_Fault_VMFault && len === 4) bump(this.stats, "received vm fault");
    if (l === seL4_Fault_Timeout && len === 2) bump(this.stats, "received timeout fault");
  }

  private *threadOp(o: ThreadOp): UserGenerator<void> {
    const cap = (x: Cap): seL4_Word => this.cap(x);
    const setCaps = (caps: Cap[]): void => caps.forEach((x, i) => seL4_SetCap(i, cap(x)));
    switch (o.op) {
      case "Send":
      case "NBSend":
      case "Call": {
        seL4_SetMR(0, o.mr0);
        setCaps(o.caps);
        const info = seL4_MessageInfo_new(o.label, 0, o.caps.length, o.len);
        if (o.op === "Send") yield* seL4_Send(cap(o.cap), info);
        else if (o.op === "NBSend") yield* seL4_NBSend(cap(o.cap), info);
        else yield* seL4_Call(cap(o.cap), info);
        return;
      }
      case "Recv":
        return this.got((yield* seL4_Recv(cap(o.cap), cap(o.reply))).info);
      case "NBRecv":
        return this.got((yield* seL4_NBRecv(cap(o.cap), cap(o.reply))).info);
      case "ReplyRecv": {
        setCaps(o.caps);
        const info = seL4_MessageInfo_new(o.label, 0, o.caps.length, o.len);
        return this.got((yield* seL4_ReplyRecv(cap(o.cap), info, cap(o.reply))).info);
      }
      case "NBSendRecv":
        yield* seL4_NBSendRecv(
          cap(o.dest),
          seL4_MessageInfo_new(o.label, 0, 0, o.len),
          cap(o.cap),
          cap(o.reply),
        );
        return;
      case "Wait":
        yield* seL4_Wait(cap(o.cap));
        return;
      case "NBWait":
        yield* seL4_NBWait(cap(o.cap));
        return;
      case "Poll":
        yield* seL4_Poll(cap(o.cap));
        return;
      case "Signal":
        yield* seL4_Signal(cap(o.cap));
        return;
      case "Yield":
        yield* seL4_Yield();
        return;
      case "Busy":
        yield* sel4ts_busy(o.us);
        return;
      case "RecvPath":
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, cap(o.slot), o.depth);
        return;
      case "Read":
        yield* sel4ts_read(o.vaddr, o.size);
        return;
      case "Write":
        yield* sel4ts_write(o.vaddr, o.size, 0x5a);
        return;
      case "Root":
        yield* this.simple(o.cmd, false);
        return;
    }
  }
}
