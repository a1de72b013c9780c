// SiFive PLIC (as on QEMU virt) with one target: hart 0 in S-mode, PLIC context 1.

import { maxIRQ } from "../abi/platform.ts";
import type { MmioDevice } from "./memory.ts";

/** QEMU virt implements 3 priority bits. */
export const PLIC_MAX_PRIORITY = 7;

export const PLIC_PRIORITY_BASE = 0x0;
export const PLIC_PENDING_BASE = 0x1000;
/** Enable bits of context 1 (hart 0 S-mode): 0x2000 + 1 * 0x80. */
export const PLIC_S_ENABLE_BASE = 0x2080;
/** Threshold of context 1: 0x200000 + 1 * 0x1000; claim/complete follows it. */
export const PLIC_S_THRESHOLD = 0x20_1000;
export const PLIC_S_CLAIM = 0x20_1004;

/**
 * Each source has a gateway and a core pending bit, as in the PLIC spec:
 *  - a level source is pending while asserted and not in service; deasserting before the claim
 *    withdraws it (as QEMU does), and completing it while still asserted makes it pending again;
 *  - an edge source latches one edge; an edge arriving while in service is remembered and becomes
 *    pending when the source is completed.
 * "In service" means forwarded by claim and not yet completed.
 */
export class Plic {
  readonly numSources: number;
  private readonly priority: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly enabled: Uint8Array;
  private readonly inService: Uint8Array;
  private readonly asserted: Uint8Array;
  private readonly edge: Uint8Array;
  private readonly edgeLatched: Uint8Array;
  private thresholdValue = 0;
  // hasPending() is polled at every preemption point and engine step; recompute only after a change.
  private pendingCache = 0;
  private cacheValid = true;

  constructor(numSources = maxIRQ) {
    this.numSources = numSources;
    this.priority = new Uint8Array(numSources);
    this.pending = new Uint8Array(numSources);
    this.enabled = new Uint8Array(numSources);
    this.inService = new Uint8Array(numSources);
    this.asserted = new Uint8Array(numSources);
    this.edge = new Uint8Array(numSources);
    this.edgeLatched = new Uint8Array(numSources);
  }

  get threshold(): number {
    return this.thresholdValue;
  }

  private valid(source: number): boolean {
    return Number.isInteger(source) && source >= 1 && source < this.numSources;
  }

  private checkSource(source: number): void {
    if (!this.valid(source)) throw new RangeError(`PLIC source ${source} out of range`);
  }

  // ---- device side ----

  /** The device asserts its line (level) or signals an edge. Bad ids are wiring bugs and throw. */
  raise(source: number): void {
    this.checkSource(source);
    if (this.edge[source]) {
      if (this.inService[source]) this.edgeLatched[source] = 1;
      else this.pending[source] = 1;
    } else {
      this.asserted[source] = 1;
      if (!this.inService[source]) this.pending[source] = 1;
    }
    this.cacheValid = false;
  }

  /** The device deasserts its line. Edge sources ignore this. */
  lower(source: number): void {
    this.checkSource(source);
    if (this.edge[source]) return;
    this.asserted[source] = 0;
    this.pending[source] = 0;
    this.cacheValid = false;
  }

  setTrigger(source: number, edge: boolean): void {
    this.checkSource(source);
    this.edge[source] = edge ? 1 : 0;
    this.edgeLatched[source] = 0;
    if (!edge) this.pending[source] = this.asserted[source] && !this.inService[source] ? 1 : 0;
    this.cacheValid = false;
  }

  // ---- hart side; invalid ids are ignored like writes to unimplemented registers ----

  setEnabled(source: number, on: boolean): void {
    if (!this.valid(source)) return;
    this.enabled[source] = on ? 1 : 0;
    this.cacheValid = false;
  }

  isEnabled(source: number): boolean {
    return this.valid(source) && this.enabled[source] === 1;
  }

  setPriority(source: number, prio: number): void {
    if (!this.valid(source)) return;
    this.priority[source] = prio & PLIC_MAX_PRIORITY;
    this.cacheValid = false;
  }

