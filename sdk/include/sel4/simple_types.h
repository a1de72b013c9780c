/* sel4ts C SDK: libsel4's fixed-width integer types for riscv64 (LP64). */
#pragma once

#include <sel4/macros.h>

typedef signed char seL4_Int8;
typedef unsigned char seL4_Uint8;
typedef signed short seL4_Int16;
typedef unsigned short seL4_Uint16;
typedef signed int seL4_Int32;
typedef unsigned int seL4_Uint32;
typedef signed long seL4_Int64;
typedef unsigned long seL4_Uint64;

typedef seL4_Int8 seL4_Bool;
#define seL4_True 1
#define seL4_False 0

#define seL4_Null ((void *)0)

/* A machine word: 64 bits. */
typedef seL4_Uint64 seL4_Word;
/* A capability pointer: an address in the caller's CSpace. */
typedef seL4_Word seL4_CPtr;

#define SEL4_WORD_IS_UINT64
#define SEL4_INT64_IS_LONG
#define SEL4_PRId64 "ld"
#define SEL4_PRIi64 "li"
#define SEL4_PRIu64 "lu"
#define SEL4_PRIx64 "lx"
#define SEL4_PRId_word "ld"
#define SEL4_PRIi_word "li"
#define SEL4_PRIu_word "lu"
#define SEL4_PRIx_word "lx"
#define SEL4_PRI_word SEL4_PRIu_word

_Static_assert(sizeof(seL4_Word) == 8, "seL4_Word is 64 bits");
_Static_assert(sizeof(seL4_Uint32) == 4, "seL4_Uint32 is 32 bits");
