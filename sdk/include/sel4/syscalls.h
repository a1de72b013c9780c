/*
 * sel4ts C SDK: the system calls of seL4 MCS on riscv64 (ABI sheet §2).
 *
 * Entry: ecall with the syscall number in a7, the capability in a0, the
 * message info in a1, MR0..MR3 in a2..a5, the reply object (receives) or the
 * send destination (NBSendWait) in a6, and the NBSendRecv destination in t0.
 * Return: badge in a0, message info in a1, MR0..MR3 in a2..a5; every other
 * register is preserved. The plain stubs move MR0..MR3 between the registers
 * and the IPC buffer's msg[0..3]; the *WithMRs variants use caller variables.
 */
#pragma once

#include <sel4/types.h>
#include <sel4/functions.h>

/* ---- The register-level calls ---- */

/* A send: nothing comes back. */
LIBSEL4_INLINE_FUNC void sel4ts_sys_send(seL4_Word sys, seL4_Word dest, seL4_Word info, seL4_Word mr0, seL4_Word mr1,
                                         seL4_Word mr2, seL4_Word mr3)
{
    register seL4_Word r_a0 asm("a0") = dest;
    register seL4_Word r_a1 asm("a1") = info;
    register seL4_Word r_a2 asm("a2") = mr0;
    register seL4_Word r_a3 asm("a3") = mr1;
    register seL4_Word r_a4 asm("a4") = mr2;
    register seL4_Word r_a5 asm("a5") = mr3;
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall"
                 : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                 : "r"(r_a7)
                 : "memory");
}

/* A send of an empty message (seL4_Signal): only a0 and a1. */
LIBSEL4_INLINE_FUNC void sel4ts_sys_send_empty(seL4_Word sys, seL4_Word dest)
{
    register seL4_Word r_a0 asm("a0") = dest;
    register seL4_Word r_a1 asm("a1") = 0;
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a7) : "memory");
}

/*
 * Everything that receives: Call, ReplyRecv, NBSendWait, Recv, NBRecv, Wait,
 * NBWait. *info and mr[0..3] go in and come back; a6 is the reply object (or,
 * for NBSendWait, the send destination). Returns the badge from a0.
 */
LIBSEL4_INLINE_FUNC seL4_Word sel4ts_sys_recv(seL4_Word sys, seL4_Word cap, seL4_Word *info, seL4_Word mr[4],
                                              seL4_Word a6)
{
    register seL4_Word r_a0 asm("a0") = cap;
    register seL4_Word r_a1 asm("a1") = *info;
    register seL4_Word r_a2 asm("a2") = mr[0];
    register seL4_Word r_a3 asm("a3") = mr[1];
    register seL4_Word r_a4 asm("a4") = mr[2];
    register seL4_Word r_a5 asm("a5") = mr[3];
    register seL4_Word r_a6 asm("a6") = a6;
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall"
                 : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                 : "r"(r_a6), "r"(r_a7)
                 : "memory");
    *info = r_a1;
    mr[0] = r_a2;
    mr[1] = r_a3;
    mr[2] = r_a4;
    mr[3] = r_a5;
    return r_a0;
}

/* NBSendRecv: receive on `src` with reply object a6 after a non-blocking send to t0. */
LIBSEL4_INLINE_FUNC seL4_Word sel4ts_sys_nbsendrecv(seL4_Word sys, seL4_Word dest, seL4_Word src, seL4_Word *info,
                                                    seL4_Word mr[4], seL4_Word reply)
{
    register seL4_Word r_a0 asm("a0") = src;
    register seL4_Word r_a1 asm("a1") = *info;
    register seL4_Word r_a2 asm("a2") = mr[0];
    register seL4_Word r_a3 asm("a3") = mr[1];
    register seL4_Word r_a4 asm("a4") = mr[2];
    register seL4_Word r_a5 asm("a5") = mr[3];
    register seL4_Word r_a6 asm("a6") = reply;
    register seL4_Word r_t0 asm("t0") = dest;
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall"
                 : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                 : "r"(r_a6), "r"(r_t0), "r"(r_a7)
                 : "memory");
    *info = r_a1;
    mr[0] = r_a2;
    mr[1] = r_a3;
    mr[2] = r_a4;
    mr[3] = r_a5;
    return r_a0;
}

/* A call with no arguments and no results: only a7. */
LIBSEL4_INLINE_FUNC void sel4ts_sys_null(seL4_Word sys)
{
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall" : : "r"(r_a7) : "memory");
}

/* A call taking a0 and returning a0 (the debug calls). */
LIBSEL4_INLINE_FUNC seL4_Word sel4ts_sys_a0(seL4_Word sys, seL4_Word a0)
{
    register seL4_Word r_a0 asm("a0") = a0;
    register seL4_Word r_a7 asm("a7") = sys;
    asm volatile("ecall" : "+r"(r_a0) : "r"(r_a7) : "memory");
    return r_a0;
}

/* ---- Moving MR0..MR3 between the registers and the IPC buffer ---- */

