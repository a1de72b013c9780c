import { describe, expect, it } from "vitest";
import { Clock, CYCLES_PER_TICK } from "../../src/machine/clock.ts";
import { ClintDevice, CLINT_MTIME, CLINT_MTIMECMP, Timer } from "../../src/machine/timer.ts";
import { Machine } from "../../src/machine/machine.ts";
import { CLINT_BASE } from "../../src/abi/platform.ts";

describe("Clock", () => {
  it("charges cycles in whole ticks and keeps the remainder", () => {
    const c = new Clock();
    expect(CYCLES_PER_TICK).toBe(100);
    c.charge(250);
    expect(c.now).toBe(2);
    expect(c.remainder).toBe(50);
    c.charge(49);
    expect(c.now).toBe(2);
    c.charge(1);
    expect(c.now).toBe(3);
    expect(c.remainder).toBe(0);
    for (let i = 0; i < 1000; i++) c.charge(3);
    expect(c.now).toBe(33);
    expect(c.remainder).toBe(0);
  });

  it("advances forward only, clearing the remainder", () => {
    const c = new Clock();
    c.charge(150);
    c.advanceTo(10);
    expect(c.now).toBe(10);
    expect(c.remainder).toBe(0);
    c.charge(30);
    c.advanceTo(5);
    expect(c.now).toBe(10);
    expect(c.remainder).toBe(30);
    expect(() => c.charge(-1)).toThrow(RangeError);
    expect(() => c.charge(1.5)).toThrow(RangeError);
  });
});

describe("Timer", () => {
  it("is pending once now reaches the deadline until reprogrammed", () => {
    const c = new Clock();
    const t = new Timer(c);
    expect(t.deadline).toBe(Infinity);
    expect(t.isPending()).toBe(false);
    t.setDeadline(5);
    c.advanceTo(4);
    expect(t.isPending()).toBe(false);
    c.charge(100);
    expect(t.isPending()).toBe(true);
    c.charge(1000);
    expect(t.isPending()).toBe(true);
    t.setDeadline(100);
    expect(t.isPending()).toBe(false);
    t.setDeadline(2 ** 64 - 1);
    expect(t.deadline).toBe(Infinity);
    t.setDeadline(3);
    t.clear();
    expect(t.isPending()).toBe(false);
  });

  it("exposes mtime and mtimecmp through the CLINT registers", () => {
    const c = new Clock();
    const t = new Timer(c);
    const clint = new ClintDevice(c, t);
    c.advanceTo(0x1_2345_6789);
    expect(clint.read(CLINT_MTIME, 4)).toBe(0x2345_6789);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(1);
    clint.write(CLINT_MTIMECMP, 4, 0x0000_0010);
    clint.write(CLINT_MTIMECMP + 4, 4, 2);
    expect(t.deadline).toBe(0x2_0000_0010);
    expect(t.isPending()).toBe(false);
    clint.write(CLINT_MTIMECMP + 4, 4, 0xffff_ffff);
    clint.write(CLINT_MTIMECMP, 4, 0xffff_ffff);
    expect(t.deadline).toBe(Infinity);
    t.setDeadline(0x3_0000_0001);
    expect(clint.read(CLINT_MTIMECMP, 4)).toBe(1);
    expect(clint.read(CLINT_MTIMECMP + 4, 4)).toBe(3);
  });

  it("is reachable through the machine's physical address space", () => {
    const m = new Machine({ ramSize: 0x10000 });
    m.clock.advanceTo(77);
    expect(m.memory.read64(CLINT_BASE + CLINT_MTIME)).toBe(77n);
    m.memory.write64(CLINT_BASE + CLINT_MTIMECMP, 100n);
    expect(m.timer.deadline).toBe(100);
  });
});
