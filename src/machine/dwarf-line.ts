// Source locations of machine code: an ELF file's sections, its function symbols, and the DWARF
// line-number program (.debug_line, DWARF 2–5, as GCC and Clang emit it with -g), enough to turn
// a faulting pc into "function at file:line". The line program is a small state machine that
// produces (address, file, line) rows (DWARF 5 §6.2); we run it and keep the rows. Read only on a
// fault report, so clarity wins over speed here.

export interface SourceLocation {
  /** The function symbol the pc lies in, if any. */
  func: string | null;
  /** Source file and line from the line table, if the file has one. */
  file: string | null;
  line: number;
}

interface Section {
  name: string;
  type: number;
  offset: number;
  size: number;
  link: number;
}

const SHT_SYMTAB = 2;
const STT_FUNC = 2;

/** The sections of a 64-bit little-endian ELF file (empty if it has none or looks wrong). */
function sections(b: Uint8Array): Section[] {
  if (b.length < 64 || b[0] !== 0x7f || b[1] !== 0x45 || b[4] !== 2 || b[5] !== 1) return [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  if (shentsize < 64 || shoff + shnum * shentsize > b.length || shstrndx >= shnum) return [];
  const raw: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      name: String(v.getUint32(o, true)),
      type: v.getUint32(o + 4, true),
      offset: Number(v.getBigUint64(o + 24, true)),
      size: Number(v.getBigUint64(o + 32, true)),
      link: v.getUint32(o + 40, true),
    });
  }
  const strtab = raw[shstrndx];
  for (const s of raw) s.name = cString(b, strtab.offset + Number(s.name));
  // Indices stay as in the file (sh_link refers to them); a section that does not fit is emptied
  // (.bss and other NOBITS sections have a size but no bytes).
  for (const s of raw) if (s.offset + s.size > b.length) s.size = 0;
  return raw;
}

function cString(b: Uint8Array, at: number): string {
  let end = at;
  while (end < b.length && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(at, end));
}

/** A little reader over a byte range. */
class Reader {
  private readonly v: DataView;
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u8(): number {
    return this.b[this.pos++];
  }
  u16(): number {
    const x = this.v.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32(): number {
    const x = this.v.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  u64(): number {
    const x = Number(this.v.getBigUint64(this.pos, true));
    this.pos += 8;
    return x;
  }
  uleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0 || this.pos >= this.b.length) return result;
    }
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let byte: number;
    do {
      byte = this.u8();
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80 && this.pos < this.b.length);
    return byte & 0x40 ? result - mul : result;
  }
  str(): string {
    const s = cString(this.b, this.pos);
    while (this.pos < this.b.length && this.b[this.pos] !== 0) this.pos++;
    this.pos++;
    return s;
  }
}

interface Row {
  address: number;
  file: string;
  line: number;
  end: boolean;
}

// DWARF forms that line-table headers use (DWARF 5 §7.5.6).
const DW_FORM_block = 0x09;
const DW_FORM_data1 = 0x0b;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_data16 = 0x1e;
const DW_FORM_string = 0x08;
const DW_FORM_strp = 0x0e;
const DW_FORM_line_strp = 0x1f;
const DW_FORM_udata = 0x0f;
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

