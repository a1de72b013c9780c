/*
 * Two threads and a root task: a passive server answers badged calls from two
 * clients. Thread creation the C way (Retype, Configure, SchedControl,
 * SetSchedParams, WriteRegisters), badged endpoint caps, Call / ReplyRecv with
 * a reply object, and SC donation. (examples/client-server.ts is its twin.)
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "threads.h"

#define STACK_SIZE 8192

static char stacks[3][STACK_SIZE] __attribute__((aligned(16)));
static seL4_CPtr ep;
static seL4_CPtr reply;

static void server(seL4_Word unused)
{
    seL4_Word sender;
    seL4_Recv(ep, &sender, reply);
    for (;;) {
        seL4_Word x = seL4_GetMR(0);
        printf("server: client %lu asks for %lu squared\n", sender, x);
        seL4_SetMR(0, x * x);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &sender, reply);
    }
}

/* The argument packs the badge (high half) and the client's endpoint cap (low half). */
static void client(seL4_Word arg)
{
    seL4_Word badge = arg >> 32;
    seL4_CPtr cap = arg & 0xffffffffu;
    for (seL4_Word x = badge * 10; x < badge * 10 + 2; x++) {
        seL4_SetMR(0, x);
        seL4_Call(cap, seL4_MessageInfo_new(0, 0, 0, 1));
        printf("client%lu: %lu^2 = %lu\n", badge, x, seL4_GetMR(0));
    }
}

int main(seL4_BootInfo *bi)
{
    struct allocator a = allocator_new(bi, 16);
    ep = make(&a, seL4_EndpointObject, 0);
    reply = make(&a, seL4_ReplyObject, 0);

    seL4_CPtr server_sc;
    thread_new(&a, bi, "server", 255, seL4_CapNull, server, 0, stacks[0], STACK_SIZE, &server_sc);
    seL4_Yield(); /* let the server reach its Recv */
    seL4_SchedContext_Unbind(server_sc); /* now passive: it runs on its callers' time */
    printf("root: the server is passive\n");

    for (seL4_Word badge = 1; badge <= 2; badge++) {
        seL4_CPtr cap = a.next_slot++;
        seL4_CNode_Mint(seL4_CapInitThreadCNode, cap, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                        seL4_AllRights, badge);
        char name[8] = "client0";
        name[6] = (char)('0' + badge);
        thread_new(&a, bi, name, 100, seL4_CapNull, client, (badge << 32) | cap, stacks[badge], STACK_SIZE,
                   seL4_Null);
    }
    printf("root: clients started\n");
    return 0;
}
