/*
 * Helpers of the C root task examples: allocate objects from one untyped, and
 * start a thread in the root task's own address space.
 *
 * Each thread gets its own TLS block (libsel4's __sel4_ipc_buffer is
 * thread-local), carved from the top of its stack; these examples give every
 * thread the root task's IPC buffer page (see test/sdk/programs/tls-threads.c
 * for threads with buffers of their own).
 */
#pragma once

#include <stdio.h>
#include <sel4/sel4.h>
#include <sel4runtime.h>

struct allocator {
    seL4_CPtr untyped;
    seL4_CPtr next_slot;
};

/* The first RAM untyped of at least 2^min_bits bytes, and the first empty slot. */
static inline struct allocator allocator_new(const seL4_BootInfo *bi, unsigned min_bits)
{
    struct allocator a = {seL4_CapNull, bi->empty.start};
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= min_bits) {
            a.untyped = bi->untyped.start + i;
            break;
        }
    }
    return a;
}

/* One object of `type` in the next free slot of the root CNode. */
static inline seL4_CPtr make(struct allocator *a, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = a->next_slot++;
    seL4_Error err = seL4_Untyped_Retype(a->untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err != seL4_NoError) {
        printf("retype of type %lu failed: %d\n", type, (int)err);
        seL4_DebugHalt();
    }
    return slot;
}

/* Where a new thread starts: it runs fn(arg) and then suspends itself. */
static void thread_start(void (*fn)(seL4_Word), seL4_Word arg, seL4_CPtr self)
{
    fn(arg);
    seL4_TCB_Suspend(self);
}

/*
 * A thread at `prio` with its own 1000 µs / 1000 µs scheduling context and
 * `fault_ep` (a cap in the root CNode, or seL4_CapNull) as its fault handler,
 * running fn(arg) on `stack`.
 */
static inline seL4_CPtr thread_new(struct allocator *a, const seL4_BootInfo *bi, const char *name, seL4_Word prio,
                                   seL4_CPtr fault_ep, void (*fn)(seL4_Word), seL4_Word arg, void *stack,
                                   seL4_Word stack_size, seL4_CPtr *sc_out)
{
    seL4_CPtr tcb = make(a, seL4_TCBObject, 0);
    seL4_CPtr sc = make(a, seL4_SchedContextObject, 8);
    seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, (seL4_Word)bi->ipcBuffer,
                       seL4_CapInitThreadIPCBuffer);
    seL4_SchedControl_Configure(bi->schedcontrol.start, sc, 1000, 1000, 0, 0);
    seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, prio, prio, sc, fault_ep);
    seL4_DebugNameThread(tcb, name);
    seL4_UserContext regs = {0};
    /* The TLS block at the top of the stack, the stack below it. */
    seL4_Word top = ((seL4_Word)stack + stack_size - sel4runtime_get_tls_size()) & ~63ul;
    regs.tp = sel4runtime_write_tls_image((void *)top);
    sel4runtime_set_tls_variable(regs.tp, __sel4_ipc_buffer, bi->ipcBuffer);
    regs.pc = (seL4_Word)thread_start;
    regs.sp = top & ~15ul;
    regs.a0 = (seL4_Word)fn;
    regs.a1 = arg;
    regs.a2 = tcb;
    seL4_TCB_WriteRegisters(tcb, seL4_True, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (sc_out != seL4_Null) {
        *sc_out = sc;
    }
    return tcb;
}