/** Run every line-number program in .debug_line; the rows of all sequences. */
function lineRows(b: Uint8Array, secs: Section[]): Row[] {
  const line = secs.find((s) => s.name === ".debug_line");
  if (line === undefined) return [];
  const lineStr = secs.find((s) => s.name === ".debug_line_str");
  const str = secs.find((s) => s.name === ".debug_str");
  const rows: Row[] = [];
  const r = new Reader(b, line.offset);
  const end = line.offset + line.size;
  while (r.pos + 4 <= end) {
    let unitLength = r.u32();
    let offset64 = false;
    if (unitLength === 0xffffffff) {
      unitLength = r.u64();
      offset64 = true;
    }
    const unitEnd = r.pos + unitLength;
    if (unitEnd > end) break;
    const version = r.u16();
    let addressSize = 8;
    if (version >= 5) {
      addressSize = r.u8();
      r.u8(); // segment selector size
    }
    const headerLength = offset64 ? r.u64() : r.u32();
    const programStart = r.pos + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8(); // maximum operations per instruction (1 on RISC-V)
    const defaultIsStmt = r.u8() !== 0;
    const lineBase = (r.u8() << 24) >> 24;
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    const opLengths = [0];
    for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());
    const dirs: string[] = [];
    const files: string[] = [];
    const offsetIn = (sec: Section | undefined, off: number): string =>
      sec === undefined ? "" : cString(b, sec.offset + off);
    if (version >= 5) {
      const entries = (): { path: string; dir: number }[] => {
        const formats: [number, number][] = [];
        const n = r.u8();
        for (let i = 0; i < n; i++) formats.push([r.uleb(), r.uleb()]);
        const count = r.uleb();
        const out: { path: string; dir: number }[] = [];
        for (let i = 0; i < count; i++) {
          const e = { path: "", dir: 0 };
          for (const [content, form] of formats) {
            let value: string | number = 0;
            if (form === DW_FORM_string) value = r.str();
            else if (form === DW_FORM_line_strp) value = offsetIn(lineStr, offset64 ? r.u64() : r.u32());
            else if (form === DW_FORM_strp) value = offsetIn(str, offset64 ? r.u64() : r.u32());
            else if (form === DW_FORM_udata) value = r.uleb();
            else if (form === DW_FORM_data1) value = r.u8();
            else if (form === DW_FORM_data2) value = r.u16();
            else if (form === DW_FORM_data4) value = r.u32();
            else if (form === DW_FORM_data8) value = r.u64();
            else if (form === DW_FORM_data16) r.pos += 16;
            else if (form === DW_FORM_block) r.pos += r.uleb();
            else return out; // a form this reader does not know: stop here
            if (content === DW_LNCT_path && typeof value === "string") e.path = value;
            if (content === DW_LNCT_directory_index && typeof value === "number") e.dir = value;
          }
          out.push(e);
        }
        return out;
      };
      for (const d of entries()) dirs.push(d.path);
      for (const f of entries()) files.push(join(dirs[f.dir] ?? "", f.path));
    } else {
      dirs.push("");
      for (let d = r.str(); d !== ""; d = r.str()) dirs.push(d);
      files.push(""); // DWARF 2–4 files count from 1
      for (let f = r.str(); f !== ""; f = r.str()) {
        const dir = r.uleb();
        r.uleb();
        r.uleb();
        files.push(join(dirs[dir] ?? "", f));
      }
    }
    r.pos = programStart;
    let address = 0;
    let file = 1;
    let lineNo = 1;
    const emit = (endSeq: boolean): void => {
      rows.push({ address, file: files[file] ?? "?", line: lineNo, end: endSeq });
    };
    let isStmt = defaultIsStmt;
    while (r.pos < unitEnd) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        address += Math.floor(adj / lineRange) * minInst;
        lineNo += lineBase + (adj % lineRange);
        emit(false);
      } else if (op === 0) {
        const len = r.uleb();
        const next = r.pos + len;
        const sub = r.u8();
        if (sub === 1) {
          emit(true);
          address = 0;
          file = 1;
          lineNo = 1;
          isStmt = defaultIsStmt;
        } else if (sub === 2) {
          address = addressSize === 4 ? r.u32() : r.u64();
        }
        r.pos = next;
      } else if (op === 1) emit(false);
      else if (op === 2) address += r.uleb() * minInst;
      else if (op === 3) lineNo += r.sleb();
      else if (op === 4) file = r.uleb();
      else if (op === 5) r.uleb();
      else if (op === 6) isStmt = !isStmt;
      else if (op === 8) address += Math.floor((255 - opcodeBase) / lineRange) * minInst;
      else if (op === 9) address += r.u16();
      else for (let i = 0; i < opLengths[op]; i++) r.uleb();
    }
    void isStmt;
    r.pos = unitEnd;
  }
  return rows;
}

function join(dir: string, path: string): string {
  if (dir === "" || path.startsWith("/")) return path;
  return `${dir}/${path}`;
}

/** What a program's ELF file says about its code: function symbols and line rows. */
export class SourceMap {
  private readonly funcs: { name: string; start: number; end: number }[] = [];
  private readonly rows: Row[];

  constructor(elf: Uint8Array) {
    const secs = sections(elf);
    const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
    for (const s of secs) {
      if (s.type !== SHT_SYMTAB || s.link >= secs.length) continue;
      const strings = secs[s.link];
      for (let o = s.offset + 24; o + 24 <= s.offset + s.size; o += 24) {
        if ((elf[o + 4] & 0xf) !== STT_FUNC) continue;
        const start = Number(v.getBigUint64(o + 8, true));
        const size = Number(v.getBigUint64(o + 16, true));
        this.funcs.push({
          name: cString(elf, strings.offset + v.getUint32(o, true)),
          start,
          end: start + Math.max(size, 1),
        });
      }
    }
    this.rows = lineRows(elf, secs);
  }

  /** The function and source line of the instruction at `pc` (each null when unknown). */
  locate(pc: number): SourceLocation {
    const f = this.funcs.find((x) => pc >= x.start && pc < x.end);
    let best: Row | null = null;
    for (let i = 0; i + 1 < this.rows.length; i++) {
      const row = this.rows[i];
      if (row.end) continue;
      const next = this.rows[i + 1];
      if (row.address <= pc && pc < next.address && (best === null || row.address >= best.address))
        best = row;
    }
    return { func: f?.name ?? null, file: best?.file ?? null, line: best?.line ?? 0 };
  }
}

/** "func at file:line", "func", or null. */
export function describeLocation(l: SourceLocation, pc: number): string | null {
  const at = `0x${pc.toString(16)}`;
  if (l.file !== null && l.func !== null) return `${l.func} (${l.file}:${l.line}), pc ${at}`;
  if (l.file !== null) return `${l.file}:${l.line}, pc ${at}`;
  if (l.func !== null) return `${l.func}, pc ${at} (build with -g for the source line)`;
  return null;
}
