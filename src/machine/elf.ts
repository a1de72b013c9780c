// ELF64 little-endian RISC-V executables: program headers (the loadable segments), the entry
// point and the symbol table. Pure: bytes in, a description out; no I/O. Symbols are exposed so
// that tools can find (and patch) variables such as Microkit's `microkit_name` by name.

export const EM_RISCV = 243;
export const ET_EXEC = 2;
export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
const SHT_SYMTAB = 2;

export class ElfError extends Error {}

export interface ElfSegment {
  /** Virtual address of the segment's first byte. */
  vaddr: number;
  /** Physical address field (the loader's business; seL4's elfloader uses it). */
  paddr: number;
  /** Bytes in memory; the part past `data.length` is zero (.bss). */
  memsz: number;
  /** The file bytes (a view into the input, filesz bytes long). */
  data: Uint8Array;
  /** PF_R | PF_W | PF_X bits. */
  flags: number;
  align: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* (low nibble of st_info): 0 none, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_* (high nibble): 0 local, 1 global, 2 weak. */
  bind: number;
  /** Section index (0 undefined, 0xfff1 absolute). */
  shndx: number;
}

export interface ElfFile {
  entry: number;
  type: number;
  machine: number;
  flags: number;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

/** Parses an ELF64 LE RISC-V executable; throws ElfError on anything malformed or unsupported. */
export function parseElf(bytes: Uint8Array): ElfFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (off: number, len: number, what: string): void => {
    if (!Number.isSafeInteger(off) || off < 0 || len < 0 || off + len > bytes.length)
      throw new ElfError(`${what} lies outside the file`);
  };
  // The magic number first: a short file that is not an ELF at all should be told so.
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    throw new ElfError("not an ELF file");
  need(0, 64, "the ELF header");
  if (bytes[4] !== 2) throw new ElfError("not a 64-bit ELF file");
  if (bytes[5] !== 1) throw new ElfError("not a little-endian ELF file");
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number, what: string): number => {
    const v = dv.getUint32(o + 4, true) * 2 ** 32 + dv.getUint32(o, true);
    if (v > Number.MAX_SAFE_INTEGER) throw new ElfError(`${what} 0x${v.toString(16)} is too large`);
    return v;
  };
  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_RISCV) throw new ElfError(`not a RISC-V ELF file (e_machine ${machine})`);
  if (type !== ET_EXEC) throw new ElfError(`not an executable (e_type ${type}); link with -static`);
  const entry = u64(24, "entry point");
  const phoff = u64(32, "program header offset");
  const shoff = u64(40, "section header offset");
  const flags = u32(48);
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);

  const segments: ElfSegment[] = [];
  if (phnum > 0 && phentsize < 56) throw new ElfError("bad program header size");
  need(phoff, phnum * phentsize, "the program header table");
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (u32(o) !== PT_LOAD) continue;
    const off = u64(o + 8, "segment offset");
    const vaddr = u64(o + 16, "segment address");
    const paddr = u64(o + 24, "segment physical address");
    const filesz = u64(o + 32, "segment file size");
    const memsz = u64(o + 40, "segment size");
    if (filesz > memsz) throw new ElfError(`segment ${i}: file size exceeds memory size`);
    need(off, filesz, `segment ${i}`);
    segments.push({
      vaddr,
      paddr,
      memsz,
      data: bytes.subarray(off, off + filesz),
      flags: u32(o + 4),
      align: u64(o + 48, "segment alignment"),
    });
  }

  const symbols: ElfSymbol[] = [];
  if (shnum > 0) {
    if (shentsize < 64) throw new ElfError("bad section header size");
    need(shoff, shnum * shentsize, "the section header table");
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      if (u32(o + 4) !== SHT_SYMTAB) continue;
      const symOff = u64(o + 24, "symbol table offset");
      const symSize = u64(o + 32, "symbol table size");
      const link = u32(o + 40);
      const entsize = u64(o + 56, "symbol size") || 24;
      if (link >= shnum) throw new ElfError("symbol table without a string table");
      const so = shoff + link * shentsize;
      const strOff = u64(so + 24, "string table offset");
      const strSize = u64(so + 32, "string table size");
      need(symOff, symSize, "the symbol table");
      need(strOff, strSize, "the string table");
      const strings = bytes.subarray(strOff, strOff + strSize);
      for (let k = 1; k * entsize + 24 <= symSize; k++) {
        const e = symOff + k * entsize;
        const info = bytes[e + 4];
        symbols.push({
          name: cString(strings, u32(e)),
          value: u64(e + 8, "symbol value"),
          size: u64(e + 16, "symbol size"),
          type: info & 0xf,
          bind: info >> 4,
          shndx: u16(e + 6),
        });
      }
    }
  }
  return { entry, type, machine, flags, segments, symbols };
}

function cString(table: Uint8Array, off: number): string {
  if (off >= table.length) return "";
  let end = off;
  while (end < table.length && table[end] !== 0) end++;
  return new TextDecoder().decode(table.subarray(off, end));
}

/** The first global (or else any) symbol with that name, or undefined. */
export function findSymbol(elf: ElfFile, name: string): ElfSymbol | undefined {
  let found: ElfSymbol | undefined;
  for (const s of elf.symbols) {
    if (s.name !== name) continue;
    if (s.bind !== 0) return s;
    found ??= s;
  }
  return found;
}

/** A program image laid out flat in memory, as a loader places it. */
export interface ElfImage {
  /** Page-aligned virtual address of the image's first byte. */
  vaddr: number;
  /** Image contents from vaddr, a whole number of pages: segments copied, .bss and gaps zero. */
  bytes: Uint8Array;
  entry: number;
  /** The ELF header's e_flags (on RISC-V: RVC and the float ABI the code was built for). */
  flags?: number;
}

const PAGE = 4096;

/**
 * Flattens the loadable segments into one page-aligned image covering [lowest segment start
 * rounded down, highest segment end rounded up). Throws ElfError if there is nothing to load.
 */
export function elfImage(elf: ElfFile): ElfImage {
  const segs = elf.segments.filter((s) => s.memsz > 0);
  if (segs.length === 0) throw new ElfError("no loadable segment");
  let lo = Infinity;
  let hi = 0;
  for (const s of segs) {
    lo = Math.min(lo, s.vaddr);
    hi = Math.max(hi, s.vaddr + s.memsz);
  }
  const start = Math.floor(lo / PAGE) * PAGE;
  const end = Math.ceil(hi / PAGE) * PAGE;
  if (end - start > 1 << 30) throw new ElfError("the loadable segments span more than 1 GiB");
  const bytes = new Uint8Array(end - start);
  for (const s of segs) bytes.set(s.data, s.vaddr - start);
  return { vaddr: start, bytes, entry: elf.entry, flags: elf.flags };
}
