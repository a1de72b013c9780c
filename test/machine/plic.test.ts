import { describe, expect, it } from "vitest";
import {
  Plic,
  PlicDevice,
  PLIC_PENDING_BASE,
  PLIC_S_CLAIM,
  PLIC_S_ENABLE_BASE,
  PLIC_S_THRESHOLD,
} from "../../src/machine/plic.ts";

function setup(...sources: number[]): Plic {
  const p = new Plic();
  for (const s of sources) {
    p.setPriority(s, 1);
    p.setEnabled(s, true);
  }
  return p;
}

describe("Plic", () => {
  it("claims nothing when idle", () => {
    const p = setup(1);
    expect(p.hasPending()).toBe(false);
    expect(p.claim()).toBe(0);
  });

  it("claims by priority, lowest id on ties", () => {
    const p = setup(3, 5, 7);
    p.setPriority(7, 4);
    p.raise(5);
    p.raise(3);
    p.raise(7);
    expect(p.claim()).toBe(7);
    expect(p.claim()).toBe(3);
    expect(p.claim()).toBe(5);
    expect(p.claim()).toBe(0);
  });

  it("ignores disabled sources, priority 0 and sources not above threshold", () => {
    const p = setup(1, 2);
    p.setPriority(2, 0);
    p.raise(2);
    p.raise(4);
    expect(p.hasPending()).toBe(false);
    p.raise(1);
    p.setThreshold(1);
    expect(p.hasPending()).toBe(false);
    expect(p.claim()).toBe(0);
    p.setThreshold(0);
    expect(p.hasPending()).toBe(true);
    expect(p.claim()).toBe(1);
    p.setEnabled(4, true);
    p.setPriority(4, 3);
    expect(p.claim()).toBe(4);
  });

  it("keeps a claimed source from being claimed again until completed; a new request re-pends it", () => {
    const p = setup(10);
    p.raise(10);
    expect(p.claim()).toBe(10);
    expect(p.isPending(10)).toBe(false);
    expect(p.isClaimed(10)).toBe(true);
    p.raise(10); // the device re-evaluates its line while the claim is outstanding
    expect(p.isPending(10)).toBe(true);
    expect(p.hasPending()).toBe(false);
    p.complete(10);
    expect(p.hasPending()).toBe(true);
    expect(p.claim()).toBe(10);
    p.complete(10);
    expect(p.hasPending()).toBe(false);
  });

  it("does not re-pend on completion by itself (QEMU 7.2: no level latch)", () => {
    const p = setup(10);
    p.raise(10);
    expect(p.claim()).toBe(10);
    p.complete(10);
    expect(p.hasPending()).toBe(false);
    expect(p.claim()).toBe(0);
  });

  it("withdraws a source whose line is lowered before the claim", () => {
    const p = setup(10);
    p.raise(10);
    p.lower(10);
    expect(p.claim()).toBe(0);
  });

  it("accepts completion of any valid source, enabled or not (QEMU 7.2)", () => {
    const p = setup(2);
    p.raise(2);
    expect(p.claim()).toBe(2);
    p.setEnabled(2, false);
    p.complete(2);
    expect(p.isClaimed(2)).toBe(false);
    p.setEnabled(2, true);
    p.raise(2);
    expect(p.claim()).toBe(2);
    p.complete(0);
    p.complete(9);
    p.complete(96);
    expect(p.isClaimed(2)).toBe(true);
  });

  it("keeps a masked source pending until it is enabled", () => {
    const p = setup();
    p.setPriority(7, 2);
    p.raise(7);
    expect(p.hasPending()).toBe(false);
    p.setEnabled(7, true);
    expect(p.hasPending()).toBe(true);
  });

  it("treats priority and threshold registers as WARL (3 bits)", () => {
    const p = setup(1);
    p.setPriority(1, 9);
    expect(p.getPriority(1)).toBe(1);
    p.setThreshold(9);
    expect(p.threshold).toBe(1);
  });

  it("rejects out-of-range device lines", () => {
    const p = new Plic();
    expect(() => p.raise(0)).toThrow(RangeError);
    expect(() => p.raise(96)).toThrow(RangeError);
  });

  it("implements the QEMU virt S-mode register map", () => {
    const p = new Plic();
    const d = new PlicDevice(p);
    d.write(4 * 33, 4, 5);
    expect(p.getPriority(33)).toBe(5);
    expect(d.read(4 * 33, 4)).toBe(5);
    d.write(PLIC_S_ENABLE_BASE + 4, 4, 1 << 1);
    expect(p.isEnabled(33)).toBe(true);
    expect(d.read(PLIC_S_ENABLE_BASE + 4, 4)).toBe(2);
    p.raise(33);
    expect(d.read(PLIC_PENDING_BASE + 4, 4)).toBe(2);
    d.write(PLIC_S_THRESHOLD, 4, 5);
    expect(d.read(PLIC_S_CLAIM, 4)).toBe(0);
    d.write(PLIC_S_THRESHOLD, 4, 4);
    expect(d.read(PLIC_S_THRESHOLD, 4)).toBe(4);
    expect(d.read(PLIC_S_CLAIM, 4)).toBe(33);
    expect(d.read(PLIC_PENDING_BASE + 4, 4)).toBe(0);
    d.write(PLIC_S_CLAIM, 4, 33);
    expect(p.isClaimed(33)).toBe(false);
    expect(d.read(PLIC_PENDING_BASE + 4, 4)).toBe(0);
    d.write(PLIC_S_ENABLE_BASE, 4, 1);
    expect(p.isEnabled(0)).toBe(false);
  });
});