  getPriority(source: number): number {
    return this.valid(source) ? this.priority[source] : 0;
  }

  /** Values above PLIC_MAX_PRIORITY are ignored, as QEMU does. */
  setThreshold(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t > PLIC_MAX_PRIORITY) return;
    this.thresholdValue = t;
    this.cacheValid = false;
  }

  isPending(source: number): boolean {
    return this.valid(source) && this.pending[source] === 1;
  }

  /** Highest-priority enabled pending source above threshold (lowest id on ties); 0 when none. */
  private best(): number {
    let best = 0;
    let bestPrio = this.thresholdValue;
    for (let s = 1; s < this.numSources; s++) {
      if (this.pending[s] && this.enabled[s] && !this.inService[s] && this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  hasPending(): boolean {
    if (!this.cacheValid) {
      this.pendingCache = this.best();
      this.cacheValid = true;
    }
    return this.pendingCache !== 0;
  }

  claim(): number {
    const s = this.best();
    if (s !== 0) {
      this.pending[s] = 0;
      this.inService[s] = 1;
      this.cacheValid = false;
    }
    return s;
  }

  /** Per the PLIC spec, a completion for a source that is not enabled (or not in service) is ignored. */
  complete(source: number): void {
    if (!this.valid(source) || !this.enabled[source] || !this.inService[source]) return;
    this.inService[source] = 0;
    if (this.edge[source]) {
      if (this.edgeLatched[source]) {
        this.edgeLatched[source] = 0;
        this.pending[source] = 1;
      }
    } else if (this.asserted[source]) {
      this.pending[source] = 1;
    }
    this.cacheValid = false;
  }

  /** Bits [32*word, 32*word+31] of the pending array, for the register model. */
  pendingWord(word: number): number {
    return this.bitWord(this.pending, word);
  }

  enableWord(word: number): number {
    return this.bitWord(this.enabled, word);
  }

  setEnableWord(word: number, bits: number): void {
    for (let i = 0; i < 32; i++) this.setEnabled(word * 32 + i, ((bits >>> i) & 1) === 1);
  }

  private bitWord(arr: Uint8Array, word: number): number {
    let v = 0;
    for (let i = 0; i < 32; i++) {
      const s = word * 32 + i;
      if (s >= 1 && s < this.numSources && arr[s]) v |= 1 << i;
    }
    return v >>> 0;
  }
}

/**
 * Register map of the PLIC at PLIC_BASE. Only context 1 (hart 0 S-mode) is backed; the M-mode context
 * and other harts read 0. Only aligned 32-bit accesses are decoded, as in QEMU.
 */
export class PlicDevice implements MmioDevice {
  constructor(private readonly plic: Plic) {}

  read(offset: number, size: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const p = this.plic;
    const words = Math.ceil(p.numSources / 32);
    if (offset < 4 * p.numSources) return p.getPriority(offset >>> 2);
    if (offset >= PLIC_PENDING_BASE && offset < PLIC_PENDING_BASE + 4 * words) {
      return p.pendingWord((offset - PLIC_PENDING_BASE) >>> 2);
    }
    if (offset >= PLIC_S_ENABLE_BASE && offset < PLIC_S_ENABLE_BASE + 4 * words) {
      return p.enableWord((offset - PLIC_S_ENABLE_BASE) >>> 2);
    }
    if (offset === PLIC_S_THRESHOLD) return p.threshold;
    if (offset === PLIC_S_CLAIM) return p.claim();
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const p = this.plic;
    const words = Math.ceil(p.numSources / 32);
    if (offset < 4 * p.numSources) p.setPriority(offset >>> 2, value);
    else if (offset >= PLIC_S_ENABLE_BASE && offset < PLIC_S_ENABLE_BASE + 4 * words) {
      p.setEnableWord((offset - PLIC_S_ENABLE_BASE) >>> 2, value >>> 0);
    } else if (offset === PLIC_S_THRESHOLD) p.setThreshold(value >>> 0);
    else if (offset === PLIC_S_CLAIM) p.complete(value >>> 0);
    // Pending bits are read-only in the SiFive PLIC.
  }
}
