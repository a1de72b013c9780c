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
import {
  leaves,
  regsOf,
  unitStarts,
  TRACE_BUDGET,
  TRACE_CODE_WRITE,
  TRACE_JUMP,
  TRACE_NEXT,
  type TInst,
} from "./codegen.ts";
import { Code, encodeModule, I32, I64, Op, type ModuleSpec } from "./wasm-encode.ts";

/** Byte addresses in the memory of the hart's register halves and the control block. */
export interface WasmLayout {
  xlo: number;
  xhi: number;
  ctl: number;
}

/** The helpers a trace imports (module "j"), in function-index order, with their type index. */
export const WASM_IMPORTS = [
  { name: "loadSlow", type: 0 }, // (op, lo, hi, count) → MEM_*; value at ctl+16
  { name: "storeSlow", type: 1 }, // (size, lo, hi, vlo, vhi, count) → 0..3
  { name: "memFault", type: 2 }, // () → CPU_FAULT
  { name: "trap", type: 3 }, // (code, cause, off, tlo, thi) → code
  { name: "ebreak", type: 4 }, // (off) → code
  { name: "jalrFault", type: 5 }, // (tlo, thi) → TRACE_PC_SET
  { name: "fp", type: 4 }, // (instruction bits) → 1, or 0 if illegal (F/D off or a bad encoding)
  { name: "fpMem", type: 1 }, // (store, size, rs1, fr, imm, count) → 0..3, or < 0 if illegal
] as const;
const F_LOAD = 0;
const F_STORE = 1;
const F_MEMFAULT = 2;
const F_TRAP = 3;
const F_EBREAK = 4;
const F_JALRFAULT = 5;
const F_FP = 6;
const F_FPMEM = 7;
const F_TRACE = 8;
const F_MULHU = 9;

/** Ops generateWasm emits code for (the same as codegen.ts's today; anything else: JavaScript). */
export function wasmTranslatable(op: number): boolean {
  return (
    (op >= 0 && op <= 53) ||
    (op >= O.OP_MUL && op <= O.OP_REMUW) ||
    op === O.OP_LI ||
    op === O.OP_MV ||
    op === O.OP_FLOAD ||
    op === O.OP_FSTORE ||
    op === O.OP_FP
  );
}

const TYPES = [
  { params: [I32, I32, I32, I32], results: [I32] },
  { params: [I32, I32, I32, I32, I32, I32], results: [I32] },
  { params: [], results: [I32] },
  { params: [I32, I32, I32, I32, I32], results: [I32] },
  { params: [I32], results: [I32] },
  { params: [I32, I32], results: [I32] },
  { params: [I32, I32, I32, I32, I32, I32], results: [I32] }, // trace (and fpMem)
  { params: [I64, I64], results: [I64] }, // mulhu
];

// Locals of the trace function.
const L_ENTRY = 0;
const L_N = 1;
const L_LIMIT = 2;
const L_PVLO = 3;
const L_PVHI = 4;
const L_TLB = 5;
const L_PC = 6;
const L_CODE = 7;
const L_TI = 8;
const L_R = 9;
const L_PAGEV = 10;
const L_AD = 11;
const L_T = 12;
const L_T2 = 13;
const L_REG0 = 14;
const FIXED_LOCALS = [I32, I32, I32, I32, I64, I64, I64, I64];

const CPU_ECALL = 1;
const CPU_EXCEPTION = 4;

// Labels (besides units, which are their index).
const LBL_DONE = -10;
const LBL_EXIT = -11;
const LBL_LOOP = -12;
const LBL_DFLT = -13;
const LBL_SELF = -14;

