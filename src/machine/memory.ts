// Physical address space of the simulated QEMU-virt machine: one RAM ArrayBuffer plus MMIO devices.
//
// RAM costs what is touched, not what is configured: the ArrayBuffer is allocated zeroed and the
// host OS (Node and browsers alike) commits its pages only when they are first written, or read.
// So nothing here may sweep RAM that nobody used: `written` records, per 4 KiB page, whether the
// page may hold a non-zero byte, and zero() (the kernel clearing untyped memory) skips the pages
// that never did. Every path that stores into RAM marks its page: the methods below, the hart when
// it fills a write translation, the kernel when it looks up an IPC buffer.

import { DEFAULT_RAM_SIZE, RAM_BASE } from "../abi/platform.ts";
import { wasmApi, type WasmMemory } from "./wasm-api.ts";

/**
 * A memory-mapped device. `offset` is relative to the device's base. `size` is 1, 2 or 4: 8-byte accesses
 * are split by PhysicalMemory into two 4-byte accesses, low half first, as the values must fit a number.
 */
export interface MmioDevice {
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

interface DeviceRegion {
  readonly base: number;
  readonly end: number;
  readonly dev: MmioDevice;
}

const TWO_32 = 0x1_0000_0000;

/**
 * Bytes after RAM, in the same buffer, for the small arrays generated WebAssembly code reads
 * directly: the hart's registers, TLB sets, and the translator's control block, jump cache and
 * trace slots, about 370 KiB (the harts of a multicore machine take turns on one Hart); see
 * PhysicalMemory.side().
 */
const SIDE_BYTES = 1024 * 1024;
const WASM_PAGE = 65536;

/** A WebAssembly.Memory of `bytes` (a multiple of 64 KiB), or null where there is none that large. */
function wasmMemory(bytes: number): WasmMemory | null {
  const pages = bytes / WASM_PAGE;
  // memory32 addresses 4 GiB at most (and engines may allow less: the constructor then throws).
  if (wasmApi === undefined || pages > 65536) return null;
  try {
    return new wasmApi.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
}

// The public u32 view is indexed directly by hot paths (page-table walks, IPC copies) that assume guest
// little-endian byte order; that only holds when the host is little-endian too.
function hostIsLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

export class PhysicalMemory {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ramEnd: number;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  /** Per 4 KiB page of RAM: 1 once anything may have stored into it since it was last zeroed. */
  readonly written: Uint8Array;
  /**
   * Per 4 KiB page of RAM: 1 while translated code was made from it (the hart's memory system
   * sets and clears these). A store into such a page from outside the hart (the kernel, a
   * loader, a debugger) counts in `codeStores`; the translator checks its translations again
   * only when that count has moved, instead of before every run.
   */
  readonly codePages: Uint8Array;
  /** Stores from outside the hart into pages with translated code (see codePages), and noteStores(). */
  codeStores = 0;
  // DataView handles the unaligned cases without per-byte assembly.
  private readonly dv: DataView;
  private readonly devices: DeviceRegion[] = [];
  /**
   * The WebAssembly.Memory whose buffer holds RAM (at offset 0) and the side arrays, or null when
   * RAM is a plain ArrayBuffer (not asked for, or not available).
   */
  readonly wasm: WasmMemory | null;
  // Next free byte of the side region (after RAM), and its end.
  private sideNext: number;
  private readonly sideEnd: number;

  /** `wasm`: back RAM by a WebAssembly.Memory when possible (for the WebAssembly translator). */
  constructor(ramBase = RAM_BASE, ramSize = DEFAULT_RAM_SIZE, wasm = false) {
    if (!hostIsLittleEndian()) throw new Error("sel4ts requires a little-endian host");
    if (!Number.isInteger(ramBase) || ramBase < 0 || ramBase % 4096 !== 0) {
      throw new RangeError(`RAM base ${ramBase} must be a page-aligned non-negative integer`);
    }
    if (!Number.isInteger(ramSize) || ramSize <= 0 || ramSize % 4096 !== 0) {
      throw new RangeError(`RAM size ${ramSize} must be a positive multiple of 4096`);
    }
    this.ramBase = ramBase;
    this.ramSize = ramSize;
    this.ramEnd = ramBase + ramSize;
    const total = Math.ceil(ramSize / WASM_PAGE) * WASM_PAGE + SIDE_BYTES;
    this.wasm = wasm ? wasmMemory(total) : null;
    const buf = this.wasm !== null ? this.wasm.buffer : new ArrayBuffer(ramSize);
    this.sideNext = ramSize;
    this.sideEnd = this.wasm !== null ? total : ramSize;
    // The views cover RAM only; side arrays are views of their own.
    this.u8 = new Uint8Array(buf, 0, ramSize);
    this.u32 = new Uint32Array(buf, 0, ramSize / 4);
    this.dv = new DataView(buf);
    this.written = new Uint8Array(ramSize / 4096);
    this.codePages = new Uint8Array(ramSize / 4096);
  }

  /**
   * RAM may have been written in ways the pages cannot name (a restored snapshot, user code
   * outside the hart holding views of RAM): translated code is checked again before it runs.
   */
  noteStores(): void {
    this.codeStores++;
  }

  /**
   * A zeroed Int32Array of `words` for state that generated WebAssembly code reads: in the RAM
   * buffer after RAM when it is a WebAssembly.Memory and there is room (sideOk() then stays
   * true), a plain array otherwise.
   */
  side(words: number): Int32Array {
    const bytes = words * 4;
    if (this.sideNext + bytes > this.sideEnd) {
      this.sideNext = Infinity;
      return new Int32Array(words);
    }
    const a = new Int32Array(this.u8.buffer, this.sideNext, words);
    this.sideNext += (bytes + 63) & ~63;
    return a;
  }

  /** True when RAM is a WebAssembly.Memory and every side() array lies in it. */
  sideOk(): boolean {
    return this.wasm !== null && this.sideNext !== Infinity;
  }

  /**
   * Notes that RAM page `page` (an index) may be stored into from outside the hart: it is no
   * longer known to be zero, and a store into translated code if it holds some.
   */
  markPage(page: number): void {
    this.written[page] = 1;
    if (this.codePages[page] !== 0) this.codeStores++;
  }

  /** Notes that [paddr, paddr+len) of RAM may be stored into (the caller checked it is RAM). */
  markWritten(paddr: number, len: number): void {
    if (len <= 0) return;
    const first = (paddr - this.ramBase) >>> 12;
    const last = (paddr + len - 1 - this.ramBase) >>> 12;
    for (let p = first; p <= last; p++) this.markPage(p);
  }

  /** True when [paddr, paddr+len) lies entirely inside RAM. */
  isRam(paddr: number, len: number): boolean {
    return paddr >= this.ramBase && len >= 0 && paddr + len <= this.ramEnd;
  }

  /** Index into `u32` of a 4-aligned RAM address; the caller guarantees both. */
  u32Index(paddr: number): number {
    return (paddr - this.ramBase) >>> 2;
  }

  // ---- scalar loads and stores; non-RAM addresses go to MMIO ----

  read8(paddr: number): number {
    if (paddr >= this.ramBase && paddr < this.ramEnd) return this.u8[paddr - this.ramBase];
    return this.mmioRead(paddr, 1) & 0xff;
  }

  read16(paddr: number): number {
    if (this.isRam(paddr, 2)) return this.dv.getUint16(paddr - this.ramBase, true);
    return this.mmioRead(paddr, 2) & 0xffff;
  }

  read32(paddr: number): number {
    if (this.isRam(paddr, 4)) {
      const off = paddr - this.ramBase;
      return (off & 3) === 0 ? this.u32[off >>> 2] : this.dv.getUint32(off, true);
    }
    return this.mmioRead(paddr, 4) >>> 0;
  }

  write8(paddr: number, v: number): void {
    if (paddr >= this.ramBase && paddr < this.ramEnd) {
      const off = paddr - this.ramBase;
      this.u8[off] = v;
      this.markPage(off >>> 12);
    } else this.mmioWrite(paddr, 1, v & 0xff);
  }

  write16(paddr: number, v: number): void {
    if (this.isRam(paddr, 2)) {
      this.dv.setUint16(paddr - this.ramBase, v, true);
      this.markWritten(paddr, 2);
    } else this.mmioWrite(paddr, 2, v & 0xffff);
  }

  write32(paddr: number, v: number): void {
    if (this.isRam(paddr, 4)) {
      const off = paddr - this.ramBase;
      if ((off & 3) === 0) {
        this.u32[off >>> 2] = v;
        this.markPage(off >>> 12);
      } else {
        this.dv.setUint32(off, v >>> 0, true);
        this.markWritten(paddr, 4);
      }
    } else {
      this.mmioWrite(paddr, 4, v >>> 0);
    }
  }

  /** Low 32 bits of the little-endian 64-bit word at paddr. */
  readWordLo(paddr: number): number {
    return this.read32(paddr);
  }

  /** High 32 bits of the little-endian 64-bit word at paddr. */
  readWordHi(paddr: number): number {
    return this.read32(paddr + 4);
  }

  writeWordHiLo(paddr: number, hi: number, lo: number): void {
    this.write32(paddr, lo);
    this.write32(paddr + 4, hi);
  }

  read64(paddr: number): bigint {
    const lo = this.read32(paddr);
    const hi = this.read32(paddr + 4);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  write64(paddr: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.write32(paddr, Number(u & 0xffff_ffffn));
    this.write32(paddr + 4, Number(u >> 32n));
  }

  /** The 64-bit word at paddr as a number; exact only when the value is below 2^53. */
  readWordNumber(paddr: number): number {
    return this.read32(paddr + 4) * TWO_32 + this.read32(paddr);
  }

  // ---- bulk RAM operations; these are kernel-side and never target devices ----

  /** Clears RAM, page by page, skipping the pages that hold nothing but zeros already. */
  zero(paddr: number, len: number): void {
    const off = this.ramOffset(paddr, len);
    const end = off + len;
    const written = this.written;
    for (let p = off; p < end;) {
      const page = p >>> 12;
      const pageEnd = Math.min(end, (page + 1) * 4096);
      if (written[page] !== 0) {
        this.u8.fill(0, p, pageEnd);
        if (this.codePages[page] !== 0) this.codeStores++;
        if (p === page * 4096 && pageEnd === (page + 1) * 4096) written[page] = 0;
      }
      p = pageEnd;
    }
  }

  /** A copy of the bytes. */
  readBytes(paddr: number, len: number): Uint8Array {
    const off = this.ramOffset(paddr, len);
    return this.u8.slice(off, off + len);
  }

  writeBytes(paddr: number, bytes: Uint8Array): void {
    const off = this.ramOffset(paddr, bytes.length);
    this.u8.set(bytes, off);
    this.markWritten(paddr, bytes.length);
  }

  /** A live view (no copy) of a RAM range, for loaders and bulk copies (which may store into it). */
  bytes(paddr: number, len: number): Uint8Array {
    const off = this.ramOffset(paddr, len);
    this.markWritten(paddr, len);
    return this.u8.subarray(off, off + len);
  }

  /** Copies within RAM with memmove semantics. */
  copy(dst: number, src: number, len: number): void {
    const d = this.ramOffset(dst, len);
    const s = this.ramOffset(src, len);
    this.u8.copyWithin(d, s, s + len);
    this.markWritten(dst, len);
  }

  private ramOffset(paddr: number, len: number): number {
    if (!Number.isInteger(paddr) || !Number.isInteger(len) || !this.isRam(paddr, len)) {
      throw new RangeError(`physical range 0x${paddr.toString(16)}+${len} is not RAM`);
    }
    return paddr - this.ramBase;
  }

  // ---- MMIO ----

  registerDevice(base: number, size: number, dev: MmioDevice): void {
    const end = base + size;
    if (!Number.isInteger(base) || !Number.isInteger(size) || base < 0 || size <= 0) {
      throw new RangeError(`bad device region 0x${base.toString(16)}+${size}`);
    }
    if (base < this.ramEnd && end > this.ramBase) {
      throw new RangeError(`device region 0x${base.toString(16)}+${size} overlaps RAM`);
    }
    for (const r of this.devices) {
      if (base < r.end && end > r.base) {
        throw new RangeError(`device region 0x${base.toString(16)}+${size} overlaps another device`);
      }
    }
    this.devices.push({ base, end, dev });
  }

  /** True when some device decodes paddr; a CPU uses this to tell an access fault from a device access. */
  isDevice(paddr: number): boolean {
    return this.findDevice(paddr) !== undefined;
  }

  /** Unmapped addresses read as 0 (QEMU would raise an access fault; the CPU can check isDevice first). */
  mmioRead(paddr: number, size: number): number {
    const r = this.findDevice(paddr);
    return r === undefined ? 0 : r.dev.read(paddr - r.base, size);
  }

  mmioWrite(paddr: number, size: number, value: number): void {
    const r = this.findDevice(paddr);
    if (r !== undefined) r.dev.write(paddr - r.base, size, value);
  }

  private findDevice(paddr: number): DeviceRegion | undefined {
    // A handful of devices: a linear scan beats any index.
    for (const r of this.devices) {
      if (paddr >= r.base && paddr < r.end) return r;
    }
    return undefined;
  }
}
