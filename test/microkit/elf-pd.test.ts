// ELF program images of PDs: segments become pages with their permissions, and the symbols the
// Microkit tool patches are written at their addresses (microkit.md §3.6).

import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { elfPdPages, ElfImageError, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import type { SdfSystem } from "../../src/microkit/sdf-model.ts";

const SDF = `<system>
  <memory_region name="buf" size="0x2000" />
  <protection_domain name="cdriver" priority="7" passive="true">
    <program_image path="cdriver.elf" />
    <map mr="buf" vaddr="0x4000000" perms="rw" setvar_vaddr="buf_vaddr" />
    <irq irq="11" id="3" />
  </protection_domain>
  <protection_domain name="peer" priority="50"><program_image path="peer.ts" /></protection_domain>
  <channel><end pd="cdriver" id="1" /><end pd="peer" id="0" /></channel>
  <channel><end pd="cdriver" id="2" pp="true" notify="false" /><end pd="peer" id="1" /></channel>
</system>`;

function system(): SdfSystem {
  const r = parseSdf(SDF, { file: "c.system" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.system;
}

function elf(symbols: [string, number, number][]): ElfProgram {
  const text = new Uint8Array(0x1800).fill(0x13); // 6 KiB of code
  const data = new Uint8Array(0x200).fill(0xaa);
  return {
    entry: 0x200000,
    segments: [
      { vaddr: 0x200000, memsz: text.length, data: text, read: true, write: false, execute: true },
      // .data then .bss, on the next pages
      { vaddr: 0x202000, memsz: 0x1400, data, read: true, write: true, execute: false },
    ],
    symbols: new Map(symbols.map(([n, v, s]) => [n, { value: v, size: s }])),
  };
}

const STD: [string, number, number][] = [
  ["microkit_name", 0x202000, 64],
  ["microkit_passive", 0x202040, 1],
  ["microkit_irqs", 0x202048, 8],
  ["microkit_notifications", 0x202050, 8],
  ["microkit_pps", 0x202058, 8],
  ["buf_vaddr", 0x202300, 8], // in .bss
];

describe("ELF PD images", () => {
  it("pages with their segments' permissions, file bytes then zeros, and the patched symbols", () => {
    const sys = system();
    const pages = elfPdPages(sys, sys.protectionDomains[0], elf(STD));
    expect(pages.map((p) => [p.vaddr, p.read, p.write, p.execute])).toEqual([
      [0x200000, true, false, true],
      [0x201000, true, false, true],
      [0x202000, true, true, false],
      [0x203000, true, true, false],
    ]);
    expect(pages[1].bytes[0x7ff]).toBe(0x13);
    expect(pages[1].bytes[0x800]).toBe(0); // past the text segment's end
    const d = new DataView(pages[2].bytes.buffer);
    expect(new TextDecoder().decode(pages[2].bytes.subarray(0, 7))).toBe("cdriver");
    expect(pages[2].bytes[7]).toBe(0);
    expect(pages[2].bytes[0x40]).toBe(1); // passive
    expect(d.getBigUint64(0x48, true)).toBe(1n << 3n); // irq id 3
    expect(d.getBigUint64(0x50, true)).toBe(1n << 1n); // notify only on channel end 1
    expect(d.getBigUint64(0x58, true)).toBe(1n << 2n); // pp on channel end 2
    expect(pages[2].bytes[0x60]).toBe(0xaa); // data untouched around the symbols
    expect(d.getBigUint64(0x300, true)).toBe(0x4000000n); // setvar in .bss
    expect(pages[3].bytes.every((b) => b === 0)).toBe(true);
  });

  it("a required symbol missing is an error naming the PD, as the Microkit tool reports it", () => {
    const sys = system();
    expect(() => elfPdPages(sys, sys.protectionDomains[0], elf(STD.slice(1)))).toThrow(ElfImageError);
    expect(() => elfPdPages(sys, sys.protectionDomains[0], elf(STD.slice(1)))).toThrow(
      "Could not find 'microkit_name' symbol in ELF for PD 'cdriver'",
    );
  });

  it("the builder maps the ELF's pages and starts the TCB at the ELF entry; TS PDs keep their symbols page", () => {
    const sys = system();
    const { spec } = buildMicrokit(sys, new Map([["cdriver", elf(STD)]]));
    const names = spec.objects.map((o) => o.name);
    expect(names.filter((n) => n.startsWith("frame_elf_cdriver_"))).toHaveLength(4);
    expect(names.filter((n) => n.startsWith("frame_elf_peer_"))).toHaveLength(1);
    const tcb = spec.objects.find((o) => o.name === "tcb_cdriver");
    expect(tcb?.tcb?.ip).toBe(0x200000);
  });
});
