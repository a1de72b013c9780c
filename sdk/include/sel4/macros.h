/* sel4ts C SDK: compiler helpers used throughout libsel4's headers. */
#pragma once

#define CONST __attribute__((__const__))
#define PURE __attribute__((__pure__))
#define SEL4_PACKED __attribute__((packed))
#define SEL4_DEPRECATED(x) __attribute__((deprecated(x)))
#define SEL4_DEPRECATE_MACRO(x) x
#define LIBSEL4_UNUSED __attribute__((unused))
#define LIBSEL4_WEAK __attribute__((weak))
#define LIBSEL4_NOINLINE __attribute__((noinline))

/* Every libsel4 function is a header-only static inline function. */
#define LIBSEL4_INLINE static inline LIBSEL4_UNUSED
#define LIBSEL4_INLINE_FUNC static inline LIBSEL4_UNUSED

/* The IPC buffer pointer is a plain global: sel4ts threads start without a TLS area. */
#define LIBSEL4_THREAD_LOCAL __thread

#define SEL4_COMPILE_ASSERT(name, expr) _Static_assert(expr, #name);

/* Makes an enum as wide as a word by giving it one member with the largest positive long. */
#define SEL4_FORCE_LONG_ENUM(type) _enum_pad_##type = ((1ULL << ((sizeof(long) * 8) - 1)) - 1)

#define LIBSEL4_BIT(n) (1ul << (n))