/** [load opcode, alignment log2] of each load op. */
const LOADS: Record<number, [number, number]> = {
  [O.OP_LB]: [Op.i64_load8_s, 0],
  [O.OP_LH]: [Op.i64_load16_s, 1],
  [O.OP_LW]: [Op.i64_load32_s, 2],
  [O.OP_LD]: [Op.i64_load, 3],
  [O.OP_LBU]: [Op.i64_load8_u, 0],
  [O.OP_LHU]: [Op.i64_load16_u, 1],
  [O.OP_LWU]: [Op.i64_load32_u, 2],
};
const STORES: Record<number, [number, number]> = {
  [O.OP_SB]: [Op.i64_store8, 0],
  [O.OP_SH]: [Op.i64_store16, 1],
  [O.OP_SW]: [Op.i64_store32, 2],
  [O.OP_SD]: [Op.i64_store, 3],
};
/** Register-register ops that are one i64 instruction. */
const BINARY: Record<number, number> = {
  [O.OP_ADD]: Op.i64_add,
  [O.OP_SUB]: Op.i64_sub,
  [O.OP_SLL]: Op.i64_shl,
  [O.OP_XOR]: Op.i64_xor,
  [O.OP_SRL]: Op.i64_shr_u,
  [O.OP_SRA]: Op.i64_shr_s,
  [O.OP_OR]: Op.i64_or,
  [O.OP_AND]: Op.i64_and,
  [O.OP_MUL]: Op.i64_mul,
};
const IMMEDIATE: Record<number, number> = {
  [O.OP_ADDI]: Op.i64_add,
  [O.OP_XORI]: Op.i64_xor,
  [O.OP_ORI]: Op.i64_or,
  [O.OP_ANDI]: Op.i64_and,
  [O.OP_SLLI]: Op.i64_shl,
  [O.OP_SRLI]: Op.i64_shr_u,
  [O.OP_SRAI]: Op.i64_shr_s,
};
/** 32-bit ops: [i32 opcode, second operand is the immediate]. */
const WORD: Record<number, [number, boolean]> = {
  [O.OP_ADDIW]: [Op.i32_add, true],
  [O.OP_SLLIW]: [Op.i32_shl, true],
  [O.OP_SRLIW]: [Op.i32_shr_u, true],
  [O.OP_SRAIW]: [Op.i32_shr_s, true],
  [O.OP_ADDW]: [Op.i32_add, false],
  [O.OP_SUBW]: [Op.i32_sub, false],
  [O.OP_SLLW]: [Op.i32_shl, false],
  [O.OP_SRLW]: [Op.i32_shr_u, false],
  [O.OP_SRAW]: [Op.i32_shr_s, false],
  [O.OP_MULW]: [Op.i32_mul, false],
};
const BRANCH: Record<number, number> = {
  [O.OP_BEQ]: Op.i64_eq,
  [O.OP_BNE]: Op.i64_ne,
  [O.OP_BLT]: Op.i64_lt_s,
  [O.OP_BGE]: Op.i64_ge_s,
  [O.OP_BLTU]: Op.i64_lt_u,
  [O.OP_BGEU]: Op.i64_ge_u,
};

class Gen {
  readonly c = new Code();
  /** Local of each register used (x1..x31). */
  readonly local = new Map<number, number>();
  /** Unit index of each unit start (page offset). */
  readonly unitAt = new Map<number, number>();
  /** The unit being emitted. */
  unit = 0;
  /** Instructions of the current unit after the one being emitted. */
  after = 0;

  constructor(readonly lay: WasmLayout) {}

  reg(r: number): void {
    if (r === 0) this.c.i64(0);
    else this.c.get(this.local.get(r)!);
  }

  /** Pops the i64 on the stack into rd (dropped for x0 and the sink). */
  setRd(rd: number): void {
    if (rd === 0 || rd >= 32) this.c.op(Op.drop);
    else this.c.set(this.local.get(rd)!);
  }

  setI32(l: number, v: number): void {
    this.c.i32(v);
    this.c.set(l);
  }

  /** n -= after (the instructions of the unit after the current one were counted already). */
  uncount(): void {
    if (this.after === 0) return;
    const c = this.c;
    c.get(L_N);
    c.i32(this.after);
    c.op(Op.i32_sub);
    c.set(L_N);
  }

  /** Leaves with pc = `off` and the code on the stack (a helper's result). */
  fault(off: number): void {
    this.c.set(L_CODE);
    this.uncount();
    this.setI32(L_PC, off);
    this.c.br(LBL_EXIT);
  }

  /** Goes on at page offset `target`: a unit after this one directly, else through the dispatch or out. */
  goto(target: number): void {
    const u = this.unitAt.get(target);
    if (u !== undefined && u > this.unit) {
      this.c.br(u);
      return;
    }
    this.setI32(L_PC, target);
    this.c.br(u !== undefined ? LBL_LOOP : LBL_EXIT);
  }

