/*
 * A root task that exercises the SDK's system-call stubs and a few invocations
 * on sel4ts, printing "<check>: ok" or "<check>: FAIL ..." per check
 * (test/sdk/run.test.ts boots it).
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "../../../examples/c/threads.h"

#define STACK_SIZE 8192

static char stacks[3][STACK_SIZE] __attribute__((aligned(16)));
static struct allocator alloc;
static seL4_CPtr ep, reply, thread_reply, ntfn;
static int failures;

static void check(const char *name, int ok, seL4_Word got)
{
    if (ok) {
        printf("%s: ok\n", name);
    } else {
        printf("%s: FAIL (got 0x%lx)\n", name, got);
        failures++;
    }
}

/* Answers each call with every MR + 100 and label 9, from its own reply object. */
static void echo(seL4_Word unused)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, thread_reply);
    for (;;) {
        seL4_Word n = seL4_MessageInfo_get_length(info);
        for (seL4_Word i = 0; i < n; i++) {
            seL4_SetMR((int)i, seL4_GetMR((int)i) + 100 + badge);
        }
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(9, 0, 0, n), &badge, thread_reply);
    }
}

/* Makes an unknown system call (a7 = 42) and a breakpoint; both are faults the root task handles. */
static void faulter(seL4_Word unused)
{
    register seL4_Word a0 asm("a0") = 0x1234;
    register seL4_Word a7 asm("a7") = 42;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    asm volatile(".4byte 0x00100073" ::: "memory"); /* ebreak, uncompressed: the handler skips 4 bytes */
    printf("faulter: resumed after both faults, a0 = 0x%lx\n", a0);
}

