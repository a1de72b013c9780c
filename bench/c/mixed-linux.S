/* The mixed workload as a bare Linux program (for qemu-riscv64): runs mixed_run() and exits
   with status 0 (exit = Linux system call 93). No C library. */
    .section .text.start, "ax", @progbits
    .global _start
_start:
    .option push
    .option norelax
1:  auipc gp, %pcrel_hi(__global_pointer$)
    addi gp, gp, %pcrel_lo(1b)
    .option pop
    call mixed_run
    li a0, 0
    li a7, 93
    ecall
2:  j 2b
