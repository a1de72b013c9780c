/*
 * sel4ts C SDK: thread-local storage (the static TLS of a statically linked
 * RV64 program, local-exec model). The linker script collects .tdata and .tbss
 * into the PT_TLS segment; a thread's TLS block is a copy of .tdata followed by
 * a zeroed .tbss, and its tp register points at the block's first byte (RISC-V
 * has no gap between tp and the block). libsel4's __sel4_ipc_buffer lives there,
 * so each thread has its own IPC buffer pointer.
 */
#include <sel4runtime.h>
#include <string.h>

extern char __sel4ts_tdata_start[];
extern char __sel4ts_tdata_end[];
extern char __sel4ts_tls_start[];
extern char __sel4ts_tls_end[];
extern char __sel4ts_tls_align[];

size_t sel4runtime_get_tls_size(void)
{
    /* Room to align the block within whatever memory the caller gives. */
    return (size_t)(__sel4ts_tls_end - __sel4ts_tls_start) + (size_t)__sel4ts_tls_align;
}

uintptr_t sel4runtime_write_tls_image(void *tls_memory)
{
    uintptr_t align = (uintptr_t)__sel4ts_tls_align;
    if (align == 0) {
        align = 1;
    }
    uintptr_t tp = ((uintptr_t)tls_memory + align - 1) & ~(align - 1);
    size_t data = (size_t)(__sel4ts_tdata_end - __sel4ts_tdata_start);
    size_t all = (size_t)(__sel4ts_tls_end - __sel4ts_tls_start);
    memcpy((void *)tp, __sel4ts_tdata_start, data);
    memset((void *)(tp + data), 0, all - data);
    return tp;
}

uintptr_t sel4runtime_get_thread_pointer(void)
{
    uintptr_t tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    return tp;
}

void sel4runtime_set_thread_pointer(uintptr_t tp)
{
    __asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");
}

void sel4runtime_set_tls_pointer(uintptr_t thread_pointer, void *variable, void *value)
{
    uintptr_t offset = (uintptr_t)variable - sel4runtime_get_thread_pointer();
    *(void **)(thread_pointer + offset) = value;
}
