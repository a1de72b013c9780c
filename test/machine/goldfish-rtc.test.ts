import { describe, expect, it } from "vitest";
import { RTC_BASE, RTC_IRQ } from "../../src/abi/platform.ts";
import { Clock } from "../../src/machine/clock.ts";
import {
  GoldfishRtc,
  RTC_ALARM_HIGH,
  RTC_ALARM_LOW,
  RTC_ALARM_STATUS,
  RTC_CLEAR_ALARM,
  RTC_CLEAR_INTERRUPT,
  RTC_IRQ_ENABLED,
  RTC_TIME_HIGH,
  RTC_TIME_LOW,
} from "../../src/machine/goldfish-rtc.ts";
import { Machine } from "../../src/machine/machine.ts";
import { Plic } from "../../src/machine/plic.ts";

function setup(baseNs?: bigint): { clock: Clock; plic: Plic; rtc: GoldfishRtc } {
  const clock = new Clock();
  const plic = new Plic();
  plic.setPriority(RTC_IRQ, 1);
  plic.setEnabled(RTC_IRQ, true);
  const rtc = new GoldfishRtc(clock, plic, RTC_IRQ, { baseNs });
  return { clock, plic, rtc };
}

function time(rtc: GoldfishRtc): bigint {
  const lo = rtc.read(RTC_TIME_LOW, 4);
  const hi = rtc.read(RTC_TIME_HIGH, 4);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function arm(rtc: GoldfishRtc, ns: bigint): void {
  rtc.write(RTC_ALARM_HIGH, 4, Number(ns >> 32n));
  rtc.write(RTC_ALARM_LOW, 4, Number(ns & 0xffff_ffffn));
}

describe("GoldfishRtc", () => {
  it("counts nanoseconds of simulated time: 100 per tick plus 1 per charged cycle", () => {
    const { clock, rtc } = setup();
    expect(time(rtc)).toBe(0n);
    clock.advanceTo(10_000_000);
    expect(time(rtc)).toBe(1_000_000_000n);
    clock.charge(250);
    expect(time(rtc)).toBe(1_000_000_250n);
  });

  it("latches TIME_HIGH when TIME_LOW is read", () => {
    const { clock, rtc } = setup(0xffff_ff00n);
    expect(rtc.read(RTC_TIME_LOW, 4)).toBe(0xffff_ff00);
    clock.advanceTo(10);
    // The high half still belongs to the value read before the carry.
    expect(rtc.read(RTC_TIME_HIGH, 4)).toBe(0);
    expect(rtc.read(RTC_TIME_LOW, 4)).toBe(0x0000_02e8);
    expect(rtc.read(RTC_TIME_HIGH, 4)).toBe(1);
  });

  it("writing TIME_LOW / TIME_HIGH sets the counter, which keeps running", () => {
    const { clock, rtc } = setup();
    clock.advanceTo(5);
    rtc.write(RTC_TIME_HIGH, 4, 2);
    rtc.write(RTC_TIME_LOW, 4, 1000);
    expect(time(rtc)).toBe((2n << 32n) | 1000n);
    clock.advanceTo(6);
    expect(time(rtc)).toBe((2n << 32n) | 1100n);
  });

  it("arms the alarm on the ALARM_LOW write with the ALARM_HIGH written before", () => {
    const { clock, plic, rtc } = setup();
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    rtc.write(RTC_ALARM_HIGH, 4, 1);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
    expect(rtc.alarmTick).toBe(Infinity);
    rtc.write(RTC_ALARM_LOW, 4, 50);
    expect(rtc.read(RTC_ALARM_HIGH, 4)).toBe(1);
    expect(rtc.read(RTC_ALARM_LOW, 4)).toBe(50);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(1);
    // 2^32 + 50 ns is not a whole tick: the alarm fires on the first tick after it.
    expect(rtc.alarmTick).toBe(42_949_674);
    clock.advanceTo(42_949_673);
    rtc.expire();
    expect(plic.isPending(RTC_IRQ)).toBe(false);
    clock.advanceTo(42_949_674);
    rtc.expire();
    expect(plic.isPending(RTC_IRQ)).toBe(true);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
    expect(rtc.alarmTick).toBe(Infinity);
  });

  it("an alarm at or before the current time fires at once", () => {
    const { clock, plic, rtc } = setup();
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    clock.advanceTo(100);
    arm(rtc, 10_000n);
    expect(plic.isPending(RTC_IRQ)).toBe(true);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
  });

  it("level line: pending && enabled, re-requested on IRQ_ENABLED and CLEAR_INTERRUPT writes", () => {
    const { clock, plic, rtc } = setup();
    arm(rtc, 1000n);
    clock.advanceTo(10);
    rtc.expire();
    // Disabled: the alarm expired and the interrupt is pending in the device, but the line is low.
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
    expect(plic.isPending(RTC_IRQ)).toBe(false);
    rtc.write(RTC_IRQ_ENABLED, 4, 3);
    expect(rtc.read(RTC_IRQ_ENABLED, 4)).toBe(1);
    expect(plic.isPending(RTC_IRQ)).toBe(true);
    expect(plic.claim()).toBe(RTC_IRQ);
    plic.complete(RTC_IRQ);
    // As in QEMU 7.2's PLIC, completion does not re-pend a line that is still high...
    expect(plic.isPending(RTC_IRQ)).toBe(false);
    // ...but the device re-requesting it does.
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    expect(plic.isPending(RTC_IRQ)).toBe(true);
    rtc.write(RTC_CLEAR_INTERRUPT, 4, 1);
    expect(rtc.lineHigh).toBe(false);
    expect(plic.isPending(RTC_IRQ)).toBe(false);
  });

  it("CLEAR_ALARM stops a running alarm without an interrupt", () => {
    const { clock, plic, rtc } = setup();
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    arm(rtc, 5000n);
    rtc.write(RTC_CLEAR_ALARM, 4, 1);
    expect(rtc.read(RTC_ALARM_STATUS, 4)).toBe(0);
    clock.advanceTo(1000);
    rtc.expire();
    expect(plic.isPending(RTC_IRQ)).toBe(false);
    // The alarm value stays readable.
    expect(rtc.read(RTC_ALARM_LOW, 4)).toBe(5000);
  });

  it("moving the time leaves a running alarm where it was on the clock", () => {
    const { clock, plic, rtc } = setup();
    rtc.write(RTC_IRQ_ENABLED, 4, 1);
    arm(rtc, 1000n);
    rtc.write(RTC_TIME_LOW, 4, 999_999);
    expect(rtc.alarmTick).toBe(10);
    clock.advanceTo(10);
    rtc.expire();
    expect(plic.isPending(RTC_IRQ)).toBe(true);
  });

  it("decodes only aligned 32-bit accesses", () => {
    const { clock, rtc } = setup();
    clock.advanceTo(3);
    expect(rtc.read(RTC_TIME_LOW, 1)).toBe(0);
    expect(rtc.read(RTC_TIME_LOW, 2)).toBe(0);
    expect(rtc.read(RTC_TIME_LOW + 1, 4)).toBe(0);
    rtc.write(RTC_IRQ_ENABLED, 1, 1);
    expect(rtc.read(RTC_IRQ_ENABLED, 4)).toBe(0);
    expect(rtc.read(RTC_CLEAR_INTERRUPT, 4)).toBe(0);
  });
});

describe("GoldfishRtc on the machine", () => {
  it("sits at RTC_BASE; a 64-bit load reads TIME_LOW then the latched TIME_HIGH", () => {
    const m = new Machine({ ramSize: 0x10000, rtcBaseNs: 0x1_2345_6789n });
    expect(m.memory.isDevice(RTC_BASE)).toBe(true);
    expect(m.memory.read64(RTC_BASE + RTC_TIME_LOW)).toBe(0x1_2345_6789n);
  });

  it("an armed alarm is the machine's next event and wakes an idle system", () => {
    const m = new Machine({ ramSize: 0x10000 });
    m.plic.setPriority(RTC_IRQ, 2);
    m.plic.setEnabled(RTC_IRQ, true);
    m.memory.write32(RTC_BASE + RTC_IRQ_ENABLED, 1);
    m.memory.write32(RTC_BASE + RTC_ALARM_HIGH, 0);
    m.memory.write32(RTC_BASE + RTC_ALARM_LOW, 2_000_000);
    expect(m.nextEventTime()).toBe(20_000);
    expect(m.interruptPending()).toBe(false);
    // An earlier timer deadline still comes first.
    m.timer.setDeadline(500);
    expect(m.nextEventTime()).toBe(500);
    m.timer.clear();
    expect(m.idleToNextEvent()).toBe(true);
    expect(m.clock.now).toBe(20_000);
    expect(m.interruptPending()).toBe(true);
    expect(m.plic.claim()).toBe(RTC_IRQ);
    m.plic.complete(RTC_IRQ);
    m.memory.write32(RTC_BASE + RTC_CLEAR_INTERRUPT, 1);
    expect(m.interruptPending()).toBe(false);
    expect(m.nextEventTime()).toBe(Infinity);
  });

  it("an alarm with the interrupt disabled still ends the idle wait, and raises nothing", () => {
    const m = new Machine({ ramSize: 0x10000 });
    m.plic.setPriority(RTC_IRQ, 2);
    m.plic.setEnabled(RTC_IRQ, true);
    m.memory.write32(RTC_BASE + RTC_ALARM_LOW, 300);
    expect(m.nextEventTime()).toBe(3);
    expect(m.idleToNextEvent()).toBe(true);
    expect(m.interruptPending()).toBe(false);
    expect(m.memory.read32(RTC_BASE + RTC_ALARM_STATUS)).toBe(0);
    expect(m.nextEventTime()).toBe(Infinity);
  });
});
