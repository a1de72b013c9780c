// SiFive PLIC as on QEMU virt: two contexts (targets) per hart, context 2N its M-mode and
// context 2N + 1 its S-mode, each with its own enable bits, threshold and claim/complete register.

import { maxIRQ } from "../abi/platform.ts";
import type { MmioDevice } from "./memory.ts";

/** QEMU virt implements 3 priority bits. */
export const PLIC_MAX_PRIORITY = 7;

export const PLIC_PRIORITY_BASE = 0x0;
export const PLIC_PENDING_BASE = 0x1000;
/** Enable bits of context c: 0x2000 + c * 0x80. */
export const PLIC_ENABLE_BASE = 0x2000;
export const PLIC_ENABLE_PER_CONTEXT = 0x80;
/** Threshold of context c: 0x200000 + c * 0x1000; claim/complete follows it. */
export const PLIC_CONTEXT_BASE = 0x20_0000;
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Enable bits of context 1 (hart 0 S-mode): 0x2000 + 1 * 0x80. */
export const PLIC_S_ENABLE_BASE = 0x2080;
/** Threshold of context 1: 0x200000 + 1 * 0x1000; claim/complete follows it. */
export const PLIC_S_THRESHOLD = 0x20_1000;
export const PLIC_S_CLAIM = 0x20_1004;

/** The S-mode context of hart `hart` (QEMU virt: M-mode 2N, S-mode 2N + 1; seL4's PLIC_SVC_CONTEXT). */
export function sContext(hart: number): number {
  return 2 * hart + 1;
}

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
 *  - there is no edge/level configuration: seL4's plic_irq_set_trigger is empty on this platform;
 *  - pending and claimed bits and priorities are shared; enable bits and the threshold are per
 *    context, and a context's interrupt line (a hart's SEIP for its S-mode context) is up when a
 *    source enabled in it is claimable, so a source enabled in two contexts interrupts both harts
 *    and the first to claim it takes it.
 * Methods taking a context default to context 1, hart 0's S-mode (the only one on one hart).
 */
export class Plic {
  readonly numSources: number;
  /** Two per hart: M-mode and S-mode. */
  readonly numContexts: number;
  private readonly priority: Uint8Array;
  private readonly pending: Uint8Array;
  /** Per context, numSources enable bytes. */
  private readonly enabled: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly thresholds: Uint8Array;
  // hasPending() is polled at every preemption point and engine step; each context's best source
  // is recomputed only after a change (any change invalidates every context).
  private readonly pendingCache: Int32Array;
  private readonly cacheValid: Uint8Array;

  constructor(numSources = maxIRQ, numHarts = 1) {
    this.numSources = numSources;
    this.numContexts = 2 * numHarts;
    this.priority = new Uint8Array(numSources);
    this.pending = new Uint8Array(numSources);
    this.enabled = new Uint8Array(numSources * this.numContexts);
    this.claimed = new Uint8Array(numSources);
    this.thresholds = new Uint8Array(this.numContexts);
    this.pendingCache = new Int32Array(this.numContexts);
    this.cacheValid = new Uint8Array(this.numContexts).fill(1);
  }

  /** Context 1's threshold. */
  get threshold(): number {
    return this.thresholds[1];
  }

  thresholdOf(ctx: number): number {
    return this.validContext(ctx) ? this.thresholds[ctx] : 0;
  }

  private validContext(ctx: number): boolean {
    return Number.isInteger(ctx) && ctx >= 0 && ctx < this.numContexts;
  }

  private invalidate(): void {
    this.cacheValid.fill(0);
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
    this.invalidate();
  }

  /** The device requests its line low: the pending bit is withdrawn (QEMU before 9.2). */
  lower(source: number): void {
    this.checkSource(source);
    this.pending[source] = 0;
    this.invalidate();
  }

  // ---- hart side; invalid ids are ignored like writes to unimplemented registers ----

  setEnabled(source: number, on: boolean, ctx = 1): void {
    if (!this.valid(source) || !this.validContext(ctx)) return;
    this.enabled[ctx * this.numSources + source] = on ? 1 : 0;
    this.invalidate();
  }

  isEnabled(source: number, ctx = 1): boolean {
    return this.valid(source) && this.validContext(ctx) && this.enabled[ctx * this.numSources + source] === 1;
  }

  /** Priority registers are WARL: only the implemented bits are kept. */
  setPriority(source: number, prio: number): void {
    if (!this.valid(source)) return;
    this.priority[source] = prio & PLIC_MAX_PRIORITY;
    this.invalidate();
  }

  getPriority(source: number): number {
    return this.valid(source) ? this.priority[source] : 0;
  }

