// JavaScript source for one translated trace of RV64 code (see translate.ts for what a trace is
// and how the translator runs it). Every instruction is emitted as the interpreter's case for it
// (cpu.ts), with the registers the trace uses held in local int32 pairs (lN, hN) that are loaded
// at entry and written back at the single exit, and with constants folded in.
//
// The generated function: trace(xlo, xhi, pageV) — pageV is the virtual address of the page the
// trace lies in (translations are shared by every mapping of the physical page). It reads J.n
// (instructions executed and not yet charged) and J.limit, and leaves J.n and J.off (the page
// offset of the next instruction) behind; it returns one of the TRACE_* codes below or a CPU_*
// code after a trap (hart.scause/stval set by the J helpers).

import * as O from "./ops.ts";

/** The trace ended normally; J.off is where execution continues. */
export const TRACE_NEXT = 0;
/** Fewer instructions than the next basic block's left before the event: J.off is its start. */
export const TRACE_BUDGET = -1;
/** A jalr or a store into translated code / a device ended the trace; J.off as for TRACE_NEXT. */
export const TRACE_JUMP = -2;
/** A jalr to a non-user address: the hart's pc and trap are set already. */
export const TRACE_PC_SET = -3;
/** A store reached a page that holds translated code: translations must be re-checked. */
export const TRACE_CODE_WRITE = -4;

/** One decoded instruction of a trace. */
export interface TInst {
  /** Byte offset in its page. */
  off: number;
  op: number;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
  len: number;
  /** The raw bits (the low 16 for a compressed instruction). */
  w: number;
}

const CPU_ECALL = 1;
const CPU_EXCEPTION = 4;

/** Ops that end a basic block (control transfers and traps). */
export function endsBlock(op: number): boolean {
  return (
    (op >= O.OP_JAL && op <= O.OP_BGEU) ||
    op === O.OP_ECALL ||
    op === O.OP_EBREAK ||
    op === O.OP_ILLEGAL ||
    op === O.OP_FENCE_I
  );
}

