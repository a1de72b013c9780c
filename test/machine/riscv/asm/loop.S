#include "common.h"
/* Benchmark loops: `count` iterations of a tight countdown (2 instructions each), then `passes`
   passes of a memory loop over 256 doublewords (7 instructions an element), then halt. */
  .section .text.start
  .globl _start
_start:
  setup
  la t0, count
  ld a0, 0(t0)
  .globl tight
tight:
  mv t1, a0
1:
  addi t1, t1, -1
  bnez t1, 1b
  la t0, passes
  ld s1, 0(t0)
  beqz s1, 4f
  li s3, 0
2:
  la s2, array
  li t2, 256
3:
  ld t3, 0(s2)
  addi t3, t3, 1
  sd t3, 0(s2)
  add s3, s3, t3
  addi s2, s2, 8
  addi t2, t2, -1
  bnez t2, 3b
  addi s1, s1, -1
  bnez s1, 2b
4:
  result s3
  halt

  .data
  .globl count
count: .dword 1000
  .globl passes
passes: .dword 4
  .bss
  .balign 8
array: .skip 2048
results: .skip 64
  .balign 16
  .skip 4096
stack_top:
