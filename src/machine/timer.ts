// Supervisor timer (SBI set_timer, i.e. CLINT mtimecmp for hart 0) and the CLINT register model.

import type { Clock } from "./clock.ts";
import type { MmioDevice } from "./memory.ts";

const TWO_32 = 0x1_0000_0000;
// Deadlines at or beyond 2^53 cannot be represented exactly and are centuries away at 10 MHz.
const NEVER_THRESHOLD = 2 ** 53;

/**
 * The pending condition is level-like, as with mtimecmp: the interrupt stays pending while
 * now >= deadline and is withdrawn only by programming a later deadline (or clear()).
 */
export class Timer {
  /** Absolute deadline in ticks; Infinity when unset. */
  deadline = Infinity;

  constructor(private readonly clock: Clock) {}

  setDeadline(ticks: number): void {
    if (Number.isNaN(ticks)) throw new RangeError("timer deadline is NaN");
    this.deadline = ticks >= NEVER_THRESHOLD ? Infinity : ticks;
  }

  /** seL4 and OpenSBI "clear" the timer by programming the maximum deadline. */
  clear(): void {
    this.deadline = Infinity;
  }

  isPending(): boolean {
    return this.clock.now >= this.deadline;
  }
}

export const CLINT_MSIP = 0x0;
export const CLINT_MTIMECMP = 0x4000;
export const CLINT_MTIME = 0xbff8;

/**
 * The CLINT of QEMU virt: per hart an msip word (at 4 × hart) and an mtimecmp (at 0x4000 + 8 × hart).
 * mtime reads the simulated clock and ignores writes (time belongs to the
 * simulation); mtimecmp writes set that hart's Timer deadline. Only aligned 32-bit accesses are decoded
 * (PhysicalMemory splits 64-bit ones, low half first); other widths read 0 and are ignored.
 */
export class ClintDevice implements MmioDevice {
  // Per hart, the halves are kept as written so that a 64-bit write done as two 32-bit stores composes.
  private readonly cmpLo: number[] = [];
  private readonly cmpHi: number[] = [];
  // The Timer deadline these halves stand for; a different one means the SBI path reprogrammed it.
  private readonly cmpDeadline: number[] = [];

  private readonly timers: Timer[];
  /** Per hart, msip: the software interrupt pending bit (shared with the Machine). */
  private readonly msip: Uint8Array;

  /** `timers`: one per hart (a single Timer for a 1-hart machine). */
  constructor(
    private readonly clock: Clock,
    timers: Timer | Timer[],
    msip?: Uint8Array,
  ) {
    this.timers = Array.isArray(timers) ? timers : [timers];
    this.msip = msip ?? new Uint8Array(this.timers.length);
    for (let h = 0; h < this.timers.length; h++) {
      this.cmpLo.push(0xffff_ffff);
      this.cmpHi.push(0xffff_ffff);
      this.cmpDeadline.push(Infinity);
    }
  }

  read(offset: number, size: number): number {
    if (size !== 4) return 0;
    const n = this.timers.length;
    if (offset < 4 * n && offset % 4 === 0) return this.msip[offset >>> 2];
    if (offset === CLINT_MTIME) return this.clock.now >>> 0;
    if (offset === CLINT_MTIME + 4) return Math.floor(this.clock.now / TWO_32) >>> 0;
    const rel = offset - CLINT_MTIMECMP;
    if (rel >= 0 && rel < 8 * n && rel % 4 === 0) {
      const h = rel >>> 3;
      this.syncFromTimer(h);
      return rel % 8 === 0 ? this.cmpLo[h] : this.cmpHi[h];
    }
    return 0;
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4) return;
    const n = this.timers.length;
    if (offset < 4 * n && offset % 4 === 0) {
      this.msip[offset >>> 2] = value & 1;
      return;
    }
    const rel = offset - CLINT_MTIMECMP;
    if (rel < 0 || rel >= 8 * n || rel % 4 !== 0) return;
    const h = rel >>> 3;
    this.syncFromTimer(h);
    if (rel % 8 === 0) this.cmpLo[h] = value >>> 0;
    else this.cmpHi[h] = value >>> 0;
    const timer = this.timers[h];
    timer.setDeadline(this.cmpHi[h] * TWO_32 + this.cmpLo[h]);
    this.cmpDeadline[h] = timer.deadline;
  }

  // The kernel may also program the Timer directly (SBI path); reflect that in the registers.
  private syncFromTimer(h: number): void {
    const d = this.timers[h].deadline;
    if (d === this.cmpDeadline[h]) return;
    this.cmpDeadline[h] = d;
    if (d === Infinity) {
      this.cmpLo[h] = 0xffff_ffff;
      this.cmpHi[h] = 0xffff_ffff;
    } else {
      const t = Math.max(0, Math.floor(d));
      this.cmpLo[h] = t >>> 0;
      this.cmpHi[h] = Math.floor(t / TWO_32) >>> 0;
    }
  }
}
