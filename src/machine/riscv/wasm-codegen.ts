// WebAssembly for one translated trace: the same instructions, units and contract as the
// JavaScript of codegen.ts, with each register used held in an i64 local (native 64-bit
// arithmetic, where JavaScript needs int32 pairs). RAM is the module's memory at offset 0; the
// hart's registers, the TLB sets and a small control block lie after RAM in the same memory
// (PhysicalMemory.side), so the code reads them directly and calls out only for slow accesses and
// traps.
//
// The function: trace(entry, n, limit, pageVlo, pageVhi, tlb) → code, with `tlb` the byte address
// of the current TLB set's read tags (rbase, wtag and wbase follow at 1, 2 and 3 KiB). At its exit
// it stores n (instructions run and not yet charged) at ctl+0 and, except after TRACE_PC_SET, the
// page offset of the next instruction as an f64 at ctl+8; slow loads leave their value at ctl+16.
// Within a trace a forward jump to one of its units is a direct branch, a backward one goes
// through the dispatch (a br_table on the page offset) at the top of the loop.

import * as O from "./ops.ts";
import { leaves, regsOf, unitStarts, TRACE_BUDGET, TRACE_JUMP, TRACE_NEXT, type TInst } from "./codegen.ts";
import { Code, encodeModule, I32, I64, Op, type ModuleSpec } from "./wasm-encode.ts";
import {
  GenBase,
  joinHalves,
  WASM_IMPORTS,
  F_TRAP,
  F_JALRFAULT,
  F_TRACE,
  F_MULHU,
  TYPES,
  L_ENTRY,
  L_N,
  L_LIMIT,
  L_PVLO,
  L_PVHI,
  L_PC,
  L_CODE,
  L_PAGEV,
  L_T,
  L_T2,
  L_REG0,
  FIXED_LOCALS,
  CPU_ECALL,
  LBL_DONE,
  LBL_EXIT,
  LBL_LOOP,
  LBL_DFLT,
  LBL_SELF,
  LOADS,
  STORES,
  BINARY,
  IMMEDIATE,
  WORD,
  BRANCH,
  type WasmLayout,
} from "./wasm-frame.ts";

export { WASM_IMPORTS, wasmTranslatable, type WasmLayout } from "./wasm-frame.ts";

class Gen extends GenBase {
  jalr(i: TInst): void {
    const c = this.c;
    this.reg(i.rs1);
    c.i64(i.imm);
    c.op(Op.i64_add);
    c.i64(-2);
    c.op(Op.i64_and);
    c.set(L_T);
    if (i.rd !== 0 && i.rd < 32) {
      c.get(L_PAGEV);
      c.i64(i.off + i.len);
      c.op(Op.i64_add);
      this.setRd(i.rd);
    }
    c.get(L_T);
    c.i64(38);
    c.op(Op.i64_shr_u);
    c.op(Op.i64_eqz);
    c.op(Op.i32_eqz);
    c.open(Op.if);
    this.uncount();
    this.halves(L_T);
    c.call(F_JALRFAULT);
    c.set(L_CODE);
    c.br(LBL_DONE);
    c.end();
    c.get(L_T);
    c.get(L_PAGEV);
    c.op(Op.i64_sub);
    c.tee(L_T2);
    c.i64(4096);
    c.op(Op.i64_lt_u);
    c.open(Op.if);
    // Into the same page: on inside the function when it lands on one of its units.
    c.get(L_T2);
    c.op(Op.i32_wrap_i64);
    c.set(L_PC);
    c.br(LBL_LOOP);
    c.end();
    c.i32(0);
    c.get(L_T2);
    c.op(Op.f64_convert_i64_s);
    c.mem(Op.f64_store, 3, this.lay.ctl + 8);
    this.setI32(L_CODE, TRACE_JUMP);
    c.br(LBL_DONE);
  }

