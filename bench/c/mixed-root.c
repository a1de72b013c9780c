/*
 * The mixed workload as a seL4 root task: prints 'S', runs mixed_run() (mixed-work.c), prints
 * 'E' and the result, so that the bench can time the rounds between the two marks.
 */
#include <stdio.h>
#include <stdint.h>
#include <sel4/sel4.h>

extern uint64_t mixed_run(void);

int main(void)
{
    seL4_DebugPutChar('S');
    uint64_t r = mixed_run();
    seL4_DebugPutChar('E');
    printf(" %016lx\n", (unsigned long)r);
    return 0;
}
