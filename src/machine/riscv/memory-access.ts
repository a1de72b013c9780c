// User-mode memory access for the RV64 hart: Sv39 translation through a small software TLB, and
// the slow paths of loads and stores (TLB misses, devices, misaligned and page-crossing accesses).
//
// The TLB caches only 4 KiB pages that lie wholly in RAM, one direct-mapped set per access kind
// (read, write, execute), so a hit proves the permission too. Entries are kept per address space
// (tagged by satp, for the last few address spaces run) and all dropped when tlbGeneration changes:
// the kernel bumps it on every sfence.vma, and mappings change only inside the kernel, i.e.
// between runs.
//
// Misaligned loads and stores are carried out (QEMU's virt machine does the same for ordinary
// accesses); one that crosses into an unmapped page faults with stval = the first byte of that
// page, and a store writes nothing unless both pages translate. Device memory is reached with one
// access of the instruction's width when aligned (8 bytes as two 4-byte halves, low first), byte
// by byte otherwise. A physical address that is neither RAM nor a device raises an access fault.

import type { Machine } from "../machine.ts";
import {
  ACCESS_EXECUTE,
  ACCESS_READ,
  ACCESS_WRITE,
  sv39Translate,
  SV39_ACCESS_FAULT,
  TLB_LOG,
} from "../mmu.ts";

export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;

// scause values of the traps raised here.
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_LOAD_MISALIGNED = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_STORE_MISALIGNED = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;

/** Result of a slow-path access. */
export const MEM_OK = 0;
export const MEM_FAULT = 1;
/** Completed, and a device was touched: device state (and so the next machine event) may have changed. */
export const MEM_DEVICE = 2;

const TWO_32 = 4294967296;

/** One address space's cached translations (like a TLB's entries for one ASID). */
class TlbSet {
  satp = -1;
  // One block of memory (RAM's side region when it has room: generated WebAssembly reads the
  // tags and bases there), in this order, at TLB_SIZE words each.
  readonly rtag: Int32Array;
  readonly rbase: Int32Array;
  readonly wtag: Int32Array;
  readonly wbase: Int32Array;
  readonly xtag: Int32Array;
  readonly xbase: Int32Array;

  constructor(block: Int32Array) {
    const part = (k: number): Int32Array => block.subarray(k * TLB_SIZE, (k + 1) * TLB_SIZE);
    this.rtag = part(0);
    this.rbase = part(1);
    this.wtag = part(2);
    this.wbase = part(3);
    this.xtag = part(4);
    this.xbase = part(5);
    this.clear();
  }

  clear(): void {
    this.rtag.fill(-1);
    this.wtag.fill(-1);
    this.xtag.fill(-1);
  }
}

/**
 * Address spaces whose translations are kept at once, tagged by satp as a hardware TLB tags
 * entries by ASID: a client and its server in different VSpaces keep theirs across IPC.
 */
const TLB_SETS = 8;

export class UserMemory {
  // The current address space's set (the hart reads these arrays directly; sync() swaps them).
  // tag = virtual page number (< 2^26 for Sv39 user addresses), -1 = empty; base = RAM byte offset
  // as an int32 bit pattern (users apply >>> 0, >>> 1 or >>> 2, so RAM up to 4 GiB works).
  rtag: Int32Array;
  rbase: Int32Array;
  wtag: Int32Array;
  wbase: Int32Array;
  xtag: Int32Array;
  xbase: Int32Array;
  private readonly sets: TlbSet[] = [];
  private victim = 0;
  private current: TlbSet;
  /** The trap of the last MEM_FAULT: scause and stval (as lo/hi halves). */
  cause = 0;
  tvalLo = 0;
  tvalHi = 0;
  /** Called right before a device access, so that the clock is up to date when the device sees it. */
  beforeDevice: () => void = () => undefined;
  /**
   * RAM pages (by page index) that hold translated code, or null while nothing is translated.
   * Such pages never enter the write TLB, so every store into them takes the slow path, which
   * checks it against codeWords: a store into a word that translated code was made from drops
   * the page's translations (codeWrites counts it, droppedCode names the page for the
   * translator, and the page returns to the write TLB); a store beside them changes nothing.
   * It is the machine's PhysicalMemory.codePages once set.
   */
  codeMap: Uint8Array | null = null;
  /** One bit per 32-bit word of RAM: set where translated code was made from. */
  private codeWords: Uint32Array | null = null;
  /** Pages whose translations were dropped by a store; codeWrites counts the drops. */
  codeWrites = 0;
  readonly droppedCode: number[] = [];
  private satp = -1;
  private generation = -1;
  // How far this cache has applied the machine's log of single-page flushes.
  private seq = 0;
  private readonly u8: Uint8Array;

  constructor(private readonly machine: Machine) {
    this.u8 = machine.memory.u8;
    for (let i = 0; i < TLB_SETS; i++) this.sets.push(new TlbSet(machine.memory.side(6 * TLB_SIZE)));
    this.current = this.sets[0];
    this.rtag = this.current.rtag;
    this.rbase = this.current.rbase;
    this.wtag = this.current.wtag;
    this.wbase = this.current.wbase;
    this.xtag = this.current.xtag;
    this.xbase = this.current.xbase;
  }

  /**
   * Makes the current address space's translations the active set. Any mapping change (the
   * kernel bumps tlbGeneration at every sfence.vma) drops them all.
   */
  sync(): void {
    const m = this.machine;
    if (m.satp === this.satp && m.tlbGeneration === this.generation && m.tlbSeq === this.seq) return;
    if (m.tlbGeneration !== this.generation || m.tlbSeq - this.seq > TLB_LOG) {
      this.flush();
      this.generation = m.tlbGeneration;
    } else
      for (let k = this.seq; k < m.tlbSeq; k++)
        this.dropPage(m.tlbLogRoot[k % TLB_LOG], m.tlbLogVpn[k % TLB_LOG]);
    this.seq = m.tlbSeq;
    this.satp = m.satp;
    // (a plain loop: this runs at every switch between address spaces)
    let set: TlbSet | undefined;
    for (let i = 0; i < this.sets.length; i++) {
      if (this.sets[i].satp === m.satp) {
        set = this.sets[i];
        break;
      }
    }
    if (set === undefined) {
      set = this.sets[this.victim];
      this.victim = (this.victim + 1) % TLB_SETS;
      set.clear();
      set.satp = m.satp;
    }
    this.current = set;
    this.rtag = set.rtag;
    this.rbase = set.rbase;
    this.wtag = set.wtag;
    this.wbase = set.wbase;
    this.xtag = set.xtag;
    this.xbase = set.xbase;
  }

  /** Drops the translations of virtual page `vpn` in the address space whose root is `root`. */
  private dropPage(root: number, vpn: number): void {
    const i = vpn & TLB_MASK;
    for (const x of this.sets) {
      if (x.satp !== root) continue;
      if (x.rtag[i] === vpn) x.rtag[i] = -1;
      if (x.wtag[i] === vpn) x.wtag[i] = -1;
      if (x.xtag[i] === vpn) x.xtag[i] = -1;
    }
  }

  /** Drops every cached translation of every address space. */
  flush(): void {
    for (const x of this.sets) {
      x.clear();
      x.satp = -1;
    }
  }

  /**
   * Physical address of the user virtual address (lo, hi) for `access`, filling the TLB when the
   * page is RAM; a negative sv39Translate code when the translation faults.
   */
  translate(lo: number, hi: number, access: number): number {
    if (hi >>> 6 !== 0) return -1; // at or above 2^38: not a user address
    const vaddr = hi * TWO_32 + (lo >>> 0);
    const m = this.machine;
    const p = sv39Translate(m.memory, m.satp, vaddr, access as 0 | 1 | 2, true);
    if (p < 0) return p;
    const page = p - (lo & 4095);
    const mem = m.memory;
    if (mem.isRam(page, 4096)) {
      const vpn = (hi << 20) | (lo >>> 12);
      const i = vpn & TLB_MASK;
      const base = page - mem.ramBase;
      if (access === ACCESS_READ) {
        this.rtag[i] = vpn;
        this.rbase[i] = base;
      } else if (access === ACCESS_WRITE) {
        const cm = this.codeMap;
        if (cm === null || cm[base / 4096] === 0) {
          this.wtag[i] = vpn;
          this.wbase[i] = base;
        }
        // Stores through this entry go straight to RAM: the page is no longer known to be zero.
        mem.written[base >>> 12] = 1;
      } else {
        this.xtag[i] = vpn;
        this.xbase[i] = base;
      }
    }
    return p;
  }

  /**
   * Marks the words of the RAM page at byte offset `base` that translated code was made from,
   * as (first word, word count) pairs: the page's write translations leave every address
   * space's TLB, so that stores into it are seen.
   */
  markCode(base: number, spans: Int32Array): void {
    let cm = this.codeMap;
    let cw = this.codeWords;
    if (cm === null || cw === null) {
      // The machine's own map: stores from outside the hart into these pages are counted there.
      cm = this.codeMap = this.machine.memory.codePages;
      cw = this.codeWords = new Uint32Array(cm.length * 32);
    }
    const w0 = base / 4;
    for (let r = 0; r < spans.length; r += 2)
      for (let w = w0 + spans[r], end = w + spans[r + 1]; w < end; w++) cw[w >>> 5] |= 1 << (w & 31);
    if (cm[base / 4096] !== 0) return;
    cm[base / 4096] = 1;
    for (const x of this.sets) {
      for (let i = 0; i < TLB_SIZE; i++) if (x.wtag[i] !== -1 && x.wbase[i] === (base | 0)) x.wtag[i] = -1;
    }
  }

