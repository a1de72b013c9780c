/*
 * sel4ts C SDK: console output of the SDK's tiny C library, written through
 * seL4_DebugPutChar. printf supports %d %i %u %x %X %o %c %s %p %% with the
 * flags '-' and '0', a width, a precision for strings, and the length
 * modifiers hh h l ll z j t.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int putchar(int c);
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
