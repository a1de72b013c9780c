#include "common.h"
#define NDBIN 24
#define NSBIN 24
#define NDUN 52
#define NSUN 44
#define NINTS 32
#define NDFMA 12
#define NSFMA 12
/* Every F and D instruction over tables of edge values, in every rounding mode (the five static
   ones, then the dynamic mode with each frm value), recording the result register (all 64 bits,
   so NaN-boxing shows) and the fflags it raised. The same program built for Linux (-DLINUX) runs
   under qemu-riscv64 and writes the records to stdout: that is the expected table the test
   compares with (scripts/gen-fp-expected.sh). Each record is two doublewords: value, fflags. */

/* Record FP register fr and the flags, clearing them. */
.macro frec fr
  fsd \fr, 0(s11)
  csrrw t0, fflags, zero
  sd t0, 8(s11)
  addi s11, s11, 16
.endm

/* Record integer register r and the flags, clearing them. */
.macro xrec r
  sd \r, 0(s11)
  csrrw t0, fflags, zero
  sd t0, 8(s11)
  addi s11, s11, 16
.endm

/* \insn fa2, fa0, fa1[, rm] for every ordered pair of table \tbl (\n doublewords). */
.macro fbin insn, tbl, n, rm:vararg
  la s0, \tbl
  li s1, \n
1:
  fld fa0, 0(s0)
  la s2, \tbl
  li s3, \n
2:
  fld fa1, 0(s2)
.ifb \rm
  \insn fa2, fa0, fa1
.else
  \insn fa2, fa0, fa1, \rm
.endif
  frec fa2
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, 2b
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

/* Comparisons: \insn a0, fa0, fa1 for every ordered pair. */
.macro fcmp insn, tbl, n
  la s0, \tbl
  li s1, \n
1:
  fld fa0, 0(s0)
  la s2, \tbl
  li s3, \n
2:
  fld fa1, 0(s2)
  \insn a0, fa0, fa1
  xrec a0
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, 2b
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

/* \insn fa2, fa0, fa1, fa3[, rm] for every ordered triple. */
.macro fter insn, tbl, n, rm
  la s0, \tbl
  li s1, \n
1:
  fld fa0, 0(s0)
  la s2, \tbl
  li s3, \n
2:
  fld fa1, 0(s2)
  la s4, \tbl
  li s5, \n
3:
  fld fa3, 0(s4)
  \insn fa2, fa0, fa1, fa3, \rm
  frec fa2
  addi s4, s4, 8
  addi s5, s5, -1
  bnez s5, 3b
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, 2b
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

/* Unary: \insn \dst, \src[, rm] over a table loaded with \load into \src; \rec records \dst. */
.macro fun insn, tbl, n, load, src, dst, rec, rm:vararg
  la s0, \tbl
  li s1, \n
1:
  \load \src, 0(s0)
.ifb \rm
  \insn \dst, \src
.else
  \insn \dst, \src, \rm
.endif
  \rec \dst
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
.endm

/* An instruction in all ten rounding variants: rne rtz rdn rup rmm, then dyn with frm = 0..4. */
.macro allrm m, insn, args:vararg
  \m \insn, \args, rne
  \m \insn, \args, rtz
  \m \insn, \args, rdn
  \m \insn, \args, rup
  \m \insn, \args, rmm
  csrwi frm, 0
  \m \insn, \args, dyn
  csrwi frm, 1
  \m \insn, \args, dyn
  csrwi frm, 2
  \m \insn, \args, dyn
  csrwi frm, 3
  \m \insn, \args, dyn
  csrwi frm, 4
  \m \insn, \args, dyn
  csrwi frm, 0
.endm

/* The fused multiply-adds: the five static modes and dyn with frm = RUP. */
.macro fmarm insn, tbl, n
  fter \insn, \tbl, \n, rne
  fter \insn, \tbl, \n, rtz
  fter \insn, \tbl, \n, rdn
  fter \insn, \tbl, \n, rup
  fter \insn, \tbl, \n, rmm
  csrwi frm, 3
  fter \insn, \tbl, \n, dyn
  csrwi frm, 0
.endm

  .section .text.start
  .globl _start
_start:
  setup
  csrwi fcsr, 0

  /* Arithmetic with rounding. */
  allrm fbin, fadd.d, dbin, NDBIN
  allrm fbin, fsub.d, dbin, NDBIN
  allrm fbin, fmul.d, dbin, NDBIN
  allrm fbin, fdiv.d, dbin, NDBIN
  allrm fbin, fadd.s, sbin, NSBIN
  allrm fbin, fsub.s, sbin, NSBIN
  allrm fbin, fmul.s, sbin, NSBIN
  allrm fbin, fdiv.s, sbin, NSBIN
  allrm fun, fsqrt.d, dun, NDUN, fld, fa0, fa1, frec
  allrm fun, fsqrt.s, sun, NSUN, fld, fa0, fa1, frec
  allrm fun, fcvt.s.d, dun, NDUN, fld, fa0, fa1, frec
  /* Exact conversions: the assembler takes no rounding mode for them. */
  fun fcvt.d.s, sun, NSUN, fld, fa0, fa1, frec
  /* Float to integer. */
  allrm fun, fcvt.w.d, dun, NDUN, fld, fa0, a0, xrec
  allrm fun, fcvt.wu.d, dun, NDUN, fld, fa0, a0, xrec
  allrm fun, fcvt.l.d, dun, NDUN, fld, fa0, a0, xrec
  allrm fun, fcvt.lu.d, dun, NDUN, fld, fa0, a0, xrec
  allrm fun, fcvt.w.s, sun, NSUN, fld, fa0, a0, xrec
  allrm fun, fcvt.wu.s, sun, NSUN, fld, fa0, a0, xrec
  allrm fun, fcvt.l.s, sun, NSUN, fld, fa0, a0, xrec
  allrm fun, fcvt.lu.s, sun, NSUN, fld, fa0, a0, xrec
  /* Integer to float. */
  fun fcvt.d.w, ints, NINTS, ld, a0, fa0, frec
  fun fcvt.d.wu, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.d.l, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.d.lu, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.s.w, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.s.wu, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.s.l, ints, NINTS, ld, a0, fa0, frec
  allrm fun, fcvt.s.lu, ints, NINTS, ld, a0, fa0, frec

  /* No rounding mode. */
  fbin fmin.d, dbin, NDBIN
  fbin fmax.d, dbin, NDBIN
  fbin fsgnj.d, dbin, NDBIN
  fbin fsgnjn.d, dbin, NDBIN
  fbin fsgnjx.d, dbin, NDBIN
  fbin fmin.s, sbin, NSBIN
  fbin fmax.s, sbin, NSBIN
  fbin fsgnj.s, sbin, NSBIN
  fbin fsgnjn.s, sbin, NSBIN
  fbin fsgnjx.s, sbin, NSBIN
  fcmp feq.d, dbin, NDBIN
  fcmp flt.d, dbin, NDBIN
  fcmp fle.d, dbin, NDBIN
  fcmp feq.s, sbin, NSBIN
  fcmp flt.s, sbin, NSBIN
  fcmp fle.s, sbin, NSBIN
  fun fclass.d, dun, NDUN, fld, fa0, a0, xrec
  fun fclass.s, sun, NSUN, fld, fa0, a0, xrec
  fun fmv.x.d, dun, NDUN, fld, fa0, a0, xrec
  fun fmv.x.w, sun, NSUN, fld, fa0, a0, xrec
  fun fmv.d.x, ints, NINTS, ld, a0, fa0, frec
  fun fmv.w.x, ints, NINTS, ld, a0, fa0, frec

  /* Fused multiply-add. */
  fmarm fmadd.d, dfma, NDFMA
  fmarm fmsub.d, dfma, NDFMA
  fmarm fnmsub.d, dfma, NDFMA
  fmarm fnmadd.d, dfma, NDFMA
  fmarm fmadd.s, sfma, NSFMA
  fmarm fmsub.s, sfma, NSFMA
  fmarm fnmsub.s, sfma, NSFMA
  fmarm fnmadd.s, sfma, NSFMA

  /* Loads and stores, plain and compressed: each doubleword of `ints` through flw/fsw (boxing,
     low half stored), fld/fsd, c.fld/c.fsd and c.fldsp/c.fsdsp. */
  la s0, ints
  li s1, NINTS
  addi sp, sp, -64
1:
  flw fa0, 0(s0)
  frec fa0
  flw fa0, 4(s0)
  fsw fa0, 0(sp)
  sd zero, 8(sp)
  ld a0, 0(sp)
  xrec a0
  mv a1, s0
  c.fld fa1, 0(a1)
  c.fsdsp fa1, 16(sp)
  ld a0, 16(sp)
  xrec a0
  c.fldsp fa2, 16(sp)
  addi a2, sp, 32
  c.fsd fa2, 8(a2)
  ld a0, 40(sp)
  xrec a0
  fld fa3, 0(s0)
  fsd fa3, 48(sp)
  ld a0, 48(sp)
  xrec a0
  addi s0, s0, 8
  addi s1, s1, -1
  bnez s1, 1b
  addi sp, sp, 64

  /* fcsr, frm and fflags: writes, sets, clears, immediates, and reads of each view. */
  li a1, -1
  csrrw a0, fcsr, a1
  xrec a0
  frcsr a0
  xrec a0
  frrm a0
  xrec a0
  frflags a0
  xrec a0
  csrrci a0, fflags, 5
  xrec a0
  csrrsi a0, frm, 0
  xrec a0
  li a1, 0x3a
  csrrw a0, frm, a1
  xrec a0
  frcsr a0
  xrec a0
  csrrwi a0, fcsr, 0x15
  xrec a0
  csrrs a0, fcsr, a1
  xrec a0
  csrrc a0, fflags, a1
  xrec a0
  frcsr a0
  xrec a0
  csrwi fcsr, 0

  /* Fused multiply-adds whose exact sum lies just off a rounding midpoint (the hard cases of
     a fast path): three operands at `fmahard`, in each static rounding mode. */
  la s0, fmahard
  fld fa0, 0(s0)
  fld fa1, 8(s0)
  fld fa3, 16(s0)
  fmadd.s fa2, fa0, fa1, fa3, rne
  frec fa2
  fmadd.s fa2, fa0, fa1, fa3, rtz
  frec fa2
  fmadd.s fa2, fa0, fa1, fa3, rup
  frec fa2
  fld fa0, 24(s0)
  fld fa1, 32(s0)
  fld fa3, 40(s0)
  fmadd.d fa2, fa0, fa1, fa3, rne
  frec fa2
  fmadd.d fa2, fa0, fa1, fa3, rtz
  frec fa2
  fmadd.d fa2, fa0, fa1, fa3, rup
  frec fa2

  la t0, results_used
  sub t1, s11, t0
  addi t1, t1, -8
  sd t1, 0(t0)
#ifdef LINUX
  li a0, 1
  la a1, results
  mv a2, t1
2:
  li a7, 64 /* write */
  ecall
  blez a0, 3f
  add a1, a1, a0
  sub a2, a2, a0
  li a0, 1
  bnez a2, 2b
3:
  li a0, 0
  li a7, 93 /* exit */
  ecall
#else
  halt
#endif

  .section .rodata
  .balign 8
/* Doubles for the binary operations. */
dbin:
  .dword 0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000
  .dword 0x3ff8000000000000, 0xc004000000000000, 0x3fb999999999999a, 0x3fd5555555555555
  .dword 0x3ff0000000000001, 0x3fefffffffffffff, 0x3ca0000000000000, 0x4340000000000001
  .dword 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000, 0x8018000000000001
  .dword 0x7fefffffffffffff, 0xffe0000000000000, 0x7ff0000000000000, 0xfff0000000000000
  .dword 0x7ff8000000000000, 0x7ff0000000000001, 0xfff4000000000000, 0x20b0000000000003
dbin_end:
/* Singles (NaN-boxed, and two that are not: they read as the canonical NaN). */
sbin:
  .dword 0xffffffff00000000, 0xffffffff80000000, 0xffffffff3f800000, 0xffffffffbf800000
  .dword 0xffffffff3fc00000, 0xffffffffc0200000, 0xffffffff3dcccccd, 0xffffffff3eaaaaab
  .dword 0xffffffff3f800001, 0xffffffff3f7fffff, 0xffffffff33800000, 0xffffffff4b800001
  .dword 0xffffffff00000001, 0xffffffff807fffff, 0xffffffff00800000, 0xffffffff80c00001
  .dword 0xffffffff7f7fffff, 0xffffffffff000000, 0xffffffff7f800000, 0xffffffffff800000
  .dword 0xffffffff7fc00000, 0xffffffff7f800001, 0x000000003f800000, 0x3ff0000000000000
/* Doubles for the unary operations and conversions. */
dun:
  .dword 0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000
  .dword 0x3fe0000000000000, 0xbfe0000000000000, 0x3fe8000000000000, 0xbfe8000000000000
  .dword 0x3ff8000000000000, 0xc004000000000000, 0x4004000000000000, 0x4008000000000000
  .dword 0x3fb999999999999a, 0x3fefffffffffffff, 0x4000000000000000, 0x4010000000000000
  .dword 0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000000000, 0xc1e0000000000000
  .dword 0xc1e0000000100000, 0xc1e0000000200000, 0x41efffffffe00000, 0x41efffffffe80000
  .dword 0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000, 0xc3e0000000000000
  .dword 0xc3e0000000000001, 0x43efffffffffffff, 0x43f0000000000000, 0x4330000000000001
  .dword 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000, 0x36a0000000000000
  .dword 0x36a0000010000000, 0x3810000000000000, 0x380fffffffffffff, 0x47efffffe0000000
  .dword 0x47efffffefffffff, 0x47effffff0000000, 0x7fefffffffffffff, 0xffefffffffffffff
  .dword 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001
  .dword 0xfff8000000000001, 0x3ff0000010000000, 0x3ff0000030000000, 0x3ff0000010000001
/* Singles for the unary operations and conversions. */
sun:
  .dword 0xffffffff00000000, 0xffffffff80000000, 0xffffffff3f800000, 0xffffffffbf800000
  .dword 0xffffffff3f000000, 0xffffffffbf000000, 0xffffffff3f400000, 0xffffffffbf400000
  .dword 0xffffffff3fc00000, 0xffffffffc0200000, 0xffffffff40200000, 0xffffffff40400000
  .dword 0xffffffff3dcccccd, 0xffffffff3f7fffff, 0xffffffff40000000, 0xffffffff40800000
  .dword 0xffffffff4effffff, 0xffffffff4f000000, 0xffffffffcf000000, 0xffffffffcf000001
  .dword 0xffffffff4f7fffff, 0xffffffff4f800000, 0xffffffff5effffff, 0xffffffff5f000000
  .dword 0xffffffffdf000000, 0xffffffffdf000001, 0xffffffff5f7fffff, 0xffffffff5f800000
  .dword 0xffffffff00000001, 0xffffffff807fffff, 0xffffffff00800000, 0xffffffff00400000
  .dword 0xffffffff7f7fffff, 0xffffffffff7fffff, 0xffffffff7f800000, 0xffffffffff800000
  .dword 0xffffffff7fc00000, 0xffffffff7f800001, 0xffffffffffc00001, 0x000000003f800000
  .dword 0x7ff0000000000000, 0xffffffff3f800001, 0xffffffff4b000001, 0xffffffff02000001
/* Integers (for the int-to-float conversions, fmv.*.x and the loads and stores). */
ints:
  .dword 0, 1, -1, 2, 3, -7, 0x7fffffff, 0xffffffff80000000
  .dword 0xffffffff, 0x80000000, 0x1000001, 0x1000003, 0x7fffffbf, 0x7fffffc0
  .dword 0x20000001, 0xffffffff7fffffc1, 0x20000000000001, 0x20000000000003, 0x7fffffffffffffff, 0x8000000000000000
  .dword 0xffffffffffffffff, 0x123456789abcdef0, 0xfedcba9876543210, 0xfffffffffffffc00, 0x8000000000000401, 0x7ffffffffffffe00
  .dword 0xffffff7fffffffff, 0x00ffffff7fffffff, 0x3f800000, 0x7fc00001, 0xffffffff7f800001, 0x000000017f7fffff
/* Operands of the fused multiply-adds. */
dfma:
  .dword 0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000
  .dword 0x3ff0000000000001, 0x3fefffffffffffff, 0x7fefffffffffffff, 0x0000000000000001
  .dword 0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001, 0xbca0000000000000
sfma:
  .dword 0xffffffff00000000, 0xffffffff80000000, 0xffffffff3f800000, 0xffffffffbf800000
  .dword 0xffffffff3f800001, 0xffffffff3f7fffff, 0xffffffff7f7fffff, 0xffffffff00000001
  .dword 0xffffffff7f800000, 0xffffffff7fc00000, 0xffffffff7f800001, 0xffffffffb3800000

/* (1 + 2^-23)(1 - 2^-24) + 2^-47(1 + 2^-23): the double sum is a midpoint between singles and
   the part below it decides; (1 + 2^-43 - 2^-52)(1 + 2^-52) + 2^10. */
fmahard:
  .dword 0xffffffff3f800001, 0xffffffff3f7fffff, 0xffffffff28000001
  .dword 0x3ff00000000001ff, 0x3ff0000000000001, 0x4090000000000000

  .section .bss
  .balign 8
  .globl results_used
results_used:
  .dword 0
  .globl results
results:
  .space 0x300000
  .globl results_end
results_end:
  .balign 16
  .space 4096
stack_top:
