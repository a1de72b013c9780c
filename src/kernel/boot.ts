// Boot (seL4 src/kernel/boot.c, src/arch/riscv/kernel/boot.c): build the root task's objects,
// address space and CSpace, describe the remaining memory as untyped caps, and write the boot
// info frame at its byte layout in RAM (BOOT-1..BOOT-10).
//
// Physical layout (QEMU virt): OpenSBI's 2 MiB at the bottom of RAM, the kernel image at
// 0x80200000 (its first 12 KiB is boot code, reclaimed as untyped after boot), the root task image
// right after it, and the root server objects at the top of the highest free region, aligned to
// the size of the root CNode, exactly where seL4's init_freemem puts them.

import * as A from "../abi/index.ts";
import { a0, FaultIP, NextIP, SSTATUS, SSTATUS_SPIE } from "../abi/registers.ts";
import { cteInsert } from "./cdt.ts";
import { refillNew } from "./sched.ts";
import { ks } from "./state.ts";
import { ASIDPool, clearCap, CNode, copyCap, Cte, SchedContext, Tcb } from "./structures.ts";
import {
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  ptIndex,
  pteNew,
  readPte,
  setVMRoot,
  writePte,
  ptePaddr,
} from "./vspace.ts";

/** The real kernel.elf for qemu-riscv-virt spans 0x80200000..0x80228000; its first 12 KiB are boot code. */
export const KERNEL_IMAGE_SIZE = 0x28000;
/**
 * The same kernel built with KernelMaxNumNodes 4 spans 0x80200000..0x80239000 (sel4test's SMP
 * console: the device tree the elfloader puts right after it ends at 0x8023a5a0, where the 1-core
 * one ends at 0x80229150 with 0x450 bytes less of cpu nodes): the SMP code, and per core a kernel
 * stack and a node state (ksSMP, with its ready queues). No build for another core count was
 * measured; those are estimated from the 4-core size at 8 KiB a core (4 KiB of stack and ~4 KiB
 * of node state).
 */
export const KERNEL_IMAGE_SIZE_SMP4 = 0x39000;

/** The kernel image's size for a kernel of `numNodes` cores (see KERNEL_IMAGE_SIZE_SMP4). */
export function kernelImageSize(numNodes: number): number {
  if (numNodes <= 1) return KERNEL_IMAGE_SIZE;
  return KERNEL_IMAGE_SIZE_SMP4 + (numNodes - 4) * 0x2000;
}
export const KERNEL_BOOT_CODE_SIZE = 0x3000;
/** Virtual address where the root task image is mapped, and its entry point. */
export const ROOT_IMAGE_VADDR = 0x10000;
export const DEFAULT_ROOT_IMAGE_PAGES = 16;
const PAGE = 4096;
/** irq_state values (seL4's irq_state_t). */
const IRQInactive = 0;
const IRQTimer = 2;

export interface BootConfig {
  /** Pages in the root task's image (a TS root task has no ELF; this stands for it). */
  imagePages?: number;
  /**
   * A root task image loaded from an ELF file: its page-aligned start address, its contents (a
   * whole number of pages, .bss zero) and its entry point. Replaces the stand-in image.
   */
  image?: RootImage;
}

export interface RootImage {
  vaddr: number;
  bytes: Uint8Array;
  entry: number;
}

/** The root task's virtual region (image, IPC buffer, boot info) must end below this (§11.4). */
const USER_REGION_TOP = 0x3f_ffff_f000;

function checkImage(img: RootImage): void {
  const end = img.vaddr + img.bytes.length;
  if (!Number.isSafeInteger(img.vaddr) || img.vaddr % PAGE !== 0 || img.bytes.length % PAGE !== 0)
    throw new RangeError("root task image must be page-aligned and a whole number of pages");
  if (img.bytes.length === 0 || img.vaddr < PAGE || end + 2 * PAGE > USER_REGION_TOP)
    throw new RangeError(
      `root task image 0x${img.vaddr.toString(16)}..0x${end.toString(16)} is not in user space`,
    );
  if (!Number.isSafeInteger(img.entry)) throw new RangeError("bad root task entry point");
}

export interface BootResult {
  rootTcb: Tcb;
  bootInfoVaddr: number;
  entry: number;
  ipcBufferVaddr: number;
}

interface Region {
  start: number;
  end: number;
}

/**
 * create_untypeds_for_region: cut [start, end) into maximal naturally aligned power-of-two chunks
 * of at most 2^38 bytes, ascending. A chunk below 2^4 bytes (possible only at an unaligned start
 * or at the tail) gets no cap, but the walk goes on past it, as in seL4.
 */