  /** Division and remainder with RISC-V's results for a zero divisor and overflow (no wasm trap). */
  divide(i: TInst): void {
    const c = this.c;
    const word = i.op >= O.OP_DIVW;
    const k = i.op - (word ? O.OP_DIVW : O.OP_DIV); // 0 div, 1 divu, 2 rem, 3 remu
    const T = word ? I32 : I64;
    const operand = (r: number): void => {
      this.reg(r);
      if (word) c.op(Op.i32_wrap_i64);
    };
    const zero = (): void => (word ? c.i32(0) : c.i64(0));
    // b == 0?
    operand(i.rs2);
    c.op(word ? Op.i32_eqz : Op.i64_eqz);
    c.open(Op.if, -1, T);
    if (k >= 2) operand(i.rs1);
    else if (word) c.i32(-1);
    else c.i64(-1);
    c.else();
    if (k === 0 || k === 2) {
      // a == MIN && b == -1: the quotient is a, the remainder 0.
      operand(i.rs1);
      if (word) c.i32(-0x80000000);
      else c.i64(-(2 ** 63));
      c.op(word ? Op.i32_eq : Op.i64_eq);
      operand(i.rs2);
      if (word) c.i32(-1);
      else c.i64(-1);
      c.op(word ? Op.i32_eq : Op.i64_eq);
      c.op(Op.i32_and);
      c.open(Op.if, -1, T);
      if (k === 0) operand(i.rs1);
      else zero();
      c.else();
    }
    operand(i.rs1);
    operand(i.rs2);
    const ops = word
      ? [Op.i32_div_s, Op.i32_div_u, Op.i32_rem_s, Op.i32_rem_u]
      : [Op.i64_div_s, Op.i64_div_u, Op.i64_rem_s, Op.i64_rem_u];
    c.op(ops[k]);
    if (k === 0 || k === 2) c.end();
    c.end();
    if (word) c.op(Op.i64_extend_i32_s);
    this.setRd(i.rd);
  }

  /** The high 64 bits of the product (mulh, mulhsu, mulhu). */
  mulh(i: TInst): void {
    const c = this.c;
    const k = i.op - O.OP_MULH; // 0 signed×signed, 1 signed×unsigned, 2 unsigned×unsigned
    this.reg(i.rs1);
    this.reg(i.rs2);
    c.call(F_MULHU);
    // Signed operands: subtract the other operand where one is negative.
    if (k <= 1) {
      this.reg(i.rs1);
      c.i64(63);
      c.op(Op.i64_shr_s);
      this.reg(i.rs2);
      c.op(Op.i64_and);
      c.op(Op.i64_sub);
    }
    if (k === 0) {
      this.reg(i.rs2);
      c.i64(63);
      c.op(Op.i64_shr_s);
      this.reg(i.rs1);
      c.op(Op.i64_and);
      c.op(Op.i64_sub);
    }
    this.setRd(i.rd);
  }

  instr(i: TInst, selfLoop: boolean): void {
    const c = this.c;
    const { op, rd, rs1, rs2, imm, off, len } = i;
    if (op in LOADS) return this.load(i);
    if (op in STORES) return this.store(i);
    if (op in BRANCH) {
      this.reg(rs1);
      this.reg(rs2);
      c.op(BRANCH[op]);
      if (selfLoop) c.brIf(LBL_SELF);
      else {
        c.open(Op.if);
        this.goto(off + imm);
        c.end();
      }
      return;
    }
    const pure = rd !== 0 && rd < 32;
    if (op in BINARY) {
      if (!pure) return;
      this.reg(rs1);
      this.reg(rs2);
      c.op(BINARY[op]);
      return this.setRd(rd);
    }
    if (op in IMMEDIATE) {
      if (!pure) return;
      this.reg(rs1);
      c.i64(imm);
      c.op(IMMEDIATE[op]);
      return this.setRd(rd);
    }
    if (op in WORD) {
      if (!pure) return;
      const [wop, isImm] = WORD[op];
      this.reg(rs1);
      c.op(Op.i32_wrap_i64);
      if (isImm) c.i32(imm);
      else {
        this.reg(rs2);
        c.op(Op.i32_wrap_i64);
      }
      c.op(wop);
      c.op(Op.i64_extend_i32_s);
      return this.setRd(rd);
    }
    switch (op) {
      case O.OP_ILLEGAL:
        return this.illegal(i, len === 2 ? i.w & 0xffff : i.w);
      case O.OP_FP:
        return this.fp(i);
      case O.OP_FLOAD:
      case O.OP_FSTORE:
        return this.fpMem(i);
      case O.OP_LUI:
      case O.OP_LI:
        if (!pure) return;
        c.i64(imm);
        return this.setRd(rd);
      case O.OP_MV:
        if (!pure) return;
        this.reg(rs1);
        return this.setRd(rd);
      case O.OP_AUIPC:
      case O.OP_JAL:
        if (pure) {
          c.get(L_PAGEV);
          c.i64(off + (op === O.OP_AUIPC ? imm : len));
          c.op(Op.i64_add);
          this.setRd(rd);
        }
        return;
      case O.OP_JALR:
        return this.jalr(i);
      case O.OP_SLTI:
      case O.OP_SLTIU:
      case O.OP_SLT:
      case O.OP_SLTU:
        if (!pure) return;
        this.reg(rs1);
        if (op === O.OP_SLTI || op === O.OP_SLTIU) c.i64(imm);
        else this.reg(rs2);
        c.op(op === O.OP_SLTI || op === O.OP_SLT ? Op.i64_lt_s : Op.i64_lt_u);
        c.op(Op.i64_extend_i32_u);
        return this.setRd(rd);
      case O.OP_FENCE:
        return;
      case O.OP_FENCE_I:
        this.setI32(L_PC, off + len);
        c.br(LBL_EXIT);
        return;
      case O.OP_ECALL:
        c.i32(CPU_ECALL);
        return this.fault(off);
      case O.OP_EBREAK:
        // The breakpoint trap (scause 3, stval = its pc): the pc from this trace's own page, which
        // the runner may have chained to without the dispatcher knowing.
        c.i32(4);
        c.i32(3);
        c.i32(off);
        c.get(L_PAGEV);
        c.i64(off);
        c.op(Op.i64_add);
        c.set(L_T);
        this.halves(L_T);
        c.call(F_TRAP);
        return this.fault(off);
      case O.OP_MULH:
      case O.OP_MULHSU:
      case O.OP_MULHU:
        return pure ? this.mulh(i) : undefined;
      case O.OP_DIV:
      case O.OP_DIVU:
      case O.OP_REM:
      case O.OP_REMU:
      case O.OP_DIVW:
      case O.OP_DIVUW:
      case O.OP_REMW:
      case O.OP_REMUW:
        return pure ? this.divide(i) : undefined;
      default:
        throw new Error(`op ${op} is not translatable`);
    }
  }
}

