// RAM is backed by the host only where it is touched: PhysicalMemory tracks, per 4 KiB page,
// whether anything may have stored into it, and zero() skips pages that hold only zeros. What a
// program sees must not change: after zero() every byte reads 0, whichever path wrote it.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PhysicalMemory } from "../../src/machine/memory.ts";
import { RAM_BASE } from "../../src/abi/platform.ts";

const MiB = 1024 * 1024;

describe("RAM that costs what is touched", () => {
  it("a 3 GiB RAM starts with no page written; zeroing all of it touches none", () => {
    const m = new PhysicalMemory(RAM_BASE, 3072 * MiB);
    m.zero(RAM_BASE, 3072 * MiB);
    expect(m.written.every((w) => w === 0)).toBe(true);
  });

  it("every store path marks its page, and zero() then clears exactly what was stored (property)", () => {
    const size = 64 * 4096;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            how: fc.constantFrom("w8", "w16", "w32", "w32u", "hilo", "w64", "bytes", "view", "copy"),
            off: fc.integer({ min: 0, max: size - 16 }),
            v: fc.integer({ min: 1, max: 255 }),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: size - 1 }),
        fc.integer({ min: 1, max: size }),
        (ops, zStart, zLen) => {
          const m = new PhysicalMemory(RAM_BASE, size);
          const shadow = new Uint8Array(size);
          for (const { how, off, v } of ops) {
            const p = RAM_BASE + off;
            if (how === "w8") m.write8(p, v);
            else if (how === "w16") m.write16(p + 1, v * 257);
            else if (how === "w32") m.write32(p & ~3, v * 0x01010101);
            else if (how === "w32u") m.write32(p + 1, v * 0x01010101);
            else if (how === "hilo") m.writeWordHiLo(p, v, v);
            else if (how === "w64") m.write64(p, BigInt(v) * 0x0101010101010101n);
            else if (how === "bytes") m.writeBytes(p, new Uint8Array(9).fill(v));
            else if (how === "view") m.bytes(p, 5).fill(v);
            else m.copy(p, RAM_BASE + ((off * 7) % (size - 16)), 16);
          }
          shadow.set(m.readBytes(RAM_BASE, size));
          const len = Math.min(zLen, size - zStart);
          m.zero(RAM_BASE + zStart, len);
          shadow.fill(0, zStart, zStart + len);
          // (Buffer.compare: a deep equality of 256 KiB arrays would take seconds per run.)
          expect(Buffer.compare(m.readBytes(RAM_BASE, size), shadow)).toBe(0);
          // A page still marked clean holds only zeros.
          for (let page = 0; page < size / 4096; page++) {
            if (m.written[page] !== 0) continue;
            const clean = shadow.subarray(page * 4096, (page + 1) * 4096).every((b) => b === 0);
            if (!clean) expect.fail(`page ${page} is marked clean but holds a stored byte`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
