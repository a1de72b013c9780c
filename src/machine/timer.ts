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
 * CLINT for hart 0. mtime reads the simulated clock and ignores writes (time belongs to the
 * simulation); mtimecmp writes set the Timer's deadline. Only aligned 32-bit accesses are decoded
 * (PhysicalMemory splits 64-bit ones, low half first); other widths read 0 and are ignored.
 */
export class ClintDevice implements MmioDevice {
  private msip = 0;
  // The halves are kept as written so that a 64-bit write done as two 32-bit stores composes.
  private cmpLo = 0xffff_ffff;
  private cmpHi = 0xffff_ffff;
  // The Timer deadline these halves stand for; a different one means the SBI path reprogrammed it.
  private cmpDeadline = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly timer: Timer,
  ) {}

  read(offset: number, size: number): number {
    if (size !== 4) return 0;
    switch (offset) {
      case CLINT_MSIP:
        return this.msip;
      case CLINT_MTIMECMP:
        this.syncFromTimer();
        return this.cmpLo;
      case CLINT_MTIMECMP + 4:
        this.syncFromTimer();
        return this.cmpHi;
      case CLINT_MTIME:
        return this.clock.now >>> 0;
      case CLINT_MTIME + 4:
        return Math.floor(this.clock.now / TWO_32) >>> 0;
      default:
        return 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4) return;
    switch (offset) {
      case CLINT_MSIP:
        this.msip = value & 1;
        return;
      case CLINT_MTIMECMP:
        this.syncFromTimer();
        this.cmpLo = value >>> 0;
        break;
      case CLINT_MTIMECMP + 4:
        this.syncFromTimer();
        this.cmpHi = value >>> 0;
        break;
      default:
        return;
    }
    this.timer.setDeadline(this.cmpHi * TWO_32 + this.cmpLo);
    this.cmpDeadline = this.timer.deadline;
  }

  // The kernel may also program the Timer directly (SBI path); reflect that in the registers.
  private syncFromTimer(): void {
    const d = this.timer.deadline;
    if (d === this.cmpDeadline) return;
    this.cmpDeadline = d;
    if (d === Infinity) {
      this.cmpLo = 0xffff_ffff;
      this.cmpHi = 0xffff_ffff;
    } else {
      const t = Math.max(0, Math.floor(d));
      this.cmpLo = t >>> 0;
      this.cmpHi = Math.floor(t / TWO_32) >>> 0;
    }
  }
}
