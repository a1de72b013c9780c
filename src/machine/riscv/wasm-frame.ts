// The frame of the WebAssembly a trace becomes (wasm-codegen.ts): the imported helpers, the
// function's locals and labels, the opcode tables, and GenBase, the emitter's registers, exits
// and memory accesses (loads, stores, F/D through the helpers).

import * as O from "./ops.ts";
import { TRACE_CODE_WRITE, TRACE_JUMP, translatable, type TInst } from "./codegen.ts";
import { TLB_MASK } from "./memory-access.ts";
import { Code, I32, I64, Op } from "./wasm-encode.ts";

/** Byte addresses in the memory of the hart's register halves, F/D registers and the control block. */
export interface WasmLayout {
  xlo: number;
  xhi: number;
  ctl: number;
  fregs: number;
}

/** Byte offset in the control block of "the F/D unit is on" (int32, set by the dispatcher per run). */
export const CTL_FPU = 48;

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
export const F_LOAD = 0;
export const F_STORE = 1;
export const F_MEMFAULT = 2;
export const F_TRAP = 3;
export const F_EBREAK = 4;
export const F_JALRFAULT = 5;
export const F_FP = 6;
export const F_FPMEM = 7;
export const F_TRACE = 8;
export const F_MULHU = 9;

/**
 * Ops generateWasm emits code for: the same as codegen.ts's (an op added there must be taught to
 * the WebAssembly emitter too; until then wasm-codegen.ts throws and the region is made in
 * JavaScript).
 */
export const wasmTranslatable = translatable;

