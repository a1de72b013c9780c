// SDF → CapDL, as the Microkit tool's capdl/builder.rs does it (microkit.md §3.3, §4.3): the monitor
// first, then the memory regions, then every PD in global order with its TCB, SC, VSpace, CNodes,
// notification, endpoint, reply, IRQs and fault handling, then the channels.
//
// TypeScript programs have no ELF: a PD's program image is one RW page at 0x200000 holding the
// patched symbols (layout MICROKIT_SYMBOLS_* of src/user/microkit.ts); the TCB's ip is 0x200000 and
// the runtime starts the program named by the PD name found there. The monitor's image page holds
// the name "monitor".

import {
  ALL_RIGHTS,
  RW_RIGHTS,
  sortForAllocation,
  type CapDLCap,
  type CapDLDomainSchedule,
  type CapDLObject,
  type CapDLSpec,
  type CapDLTcb,
  type CapDLToolAllocated,
  type CapRights,
} from "../capdl/spec.ts";
import {
  BASE_ENDPOINT_CAP,
  BASE_IRQ_CAP,
  BASE_OUTPUT_NOTIFICATION_CAP,
  BASE_TCB_CAP,
  FAULT_EP_CAP,
  INPUT_CAP,
  MICROKIT_PD_NAME_LENGTH,
  MICROKIT_SYMBOLS_IRQS,
  MICROKIT_SYMBOLS_NAME,
  MICROKIT_SYMBOLS_NOTIFICATIONS,
  MICROKIT_SYMBOLS_NVARS,
  MICROKIT_SYMBOLS_PASSIVE,
  MICROKIT_SYMBOLS_PPS,
  MICROKIT_SYMBOLS_VADDR,
  MICROKIT_SYMBOLS_VAR_BYTES,
  MICROKIT_SYMBOLS_VARS,
  MONITOR_EP,
  REPLY_CAP,
  VSPACE_CAP,
} from "../user/microkit.ts";
import {
  PD_IPC_BUFFER_VADDR,
  PD_STACK_TOP,
  SMALL_PAGE,
  type SdfProtectionDomain,
  type SdfSystem,
} from "./sdf-model.ts";
import { elfPdPages, type ElfProgram } from "./elf-pd.ts";
import { pdSymbolValues } from "./symbols.ts";

/** Monitor CNode slots (microkit.md §3.8). */
export const MONITOR_EP_SLOT = 1;
export const MONITOR_REPLY_SLOT = 2;
export const MONITOR_BASE_PD_TCB = 10;
export const MONITOR_BASE_SC = 138;
export const MONITOR_BASE_NTFN = 202;
export const MONITOR_PRIORITY = 255;
export const MONITOR_STACK_SIZE = 0x1000;
export const PD_ENTRY = MICROKIT_SYMBOLS_VADDR;
export const MONITOR_IMAGE_NAME = "monitor";

export interface BuiltPd {
  name: string;
  tcb: number;
  sc: number;
  ntfn: number;
  ep: number | null;
  cnode: number;
  rootCnode: number;
  vspace: number;
  stackBottom: number;
}

export interface MicrokitBuild {
  spec: CapDLSpec;
  pds: BuiltPd[];
  monitor: { tcb: number; cnode: number; ep: number; vspace: number };
}

const KB4 = 12;
const MB2 = 21;

class Builder {
  readonly objects: CapDLObject[] = [];
  readonly irqs = new Map<number, number>();

  add(o: CapDLObject): number {
    this.objects.push(o);
    return this.objects.length - 1;
  }

  cnode(name: string, radix: number): number {
    return this.add({ name, kind: "cnode", sizeBits: radix, slots: new Map() });
  }

  setSlot(cnode: number, slot: number, cap: CapDLCap): void {
    (this.objects[cnode].slots as Map<number, CapDLCap>).set(slot, cap);
  }

