#include "common.h"
/* One synchronous trap, chosen by the doubleword `which` (patched by the test before booting):
   the root task has no fault handler, so the kernel reports the fault and stops the thread.
   Each case_N label is the pc of the trapping instruction. */
  .section .text.start
  .globl _start
_start:
  setup
  mv s0, a0
  putc 'A'
  la t0, which
  ld t0, 0(t0)
  slli t0, t0, 3
  la t1, table
  add t1, t1, t0
  ld t1, 0(t1)
  jr t1

  .balign 4
  .globl case_0
case_0:
  .half 0x0000              /* the all-zero halfword: illegal */
  .globl case_1
case_1:
  .word 0xffffffff          /* reserved (a >32-bit encoding): illegal */
  .globl case_2
case_2:
  ebreak
  .globl case_3
case_3:
  c.ebreak
  .globl case_4
case_4:
  csrrw a0, 0xc00, a0       /* a write to a counter (cycle is read-only): illegal */
  .globl case_5
case_5:
  csrw sscratch, a0         /* a supervisor CSR: illegal */
  .globl case_6
case_6:
  .word 0x02b55553          /* fadd.d fa0, fa0, fa1 with the reserved rounding mode 5: illegal */
  .globl case_7
case_7:
  la t0, cell
  addi t0, t0, 2
  .globl case_7_pc
case_7_pc:
  amoadd.w a0, a1, (t0)     /* misaligned AMO: store/AMO address misaligned (6) */
  .globl case_8
case_8:
  la t0, cell
  addi t0, t0, 4
  .globl case_8_pc
case_8_pc:
  lr.d a0, (t0)             /* misaligned LR: load address misaligned (4) */
  .globl case_9
case_9:
  la t0, cell
  addi t0, t0, 1
  .globl case_9_pc
case_9_pc:
  sc.w a0, a1, (t0)         /* misaligned SC: 6 */
  .globl case_10
case_10:
  li t0, 0x1000
  .globl case_10_pc
case_10_pc:
  ld a0, 8(t0)              /* unmapped: VM fault, read, FSR 5 */
  .globl case_11
case_11:
  li t0, 0x1000
  .globl case_11_pc
case_11_pc:
  sw a0, 4(t0)              /* unmapped: VM fault, write, FSR 7 */
  .globl case_12
case_12:
  li t0, 0x2000000
  jr t0                     /* fetch from an unmapped page: prefetch fault at the target */
  .globl case_13
case_13:
  li t0, 0x10000000000
  jr t0                     /* a target beyond Sv39's user range */
  .globl case_14
case_14:
  wfi                       /* privileged from U-mode: illegal */
  .globl case_15
case_15:
  sret
  .globl case_16
case_16:
  li t0, 0x3000             /* the boot info frame and the 8 KiB of extra boot info (the DTB) */
  add t0, t0, s0
  .globl case_16_pc
case_16_pc:
  lw a0, -2(t0)             /* crosses from the extra boot info into nothing: fault at the page */
  .globl case_17
case_17:
  li t0, 0x1000
  .globl case_17_pc
case_17_pc:
  amoadd.d a0, a1, (t0)     /* AMOs fault as stores */
  .globl case_18
case_18:
  li t0, 0x1000
  .globl case_18_pc
case_18_pc:
  lr.w a0, (t0)             /* LR faults as a load */
  .globl case_20
case_20:
  csrwi 2, 5                /* frm = 5, a reserved rounding mode */
  .globl case_20_pc
case_20_pc:
  .word 0x02b57553          /* fadd.d fa0, fa0, fa1, dyn: illegal while frm is reserved */
  .globl case_21
case_21:
  .word 0x5a056553          /* fsqrt.d with the reserved rounding mode 6: illegal */
  .globl case_22
case_22:
  .word 0x00013007          /* fld f0, 0(sp): legal only with the FPU */
  j fp_ok
  .globl case_23
case_23:
  csrr a0, 3                /* fcsr: legal only with the FPU */
  j fp_ok
  .globl case_24
case_24:
  .half 0x2002              /* c.fldsp f0, 0(sp): legal only with the FPU */
  j fp_ok
  .globl case_25
case_25:
  rdcycle a0                /* the counters are readable from user mode (OpenSBI's scounteren) */
  rdtime a1
  rdinstret a2
  la t0, results
  sd a0, 0(t0)
  sd a1, 8(t0)
  sd a2, 16(t0)
  rdtime a1
  sd a1, 24(t0)
  j fp_ok
fp_ok:
  putc 'F'
  halt
  .globl case_19
case_19:
  fence.i                   /* no trap: fence, fence.i and a hint run through */
  fence
  c.nop
  c.li zero, 1
  putc 'Z'
  halt

  .section .rodata
  .balign 8
table:
  .dword case_0, case_1, case_2, case_3, case_4, case_5, case_6, case_7, case_8, case_9
  .dword case_10, case_11, case_12, case_13, case_14, case_15, case_16, case_17, case_18, case_19
  .dword case_20, case_21, case_22, case_23, case_24, case_25
  .data
  .balign 8
  .globl which
which:
  .dword 0
cell:
  .dword 0, 0
  .bss
  .balign 16
  .globl results
results:
  .skip 1024
stack_top:
