// The ELF loader and `sel4ts boot x.elf`-style booting of an RV64 root task (fact sheet §11.4).

import { describe, expect, it } from "vitest";
import { elfImage, ElfError, findSymbol, parseElf } from "../../../src/machine/elf.ts";
import { elfBytes, runElf } from "./harness.ts";

describe("ELF loader", () => {
  it("parses segments, entry and symbols of a static RV64 executable", () => {
    const elf = parseElf(elfBytes("hello"));
    expect(elf.entry).toBe(0x10000);
    expect(elf.segments.length).toBeGreaterThan(0);
    expect(findSymbol(elf, "_start")?.value).toBe(0x10000);
    const img = elfImage(elf);
    expect(img.vaddr).toBe(0x10000);
    expect(img.bytes.length % 4096).toBe(0);
    expect(img.entry).toBe(0x10000);
  });

  it("rejects what is not an RV64 little-endian executable", () => {
    expect(() => parseElf(new Uint8Array(10))).toThrow(ElfError);
    const bad = elfBytes("hello").slice();
    bad[18] = 62; // EM_X86_64
    expect(() => parseElf(bad)).toThrow(/RISC-V/);
    const trunc = elfBytes("hello").slice(0, 100);
    expect(() => parseElf(trunc)).toThrow(ElfError);
  });
});

describe("booting an RV64 root task", () => {
  it("starts at the ELF entry with a0 = boot info (image end + 0x1000) and prints through DebugPutChar", () => {
    const r = runElf("hello");
    expect(r.result.reason).toBe("halt");
    const img = elfImage(r.elf);
    const bi = img.vaddr + img.bytes.length + 0x1000;
    expect(r.out).toBe(`hello from RV64\n${bi.toString(16).padStart(16, "0")}\n`);
  });
});
