// A minimal WebAssembly binary writer for the translator's generated code (wasm-codegen.ts): LEB128
// numbers, structured control with labels resolved to branch depths, and the module sections
// one trace needs (types, imported memory and helpers, its functions, one export).

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
/** Block type of a block without result. */
export const VOID = 0x40;

/** Opcodes used (names as in the WebAssembly text format). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  drop: 0x1a,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  i32_load: 0x28,
  i64_load: 0x29,
  f64_load: 0x2b,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  f64_store: 0x39,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  i32_const: 0x41,
  i64_const: 0x42,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_gt_s: 0x4a,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i64_trunc_f64_s: 0xb0,
  f64_convert_i32_s: 0xb7,
  f64_convert_i64_s: 0xb9,
} as const;

/** A growing byte buffer with LEB128 writers. */
export class Bytes {
  buf = new Uint8Array(1024);
  len = 0;

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.len++] = b;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  u(v: number): void {
    do {
      const b = v % 128;
      v = Math.floor(v / 128);
      this.byte(v !== 0 ? b | 0x80 : b);
    } while (v !== 0);
  }

  /** Signed LEB128 of a safe integer (i32 and i64 immediates). */
  s(v: number): void {
    for (;;) {
      const b = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  append(o: Bytes): void {
    let cap = this.buf.length;
    while (this.len + o.len > cap) cap *= 2;
    if (cap !== this.buf.length) {
      const n = new Uint8Array(cap);
      n.set(this.buf.subarray(0, this.len));
      this.buf = n;
    }
    this.buf.set(o.buf.subarray(0, o.len), this.len);
    this.len += o.len;
  }

  /** A length-prefixed copy (section and function bodies). */
  sized(o: Bytes): void {
    this.u(o.len);
    this.append(o);
  }

  str(s: string): void {
    this.u(s.length);
    for (let k = 0; k < s.length; k++) this.byte(s.charCodeAt(k));
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A function body under construction: opcodes, with branch labels named by number. */
export class Code extends Bytes {
  // The labels of the enclosing blocks, innermost last (-1 for an unnamed one).
  private readonly labels: number[] = [];

  op(o: number): void {
    this.byte(o);
  }

  /** Opens a block, loop or if (`kind`) named `label` (or unnamed, -1), of block type `type`. */
  open(kind: number, label = -1, type = VOID): void {
    this.byte(kind);
    this.byte(type);
    this.labels.push(label);
  }

  else(): void {
    this.byte(Op.else);
  }

  end(): void {
    this.byte(Op.end);
    this.labels.pop();
  }

  private depth(label: number): number {
    const k = this.labels.lastIndexOf(label);
    if (k < 0) throw new Error(`no label ${label}`);
    return this.labels.length - 1 - k;
  }

  br(label: number): void {
    this.byte(Op.br);
    this.u(this.depth(label));
  }

  brIf(label: number): void {
    this.byte(Op.br_if);
    this.u(this.depth(label));
  }

  brTable(targets: readonly number[], dflt: number): void {
    this.byte(Op.br_table);
    this.u(targets.length);
    for (const t of targets) this.u(this.depth(t));
    this.u(this.depth(dflt));
  }

  get(l: number): void {
    this.byte(Op.local_get);
    this.u(l);
  }

  set(l: number): void {
    this.byte(Op.local_set);
    this.u(l);
  }

  tee(l: number): void {
    this.byte(Op.local_tee);
    this.u(l);
  }

  i32(v: number): void {
    this.byte(Op.i32_const);
    this.s(v | 0);
  }

  i64(v: number): void {
    this.byte(Op.i64_const);
    this.s(v);
  }

  call(f: number): void {
    this.byte(Op.call);
    this.u(f);
  }

  /** An indirect call through table 0 with function type `type` (the index is on the stack). */
  callIndirect(type: number): void {
    this.byte(Op.call_indirect);
    this.u(type);
    this.byte(0);
  }

  /** A load or store with alignment log2 `align` at constant `offset` from the address operand. */
  mem(o: number, align: number, offset: number): void {
    this.byte(o);
    this.u(align);
    this.u(offset);
  }
}

/** A function type: parameter and result value types. */
export interface FuncType {
  params: readonly number[];
  results: readonly number[];
}

export interface ModuleSpec {
  types: readonly FuncType[];
  /** Imported functions (module "j"): name and type index. */
  imports: readonly { name: string; type: number }[];
  /** Defined functions: type index, locals (value types, in order after the params) and body (without the final end). */
  funcs: readonly { type: number; locals: readonly number[]; body: Code }[];
  /** Exported functions: name and function index. */
  exports: readonly { name: string; func: number }[];
  /** Imports table "j"."tab" (funcref) as table 0. */
  table?: boolean;
}

function section(out: Bytes, id: number, body: Bytes): void {
  out.byte(id);
  out.sized(body);
}

/** The binary of a module that imports memory "j"."m" (any size), maybe table "j"."tab", and the given helpers. */
export function encodeModule(m: ModuleSpec): Uint8Array {
  const out = new Bytes();
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.byte(b);
  const types = new Bytes();
  types.u(m.types.length);
  for (const t of m.types) {
    types.byte(0x60);
    types.u(t.params.length);
    for (const p of t.params) types.byte(p);
    types.u(t.results.length);
    for (const r of t.results) types.byte(r);
  }
  section(out, 1, types);
  const imports = new Bytes();
  imports.u(m.imports.length + (m.table === true ? 2 : 1));
  imports.str("j");
  imports.str("m");
  imports.byte(0x02);
  imports.byte(0x00);
  imports.u(0);
  if (m.table === true) {
    imports.str("j");
    imports.str("tab");
    imports.byte(0x01); // a table
    imports.byte(0x70); // of funcref
    imports.byte(0x00); // minimum size only
    imports.u(0);
  }
  for (const i of m.imports) {
    imports.str("j");
    imports.str(i.name);
    imports.byte(0x00);
    imports.u(i.type);
  }
  section(out, 2, imports);
  const funcs = new Bytes();
  funcs.u(m.funcs.length);
  for (const f of m.funcs) funcs.u(f.type);
  section(out, 3, funcs);
  const exports = new Bytes();
  exports.u(m.exports.length);
  for (const e of m.exports) {
    exports.str(e.name);
    exports.byte(0x00);
    exports.u(e.func);
  }
  section(out, 7, exports);
  const code = new Bytes();
  code.u(m.funcs.length);
  for (const f of m.funcs) {
    const body = new Bytes();
    // Locals as runs of one type.
    const runs: [number, number][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    body.u(runs.length);
    for (const [n, t] of runs) {
      body.u(n);
      body.byte(t);
    }
    body.append(f.body);
    body.byte(Op.end);
    code.sized(body);
  }
  section(out, 10, code);
  return out.bytes();
}
