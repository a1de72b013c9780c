/*
 * sel4ts C SDK: the part of sel4runtime's interface a root task uses to find its boot info.
 * The root task runtime (sdk/rootserver) records the boot info before main runs.
 */
#pragma once

#include <sel4/sel4.h>

/* The boot info the kernel passed to the root task (NULL in a Microkit PD). */
const seL4_BootInfo *sel4runtime_bootinfo(void);
