#include "common.h"
/* Every RVC instruction this hart implements, each written with its c. mnemonic so that the
   assembler cannot pick another encoding. Results in the order test/machine/riscv/compressed.test.ts
   lists them. (c.ebreak is in trap.S.) */
  .section .text.start
  .globl _start
_start:
  setup
  /* c.addi4spn: rd' = sp + nzuimm */
  c.addi4spn a0, sp, 16
  sub a0, a0, sp
  result a0
  c.addi4spn a1, sp, 1020
  sub a1, a1, sp
  result a1
  /* c.lw/c.ld/c.sw/c.sd with x8..x15 bases and the largest offsets */
  la s0, data
  c.lw a0, 4(s0)
  result a0
  c.ld a1, 8(s0)
  result a1
  la s1, area
  li a2, -2
  c.sw a2, 124(s1)
  c.sd a2, 248(s1)
  ld a3, 120(s1)
  result a3
  ld a3, 248(s1)
  result a3
  /* c.nop, c.addi, c.addiw, c.li */
  li a0, 5
  c.nop
  c.addi a0, -6
  result a0
  c.addi a0, 31
  result a0
  li a0, 0x7fffffff
  c.addiw a0, 1
  result a0
  li a0, 0x100000005
  c.addiw a0, 0
  result a0
  c.li a0, -32
  result a0
  c.li a0, 31
  result a0
  /* c.addi16sp, c.lui */
  mv s2, sp
  c.addi16sp sp, -512
  sub a0, s2, sp
  result a0
  c.addi16sp sp, 496
  sub a0, s2, sp
  result a0
  mv sp, s2
  c.lui a0, 1
  result a0
  c.lui a0, 0x1f
  result a0
  c.lui a0, 0xfffe1
  result a0
  /* c.srli, c.srai, c.andi */
  li a0, -16
  c.srli a0, 1
  result a0
  li a0, -16
  c.srai a0, 1
  result a0
  li a0, -1
  c.srli a0, 63
  result a0
  li a0, 0x8000000000000000
  c.srai a0, 32
  result a0
  li a0, 0x123456789
  c.andi a0, -32
  result a0
  li a0, 0x123456789
  c.andi a0, 31
  result a0
  /* c.sub, c.xor, c.or, c.and, c.subw, c.addw */
  li a0, 10
  li a1, 0x8000000000000003
  c.sub a0, a1
  result a0
  li a0, 0xff00
  c.xor a0, a1
  result a0
  li a0, 0xff00
  c.or a0, a1
  result a0
  li a0, -1
  c.and a0, a1
  result a0
  li a0, 0x80000000
  li a1, 1
  c.subw a0, a1
  result a0
  li a0, 0x7fffffff
  c.addw a0, a1
  result a0
  /* c.j, c.beqz, c.bnez (taken and not taken) */
  li a0, 0
  c.j 1f
  li a0, 1
1:
  result a0
  li a0, 0
  li a1, 0
  c.beqz a1, 1f
  li a0, 1
1:
  result a0
  li a0, 0
  li a1, 1
  c.beqz a1, 1f
  li a0, 1
1:
  result a0
  li a0, 0
  li a1, 0x100000000
  c.bnez a1, 1f
  li a0, 1
1:
  result a0
  li a0, 0
  li a1, 0
  c.bnez a1, 1f
  li a0, 1
1:
  result a0
  /* c.slli */
  li a0, 0x80000001
  c.slli a0, 1
  result a0
  li a0, 0x80000001
  c.slli a0, 32
  result a0
  li a0, 3
  c.slli a0, 63
  result a0
  /* c.lwsp, c.ldsp, c.swsp, c.sdsp */
  addi sp, sp, -256
  li a0, 0xfedcba9876543210
  c.sdsp a0, 248(sp)
  c.ldsp a1, 248(sp)
  result a1
  c.lwsp a1, 252(sp)
  result a1
  c.swsp a0, 252(sp)
  c.lwsp a1, 252(sp)
  result a1
  addi sp, sp, 256
  /* c.jr, c.jalr, c.mv, c.add */
  la t0, 2f
  c.jr t0
  li a0, 1
  result a0
2:
  la t0, 3f
  c.jalr t0
  .globl cjalr_ret
cjalr_ret:
  j 4f
3:
  result ra
  ret
4:
  li a1, -5
  c.mv a0, a1
  result a0
  li a0, 0xffffffff
  li a1, 1
  c.add a0, a1
  result a0
  la t0, results_end
  sub t0, t0, s11
  beqz t0, 9f
  putc '!'
9:
  halt

  .data
  .balign 8
data:
  .word 0x11111111, 0x87654321
  .dword 0x8000000000000001
area:
  .skip 256
  .bss
  .balign 8
  .globl results
results:
  .skip 8 * 43
  .globl results_end
results_end:
  .balign 16
  .skip 1024
stack_top:
