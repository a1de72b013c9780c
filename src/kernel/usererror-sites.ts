// Where the real debug kernel reports a user error, as data: for each userError() site of seL4
// (commit 1326364bc, the build sel4test was run on: riscv64, MCS, CONFIG_PRINTING) the C function
// and source line it prints, and the message format (printf conversions as the kernel's printf
// reads them; see usererror.ts). Sites of the sources compiled for that configuration:
// src/api/syscall.c, src/object/*.c, src/arch/riscv/object/*.c, src/arch/riscv/kernel/vspace.c,
// without the breakpoint/affinity decoders (not built for riscv MCS) and the benchmark log buffer.
// A site id is the constant's value; its name says the source file and line (UE_<file>_<line>).

/** [C function, source line, message format] */
export type UserErrorSite = readonly [string, number, string];

export const UE_syscall_59 = 0;
export const UE_syscall_142 = 1;
export const UE_syscall_148 = 2;
export const UE_syscall_154 = 3;
export const UE_syscall_167 = 4;
export const UE_syscall_323 = 5;
export const UE_syscall_338 = 6;
export const UE_syscall_352 = 7;
export const UE_syscall_394 = 8;
export const UE_syscall_401 = 9;
export const UE_objecttype_643 = 10;
export const UE_objecttype_649 = 11;
export const UE_objecttype_656 = 12;
export const UE_objecttype_680 = 13;
export const UE_objecttype_703 = 14;
export const UE_objecttype_720 = 15;
export const UE_objecttype_731 = 16;
export const UE_objecttype_742 = 17;
export const UE_objecttype_763 = 18;
export const UE_objecttype_772 = 19;
export const UE_cnode_54 = 20;
export const UE_cnode_60 = 21;
export const UE_cnode_69 = 22;
export const UE_cnode_84 = 23;
export const UE_cnode_95 = 24;
export const UE_cnode_101 = 25;
export const UE_cnode_107 = 26;
export const UE_cnode_119 = 27;
export const UE_cnode_128 = 28;
export const UE_cnode_138 = 29;
export const UE_cnode_149 = 30;
export const UE_cnode_165 = 31;
export const UE_cnode_182 = 32;
export const UE_cnode_209 = 33;
export const UE_cnode_224 = 34;
export const UE_cnode_266 = 35;
export const UE_cnode_296 = 36;
export const UE_cnode_302 = 37;
export const UE_cnode_374 = 38;
export const UE_untyped_45 = 39;
export const UE_untyped_52 = 40;
export const UE_untyped_68 = 41;
export const UE_untyped_80 = 42;
export const UE_untyped_89 = 43;
export const UE_untyped_97 = 44;
export const UE_untyped_105 = 45;
export const UE_untyped_119 = 46;
export const UE_untyped_127 = 47;
export const UE_untyped_137 = 48;
export const UE_untyped_145 = 49;
export const UE_untyped_153 = 50;
export const UE_untyped_165 = 51;
export const UE_untyped_204 = 52;
export const UE_untyped_217 = 53;
export const UE_tcb_787 = 54;
export const UE_tcb_831 = 55;
export const UE_tcb_942 = 56;
export const UE_tcb_963 = 57;
export const UE_tcb_977 = 58;
export const UE_tcb_1005 = 59;
export const UE_tcb_1014 = 60;
export const UE_tcb_1027 = 61;
export const UE_tcb_1050 = 62;
export const UE_tcb_1059 = 63;
export const UE_tcb_1069 = 64;
export const UE_tcb_1112 = 65;
export const UE_tcb_1154 = 66;
export const UE_tcb_1170 = 67;
export const UE_tcb_1186 = 68;
export const UE_tcb_1217 = 69;
export const UE_tcb_1226 = 70;
export const UE_tcb_1235 = 71;
export const UE_tcb_1261 = 72;
export const UE_tcb_1270 = 73;
export const UE_tcb_1279 = 74;
export const UE_tcb_1306 = 75;
export const UE_tcb_1316 = 76;
export const UE_tcb_1345 = 77;
export const UE_tcb_1360 = 78;
export const UE_tcb_1369 = 79;
export const UE_tcb_1376 = 80;
export const UE_tcb_1392 = 81;
export const UE_tcb_1397 = 82;
export const UE_tcb_1403 = 83;
export const UE_tcb_1410 = 84;
export const UE_tcb_1416 = 85;
export const UE_tcb_1428 = 86;
export const UE_tcb_1461 = 87;
export const UE_tcb_1527 = 88;
export const UE_tcb_1557 = 89;
export const UE_tcb_1573 = 90;
export const UE_tcb_1589 = 91;
export const UE_tcb_1597 = 92;
export const UE_tcb_1631 = 93;
export const UE_tcb_1639 = 94;
export const UE_tcb_1649 = 95;
export const UE_tcb_1655 = 96;
export const UE_tcb_1662 = 97;
export const UE_tcb_1679 = 98;
export const UE_schedcontext_32 = 99;
export const UE_schedcontext_41 = 100;
export const UE_schedcontext_46 = 101;
export const UE_schedcontext_53 = 102;
export const UE_schedcontext_60 = 103;
export const UE_schedcontext_90 = 104;
export const UE_schedcontext_100 = 105;
export const UE_schedcontext_106 = 106;
export const UE_schedcontext_112 = 107;
export const UE_schedcontext_120 = 108;
export const UE_schedcontext_126 = 109;
export const UE_schedcontext_132 = 110;
export const UE_schedcontext_236 = 111;
export const UE_schedcontext_244 = 112;
export const UE_schedcontext_250 = 113;
export const UE_schedcontext_261 = 114;
export const UE_schedcontext_286 = 115;
export const UE_schedcontext_295 = 116;
export const UE_schedcontrol_83 = 117;
export const UE_schedcontrol_89 = 118;
export const UE_schedcontrol_97 = 119;
export const UE_schedcontrol_109 = 120;
export const UE_schedcontrol_119 = 121;
export const UE_schedcontrol_127 = 122;
export const UE_schedcontrol_135 = 123;
export const UE_schedcontrol_144 = 124;
export const UE_schedcontrol_157 = 125;
export const UE_schedcontrol_182 = 126;
export const UE_domain_30 = 127;
export const UE_domain_36 = 128;
export const UE_domain_45 = 129;
export const UE_domain_52 = 130;
export const UE_domain_74 = 131;
export const UE_domain_84 = 132;
export const UE_domain_91 = 133;
export const UE_domain_98 = 134;
export const UE_domain_104 = 135;
export const UE_domain_110 = 136;
export const UE_domain_135 = 137;
export const UE_domain_142 = 138;
export const UE_domain_149 = 139;
export const UE_endpoint_153 = 140;
export const UE_interrupt_52 = 141;
export const UE_interrupt_58 = 142;
export const UE_interrupt_66 = 143;
export const UE_interrupt_108 = 144;
export const UE_interrupt_110 = 145;
export const UE_interrupt_128 = 146;
export const UE_riscv_objecttype_27 = 147;
export const UE_riscv_interrupt_19 = 148;
export const UE_riscv_interrupt_43 = 149;
export const UE_riscv_interrupt_63 = 150;
export const UE_riscv_interrupt_69 = 151;
export const UE_riscv_interrupt_78 = 152;
export const UE_riscv_vspace_613 = 153;
export const UE_riscv_vspace_619 = 154;
export const UE_riscv_vspace_625 = 155;
export const UE_riscv_vspace_649 = 156;
export const UE_riscv_vspace_688 = 157;
export const UE_riscv_vspace_699 = 158;
export const UE_riscv_vspace_710 = 159;
export const UE_riscv_vspace_716 = 160;
export const UE_riscv_vspace_721 = 161;
export const UE_riscv_vspace_732 = 162;
export const UE_riscv_vspace_743 = 163;
export const UE_riscv_vspace_752 = 164;
export const UE_riscv_vspace_759 = 165;
export const UE_riscv_vspace_771 = 166;
export const UE_riscv_vspace_807 = 167;
export const UE_riscv_vspace_822 = 168;
export const UE_riscv_vspace_833 = 169;
export const UE_riscv_vspace_840 = 170;
export const UE_riscv_vspace_871 = 171;
export const UE_riscv_vspace_878 = 172;
export const UE_riscv_vspace_886 = 173;
export const UE_riscv_vspace_893 = 174;
export const UE_riscv_vspace_925 = 175;
export const UE_riscv_vspace_979 = 176;
export const UE_riscv_vspace_1042 = 177;

