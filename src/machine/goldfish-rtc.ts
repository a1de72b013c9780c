// Goldfish RTC as on QEMU virt (0x101000, PLIC source 11): a 64-bit nanosecond counter with one
// alarm. Register semantics follow QEMU's model of the device (hw/rtc/goldfish_rtc.c); the counter
// runs on the simulated clock instead of the host's, so runs stay deterministic.

import { CPU_CLOCK_HZ, type Clock } from "./clock.ts";
import type { MmioDevice } from "./memory.ts";
import type { Plic } from "./plic.ts";
import { TIMER_CLOCK_HZ } from "../abi/platform.ts";

export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;

const NS_PER_TICK = 1_000_000_000 / TIMER_CLOCK_HZ;
const NS_PER_CYCLE = 1_000_000_000 / CPU_CLOCK_HZ;
const NS_PER_TICK_N = BigInt(NS_PER_TICK);
const MASK32 = 0xffff_ffffn;
// Alarm times whose tick count cannot be held exactly lie centuries ahead; they never fire.
const NEVER_TICKS = 2 ** 53;

if (!Number.isInteger(NS_PER_TICK) || !Number.isInteger(NS_PER_CYCLE)) {
  throw new Error("the RTC needs whole nanoseconds per timer tick and per CPU cycle");
}

export interface GoldfishRtcOptions {
  /**
   * The counter's value at power-on, in nanoseconds. QEMU starts it from the host's wall clock (or
   * `-rtc base=`); a fixed value keeps runs reproducible. Default 0, i.e. `-rtc base=1970-01-01`.
   */
  baseNs?: bigint;
}

/**
 * The counter is `offset + simulated nanoseconds since power-on`, where simulated time is whole
 * timer ticks plus the CPU cycles charged since the last tick (1 ns each at 1 GHz), so a driver
 * polling it sees time move while it computes.
 *
 * Interrupt line: level, `pending && enabled`, re-requested from the PLIC whenever the device
 * re-evaluates it (alarm expiry, IRQ_ENABLED and CLEAR_INTERRUPT writes), as QEMU's model does.
 * Only aligned 32-bit accesses are valid (QEMU rejects other sizes); others read 0 and are ignored.
 *
 * The alarm is a timer on the simulated clock with the timer's 100 ns resolution: it fires on the
 * first tick at or after its time. The machine polls expire() and folds alarmTick into its next
 * event time, so an armed alarm wakes an idle system at that tick.
 */
export class GoldfishRtc implements MmioDevice {
  /** Tick at which the running alarm expires (the first tick not before its time); Infinity when none. */
  alarmTick = Infinity;
  private tickOffset: bigint;
  private alarmNext = 0n;
  private alarmRunning = false;
  private timeHigh = 0;
  private irqPending = false;
  private irqEnabled = false;

  constructor(
    private readonly clock: Clock,
    private readonly plic: Plic,
    readonly irq: number,
    opts: GoldfishRtcOptions = {},
  ) {
    this.tickOffset = BigInt.asUintN(64, opts.baseNs ?? 0n);
  }

  /** Simulated nanoseconds since power-on. */
  private clockNs(): bigint {
    return BigInt(this.clock.now) * NS_PER_TICK_N + BigInt(this.clock.remainder * NS_PER_CYCLE);
  }

  /** The counter value TIME_LOW would read now. */
  count(): bigint {
    return BigInt.asUintN(64, this.tickOffset + this.clockNs());
  }

  /** Whether the interrupt line is asserted (pending and enabled). */
  get lineHigh(): boolean {
    return this.irqPending && this.irqEnabled;
  }

  /** Fires the alarm if its time has come; the machine calls this before looking at interrupts. */
  expire(): void {
    if (this.clock.now < this.alarmTick) return;
    this.alarmTick = Infinity;
    this.fire();
  }

  read(offset: number, size: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    // An alarm due by now has fired before this access, as QEMU's timer callback would have.
    this.expire();
    switch (offset) {
      case RTC_TIME_LOW: {
        // The high half is latched so that a LOW-then-HIGH pair reads one consistent value.
        const c = this.count();
        this.timeHigh = Number(c >> 32n);
        return Number(c & MASK32);
      }
      case RTC_TIME_HIGH:
        return this.timeHigh;
      case RTC_ALARM_LOW:
        return Number(this.alarmNext & MASK32);
      case RTC_ALARM_HIGH:
        return Number(this.alarmNext >> 32n);
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case RTC_ALARM_STATUS:
        return this.alarmRunning ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    this.expire();
    const v = BigInt(value >>> 0);
    switch (offset) {
      case RTC_TIME_LOW:
      case RTC_TIME_HIGH: {
        // Setting the time moves the offset; a running alarm keeps its position on the clock.
        const cur = this.count();
        const next = offset === RTC_TIME_LOW ? (cur & ~MASK32) | v : (cur & MASK32) | (v << 32n);
        this.tickOffset = BigInt.asUintN(64, this.tickOffset + next - cur);
        return;
      }
      case RTC_ALARM_LOW:
        this.alarmNext = (this.alarmNext & ~MASK32) | v;
        this.setAlarm();
        return;
      case RTC_ALARM_HIGH:
        // Takes effect with the next ALARM_LOW write, which arms the alarm.
        this.alarmNext = (this.alarmNext & MASK32) | (v << 32n);
        return;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (value & 1) === 1;
        this.updateIrq();
        return;
      case RTC_CLEAR_ALARM:
        this.clearAlarm();
        return;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        this.updateIrq();
        return;
      default:
        return;
    }
  }

  private setAlarm(): void {
    const now = this.count();
    if (this.alarmNext <= now) {
      this.clearAlarm();
      this.fire();
      return;
    }
    // The alarm is a point on the simulated clock; a later change of the time offset leaves it there.
    const clockNs = BigInt.asUintN(64, this.alarmNext - this.tickOffset);
    const ticks = (clockNs + NS_PER_TICK_N - 1n) / NS_PER_TICK_N;
    this.alarmTick = ticks >= BigInt(NEVER_TICKS) ? Infinity : Number(ticks);
    this.alarmRunning = true;
  }

  private clearAlarm(): void {
    this.alarmTick = Infinity;
    this.alarmRunning = false;
  }

  private fire(): void {
    this.alarmRunning = false;
    this.irqPending = true;
    this.updateIrq();
  }

  private updateIrq(): void {
    if (this.lineHigh) this.plic.raise(this.irq);
    else this.plic.lower(this.irq);
  }
}
