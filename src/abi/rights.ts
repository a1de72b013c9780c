// seL4_CapRights_t (ABI sheet §13.1) and seL4_CNode_CapData (§12.2).

export const seL4_CapRights_Write = 1;
export const seL4_CapRights_Read = 2;
export const seL4_CapRights_Grant = 4;
export const seL4_CapRights_GrantReply = 8;

export const seL4_NoRights = 0x0;
export const seL4_CanWrite = 0x1;
export const seL4_CanRead = 0x2;
export const seL4_ReadWrite = 0x3;
export const seL4_CanGrant = 0x4;
export const seL4_CanGrantReply = 0x8;
export const seL4_NoRead = 0xd;
export const seL4_NoWrite = 0xe;
export const seL4_AllRights = 0xf;

/** Kernel-internal frame VM rights (2-bit field). */
export const VMKernelOnly = 1;
export const VMReadOnly = 2;
export const VMReadWrite = 3;

export const seL4_NilData = 0;

/** CNode cap data: bits 0-5 guard size, bits 6-63 guard. */
export const CNodeCapData_GuardSizeBits = 6;
