/*
 * sel4ts C SDK, libmicrokit: the PD's entry point, first in .text at 0x200000.
 * Sets gp for linker relaxation and sp to the stack top below the guard page
 * (microkit.md §3.1), then enters main, which never returns.
 */
#define MICROKIT_STACK_TOP 0x3FFFFFD000

    .section .text.start, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    .option push
    .option norelax
1:  auipc gp, %pcrel_hi(__global_pointer$)
    addi gp, gp, %pcrel_lo(1b)
    .option pop
    li sp, MICROKIT_STACK_TOP
    call main
    /* main does not return; if it did, stop with an illegal instruction. */
2:  unimp
    j 2b
    .size _start, . - _start