  /** Computes rs1 + imm into L_AD and leaves, for the TLB at `tagOff`, the fast-path test on the stack. */
  address(i: TInst, tagOff: number, align: number): void {
    const c = this.c;
    this.reg(i.rs1);
    c.i64(i.imm);
    c.op(Op.i64_add);
    c.tee(L_AD);
    c.i64(12);
    c.op(Op.i64_shr_u);
    c.tee(L_T);
    c.op(Op.i32_wrap_i64);
    c.i32(255);
    c.op(Op.i32_and);
    c.i32(2);
    c.op(Op.i32_shl);
    c.get(L_TLB);
    c.op(Op.i32_add);
    c.tee(L_TI);
    c.mem(Op.i32_load, 2, tagOff);
    // Tags are < 2^26 or -1, the page number of an address ≥ 2^38 is ≥ 2^26: one compare.
    c.op(Op.i64_extend_i32_s);
    c.get(L_T);
    c.op(Op.i64_eq);
    if (align > 0) {
      c.get(L_AD);
      c.op(Op.i32_wrap_i64);
      c.i32((1 << align) - 1);
      c.op(Op.i32_and);
      c.op(Op.i32_eqz);
      c.op(Op.i32_and);
    }
  }

  /** The RAM address of the access whose TLB entry is at L_TI, base at `baseOff`. */
  ramAddress(baseOff: number): void {
    const c = this.c;
    c.get(L_TI);
    c.mem(Op.i32_load, 2, baseOff);
    c.get(L_AD);
    c.op(Op.i32_wrap_i64);
    c.i32(4095);
    c.op(Op.i32_and);
    c.op(Op.i32_add);
  }

  /** lo and hi halves of L_AD on the stack, then count = n - after. */
  slowArgs(): void {
    const c = this.c;
    c.get(L_AD);
    c.op(Op.i32_wrap_i64);
    c.get(L_AD);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.op(Op.i32_wrap_i64);
  }

  count(): void {
    const c = this.c;
    c.get(L_N);
    if (this.after !== 0) {
      c.i32(this.after);
      c.op(Op.i32_sub);
    }
  }

  load(i: TInst): void {
    const c = this.c;
    const [op, align] = LOADS[i.op];
    const dst = i.rd !== 0 && i.rd < 32;
    this.address(i, 0, align);
    c.open(Op.if);
    if (dst) {
      this.ramAddress(1024);
      c.mem(op, align, 0);
      c.set(this.local.get(i.rd)!);
    }
    c.else();
    c.i32(i.op);
    this.slowArgs();
    this.count();
    c.call(F_LOAD);
    c.tee(L_R);
    c.i32(1);
    c.op(Op.i32_eq);
    c.open(Op.if);
    c.call(F_MEMFAULT);
    this.fault(i.off);
    c.end();
    if (dst) {
      c.i32(0);
      c.mem(Op.i64_load, 3, this.lay.ctl + 16);
      c.set(this.local.get(i.rd)!);
    }
    c.get(L_R);
    c.open(Op.if);
    // A device was touched: the dispatcher starts a fresh window after this instruction.
    this.setI32(L_N, 1);
    this.setI32(L_CODE, TRACE_JUMP);
    this.setI32(L_PC, i.off + i.len);
    c.br(LBL_EXIT);
    c.end();
    c.end();
  }

  store(i: TInst): void {
    const c = this.c;
    const [op, align] = STORES[i.op];
    this.address(i, 2048, align);
    c.open(Op.if);
    this.ramAddress(3072);
    this.reg(i.rs2);
    c.mem(op, align, 0);
    c.else();
    c.i32(1 << align);
    this.slowArgs();
    this.reg(i.rs2);
    c.op(Op.i32_wrap_i64);
    this.reg(i.rs2);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.op(Op.i32_wrap_i64);
    this.count();
    c.call(F_STORE);
    c.tee(L_R);
    c.i32(1);
    c.op(Op.i32_eq);
    c.open(Op.if);
    c.call(F_MEMFAULT);
    this.fault(i.off);
    c.end();
    c.get(L_R);
    c.open(Op.if);
    c.get(L_R);
    c.i32(2);
    c.op(Op.i32_eq);
    c.open(Op.if);
    this.setI32(L_N, 1);
    this.setI32(L_CODE, TRACE_JUMP);
    c.else();
    this.uncount();
    this.setI32(L_CODE, TRACE_CODE_WRITE);
    c.end();
    this.setI32(L_PC, i.off + i.len);
    c.br(LBL_EXIT);
    c.end();
    c.end();
  }

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
    c.get(L_T);
    c.op(Op.i32_wrap_i64);
    c.get(L_T);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.op(Op.i32_wrap_i64);
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