  /** The threshold register is WARL as well (QEMU keeps value % 8). */
  setThreshold(t: number, ctx = 1): void {
    if (!this.validContext(ctx)) return;
    this.thresholds[ctx] = t & PLIC_MAX_PRIORITY;
    this.invalidate();
  }

  isPending(source: number): boolean {
    return this.valid(source) && this.pending[source] === 1;
  }

  /** Claimed and not yet completed. */
  isClaimed(source: number): boolean {
    return this.valid(source) && this.claimed[source] === 1;
  }

  /**
   * Context `ctx`'s highest-priority enabled pending unclaimed source above its threshold (lowest
   * id on ties); 0 when none.
   */
  private best(ctx: number): number {
    let best = 0;
    let bestPrio = this.thresholds[ctx];
    const en = ctx * this.numSources;
    for (let s = 1; s < this.numSources; s++) {
      if (this.pending[s] && this.enabled[en + s] && !this.claimed[s] && this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  /** Context `ctx`'s interrupt line (context 2N + 1: hart N's SEIP). */
  hasPending(ctx = 1): boolean {
    if (this.cacheValid[ctx] !== 1) {
      if (!this.validContext(ctx)) return false;
      this.pendingCache[ctx] = this.best(ctx);
      this.cacheValid[ctx] = 1;
    }
    return this.pendingCache[ctx] !== 0;
  }

  /** Whether any context's line is up. */
  anyPending(): boolean {
    for (let c = 0; c < this.numContexts; c++) if (this.hasPending(c)) return true;
    return false;
  }

  /** Reads context `ctx`'s claim register: its best source, now claimed; 0 when none. */
  claim(ctx = 1): number {
    if (!this.validContext(ctx)) return 0;
    const s = this.best(ctx);
    if (s !== 0) {
      this.pending[s] = 0;
      this.claimed[s] = 1;
      this.invalidate();
    }
    return s;
  }

  complete(source: number): void {
    if (!this.valid(source)) return;
    this.claimed[source] = 0;
    this.invalidate();
  }

  /** Bits [32*word, 32*word+31] of the pending array, for the register model. */
  pendingWord(word: number): number {
    return this.bitWord(this.pending, word);
  }

  enableWord(word: number, ctx = 1): number {
    if (!this.validContext(ctx)) return 0;
    return this.bitWord(this.enabled.subarray(ctx * this.numSources, (ctx + 1) * this.numSources), word);
  }

  setEnableWord(word: number, bits: number, ctx = 1): void {
    for (let i = 0; i < 32; i++) this.setEnabled(word * 32 + i, ((bits >>> i) & 1) === 1, ctx);
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
 * Register map of the PLIC at PLIC_BASE: priorities, pending bits, then each context's enable bits
 * (0x2000 + 0x80 c) and threshold and claim/complete registers (0x200000 + 0x1000 c, + 4). Only
 * aligned 32-bit accesses are decoded, as in QEMU.
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
    const e = this.enableAt(offset, words);
    if (e >= 0) return p.enableWord(e & 0xff, e >>> 8);
    const c = this.contextAt(offset);
    if (c >= 0) return (offset & 0xfff) === 0 ? p.thresholdOf(c) : p.claim(c);
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const p = this.plic;
    const words = Math.ceil(p.numSources / 32);
    if (offset < 4 * p.numSources) p.setPriority(offset >>> 2, value);
    else {
      const e = this.enableAt(offset, words);
      if (e >= 0) p.setEnableWord(e & 0xff, value >>> 0, e >>> 8);
      else {
        const c = this.contextAt(offset);
        if (c >= 0 && (offset & 0xfff) === 0) p.setThreshold(value >>> 0, c);
        else if (c >= 0) p.complete(value >>> 0);
      }
    }
    // Pending bits are read-only in the SiFive PLIC.
  }

  /** An enable register: (context << 8) | word, or -1. */
  private enableAt(offset: number, words: number): number {
    if (offset < PLIC_ENABLE_BASE || offset >= PLIC_CONTEXT_BASE) return -1;
    const rel = offset - PLIC_ENABLE_BASE;
    const ctx = Math.floor(rel / PLIC_ENABLE_PER_CONTEXT);
    const word = (rel % PLIC_ENABLE_PER_CONTEXT) >>> 2;
    return ctx < this.plic.numContexts && word < words ? (ctx << 8) | word : -1;
  }

  /** The context whose threshold (offset 0) or claim (offset 4) register this is, or -1. */
  private contextAt(offset: number): number {
    if (offset < PLIC_CONTEXT_BASE) return -1;
    const rel = offset - PLIC_CONTEXT_BASE;
    const ctx = Math.floor(rel / PLIC_CONTEXT_STRIDE);
    const reg = rel % PLIC_CONTEXT_STRIDE;
    return ctx < this.plic.numContexts && (reg === 0 || reg === 4) ? ctx : -1;
  }
}
