#include "common.h"
/* The A extension: every AMO (.w and .d) over every pair of the operand table, recording the old
   value (rd) and the doubleword in memory afterwards; then LR/SC success, failure without a
   reservation, a reservation used up by an SC, lost across a syscall, and an SC to another
   address. Results in the order of test/machine/riscv/atomic.test.ts. */

.macro amo insn
  la s0, vals
  li s1, NVALS
1:
  ld a1, 0(s0)
  la s2, vals
  li s3, NVALS
2:
  ld a2, 0(s2)
  la t0, cell
  sd a1, 0(t0)
  \insn a3, a2, (t0)
  result a3
  ld a4, 0(t0)
  result a4
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, 2b
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

  .section .text.start
  .globl _start
_start:
  setup
  amo amoswap.w
  amo amoadd.w
  amo amoxor.w
  amo amoand.w
  amo amoor.w
  amo amomin.w
  amo amomax.w
  amo amominu.w
  amo amomaxu.w
  amo amoswap.d
  amo amoadd.d
  amo amoxor.d
  amo amoand.d
  amo amoor.d
  amo amomin.d
  amo amomax.d
  amo amominu.d
  amo amomaxu.d
  amo amoadd.w.aqrl
  amo amoswap.d.aq

  la t0, cell
  li a1, 0xfffffffe80000001
  sd a1, 0(t0)
  li a5, 0x12345678
  /* LR.W sign-extends; the SC that follows succeeds (rd = 0) and writes the word */
  lr.w a3, (t0)
  result a3
  sc.w a4, a5, (t0)
  result a4
  ld a3, 0(t0)
  result a3
  /* no reservation: fails (rd = 1), memory unchanged */
  sc.w a4, a1, (t0)
  result a4
  ld a3, 0(t0)
  result a3
  /* LR.D/SC.D, then a second SC.D: the first SC used the reservation up */
  lr.d.aq a3, (t0)
  result a3
  sc.d.rl a4, a1, (t0)
  result a4
  sc.d a4, a5, (t0)
  result a4
  ld a3, 0(t0)
  result a3
  /* a syscall between LR and SC loses the reservation */
  lr.d a3, (t0)
  li a7, SYS_YIELD
  ecall
  la t0, cell
  sc.d a4, a5, (t0)
  result a4
  /* an SC to another address fails */
  lr.d a3, (t0)
  addi t1, t0, 8
  sc.d a4, a5, (t1)
  result a4
  ld a3, 8(t0)
  result a3
  /* a retry loop as compilers emit it: atomic increment with LR/SC */
  li s4, 100
1:
  lr.w a3, (t0)
  addi a3, a3, 1
  sc.w a4, a3, (t0)
  bnez a4, 1b
  addi s4, s4, -1
  bnez s4, 1b
  ld a3, 0(t0)
  result a3

  la t0, results_end
  sub t0, t0, s11
  beqz t0, 9f
  putc '!'
9:
  halt

  .section .rodata
  operand_table
  .data
  .balign 8
cell:
  .dword 0, 0
  .bss
  .balign 8
  .globl results
results:
  .skip 8 * (20 * 2 * NVALS * NVALS + 13)
  .globl results_end
results_end:
  .balign 16
  .skip 1024
stack_top:
