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
 * The PLIC as QEMU 7.2 models it (hw/intc/sifive_plic.c), which is what seL4's qemu-riscv-virt
 * platform code is written against:
 *  - a device line request sets the source's pending bit when raised and clears it when lowered; a
 *    device that stays asserted sets it again each time it re-evaluates its line (QEMU devices do so
 *    on every register access that changes their state), so there is no separate level latch;
 *  - claim takes the highest-priority enabled pending source above the threshold (lowest id on ties),
 *    clears its pending bit and marks it claimed; a claimed source is not claimable again;
 *  - completion only clears the claimed mark. It does not re-pend a still-asserted source, and, as in
 *    QEMU 7.2, it is accepted for any source number below numSources, enabled or not;
 *  - there is no edge/level configuration: seL4's plic_irq_set_trigger is empty on this platform.
 */
export class Plic {
  readonly numSources: number;
  private readonly priority: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly enabled: Uint8Array;
  private readonly claimed: Uint8Array;
  private thresholdValue = 0;
  // hasPending() is polled at every preemption point and engine step; recompute only after a change.
  private pendingCache = 0;
  private cacheValid = true;

  constructor(numSources = maxIRQ) {
    this.numSources = numSources;
    this.priority = new Uint8Array(numSources);
    this.pending = new Uint8Array(numSources);
    this.enabled = new Uint8Array(numSources);
    this.claimed = new Uint8Array(numSources);
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

  /** The device requests its line high (again). Bad ids are wiring bugs and throw. */
  raise(source: number): void {
    this.checkSource(source);
    this.pending[source] = 1;
    this.cacheValid = false;
  }

  /** The device requests its line low: the pending bit is withdrawn (QEMU before 9.2). */
  lower(source: number): void {
    this.checkSource(source);
    this.pending[source] = 0;
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

  /** Priority registers are WARL: only the implemented bits are kept. */
  setPriority(source: number, prio: number): void {
    if (!this.valid(source)) return;
    this.priority[source] = prio & PLIC_MAX_PRIORITY;
    this.cacheValid = false;
  }

  getPriority(source: number): number {
    return this.valid(source) ? this.priority[source] : 0;
  }

  /** The threshold register is WARL as well (QEMU keeps value % 8). */
  setThreshold(t: number): void {
    this.thresholdValue = t & PLIC_MAX_PRIORITY;
    this.cacheValid = false;
  }

  isPending(source: number): boolean {
    return this.valid(source) && this.pending[source] === 1;
  }

  /** Claimed and not yet completed. */
  isClaimed(source: number): boolean {
    return this.valid(source) && this.claimed[source] === 1;
  }

  /** Highest-priority enabled pending unclaimed source above threshold (lowest id on ties); 0 when none. */
  private best(): number {
    let best = 0;
    let bestPrio = this.thresholdValue;
    for (let s = 1; s < this.numSources; s++) {
      if (this.pending[s] && this.enabled[s] && !this.claimed[s] && this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  /** The hart's external interrupt line (SEIP for context 1). */
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
      this.claimed[s] = 1;
      this.cacheValid = false;
    }
    return s;
  }

  complete(source: number): void {
    if (!this.valid(source)) return;
    this.claimed[source] = 0;
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
