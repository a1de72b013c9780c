#include "common.h"
  .section .text.start
  .globl _start
_start:
  mv s0, a0          /* boot info */
  la s1, msg
1:
  lbu a0, 0(s1)
  beqz a0, 2f
  li a7, SYS_DEBUG_PUTCHAR
  ecall
  addi s1, s1, 1
  j 1b
2:
  /* a0 was the boot info address: print it as 16 hex digits to check the start state. */
  li s2, 60
3:
  srl t0, s0, s2
  andi t0, t0, 15
  la t1, hex
  add t1, t1, t0
  lbu a0, 0(t1)
  li a7, SYS_DEBUG_PUTCHAR
  ecall
  addi s2, s2, -4
  bgez s2, 3b
  putc '\n'
  halt

  .section .rodata
msg: .asciz "hello from RV64\n"
hex: .ascii "0123456789abcdef"
