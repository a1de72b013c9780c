/* sel4ts C SDK: the tiny C library's formatted output (see stdio.h for what it supports). */
#include <stdint.h>
#include <stdio.h>
#include <sel4/sel4.h>

/* Where formatted characters go: the console (buf == NULL) or a bounded buffer. */
struct sink {
    char *buf;
    size_t size;
    size_t count;
};

static void emit(struct sink *s, char c)
{
    if (s->buf == NULL) {
        seL4_DebugPutChar(c);
    } else if (s->count + 1 < s->size) {
        s->buf[s->count] = c;
    }
    s->count++;
}

static void pad(struct sink *s, char c, int n)
{
    for (; n > 0; n--) {
        emit(s, c);
    }
}

/* An unsigned number in `base`, with an optional sign, right- or left-aligned in `width`. */
static void number(struct sink *s, uintmax_t v, unsigned base, int upper, int negative, int width, int left,
                   char fill)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    int len = n + (negative ? 1 : 0);
    if (negative && fill == '0') {
        emit(s, '-');
    }
    if (!left) {
        pad(s, fill, width - len);
    }
    if (negative && fill != '0') {
        emit(s, '-');
    }
    while (n > 0) {
        emit(s, tmp[--n]);
    }
    if (left) {
        pad(s, ' ', width - len);
    }
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            emit(s, *fmt);
            continue;
        }
        fmt++;
        int left = 0;
        char fill = ' ';
        for (;; fmt++) {
            if (*fmt == '-') {
                left = 1;
            } else if (*fmt == '0') {
                fill = '0';
            } else {
                break;
            }
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        int precision = -1;
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9') {
                precision = precision * 10 + (*fmt++ - '0');
            }
        }
        int longs = 0;
        int shorts = 0;
        for (;; fmt++) {
            if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j' || *fmt == 't') {
                longs++;
            } else if (*fmt == 'h') {
                shorts++;
            } else {
                break;
            }
        }
        if (left) {
            fill = ' ';
        }
        char conv = *fmt;
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v = longs > 0 ? va_arg(ap, long) : va_arg(ap, int);
            if (shorts == 1) {
                v = (short)v;
            } else if (shorts >= 2) {
                v = (signed char)v;
            }
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            number(s, mag, 10, 0, v < 0, width, left, fill);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t v = longs > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (shorts == 1) {
                v = (unsigned short)v;
            } else if (shorts >= 2) {
                v = (unsigned char)v;
            }
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            number(s, v, base, conv == 'X', 0, width, left, fill);
            break;
        }
        case 'p':
            emit(s, '0');
            emit(s, 'x');
            number(s, (uintptr_t)va_arg(ap, void *), 16, 0, 0, width > 2 ? width - 2 : 0, left, fill);
            break;
        case 'c':
            if (!left) {
                pad(s, ' ', width - 1);
            }
            emit(s, (char)va_arg(ap, int));
            if (left) {
                pad(s, ' ', width - 1);
            }
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL) {
                str = "(null)";
            }
            int len = 0;
            while (str[len] != '\0' && (precision < 0 || len < precision)) {
                len++;
            }
            if (!left) {
                pad(s, ' ', width - len);
            }
            for (int i = 0; i < len; i++) {
                emit(s, str[i]);
            }
            if (left) {
                pad(s, ' ', width - len);
            }
            break;
        }
        case '%':
            emit(s, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            emit(s, '%');
            emit(s, conv);
            break;
        }
    }
    if (s->buf != NULL && s->size > 0) {
        s->buf[s->count < s->size ? s->count : s->size - 1] = '\0';
    }
    return (int)s->count;
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = {NULL, 0, 0};
    return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    if (buf == NULL) {
        s.buf = (char *)"";
        s.size = 0;
    }
    return format(&s, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, SIZE_MAX, fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int c)
{
    seL4_DebugPutChar((char)c);
    return (unsigned char)c;
}

int puts(const char *str)
{
    while (*str != '\0') {
        seL4_DebugPutChar(*str++);
    }
    seL4_DebugPutChar('\n');
    return 0;
}