export function splitRegion(r: Region): { paddr: number; sizeBits: number }[] {
  const out: { paddr: number; sizeBits: number }[] = [];
  let start = r.start;
  while (start < r.end) {
    let sizeBits = 0;
    while (2 ** (sizeBits + 1) <= r.end - start) sizeBits++;
    if (sizeBits > A.seL4_MaxUntypedBits) sizeBits = A.seL4_MaxUntypedBits;
    if (start !== 0) {
      let align = 0;
      while (start % 2 ** (align + 1) === 0) align++;
      if (sizeBits > align) sizeBits = align;
    }
    if (sizeBits >= A.seL4_MinUntypedBits) out.push({ paddr: start, sizeBits });
    start += 2 ** sizeBits;
  }
  return out;
}

export function bootKernel(config: BootConfig): BootResult {
  const mem = ks.machine.memory;
  const ramBase = mem.ramBase;
  const ramEnd = mem.ramEnd;
  const image = config.image;
  if (image !== undefined) checkImage(image);
  const imagePages =
    image !== undefined ? image.bytes.length / PAGE : (config.imagePages ?? DEFAULT_ROOT_IMAGE_PAGES);

  const kernelStart = A.KERNEL_ELF_PADDR;
  const kernelEnd = kernelStart + kernelImageSize(ks.numNodes);
  // The boot code and data come first in the kernel image (.boot sections, up to ki_boot_end).
  const bootCode: Region = { start: kernelStart, end: kernelStart + KERNEL_BOOT_CODE_SIZE };
  // The loader puts the device tree right after the kernel and the root task image on the next
  // page (seL4's elfloader); the tree itself stays reserved, the rest of its last page is free.
  const dtbLen = ks.machine.dtb.length;
  const dtbPaddr = kernelEnd;
  const dtbEnd = dtbPaddr + dtbLen;
  const imagePaddr = dtbPaddr + Math.ceil(dtbLen / PAGE) * PAGE;
  const imageEnd = imagePaddr + imagePages * PAGE;

  // Extra boot info (arch/riscv boot.c): the device tree the firmware handed over, behind a
  // seL4_BootInfoHeader, in a naturally aligned power-of-two region mapped after the boot info.
  const cfg = ks.config;
  const dtb = ks.machine.dtb;
  mem.writeBytes(dtbPaddr, dtb);
  const extraBISize = dtb.length > 0 ? A.BOOTINFO_HEADER_BYTES + dtb.length : 0;
  const extraBIBits = extraBISizeBits(extraBISize);

  // Virtual region of the root task: image, IPC buffer, boot info, extra boot info.
  const vStart = image !== undefined ? image.vaddr : ROOT_IMAGE_VADDR;
  const vImageEnd = vStart + imagePages * PAGE;
  const ipcVaddr = vImageEnd;
  const biVaddr = vImageEnd + PAGE;
  const extraBIVaddr = biVaddr + PAGE;
  const vEnd = extraBIVaddr + (extraBIBits > 0 ? 2 ** extraBIBits : 0);
  const l1Tables = countRegions(vStart, vEnd, 30);
  const l0Tables = countRegions(vStart, vEnd, 21);
  const nPaging = l1Tables + l0Tables;

  // init_freemem / create_rootserver_objects (calculate_rootserver_size: CNode, TCB, IPC buffer,
  // boot info, extra boot info, ASID pool, VSpace root, SC and the paging tables).
  const tcbBits = ks.tcbBits;
  const cnodeBits = cfg.rootCNodeSizeBits + A.seL4_SlotBits;
  const size =
    2 ** cnodeBits +
    2 ** tcbBits +
    2 ** A.seL4_PageBits +
    2 ** A.seL4_BootInfoFrameBits +
    2 ** A.seL4_ASIDPoolBits +
    (extraBIBits > 0 ? 2 ** extraBIBits : 0) +
    2 ** A.seL4_VSpaceBits +
    2 ** A.seL4_MinSchedContextBits +
    nPaging * PAGE;
  const maxBits = Math.max(cnodeBits, A.seL4_VSpaceBits, extraBIBits);
  const rsStart = Math.floor((ramEnd - size) / 2 ** maxBits) * 2 ** maxBits;
  let next = rsStart;
  const alloc = (bits: number, n = 1): number => {
    const p = next;
    next += n * 2 ** bits;
    return p;
  };
  // Largest first, the extra boot info at its place by size (maybe_alloc_extra_bi).
  let extraBIPaddr = -1;
  const maybeAllocExtraBI = (cmpBits: number): void => {
    if (extraBIBits > 0 && extraBIBits >= cmpBits && extraBIPaddr < 0) extraBIPaddr = alloc(extraBIBits);
  };
  maybeAllocExtraBI(maxBits);
  let cnodePaddr: number;
  let vspacePaddr: number;
  if (cnodeBits > A.seL4_VSpaceBits) {
    cnodePaddr = alloc(cnodeBits);
    maybeAllocExtraBI(A.seL4_VSpaceBits);
    vspacePaddr = alloc(A.seL4_VSpaceBits);
  } else {
    vspacePaddr = alloc(A.seL4_VSpaceBits);
    maybeAllocExtraBI(cnodeBits);
    cnodePaddr = alloc(cnodeBits);
  }
  maybeAllocExtraBI(A.seL4_PageBits);
  const asidPoolPaddr = alloc(A.seL4_ASIDPoolBits);
  const ipcPaddr = alloc(A.seL4_PageBits);
  const biPaddr = alloc(A.seL4_BootInfoFrameBits);
  const pagingPaddr = alloc(A.seL4_PageTableBits, nPaging);
  const tcbPaddr = alloc(tcbBits);
  const scPaddr = alloc(A.seL4_MinSchedContextBits);
  const rsEnd = rsStart + size;
  if (imageEnd > rsStart) throw new RangeError("root task image does not fit in RAM");
  mem.zero(rsStart, size);
  if (image !== undefined) mem.writeBytes(imagePaddr, image.bytes);
  if (extraBISize > 0) {
    mem.writeWordHiLo(extraBIPaddr, 0, A.SEL4_BOOTINFO_HEADER_FDT);
    mem.writeWordHiLo(extraBIPaddr + 8, 0, extraBISize);
    mem.writeBytes(extraBIPaddr + A.BOOTINFO_HEADER_BYTES, dtb);
  }

  // Root CNode and the caps that name the root server objects (all originals, BOOT-10).
  const cnode = new CNode(cnodePaddr, cfg.rootCNodeSizeBits);
  ks.objects.set(cnodePaddr, cnode);
  const root = (i: number): Cte => cnode.slot(i);
  const original = (c: Cte): Cte => {
    c.revocable = true;
    c.firstBadged = true;
    return c;
  };
  let c = original(root(A.seL4_CapInitThreadCNode));
  c.type = A.cap_cnode_cap;
  c.obj = cnode;
  c.ptr = cnodePaddr;
  c.sizeBits = cfg.rootCNodeSizeBits;
  c.guardSize = cfg.rootCNodeGuardSize;

  c = original(root(A.seL4_CapDomain));
  c.type = A.cap_domain_cap;
  c = original(root(A.seL4_CapIRQControl));
  c.type = A.cap_irq_control_cap;
  c = original(root(A.seL4_CapASIDControl));
  c.type = A.cap_asid_control_cap;

  // Address space: root table with ASID 1 in pool 0 (BOOT-4).
  const pool = new ASIDPool(asidPoolPaddr);
  ks.objects.set(asidPoolPaddr, pool);
  ks.asidTable[0] = pool;
  pool.entries[1] = vspacePaddr;
  c = original(root(A.seL4_CapInitThreadASIDPool));
  c.type = A.cap_asid_pool_cap;
  c.obj = pool;
  c.ptr = asidPoolPaddr;
  c.extra = 0;
  c = original(root(A.seL4_CapInitThreadVSpace));
  c.type = A.cap_page_table_cap;
  c.ptr = vspacePaddr;
  c.isMapped = true;
  c.mappedASID = 1;
  c.mappedAddr = 0;

  let slot = A.seL4_NumInitialCaps;
  const pagingStart = slot;
  let nextTable = pagingPaddr;
  const addTable = (vaddr: number, level: number): void => {
    const t = nextTable;
    nextTable += PAGE;
    const parent = walkTo(vspacePaddr, vaddr, level + 1);
    writePte(parent + 8 * ptIndex(vaddr, level + 1), pteNew(t, PTE_V));
    const pc = original(root(slot++));
    pc.type = A.cap_page_table_cap;
    pc.ptr = t;
    pc.isMapped = true;
    pc.mappedASID = 1;
    pc.mappedAddr = vaddr - (vaddr % 2 ** (12 + 9 * (level + 1)));
  };
  for (let v = alignDown(vStart, 30); v < vEnd; v += 2 ** 30) addTable(v, 1);
  for (let v = alignDown(vStart, 21); v < vEnd; v += 2 ** 21) addTable(v, 0);
  const pagingEnd = slot;
  const leaf = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  const mapFrame = (c: Cte, paddr: number, vaddr: number): void => {
    c.type = A.cap_frame_cap;
    c.ptr = paddr;
    c.sizeBits = A.seL4_PageBits;
    c.rights = A.VMReadWrite;
    c.mappedASID = 1;
    c.mappedAddr = vaddr;
    const table = walkTo(vspacePaddr, vaddr, 0);
    writePte(table + 8 * ptIndex(vaddr, 0), pteNew(paddr, leaf));
  };
  // Boot info frame, then the extra boot info's frames (create_frames_of_region: one per page of
  // [extra_bi, extra_bi + size)), then the SchedControl caps (init_sched_control).
  mapFrame(original(root(A.seL4_CapBootInfoFrame)), biPaddr, biVaddr);
  const extraBIStart = slot;
  for (let off = 0; off < extraBISize; off += PAGE)
    mapFrame(original(root(slot++)), extraBIPaddr + off, extraBIVaddr + off);
  const extraBIEnd = slot;
  const schedControlStart = slot;
  // One SchedControl cap per core, in core order (create_sched_control_caps); the cap names its core.
  for (let core = 0; core < ks.numNodes; core++) {
    c = original(root(slot++));
    c.type = A.cap_sched_control_cap;
    c.extra = core;
  }
  const schedControlEnd = slot;

  const imageFramesStart = slot;
  for (let i = 0; i < imagePages; i++)
    mapFrame(original(root(slot++)), imagePaddr + i * PAGE, vStart + i * PAGE);
  const imageFramesEnd = slot;
  mapFrame(original(root(A.seL4_CapInitThreadIPCBuffer)), ipcPaddr, ipcVaddr);

  // Root scheduling context: 5 ms round robin (BOOT-2).
  const sc = new SchedContext(scPaddr, A.seL4_MinSchedContextBits, 2);
  ks.objects.set(scPaddr, sc);
  c = original(root(A.seL4_CapInitThreadSC));
  c.type = A.cap_sched_context_cap;
  c.obj = sc;
  c.ptr = scPaddr;
  c.sizeBits = A.seL4_MinSchedContextBits;

  // Root thread (BOOT-1).
  const tcb = new Tcb(tcbPaddr);
  ks.objects.set(tcbPaddr, tcb);
  tcb.priority = 255;
  tcb.mcp = 255;
  tcb.name = "rootserver";
  tcb.ipcBuffer = ipcVaddr;
  tcb.regs[2 * SSTATUS] = SSTATUS_SPIE;
  tcb.regs[2 * a0] = biVaddr;
  // §11.4: pc = the ELF entry, a0 = boot info, every other register 0 (sp too).
  const entry = image !== undefined ? image.entry : vStart;
  tcb.regs[2 * FaultIP] = entry >>> 0;
  tcb.regs[2 * FaultIP + 1] = Math.floor(entry / 2 ** 32);
  tcb.regs[2 * NextIP] = entry >>> 0;
  tcb.regs[2 * NextIP + 1] = Math.floor(entry / 2 ** 32);
  cteInsert(root(A.seL4_CapInitThreadCNode), root(A.seL4_CapInitThreadCNode), tcb.cte[A.tcbCTable]);
  cteInsert(root(A.seL4_CapInitThreadVSpace), root(A.seL4_CapInitThreadVSpace), tcb.cte[A.tcbVTable]);
  // The TCB's buffer cap is a derived copy (deriveCap drops a frame's mapping), so deleting it
  // never unmaps the root task's IPC buffer.
  const ipcCopy = new Cte(null, -1);
  copyCap(ipcCopy, root(A.seL4_CapInitThreadIPCBuffer));
  ipcCopy.mappedASID = 0;
  ipcCopy.mappedAddr = 0;
  cteInsert(ipcCopy, root(A.seL4_CapInitThreadIPCBuffer), tcb.cte[A.tcbBuffer]);
  c = original(root(A.seL4_CapInitThreadTCB));
  c.type = A.cap_thread_cap;
  c.obj = tcb;
  c.ptr = tcbPaddr;
  ks.curTime = ks.machine.clock.now;
  sc.tcb = tcb;
  tcb.sc = sc;
  refillNew(sc, A.MIN_REFILLS, A.CONFIG_BOOT_THREAD_TIME_SLICE_MS * 1000 * A.TICKS_PER_US, 0);
  tcb.state = A.ThreadState_Running;

  // Untypeds (BOOT-7, BOOT-8): device gaps, the reclaimed boot code, then free RAM.
  const untypedStart = slot;
  const descs: { paddr: number; sizeBits: number; isDevice: boolean }[] = [];
  const devTop = A.PADDR_USER_DEVICE_TOP;
  const kernelDevices: Region[] = [
    ...A.KERNEL_DEVICE_WINDOWS,
    { start: ramBase + A.SBI_RESERVED_SIZE, end: ramEnd },
  ];
  let cursor = 0;
  for (const d of kernelDevices) {
    for (const u of splitRegion({ start: cursor, end: d.start })) descs.push({ ...u, isDevice: true });
    cursor = d.end;
  }
  for (const u of splitRegion({ start: cursor, end: devTop })) descs.push({ ...u, isDevice: true });
  for (const u of splitRegion(bootCode)) descs.push({ ...u, isDevice: false });
  for (const r of [
    { start: dtbEnd, end: imagePaddr },
    { start: imageEnd, end: rsStart },
    { start: rsEnd, end: ramEnd },
  ]) {
    for (const u of splitRegion(r)) descs.push({ ...u, isDevice: false });
  }
  const kept = descs.slice(
    0,
    Math.min(descs.length, A.CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS, cfg.rootCNodeSlots - slot),
  );
  for (const u of kept) {
    c = original(root(slot++));
    c.type = A.cap_untyped_cap;
    c.ptr = u.paddr;
    c.sizeBits = u.sizeBits;
    c.isDevice = u.isDevice;
    c.freeIndex = 2 ** u.sizeBits;
  }
  const untypedEnd = slot;

  // The boot info frame, byte for byte (BOOT-9).
  const w = (off: number, v: number): void =>
    mem.writeWordHiLo(biPaddr + off, Math.floor(v / 2 ** 32) >>> 0, v >>> 0);
  const region = (off: number, s: number, e: number): void => {
    w(off, s);
    w(off + 8, e);
  };
  w(A.BI_extraLen, extraBISize);
  w(A.BI_nodeID, 0);
  w(A.BI_numNodes, cfg.numNodes);
  w(A.BI_numIOPTLevels, 0);
  w(A.BI_ipcBuffer, ipcVaddr);
  region(A.BI_empty, untypedEnd, cfg.rootCNodeSlots);
  region(A.BI_sharedFrames, 0, 0);
  region(A.BI_userImageFrames, imageFramesStart, imageFramesEnd);
  region(A.BI_userImagePaging, pagingStart, pagingEnd);
  region(A.BI_ioSpaceCaps, 0, 0);
  region(A.BI_extraBIPages, extraBIStart, extraBIEnd);
  w(A.BI_initThreadCNodeSizeBits, cfg.rootCNodeSizeBits);
  w(A.BI_initThreadDomain, 0);
  region(A.BI_schedcontrol, schedControlStart, schedControlEnd);
  region(A.BI_untyped, untypedStart, untypedEnd);
  kept.forEach((u, i) => {
    const off = biPaddr + A.BI_untypedList + i * A.UNTYPED_DESC_BYTES;
    mem.writeWordHiLo(off, Math.floor(u.paddr / 2 ** 32) >>> 0, u.paddr >>> 0);
    mem.write8(off + 8, u.sizeBits);
    mem.write8(off + 9, u.isDevice ? 1 : 0);
  });

  // init_irqs: every IRQ inactive except the kernel's timer.
  ks.irqState.fill(IRQInactive);
  ks.irqState[A.KERNEL_TIMER_IRQ] = IRQTimer;

  ks.curThread = tcb;
  ks.curSC = sc;
  ks.reprogram = true;
  setVMRoot(tcb);
  ks.machine.sfenceVma();
  return { rootTcb: tcb, bootInfoVaddr: biVaddr, entry, ipcBufferVaddr: ipcVaddr };
}

/** calculate_extra_bi_size_bits: 0 for nothing, else log2 of the smallest power of two >= the size, at least a page. */
export function extraBISizeBits(size: number): number {
  if (size === 0) return 0;
  let bits = A.seL4_PageBits;
  while (2 ** bits < size) bits++;
  return bits;
}

function countRegions(start: number, end: number, bits: number): number {
  return Math.ceil(end / 2 ** bits) - Math.floor(start / 2 ** bits);
}

function alignDown(v: number, bits: number): number {
  return Math.floor(v / 2 ** bits) * 2 ** bits;
}

/** The table at `level` (2 = root) on the walk to `vaddr`; tables above it must exist. */
function walkTo(root: number, vaddr: number, level: number): number {
  let table = root;
  for (let l = 2; l > level; l--) table = ptePaddr(readPte(table + 8 * ptIndex(vaddr, l)));
  return table;
}

export { clearCap };
