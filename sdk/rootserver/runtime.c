/*
 * sel4ts C SDK, root task runtime: sets the IPC buffer from the boot info,
 * calls the program's main and, when main returns, suspends the root thread.
 *
 * main is called with the boot info pointer as its first argument, so either
 * `int main(seL4_BootInfo *bi)` or `int main(void)` works; a program may also
 * call seL4_GetBootInfo(). The second argument is a NULL-terminated argv
 * {"rootserver"} for programs that declare `int main(int argc, char **argv)`.
 */
#include <sel4/sel4.h>
#include <sel4runtime.h>

/* libsel4's IPC buffer pointer: thread-local, as in real libsel4 (each thread's tp names its own). */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

#ifndef SEL4TS_ROOT_TLS_SIZE
#define SEL4TS_ROOT_TLS_SIZE 1024
#endif
/* The root thread's TLS block. */
static char root_tls[SEL4TS_ROOT_TLS_SIZE] __attribute__((aligned(64)));

static seL4_BootInfo *boot_info;

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    boot_info = bi;
}

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return boot_info;
}

/* The sel4runtime spelling of the same. */
const seL4_BootInfo *sel4runtime_bootinfo(void)
{
    return boot_info;
}

/* The program's main, whatever its declared parameters. */
extern int sel4ts_program_main(seL4_BootInfo *bi, char **argv, char **envp) __asm__("main");

static char program_name[] = "rootserver";
static char *program_argv[] = {program_name, seL4_Null};
static char *program_envp[] = {seL4_Null};

typedef void (*sel4ts_ctor)(void);
extern sel4ts_ctor __init_array_start[];
extern sel4ts_ctor __init_array_end[];

void __attribute__((noreturn)) __sel4ts_root_start(seL4_BootInfo *bi)
{
    if (sel4runtime_get_tls_size() > sizeof(root_tls)) {
        seL4_DebugPutString("sel4ts runtime: the program's TLS exceeds SEL4TS_ROOT_TLS_SIZE\n");
        seL4_DebugHalt();
    }
    sel4runtime_set_thread_pointer(sel4runtime_write_tls_image(root_tls));
    seL4_InitBootInfo(bi);
    seL4_SetIPCBuffer(bi->ipcBuffer);
    for (sel4ts_ctor *f = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }
    (void)sel4ts_program_main(bi, program_argv, program_envp);
    /* Returning from main suspends the root thread, as on seL4. */
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}

/* For seL4_Assert; weak so that a program may supply its own. */
__attribute__((weak)) void __assert_fail(const char *str, const char *file, int line, const char *function)
{
    seL4_DebugPutString("assert failed: ");
    seL4_DebugPutString((char *)str);
    seL4_DebugPutString(" ");
    seL4_DebugPutString((char *)file);
    seL4_DebugPutString(":");
    char digits[12];
    int n = 0;
    unsigned int u = (unsigned int)line;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0) {
        seL4_DebugPutChar(digits[--n]);
    }
    seL4_DebugPutString(" ");
    seL4_DebugPutString((char *)function);
    seL4_DebugPutString("\n");
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
    }
}
