// Program images of PDs given as ELF files (C or Rust built for seL4/Microkit on riscv64): what the
// Microkit tool does with them. Each loadable segment becomes 4 KiB frames mapped at the segment's
// addresses with its permissions, filled with the file's bytes (the rest, .bss included, zero), and
// the symbols the tool patches (microkit.md §3.6: microkit_name, microkit_passive, microkit_irqs,
// microkit_notifications, microkit_pps, microkit_ioports, and every setvar) are written into those
// bytes at the symbols' addresses before the frames are filled.

import { parseElf, PF_R, PF_W, PF_X } from "../machine/elf.ts";
import type { SdfProtectionDomain, SdfSystem } from "./sdf-model.ts";
import { pdSymbolValues } from "./symbols.ts";

/** An ELF program as the builder needs it (the CLI parses the file). */
export interface ElfProgram {
  entry: number;
  segments: ElfSegment[];
  /** Symbol name → address (and size in bytes). */
  symbols: Map<string, { value: number; size: number }>;
}

export interface ElfSegment {
  vaddr: number;
  /** Bytes in memory; the file bytes (`data`) come first, zeros after. */
  memsz: number;
  data: Uint8Array;
  read: boolean;
  write: boolean;
  execute: boolean;
}

/** An ELF executable's bytes as the builder takes them; throws the parser's ElfError if malformed. */
export function elfProgramOf(bytes: Uint8Array): ElfProgram {
  const elf = parseElf(bytes);
  return {
    entry: elf.entry,
    segments: elf.segments.map((sg) => ({
      vaddr: sg.vaddr,
      memsz: sg.memsz,
      data: sg.data,
      read: (sg.flags & PF_R) !== 0,
      write: (sg.flags & PF_W) !== 0,
      execute: (sg.flags & PF_X) !== 0,
    })),
    // Defined symbols only (section index 0 is an undefined reference).
    symbols: new Map(
      elf.symbols.filter((y) => y.shndx !== 0).map((y) => [y.name, { value: y.value, size: y.size }]),
    ),
  };
}

/** One page of an ELF PD image: its contents and the union of the permissions of its segments. */
export interface ElfPage {
  vaddr: number;
  bytes: Uint8Array;
  read: boolean;
  write: boolean;
  execute: boolean;
}

const PAGE = 0x1000;
const NAME_BYTES = 64;

/** A build problem with an ELF image, phrased like the Microkit tool's errors. */
export class ElfImageError extends Error {}

/**
 * The pages of `pd`'s image with the patched symbols written in. `toolPaddr` learns where the
 * physical address of a tool-allocated region goes (page vaddr and offset), as it is not known yet.
 */
export function elfPdPages(
  sys: SdfSystem,
  pd: SdfProtectionDomain,
  elf: ElfProgram,
  toolPaddr: (mr: string, pageVaddr: number, offset: number) => void = () => undefined,
): ElfPage[] {
  const pages = new Map<number, ElfPage>();
  for (const seg of elf.segments) {
    if (seg.memsz === 0) continue;
    const first = Math.floor(seg.vaddr / PAGE) * PAGE;
    for (let va = first; va < seg.vaddr + seg.memsz; va += PAGE) {
      let p = pages.get(va);
      if (p === undefined) {
        p = { vaddr: va, bytes: new Uint8Array(PAGE), read: false, write: false, execute: false };
        pages.set(va, p);
      }
      p.read ||= seg.read;
      p.write ||= seg.write;
      p.execute ||= seg.execute;
    }
    copyIn(pages, seg.vaddr, seg.data);
  }

  const put = (symbol: string, bytes: Uint8Array, required: boolean): void => {
    const s = elf.symbols.get(symbol);
    if (s === undefined) {
      if (required) throw new ElfImageError(`Could not find '${symbol}' symbol in ELF for PD '${pd.name}'`);
      return;
    }
    if (!inImage(pages, s.value, bytes.length))
      throw new ElfImageError(`symbol '${symbol}' of PD '${pd.name}' is not inside a loadable segment`);
    copyIn(pages, s.value, bytes);
  };
  const name = new Uint8Array(NAME_BYTES);
  for (let i = 0; i < pd.name.length && i < NAME_BYTES; i++) name[i] = pd.name.charCodeAt(i) & 0xff;
  put("microkit_name", name, true);
  put("microkit_passive", new Uint8Array([pd.passive ? 1 : 0]), true);
  const sv = pdSymbolValues(sys, pd);
  put("microkit_irqs", le64(sv.irqs), true);
  put("microkit_notifications", le64(sv.notifications), true);
  put("microkit_pps", le64(sv.pps), true);
  put("microkit_ioports", le64(0n), false);
  for (const v of sv.vars) {
    const s = elf.symbols.get(v.symbol);
    if (v.toolRegion !== null && s !== undefined) {
      const page = Math.floor(s.value / PAGE) * PAGE;
      toolPaddr(v.toolRegion, page, s.value - page);
    }
    put(v.symbol, le64(v.value), true);
  }
  return [...pages.values()].sort((a, b) => a.vaddr - b.vaddr);
}

function le64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

function inImage(pages: Map<number, ElfPage>, vaddr: number, len: number): boolean {
  for (let va = Math.floor(vaddr / PAGE) * PAGE; va < vaddr + len; va += PAGE)
    if (!pages.has(va)) return false;
  return true;
}

function copyIn(pages: Map<number, ElfPage>, vaddr: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length;) {
    const va = vaddr + i;
    const page = Math.floor(va / PAGE) * PAGE;
    const p = pages.get(page);
    const n = Math.min(bytes.length - i, page + PAGE - va);
    if (p !== undefined) p.bytes.set(bytes.subarray(i, i + n), va - page);
    i += n;
  }
}
