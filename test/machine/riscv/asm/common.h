/* Shared macros of the instruction tests: seL4 debug syscalls (MCS numbering) and result output. */
#define SYS_DEBUG_PUTCHAR (-12)
#define SYS_DEBUG_HALT (-14)
#define SYS_YIELD (-11)

/* Print the character c (clobbers a0, a7). */
.macro putc c
  li a0, \c
  li a7, SYS_DEBUG_PUTCHAR
  ecall
.endm

.macro halt
  li a7, SYS_DEBUG_HALT
  ecall
.endm

/* s11 is the results cursor: each RESULT stores one doubleword and advances it. */
.macro result reg
  sd \reg, 0(s11)
  addi s11, s11, 8
.endm

/* A stack for the programs that need one (the root task starts with sp = 0). */
.macro setup
  la sp, stack_top
  la s11, results
.endm

/* The operand table shared by the table-driven tests (NVALS doublewords at `vals`). */
#define NVALS 20
.macro operand_table
  .balign 8
  .globl vals
vals:
  .dword 0, 1, -1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000
  .dword 0xffffffff80000000, 0x7fffffffffffffff, 0x8000000000000000
  .dword 0x123456789abcdef0, 0xfedcba9876543210, 31, 32, 63, 64, -7, 7, 0xdeadbeef
.endm

/* Results of `\insn a3, a1, a2` for every ordered pair (a1, a2) of the table, uncompressed. */
.macro rr insn
  la s0, vals
  li s1, NVALS
1:
  ld a1, 0(s0)
  la s2, vals
  li s3, NVALS
2:
  ld a2, 0(s2)
  .option push
  .option norvc
  \insn a3, a1, a2
  .option pop
  result a3
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, 2b
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

/* Results of `\insn a3, a1, \imm` for every a1 in the table, uncompressed. */
.macro ri insn, imm
  la s0, vals
  li s1, NVALS
1:
  ld a1, 0(s0)
  .option push
  .option norvc
  \insn a3, a1, \imm
  .option pop
  result a3
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm
