#include "common.h"
/* Entry points for the FPU context test: the test runs them as threads of the root task's address
   space directly on the RV engine. setf: fa0 = a0, fflags = a1. getf: a0 = fa0, a1 = fflags.
   Each ends with an ecall (the engine's exit). */
  .section .text.start
  .globl _start
_start:
  halt
  .globl setf
setf:
  fmv.d.x fa0, a0
  csrw fflags, a1
  ecall
  .globl getf
getf:
  fmv.x.d a0, fa0
  frflags a1
  ecall
