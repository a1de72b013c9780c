/*
 * A root task: find untyped memory in the boot info, retype objects, shape the
 * CSpace with Mint and Copy, revoke, and print through seL4_DebugPutChar.
 * (examples/hello-root.ts is its TypeScript twin.)
 */
#include <stdio.h>
#include <sel4/sel4.h>

static const char *result(seL4_Error err)
{
    static char text[32];
    if (err == seL4_NoError) {
        return "ok";
    }
    snprintf(text, sizeof(text), "error %d", (int)err);
    return text;
}

int main(seL4_BootInfo *bootinfo)
{
    printf("Hello from the sel4ts root task!\n");
    seL4_Word n_untyped = bootinfo->untyped.end - bootinfo->untyped.start;
    seL4_Word ram = 0;
    for (seL4_Word i = 0; i < n_untyped; i++) {
        if (!bootinfo->untypedList[i].isDevice) {
            ram += 1ul << bootinfo->untypedList[i].sizeBits;
        }
    }
    printf("boot info: %lu untypeds, %lu KiB of RAM, empty slots %lu..%lu\n", n_untyped, ram / 1024,
           bootinfo->empty.start, bootinfo->empty.end - 1);

    /* The smallest RAM untyped that holds a few objects. */
    long ut = -1;
    for (seL4_Word i = 0; i < n_untyped; i++) {
        const seL4_UntypedDesc *u = &bootinfo->untypedList[i];
        if (!u->isDevice && u->sizeBits >= 12 && (ut < 0 || u->sizeBits < bootinfo->untypedList[ut].sizeBits)) {
            ut = (long)i;
        }
    }
    seL4_CPtr untyped = bootinfo->untyped.start + (seL4_Word)ut;
    seL4_CPtr free_slot = bootinfo->empty.start;

    seL4_CPtr ep = free_slot++;
    seL4_Error err = seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, ep, 1);
    printf("retype endpoint into slot %lu: %s\n", ep, result(err));

    seL4_CPtr badged = free_slot++;
    err = seL4_CNode_Mint(seL4_CapInitThreadCNode, badged, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                          seL4_AllRights, 0x5e14);
    printf("mint badged copy into slot %lu: %s\n", badged, result(err));
    seL4_CPtr copy = free_slot++;
    err = seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode, badged,
                          seL4_WordBits, seL4_CanRead);
    printf("copy of the badged cap into slot %lu: %s\n", copy, result(err));
    printf("cap types: ep=%u badged=%u copy=%u\n", seL4_DebugCapIdentify(ep), seL4_DebugCapIdentify(badged),
           seL4_DebugCapIdentify(copy));

    err = seL4_CNode_Revoke(seL4_CapInitThreadCNode, ep, seL4_WordBits);
    printf("revoke the endpoint: %s; ", result(err));
    printf("badged=%u copy=%u\n", seL4_DebugCapIdentify(badged), seL4_DebugCapIdentify(copy));

    /* Ask for more than the untyped holds: the kernel says how much is left. */
    unsigned size = bootinfo->untypedList[ut].sizeBits;
    err = seL4_Untyped_Retype(untyped, seL4_NotificationObject, 0, seL4_CapInitThreadCNode, 0, 0, free_slot, 256);
    if (err == seL4_NotEnoughMemory) {
        printf("256 notifications do not fit in a 2^%u-byte untyped: %lu bytes left\n", size, seL4_GetMR(0));
    }
    printf("done\n");
    return 0;
}
