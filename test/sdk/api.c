/*
 * Compile-only check of the C SDK's API surface: every libsel4 and libmicrokit
 * name a program written for seL4 MCS on riscv64 may use, with libsel4's
 * parameter orders and result types (test/sdk/sdk.test.ts compiles it with
 * -Werror).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <assert.h>
#include <sel4/sel4.h>
#include <sel4/bootinfo.h>
#include <sel4/faults.h>
#include <sel4/debug_assert.h>
#include <microkit.h>

uintptr_t some_setvar;

void init(void)
{
}

void notified(microkit_channel ch)
{
}

seL4_Word use_syscalls(seL4_CPtr ep, seL4_CPtr reply, seL4_CPtr ntfn)
{
    seL4_Word badge = 0, m0 = 1, m1 = 2, m2 = 3, m3 = 4;
    seL4_MessageInfo_t tag = seL4_MessageInfo_new(1, 0, 0, 2);
    tag = seL4_MessageInfo_set_label(tag, 7);
    tag = seL4_MessageInfo_set_length(tag, seL4_MessageInfo_get_length(tag));
    tag = seL4_MessageInfo_set_extraCaps(tag, seL4_MessageInfo_get_extraCaps(tag));
    tag = seL4_MessageInfo_set_capsUnwrapped(tag, seL4_MessageInfo_get_capsUnwrapped(tag));
    seL4_MessageInfo_ptr_set_label(&tag, seL4_MessageInfo_ptr_get_label(&tag));
    seL4_Send(ep, tag);
    seL4_NBSend(ep, tag);
    seL4_SendWithMRs(ep, tag, &m0, &m1, seL4_Null, seL4_Null);
    seL4_NBSendWithMRs(ep, tag, &m0, &m1, &m2, &m3);
    tag = seL4_Call(ep, tag);
    tag = seL4_CallWithMRs(ep, tag, &m0, &m1, &m2, &m3);
    tag = seL4_Recv(ep, &badge, reply);
    tag = seL4_RecvWithMRs(ep, &badge, reply, &m0, &m1, &m2, &m3);
    tag = seL4_NBRecv(ep, &badge, reply);
    tag = seL4_ReplyRecv(ep, tag, &badge, reply);
    tag = seL4_ReplyRecvWithMRs(ep, tag, &badge, &m0, &m1, &m2, &m3, reply);
    tag = seL4_NBSendRecv(ep, tag, ep, &badge, reply);
    tag = seL4_NBSendRecvWithMRs(ep, tag, ep, &badge, &m0, &m1, &m2, &m3, reply);
    tag = seL4_NBSendWait(ep, tag, ep, &badge);
    tag = seL4_NBSendWaitWithMRs(ep, tag, ep, &badge, &m0, &m1, &m2, &m3);
    tag = seL4_Wait(ntfn, &badge);
    tag = seL4_WaitWithMRs(ntfn, &badge, &m0, &m1, &m2, &m3);
    tag = seL4_NBWait(ntfn, &badge);
    tag = seL4_Poll(ntfn, &badge);
    seL4_Signal(ntfn);
    seL4_Yield();
    seL4_DebugPutChar('a');
    seL4_DebugPutString("hello\n");
    seL4_DebugDumpScheduler();
    seL4_DebugSnapshot();
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "name");
    seL4_Uint32 type = seL4_DebugCapIdentify(ep);
    if (type == 0) {
        seL4_DebugHalt();
    }
    seL4_SetMR(0, seL4_GetMR(1));
    seL4_SetCap(0, seL4_GetCap(1));
    seL4_SetUserData(seL4_GetUserData() + seL4_GetBadge(0));
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, 100, seL4_WordBits);
    seL4_CPtr cnode, index;
    seL4_Word depth;
    seL4_GetCapReceivePath(&cnode, &index, &depth);
    seL4_SetIPCBuffer(seL4_GetIPCBuffer());
    return badge + seL4_MessageInfo_get_label(tag) + cnode + index + depth;
}

int use_invocations(seL4_BootInfo *bi, seL4_CPtr ut, seL4_CPtr tcb, seL4_CPtr sc, seL4_CPtr frame, seL4_CPtr pt)
{
    int e = 0;
    e |= seL4_Untyped_Retype(ut, seL4_TCBObject, seL4_TCBBits, seL4_CapInitThreadCNode, 0, 0, bi->empty.start, 1);
    e |= seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, 0x1000, frame);
    e |= seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio, seL4_MinPrio, sc, seL4_CapNull);
    e |= seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 10);
    e |= seL4_TCB_SetMCPriority(tcb, seL4_CapInitThreadTCB, 10);
    e |= seL4_TCB_SetSpace(tcb, seL4_CapNull, seL4_CapInitThreadCNode, seL4_CNode_CapData_new(0, 52).words[0],
                           seL4_CapInitThreadVSpace, 0);
    e |= seL4_TCB_SetIPCBuffer(tcb, 0x1000, frame);
    e |= seL4_TCB_SetTimeoutEndpoint(tcb, seL4_CapNull);
    e |= seL4_TCB_BindNotification(tcb, 20);
    e |= seL4_TCB_UnbindNotification(tcb);
    e |= seL4_TCB_SetTLSBase(tcb, 0);
    seL4_TCB_SetFlags_t flags = seL4_TCB_SetFlags(tcb, 0, seL4_TCBFlag_fpuDisabled);
    e |= flags.error;
    seL4_UserContext regs = {0};
    e |= seL4_TCB_ReadRegisters(tcb, seL4_False, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    regs.pc = 0x10000;
    e |= seL4_TCB_WriteRegisters(tcb, seL4_True, 0, 2, &regs);
    e |= seL4_TCB_CopyRegisters(tcb, seL4_CapInitThreadTCB, seL4_False, seL4_False, seL4_True, seL4_True, 0);
    e |= seL4_TCB_Resume(tcb);
    e |= seL4_TCB_Suspend(tcb);
    e |= seL4_CNode_Copy(seL4_CapInitThreadCNode, 30, seL4_WordBits, seL4_CapInitThreadCNode, 31, seL4_WordBits,
                         seL4_AllRights);
    e |= seL4_CNode_Mint(seL4_CapInitThreadCNode, 30, seL4_WordBits, seL4_CapInitThreadCNode, 31, seL4_WordBits,
                         seL4_CapRights_new(0, 0, 1, 1), 42);
    e |= seL4_CNode_Move(seL4_CapInitThreadCNode, 30, seL4_WordBits, seL4_CapInitThreadCNode, 31, seL4_WordBits);
    e |= seL4_CNode_Mutate(seL4_CapInitThreadCNode, 30, seL4_WordBits, seL4_CapInitThreadCNode, 31, seL4_WordBits, 0);
    e |= seL4_CNode_Rotate(seL4_CapInitThreadCNode, 30, 64, 1, seL4_CapInitThreadCNode, 31, 64, 2,
                           seL4_CapInitThreadCNode, 32, 64);
    e |= seL4_CNode_Delete(seL4_CapInitThreadCNode, 30, seL4_WordBits);
    e |= seL4_CNode_Revoke(seL4_CapInitThreadCNode, 30, seL4_WordBits);
    e |= seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, 30, seL4_WordBits);
    e |= seL4_IRQControl_Get(seL4_CapIRQControl, 10, seL4_CapInitThreadCNode, 40, seL4_WordBits);
    e |= seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 11, 1, seL4_CapInitThreadCNode, 41, seL4_WordBits);
    e |= seL4_IRQHandler_SetNotification(40, 20);
    e |= seL4_IRQHandler_Ack(40);
    e |= seL4_IRQHandler_Clear(40);
    e |= seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, sc, 1000, 2000, 0, 0x100, seL4_SchedContext_Sporadic);
    e |= seL4_SchedControl_Configure(bi->schedcontrol.start, sc, 1000, 1000, seL4_MaxExtraRefills(8), 0);
    e |= seL4_SchedContext_Bind(sc, tcb);
    e |= seL4_SchedContext_Unbind(sc);
    e |= seL4_SchedContext_UnbindObject(sc, tcb);
    seL4_SchedContext_Consumed_t consumed = seL4_SchedContext_Consumed(sc);
    seL4_SchedContext_YieldTo_t yielded = seL4_SchedContext_YieldTo(sc);
    e |= consumed.error | yielded.error | (int)(consumed.consumed + yielded.consumed);
    e |= seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, 0x40000000, seL4_RISCV_Default_VMAttributes);
    e |= seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, 0x40000000, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    seL4_RISCV_Page_GetAddress_t addr = seL4_RISCV_Page_GetAddress(frame);
    e |= addr.error | (int)addr.paddr;
    e |= seL4_RISCV_Page_Unmap(frame);
    e |= seL4_RISCV_PageTable_Unmap(pt);
    e |= seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, seL4_CapInitThreadCNode, 50, seL4_WordBits);
    e |= seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pt);
    e |= seL4_DomainSet_Set(seL4_CapDomain, 0, tcb);
    e |= seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 1000);
    e |= seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0);
    if (seL4_MappingFailedLookupLevel() == SEL4_MAPPING_LOOKUP_NO_PT) {
        e |= seL4_RangeError;
    }
    return e;
}

seL4_Word use_types(seL4_MessageInfo_t tag, seL4_BootInfo *bi)
{
    seL4_Word w = 0;
    seL4_Fault_t f = seL4_getFault(tag);
    switch (seL4_Fault_get_seL4_FaultType(f)) {
    case seL4_Fault_VMFault:
        w += seL4_Fault_VMFault_get_IP(f) + seL4_Fault_VMFault_get_Addr(f) +
             seL4_Fault_VMFault_get_PrefetchFault(f) + seL4_Fault_VMFault_get_FSR(f);
        break;
    case seL4_Fault_CapFault:
        w += seL4_Fault_CapFault_get_IP(f) + seL4_Fault_CapFault_get_Addr(f) +
             seL4_Fault_CapFault_get_InRecvPhase(f) + seL4_Fault_CapFault_get_LookupFailureType(f);
        break;
    case seL4_Fault_UnknownSyscall:
        w += seL4_Fault_UnknownSyscall_get_FaultIP(f) + seL4_Fault_UnknownSyscall_get_Syscall(f);
        break;
    case seL4_Fault_UserException:
        w += seL4_Fault_UserException_get_Number(f) + seL4_Fault_UserException_get_Code(f);
        break;
    case seL4_Fault_Timeout:
        w += seL4_Fault_Timeout_get_data(f) + seL4_Fault_Timeout_get_consumed(f);
        break;
    case seL4_Fault_NullFault:
    default:
        break;
    }
    w += seL4_isVMFault_tag(tag) + seL4_isCapFault_tag(tag) + seL4_isUnknownSyscall_tag(tag) +
         seL4_isUserException_tag(tag) + seL4_isTimeoutFault_tag(tag) + seL4_isNullFault_tag(tag);
    w += seL4_GetMR(seL4_VMFault_Addr) + seL4_GetMR(seL4_CapFault_BitsLeft) + seL4_GetMR(seL4_UnknownSyscall_A0) +
         seL4_GetMR(seL4_UserException_SP) + seL4_GetMR(seL4_Timeout_Consumed);
    seL4_UserContext regs = {0};
    tag = seL4_TimeoutReply_new(seL4_True, regs, seL4_TimeoutReply_Length);
    seL4_CapRights_t r = seL4_CapRights_new(1, 0, 1, 0);
    w += seL4_CapRights_get_capAllowGrantReply(r) + seL4_CapRights_get_capAllowRead(r) +
         seL4_CapRights_get_capAllowWrite(r) + seL4_CapRights_get_capAllowGrant(r);
    seL4_CNode_CapData_t d = seL4_CNode_CapData_new(0, seL4_WordBits - CONFIG_ROOT_CNODE_SIZE_BITS);
    w += seL4_CNode_CapData_get_guard(d) + seL4_CNode_CapData_get_guardSize(d);
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        seL4_UntypedDesc *u = &bi->untypedList[i];
        w += u->paddr + u->sizeBits + u->isDevice;
    }
    w += bi->extraLen + bi->nodeID + bi->numNodes + bi->initThreadCNodeSizeBits + bi->initThreadDomain;
    w += bi->userImageFrames.start + bi->userImagePaging.end + bi->extraBIPages.start + bi->sharedFrames.end;
    w += (seL4_Word)bi->ipcBuffer + seL4_CapInitThreadPD + seL4_CapInitThreadSC + seL4_CapSMC + seL4_NumInitialCaps;
    w += seL4_UntypedObject + seL4_EndpointObject + seL4_NotificationObject + seL4_CapTableObject +
         seL4_SchedContextObject + seL4_ReplyObject + seL4_RISCV_4K_Page + seL4_RISCV_Mega_Page +
         seL4_RISCV_Giga_Page + seL4_RISCV_PageTableObject + seL4_ObjectTypeCount;
    w += seL4_PageBits + seL4_LargePageBits + seL4_HugePageBits + seL4_SlotBits + seL4_EndpointBits +
         seL4_NotificationBits + seL4_ReplyBits + seL4_MinSchedContextBits + seL4_PageTableBits + seL4_UserTop;
    w += seL4_MsgMaxLength + seL4_MsgMaxExtraCaps + seL4_NumErrors + seL4_NoFailure + seL4_GuardMismatch;
    w += InvalidInvocation + UntypedRetype + IRQAckIRQ + RISCVPageMap + nArchInvocationLabels;
    w += (seL4_Word)seL4_SysCall + (seL4_Word)seL4_SysDebugPutChar + (seL4_Word)seL4_SysYield;
    w += seL4_GetBootInfo() == bi;
    seL4_DebugAssert(w != 0);
    seL4_Assert(w != 1);
    assert(w != 2);
    return w;
}

seL4_Word use_microkit(microkit_msginfo info)
{
    microkit_notify(1);
    microkit_irq_ack(2);
    microkit_deferred_notify(1);
    microkit_deferred_irq_ack(2);
    microkit_msginfo r = microkit_ppcall(3, microkit_msginfo_new(5, 2));
    microkit_mr_set(0, microkit_mr_get(1));
    microkit_pd_restart(1, 0x200000);
    microkit_pd_stop(1);
    microkit_pd_resume(1);
    microkit_dbg_puts(microkit_name);
    microkit_dbg_putc('\n');
    microkit_dbg_put8(8);
    microkit_dbg_put32(32);
    char buf[32];
    snprintf(buf, sizeof(buf), "%s %d %lx", "x", -1, (unsigned long)some_setvar);
    memset(buf, 0, strlen(buf));
    return microkit_msginfo_get_label(r) + microkit_msginfo_get_count(info) + microkit_irqs + microkit_pps +
           microkit_notifications + microkit_ioports + microkit_cspace_root_slot_to_cptr(3) + MICROKIT_MAX_CHANNELS +
           BASE_OUTPUT_NOTIFICATION_CAP + BASE_ENDPOINT_CAP + BASE_IRQ_CAP + BASE_TCB_CAP + MONITOR_EP;
}
