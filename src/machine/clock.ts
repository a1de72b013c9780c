// Simulated time. Nothing here reads a host clock: runs are deterministic and replayable.

import { TIMER_CLOCK_HZ } from "../abi/platform.ts";

/** Modelled core frequency; together with the 10 MHz timer this fixes CYCLES_PER_TICK. */
export const CPU_CLOCK_HZ = 1_000_000_000;
export const CYCLES_PER_TICK = CPU_CLOCK_HZ / TIMER_CLOCK_HZ;

export class Clock {
  /** Current time in timer ticks (10 MHz), always an integer. */
  now = 0;
  // Cycles charged since the last whole tick, so that many small charges add up exactly.
  private cycleRemainder = 0;

  /** Cycles charged but not yet amounting to a whole tick (0 .. CYCLES_PER_TICK-1). */
  get remainder(): number {
    return this.cycleRemainder;
  }

  /** Charges CPU work; time advances by every whole tick accumulated. */
  charge(cycles: number): void {
    if (!Number.isInteger(cycles) || cycles < 0) {
      throw new RangeError(`cycle charge must be a non-negative integer, got ${cycles}`);
    }
    const total = this.cycleRemainder + cycles;
    const ticks = Math.floor(total / CYCLES_PER_TICK);
    this.cycleRemainder = total - ticks * CYCLES_PER_TICK;
    this.now += ticks;
  }

  /**
   * Jumps forward to `tick` (idling until an event). The partial tick is dropped because the idle core
   * restarts exactly on the tick boundary. A target at or before `now` changes nothing: time never runs
   * backwards, and a remainder already earned is kept.
   */
  advanceTo(tick: number): void {
    if (Number.isNaN(tick)) throw new RangeError("advanceTo(NaN)");
    if (tick === Infinity) throw new RangeError("advanceTo(Infinity): nothing to wait for");
    if (tick <= this.now) return;
    if (!Number.isInteger(tick)) throw new RangeError(`tick must be an integer, got ${tick}`);
    this.now = tick;
    this.cycleRemainder = 0;
  }
}