export const USER_ERROR_SITES: readonly UserErrorSite[] = [
  // src/api/syscall.c
  ["checkInterrupt", 59, "Spurious interrupt!"],
  ["handleUnknownSyscall", 142, "SysDebugNameThread: cap is not a TCB, halting"],
  ["handleUnknownSyscall", 148, "SysDebugNameThread: Failed to lookup IPC buffer, halting"],
  ["handleUnknownSyscall", 154, "SysDebugNameThread: Name too long, halting"],
  ["handleUnknownSyscall", 167, "SysDebugGetThreadAffinity: cap is not a TCB, halting"],
  ["handleInvocation", 323, "Invocation of invalid cap #%lu."],
  ["handleInvocation", 338, "Lookup of extra caps failed."],
  ["handleInvocation", 352, "Warning: No IPC buffer for thread. Truncating message length to: %d."],
  ["lookupReply", 394, "Reply cap lookup failed"],
  ["lookupReply", 401, "Cap in reply slot is not a reply cap"],
  // src/object/objecttype.c
  ["decodeInvocation", 643, "Attempted to invoke a null cap #%lu."],
  ["decodeInvocation", 649, "Attempted to invoke a zombie cap #%lu."],
  ["decodeInvocation", 656, "Attempted to invoke a read-only endpoint cap #%lu."],
  ["decodeInvocation", 680, "Attempted to invoke a read-only notification cap #%lu."],
  ["decodeInvocation", 703, "Attempted to invoke an invalid reply cap #%lu."],
  ["decodeInvocation", 720, "Cannot invoke thread capabilities in the first phase of an invocation"],
  ["decodeInvocation", 731, "Cannot invoke domain capabilities in the first phase of an invocation"],
  ["decodeInvocation", 742, "Cannot invoke cnode capabilities in the first phase of an invocation"],
  ["decodeInvocation", 763, "Cannot invoke sched control capabilities in the first phase of an invocation"],
  ["decodeInvocation", 772, "Cannot invoke sched context capabilities in the first phase of an invocation"],
  // src/object/cnode.c
  ["decodeCNodeInvocation", 54, "CNodeCap: Illegal Operation attempted."],
  ["decodeCNodeInvocation", 60, "CNode operation: Truncated message."],
  ["decodeCNodeInvocation", 69, "CNode operation: Target slot invalid."],
  ["decodeCNodeInvocation", 84, "CNode Copy/Mint/Move/Mutate: Truncated message."],
  ["decodeCNodeInvocation", 95, "CNode Copy/Mint/Move/Mutate: Destination not empty."],
  ["decodeCNodeInvocation", 101, "CNode Copy/Mint/Move/Mutate: Invalid source slot."],
  ["decodeCNodeInvocation", 107, "CNode Copy/Mint/Move/Mutate: Source slot invalid or empty."],
  ["decodeCNodeInvocation", 119, "Truncated message for CNode Copy operation."],
  ["decodeCNodeInvocation", 128, "Error deriving cap for CNode Copy operation."],
  ["decodeCNodeInvocation", 138, "CNode Mint: Truncated message."],
  ["decodeCNodeInvocation", 149, "Error deriving cap for CNode Mint operation."],
  ["decodeCNodeInvocation", 165, "CNode Mutate: Truncated message."],
  ["decodeCNodeInvocation", 182, "CNode Copy/Mint/Move/Mutate: Mutated cap would be invalid."],
  ["decodeCNodeInvocation", 209, "CNode SaveCaller: Destination slot not empty."],
  ["decodeCNodeInvocation", 224, "CNode CancelBadgedSends: Target cap invalid."],
  ["decodeCNodeInvocation", 266, "CNode Rotate: Pivot slot the same as source or dest slot."],
  ["decodeCNodeInvocation", 296, "CNode Rotate: Source cap invalid."],
  ["decodeCNodeInvocation", 302, "CNode Rotate: Pivot cap invalid."],
  ["invokeCNodeSaveCaller", 374, "CNode SaveCaller: Reply cap not present."],
  // src/object/untyped.c
  ["decodeUntypedInvocation", 45, "Untyped cap: Illegal operation attempted."],
  ["decodeUntypedInvocation", 52, "Untyped invocation: Truncated message."],
  ["decodeUntypedInvocation", 68, "Untyped Retype: Invalid object type."],
  ["decodeUntypedInvocation", 80, "Untyped Retype: Invalid object size."],
  ["decodeUntypedInvocation", 89, "Untyped Retype: Requested CapTable size too small."],
  ["decodeUntypedInvocation", 97, "Untyped Retype: Requested UntypedItem size too small."],
  ["decodeUntypedInvocation", 105, "Untyped retype: Requested a scheduling context too small."],
  ["decodeUntypedInvocation", 119, "Untyped Retype: Invalid destination address."],
  ["decodeUntypedInvocation", 127, "Untyped Retype: Destination cap invalid or read-only."],
  ["decodeUntypedInvocation", 137, "Untyped Retype: Destination node offset #%d too large."],
  ["decodeUntypedInvocation", 145, "Untyped Retype: Number of requested objects (%d) too small or large."],
  ["decodeUntypedInvocation", 153, "Untyped Retype: Requested destination window overruns size of node."],
  ["decodeUntypedInvocation", 165, "Untyped Retype: Slot #%d in destination window non-empty."],
  [
    "decodeUntypedInvocation",
    204,
    "Untyped Retype: Insufficient memory (%lu * %lu bytes needed, %lu bytes available).",
  ],
  ["decodeUntypedInvocation", 217, "Untyped Retype: Creating kernel objects with device untyped"],
  // src/object/tcb.c
  ["decodeSetTLSBase", 787, "TCB SetTLSBase: Truncated message."],
  ["decodeSetFlags", 831, "TCB SetFlags: Truncated message."],
  ["decodeTCBInvocation", 942, "TCB: Illegal operation."],
  ["decodeCopyRegisters", 963, "TCB CopyRegisters: Truncated message."],
  ["decodeCopyRegisters", 977, "TCB CopyRegisters: Invalid source TCB."],
  ["decodeReadRegisters", 1005, "TCB ReadRegisters: Truncated message."],
  ["decodeReadRegisters", 1014, "TCB ReadRegisters: Attempted to read an invalid number of registers (%d)."],
  ["decodeReadRegisters", 1027, "TCB ReadRegisters: Attempted to read our own registers."],
  ["decodeWriteRegisters", 1050, "TCB WriteRegisters: Truncated message."],
  ["decodeWriteRegisters", 1059, "TCB WriteRegisters: Message too short for requested write size (%d/%d)."],
  ["decodeWriteRegisters", 1069, "TCB WriteRegisters: Attempted to write our own registers."],
  ["decodeTCBConfigure", 1112, "TCB Configure: Truncated message."],
  ["decodeTCBConfigure", 1154, "TCB Configure: CSpace or VSpace currently being deleted."],
  ["decodeTCBConfigure", 1170, "TCB Configure: CSpace cap is invalid."],
  ["decodeTCBConfigure", 1186, "TCB Configure: VSpace cap is invalid."],
  ["decodeSetPriority", 1217, "TCB SetPriority: Truncated message."],
  ["decodeSetPriority", 1226, "Set priority: authority cap not a TCB."],
  ["decodeSetPriority", 1235, "TCB SetPriority: Requested priority %lu too high (max %lu)."],
  ["decodeSetMCPriority", 1261, "TCB SetMCPriority: Truncated message."],
  ["decodeSetMCPriority", 1270, "TCB SetMCPriority: authority cap not a TCB."],
  [
    "decodeSetMCPriority",
    1279,
    "TCB SetMCPriority: Requested maximum controlled priority %lu too high (max %lu).",
  ],
  ["decodeSetTimeoutEndpoint", 1306, "TCB SetTimeoutEndpoint: Truncated message."],
  ["decodeSetTimeoutEndpoint", 1316, "TCB SetTimeoutEndpoint: timeout endpoint cap invalid."],
  ["decodeSetSchedParams", 1345, "TCB SetSchedParams: Truncated message."],
  ["decodeSetSchedParams", 1360, "TCB SetSchedParams: authority cap not a TCB."],
  [
    "decodeSetSchedParams",
    1369,
    "TCB SetSchedParams: Requested maximum controlled priority %lu too high (max %lu).",
  ],
  ["decodeSetSchedParams", 1376, "TCB SetSchedParams: Requested priority %lu too high (max %lu)."],
  ["decodeSetSchedParams", 1392, "TCB Configure: tcb already has a scheduling context."],
  ["decodeSetSchedParams", 1397, "TCB Configure: sched context already bound."],
  ["decodeSetSchedParams", 1403, "TCB Configure: tcb blocked and scheduling context not schedulable."],
  ["decodeSetSchedParams", 1410, "TCB SetSchedParams: Cannot change sched_context of current thread"],
  ["decodeSetSchedParams", 1416, "TCB Configure: sched context cap invalid."],
  ["decodeSetSchedParams", 1428, "TCB Configure: fault endpoint cap invalid."],
  ["decodeSetIPCBuffer", 1461, "TCB SetIPCBuffer: Truncated message."],
  ["decodeSetSpace", 1527, "TCB SetSpace: Truncated message."],
  ["decodeSetSpace", 1557, "TCB SetSpace: CSpace or VSpace currently being deleted."],
  ["decodeSetSpace", 1573, "TCB SetSpace: Invalid CNode cap."],
  ["decodeSetSpace", 1589, "TCB SetSpace: Invalid VSpace cap."],
  ["decodeSetSpace", 1597, "TCB SetSpace: fault endpoint cap invalid."],
  ["decodeBindNotification", 1631, "TCB BindNotification: Truncated message."],
  ["decodeBindNotification", 1639, "TCB BindNotification: TCB already has a bound notification."],
  ["decodeBindNotification", 1649, "TCB BindNotification: Notification is invalid."],
  ["decodeBindNotification", 1655, "TCB BindNotification: Insufficient access rights"],
  ["decodeBindNotification", 1662, "TCB BindNotification: Notification cannot be bound."],
  ["decodeUnbindNotification", 1679, "TCB UnbindNotification: TCB already has no bound Notification."],
  // src/object/schedcontext.c
  ["decodeSchedContext_UnbindObject", 32, "SchedContext_Unbind: Truncated message."],
  ["decodeSchedContext_UnbindObject", 41, "SchedContext UnbindObject: object not bound"],
  ["decodeSchedContext_UnbindObject", 46, "SchedContext UnbindObject: cannot unbind sc of current thread"],
  ["decodeSchedContext_UnbindObject", 53, "SchedContext UnbindObject: object not bound"],
  ["decodeSchedContext_UnbindObject", 60, "SchedContext_Unbind: invalid cap"],
  ["decodeSchedContext_Bind", 90, "SchedContext_Bind: Truncated Message."],
  ["decodeSchedContext_Bind", 100, "SchedContext_Bind: sched context already bound."],
  ["decodeSchedContext_Bind", 106, "SchedContext_Bind: tcb already bound."],
  ["decodeSchedContext_Bind", 112, "SchedContext_Bind: tcb blocked and scheduling context not schedulable."],
  ["decodeSchedContext_Bind", 120, "SchedContext_Bind: sched context already bound."],
  ["decodeSchedContext_Bind", 126, "SchedContext_Bind: notification already bound"],
  ["decodeSchedContext_Bind", 132, "SchedContext_Bind: invalid cap."],
  ["decodeSchedContext_YieldTo", 236, "SchedContext_YieldTo: cannot yield to an inactive sched context"],
  ["decodeSchedContext_YieldTo", 244, "SchedContext_YieldTo: cannot seL4_SchedContext_YieldTo on self"],
  [
    "decodeSchedContext_YieldTo",
    250,
    "SchedContext_YieldTo: insufficient mcp (%lu) to yield to a thread with prio (%lu)",
  ],
  [
    "decodeSchedContext_YieldTo",
    261,
    "SchedContext_YieldTo: cannot seL4_SchedContext_YieldTo to more than on SC at a time",
  ],
  ["decodeSchedContextInvocation", 286, "SchedContext UnbindObject: cannot unbind sc of current thread"],
  ["decodeSchedContextInvocation", 295, "SchedContext invocation: Illegal operation attempted."],
  // src/object/schedcontrol.c
  ["decodeSchedControl_ConfigureFlags", 83, "SchedControl_ConfigureFlags: Truncated message."],
  ["decodeSchedControl_ConfigureFlags", 89, "SchedControl_configureFlags: truncated message."],
  ["decodeSchedControl_ConfigureFlags", 97, "SchedControl_ConfigureFlags: budget out of range."],
  ["decodeSchedControl_ConfigureFlags", 109, "SchedControl_ConfigureFlags: period out of range."],
  ["decodeSchedControl_ConfigureFlags", 119, "SchedControl_ConfigureFlags: budget out of range."],
  ["decodeSchedControl_ConfigureFlags", 127, "SchedControl_ConfigureFlags: period out of range."],
  ["decodeSchedControl_ConfigureFlags", 135, "SchedControl_ConfigureFlags: budget must be <= period"],
  [
    "decodeSchedControl_ConfigureFlags",
    144,
    "SchedControl_ConfigureFlags: target cap not a scheduling context cap",
  ],
  ["decodeSchedControl_ConfigureFlags", 157, "Max refills invalid, got %lu, max %lu"],
  ["decodeSchedControlInvocation", 182, "SchedControl invocation: Illegal operation attempted."],
  // src/object/domain.c
  ["decodeDomainSetSetInvocation", 30, "Domain Configure: Truncated message."],
  ["decodeDomainSetSetInvocation", 36, "Domain Configure: invalid domain (%lu >= %u)."],
  ["decodeDomainSetSetInvocation", 45, "Domain Configure: Truncated message."],
  ["decodeDomainSetSetInvocation", 52, "Domain Configure: thread cap required."],
  ["decodeDomainScheduleConfigure", 74, "Domain Schedule Configure: Truncated message."],
  ["decodeDomainScheduleConfigure", 84, "Domain Schedule Configure: Invalid index."],
  ["decodeDomainScheduleConfigure", 91, "Domain Schedule Configure: Invalid domain."],
  ["decodeDomainScheduleConfigure", 98, "Domain Schedule Configure: Duration must fit in 56 bits."],
  [
    "decodeDomainScheduleConfigure",
    104,
    "Domain Schedule Configure: Both domain and duration must be zero for end markers.",
  ],
  [
    "decodeDomainScheduleConfigure",
    110,
    "Domain Schedule Configure: Starting schedule's duration must not be zero.",
  ],
  ["decodeDomainScheduleSetStart", 135, "Domain Schedule Configure: Truncated message."],
  ["decodeDomainScheduleSetStart", 142, "Domain Schedule Set Start: Invalid index."],
  [
    "decodeDomainScheduleSetStart",
    149,
    "Domain Schedule Set Start: Starting schedule must not be an end marker.",
  ],
  // src/object/endpoint.c
  ["receiveIPC", 153, "Reply object already has unexecuted reply!"],
  // src/object/interrupt.c
  ["decodeIRQControlInvocation", 52, "Rejecting request for IRQ %u. Already active."],
  ["decodeIRQControlInvocation", 58, "Target slot for new IRQ Handler cap invalid: cap %lu, IRQ %u."],
  ["decodeIRQControlInvocation", 66, "Target slot for new IRQ Handler cap not empty: cap %lu, IRQ %u."],
  ["decodeIRQHandlerInvocation", 108, "IRQSetHandler: provided cap is not an notification capability."],
  ["decodeIRQHandlerInvocation", 110, "IRQSetHandler: caller does not have send rights on the endpoint."],
  ["decodeIRQHandlerInvocation", 128, "IRQHandler: Illegal operation."],
  // src/arch/riscv/object/objecttype.c
  ["Arch_deriveCap", 27, "Deriving an unmapped PT cap"],
  // src/arch/riscv/object/interrupt.c
  ["Arch_checkIRQ", 19, "Rejecting request for IRQ %u. IRQ is out of range [1..%u]."],
  ["Arch_decodeIRQControlInvocation", 43, "This platform does not support setting the IRQ trigger"],
  ["Arch_decodeIRQControlInvocation", 63, "Rejecting request for IRQ %u. Already active."],
  ["Arch_decodeIRQControlInvocation", 69, "Target slot for new IRQ Handler cap invalid: cap %lu, IRQ %u."],
  ["Arch_decodeIRQControlInvocation", 78, "Target slot for new IRQ Handler cap not empty: cap %lu, IRQ %u."],
  // src/arch/riscv/kernel/vspace.c
  ["checkValidIPCBuffer", 613, "Requested IPC Buffer is not a frame cap."],
  ["checkValidIPCBuffer", 619, "Specifying a device frame as an IPC buffer is not permitted."],
  ["checkValidIPCBuffer", 625, "Requested IPC Buffer location 0x%x is not aligned."],
  ["maskVMRights", 649, "Attempted to make unsupported write only mapping"],
  ["decodeRISCVPageTableInvocation", 688, "RISCVPageTableUnmap: cannot unmap if more than once cap exists"],
  ["decodeRISCVPageTableInvocation", 699, "RISCVPageTableUnmap: cannot call unmap on top level PageTable"],
  ["decodeRISCVPageTableInvocation", 710, "RISCVPageTable: Illegal Operation"],
  ["decodeRISCVPageTableInvocation", 716, "RISCVPageTable: truncated message"],
  ["decodeRISCVPageTableInvocation", 721, "RISCVPageTable: PageTable is already mapped."],
  ["decodeRISCVPageTableInvocation", 732, "RISCVPageTableMap: Invalid top-level PageTable."],
  ["decodeRISCVPageTableInvocation", 743, "RISCVPageTableMap: Virtual address cannot be in kernel window."],
  ["decodeRISCVPageTableInvocation", 752, "RISCVPageTableMap: ASID lookup failed"],
  ["decodeRISCVPageTableInvocation", 759, "RISCVPageTableMap: ASID lookup failed"],
  ["decodeRISCVPageTableInvocation", 771, "RISCVPageTableMap: All objects mapped at this address"],
  ["decodeRISCVFrameInvocation", 807, "RISCVPageMap: Truncated message."],
  ["decodeRISCVFrameInvocation", 822, "RISCVPageMap: Bad PageTable cap."],
  ["decodeRISCVFrameInvocation", 833, "RISCVPageMap: No PageTable for ASID"],
  ["decodeRISCVFrameInvocation", 840, "RISCVPageMap: ASID lookup failed"],
  [
    "decodeRISCVFrameInvocation",
    871,
    "RISCVPageMap: Attempting to remap a frame that does not belong to the passed address space",
  ],
  ["decodeRISCVFrameInvocation", 878, "RISCVPageMap: attempting to map frame into multiple addresses"],
  ["decodeRISCVFrameInvocation", 886, "RISCVPageMap: no mapping to remap."],
  ["decodeRISCVFrameInvocation", 893, "Virtual address (0x%lx) already mapped"],
  ["decodeRISCVFrameInvocation", 925, "RISCVPage: Illegal operation."],
  ["decodeRISCVMMUInvocation", 979, "ASIDControlMakePool: No unallocated pools found."],
  ["decodeRISCVMMUInvocation", 1042, "RISCVASIDPool: Invalid vspace root."],
];
