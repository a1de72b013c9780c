/* sel4ts C SDK: assertions that vanish with NDEBUG. */
#pragma once

#ifdef NDEBUG
#define seL4_DebugAssert(expr) ((void)(0))
#else
#include <sel4/assert.h>
#define seL4_DebugAssert(expr) seL4_Assert(expr)
#endif