/**
 * verify(base) → 1 if the words of the RAM page at byte offset `base` that the trace was made
 * from (spans: first word, word count pairs) still hold `bits`, else 0.
 */
function verifyBody(spans: Int32Array, bits: Int32Array): Code {
  const c = new Code();
  c.open(Op.block);
  let h = 0;
  for (let r = 0; r < spans.length; r += 2)
    for (let w = spans[r]; w < spans[r] + spans[r + 1]; w++) {
      c.get(0);
      c.mem(Op.i32_load, 2, 4 * w);
      c.i32(bits[h++]);
      c.op(Op.i32_ne);
      c.brIf(-1);
    }
  c.i32(1);
  c.op(Op.return);
  c.end();
  c.i32(0);
  return c;
}

/** mulhu(a, b): the high 64 bits of the unsigned 128-bit product, from 32-bit halves. */
function mulhuBody(): Code {
  const c = new Code();
  // locals: 0 a, 1 b, 2 p0 (al*bl), 3 p1 (al*bh), 4 p2 (ah*bl)
  const half = (x: number, high: boolean): void => {
    c.get(x);
    if (high) {
      c.i64(32);
      c.op(Op.i64_shr_u);
    } else {
      c.i64(0xffffffff);
      c.op(Op.i64_and);
    }
  };
  const prod = (ha: boolean, hb: boolean, into: number): void => {
    half(0, ha);
    half(1, hb);
    c.op(Op.i64_mul);
    c.set(into);
  };
  prod(false, false, 2);
  prod(false, true, 3);
  prod(true, false, 4);
  // mid = (p0 >> 32) + lo(p1) + lo(p2); hi = ah*bh + (p1 >> 32) + (p2 >> 32) + (mid >> 32)
  half(2, true);
  half(3, false);
  c.op(Op.i64_add);
  half(4, false);
  c.op(Op.i64_add);
  c.i64(32);
  c.op(Op.i64_shr_u);
  half(0, true);
  half(1, true);
  c.op(Op.i64_mul);
  c.op(Op.i64_add);
  half(3, true);
  c.op(Op.i64_add);
  half(4, true);
  c.op(Op.i64_add);
  return c;
}

/**
 * The module of the trace for `insts` (sorted by page offset, entered at `entry`), exporting
 * "t"; the unit starts (where it may be entered) are left in `starts`.
 */
