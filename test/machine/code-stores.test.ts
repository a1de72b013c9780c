// Stores from outside the hart into RAM that translated code was made from: the translator checks
// its traces against their code again only when PhysicalMemory.codeStores has moved since its
// last run, so every path that writes RAM without the hart must move it when it writes into a
// page marked in codePages (and need not otherwise). The translator's side of it (the next run
// sees the new code) is in riscv/jit-smc.test.ts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RAM_BASE } from "../../src/abi/platform.ts";
import { lookupIPCBuffer } from "../../src/kernel/msg.ts";
import { ks } from "../../src/kernel/state.ts";
import { PhysicalMemory } from "../../src/machine/memory.ts";
import { restoreSnapshot, takeSnapshot } from "../../src/system/debug/snapshot.ts";
import { runRoot } from "../harness.ts";

const PAGES = 16;

describe("stores into pages holding translated code are counted (PhysicalMemory.codeStores)", () => {
  it("by every store path that changes a byte of such a page, and by none that stays out of them (property)", () => {
    const size = PAGES * 4096;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: PAGES - 1 }), { maxLength: 6 }),
        fc.array(
          fc.record({
            how: fc.constantFrom("w8", "w16", "w32", "w32u", "hilo", "bytes", "view", "copy", "zero"),
            off: fc.integer({ min: 0, max: size - 32 }),
            v: fc.integer({ min: 1, max: 255 }),
          }),
          { maxLength: 20 },
        ),
        (code, ops) => {
          const m = new PhysicalMemory(RAM_BASE, size);
          // Code pages hold code (non-zero words) before they are marked.
          for (const p of code) m.writeBytes(RAM_BASE + p * 4096, new Uint8Array(4096).fill(0x13));
          for (const p of code) m.codePages[p] = 1;
          for (const { how, off, v } of ops) {
            const before = m.readBytes(RAM_BASE, size);
            const stores = m.codeStores;
            const p = RAM_BASE + off;
            let len = 16;
            if (how === "w8") m.write8(p, v);
            else if (how === "w16") m.write16(p + 1, v * 257);
            else if (how === "w32") m.write32(RAM_BASE + (off & ~3), v * 0x01010101);
            else if (how === "w32u") m.write32(p + 1, v * 0x01010101);
            else if (how === "hilo") m.writeWordHiLo(RAM_BASE + (off & ~7), v, v);
            else if (how === "bytes") m.writeBytes(p, new Uint8Array(9).fill(v));
            else if (how === "view") m.bytes(p, 5).fill(v);
            else if (how === "copy") m.copy(p, RAM_BASE + ((off * 7) % (size - 32)), 16);
            else m.zero(RAM_BASE + (off & ~4095), (len = 4096));
            const after = m.readBytes(RAM_BASE, size);
            const changed = code.some((c) =>
              Buffer.compare(
                before.subarray(c * 4096, c * 4096 + 4096),
                after.subarray(c * 4096, c * 4096 + 4096),
              ),
            );
            if (changed) expect(m.codeStores, `${how} at ${off}`).toBeGreaterThan(stores);
            const first = off >>> 12;
            const last = (off + len) >>> 12;
            const touches = code.some((c) => c >= first && c <= last);
            if (!touches) expect(m.codeStores, `${how} at ${off}`).toBe(stores);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("by the kernel's message transfers into an IPC buffer in such a page (lookupIPCBuffer)", () => {
    const seen: number[] = [];
    runRoot(function* () {
      const t = ks.curThread;
      const mem = ks.machine.memory;
      const page = (lookupIPCBuffer(true, t) * 4) >>> 12;
      let s = mem.codeStores;
      lookupIPCBuffer(true, t);
      seen.push(mem.codeStores - s);
      mem.codePages[page] = 1;
      s = mem.codeStores;
      lookupIPCBuffer(true, t);
      seen.push(mem.codeStores - s);
      mem.codePages[page] = 0;
    });
    expect(seen).toEqual([0, 1]);
  });

  it("after a snapshot is restored, and after TypeScript user code ran", () => {
    const r = runRoot(function* () {});
    const sys = r.system;
    const snap = takeSnapshot(sys, [sys], new Set(), null, () => undefined);
    const s = sys.machine.memory.codeStores;
    restoreSnapshot(sys, snap);
    expect(sys.machine.memory.codeStores).toBeGreaterThan(s);
    // The root task above is TypeScript: its run moved the count too (it started at 0).
    expect(s).toBeGreaterThan(0);
  });
});
