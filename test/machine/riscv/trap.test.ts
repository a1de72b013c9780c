// Synchronous traps (asm/trap.S) become exactly the seL4 faults of fact sheet §9.3: illegal
// instructions, breakpoints and misaligned atomics are UserExceptions with scause as the number
// and code 0; page faults are VMFaults with the normalised FSR (1 fetch, 5 load, 7 store/AMO).
// The root task has no fault handler, so the kernel's diagnostic names the fault and the pc.

import { describe, expect, it } from "vitest";
import { elfImage } from "../../../src/machine/elf.ts";
import type { SystemOptions } from "../../../src/system/system.ts";
import { readWords, runElf, symbol } from "./harness.ts";

function trap(
  which: number,
  opts: SystemOptions = {},
): { diag: string; out: string; pc: (s: string) => string; reason: string } {
  const r = runElf("trap", opts, { which: BigInt(which) });
  const pc = (s: string): string => `0x${symbol(r, s).toString(16)}`;
  return { diag: r.diag, out: r.out, pc, reason: r.result.reason };
}

const userException = (n: number): string => `user exception 0x${n.toString(16)} code 0x0`;

describe("traps of RV64 user code (asm/trap.S)", () => {
  const cases: [number, string, string][] = [
    [0, "the all-zero halfword", userException(2)],
    [1, "a reserved long encoding", userException(2)],
    [2, "ebreak", userException(3)],
    [3, "c.ebreak", userException(3)],
    [4, "a write to the read-only cycle counter", userException(2)],
    [5, "a supervisor CSR", userException(2)],
    [6, "an F/D instruction with a reserved rounding mode (5)", userException(2)],
    [21, "an F/D instruction with a reserved rounding mode (6)", userException(2)],
    [14, "wfi from U-mode", userException(2)],
    [15, "sret from U-mode", userException(2)],
  ];
  for (const [n, what, fault] of cases) {
    it(`${what}: ${fault} at its pc`, () => {
      const t = trap(n);
      expect(t.out).toBe("A");
      expect(t.reason).toBe("idle");
      expect(t.diag).toContain(`${fault}\nin thread "rootserver" at address ${t.pc(`case_${n}`)}`);
    });
  }

  const atomics: [number, string, number][] = [
    [7, "misaligned AMO", 6],
    [8, "misaligned LR", 4],
    [9, "misaligned SC", 6],
  ];
  for (const [n, what, cause] of atomics) {
    it(`${what}: address-misaligned UserException ${cause}`, () => {
      const t = trap(n);
      expect(t.diag).toContain(
        `${userException(cause)}\nin thread "rootserver" at address ${t.pc(`case_${n}_pc`)}`,
      );
    });
  }

  const vm: [number, string, string, string][] = [
    [10, "a load from an unmapped page", "vm fault on data at address 0x1008 with status 0x5", "case_10_pc"],
    [11, "a store to an unmapped page", "vm fault on data at address 0x1004 with status 0x7", "case_11_pc"],
    [
      17,
      "an AMO on an unmapped page (a store fault)",
      "vm fault on data at address 0x1000 with status 0x7",
      "case_17_pc",
    ],
    [
      18,
      "an LR on an unmapped page (a load fault)",
      "vm fault on data at address 0x1000 with status 0x5",
      "case_18_pc",
    ],
  ];
  for (const [n, what, fault, at] of vm) {
    it(`${what}: ${fault}`, () => {
      const t = trap(n);
      expect(t.diag).toContain(`${fault}\nin thread "rootserver" at address ${t.pc(at)}`);
    });
  }

  it("a jump to an unmapped page: prefetch fault at the target, which is also the pc", () => {
    const t = trap(12);
    expect(t.diag).toContain(
      `vm fault on code at address 0x2000000 with status 0x1\nin thread "rootserver" at address 0x2000000`,
    );
  });

  it("a jump beyond the Sv39 user range faults with the exact 64-bit target", () => {
    const t = trap(13);
    expect(t.diag).toContain(
      `vm fault on code at address 0x10000000000 with status 0x1\nin thread "rootserver" at address 0x10000000000`,
    );
  });

  it("a misaligned load running off the end of the mapped region faults at the next page", () => {
    const r = runElf("trap", {}, { which: 16n });
    // a0 at entry = the boot info frame (image end + 0x1000); the extra boot info's two pages
    // (the device tree) follow it and are the last mapped ones.
    const img = elfImage(r.elf);
    const next = img.vaddr + img.bytes.length + 0x4000;
    expect(r.diag).toContain(
      `vm fault on data at address 0x${next.toString(16)} with status 0x5\n` +
        `in thread "rootserver" at address 0x${symbol(r, "case_16_pc").toString(16)}`,
    );
  });

  it("the dynamic rounding mode while frm holds a reserved value: illegal at that instruction", () => {
    const t = trap(20);
    expect(t.diag).toContain(`${userException(2)}\nin thread "rootserver" at address ${t.pc("case_20_pc")}`);
  });

  const fpuOnly: [number, string][] = [
    [22, "fld"],
    [23, "a read of fcsr"],
    [24, "c.fldsp"],
  ];
  for (const [n, what] of fpuOnly) {
    it(`${what} runs on a kernel with an FPU`, () => {
      const t = trap(n);
      expect(t.out).toBe("AF");
      expect(t.reason).toBe("halt");
    });
    it(`${what} is an illegal instruction (UserException 2) on a kernel built without F/D`, () => {
      const t = trap(n, { kernelConfig: { fpu: false } });
      expect(t.out).toBe("A");
      expect(t.diag).toContain(`${userException(2)}\nin thread "rootserver" at address ${t.pc(`case_${n}`)}`);
    });
  }

  it("user mode reads cycle, time and instret (as on QEMU virt with OpenSBI), from the simulated clock", () => {
    const r = runElf("trap", {}, { which: 25n });
    expect(r.out).toBe("AF");
    const [cycle, time, instret, time2] = readWords(r, symbol(r, "results"), 4);
    const hart = r.sys.rv.hart;
    // time is the 10 MHz timebase, cycle the 1 GHz core: 100 cycles a tick, same clock.
    expect(time).toBe(cycle / 100n);
    expect(cycle).toBeGreaterThan(0n);
    expect(time2 >= time).toBe(true);
    // instret counts the instructions retired before the rdinstret (all user code so far).
    expect(instret).toBeGreaterThan(0n);
    expect(instret).toBeLessThan(BigInt(hart.instret));
    // Deterministic: a second run reads the same values.
    const again = runElf("trap", {}, { which: 25n });
    expect(readWords(again, symbol(again, "results"), 4)).toEqual([cycle, time, instret, time2]);
  });

  it("fence, fence.i and HINTs run through", () => {
    const t = trap(19);
    expect(t.out).toBe("AZ");
    expect(t.reason).toBe("halt");
  });
});
