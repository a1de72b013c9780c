/* sel4ts C SDK: seL4_BootInfo and friends live in sel4/types.h. */
#pragma once

#include <sel4/types.h>
