/*
 * sel4ts C SDK: the part of sel4runtime's interface a root task uses to find its boot info.
 * The root task runtime (sdk/rootserver) records the boot info before main runs.
 */
#pragma once

#include <sel4/sel4.h>

/* The boot info the kernel passed to the root task (NULL in a Microkit PD). */
const seL4_BootInfo *sel4runtime_bootinfo(void);

/*
 * Thread-local storage. Each thread's tp points at its own TLS block, which holds libsel4's
 * __sel4_ipc_buffer among the program's __thread variables. The runtimes set up the block of the
 * root thread (or of the PD) before main. For a thread created by C code:
 *     static char tls[256];   (at least sel4runtime_get_tls_size() bytes)
 *     uintptr_t tp = sel4runtime_write_tls_image(tls);
 *     sel4runtime_set_tls_variable(tp, __sel4_ipc_buffer, its_ipc_buffer);
 *     regs.tp = tp;   (seL4_UserContext, then seL4_TCB_WriteRegisters)
 */
#include <stddef.h>
#include <stdint.h>

/* Bytes a TLS block needs (alignment slack included). */
size_t sel4runtime_get_tls_size(void);
/* Lay out a fresh TLS block in tls_memory: returns the thread pointer for it. */
uintptr_t sel4runtime_write_tls_image(void *tls_memory);
uintptr_t sel4runtime_get_thread_pointer(void);
void sel4runtime_set_thread_pointer(uintptr_t tp);
/* Store a pointer into the copy of `variable` (a __thread variable) in another thread's block. */
void sel4runtime_set_tls_pointer(uintptr_t thread_pointer, void *variable, void *value);
#define sel4runtime_set_tls_variable(thread_pointer, variable, value) \
    sel4runtime_set_tls_pointer((thread_pointer), (void *)&(variable), (void *)(value))