export const TYPES = [
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
export const L_ENTRY = 0;
export const L_N = 1;
export const L_LIMIT = 2;
export const L_PVLO = 3;
export const L_PVHI = 4;
export const L_TLB = 5;
export const L_PC = 6;
export const L_CODE = 7;
export const L_TI = 8;
export const L_R = 9;
export const L_PAGEV = 10;
export const L_AD = 11;
export const L_T = 12;
export const L_T2 = 13;
export const L_REG0 = 14;
export const FIXED_LOCALS = [I32, I32, I32, I32, I64, I64, I64, I64];

export const CPU_ECALL = 1;
export const CPU_EXCEPTION = 4;

// Labels (besides units, which are their index).
export const LBL_DONE = -10;
export const LBL_EXIT = -11;
export const LBL_LOOP = -12;
export const LBL_DFLT = -13;
export const LBL_SELF = -14;

/** [load opcode, alignment log2] of each load op. */
export const LOADS: Record<number, [number, number]> = {
  [O.OP_LB]: [Op.i64_load8_s, 0],
  [O.OP_LH]: [Op.i64_load16_s, 1],
  [O.OP_LW]: [Op.i64_load32_s, 2],
  [O.OP_LD]: [Op.i64_load, 3],
  [O.OP_LBU]: [Op.i64_load8_u, 0],
  [O.OP_LHU]: [Op.i64_load16_u, 1],
  [O.OP_LWU]: [Op.i64_load32_u, 2],
};
export const STORES: Record<number, [number, number]> = {
  [O.OP_SB]: [Op.i64_store8, 0],
  [O.OP_SH]: [Op.i64_store16, 1],
  [O.OP_SW]: [Op.i64_store32, 2],
  [O.OP_SD]: [Op.i64_store, 3],
};
/** Register-register ops that are one i64 instruction. */
export const BINARY: Record<number, number> = {
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
export const IMMEDIATE: Record<number, number> = {
  [O.OP_ADDI]: Op.i64_add,
  [O.OP_XORI]: Op.i64_xor,
  [O.OP_ORI]: Op.i64_or,
  [O.OP_ANDI]: Op.i64_and,
  [O.OP_SLLI]: Op.i64_shl,
  [O.OP_SRLI]: Op.i64_shr_u,
  [O.OP_SRAI]: Op.i64_shr_s,
};
/** 32-bit ops: [i32 opcode, second operand is the immediate]. */
export const WORD: Record<number, [number, boolean]> = {
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
export const BRANCH: Record<number, number> = {
  [O.OP_BEQ]: Op.i64_eq,
  [O.OP_BNE]: Op.i64_ne,
  [O.OP_BLT]: Op.i64_lt_s,
  [O.OP_BGE]: Op.i64_ge_s,
  [O.OP_BLTU]: Op.i64_lt_u,
  [O.OP_BGEU]: Op.i64_ge_u,
};

/** Pushes the i64 whose low and high halves are the i32 locals `lo` and `hi`. */
export function joinHalves(c: Code, lo: number, hi: number): void {
  c.get(hi);
  c.op(Op.i64_extend_i32_u);
  c.i64(32);
  c.op(Op.i64_shl);
  c.get(lo);
  c.op(Op.i64_extend_i32_u);
  c.op(Op.i64_or);
}

/**
 * With a virtual address (i64) on the stack: keeps its page number in local `vpn`, the byte
 * address of its entry in the TLB set at local `tlb` in local `ti` (memory-access.ts's layout: one
 * int32 an entry in each array), and leaves 1 on the stack if the tag array at `tagOff` from the
 * set's start holds that page, else 0. Tags are < 2^26 or -1, and the page number of an address
 * ≥ 2^38 is ≥ 2^26: one compare.
 */
export function tlbHit(c: Code, vpn: number, tlb: number, ti: number, tagOff: number): void {
  c.i64(12);
  c.op(Op.i64_shr_u);
  c.tee(vpn);
  c.op(Op.i32_wrap_i64);
  c.i32(TLB_MASK);
  c.op(Op.i32_and);
  c.i32(2);
  c.op(Op.i32_shl);
  c.get(tlb);
  c.op(Op.i32_add);
  c.tee(ti);
  c.mem(Op.i32_load, 2, tagOff);
  c.op(Op.i64_extend_i32_s);
  c.get(vpn);
  c.op(Op.i64_eq);
}

/** Emits a trace function: registers, exits and memory accesses (wasm-codegen.ts adds the rest). */
export class GenBase {
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
    tlbHit(c, L_T, L_TLB, L_TI, tagOff);
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

  /** The low and high 32-bit halves of the i64 local `l` on the stack (the helpers take halves). */
  halves(l: number): void {
    const c = this.c;
    c.get(l);
    c.op(Op.i32_wrap_i64);
    c.get(l);
    c.i64(32);
    c.op(Op.i64_shr_u);
    c.op(Op.i32_wrap_i64);
  }

  /** The halves of the access's address (L_AD). */
  slowArgs(): void {
    this.halves(L_AD);
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

  /**
   * FLW/FLD/FSW/FSD (rd holds the size, rs2 the f register): straight between RAM and the F/D
   * registers when the unit is on and the access is aligned and in the TLB, as the integer
   * accesses; otherwise through the hart's own access.
   */
  fpMem(i: TInst): void {
    const c = this.c;
    const store = i.op === O.OP_FSTORE;
    const size = i.rd;
    const fr = this.lay.fregs + 8 * i.rs2;
    c.i32(0);
    c.mem(Op.i32_load, 2, this.lay.ctl + CTL_FPU);
    c.open(Op.if, -1, I32);
    this.address(i, store ? 2048 : 0, size === 8 ? 3 : 2);
    c.else();
    c.i32(0);
    c.end();
    c.open(Op.if);
    if (store) {
      this.ramAddress(3072);
      c.i32(0);
      if (size === 8) {
        c.mem(Op.i64_load, 3, fr);
        c.mem(Op.i64_store, 3, 0);
      } else {
        c.mem(Op.i32_load, 2, fr);
        c.mem(Op.i32_store, 2, 0);
      }
    } else {
      c.i32(0);
      this.ramAddress(1024);
      if (size === 8) c.mem(Op.i64_load, 3, 0);
      else {
        // A single is NaN-boxed: the upper half all ones.
        c.mem(Op.i64_load32_u, 2, 0);
        c.i64(-4294967296);
        c.op(Op.i64_or);
      }
      c.mem(Op.i64_store, 3, fr);
    }
    c.else();
    this.fpMemSlow(i);
    c.end();
  }

  private fpMemSlow(i: TInst): void {
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
}