LIBSEL4_INLINE_FUNC void sel4ts_load_mrs(seL4_Word mr[4])
{
    mr[0] = seL4_GetMR(0);
    mr[1] = seL4_GetMR(1);
    mr[2] = seL4_GetMR(2);
    mr[3] = seL4_GetMR(3);
}

LIBSEL4_INLINE_FUNC void sel4ts_store_mrs(const seL4_Word mr[4])
{
    seL4_SetMR(0, mr[0]);
    seL4_SetMR(1, mr[1]);
    seL4_SetMR(2, mr[2]);
    seL4_SetMR(3, mr[3]);
}

/*
 * Inputs of the *WithMRs calls: MRi is taken from *mri when that is given and
 * the message is longer than i (the sends take all four once the length is
 * not 0); otherwise it is 0.
 */
LIBSEL4_INLINE_FUNC void sel4ts_in_mrs(seL4_Word mr[4], seL4_MessageInfo_t info, int all_if_any, seL4_Word *mr0,
                                       seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word len = seL4_MessageInfo_get_length(info);
    mr[0] = (mr0 != seL4_Null && len > 0) ? *mr0 : 0;
    mr[1] = (mr1 != seL4_Null && len > (all_if_any ? 0 : 1)) ? *mr1 : 0;
    mr[2] = (mr2 != seL4_Null && len > (all_if_any ? 0 : 2)) ? *mr2 : 0;
    mr[3] = (mr3 != seL4_Null && len > (all_if_any ? 0 : 3)) ? *mr3 : 0;
}

LIBSEL4_INLINE_FUNC void sel4ts_out_mrs(const seL4_Word mr[4], seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                        seL4_Word *mr3)
{
    if (mr0 != seL4_Null) {
        *mr0 = mr[0];
    }
    if (mr1 != seL4_Null) {
        *mr1 = mr[1];
    }
    if (mr2 != seL4_Null) {
        *mr2 = mr[2];
    }
    if (mr3 != seL4_Null) {
        *mr3 = mr[3];
    }
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t sel4ts_info(seL4_Word w)
{
    seL4_MessageInfo_t m;
    m.words[0] = w;
    return m;
}

LIBSEL4_INLINE_FUNC void sel4ts_set_sender(seL4_Word *sender, seL4_Word badge)
{
    if (sender != seL4_Null) {
        *sender = badge;
    }
}

/* ---- Sending ---- */

LIBSEL4_INLINE_FUNC void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    sel4ts_sys_send(seL4_SysSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                    seL4_GetMR(3));
}

LIBSEL4_INLINE_FUNC void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    sel4ts_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                    seL4_GetMR(3));
}

LIBSEL4_INLINE_FUNC void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                          seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word mr[4];
    sel4ts_in_mrs(mr, msgInfo, 1, mr0, mr1, mr2, mr3);
    sel4ts_sys_send(seL4_SysSend, dest, msgInfo.words[0], mr[0], mr[1], mr[2], mr[3]);
}

LIBSEL4_INLINE_FUNC void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                            seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word mr[4];
    sel4ts_in_mrs(mr, msgInfo, 1, mr0, mr1, mr2, mr3);
    sel4ts_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], mr[0], mr[1], mr[2], mr[3]);
}

/* Signal a notification: a Send of an empty message. */
LIBSEL4_INLINE_FUNC void seL4_Signal(seL4_CPtr dest)
{
    sel4ts_sys_send_empty(seL4_SysSend, dest);
}

/* ---- Call ---- */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_load_mrs(mr);
    sel4ts_sys_recv(seL4_SysCall, dest, &info, mr, 0);
    sel4ts_store_mrs(mr);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                        seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                        seL4_Word *mr3)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_in_mrs(mr, msgInfo, 0, mr0, mr1, mr2, mr3);
    sel4ts_sys_recv(seL4_SysCall, dest, &info, mr, 0);
    sel4ts_out_mrs(mr, mr0, mr1, mr2, mr3);
    return sel4ts_info(info);
}

/* ---- Receiving ---- */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t sel4ts_receive(seL4_Word sys, seL4_CPtr src, seL4_Word *sender,
                                                      seL4_Word a6)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_Word info = 0;
    seL4_Word badge = sel4ts_sys_recv(sys, src, &info, mr, a6);
    sel4ts_store_mrs(mr);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t sel4ts_receive_mrs(seL4_Word sys, seL4_CPtr src, seL4_Word *sender,
                                                          seL4_Word a6, seL4_Word *mr0, seL4_Word *mr1,
                                                          seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_Word info = 0;
    seL4_Word badge = sel4ts_sys_recv(sys, src, &info, mr, a6);
    sel4ts_out_mrs(mr, mr0, mr1, mr2, mr3);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    return sel4ts_receive(seL4_SysRecv, src, sender, reply);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply,
                                                        seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                        seL4_Word *mr3)
{
    return sel4ts_receive_mrs(seL4_SysRecv, src, sender, reply, mr0, mr1, mr2, mr3);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    return sel4ts_receive(seL4_SysNBRecv, src, sender, reply);
}

