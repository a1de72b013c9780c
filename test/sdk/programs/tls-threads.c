/*
 * Two C threads in one address space, each with an IPC buffer of its own: libsel4's
 * __sel4_ipc_buffer is thread-local, so seL4_GetIPCBuffer and the MRs beyond the registers
 * (seL4_SetMR/GetMR from MR 4 on) use the calling thread's buffer.
 */
#include <sel4/sel4.h>
#include <sel4runtime.h>
#include <stdio.h>
#include "../../../examples/c/threads.h"

static char worker_stack[8192] __attribute__((aligned(16)));
static seL4_CPtr ep;
static seL4_Word worker_buffer_addr;

static void worker(seL4_Word arg)
{
    printf("worker: IPC buffer %s\n", (seL4_Word)seL4_GetIPCBuffer() == worker_buffer_addr ? "its own" : "WRONG");
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, arg + i);
    }
    seL4_SetMR(20, 99); /* its own buffer only */
    seL4_MessageInfo_t reply = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    seL4_Word mr7 = seL4_GetMR(7), mr20 = seL4_GetMR(20);
    printf("worker: reply of %d words, MR 7 = %lu, its MR 20 = %lu\n", (int)seL4_MessageInfo_get_length(reply),
           mr7, mr20);
}

int main(seL4_BootInfo *bi)
{
    struct allocator a = allocator_new(bi, 16);
    ep = make(&a, seL4_EndpointObject, 0);
    seL4_CPtr reply = make(&a, seL4_ReplyObject, 0);
    seL4_CPtr frame = make(&a, seL4_RISCV_4K_Page, 0);
    /* Past the boot info and the two pages of extra boot info (the device tree). */
    worker_buffer_addr = (seL4_Word)bi->ipcBuffer + 4 * 4096;
    seL4_Error e = seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, worker_buffer_addr, seL4_AllRights,
                                       seL4_RISCV_Default_VMAttributes);
    printf("root: map %d, IPC buffer %s\n", (int)e, seL4_GetIPCBuffer() == bi->ipcBuffer ? "its own" : "WRONG");

    seL4_CPtr tcb = make(&a, seL4_TCBObject, 0);
    seL4_CPtr sc = make(&a, seL4_SchedContextObject, 8);
    seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, worker_buffer_addr, frame);
    seL4_SchedControl_Configure(bi->schedcontrol.start, sc, 1000, 1000, 0, 0);
    seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 200, 200, sc, seL4_CapNull);
    seL4_UserContext regs = {0};
    seL4_Word top = ((seL4_Word)worker_stack + sizeof(worker_stack) - sel4runtime_get_tls_size()) & ~63ul;
    regs.tp = sel4runtime_write_tls_image((void *)top);
    sel4runtime_set_tls_variable(regs.tp, __sel4_ipc_buffer, worker_buffer_addr);
    regs.pc = (seL4_Word)thread_start;
    regs.sp = top & ~15ul;
    regs.a0 = (seL4_Word)worker;
    regs.a1 = 1000;
    regs.a2 = tcb;

    seL4_TCB_WriteRegisters(tcb, seL4_True, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    /* In the root's buffer (the worker runs at a lower priority, from the Recv on): the worker's
     * write to its MR 20 must not touch it. */
    seL4_SetMR(20, 42);
    seL4_Word badge;
    seL4_MessageInfo_t m = seL4_Recv(ep, &badge, reply);
    seL4_Word mr20 = seL4_GetMR(20); /* before printf: the SDK's printf stages text in the buffer */
    seL4_Word sum = 0;
    for (int i = 0; i < (int)seL4_MessageInfo_get_length(m); i++) {
        sum += seL4_GetMR(i);
    }
    printf("root: received %d words summing to %lu\n", (int)seL4_MessageInfo_get_length(m), sum);
    printf("root: its MR 20 is still %lu\n", mr20);
    for (int i = 0; i < 8; i++) {
        seL4_SetMR(i, 7000 + i);
    }
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 8));
    return 0;
}
