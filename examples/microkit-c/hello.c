/* The Microkit "hello" example in C (examples/microkit/hello.ts is its TypeScript twin). */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("hello, world\n");
}

void notified(microkit_channel ch)
{
}
