#include "common.h"
/* Every register-register and register-immediate ALU and M instruction over the operand table.
   The order of the results is the order of test/machine/riscv/alu-cases.ts. */
  .section .text.start
  .globl _start
_start:
  setup
  rr add
  rr sub
  rr sll
  rr slt
  rr sltu
  rr xor
  rr srl
  rr sra
  rr or
  rr and
  rr addw
  rr subw
  rr sllw
  rr srlw
  rr sraw
  rr mul
  rr mulh
  rr mulhsu
  rr mulhu
  rr div
  rr divu
  rr rem
  rr remu
  rr mulw
  rr divw
  rr divuw
  rr remw
  rr remuw
  ri addi, 0
  ri addi, 1
  ri addi, -1
  ri addi, 2047
  ri addi, -2048
  ri slti, 0
  ri slti, -1
  ri slti, 1
  ri slti, 2047
  ri slti, -2048
  ri sltiu, 0
  ri sltiu, 1
  ri sltiu, -1
  ri sltiu, 2047
  ri xori, -1
  ri xori, 1365
  ri xori, -2048
  ri ori, 2047
  ri ori, -2048
  ri andi, -1
  ri andi, 2032
  ri andi, -2048
  ri slli, 0
  ri slli, 1
  ri slli, 31
  ri slli, 32
  ri slli, 63
  ri srli, 0
  ri srli, 1
  ri srli, 31
  ri srli, 32
  ri srli, 63
  ri srai, 0
  ri srai, 1
  ri srai, 31
  ri srai, 32
  ri srai, 63
  ri addiw, 0
  ri addiw, 1
  ri addiw, -1
  ri addiw, 2047
  ri addiw, -2048
  ri slliw, 0
  ri slliw, 1
  ri slliw, 31
  ri srliw, 0
  ri srliw, 1
  ri srliw, 31
  ri sraiw, 0
  ri sraiw, 1
  ri sraiw, 31
  la t0, results_end
  sub t0, t0, s11
  beqz t0, 9f
  putc '!'
9:
  halt

  .section .rodata
  operand_table
  .bss
  .balign 8
  .globl results
results:
  .skip 97760
  .globl results_end
results_end:
  .balign 16
  .skip 1024
stack_top:
