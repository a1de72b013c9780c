// The Microkit initialiser for TypeScript: a root task that realises a CapDL spec (built by
// builder.ts) through seL4 system calls only, as the capDL initialiser does: objects retyped from
// the boot-info untypeds (fixed-paddr objects at their address, the rest largest first), IRQ
// handlers, ASIDs, page tables and frames (filled through a temporary mapping in its own VSpace),
// CNode contents, scheduling contexts and TCBs; then it starts every thread and suspends itself.
//
// TypeScript programs are started at the image entry 0x200000: the initialiser installs the code
// found there, which reads the name in the thread's own image page (the patched `microkit_name`,
// or "monitor") and runs that program.

import type { CapDLCap, CapDLObject, CapDLSpec, CapDLTcb, CapRights } from "../capdl/spec.ts";
import { objectSizeBits } from "../capdl/spec.ts";
import {
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
  seL4_DebugNameThread,
  seL4_DomainSet_ScheduleConfigure,
  seL4_DomainSet_ScheduleSetStart,
  seL4_DomainSet_Set,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_IRQControl_GetTrigger,
  seL4_IRQHandler_SetNotification,
  seL4_NotificationObject,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_ExecuteNever,
  seL4_RISCV_Mega_Page,
  seL4_RISCV_Page_Map,
  seL4_RISCV_Page_Unmap,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTableObject,
  seL4_SchedContextObject,
  seL4_SchedControl_ConfigureFlags,
  seL4_TCB_BindNotification,
  seL4_TCB_Configure,
  seL4_TCB_Resume,
  seL4_TCB_SetSchedParams,
  seL4_TCB_Suspend,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  sel4ts_read_bytes,
  sel4ts_write,
  sel4ts_write_bytes,
  type seL4_BootInfo,
} from "../user/libsel4.ts";
import { MICROKIT_SYMBOLS_NAME, microkitMain, type MicrokitProgram } from "../user/microkit.ts";
import { rt, tailCall, type UserGenerator } from "../user/runtime.ts";
import { MONITOR_IMAGE_NAME, PD_ENTRY, type MicrokitBuild } from "./builder.ts";

export interface InitialiserPrograms {
  /** The PD programs by PD name. */
  programs: Map<string, MicrokitProgram>;
  /** The monitor's main. */
  monitor: () => UserGenerator;
  /**
   * Filled with the initialiser's CNode slot of every spec object (index = object index, -1 for
   * none), so tools can tell which kernel object each spec object became (src/system/introspect.ts).
   */
  objectSlots?: number[];
}

/** A readable failure of the initialiser (the engine reports it as the root task's error). */
export class InitialiserError extends Error {}

const SCRATCH_4K = 0x1_0000_0000;
const SCRATCH_2M = 0x1_0040_0000;

interface Untyped {
  cptr: number;
  paddr: number;
  end: number;
  wm: number;
  device: boolean;
}

function rightsWord(r: CapRights): number {
  return (r.write ? 1 : 0) | (r.read ? 2 : 0) | (r.grant ? 4 : 0) | (r.grantReply ? 8 : 0);
}

function retypeArgs(o: CapDLObject): [number, number] {
  switch (o.kind) {
    case "tcb":
      return [seL4_TCBObject, 0];
    case "ep":
      return [seL4_EndpointObject, 0];
    case "notification":
      return [seL4_NotificationObject, 0];
    case "reply":
      return [seL4_ReplyObject, 0];
    case "cnode":
      return [seL4_CapTableObject, o.sizeBits];
    case "sc":
      return [seL4_SchedContextObject, o.sizeBits];
    case "pt":
      return [seL4_RISCV_PageTableObject, 0];
    case "frame":
      return [o.sizeBits === 21 ? seL4_RISCV_Mega_Page : seL4_RISCV_4K_Page, 0];
    case "irq":
      return [-1, 0];
  }
}

/** The code at the program image entry of every TS PD (and of the monitor). */
function imageEntry(progs: InitialiserPrograms): () => UserGenerator {
  return function* () {
    const raw = yield* sel4ts_read_bytes(PD_ENTRY + MICROKIT_SYMBOLS_NAME, 64);
    let name = "";
    for (const b of raw) {
      if (b === 0) break;
      name += String.fromCharCode(b);
    }
    // Once the PD's main runs, the engine resumes it directly (one level less per system call).
    if (name === MONITOR_IMAGE_NAME) return yield* tailCall(progs.monitor());
    const prog = progs.programs.get(name);
    if (prog === undefined) throw new Error(`no program loaded for protection domain '${name}'`);
    return yield* tailCall(microkitMain(prog)());
  };
}

