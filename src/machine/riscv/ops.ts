// Internal operation numbers of the RV64 interpreter. The decoder turns every instruction (32-bit
// or compressed) into one of these plus register numbers and an immediate; the interpreter's
// dispatch switch uses the same numbers as literals (V8 builds a jump table only for literal
// cases), so the two must agree: test/machine/riscv/decode.test.ts checks a sample of each.

export const OP_ILLEGAL = 0;
export const OP_LUI = 1;
export const OP_AUIPC = 2;
export const OP_JAL = 3;
export const OP_JALR = 4;
export const OP_BEQ = 5;
export const OP_BNE = 6;
export const OP_BLT = 7;
export const OP_BGE = 8;
export const OP_BLTU = 9;
export const OP_BGEU = 10;
export const OP_LB = 11;
export const OP_LH = 12;
export const OP_LW = 13;
export const OP_LD = 14;
export const OP_LBU = 15;
export const OP_LHU = 16;
export const OP_LWU = 17;
export const OP_SB = 18;
export const OP_SH = 19;
export const OP_SW = 20;
export const OP_SD = 21;
export const OP_ADDI = 22;
export const OP_SLTI = 23;
export const OP_SLTIU = 24;
export const OP_XORI = 25;
export const OP_ORI = 26;
export const OP_ANDI = 27;
export const OP_SLLI = 28;
export const OP_SRLI = 29;
export const OP_SRAI = 30;
export const OP_ADD = 31;
export const OP_SUB = 32;
export const OP_SLL = 33;
export const OP_SLT = 34;
export const OP_SLTU = 35;
export const OP_XOR = 36;
export const OP_SRL = 37;
export const OP_SRA = 38;
export const OP_OR = 39;
export const OP_AND = 40;
export const OP_ADDIW = 41;
export const OP_SLLIW = 42;
export const OP_SRLIW = 43;
export const OP_SRAIW = 44;
export const OP_ADDW = 45;
export const OP_SUBW = 46;
export const OP_SLLW = 47;
export const OP_SRLW = 48;
export const OP_SRAW = 49;
/** FENCE: a single hart with no caches to order, so nothing to do. */
export const OP_FENCE = 50;
/** FENCE.I: fetches verify the cached decode against memory, so nothing to do either. */
export const OP_FENCE_I = 51;
export const OP_ECALL = 52;
export const OP_EBREAK = 53;
/** Zicsr: rs2 field = funct3, imm = CSR number, rs1 field = rs1 or the 5-bit immediate. */
export const OP_CSR = 54;
export const OP_MUL = 55;
export const OP_MULH = 56;
export const OP_MULHSU = 57;
export const OP_MULHU = 58;
export const OP_DIV = 59;
export const OP_DIVU = 60;
export const OP_REM = 61;
export const OP_REMU = 62;
export const OP_MULW = 63;
export const OP_DIVW = 64;
export const OP_DIVUW = 65;
export const OP_REMW = 66;
export const OP_REMUW = 67;
export const OP_LR_W = 68;
export const OP_SC_W = 69;
export const OP_LR_D = 70;
export const OP_SC_D = 71;
/** AMO*.W / AMO*.D: imm = funct5 (which operation). */
export const OP_AMO_W = 72;
export const OP_AMO_D = 73;
/** addi rd, x0, imm and addi rd, rs, 0 (c.li, c.mv, li, mv): common enough to deserve their own case. */
export const OP_LI = 74;
export const OP_MV = 75;
/** FLW/FLD and their compressed forms: rd field = access size (4/8), rs2 field = the f register. */
export const OP_FLOAD = 76;
/** FSW/FSD and their compressed forms: rd field = access size (4/8), rs2 field = the f register. */
export const OP_FSTORE = 77;
/** OP-FP and the fused multiply-adds: imm = the whole instruction, executed by fpu.ts. */
export const OP_FP = 78;

// AMO funct5 values.
export const AMO_ADD = 0x00;
export const AMO_SWAP = 0x01;
export const AMO_XOR = 0x04;
export const AMO_OR = 0x08;
export const AMO_AND = 0x0c;
export const AMO_MIN = 0x10;
export const AMO_MAX = 0x14;
export const AMO_MINU = 0x18;
export const AMO_MAXU = 0x1c;

/** Register number that receives writes to x0: a sink slot after x31, so x0 itself stays 0. */
export const X_SINK = 32;

/**
 * A decoded slot is four i32 words: the raw bits the decode was made from (for compressed
 * instructions the low 16 bits hold them; a 4-aligned slot keeps all 32 bits read there), the
 * packed operands (op | rd << 8 | rs1 << 16 | rs2 << 24, plus LEN4), the immediate, and the length.
 */
export const SLOT_WORDS = 4;

/** Set in the packed word of a 4-byte instruction (so the loop need not read the length word). */
export const LEN4 = 1 << 29;

export function pack(op: number, rd: number, rs1: number, rs2: number): number {
  return op | ((rd === 0 ? X_SINK : rd) << 8) | (rs1 << 16) | (rs2 << 24);
}
