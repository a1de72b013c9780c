/*
 * sel4ts C SDK: access to the calling thread's IPC buffer. The pointer is the
 * global __sel4_ipc_buffer, which the start code sets: from bootinfo->ipcBuffer
 * in a root task (sdk/rootserver), to the fixed Microkit address in a PD
 * (sdk/libmicrokit).
 */
#pragma once

#include <sel4/types.h>

extern LIBSEL4_THREAD_LOCAL seL4_IPCBuffer *__sel4_ipc_buffer;

LIBSEL4_INLINE_FUNC void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}

LIBSEL4_INLINE_FUNC seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetMR(int i)
{
    return __sel4_ipc_buffer->msg[i];
}

LIBSEL4_INLINE_FUNC void seL4_SetMR(int i, seL4_Word mr)
{
    __sel4_ipc_buffer->msg[i] = mr;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetUserData(void)
{
    return __sel4_ipc_buffer->userData;
}

LIBSEL4_INLINE_FUNC void seL4_SetUserData(seL4_Word data)
{
    __sel4_ipc_buffer->userData = data;
}

/* The badge of the i-th capability of a received message that was unwrapped. */
LIBSEL4_INLINE_FUNC seL4_Word seL4_GetBadge(int i)
{
    return __sel4_ipc_buffer->caps_or_badges[i];
}

LIBSEL4_INLINE_FUNC seL4_CPtr seL4_GetCap(int i)
{
    return (seL4_CPtr)__sel4_ipc_buffer->caps_or_badges[i];
}

/* The i-th extra capability of the next message sent. */
LIBSEL4_INLINE_FUNC void seL4_SetCap(int i, seL4_CPtr cptr)
{
    __sel4_ipc_buffer->caps_or_badges[i] = (seL4_Word)cptr;
}

LIBSEL4_INLINE_FUNC void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                                seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *b = __sel4_ipc_buffer;
    if (receiveCNode != seL4_Null) {
        *receiveCNode = b->receiveCNode;
    }
    if (receiveIndex != seL4_Null) {
        *receiveIndex = b->receiveIndex;
    }
    if (receiveDepth != seL4_Null) {
        *receiveDepth = b->receiveDepth;
    }
}

/* Where a capability received in the next message is stored. */
LIBSEL4_INLINE_FUNC void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                                seL4_Word receiveDepth)
{
    seL4_IPCBuffer *b = __sel4_ipc_buffer;
    b->receiveCNode = receiveCNode;
    b->receiveIndex = receiveIndex;
    b->receiveDepth = receiveDepth;
}
