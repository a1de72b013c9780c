// A minimal ELF64 reader for the SDK tests: program headers and the symbol table.

export interface Segment {
  type: number;
  flags: number;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
}

export interface Elf {
  machine: number;
  entry: bigint;
  segments: Segment[];
  symbols: Map<string, ElfSymbol>;
}

export const PT_LOAD = 1;
export const EM_RISCV = 243;

export function readElf(bytes: Uint8Array): Elf {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1)
    throw new Error("not a little-endian ELF64");
  const machine = v.getUint16(0x12, true);
  const entry = v.getBigUint64(0x18, true);
  const phoff = Number(v.getBigUint64(0x20, true));
  const shoff = Number(v.getBigUint64(0x28, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    segments.push({
      type: v.getUint32(o, true),
      flags: v.getUint32(o + 4, true),
      vaddr: v.getBigUint64(o + 16, true),
      filesz: v.getBigUint64(o + 32, true),
      memsz: v.getBigUint64(o + 40, true),
    });
  }
  const symbols = new Map<string, ElfSymbol>();
  const section = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: v.getUint32(o + 4, true),
      offset: Number(v.getBigUint64(o + 24, true)),
      size: Number(v.getBigUint64(o + 32, true)),
      link: v.getUint32(o + 40, true),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== 2) continue; // SHT_SYMTAB
    const strtab = section(s.link);
    for (let o = s.offset; o < s.offset + s.size; o += 24) {
      let end = strtab.offset + v.getUint32(o, true);
      const start = end;
      while (bytes[end] !== 0) end++;
      const name = new TextDecoder().decode(bytes.subarray(start, end));
      if (name !== "") {
        symbols.set(name, { name, value: v.getBigUint64(o + 8, true), size: v.getBigUint64(o + 16, true) });
      }
    }
  }
  return { machine, entry, segments, symbols };
}

/** Whether [addr, addr + size) lies in the file-backed part of a loadable segment. */
export function fileBacked(elf: Elf, addr: bigint, size: bigint): boolean {
  return elf.segments.some((s) => s.type === PT_LOAD && addr >= s.vaddr && addr + size <= s.vaddr + s.filesz);
}