  /** Map `frame` (4 KiB or 2 MiB) at `vaddr` in the VSpace rooted at `pgd`, creating page tables. */
  map(
    pdName: string,
    pgd: number,
    vaddr: number,
    frame: number,
    rights: CapRights,
    exec: boolean,
    cached = true,
  ): void {
    const large = this.objects[frame].sizeBits === MB2;
    const i0 = Math.floor(vaddr / 2 ** 30) % 512;
    const i1 = Math.floor(vaddr / 2 ** 21) % 512;
    const i2 = Math.floor(vaddr / 2 ** 12) % 512;
    const pmd = this.table(
      pgd,
      i0,
      `pmd_${pdName}_vaddr_0x${(Math.floor(vaddr / 2 ** 30) * 2 ** 30).toString(16)}`,
      1,
    );
    const cap: CapDLCap = { obj: frame, rights, executable: exec, cached };
    if (large) {
      this.setSlot(pmd, i1, cap);
      return;
    }
    const pte = this.table(
      pmd,
      i1,
      `pte_${pdName}_vaddr_0x${(Math.floor(vaddr / 2 ** 21) * 2 ** 21).toString(16)}`,
      2,
    );
    this.setSlot(pte, i2, cap);
  }

  private table(parent: number, index: number, name: string, level: number): number {
    const slots = this.objects[parent].slots as Map<number, CapDLCap>;
    const existing = slots.get(index);
    if (existing !== undefined) return existing.obj;
    const t = this.add({ name, kind: "pt", sizeBits: 12, level, slots: new Map() });
    slots.set(index, { obj: t, rights: ALL_RIGHTS });
    return t;
  }

  frame(name: string, sizeBits: number, paddr?: bigint): number {
    return this.add({ name, kind: "frame", sizeBits, paddr });
  }
}

function seq(i: number): string {
  return i.toString().padStart(9, "0");
}

