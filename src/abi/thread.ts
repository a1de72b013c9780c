// Thread states (semantics ENC-14) and TCB constants.

export const ThreadState_Inactive = 0;
export const ThreadState_Running = 1;
export const ThreadState_Restart = 2;
export const ThreadState_BlockedOnReceive = 3;
export const ThreadState_BlockedOnSend = 4;
export const ThreadState_BlockedOnReply = 5;
export const ThreadState_BlockedOnNotification = 6;
export const ThreadState_IdleThreadState = 7;

/** TCB internal cap slots (MCS), not addressable by cptr (ENC-15). */
export const tcbCTable = 0;
export const tcbVTable = 1;
export const tcbBuffer = 2;
export const tcbFaultHandler = 3;
export const tcbTimeoutHandler = 4;
export const tcbCNodeEntries = 5;

export const seL4_TCBFlag_NoFlag = 0;
export const seL4_TCBFlag_fpuDisabled = 1;
export const seL4_TCBFlag_MASK = 1;

export const seL4_MinPrio = 0;
export const seL4_MaxPrio = 255;
export const seL4_InvalidPrio = -1;
export const CONFIG_NUM_PRIORITIES = 256;
export const CONFIG_NUM_DOMAINS = 1;
export const CONFIG_NUM_DOMAIN_SCHEDULES = 2;