  /** Writes register r's local to the hart's register arrays (helpers in JavaScript read them there). */
  spill(r: number): void {
    if (r === 0) return;
    const c = this.c;
    const l = this.local.get(r)!;
    c.i32(0);
    c.get(l);
    c.mem(Op.i64_store32, 2, this.lay.xlo + 4 * r);
    c.i32(0);
    c.get(l);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.mem(Op.i64_store32, 2, this.lay.xhi + 4 * r);
  }

  /** Reads register r's local back from the register arrays. */
  reload(r: number): void {
    if (r === 0) return;
    const c = this.c;
    c.i32(0);
    c.mem(Op.i64_load32_u, 2, this.lay.xlo + 4 * r);
    c.i32(0);
    c.mem(Op.i64_load32_s, 2, this.lay.xhi + 4 * r);
    c.i64(32);
    c.op(Op.i64_shl);
    c.op(Op.i64_or);
    c.set(this.local.get(r)!);
  }

  /** An F/D computation (fpu.ts on the register arrays: the x registers it may use go through them). */
  fp(i: TInst): void {
    const c = this.c;
    const r1 = (i.imm >>> 15) & 31;
    const x = (i.imm >>> 7) & 31;
    this.spill(r1);
    if (x !== r1) this.spill(x);
    c.i32(i.imm);
    c.call(F_FP);
    c.op(Op.i32_eqz);
    c.open(Op.if);
    this.illegal(i, i.w);
    c.end();
    this.reload(x);
  }

  /** Leaves with the illegal-instruction trap of `i` (instruction bits `bits`). */
  illegal(i: TInst, bits: number): void {
    const c = this.c;
    c.i32(CPU_EXCEPTION);
    c.i32(2);
    c.i32(i.off);
    c.i32(bits);
    c.i32(0);
    c.call(F_TRAP);
    this.fault(i.off);
  }

  /** FLW/FLD/FSW/FSD through the hart's own access (rd holds the size, rs2 the f register). */
  fpMem(i: TInst): void {
    const c = this.c;
    const store = i.op === O.OP_FSTORE;
    const next = i.off + i.len;
    this.spill(i.rs1);
    c.i32(store ? 1 : 0);
    c.i32(i.rd);
    c.i32(i.rs1);
    c.i32(i.rs2);
    c.i32(i.imm);
    this.count();
    c.call(F_FPMEM);
    c.tee(L_R);
    c.open(Op.if);
    c.get(L_R);
    c.i32(1);
    c.op(Op.i32_eq);
    c.open(Op.if);
    c.call(F_MEMFAULT);
    this.fault(i.off);
    c.end();
    c.get(L_R);
    c.i32(0);
    c.op(Op.i32_lt_s);
    c.open(Op.if);
    this.illegal(i, i.len === 2 ? i.w & 0xffff : i.w);
    c.end();
    c.get(L_R);
    c.i32(2);
    c.op(Op.i32_eq);
    c.open(Op.if);
    this.setI32(L_N, 1);
    this.setI32(L_CODE, TRACE_JUMP);
    c.else();
    this.uncount();
    this.setI32(L_CODE, TRACE_CODE_WRITE);
    c.end();
    this.setI32(L_PC, next);
    c.br(LBL_EXIT);
    c.end();
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
        c.i32(off);
        c.call(F_EBREAK);
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
  for (const [r, l] of g.local) {
    c.i32(0);
    c.mem(Op.i64_load32_u, 2, lay.xlo + 4 * r);
    c.i32(0);
    c.mem(Op.i64_load32_s, 2, lay.xhi + 4 * r);
    c.i64(32);
    c.op(Op.i64_shl);
    c.op(Op.i64_or);
    c.set(l);
  }
  c.get(L_PVHI);
  c.op(Op.i64_extend_i32_u);
  c.i64(32);
  c.op(Op.i64_shl);
  c.get(L_PVLO);
  c.op(Op.i64_extend_i32_u);
  c.op(Op.i64_or);
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
  for (const r of written) {
    const l = g.local.get(r)!;
    c.i32(0);
    c.get(l);
    c.mem(Op.i64_store32, 2, lay.xlo + 4 * r);
    c.i32(0);
    c.get(l);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.mem(Op.i64_store32, 2, lay.xhi + 4 * r);
  }
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
    ],
    exports: [{ name: "t", func: F_TRACE }],
  };
  return encodeModule(spec);
}
