// seL4 16 MCS system call numbers (ABI sheet §1). Passed, sign-extended, in a7.
// The generator numbers the MCS API list from -1 down, then every debug entry in file order.

export const seL4_SysCall = -1;
export const seL4_SysReplyRecv = -2;
export const seL4_SysNBSendRecv = -3;
export const seL4_SysNBSendWait = -4;
export const seL4_SysSend = -5;
export const seL4_SysNBSend = -6;
export const seL4_SysRecv = -7;
export const seL4_SysNBRecv = -8;
export const seL4_SysWait = -9;
export const seL4_SysNBWait = -10;
export const seL4_SysYield = -11;

export const seL4_SysDebugPutChar = -12;
export const seL4_SysDebugDumpScheduler = -13;
export const seL4_SysDebugHalt = -14;
export const seL4_SysDebugCapIdentify = -15;
export const seL4_SysDebugSnapshot = -16;
export const seL4_SysDebugNameThread = -17;

export const SYSCALL_MAX = -1;
export const SYSCALL_MIN = -11;
