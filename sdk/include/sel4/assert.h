/* sel4ts C SDK: libsel4's assertions; the runtime (or the program) supplies __assert_fail. */
#pragma once

#include <sel4/macros.h>

void __assert_fail(const char *str, const char *file, int line, const char *function);

#define seL4_Fail(s) __assert_fail(s, __FILE__, __LINE__, __func__)
#define seL4_Assert(expr)                                                                                   \
    do {                                                                                                    \
        if (!(expr)) {                                                                                      \
            __assert_fail(#expr, __FILE__, __LINE__, __func__);                                             \
        }                                                                                                   \
    } while (0)
#define seL4_CompileTimeAssert(expr) SEL4_COMPILE_ASSERT(seL4_CompileTimeAssert, expr)