export function generateWasm(
  insts: readonly TInst[],
  entry: number,
  starts: Set<number>,
  lay: WasmLayout,
  spans: Int32Array,
  bits: Int32Array,
): Uint8Array {
  const startIdx = [...unitStarts(insts, entry)].sort((a, b) => a - b);
  starts.clear();
  for (const k of startIdx) starts.add(insts[k].off);
  const g = new Gen(lay);
  const c = g.c;
  startIdx.forEach((k, u) => g.unitAt.set(insts[k].off, u));
  const used = new Set<number>();
  const written = new Set<number>();
  for (const x of insts) regsOf(x, used, written);
  const locals = [...FIXED_LOCALS];
  for (const r of [...used].sort((a, b) => a - b)) {
    g.local.set(r, L_REG0 + locals.length - FIXED_LOCALS.length);
    locals.push(I64);
  }
  // Registers in, pageV, pc.
  for (const r of g.local.keys()) g.reload(r);
  joinHalves(c, L_PVLO, L_PVHI);
  c.set(L_PAGEV);
  c.get(L_ENTRY);
  c.set(L_PC);
  g.setI32(L_CODE, TRACE_NEXT);

  const U = startIdx.length;
  c.open(Op.block, LBL_DONE);
  c.open(Op.block, LBL_EXIT);
  c.open(Op.loop, LBL_LOOP);
  for (let u = U - 1; u >= 0; u--) c.open(Op.block, u);
  c.open(Op.block, LBL_DFLT);
  // Dispatch on (pc - first start) / 2.
  const first = insts[startIdx[0]].off;
  const last = insts[startIdx[U - 1]].off;
  const table: number[] = new Array<number>((last - first) / 2 + 1).fill(LBL_DFLT);
  startIdx.forEach((k, u) => (table[(insts[k].off - first) / 2] = u));
  c.get(L_PC);
  c.i32(first);
  c.op(Op.i32_sub);
  c.i32(1);
  c.op(Op.i32_shr_u);
  c.brTable(table, LBL_DFLT);
  c.end();
  c.br(LBL_EXIT);
  for (let u = 0; u < U; u++) {
    c.end(); // the block whose end is this unit's start
    g.unit = u;
    const k0 = startIdx[u];
    const k1 = u + 1 < U ? startIdx[u + 1] : insts.length;
    const head = insts[k0].off;
    const tail = insts[k1 - 1];
    const selfLoop = tail.op >= O.OP_BEQ && tail.op <= O.OP_BGEU && tail.off + tail.imm === head;
    if (selfLoop) c.open(Op.loop, LBL_SELF);
    // The unit runs only if all its instructions fit before the next event.
    c.get(L_N);
    c.i32(k1 - k0);
    c.op(Op.i32_add);
    c.get(L_LIMIT);
    c.op(Op.i32_gt_s);
    c.open(Op.if);
    g.setI32(L_PC, head);
    g.setI32(L_CODE, TRACE_BUDGET);
    c.br(LBL_EXIT);
    c.end();
    c.get(L_N);
    c.i32(k1 - k0);
    c.op(Op.i32_add);
    c.set(L_N);
    for (let k = k0; k < k1; k++) {
      g.after = k1 - 1 - k;
      g.instr(insts[k], selfLoop && k === k1 - 1);
    }
    if (selfLoop) c.end();
    g.after = 0;
    if (tail.op === O.OP_JAL) g.goto(tail.off + tail.imm);
    else if (!leaves(tail.op)) {
      const f = tail.off + tail.len;
      if (!(k1 < insts.length && insts[k1].off === f)) g.goto(f);
    }
  }
  c.end(); // loop: falling out of the last unit leaves with pc as it is
  c.end(); // exit
  c.i32(0);
  c.get(L_PC);
  c.op(Op.f64_convert_i32_s);
  c.mem(Op.f64_store, 3, lay.ctl + 8);
  c.end(); // done
  for (const r of written) g.spill(r);
  c.i32(0);
  c.get(L_N);
  c.mem(Op.i32_store, 2, lay.ctl);
  c.get(L_CODE);

  const spec: ModuleSpec = {
    types: TYPES,
    imports: WASM_IMPORTS,
    funcs: [
      { type: 6, locals, body: c },
      { type: 7, locals: [I64, I64, I64], body: mulhuBody() },
      { type: 4, locals: [], body: verifyBody(spans, bits) },
    ],
    exports: [
      { name: "t", func: F_TRACE },
      { name: "v", func: F_MULHU + 1 },
    ],
  };
  return encodeModule(spec);
}