/** The initialiser root task for a built Microkit system. */
export function microkitInitialiser(build: MicrokitBuild, progs: InitialiserPrograms) {
  const spec: CapDLSpec = build.spec;
  return function* (bi: seL4_BootInfo): UserGenerator<void> {
    rt.entries.set(PD_ENTRY, imageEntry(progs));
    let nextSlot = bi.empty.start;
    const slot = (what: string): number => {
      if (nextSlot >= bi.empty.end) {
        throw new InitialiserError(`microkit initialiser: out of cap slots in the root CNode (at ${what})`);
      }
      return nextSlot++;
    };
    const check = (err: number, what: string): void => {
      if (err !== 0) throw new InitialiserError(`microkit initialiser: ${what} failed with error ${err}`);
    };

    // Untyped memory, tracked as the kernel does (each retype aligns the watermark to the object size).
    const uts: Untyped[] = bi.untypedList.map((u, i) => ({
      cptr: bi.untyped.start + i,
      paddr: u.paddr,
      end: u.paddr + 2 ** u.sizeBits,
      wm: u.paddr,
      device: u.isDevice !== 0,
    }));
    const objSlot = progs.objectSlots ?? [];
    objSlot.length = 0;
    for (let i = 0; i < spec.objects.length; i++) objSlot.push(-1);

    function* retypeAt(ut: Untyped, type: number, size: number, bytes: number, dest: number) {
      const at = Math.ceil(ut.wm / bytes) * bytes;
      check(
        yield* seL4_Untyped_Retype(ut.cptr, type, size, seL4_CapInitThreadCNode, 0, 0, dest, 1),
        `retype`,
      );
      ut.wm = at + bytes;
    }

    // Regions placed where the initialiser chooses (setvar region_paddr without phys_addr): after
    // the fixed-address objects, before everything else, each contiguous in the first RAM untyped
    // with room. Their frames are left out of the general allocation.
    const patchPaddr: { frame: number; offset: number; paddr: number }[] = [];
    const groups = spec.toolAllocated ?? [];
    const inGroup = new Set(groups.flatMap((g) => g.frames));
    let groupsPlaced = groups.length === 0;
    function* placeGroups(): UserGenerator<void> {
      groupsPlaced = true;
      for (const g of groups) {
        const bytes = g.frames.length * g.pageBytes;
        const ut = uts.find((u) => !u.device && Math.ceil(u.wm / g.pageBytes) * g.pageBytes + bytes <= u.end);
        if (ut === undefined) {
          throw new InitialiserError(
            `microkit initialiser: out of memory: no untyped has room for memory region ${g.name} (${bytes} contiguous bytes)`,
          );
        }
        const at = Math.ceil(ut.wm / g.pageBytes) * g.pageBytes;
        yield* padTo(ut, at);
        for (const f of g.frames) {
          const [type, size] = retypeArgs(spec.objects[f]);
          const dest = slot(spec.objects[f].name);
          yield* retypeAt(ut, type, size, g.pageBytes, dest);
          objSlot[f] = dest;
        }
        for (const p of g.patches) patchPaddr.push({ ...p, paddr: at });
      }
    }

    // Pad up to the address with untyped objects, largest aligned first.
    function* padTo(ut: Untyped, pa: number): UserGenerator<void> {
      while (ut.wm < pa) {
        let b = 4;
        while (b < 40 && ut.wm % 2 ** (b + 1) === 0 && ut.wm + 2 ** (b + 1) <= pa) b++;
        yield* retypeAt(ut, seL4_UntypedObject, b, 2 ** b, slot("padding"));
      }
    }

    for (const i of spec.allocationOrder) {
      const o = spec.objects[i];
      if (inGroup.has(i)) continue;
      if (o.paddr === undefined && !groupsPlaced) yield* placeGroups();
      const bits = objectSizeBits(o);
      const bytes = 2 ** bits;
      const [type, size] = retypeArgs(o);
      let ut: Untyped | undefined;
      if (o.paddr !== undefined) {
        const pa = Number(o.paddr);
        ut = uts.find((u) => u.paddr <= pa && pa + bytes <= u.end);
        if (ut === undefined || ut.wm > pa) {
          throw new InitialiserError(
            `microkit initialiser: ${o.name} at paddr 0x${pa.toString(16)} is not in free untyped memory`,
          );
        }
        yield* padTo(ut, pa);
      } else {
        ut = uts.find((u) => !u.device && Math.ceil(u.wm / bytes) * bytes + bytes <= u.end);
        if (ut === undefined) {
          throw new InitialiserError(
            `microkit initialiser: out of memory: no untyped has room for ${o.name} (${o.kind}, ${bytes} bytes)`,
          );
        }
      }
      const dest = slot(o.name);
      yield* retypeAt(ut, type, size, bytes, dest);
      objSlot[i] = dest;
    }
    if (!groupsPlaced) yield* placeGroups();

    // IRQ handlers, with their notifications.
    for (const [irq, i] of spec.irqs) {
      const o = spec.objects[i];
      const dest = slot(o.name);
      const trigger = o.irq?.trigger === "edge" ? 1 : 0;
      check(
        yield* seL4_IRQControl_GetTrigger(
          seL4_CapIRQControl,
          irq,
          trigger,
          seL4_CapInitThreadCNode,
          dest,
          64,
        ),
        `IRQControl_Get for IRQ ${irq} (${o.name})`,
      );
      objSlot[i] = dest;
    }

    // A cap as a slot of the initialiser's CNode: the object's own cap, or a badged/guarded copy.
    function* capSlot(c: CapDLCap, what: string): UserGenerator<number> {
      const src = objSlot[c.obj];
      const dest = slot(what);
      if (c.badge !== undefined || c.guardSize !== undefined) {
        const data =
          c.guardSize !== undefined ? seL4_CNode_CapData_new(c.guard ?? 0, c.guardSize) : (c.badge ?? 0n);
        check(
          yield* seL4_CNode_Mint(
            seL4_CapInitThreadCNode,
            dest,
            64,
            seL4_CapInitThreadCNode,
            src,
            64,
            rightsWord(c.rights),
            data,
          ),
          `mint ${what}`,
        );
      } else {
        check(
          yield* seL4_CNode_Copy(
            seL4_CapInitThreadCNode,
            dest,
            64,
            seL4_CapInitThreadCNode,
            src,
            64,
            rightsWord(c.rights),
          ),
          `copy ${what}`,
        );
      }
      return dest;
    }

    for (const [irq, i] of spec.irqs) {
      const n = spec.objects[i].irq?.notification;
      if (n == null) continue;
      const s = yield* capSlot(n, `notification of IRQ ${irq}`);
      check(yield* seL4_IRQHandler_SetNotification(objSlot[i], s), `IRQHandler_SetNotification ${irq}`);
    }

    // Frame contents, through a temporary mapping in the initialiser's own VSpace.
    function* mapOwn(frameSlot: number, vaddr: number): UserGenerator<void> {
      for (let tries = 0; tries < 4; tries++) {
        const err = yield* seL4_RISCV_Page_Map(
          frameSlot,
          seL4_CapInitThreadVSpace,
          vaddr,
          3,
          seL4_RISCV_ExecuteNever,
        );
        if (err !== seL4_FailedLookup) return check(err, "mapping a frame to fill it");
        const pt = slot("page table of the initialiser");
        const ut = uts.find((u) => !u.device && Math.ceil(u.wm / 4096) * 4096 + 4096 <= u.end);
        if (ut === undefined)
          throw new InitialiserError("microkit initialiser: out of memory for its own page tables");
        yield* retypeAt(ut, seL4_RISCV_PageTableObject, 0, 4096, pt);
        check(
          yield* seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, vaddr, 0),
          "mapping a page table",
        );
      }
    }
    for (let i = 0; i < spec.objects.length; i++) {
      const o = spec.objects[i];
      if (o.kind !== "frame" || o.fill === undefined) continue;
      const copy = yield* capSlot(
        { obj: i, rights: { read: true, write: true, grant: false, grantReply: false } },
        o.name,
      );
      const va = o.sizeBits === 21 ? SCRATCH_2M : SCRATCH_4K;
      yield* mapOwn(copy, va);
      for (const f of o.fill) yield* sel4ts_write_bytes(va + f.offset, f.bytes);
      // The chosen addresses of tool-allocated regions, where PDs asked for them.
      for (const p of patchPaddr) {
        if (p.frame === i) yield* sel4ts_write(va + p.offset, 8, p.paddr);
      }
      check(yield* seL4_RISCV_Page_Unmap(copy), "unmapping a filled frame");
      check(yield* seL4_CNode_Delete(seL4_CapInitThreadCNode, copy, 64), "deleting a frame copy");
    }

    // VSpaces: ASIDs, then page tables and frames, level by level.
    for (let i = 0; i < spec.objects.length; i++) {
      const o = spec.objects[i];
      if (o.kind !== "pt" || o.level !== 0) continue;
      check(
        yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, objSlot[i]),
        `ASIDPool_Assign ${o.name}`,
      );
      yield* mapTable(i, objSlot[i], 0, 0);
    }
    function* mapTable(table: number, pgdSlot: number, level: number, base: number): UserGenerator<void> {
      const shift = level === 0 ? 30 : level === 1 ? 21 : 12;
      for (const [idx, c] of spec.objects[table].slots ?? []) {
        const vaddr = base + idx * 2 ** shift;
        const target = spec.objects[c.obj];
        if (target.kind === "pt") {
          check(yield* seL4_RISCV_PageTable_Map(objSlot[c.obj], pgdSlot, vaddr, 0), `mapping ${target.name}`);
          yield* mapTable(c.obj, pgdSlot, level + 1, vaddr);
        } else {
          const copy = yield* capSlot({ obj: c.obj, rights: c.rights }, `mapping of ${target.name}`);
          const attr = c.executable === true ? 0 : seL4_RISCV_ExecuteNever;
          check(
            yield* seL4_RISCV_Page_Map(copy, pgdSlot, vaddr, rightsWord(c.rights) & 3, attr),
            `mapping ${target.name} at 0x${vaddr.toString(16)}`,
          );
        }
      }
    }

    // CNode contents.
    for (let i = 0; i < spec.objects.length; i++) {
      const o = spec.objects[i];
      if (o.kind !== "cnode") continue;
      for (const [idx, c] of o.slots ?? []) {
        const src = objSlot[c.obj];
        const what = `slot ${idx} of ${o.name}`;
        if (c.badge !== undefined || c.guardSize !== undefined) {
          const data =
            c.guardSize !== undefined ? seL4_CNode_CapData_new(c.guard ?? 0, c.guardSize) : (c.badge ?? 0n);
          check(
            yield* seL4_CNode_Mint(
              objSlot[i],
              idx,
              o.sizeBits,
              seL4_CapInitThreadCNode,
              src,
              64,
              rightsWord(c.rights),
              data,
            ),
            what,
          );
        } else {
          check(
            yield* seL4_CNode_Copy(
              objSlot[i],
              idx,
              o.sizeBits,
              seL4_CapInitThreadCNode,
              src,
              64,
              rightsWord(c.rights),
            ),
            what,
          );
        }
      }
    }

    // Scheduling contexts.
    for (let i = 0; i < spec.objects.length; i++) {
      const s = spec.objects[i].sc;
      if (s === undefined) continue;
      check(
        yield* seL4_SchedControl_ConfigureFlags(
          bi.schedcontrol.start + (s.core ?? 0),
          objSlot[i],
          s.budget,
          s.period,
          0,
          s.badge,
          0,
        ),
        `SchedControl_ConfigureFlags ${spec.objects[i].name}`,
      );
    }

    // Threads.
    const tcbs: number[] = [];
    for (let i = 0; i < spec.objects.length; i++) {
      const o = spec.objects[i];
      if (o.tcb === undefined) continue;
      const t: CapDLTcb = o.tcb;
      const ts = objSlot[i];
      const cs = t.cspace as CapDLCap;
      check(
        yield* seL4_TCB_Configure(
          ts,
          objSlot[cs.obj],
          seL4_CNode_CapData_new(cs.guard ?? 0, cs.guardSize ?? 0),
          objSlot[(t.vspace as CapDLCap).obj],
          0,
          t.ipcBufferAddr,
          t.ipcBuffer !== null ? objSlot[t.ipcBuffer.obj] : 0,
        ),
        `TCB_Configure ${o.name}`,
      );
      const fault = t.faultEp !== null ? yield* capSlot(t.faultEp, `fault endpoint of ${o.name}`) : 0;
      const sc = t.sc !== null ? objSlot[t.sc.obj] : 0;
      check(
        yield* seL4_TCB_SetSchedParams(ts, seL4_CapInitThreadTCB, t.mcp, t.priority, sc, fault),
        `TCB_SetSchedParams ${o.name}`,
      );
      if (t.boundNotification !== null) {
        check(
          yield* seL4_TCB_BindNotification(ts, objSlot[t.boundNotification.obj]),
          `TCB_BindNotification ${o.name}`,
        );
      }
      if (t.domain !== 0)
        check(yield* seL4_DomainSet_Set(seL4_CapDomain, t.domain, ts), `DomainSet_Set ${o.name}`);
      check(
        yield* seL4_TCB_WriteRegisters(ts, false, 0, 2, { pc: t.ip, sp: t.sp }),
        `TCB_WriteRegisters ${o.name}`,
      );
      yield* seL4_DebugNameThread(ts, o.name.replace(/^tcb_/, ""));
      if (t.resume) tcbs.push(ts);
    }

    for (const ts of tcbs) check(yield* seL4_TCB_Resume(ts), "TCB_Resume");

    // The domain schedule comes last: once it starts, this thread (domain 0) may not run again
    // until domain 0's turn, and everything must be in place by then.
    const ds = spec.domainSchedule;
    if (ds !== undefined) {
      for (const [i, e] of ds.entries.entries()) {
        const index = ds.shift + i;
        check(
          yield* seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, index, e.domain, e.duration),
          `DomainSet_ScheduleConfigure of schedule entry ${index} (domain ${e.domain}, ${e.duration} ticks)`,
        );
      }
      check(
        yield* seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, ds.shift + ds.start),
        `DomainSet_ScheduleSetStart(${ds.shift + ds.start})`,
      );
    }
    yield* seL4_TCB_Suspend(seL4_CapInitThreadTCB);
  };
}