function le64(buf: Uint8Array, at: number, v: bigint): void {
  for (let i = 0; i < 8; i++) buf[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

function ascii(buf: Uint8Array, at: number, s: string, max: number): void {
  for (let i = 0; i < s.length && i < max; i++) buf[at + i] = s.charCodeAt(i) & 0xff;
}

/**
 * The patched-symbols page of one PD (what symbols.rs writes into a PD's ELF). The physical
 * address of a tool-allocated region is not known yet: its word stays 0 and `toolPaddr` learns
 * where it goes.
 */
export function patchedSymbols(
  sys: SdfSystem,
  pd: SdfProtectionDomain,
  toolPaddr: (mr: string, offset: number) => void = () => undefined,
): Uint8Array {
  const page = new Uint8Array(SMALL_PAGE);
  ascii(page, MICROKIT_SYMBOLS_NAME, pd.name, MICROKIT_PD_NAME_LENGTH);
  page[MICROKIT_SYMBOLS_PASSIVE] = pd.passive ? 1 : 0;
  const sv = pdSymbolValues(sys, pd);
  le64(page, MICROKIT_SYMBOLS_IRQS, sv.irqs);
  le64(page, MICROKIT_SYMBOLS_NOTIFICATIONS, sv.notifications);
  le64(page, MICROKIT_SYMBOLS_PPS, sv.pps);
  const maxVars = Math.floor((SMALL_PAGE - MICROKIT_SYMBOLS_VARS) / MICROKIT_SYMBOLS_VAR_BYTES);
  const vars = sv.vars.slice(0, maxVars);
  le64(page, MICROKIT_SYMBOLS_NVARS, BigInt(vars.length));
  vars.forEach((v, i) => {
    const at = MICROKIT_SYMBOLS_VARS + i * MICROKIT_SYMBOLS_VAR_BYTES;
    ascii(page, at, v.symbol, 31);
    le64(page, at + 32, v.value);
    if (v.toolRegion !== null) toolPaddr(v.toolRegion, at + 32);
  });
  return page;
}

function needsEp(sys: SdfSystem, pd: SdfProtectionDomain): boolean {
  if (pd.children.length > 0) return true;
  for (const ch of sys.channels) {
    if (ch.a.pd === pd.index && ch.b.pp) return true;
    if (ch.b.pd === pd.index && ch.a.pp) return true;
  }
  return false;
}

function tcbConfig(priority: number, ipcBuffer: number, sp: number, domain: number): CapDLTcb {
  return {
    cspace: null,
    vspace: null,
    ipcBuffer: null,
    ipcBufferAddr: ipcBuffer,
    faultEp: null,
    sc: null,
    boundNotification: null,
    priority,
    mcp: priority,
    ip: PD_ENTRY,
    sp,
    affinity: 0,
    domain,
    fpuDisabled: false,
    resume: true,
  };
}

/**
 * Build the CapDL spec of a Microkit system. PDs named in `elfs` have ELF program images (C, Rust);
 * the others are TypeScript programs.
 */
export function buildMicrokit(
  sys: SdfSystem,
  elfs: ReadonlyMap<string, ElfProgram> = new Map(),
): MicrokitBuild {
  const b = new Builder();
  const o = b.objects;

  // The monitor.
  const monTcb = b.add({
    name: "tcb_monitor",
    kind: "tcb",
    sizeBits: 11,
    tcb: tcbConfig(MONITOR_PRIORITY, PD_IPC_BUFFER_VADDR, PD_STACK_TOP, 0),
  });
  const monEp = b.add({ name: "ep_fault_monitor", kind: "ep", sizeBits: 4 });
  const monReply = b.add({ name: "reply_monitor", kind: "reply", sizeBits: 5 });
  const monSc = b.add({
    name: "sched_context_monitor",
    kind: "sc",
    sizeBits: 8,
    sc: { budget: 1000n, period: 1000n, badge: 0n },
  });
  const monCnode = b.cnode("cnode_monitor", 9);
  const monPgd = b.add({ name: "pgd_monitor", kind: "pt", sizeBits: 12, level: 0, slots: new Map() });
  const monImage = b.frame("frame_elf_monitor_000000000", KB4);
  const img = new Uint8Array(MONITOR_IMAGE_NAME.length);
  ascii(img, 0, MONITOR_IMAGE_NAME, img.length);
  o[monImage].fill = [{ offset: MICROKIT_SYMBOLS_NAME, bytes: img }];
  b.map("monitor", monPgd, PD_ENTRY, monImage, RW_RIGHTS, false);
  const monStack = b.frame("frame_monitor_stack", KB4);
  b.map("monitor", monPgd, PD_STACK_TOP - MONITOR_STACK_SIZE, monStack, RW_RIGHTS, false);
  const monIpc = b.frame("frame_ipcbuf_monitor", KB4);
  b.map("monitor", monPgd, PD_IPC_BUFFER_VADDR, monIpc, RW_RIGHTS, false);
  b.setSlot(monCnode, MONITOR_EP_SLOT, { obj: monEp, rights: ALL_RIGHTS });
  b.setSlot(monCnode, MONITOR_REPLY_SLOT, { obj: monReply, rights: ALL_RIGHTS });
  Object.assign(o[monTcb].tcb as CapDLTcb, {
    cspace: { obj: monCnode, rights: ALL_RIGHTS, guard: 0, guardSize: 55 },
    vspace: { obj: monPgd, rights: ALL_RIGHTS },
    ipcBuffer: { obj: monIpc, rights: RW_RIGHTS },
    sc: { obj: monSc, rights: ALL_RIGHTS },
  });

  // Memory regions.
  const toolAllocated = new Map<string, CapDLToolAllocated>();
  // Where ELF PDs want a tool-allocated region's address (resolved once their frames exist).
  const toolPatches: {
    mr: string;
    pd: string;
    pageVaddr: number;
    offset: number;
    frameAt: Map<number, number>;
  }[] = [];
  const mrFrames: number[][] = sys.memoryRegions.map((mr) => {
    const bits = mr.pageSize === SMALL_PAGE ? KB4 : MB2;
    const frames: number[] = [];
    for (let i = 0; i < mr.pageCount; i++) {
      const paddr =
        mr.physAddr.kind === "specified" ? mr.physAddr.paddr + BigInt(i * mr.pageSize) : undefined;
      const f = b.frame(`mr_${mr.name}_${seq(i)}`, bits, paddr);
      if (mr.prefill !== null) {
        const chunk = mr.prefill.bytes.subarray(i * mr.pageSize, (i + 1) * mr.pageSize);
        if (chunk.length > 0) o[f].fill = [{ offset: 0, bytes: chunk }];
      }
      frames.push(f);
    }
    if (mr.physAddr.kind === "tool_allocated")
      toolAllocated.set(mr.name, { name: mr.name, frames, pageBytes: mr.pageSize, patches: [] });
    return frames;
  });

  // Protection domains.
  const pds: BuiltPd[] = [];
  for (const pd of sys.protectionDomains) {
    const n = pd.name;
    const stackBottom = PD_STACK_TOP - pd.stackSize;
    const tcb = b.add({
      name: `tcb_${n}`,
      kind: "tcb",
      sizeBits: 11,
      tcb: tcbConfig(pd.priority, PD_IPC_BUFFER_VADDR, PD_STACK_TOP, pd.domain ?? 0),
    });
    const pgd = b.add({ name: `pgd_${n}`, kind: "pt", sizeBits: 12, level: 0, slots: new Map() });
    const elf = elfs.get(n);
    if (elf === undefined) {
      // A TypeScript program: its image is the patched-symbols page at the entry.
      const image = b.frame(`frame_elf_${n}_${seq(0)}`, KB4);
      const symbols = patchedSymbols(sys, pd, (mr, offset) =>
        toolAllocated.get(mr)?.patches.push({ frame: image, offset }),
      );
      o[image].fill = [{ offset: 0, bytes: symbols }];
      b.map(n, pgd, PD_ENTRY, image, RW_RIGHTS, true);
    } else {
      (o[tcb].tcb as CapDLTcb).ip = elf.entry;
      const frameAt = new Map<number, number>();
      const pages = elfPdPages(sys, pd, elf, (mr, pageVaddr, offset) =>
        toolPatches.push({ mr, pd: n, pageVaddr, offset, frameAt }),
      );
      pages.forEach((p, i) => {
        const f = b.frame(`frame_elf_${n}_${seq(i)}`, KB4);
        o[f].fill = [{ offset: 0, bytes: p.bytes }];
        frameAt.set(p.vaddr, f);
        const rights: CapRights = { read: p.read, write: p.write, grant: false, grantReply: false };
        b.map(n, pgd, p.vaddr, f, rights, p.execute);
      });
    }
    for (const m of pd.maps) {
      const mr = sys.memoryRegions[m.mrIndex];
      const rights: CapRights = { read: m.perms.read, write: m.perms.write, grant: false, grantReply: false };
      mrFrames[m.mrIndex].forEach((f, i) =>
        b.map(n, pgd, m.vaddr + i * mr.pageSize, f, rights, m.perms.execute, m.cached),
      );
    }
    const ipc = b.frame(`frame_ipcbuf_${n}`, KB4);
    b.map(n, pgd, PD_IPC_BUFFER_VADDR, ipc, RW_RIGHTS, false);
    for (let i = 0; i < pd.stackSize / SMALL_PAGE; i++) {
      const f = b.frame(`frame_${n}_stack_${seq(i)}`, KB4);
      b.map(n, pgd, stackBottom + i * SMALL_PAGE, f, RW_RIGHTS, false);
    }
    const sc = b.add({
      name: `sched_context_${n}`,
      kind: "sc",
      sizeBits: 8,
      sc: {
        budget: pd.budget,
        period: pd.period,
        badge: BigInt(0x100 + pd.index),
        // A PD on core 0 (every PD of a 1-core system) has the spec it always had.
        ...(pd.cpu !== 0 ? { core: pd.cpu } : {}),
      },
    });
    const ntfn = b.add({ name: `ntfn_${n}`, kind: "notification", sizeBits: 6 });
    const ep = needsEp(sys, pd) ? b.add({ name: `ep_${n}`, kind: "ep", sizeBits: 4 }) : null;
    const reply = b.add({ name: `reply_${n}`, kind: "reply", sizeBits: 5 });
    const cnode = b.cnode(`cnode_${n}`, 9);
    const rootCnode = b.cnode(`cnode_${n}_root`, 6);
    pds.push({ name: n, tcb, sc, ntfn, ep, cnode, rootCnode, vspace: pgd, stackBottom });
    b.setSlot(cnode, VSPACE_CAP, { obj: pgd, rights: ALL_RIGHTS });
    b.setSlot(cnode, INPUT_CAP, { obj: ep ?? ntfn, rights: ALL_RIGHTS });
    b.setSlot(cnode, REPLY_CAP, { obj: reply, rights: ALL_RIGHTS });
    b.setSlot(rootCnode, 0, { obj: cnode, rights: ALL_RIGHTS, guard: 0, guardSize: 64 - 9 - 6 });
    for (const irq of pd.irqs) {
      const io = b.add({
        name: `irq_${irq.irq}_${n}`,
        kind: "irq",
        sizeBits: 0,
        irq: {
          irq: irq.irq,
          trigger: irq.trigger,
          notification: { obj: ntfn, rights: ALL_RIGHTS, badge: 1n << BigInt(irq.id) },
        },
      });
      b.irqs.set(irq.irq, io);
      b.setSlot(cnode, BASE_IRQ_CAP + irq.id, { obj: io, rights: ALL_RIGHTS });
    }
    Object.assign(o[tcb].tcb as CapDLTcb, {
      cspace: { obj: rootCnode, rights: ALL_RIGHTS, guard: 0, guardSize: 0 },
      vspace: { obj: pgd, rights: ALL_RIGHTS },
      ipcBuffer: { obj: ipc, rights: RW_RIGHTS },
      sc: { obj: sc, rights: ALL_RIGHTS },
      boundNotification: { obj: ntfn, rights: ALL_RIGHTS },
    });
    b.setSlot(monCnode, MONITOR_BASE_PD_TCB + pd.index, { obj: tcb, rights: ALL_RIGHTS });
    if (pd.passive) {
      b.setSlot(cnode, MONITOR_EP, { obj: monEp, rights: ALL_RIGHTS, badge: BigInt(pd.index + 1) });
      b.setSlot(monCnode, MONITOR_BASE_SC + pd.index, { obj: sc, rights: ALL_RIGHTS });
      b.setSlot(monCnode, MONITOR_BASE_NTFN + pd.index, { obj: ntfn, rights: ALL_RIGHTS });
    }
  }

  // Fault handlers (a parent's EP exists once every PD is built) and child TCB caps.
  for (const pd of sys.protectionDomains) {
    const me = pds[pd.index];
    let fault: CapDLCap;
    if (pd.parent !== null && pd.id !== null) {
      const parent = pds[pd.parent];
      fault = { obj: parent.ep as number, rights: ALL_RIGHTS, badge: (1n << 62n) | BigInt(pd.id) };
      b.setSlot(parent.cnode, BASE_TCB_CAP + pd.id, { obj: me.tcb, rights: ALL_RIGHTS });
    } else {
      fault = { obj: monEp, rights: ALL_RIGHTS, badge: BigInt(pd.index + 1) };
    }
    b.setSlot(me.cnode, FAULT_EP_CAP, fault);
    (o[me.tcb].tcb as CapDLTcb).faultEp = fault;
    for (const cm of pd.capMaps) {
      const target = pds[cm.pd];
      const obj = cm.type === "tcb" ? target.tcb : cm.type === "sc" ? target.sc : target.vspace;
      b.setSlot(me.rootCnode, cm.slot, { obj, rights: ALL_RIGHTS });
    }
  }

  // Channels.
  for (const ch of sys.channels) {
    for (const [e, other] of [
      [ch.a, ch.b],
      [ch.b, ch.a],
    ] as const) {
      const mine = pds[e.pd];
      const peer = pds[other.pd];
      if (e.notify) {
        b.setSlot(mine.cnode, BASE_OUTPUT_NOTIFICATION_CAP + e.id, {
          obj: peer.ntfn,
          rights: ALL_RIGHTS,
          badge: 1n << BigInt(other.id),
        });
      }
      if (e.pp && peer.ep !== null) {
        b.setSlot(mine.cnode, BASE_ENDPOINT_CAP + e.id, {
          obj: peer.ep,
          rights: ALL_RIGHTS,
          badge: (1n << 63n) | BigInt(other.id),
        });
      }
    }
  }

  const spec: CapDLSpec = { objects: o, irqs: b.irqs, allocationOrder: sortForAllocation(o) };
  if (sys.domains !== null) spec.domainSchedule = domainScheduleOf(sys);
  for (const t of toolPatches) {
    const frame = t.frameAt.get(t.pageVaddr);
    if (frame !== undefined) toolAllocated.get(t.mr)?.patches.push({ frame, offset: t.offset });
  }
  if (toolAllocated.size > 0) spec.toolAllocated = [...toolAllocated.values()];
  return { spec, pds, monitor: { tcb: monTcb, cnode: monCnode, ep: monEp, vspace: monPgd } };
}

/** The timer ticks per microsecond of QEMU virt's 10 MHz timebase: `us` durations convert exactly. */
const TICKS_PER_US = 10n;

/**
 * The SDF's domain schedule in timer ticks, with the end marker the SDF implies after the last
 * entry (microkit.md §1.15).
 */
function domainScheduleOf(sys: SdfSystem): CapDLDomainSchedule | undefined {
  const d = sys.domains;
  if (d === null) return undefined;
  const entries = d.schedule.map((e) =>
    e.kind === "end_marker"
      ? { domain: 0, duration: 0n }
      : { domain: e.domain, duration: e.unit === "us" ? e.duration * TICKS_PER_US : e.duration },
  );
  const last = entries[entries.length - 1];
  if (last === undefined || last.duration !== 0n) entries.push({ domain: 0, duration: 0n });
  return { entries, start: d.startIndex, shift: d.indexShift ?? 0 };
}
