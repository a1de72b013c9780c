/*
 * sel4ts C SDK: the boot information of the root task. The types are in
 * sel4/types.h; the root task runtime (sdk/rootserver) records the pointer it
 * was started with, which seL4_GetBootInfo returns.
 */
#pragma once

#include <sel4/types.h>

void seL4_InitBootInfo(seL4_BootInfo *bi);
seL4_BootInfo *seL4_GetBootInfo(void);
