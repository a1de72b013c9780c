#include "common.h"
/* Loads and stores of every width at every offset (misaligned ones included, and across a page
   boundary), LUI/AUIPC, JAL/JALR link values and targets, and every branch over the operand
   table. The order of the results is the order checked by test/machine/riscv/mem.test.ts. */

.macro loads insn
  la s0, buf
  li s1, 16
1:
  \insn a3, 0(s0)
  result a3
  addi s0, s0, 1
  addi s1, s1, -1
  bnez s1, 1b
.endm

.macro stores insn
  li s1, 0
1:
  la s0, scratch
  sd zero, 0(s0)
  sd zero, 8(s0)
  add t0, s0, s1
  li a1, 0x8877665544332211
  \insn a1, 0(t0)
  ld a3, 0(s0)
  result a3
  ld a3, 8(s0)
  result a3
  addi s1, s1, 1
  li t1, 8
  bne s1, t1, 1b
.endm

/* 1 if `\insn a1, a2` branches, for every ordered pair of the operand table. */
.macro br insn
  la s0, vals
  li s1, NVALS
1:
  ld a1, 0(s0)
  la s2, vals
  li s3, NVALS
2:
  ld a2, 0(s2)
  li a3, 0
  .option push
  .option norvc
  \insn a1, a2, 3f
  .option pop
  j 4f
3:
  li a3, 1
4:
  result a3
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
  loads lb
  loads lh
  loads lw
  loads ld
  loads lbu
  loads lhu
  loads lwu
  stores sb
  stores sh
  stores sw
  stores sd
  /* across the page boundary at `page2` (both pages mapped) */
  la s0, page2
  ld a3, -3(s0)
  result a3
  lw a3, -2(s0)
  result a3
  lhu a3, -1(s0)
  result a3
  li a1, 0x0102030405060708
  sd a1, -5(s0)
  ld a3, -8(s0)
  result a3
  ld a3, 0(s0)
  result a3

  .option push
  .option norvc
  lui a3, 0x80000
  result a3
  lui a3, 0x7ffff
  result a3
  lui a3, 0xfffff
  result a3
  lui a3, 0
  result a3
  .globl auipc0
auipc0:
  auipc a3, 0
  result a3
  .globl auipc1
auipc1:
  auipc a3, 0x80000
  result a3
  .globl auipc2
auipc2:
  auipc a3, 0x7ffff
  result a3
  /* jal: the link is the next instruction */
  jal ra, 1f
  .globl jal_ret
jal_ret:
  j 9f
1:
  result ra
  /* jalr: bit 0 of the target is cleared; the link is read after the target is computed */
  la t0, jalr_target
  addi t0, t0, 1
  jalr ra, 0(t0)
  .globl jalr_ret
jalr_ret:
  la t0, jalr_target2 + 8
  jalr ra, -8(t0)
  .globl jalr_ret2
jalr_ret2:
  la ra, jalr_target3
  jalr ra, 0(ra)
  .globl jalr_ret3
jalr_ret3:
  /* a branch to the far end of the B-type range */
  li a3, 0
  beq zero, zero, far
  .fill 1020, 4, 0x00000013
  li a3, 1
far:
  result a3
  .option pop
  j 8f

jalr_target:
  result ra
  jr ra
jalr_target2:
  result ra
  jr ra
  .globl jalr_target3
jalr_target3:
  result ra
  jr ra

8:
  br beq
  br bne
  br blt
  br bge
  br bltu
  br bgeu
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
  .globl buf
buf:
  .byte 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f
  .byte 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f
scratch:
  .skip 16
  .balign 4096
  .fill 4088, 1, 0
  .byte 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff
  .globl page2
page2:
  .byte 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07

  .bss
  .balign 8
  .globl results
results:
  .skip 8 * (7 * 16 + 4 * 16 + 5 + 7 + 4 + 1 + 6 * NVALS * NVALS)
  .globl results_end
results_end:
  .balign 16
  .skip 1024
stack_top:
