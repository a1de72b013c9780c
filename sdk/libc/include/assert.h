/* sel4ts C SDK: assert() on top of __assert_fail (which each runtime supplies). */
#pragma once

void __assert_fail(const char *str, const char *file, int line, const char *function);

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : __assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