/* Receive without a reply object (a caller is not given a reply). */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    return sel4ts_receive(seL4_SysWait, src, sender, 0);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_WaitWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                        seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    return sel4ts_receive_mrs(seL4_SysWait, src, sender, 0, mr0, mr1, mr2, mr3);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBWait(seL4_CPtr src, seL4_Word *sender)
{
    return sel4ts_receive(seL4_SysNBWait, src, sender, 0);
}

/* Poll a notification: on MCS this is NBWait. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBWait(src, sender);
}

/* ---- Combined send and receive ---- */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender,
                                                      seL4_CPtr reply)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_load_mrs(mr);
    seL4_Word badge = sel4ts_sys_recv(seL4_SysReplyRecv, src, &info, mr, reply);
    sel4ts_store_mrs(mr);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                             seL4_Word *sender, seL4_Word *mr0, seL4_Word *mr1,
                                                             seL4_Word *mr2, seL4_Word *mr3, seL4_CPtr reply)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_in_mrs(mr, msgInfo, 0, mr0, mr1, mr2, mr3);
    seL4_Word badge = sel4ts_sys_recv(seL4_SysReplyRecv, src, &info, mr, reply);
    sel4ts_out_mrs(mr, mr0, mr1, mr2, mr3);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src,
                                                       seL4_Word *sender, seL4_CPtr reply)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_load_mrs(mr);
    seL4_Word badge = sel4ts_sys_nbsendrecv(seL4_SysNBSendRecv, dest, src, &info, mr, reply);
    sel4ts_store_mrs(mr);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendRecvWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                              seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                              seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3,
                                                              seL4_CPtr reply)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_in_mrs(mr, msgInfo, 0, mr0, mr1, mr2, mr3);
    seL4_Word badge = sel4ts_sys_nbsendrecv(seL4_SysNBSendRecv, dest, src, &info, mr, reply);
    sel4ts_out_mrs(mr, mr0, mr1, mr2, mr3);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

/* NBSendWait: the send destination travels in a6, the receive takes no reply object. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendWait(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src,
                                                       seL4_Word *sender)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_load_mrs(mr);
    seL4_Word badge = sel4ts_sys_recv(seL4_SysNBSendWait, src, &info, mr, dest);
    sel4ts_store_mrs(mr);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

/*
 * As in libsel4 for riscv, this variant issues NBSendRecv with the destination
 * in a6 and t0 = 0 (ABI sheet §2.3), so binaries behave as they do on seL4.
 */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendWaitWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                              seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                              seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word mr[4];
    seL4_Word info = msgInfo.words[0];
    sel4ts_in_mrs(mr, msgInfo, 0, mr0, mr1, mr2, mr3);
    seL4_Word badge = sel4ts_sys_nbsendrecv(seL4_SysNBSendRecv, 0, src, &info, mr, dest);
    sel4ts_out_mrs(mr, mr0, mr1, mr2, mr3);
    sel4ts_set_sender(sender, badge);
    return sel4ts_info(info);
}

LIBSEL4_INLINE_FUNC void seL4_Yield(void)
{
    sel4ts_sys_null(seL4_SysYield);
}

/* ---- Debug system calls (debug build) ---- */

LIBSEL4_INLINE_FUNC void seL4_DebugPutChar(char c)
{
    sel4ts_sys_a0(seL4_SysDebugPutChar, (seL4_Word)(seL4_Uint8)c);
}

LIBSEL4_INLINE_FUNC void seL4_DebugPutString(char *str)
{
    for (const char *s = str; *s != '\0'; s++) {
        seL4_DebugPutChar(*s);
    }
}

LIBSEL4_INLINE_FUNC void seL4_DebugDumpScheduler(void)
{
    sel4ts_sys_a0(seL4_SysDebugDumpScheduler, 0);
}

LIBSEL4_INLINE_FUNC void seL4_DebugHalt(void)
{
    sel4ts_sys_null(seL4_SysDebugHalt);
}

LIBSEL4_INLINE_FUNC void seL4_DebugSnapshot(void)
{
    sel4ts_sys_null(seL4_SysDebugSnapshot);
}

/* The type tag of the capability at `cap` (0 for an empty slot or a failed lookup). */
LIBSEL4_INLINE_FUNC seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    return (seL4_Uint32)sel4ts_sys_a0(seL4_SysDebugCapIdentify, cap);
}

/* The name travels NUL-terminated from msg[0] of the IPC buffer. */
LIBSEL4_INLINE_FUNC void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *to = (char *)__sel4_ipc_buffer->msg;
    seL4_Word room = sizeof(__sel4_ipc_buffer->msg) - 1;
    seL4_Word i = 0;
    for (; i < room && name[i] != '\0'; i++) {
        to[i] = name[i];
    }
    to[i] = '\0';
    sel4ts_sys_a0(seL4_SysDebugNameThread, tcb);
}
