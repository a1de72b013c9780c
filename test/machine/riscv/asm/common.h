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
