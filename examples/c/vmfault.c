/*
 * A root task that retypes objects from untyped memory, starts a worker
 * thread, serves its calls (Call / ReplyRecv on a badged endpoint) and handles
 * its VM fault: the worker touches an unmapped page, the root task, its fault
 * handler, maps a fresh frame there (and the page tables it needs) and replies,
 * and the worker's store is retried and succeeds.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "threads.h"

#define STACK_SIZE 8192
#define SERVICE_BADGE 1
#define FAULT_BADGE 2
#define LABEL_ADD 1
#define LABEL_DONE 2
#define UNMAPPED_VADDR 0x40000000ul

static char worker_stack[STACK_SIZE] __attribute__((aligned(16)));
static struct allocator alloc;

static void worker(seL4_Word service)
{
    for (seL4_Word x = 10; x <= 20; x += 10) {
        seL4_SetMR(0, x);
        seL4_MessageInfo_t info = seL4_Call(service, seL4_MessageInfo_new(LABEL_ADD, 0, 0, 1));
        printf("worker: %lu + 1 = %lu (reply label %lu)\n", x, seL4_GetMR(0), seL4_MessageInfo_get_label(info));
    }
    volatile seL4_Word *p = (volatile seL4_Word *)UNMAPPED_VADDR;
    printf("worker: storing to 0x%lx, which is not mapped\n", (seL4_Word)p);
    *p = 0x5e14;
    printf("worker: stored 0x%lx and read it back\n", *p);
    seL4_Call(service, seL4_MessageInfo_new(LABEL_DONE, 0, 0, 0));
}

/* Maps `frame` at `vaddr` in the root VSpace, adding page tables while the walk stops short. */
static seL4_Error map_frame(seL4_CPtr frame, seL4_Word vaddr)
{
    for (;;) {
        seL4_Error err = seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                                             seL4_RISCV_Default_VMAttributes);
        if (err != seL4_FailedLookup) {
            return err;
        }
        seL4_CPtr pt = make(&alloc, seL4_RISCV_PageTableObject, 0);
        printf("root: a page table for 0x%lx (the walk stopped at level bits %lu)\n", vaddr,
               seL4_MappingFailedLookupLevel());
        err = seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, vaddr, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_NoError) {
            return err;
        }
    }
}

int main(seL4_BootInfo *bi)
{
    alloc = allocator_new(bi, 16);
    seL4_CPtr ep = make(&alloc, seL4_EndpointObject, 0);
    seL4_CPtr reply = make(&alloc, seL4_ReplyObject, 0);
    seL4_CPtr frame = make(&alloc, seL4_RISCV_4K_Page, 0);
    seL4_CPtr service = alloc.next_slot++;
    seL4_CNode_Mint(seL4_CapInitThreadCNode, service, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                    seL4_AllRights, SERVICE_BADGE);
    seL4_CPtr fault_ep = alloc.next_slot++;
    seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                    seL4_AllRights, FAULT_BADGE);
    printf("root: objects retyped into slots %lu..%lu\n", bi->empty.start, alloc.next_slot - 1);

    thread_new(&alloc, bi, "worker", 100, fault_ep, worker, service, worker_stack, STACK_SIZE, seL4_Null);
    printf("root: worker started\n");

    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    for (;;) {
        seL4_MessageInfo_t answer = seL4_MessageInfo_new(0, 0, 0, 0);
        if (badge == FAULT_BADGE && seL4_isVMFault_tag(info)) {
            seL4_Fault_t fault = seL4_getFault(info);
            seL4_Word addr = seL4_Fault_VMFault_get_Addr(fault);
            printf("root: VM fault at 0x%lx (pc 0x%lx, fsr %lu, %s)\n", addr, seL4_Fault_VMFault_get_IP(fault),
                   seL4_Fault_VMFault_get_FSR(fault),
                   seL4_Fault_VMFault_get_PrefetchFault(fault) ? "instruction" : "data");
            seL4_Error err = map_frame(frame, addr & ~((1ul << seL4_PageBits) - 1));
            printf("root: mapped a frame there: %s\n", err == seL4_NoError ? "ok" : "failed");
        } else if (badge == SERVICE_BADGE && seL4_MessageInfo_get_label(info) == LABEL_ADD) {
            seL4_SetMR(0, seL4_GetMR(0) + 1);
            answer = seL4_MessageInfo_new(0, 0, 0, 1);
        } else if (badge == SERVICE_BADGE && seL4_MessageInfo_get_label(info) == LABEL_DONE) {
            printf("root: the worker is done\n");
            seL4_Send(reply, answer);
            return 0;
        } else {
            printf("root: unexpected message, badge %lu label %lu\n", badge, seL4_MessageInfo_get_label(info));
        }
        info = seL4_ReplyRecv(ep, answer, &badge, reply);
    }
}
