/*
 * Prints what a root task can see of the kernel configuration it runs on: the root CNode size,
 * the device tree in the extra boot info, and how many TCBs fit in 2 KiB (one with the FPU,
 * seL4_TCBBits 11; two without, 10), next to the seL4_TCBBits it was compiled with.
 * Built for the default configuration (config-probe.elf) and for nofpu (config-probe-nofpu.elf).
 */
#include <sel4/sel4.h>
#include <stdio.h>

static seL4_Word be32(const unsigned char *p)
{
    return ((seL4_Word)p[0] << 24) | ((seL4_Word)p[1] << 16) | ((seL4_Word)p[2] << 8) | p[3];
}

int main(seL4_BootInfo *bi)
{
    printf("cnode bits %d, empty [%d, %d), seL4_TCBBits %d\n", (int)bi->initThreadCNodeSizeBits,
           (int)bi->empty.start, (int)bi->empty.end, (int)seL4_TCBBits);
    const unsigned char *extra = (const unsigned char *)bi + (1 << seL4_PageBits);
    const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)extra;
    printf("extra %d bytes in %d pages: header %d len %d, fdt magic %x size %d\n", (int)bi->extraLen,
           (int)(bi->extraBIPages.end - bi->extraBIPages.start), (int)h->id, (int)h->len,
           (unsigned)be32(extra + sizeof(*h)), (int)be32(extra + sizeof(*h) + 4));

    /* A 2^11 untyped cut from the smallest RAM untyped of at least a page, then TCBs from it. */
    seL4_CPtr ut = 0;
    int best = 64;
    for (seL4_CPtr s = bi->untyped.start; s < bi->untyped.end; s++) {
        seL4_UntypedDesc *d = &bi->untypedList[s - bi->untyped.start];
        if (!d->isDevice && d->sizeBits >= 12 && d->sizeBits < best) {
            best = d->sizeBits;
            ut = s;
        }
    }
    seL4_CPtr small = bi->empty.start;
    seL4_Error e = seL4_Untyped_Retype(ut, seL4_UntypedObject, 11, seL4_CapInitThreadCNode, 0, 0, small, 1);
    int tcbs = 0;
    for (int i = 0; i < 3 && e == seL4_NoError; i++) {
        e = seL4_Untyped_Retype(small, seL4_TCBObject, 0, seL4_CapInitThreadCNode, 0, 0, small + 1 + i, 1);
        if (e == seL4_NoError) {
            tcbs++;
        }
    }
    printf("TCBs in 2 KiB: %d\n", tcbs);
    return 0;
}
