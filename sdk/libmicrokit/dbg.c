/* sel4ts C SDK, libmicrokit: debug output through seL4_DebugPutChar. */
#include <microkit.h>

void microkit_dbg_putc(int c)
{
#if defined(CONFIG_PRINTING)
    seL4_DebugPutChar((char)c);
#else
    (void)c;
#endif
}

void microkit_dbg_puts(const char *s)
{
    for (; *s != '\0'; s++) {
        microkit_dbg_putc(*s);
    }
}

static void put_decimal(seL4_Uint32 x)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x != 0);
    while (n > 0) {
        microkit_dbg_putc(digits[--n]);
    }
}

void microkit_dbg_put8(seL4_Uint8 x)
{
    put_decimal(x);
}

void microkit_dbg_put32(seL4_Uint32 x)
{
    put_decimal(x);
}

/* For seL4_Assert; weak so that a program may supply its own. */
__attribute__((weak)) void __assert_fail(const char *str, const char *file, int line, const char *function)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts("|assert failed: ");
    microkit_dbg_puts(str);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(file);
    microkit_dbg_puts(":");
    microkit_dbg_put32((seL4_Uint32)line);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(function);
    microkit_dbg_puts("\n");
    microkit_internal_crash(0);
    for (;;) {
    }
}
