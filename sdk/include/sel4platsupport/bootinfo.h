/*
 * sel4ts C SDK: sel4platsupport's way of getting the root task's boot info, as the seL4
 * tutorials use it. It returns what the root task runtime recorded before main.
 */
#pragma once

#include <sel4/sel4.h>

static inline seL4_BootInfo *platsupport_get_bootinfo(void)
{
    return seL4_GetBootInfo();
}
