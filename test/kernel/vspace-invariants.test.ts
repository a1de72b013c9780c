// The VSpace invariants (src/kernel/invariants-vspace.ts) hold after boot and after real work,
// and each one fires when its kind of corruption is planted in the kernel state or in the page
// tables in RAM.

import { describe, expect, it } from "vitest";
import { seL4_ReadWrite, sel4ts_write } from "../../src/user/libsel4.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { expectMonitorAgrees } from "./monitor-helpers.ts";
import { ASIDPool } from "../../src/kernel/structures.ts";
import type { System } from "../../src/system/system.ts";
import { rootSlot, runHooked } from "./cdt-helpers.ts";
import { FREE_4K, map, mapPT, NEEDS_PT, pteAt, vmSetup, VS } from "./vspace-helpers.ts";

interface Built {
  system: System;
  /** Root-CNode slots: a new VSpace root, a table mapped in it, a frame mapped through it. */
  vs: number;
  t: number;
  f: number;
}

function build(): Built {
  const slots = { vs: 0, t: 0, f: 0 };
  const { system } = runHooked(function* (bi) {
    const { pt, frame, large, vspace } = yield* vmSetup(bi);
    slots.vs = yield* vspace();
    const [a, b] = [yield* pt(), yield* pt()];
    slots.t = b;
    slots.f = yield* frame();
    expect(yield* mapPT(a, 0x40000000, slots.vs)).toBe(0);
    expect(yield* mapPT(b, 0x40000000, slots.vs)).toBe(0);
    expect(yield* map(slots.f, 0x40001000, seL4_ReadWrite, 0, slots.vs)).toBe(0);
    expect(yield* map(yield* large(), NEEDS_PT)).toBe(0);
    const g = yield* frame();
    expect(yield* map(g, FREE_4K)).toBe(0);
    yield* sel4ts_write(FREE_4K, 8, 1);
  });
  return { system, ...slots };
}

describe("VSpace invariants", () => {
  it("INV-VS the boot VSpace and a populated system satisfy them", () => {
    const b = build();
    expect(checkInvariants(b.system.kernel.state)).toBeNull();
  });

  const plant = (name: string, corrupt: (b: Built) => void, expected: RegExp): void => {
    it(`INV-VS catches planted corruption: ${name}`, () => {
      const b = build();
      expect(checkInvariants(b.system.kernel.state)).toBeNull();
      corrupt(b);
      expect(checkInvariants(b.system.kernel.state)).toMatch(expected);
    });
    it(`MONITOR catches planted corruption as the whole checker does: ${name}`, () => {
      const b = build();
      expectMonitorAgrees(b.system.kernel.state, () => corrupt(b));
    });
  };
  const slot = (b: Built, i: number) => rootSlot(b.system.kernel.state, i);
  const mem = (b: Built) => b.system.machine.memory;

  plant(
    "a leaf whose frame cap forgot the mapping",
    (b) => {
      slot(b, b.f).mappedAddr = 0x40002000;
    },
    /no frame cap records this mapping/,
  );
  plant(
    "a leaf pointing at memory no frame cap names",
    (b) => {
      const tp = slot(b, b.t).ptr;
      const pte = pteAt(b.system, tp + 8);
      mem(b).writeWordHiLo(tp + 8, 0, (pte + 1024 * 16) >>> 0);
    },
    /no frame cap records this mapping/,
  );
  plant(
    "a table whose cap records another address",
    (b) => {
      slot(b, b.t).mappedAddr = 0x40200000;
    },
    /page table .* has no cap recording this mapping/,
  );
  plant(
    "a table pointer at the last level",
    (b) => {
      const tp = slot(b, b.t).ptr;
      mem(b).writeWordHiLo(tp + 8 * 7, 0, ((slot(b, b.t).ptr / 4096) * 1024 + 1) >>> 0);
    },
    /table pointer at the last level|reached twice/,
  );
  plant(
    "one table reached from two entries",
    (b) => {
      const root = slot(b, b.vs).ptr;
      mem(b).writeWordHiLo(root + 8 * 2, mem(b).readWordHi(root + 8), mem(b).readWordLo(root + 8));
    },
    /reached twice/,
  );
  plant(
    "a stray bit in an invalid PTE",
    (b) => {
      mem(b).writeWordHiLo(slot(b, b.vs).ptr + 8 * 5, 0, 0x400);
    },
    /invalid PTE is not zero/,
  );
  plant(
    "a writable leaf without read",
    (b) => {
      const tp = slot(b, b.t).ptr;
      mem(b).writeWordHiLo(tp + 8, 0, (mem(b).readWordLo(tp + 8) & ~0x2) >>> 0);
    },
    /writable leaf without read/,
  );
  plant(
    "an ASID table entry naming a dead pool",
    (b) => {
      b.system.kernel.state.asidTable[3] = new ASIDPool(0x1000);
    },
    /dead pool/,
  );
  plant(
    "a registered root without its cap",
    (b) => {
      slot(b, b.vs).isMapped = false;
    },
    /has no mapped page-table cap recording it/,
  );
  plant(
    "ASID 0 registered",
    (b) => {
      const k = b.system.kernel.state;
      (k.asidTable[0] as ASIDPool).entries[0] = slot(b, VS).ptr;
    },
    /ASID 0|two ASIDs/,
  );
  plant(
    "satp naming no registered root",
    (b) => {
      b.system.machine.satp = slot(b, b.t).ptr;
    },
    /satp/,
  );
});