/** Ops the translator emits code for; anything else is left to the interpreter. */
export function translatable(op: number): boolean {
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

const LOAD_FAST: Record<number, [string, string, string]> = {
  // [alignment test, lo, hi] with `a` the RAM byte offset
  [O.OP_LB]: ["", "i8[a >>> 0]", "v >> 31"],
  [O.OP_LH]: ["(lo & 1) === 0 && ", "i16[a >>> 1]", "v >> 31"],
  [O.OP_LW]: ["(lo & 3) === 0 && ", "i32[a >>> 2]", "v >> 31"],
  [O.OP_LD]: ["(lo & 7) === 0 && ", "i32[a >>> 2]", "i32[(a >>> 2) + 1]"],
  [O.OP_LBU]: ["", "u8[a >>> 0]", "0"],
  [O.OP_LHU]: ["(lo & 1) === 0 && ", "u16[a >>> 1]", "0"],
  [O.OP_LWU]: ["(lo & 3) === 0 && ", "i32[a >>> 2]", "0"],
};

const STORE_FAST: Record<number, [number, string, string]> = {
  [O.OP_SB]: [1, "", "u8[a >>> 0] = VL;"],
  [O.OP_SH]: [2, "(lo & 1) === 0 && ", "u16[a >>> 1] = VL;"],
  [O.OP_SW]: [4, "(lo & 3) === 0 && ", "i32[a >>> 2] = VL;"],
  [O.OP_SD]: [8, "(lo & 7) === 0 && ", "i32[a >>> 2] = VL; i32[(a >>> 2) + 1] = VH;"],
};

function lo(r: number): string {
  return r === 0 ? "0" : `l${r}`;
}
function hi(r: number): string {
  return r === 0 ? "0" : `h${r}`;
}

/** Registers read and written by an instruction (x0 and the sink excluded). */
export function regsOf(i: TInst, used: Set<number>, written: Set<number>): void {
  const op = i.op;
  const add = (r: number): void => {
    if (r !== 0 && r < 32) used.add(r);
  };
  if (op === O.OP_FP) {
    // fpu.ts reads an x register from the rs1 field and may write one in the rd field.
    add((i.imm >>> 15) & 31);
    const x = (i.imm >>> 7) & 31;
    add(x);
    if (x !== 0) written.add(x);
    return;
  }
  if (op === O.OP_FLOAD || op === O.OP_FSTORE) {
    add(i.rs1); // the address; rd holds the access size, rs2 the f register
    return;
  }
  add(i.rs1);
  if (
    (op >= O.OP_BEQ && op <= O.OP_BGEU) ||
    (op >= O.OP_SB && op <= O.OP_SD) ||
    (op >= O.OP_ADD && op <= O.OP_AND) ||
    (op >= O.OP_ADDW && op <= O.OP_SRAW) ||
    (op >= O.OP_MUL && op <= O.OP_REMUW)
  )
    add(i.rs2);
  if (i.rd !== 0 && i.rd < 32 && !(op >= O.OP_BEQ && op <= O.OP_BGEU) && !(op >= O.OP_SB && op <= O.OP_SD)) {
    used.add(i.rd);
    written.add(i.rd);
  }
}

/** `rd = (loExpr, hiExpr)`, through temporaries (the expressions may read rd). */
function set(rd: number, l: string, h: string): string {
  if (rd === 0 || rd >= 32) return "";
  return `{ const tl = ${l}; const th = ${h}; l${rd} = tl; h${rd} = th; }`;
}
function setW(rd: number, v: string): string {
  if (rd === 0 || rd >= 32) return "";
  return `{ const tv = ${v}; l${rd} = tv; h${rd} = tv >> 31; }`;
}

function branchCond(i: TInst): string {
  const a = i.rs1;
  const b = i.rs2;
  switch (i.op) {
    case O.OP_BEQ:
      return `${lo(a)} === ${lo(b)} && ${hi(a)} === ${hi(b)}`;
    case O.OP_BNE:
      return `${lo(a)} !== ${lo(b)} || ${hi(a)} !== ${hi(b)}`;
    case O.OP_BLT:
      return `${hi(a)} < ${hi(b)} || (${hi(a)} === ${hi(b)} && ${lo(a)} >>> 0 < ${lo(b)} >>> 0)`;
    case O.OP_BGE:
      return `!(${hi(a)} < ${hi(b)} || (${hi(a)} === ${hi(b)} && ${lo(a)} >>> 0 < ${lo(b)} >>> 0))`;
    case O.OP_BLTU:
      return `${hi(a)} >>> 0 < ${hi(b)} >>> 0 || (${hi(a)} === ${hi(b)} && ${lo(a)} >>> 0 < ${lo(b)} >>> 0)`;
    default:
      return `!(${hi(a)} >>> 0 < ${hi(b)} >>> 0 || (${hi(a)} === ${hi(b)} && ${lo(a)} >>> 0 < ${lo(b)} >>> 0))`;
  }
}

function shiftLeft(rd: number, l: string, h: string, sh: number): string {
  if (sh === 0) return set(rd, l, h);
  if (sh < 32) return set(rd, `${l} << ${sh}`, `(${h} << ${sh}) | (${l} >>> ${32 - sh})`);
  return set(rd, "0", `${l} << ${sh - 32}`);
}

function shiftRight(rd: number, l: string, h: string, sh: number, arith: boolean): string {
  if (sh === 0) return set(rd, l, h);
  const op = arith ? ">>" : ">>>";
  if (sh < 32) return set(rd, `(${l} >>> ${sh}) | (${h} << ${32 - sh})`, `(${h} ${op} ${sh}) | 0`);
  return set(rd, `(${h} ${op} ${sh - 32}) | 0`, arith ? `${h} >> 31` : "0");
}

function shiftVar(rd: number, l: string, h: string, s: string, kind: number): string {
  if (rd === 0 || rd >= 32) return "";
  // kind 0 left, 1 logical right, 2 arithmetic right (cpu.ts shl / shr)
  const r =
    kind === 0
      ? `if (s === 0) { tl = a; th = b; } else if (s < 32) { th = (b << s) | (a >>> (32 - s)); tl = a << s; } else { th = a << (s - 32); tl = 0; }`
      : kind === 1
        ? `if (s === 0) { tl = a; th = b; } else if (s < 32) { tl = (a >>> s) | (b << (32 - s)); th = (b >>> s) | 0; } else { tl = (b >>> (s - 32)) | 0; th = 0; }`
        : `if (s === 0) { tl = a; th = b; } else if (s < 32) { tl = (a >>> s) | (b << (32 - s)); th = b >> s; } else { tl = b >> (s - 32); th = b >> 31; }`;
  return `{ const a = ${l}; const b = ${h}; const s = ${s} & 63; let tl = 0; let th = 0; ${r} l${rd} = tl; h${rd} = th; }`;
}

function cmpLt(al: string, ah: string, bl: string, bh: string, unsigned: boolean): string {
  if (unsigned)
    return `(${ah} >>> 0 < ${bh} >>> 0 || (${ah} === ${bh} && ${al} >>> 0 < ${bl} >>> 0) ? 1 : 0)`;
  return `(${ah} < ${bh} || (${ah} === ${bh} && ${al} >>> 0 < ${bl} >>> 0) ? 1 : 0)`;
}

/** Spills the operands to the register arrays, calls an alu helper, reloads rd. */
function viaArrays(i: TInst, call: string): string {
  let s = "";
  if (i.rs1 !== 0) s += `xlo[${i.rs1}] = l${i.rs1}; xhi[${i.rs1}] = h${i.rs1}; `;
  if (i.rs2 !== 0) s += `xlo[${i.rs2}] = l${i.rs2}; xhi[${i.rs2}] = h${i.rs2}; `;
  s += `${call}; `;
  if (i.rd !== 0 && i.rd < 32) s += `l${i.rd} = xlo[${i.rd}]; h${i.rd} = xhi[${i.rd}];`;
  return `{ ${s} }`;
}

interface Ctx {
  /** Unit starts in this trace: an internal jump goes through the switch. */
  starts: Set<number>;
  /** Instructions of the current unit after this one (already counted in n). */
  after: number;
}

/** The jump to `target` (a page offset): internal or an exit. */
function goto(target: number, c: Ctx): string {
  return c.starts.has(target) ? `{ pc = ${target}; continue X; }` : `{ pc = ${target}; break X; }`;
}

function fault(i: TInst, c: Ctx, helper: string): string {
  return `{ n -= ${c.after}; pc = ${i.off}; code = ${helper}; break X; }`;
}

function instr(i: TInst, c: Ctx, selfLoop: boolean): string {
  const { rd, rs1, rs2, imm, off, len } = i;
  const l1 = lo(rs1);
  const h1 = hi(rs1);
  const l2 = lo(rs2);
  const h2 = hi(rs2);
  switch (i.op) {
    case O.OP_ILLEGAL:
      return fault(i, c, `J.trap(${CPU_EXCEPTION}, 2, ${off}, ${len === 2 ? i.w & 0xffff : i.w}, 0)`);
    case O.OP_LUI:
    case O.OP_LI:
      return set(rd, `${imm}`, `${imm >> 31}`);
    case O.OP_AUIPC:
      return `{ const v = pageV + ${off + imm}; ${set(rd, "v | 0", "Math.floor(v / 4294967296) | 0")} }`;
    case O.OP_JAL:
      return `{ const v = pageV + ${off + len}; ${set(rd, "v | 0", "(v / 4294967296) | 0")} }`;
    case O.OP_JALR:
      return (
        `{ const t = (${l1} >>> 0) + ${imm}; const tlo = t & ~1; const thi = (${h1} + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;` +
        ` const v = pageV + ${off + len}; ${set(rd, "v | 0", "(v / 4294967296) | 0")}` +
        ` if (thi >>> 6 !== 0) { n -= ${c.after}; code = J.jalrFault(tlo, thi); break X; }` +
        ` const to = thi * 4294967296 + (tlo >>> 0) - pageV;` +
        // A return or call into the same page goes on inside the function when it lands on
        // one of its blocks (the switch's default leaves otherwise).
        ` if (to >= 0 && to < 4096) { pc = to | 0; continue X; } J.off = to; code = ${TRACE_JUMP}; break X; }`
      );
    case O.OP_BEQ:
    case O.OP_BNE:
    case O.OP_BLT:
    case O.OP_BGE:
    case O.OP_BLTU:
    case O.OP_BGEU:
      if (selfLoop) return `if (!(${branchCond(i)})) break;`;
      return `if (${branchCond(i)}) ${goto(off + imm, c)}`;
    case O.OP_LB:
    case O.OP_LH:
    case O.OP_LW:
    case O.OP_LD:
    case O.OP_LBU:
    case O.OP_LHU:
    case O.OP_LWU: {
      const [align, vl, vh] = LOAD_FAST[i.op];
      const dst = rd !== 0 && rd < 32;
      return (
        `{ const t = (${l1} >>> 0) + ${imm}; const lo = t | 0; const hi = (${h1} + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;` +
        ` const vpn = (hi << 20) | (lo >>> 12); const ti = vpn & 255;` +
        ` if (${align}rtag[ti] === vpn && hi >>> 6 === 0) { const a = (rbase[ti] + (lo & 4095)) | 0;` +
        (dst ? ` const v = ${vl}; l${rd} = v; h${rd} = ${vh}; }` : ` }`) +
        ` else { const r = J.loadSlow(${i.op}, lo, hi, n - ${c.after});` +
        ` if (r === 1) ${fault(i, c, "J.memFault()")}` +
        (dst ? ` l${rd} = J.vlo; h${rd} = J.vhi;` : "") +
        ` if (r !== 0) { n = 1; pc = ${off + len}; code = ${TRACE_JUMP}; J.off = ${off + len}; break X; } } }`
      );
    }
    case O.OP_SB:
    case O.OP_SH:
    case O.OP_SW:
    case O.OP_SD: {
      const [size, align, st] = STORE_FAST[i.op];
      return (
        `{ const t = (${l1} >>> 0) + ${imm}; const lo = t | 0; const hi = (${h1} + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;` +
        ` const vpn = (hi << 20) | (lo >>> 12); const ti = vpn & 255;` +
        ` if (${align}wtag[ti] === vpn && hi >>> 6 === 0) { const a = (wbase[ti] + (lo & 4095)) | 0; ${st.replace("VL", l2).replace("VH", h2)} }` +
        ` else { const r = J.storeSlow(${size}, lo, hi, ${l2}, ${h2}, n - ${c.after});` +
        ` if (r === 1) ${fault(i, c, "J.memFault()")}` +
        ` if (r !== 0) { n = r === 2 ? 1 : n - ${c.after}; pc = ${off + len}; J.off = ${off + len}; code = r === 2 ? ${TRACE_JUMP} : ${TRACE_CODE_WRITE}; break X; } } }`
      );
    }
    case O.OP_ADDI:
      return `{ const t = (${l1} >>> 0) + ${imm >>> 0}; ${set(rd, "t | 0", `(${h1} + ${imm >> 31} + (t > 4294967295 ? 1 : 0)) | 0`)} }`;
    case O.OP_SLTI:
      return set(rd, cmpLt(l1, h1, `${imm}`, `${imm >> 31}`, false), "0");
    case O.OP_SLTIU:
      return set(rd, cmpLt(l1, h1, `${imm}`, `${imm >> 31}`, true), "0");
    case O.OP_XORI:
      return set(rd, `${l1} ^ ${imm}`, `${h1} ^ ${imm >> 31}`);
    case O.OP_ORI:
      return set(rd, `${l1} | ${imm}`, `${h1} | ${imm >> 31}`);
    case O.OP_ANDI:
      return set(rd, `${l1} & ${imm}`, `${h1} & ${imm >> 31}`);
    case O.OP_SLLI:
      return shiftLeft(rd, l1, h1, imm);
    case O.OP_SRLI:
      return shiftRight(rd, l1, h1, imm, false);
    case O.OP_SRAI:
      return shiftRight(rd, l1, h1, imm, true);
    case O.OP_ADD:
      return `{ const t = (${l1} >>> 0) + (${l2} >>> 0); ${set(rd, "t | 0", `(${h1} + ${h2} + (t > 4294967295 ? 1 : 0)) | 0`)} }`;
    case O.OP_SUB:
      return `{ const t = (${l1} >>> 0) - (${l2} >>> 0); ${set(rd, "t | 0", `(${h1} - ${h2} - (t < 0 ? 1 : 0)) | 0`)} }`;
    case O.OP_SLL:
      return shiftVar(rd, l1, h1, l2, 0);
    case O.OP_SLT:
      return set(rd, cmpLt(l1, h1, l2, h2, false), "0");
    case O.OP_SLTU:
      return set(rd, cmpLt(l1, h1, l2, h2, true), "0");
    case O.OP_XOR:
      return set(rd, `${l1} ^ ${l2}`, `${h1} ^ ${h2}`);
    case O.OP_SRL:
      return shiftVar(rd, l1, h1, l2, 1);
    case O.OP_SRA:
      return shiftVar(rd, l1, h1, l2, 2);
    case O.OP_OR:
      return set(rd, `${l1} | ${l2}`, `${h1} | ${h2}`);
    case O.OP_AND:
      return set(rd, `${l1} & ${l2}`, `${h1} & ${h2}`);
    case O.OP_ADDIW:
      return setW(rd, `(${l1} + ${imm}) | 0`);
    case O.OP_SLLIW:
      return setW(rd, `${l1} << ${imm}`);
    case O.OP_SRLIW:
      return setW(rd, `(${l1} >>> ${imm}) | 0`);
    case O.OP_SRAIW:
      return setW(rd, `${l1} >> ${imm}`);
    case O.OP_ADDW:
      return setW(rd, `(${l1} + ${l2}) | 0`);
    case O.OP_SUBW:
      return setW(rd, `(${l1} - ${l2}) | 0`);
    case O.OP_SLLW:
      return setW(rd, `${l1} << (${l2} & 31)`);
    case O.OP_SRLW:
      return setW(rd, `(${l1} >>> (${l2} & 31)) | 0`);
    case O.OP_SRAW:
      return setW(rd, `${l1} >> (${l2} & 31)`);
    case O.OP_FENCE:
      return "";
    case O.OP_FENCE_I:
      // Stores into translated code are seen as they happen; the trace still ends here so that
      // code after a fence.i is looked up afresh.
      return `{ pc = ${off + len}; break X; }`;
    case O.OP_ECALL:
      return `{ n -= ${c.after}; pc = ${off}; code = ${CPU_ECALL}; break X; }`;
    case O.OP_EBREAK:
      return fault(i, c, `J.ebreak(${off})`);
    case O.OP_MUL:
      if (rd === 0 || rd >= 32) return "";
      return (
        `{ const al = ${l1}; const bl = ${l2}; const cross = (Math.imul(${h1}, bl) + Math.imul(al, ${h2})) | 0;` +
        ` const a0 = al & 0xffff; const a1 = al >>> 16; const b0 = bl & 0xffff; const b1 = bl >>> 16;` +
        ` const p00 = a0 * b0; const mid = (p00 >>> 16) + a0 * b1 + a1 * b0;` +
        ` l${rd} = ((p00 & 0xffff) + (mid % 65536) * 65536) | 0; h${rd} = (((a1 * b1 + Math.floor(mid / 65536)) >>> 0) + cross) | 0; }`
      );
    case O.OP_MULH:
    case O.OP_MULHSU:
    case O.OP_MULHU:
      return viaArrays(i, `mulh(xlo, xhi, ${rd}, ${rs1}, ${rs2}, ${i.op - O.OP_MULH})`);
    case O.OP_DIV:
    case O.OP_DIVU:
    case O.OP_REM:
    case O.OP_REMU:
      return viaArrays(i, `divrem(xlo, xhi, ${rd}, ${rs1}, ${rs2}, ${i.op - O.OP_DIV})`);
    case O.OP_MULW:
      return setW(rd, `Math.imul(${l1}, ${l2})`);
    case O.OP_DIVW:
    case O.OP_DIVUW:
    case O.OP_REMW:
    case O.OP_REMUW:
      return viaArrays(i, `divremw(xlo, xhi, ${rd}, ${rs1}, ${rs2}, ${i.op - O.OP_DIVW})`);
    case O.OP_MV:
      return set(rd, l1, h1);
    case O.OP_FP: {
      // fpu.ts works on the register arrays: the x registers it may read or write go there
      // first and come back after (the rd field is written back only if it was an x register).
      const r1 = (imm >>> 15) & 31;
      const x = (imm >>> 7) & 31;
      let s = "";
      for (const r of r1 === x ? [r1] : [r1, x]) if (r !== 0) s += `xlo[${r}] = l${r}; xhi[${r}] = h${r}; `;
      s += `if (!fpu.enabled || !execFp(fpu, xlo, xhi, ${imm})) ${fault(i, c, `J.trap(${CPU_EXCEPTION}, 2, ${off}, ${i.w}, 0)`)}`;
      if (x !== 0) s += ` l${x} = xlo[${x}]; h${x} = xhi[${x}];`;
      return `{ ${s} }`;
    }
    case O.OP_FLOAD:
    case O.OP_FSTORE: {
      // The hart's own F/D access (TLB fast path inside); rd holds the size, rs2 the f register.
      const store = i.op === O.OP_FSTORE;
      const next = off + len;
      return (
        `{ ${rs1 !== 0 ? `xlo[${rs1}] = l${rs1}; xhi[${rs1}] = h${rs1}; ` : ""}` +
        `const r = J.fpMem(${store}, ${rd}, ${rs1}, ${rs2}, ${imm}, n - ${c.after}); if (r !== 0) {` +
        ` if (r === 1) ${fault(i, c, "J.memFault()")}` +
        ` if (r < 0) ${fault(i, c, `J.trap(${CPU_EXCEPTION}, 2, ${off}, ${len === 2 ? i.w & 0xffff : i.w}, 0)`)}` +
        ` n = r === 2 ? 1 : n - ${c.after}; pc = ${next}; J.off = ${next}; code = r === 2 ? ${TRACE_JUMP} : ${TRACE_CODE_WRITE}; break X; } }`
      );
    }
    default:
      throw new Error(`op ${i.op} is not translatable`);
  }
}

/** Ops after which execution does not fall through (the trace leaves or has left). */
export function leaves(op: number): boolean {
  return (
    op === O.OP_JALR || op === O.OP_ECALL || op === O.OP_EBREAK || op === O.OP_ILLEGAL || op === O.OP_FENCE_I
  );
}

/**
 * Indices in `insts` (sorted by page offset) of the instructions that start a unit: the entry,
 * every branch or jump target, the instruction after a branch, jump or exit, and any that is not
 * the previous one's fall-through.
 */
export function unitStarts(insts: readonly TInst[], entry: number): Set<number> {
  const at = new Map<number, number>();
  insts.forEach((x, k) => at.set(x.off, k));
  const startIdx = new Set<number>();
  for (let k = 0; k < insts.length; k++) {
    const x = insts[k];
    const prev = k > 0 ? insts[k - 1] : null;
    if (
      x.off === entry ||
      prev === null ||
      prev.off + prev.len !== x.off ||
      (prev.op >= O.OP_JAL && prev.op <= O.OP_BGEU) ||
      leaves(prev.op)
    )
      startIdx.add(k);
    if (x.op === O.OP_JAL || (x.op >= O.OP_BEQ && x.op <= O.OP_BGEU)) {
      const t = at.get(x.off + x.imm);
      if (t !== undefined) startIdx.add(t);
    }
  }
  return startIdx;
}

/**
 * The body of the trace function for `insts`: the instructions of one region of a page, sorted
 * by page offset, entered at `entry`. It is cut into units (straight-line runs: a new unit at the
 * entry, at every branch or jump target, after every branch or jump, and wherever the next
 * instruction is not the previous one's fall-through), each a `case` of a switch on the page
 * offset inside a loop, so that branches between units stay in the function. The unit starts
 * (where the function may be entered) are left in `starts`.
 */
export function generate(insts: readonly TInst[], entry: number, starts: Set<number>): string {
  const startIdx = unitStarts(insts, entry);
  starts.clear();
  for (const k of startIdx) starts.add(insts[k].off);

  const used = new Set<number>();
  const written = new Set<number>();
  let mem = false;
  for (const x of insts) {
    regsOf(x, used, written);
    if (x.op >= O.OP_LB && x.op <= O.OP_SD) mem = true;
  }
  const regs = [...used].sort((a, b) => a - b);
  let src = "";
  for (const r of regs) src += `let l${r} = xlo[${r}]; let h${r} = xhi[${r}];\n`;
  src += `let n = J.n; const limit = J.limit; let pc = J.entry; let code = ${TRACE_NEXT};\n`;
  if (insts.some((x) => x.op === O.OP_FP)) src += `const fpu = J.fpu;\n`;
  if (mem)
    src += `const mem = J.mem; const rtag = mem.rtag; const rbase = mem.rbase; const wtag = mem.wtag; const wbase = mem.wbase;\n`;
  src += `X: for (;;) {\nswitch (pc) {\n`;
  const sorted = [...startIdx].sort((a, b) => a - b);
  for (let u = 0; u < sorted.length; u++) {
    const k0 = sorted[u];
    const k1 = u + 1 < sorted.length ? sorted[u + 1] : insts.length;
    const len = k1 - k0;
    const head = insts[k0].off;
    const tail = insts[k1 - 1];
    const selfLoop = tail.op >= O.OP_BEQ && tail.op <= O.OP_BGEU && tail.off + tail.imm === head;
    src += `case ${head}:\n`;
    const check = `if (n + ${len} > limit) { pc = ${head}; code = ${TRACE_BUDGET}; break X; } n += ${len};\n`;
    src += selfLoop ? `for (;;) {\n${check}` : check;
    for (let k = k0; k < k1; k++) {
      const c: Ctx = { starts, after: k1 - 1 - k };
      src += instr(insts[k], c, selfLoop && k === k1 - 1) + "\n";
    }
    if (selfLoop) src += "}\n";
    // Where the unit goes on: a jal's target, or the fall-through (the next case when it is
    // the next unit, else an explicit jump, inside the region or out of it).
    if (tail.op === O.OP_JAL) src += goto(tail.off + tail.imm, { starts, after: 0 }) + "\n";
    else if (!leaves(tail.op)) {
      const f = tail.off + tail.len;
      if (!(k1 < insts.length && insts[k1].off === f)) src += goto(f, { starts, after: 0 }) + "\n";
    }
  }
  src += `default: break X;\n}\n}\n`;
  for (const r of written) src += `xlo[${r}] = l${r}; xhi[${r}] = h${r};\n`;
  src += `J.n = n; if (code !== ${TRACE_JUMP} && code !== ${TRACE_PC_SET}) J.off = pc; return code;\n`;
  return src;
}