int main(seL4_BootInfo *bi)
{
    alloc = allocator_new(bi, 16);
    ep = make(&alloc, seL4_EndpointObject, 0);
    reply = make(&alloc, seL4_ReplyObject, 0);
    thread_reply = make(&alloc, seL4_ReplyObject, 0);
    ntfn = make(&alloc, seL4_NotificationObject, 0);
    seL4_CPtr ntfn1 = alloc.next_slot++, ntfn4 = alloc.next_slot++, ep7 = alloc.next_slot++;
    seL4_CNode_Mint(seL4_CapInitThreadCNode, ntfn1, 64, seL4_CapInitThreadCNode, ntfn, 64, seL4_AllRights, 1);
    seL4_CNode_Mint(seL4_CapInitThreadCNode, ntfn4, 64, seL4_CapInitThreadCNode, ntfn, 64, seL4_AllRights, 4);
    seL4_CNode_Mint(seL4_CapInitThreadCNode, ep7, 64, seL4_CapInitThreadCNode, ep, 64, seL4_AllRights, 7);

    seL4_Word badge = 99;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply);
    check("nbrecv with nothing pending", badge == 0, badge);

    seL4_Signal(ntfn1);
    seL4_Signal(ntfn4);
    seL4_Poll(ntfn, &badge);
    check("poll gets the OR of the badges", badge == 5, badge);
    seL4_NBWait(ntfn, &badge);
    check("nbwait after that gets 0", badge == 0, badge);
    seL4_Signal(ntfn4);
    seL4_Wait(ntfn, &badge);
    check("wait", badge == 4, badge);
    seL4_NBSendRecv(ntfn1, seL4_MessageInfo_new(0, 0, 0, 0), ntfn, &badge, reply);
    check("nbsendrecv sends, then receives", badge == 1, badge);
    seL4_NBSendWait(ntfn4, seL4_MessageInfo_new(0, 0, 0, 0), ntfn, &badge);
    check("nbsendwait sends, then receives", badge == 4, badge);

    check("cap identify tcb", seL4_DebugCapIdentify(seL4_CapInitThreadTCB) == 12, 0);
    check("cap identify cnode", seL4_DebugCapIdentify(seL4_CapInitThreadCNode) == 10, 0);
    check("cap identify endpoint", seL4_DebugCapIdentify(ep) == 4, 0);
    check("cap identify notification", seL4_DebugCapIdentify(ntfn) == 6, 0);
    check("cap identify reply", seL4_DebugCapIdentify(reply) == 8, 0);
    check("cap identify empty", seL4_DebugCapIdentify(alloc.next_slot + 10) == 0, 0);

    seL4_CPtr echo_tcb = thread_new(&alloc, bi, "echo", 200, seL4_CapNull, echo, 0, stacks[0], STACK_SIZE, seL4_Null);
    for (int i = 0; i < 6; i++) {
        seL4_SetMR(i, (seL4_Word)i + 1);
    }
    info = seL4_Call(ep7, seL4_MessageInfo_new(7, 0, 0, 6));
    int all = seL4_MessageInfo_get_label(info) == 9 && seL4_MessageInfo_get_length(info) == 6;
    for (int i = 0; i < 6; i++) {
        all = all && seL4_GetMR(i) == (seL4_Word)i + 1 + 107;
    }
    check("call with 6 MRs (4 in registers, 2 in the IPC buffer)", all, seL4_GetMR(5));
    seL4_Word m0 = 1, m1 = 2, m2 = 3, m3 = 4;
    info = seL4_CallWithMRs(ep7, seL4_MessageInfo_new(7, 0, 0, 3), &m0, &m1, &m2, &m3);
    /* MR3 is beyond the reply's length: a5 keeps what the call put there (0, beyond its length too). */
    check("callwithmrs", m0 == 108 && m1 == 109 && m2 == 110 && m3 == 0 &&
          seL4_MessageInfo_get_length(info) == 3, m3);

    seL4_UserContext regs;
    seL4_TCB_Suspend(echo_tcb);
    seL4_Error err = seL4_TCB_ReadRegisters(echo_tcb, seL4_False, 0, 32, &regs);
    check("read registers of the suspended echo thread", err == seL4_NoError && regs.a0 == ep &&
          regs.a6 == thread_reply && regs.a7 == (seL4_Word)seL4_SysReplyRecv, regs.a7);
    seL4_TCB_SetFlags_t flags = seL4_TCB_SetFlags(echo_tcb, 0, seL4_TCBFlag_fpuDisabled);
    check("set flags", flags.error == seL4_NoError && flags.flags == seL4_TCBFlag_fpuDisabled, flags.flags);
    seL4_RISCV_Page_GetAddress_t pa = seL4_RISCV_Page_GetAddress(seL4_CapInitThreadIPCBuffer);
    check("page get address", pa.error == seL4_NoError && pa.paddr >= 0x80000000ul && (pa.paddr & 0xfff) == 0,
          pa.paddr);
    err = seL4_CNode_Copy(seL4_CapInitThreadCNode, ntfn, 64, seL4_CapInitThreadCNode, ep, 64, seL4_AllRights);
    check("an error reply: delete first", err == seL4_DeleteFirst, err);
    err = seL4_Untyped_Retype(alloc.untyped, 99, 0, seL4_CapInitThreadCNode, 0, 0, alloc.next_slot, 1);
    check("an error reply: invalid argument 0", err == seL4_InvalidArgument && seL4_GetMR(0) == 0, seL4_GetMR(0));

    seL4_CPtr fault_ep = alloc.next_slot++;
    seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, 64, seL4_CapInitThreadCNode, ep, 64, seL4_AllRights, 0xfa);
    thread_new(&alloc, bi, "faulter", 100, fault_ep, faulter, 0, stacks[1], STACK_SIZE, seL4_Null);
    info = seL4_Recv(ep, &badge, reply);
    seL4_Fault_t f = seL4_getFault(info);
    check("unknown syscall fault", badge == 0xfa && seL4_isUnknownSyscall_tag(info) &&
          seL4_Fault_UnknownSyscall_get_Syscall(f) == 42 && seL4_Fault_UnknownSyscall_get_A0(f) == 0x1234,
          seL4_Fault_UnknownSyscall_get_Syscall(f));
    /* Resume after the ecall with a0 = 0x5678: MR0 = pc, MR1 = sp, MR2 = ra, MR3 = a0. */
    seL4_SetMR(0, seL4_Fault_UnknownSyscall_get_FaultIP(f) + 4);
    seL4_SetMR(1, seL4_Fault_UnknownSyscall_get_SP(f));
    seL4_SetMR(2, seL4_Fault_UnknownSyscall_get_RA(f));
    seL4_SetMR(3, 0x5678);
    info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 4), &badge, reply);
    f = seL4_getFault(info);
    check("breakpoint: user exception 3", seL4_isUserException_tag(info) &&
          seL4_Fault_UserException_get_Number(f) == 3, seL4_Fault_UserException_get_Number(f));
    seL4_SetMR(0, seL4_Fault_UserException_get_FaultIP(f) + 4);
    seL4_SetMR(1, seL4_Fault_UserException_get_SP(f));
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 2));

    seL4_SchedContext_Consumed_t consumed = seL4_SchedContext_Consumed(seL4_CapInitThreadSC);
    check("sched context consumed", consumed.error == seL4_NoError && consumed.consumed > 0, consumed.consumed);
    printf("syscalls: %d failure(s)\n", failures);
    return 0;
}
