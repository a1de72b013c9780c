/*
 * sel4ts C SDK, root task runtime: the entry point. seL4 starts the root task
 * with a0 = the boot info frame's address and every other register 0, sp
 * included (ABI sheet §11.4), so the stack is an array of this image.
 */
#ifndef SEL4TS_ROOT_STACK_SIZE
#define SEL4TS_ROOT_STACK_SIZE 0x10000
#endif

    .section .text.start, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    .option push
    .option norelax
1:  auipc gp, %pcrel_hi(__global_pointer$)
    addi gp, gp, %pcrel_lo(1b)
    .option pop
    la sp, __sel4ts_root_stack_top
    /* a0 still holds the boot info pointer. */
    call __sel4ts_root_start
2:  unimp
    j 2b
    .size _start, . - _start

    .section .bss.sel4ts_root_stack, "aw", @nobits
    .balign 16
    .global __sel4ts_root_stack_bottom
__sel4ts_root_stack_bottom:
    .space SEL4TS_ROOT_STACK_SIZE
    .global __sel4ts_root_stack_top
__sel4ts_root_stack_top:
