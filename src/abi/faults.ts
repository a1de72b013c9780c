// Fault labels and message layouts, riscv64 MCS (ABI sheet §9).

export const seL4_Fault_NullFault = 0;
export const seL4_Fault_CapFault = 1;
export const seL4_Fault_UnknownSyscall = 2;
export const seL4_Fault_UserException = 3;
export const seL4_Fault_Timeout = 5;
export const seL4_Fault_VMFault = 6;

export const seL4_CapFault_IP = 0;
export const seL4_CapFault_Addr = 1;
export const seL4_CapFault_InRecvPhase = 2;
export const seL4_CapFault_LookupFailureType = 3;
export const seL4_CapFault_BitsLeft = 4;
export const seL4_CapFault_DepthMismatch_BitsFound = 5;
export const seL4_CapFault_GuardMismatch_GuardFound = 5;
export const seL4_CapFault_GuardMismatch_BitsFound = 6;

export const seL4_UnknownSyscall_FaultIP = 0;
export const seL4_UnknownSyscall_SP = 1;
export const seL4_UnknownSyscall_RA = 2;
export const seL4_UnknownSyscall_A0 = 3;
export const seL4_UnknownSyscall_A1 = 4;
export const seL4_UnknownSyscall_A2 = 5;
export const seL4_UnknownSyscall_A3 = 6;
export const seL4_UnknownSyscall_A4 = 7;
export const seL4_UnknownSyscall_A5 = 8;
export const seL4_UnknownSyscall_A6 = 9;
export const seL4_UnknownSyscall_Syscall = 10;
export const seL4_UnknownSyscall_Length = 11;

export const seL4_UserException_FaultIP = 0;
export const seL4_UserException_SP = 1;
export const seL4_UserException_Number = 2;
export const seL4_UserException_Code = 3;
export const seL4_UserException_Length = 4;

export const seL4_VMFault_IP = 0;
export const seL4_VMFault_Addr = 1;
export const seL4_VMFault_PrefetchFault = 2;
export const seL4_VMFault_FSR = 3;
export const seL4_VMFault_Length = 4;

export const seL4_Timeout_Data = 0;
export const seL4_Timeout_Consumed = 1;
export const seL4_Timeout_Length = 2;
