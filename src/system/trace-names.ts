// Names a trace shows for kernel entries: libsel4's syscall names, the object invocations by their
// libsel4 function names (without the seL4_ prefix), and fault types.

import {
  seL4_Fault_CapFault,
  seL4_Fault_Timeout,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
} from "../abi/index.ts";

// Indexed by -(syscall number): seL4_SysCall is -1.
const SYSCALLS = [
  "",
  "seL4_Call",
  "seL4_ReplyRecv",
  "seL4_NBSendRecv",
  "seL4_NBSendWait",
  "seL4_Send",
  "seL4_NBSend",
  "seL4_Recv",
  "seL4_NBRecv",
  "seL4_Wait",
  "seL4_NBWait",
  "seL4_Yield",
  "seL4_DebugPutChar",
  "seL4_DebugDumpScheduler",
  "seL4_DebugHalt",
  "seL4_DebugCapIdentify",
  "seL4_DebugSnapshot",
  "seL4_DebugNameThread",
];

export function syscallName(sys: number): string {
  return sys < 0 && -sys < SYSCALLS.length ? SYSCALLS[-sys] : "unknown syscall";
}

// Indexed by invocation label (src/abi/invocation.ts, riscv64 MCS).
const INVOCATIONS = [
  "InvalidInvocation",
  "Untyped_Retype",
  "TCB_ReadRegisters",
  "TCB_WriteRegisters",
  "TCB_CopyRegisters",
  "TCB_Configure",
  "TCB_SetPriority",
  "TCB_SetMCPriority",
  "TCB_SetSchedParams",
  "TCB_SetTimeoutEndpoint",
  "TCB_SetIPCBuffer",
  "TCB_SetSpace",
  "TCB_Suspend",
  "TCB_Resume",
  "TCB_BindNotification",
  "TCB_UnbindNotification",
  "TCB_SetTLSBase",
  "TCB_SetFlags",
  "CNode_Revoke",
  "CNode_Delete",
  "CNode_CancelBadgedSends",
  "CNode_Copy",
  "CNode_Mint",
  "CNode_Move",
  "CNode_Mutate",
  "CNode_Rotate",
  "IRQControl_Get",
  "IRQHandler_Ack",
  "IRQHandler_SetNotification",
  "IRQHandler_Clear",
  "DomainSet_Set",
  "DomainSet_ScheduleConfigure",
  "DomainSet_ScheduleSetStart",
  "SchedControl_ConfigureFlags",
  "SchedContext_Bind",
  "SchedContext_Unbind",
  "SchedContext_UnbindObject",
  "SchedContext_Consumed",
  "SchedContext_YieldTo",
  "RISCV_PageTable_Map",
  "RISCV_PageTable_Unmap",
  "RISCV_Page_Map",
  "RISCV_Page_Unmap",
  "RISCV_Page_GetAddress",
  "RISCV_ASIDControl_MakePool",
  "RISCV_ASIDPool_Assign",
  "IRQControl_GetTrigger",
];

export function invocationName(label: number): string {
  return label >= 0 && label < INVOCATIONS.length ? INVOCATIONS[label] : `invocation ${label}`;
}

export function faultName(type: number): string {
  switch (type) {
    case seL4_Fault_CapFault:
      return "cap fault";
    case seL4_Fault_UnknownSyscall:
      return "unknown syscall fault";
    case seL4_Fault_UserException:
      return "user exception fault";
    case seL4_Fault_Timeout:
      return "timeout fault";
    case seL4_Fault_VMFault:
      return "VM fault";
    default:
      return `fault ${type}`;
  }
}

export function hexWord(hi: number, lo: number): string {
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")}`;
}