  /** Forgets every page's code marks (the translator dropped all its translations). */
  clearCode(): void {
    this.codeMap?.fill(0);
    this.codeWords?.fill(0);
    this.droppedCode.length = 0;
  }

  /** A store of `size` bytes at physical `paddr`: drops the page's code if it hits a code word. */
  private noteWrite(paddr: number, size: number): void {
    const cm = this.codeMap;
    const cw = this.codeWords;
    if (cm === null || cw === null) return;
    const mem = this.machine.memory;
    if (paddr < mem.ramBase || paddr >= mem.ramEnd) return;
    const off = paddr - mem.ramBase;
    const page = Math.floor(off / 4096);
    if (cm[page] === 0) return;
    // The words written, within this page (a store crossing pages notes the next one apart).
    const last = Math.min(off + size, (page + 1) * 4096) - 1;
    for (let w = Math.floor(off / 4); w <= Math.floor(last / 4); w++) {
      if (((cw[w >>> 5] >>> (w & 31)) & 1) !== 0) {
        cm[page] = 0;
        cw.fill(0, page * 32, page * 32 + 32);
        this.droppedCode.push(page * 4096);
        this.codeWrites++;
        return;
      }
    }
  }

  /**
   * RAM byte offset of the page holding the instruction at (lo, hi) (0 up to the RAM size, which may
   * exceed 2^31), or -1 with the trap set.
   */
  fetchPage(lo: number, hi: number): number {
    const p = this.translate(lo, hi, ACCESS_EXECUTE);
    if (p < 0)
      return this.fail(p === SV39_ACCESS_FAULT ? CAUSE_FETCH_ACCESS : CAUSE_FETCH_PAGE_FAULT, lo, hi);
    const mem = this.machine.memory;
    const page = p - (lo & 4095);
    // Executing from a device (or from nothing) is an instruction access fault.
    if (!mem.isRam(page, 4096)) return this.fail(CAUSE_FETCH_ACCESS, lo, hi);
    return page - mem.ramBase;
  }

  /** Records a trap and returns -1 (a convenient failure value for the callers). */
  fail(cause: number, lo: number, hi: number): number {
    this.cause = cause;
    this.tvalLo = lo | 0;
    this.tvalHi = hi | 0;
    return -1;
  }

  // Physical addresses of the access's bytes: the first page's, and the second page's when it crosses.
  private p1 = 0;
  private p2 = 0;

  /** Translates both pages of an access (page faults and access faults set the trap); false on a fault. */
  private translateAccess(lo: number, hi: number, size: number, access: number): boolean {
    const load = access === ACCESS_READ;
    const p1 = this.translate(lo, hi, access);
    if (p1 < 0) return this.faultAt(p1, lo, hi, load);
    this.p1 = p1;
    this.p2 = -1;
    if ((lo & 4095) + size > 4096) {
      const next = (lo >>> 0) - (lo & 4095) + 4096;
      const nlo = next | 0;
      const nhi = (hi + (next >= TWO_32 ? 1 : 0)) | 0;
      const p2 = this.translate(nlo, nhi, access);
      if (p2 < 0) return this.faultAt(p2, nlo, nhi, load);
      this.p2 = p2;
    }
    return true;
  }

  private faultAt(code: number, lo: number, hi: number, load: boolean): false {
    const access = code === SV39_ACCESS_FAULT;
    const cause = load
      ? access
        ? CAUSE_LOAD_ACCESS
        : CAUSE_LOAD_PAGE_FAULT
      : access
        ? CAUSE_STORE_ACCESS
        : CAUSE_STORE_PAGE_FAULT;
    this.fail(cause, lo, hi);
    return false;
  }

  /** Physical address of byte i of the access last translated. */
  private byteAddr(lo: number, i: number): number {
    const first = 4096 - (lo & 4095);
    return i < first ? this.p1 + i : this.p2 + (i - first);
  }

  // Loaded value of the last successful load(): (vlo, vhi) raw bytes 0..3 and 4..7.
  vlo = 0;
  vhi = 0;

