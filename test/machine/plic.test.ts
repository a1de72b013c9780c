import { describe, expect, it } from "vitest";
import {
  Plic,
  PlicDevice,
  sContext,
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

  it("has two contexts per hart: enable bits and threshold per context, each hart's S-mode line its own", () => {
    const p = new Plic(undefined, 4);
    expect([p.numContexts, sContext(0), sContext(2)]).toEqual([8, 1, 5]);
    p.setPriority(10, 2);
    p.setEnabled(10, true, sContext(2));
    p.raise(10);
    expect([0, 1, 2, 3].map((h) => p.hasPending(sContext(h)))).toEqual([false, false, true, false]);
    expect(p.hasPending(4)).toBe(false); // hart 2's M-mode context has it masked
    expect(p.claim(sContext(0))).toBe(0);
    // Enabled in two contexts: both lines rise, the first claim takes it, the other finds nothing.
    p.setEnabled(10, true, sContext(3));
    expect(p.hasPending(sContext(3))).toBe(true);
    expect(p.claim(sContext(3))).toBe(10);
    expect(p.hasPending(sContext(2))).toBe(false);
    expect(p.claim(sContext(2))).toBe(0);
    p.complete(10);
    // A context's threshold holds back only that context.
    p.raise(10);
    p.setThreshold(2, sContext(3));
    expect([p.hasPending(sContext(2)), p.hasPending(sContext(3))]).toEqual([true, false]);
    expect(p.hasPending(99)).toBe(false);
  });

  it("maps every context's registers as QEMU virt does: enables at 0x2000 + 0x80 c, threshold and claim at 0x200000 + 0x1000 c", () => {
    const p = new Plic(undefined, 4);
    const d = new PlicDevice(p);
    const ctx = sContext(2); // context 5
    d.write(4 * 10, 4, 3);
    d.write(0x2000 + 0x80 * ctx, 4, 1 << 10);
    expect([p.isEnabled(10, ctx), p.isEnabled(10, 1)]).toEqual([true, false]);
    expect(d.read(0x2000 + 0x80 * ctx, 4)).toBe(1 << 10);
    expect(d.read(PLIC_S_ENABLE_BASE, 4)).toBe(0);
    d.write(0x200000 + 0x1000 * ctx, 4, 2);
    expect(p.thresholdOf(ctx)).toBe(2);
    expect(d.read(0x200000 + 0x1000 * ctx, 4)).toBe(2);
    p.raise(10);
    expect(d.read(PLIC_S_CLAIM, 4)).toBe(0); // hart 0's S-mode context: not enabled there
    expect(d.read(0x200000 + 0x1000 * ctx + 4, 4)).toBe(10);
    d.write(0x200000 + 0x1000 * ctx + 4, 4, 10);
    expect(p.isClaimed(10)).toBe(false);
    // Past the last context (8 with 4 harts): nothing.
    d.write(0x2000 + 0x80 * 8, 4, 1 << 10);
    expect(d.read(0x2000 + 0x80 * 8, 4)).toBe(0);
    expect(d.read(0x200000 + 0x1000 * 8 + 4, 4)).toBe(0);
  });
});
