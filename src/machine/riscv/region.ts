// What the translator reads of a code page: instructions decoded from RAM, the region a trace
// covers (translate.ts says which), the words that region's code occupies and their bits, and the
// per-page and per-trace records the dispatcher keeps.

import * as decode from "./decode.ts";
import * as cg from "./codegen.ts";
import type { TInst } from "./codegen.ts";
import * as O from "./ops.ts";
import type { TraceFn, WasmTrace, WasmVerify } from "./wasm-backend.ts";

const { decodeInto } = decode;
const { endsBlock, translatable } = cg;
const { SLOT_WORDS, OP_JALR, OP_ECALL, OP_EBREAK, OP_ILLEGAL, OP_FENCE_I, OP_JAL, OP_BEQ, OP_BGEU, X_SINK } =
  O;

/** Most instructions in one region. */
export const MAX_TRACE = 256;

export class Trace {
  epoch = -1;
  constructor(
    readonly fn: TraceFn,
    /** The WebAssembly export fn wraps, which the dispatcher calls directly; null for JavaScript. */
    readonly wasm: WasmTrace | null,
    /** Its slot in the WebAssembly runner (wasm-chain.ts); -1 for JavaScript. */
    readonly idx: number,
    /** Its module's check of its code (1 if unchanged), for WebAssembly traces. */
    readonly check: WasmVerify | null,
    /**
     * The 32-bit words of the page its instructions lie in, as runs: (first word, word count)
     * pairs, and the bits all those words held when translated, in order.
     */
    readonly spans: Int32Array,
    readonly bits: Int32Array,
  ) {}
}

export class CodePage {
  readonly traces: (Trace | undefined)[] = new Array<Trace | undefined>(2048).fill(undefined);
  readonly hits = new Uint16Array(2048);
  /** Instructions to the end of the basic block from each halfword (0 = not known). */
  readonly blockLen = new Uint8Array(2048);
  /** Instructions interpreted in the page since code was last compiled for it. */
  work = 0;
  /** True once a trace of this page exists: the dispatcher then hands the interpreter single blocks. */
  traced = false;
  /** Halfwords where an instruction some trace holds starts. */
  readonly covered = new Uint8Array(2048);
}

/** A region of a page: its instructions (by offset), the words they occupy as (first, count) runs, and those words' bits. */
export interface Region {
  insts: TInst[];
  spans: Int32Array;
  bits: Int32Array;
}

/** Reads code from RAM (a view of the whole of it). */
export class CodeReader {
  private readonly scratch = new Int32Array(SLOT_WORDS);
  private readonly u16: Uint16Array;
  private readonly i32: Int32Array;

  constructor(buf: ArrayBufferLike) {
    this.u16 = new Uint16Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /** Decodes the instruction at page offset `off` of the RAM page at `base`; null if it straddles the page end. */
  decodeAt(base: number, off: number, out: TInst): boolean {
    const ro = base + off;
    let w: number;
    if ((off & 2) === 0) w = this.i32[ro >>> 2];
    else if (off !== 4094) w = this.u16[ro >>> 1] | (this.u16[(ro >>> 1) + 1] << 16);
    else {
      w = this.u16[ro >>> 1];
      if ((w & 3) === 3) return false;
    }
    const c = this.scratch;
    decodeInto(c, 0, w);
    const p = c[1];
    out.off = off;
    out.op = p & 255;
    out.rd = (p >>> 8) & 63;
    out.rs1 = (p >>> 16) & 63;
    out.rs2 = (p >>> 24) & 31;
    out.imm = c[2];
    out.len = 2 + ((p >>> 28) & 2);
    out.w = out.len === 2 ? w & 0xffff : w;
    return true;
  }

  /** Instructions from `off` to the end of its basic block (what a cold run interprets). */
  blockLength(base: number, off: number): number {
    const t: TInst = { off: 0, op: 0, rd: 0, rs1: 0, rs2: 0, imm: 0, len: 0, w: 0 };
    let k = 0;
    while (k < 64 && off < 4096) {
      if (!this.decodeAt(base, off, t)) return k + 1;
      k++;
      if (endsBlock(t.op) || !translatable(t.op)) break;
      off += t.len;
    }
    return k;
  }

  /**
   * The region of the RAM page at `base` entered at `off`: what is reachable from there through
   * fall-through, branches (both ways), direct jumps and the return points of calls, up to
   * MAX_TRACE instructions, each path ending before an instruction the interpreter keeps and
   * after a jalr, ecall, ebreak, illegal instruction or fence.i; null if there is none.
   */
  region(base: number, off: number): Region | null {
    const insts: TInst[] = [];
    const seen = new Set<number>();
    const work = [off];
    while (work.length > 0 && insts.length < MAX_TRACE) {
      let next = work.pop()!;
      for (;;) {
        if (next < 0 || next >= 4096 || seen.has(next) || insts.length >= MAX_TRACE) break;
        const t: TInst = { off: 0, op: 0, rd: 0, rs1: 0, rs2: 0, imm: 0, len: 0, w: 0 };
        if (!this.decodeAt(base, next, t) || !translatable(t.op)) break;
        insts.push(t);
        seen.add(next);
        const op = t.op;
        // After a call (a jump that links), the return lands on the next instruction.
        if ((op === OP_JAL || op === OP_JALR) && t.rd !== X_SINK) work.push(next + t.len);
        if (op === OP_JALR || op === OP_ECALL || op === OP_EBREAK || op === OP_ILLEGAL || op === OP_FENCE_I)
          break;
        if (op === OP_JAL) next += t.imm;
        else {
          // A conditional branch: its target later, the fall-through now.
          if (op >= OP_BEQ && op <= OP_BGEU) work.push(next + t.imm);
          next += t.len;
        }
      }
    }
    insts.sort((a, b) => a.off - b.off);
    if (insts.length === 0) return null;
    // The words the instructions occupy (insts is sorted by offset), merged into runs.
    const runs: number[] = [];
    let words = 0;
    for (const t of insts) {
      const w0 = t.off >> 2;
      const w1 = (t.off + t.len - 1) >> 2;
      const n = runs.length;
      if (n > 0 && w0 <= runs[n - 2] + runs[n - 1]) {
        const end = Math.max(runs[n - 2] + runs[n - 1], w1 + 1);
        words += end - (runs[n - 2] + runs[n - 1]);
        runs[n - 1] = end - runs[n - 2];
      } else {
        runs.push(w0, w1 - w0 + 1);
        words += w1 - w0 + 1;
      }
    }
    const spans = Int32Array.from(runs);
    const bits = new Int32Array(words);
    const i32 = this.i32;
    const b = base >>> 2;
    let h = 0;
    for (let r = 0; r < spans.length; r += 2)
      for (let w = spans[r]; w < spans[r] + spans[r + 1]; w++) bits[h++] = i32[b + w];
    return { insts, spans, bits };
  }
}