  /**
   * Slow-path load of `size` bytes at (lo, hi) into (vlo, vhi), zero-extended. MEM_OK, MEM_DEVICE
   * or MEM_FAULT (trap set).
   */
  load(lo: number, hi: number, size: number): number {
    if (!this.translateAccess(lo, hi, size, ACCESS_READ)) return MEM_FAULT;
    const mem = this.machine.memory;
    const p = this.p1;
    if (this.p2 < 0 && mem.isRam(p, size)) {
      this.readRam(p - mem.ramBase, size);
      return MEM_OK;
    }
    // Devices: an aligned access reaches the device as one access of its width.
    if (this.p2 < 0 && (lo & (size - 1)) === 0 && mem.isDevice(p)) {
      this.beforeDevice();
      if (size === 8) {
        this.vlo = mem.mmioRead(p, 4) | 0;
        this.vhi = mem.mmioRead(p + 4, 4) | 0;
      } else {
        this.vlo = mem.mmioRead(p, size) | 0;
        this.vhi = 0;
      }
      return MEM_DEVICE;
    }
    let vlo = 0;
    let vhi = 0;
    let device = false;
    for (let i = 0; i < size; i++) {
      const b = this.byteAddr(lo, i);
      let v: number;
      if (mem.isRam(b, 1)) v = this.u8[b - mem.ramBase];
      else if (mem.isDevice(b)) {
        if (!device) this.beforeDevice();
        device = true;
        v = mem.mmioRead(b, 1) & 0xff;
      } else return this.byteFault(lo, hi, i, CAUSE_LOAD_ACCESS);
      if (i < 4) vlo |= v << (8 * i);
      else vhi |= v << (8 * (i - 4));
    }
    this.vlo = vlo;
    this.vhi = vhi;
    return device ? MEM_DEVICE : MEM_OK;
  }

  private readRam(off: number, size: number): void {
    const u8 = this.u8;
    let vlo = 0;
    let vhi = 0;
    const n = size < 4 ? size : 4;
    for (let i = 0; i < n; i++) vlo |= u8[off + i] << (8 * i);
    for (let i = 4; i < size; i++) vhi |= u8[off + i] << (8 * (i - 4));
    this.vlo = vlo;
    this.vhi = vhi;
  }

  /** An access fault on byte i of an access that translated: stval is that byte's address. */
  private byteFault(lo: number, hi: number, i: number, cause: number): number {
    const a = (lo >>> 0) + i;
    this.fail(cause, a | 0, (hi + (a >= TWO_32 ? 1 : 0)) | 0);
    return MEM_FAULT;
  }

  /** Slow-path store of the low `size` bytes of (vlo, vhi) at (lo, hi). */
  store(lo: number, hi: number, size: number, vlo: number, vhi: number): number {
    if (!this.translateAccess(lo, hi, size, ACCESS_WRITE)) return MEM_FAULT;
    const mem = this.machine.memory;
    const p = this.p1;
    if (this.p2 < 0 && (lo & (size - 1)) === 0 && !mem.isRam(p, size) && mem.isDevice(p)) {
      this.beforeDevice();
      if (size === 8) {
        mem.mmioWrite(p, 4, vlo >>> 0);
        mem.mmioWrite(p + 4, 4, vhi >>> 0);
      } else {
        mem.mmioWrite(p, size, size === 4 ? vlo >>> 0 : vlo & (size === 2 ? 0xffff : 0xff));
      }
      return MEM_DEVICE;
    }
    // Check every byte first, so that an access fault part-way writes nothing.
    let device = false;
    for (let i = 0; i < size; i++) {
      const b = this.byteAddr(lo, i);
      if (mem.isRam(b, 1)) continue;
      if (!mem.isDevice(b)) return this.byteFault(lo, hi, i, CAUSE_STORE_ACCESS);
      device = true;
    }
    if (device) this.beforeDevice();
    this.noteWrite(p, size);
    if (this.p2 >= 0) this.noteWrite(this.p2, size);
    for (let i = 0; i < size; i++) {
      const b = this.byteAddr(lo, i);
      const v = (i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))) & 0xff;
      if (mem.isRam(b, 1)) this.u8[b - mem.ramBase] = v;
      else mem.mmioWrite(b, 1, v);
    }
    return device ? MEM_DEVICE : MEM_OK;
  }

  /**
   * RAM byte offset for an atomic access (LR, SC, AMO) of `size` bytes at (lo, hi), or -1 with the
   * trap set: misaligned (scause 4 for LR, 6 otherwise; it takes precedence over page faults),
   * page fault, or access fault when the address is not RAM (atomics need memory that supports
   * them; devices here do not).
   */
  atomicAddr(lo: number, hi: number, size: number, isLoad: boolean): number {
    if ((lo & (size - 1)) !== 0)
      return this.fail(isLoad ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED, lo, hi);
    const p = this.translate(lo, hi, isLoad ? ACCESS_READ : ACCESS_WRITE);
    if (p < 0) {
      this.faultAt(p, lo, hi, isLoad);
      return -1;
    }
    const mem = this.machine.memory;
    if (!mem.isRam(p, size)) return this.fail(isLoad ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, lo, hi);
    if (!isLoad) this.noteWrite(p, size);
    return p - mem.ramBase;
  }
}
