// Object types and sizes for riscv64 MCS with Sv39 (ABI sheet §5).

export const seL4_UntypedObject = 0;
export const seL4_TCBObject = 1;
export const seL4_EndpointObject = 2;
export const seL4_NotificationObject = 3;
export const seL4_CapTableObject = 4;
export const seL4_SchedContextObject = 5;
export const seL4_ReplyObject = 6;
export const seL4_NonArchObjectTypeCount = 7;
export const seL4_RISCV_Giga_Page = 7;
export const seL4_ModeObjectTypeCount = 8;
export const seL4_RISCV_4K_Page = 8;
export const seL4_RISCV_Mega_Page = 9;
export const seL4_RISCV_PageTableObject = 10;
export const seL4_ObjectTypeCount = 11;
export const seL4_RISCV_Tera_Page = 0xffffffff;

export const seL4_WordBits = 64;
export const seL4_WordSizeBits = 3;
export const seL4_SlotBits = 5;
// seL4_TCBBits depends on the configuration (FPU or not): see config.ts.
export const seL4_EndpointBits = 4;
export const seL4_NotificationBits = 6;
export const seL4_ReplyBits = 5;
export const seL4_MinSchedContextBits = 7;
export const seL4_IPCBufferSizeBits = 10;
export const seL4_PageBits = 12;
export const seL4_LargePageBits = 21;
export const seL4_HugePageBits = 30;
export const seL4_TeraPageBits = 39;
export const seL4_PageTableBits = 12;
export const seL4_PageTableEntryBits = 3;
export const seL4_PageTableIndexBits = 9;
export const seL4_VSpaceBits = 12;
export const seL4_NumASIDPoolsBits = 7;
export const seL4_ASIDPoolIndexBits = 9;
export const seL4_ASIDPoolBits = 12;
export const seL4_MinUntypedBits = 4;
export const seL4_MaxUntypedBits = 38;
export const seL4_BootInfoFrameBits = 12;
export const seL4_GuardSizeBits = 6;
export const seL4_GuardBits = 58;
export const seL4_BadgeBits = 64;
export const seL4_CapRightsBits = 4;
export const seL4_UntypedRetypeMaxObjects = 256;
export const seL4_UserTop = 0x3ffffff000;
export const seL4_UserVSpaceTop = 0x3fffffefff;

export const seL4_CoreSchedContextBytes = 128;
export const seL4_RefillSizeBytes = 16;
/** Kernel sizeof(sched_context_t): refills follow at this offset. */
export const SCHED_CONTEXT_HEADER_BYTES = 96;
export const MIN_REFILLS = 2;

export function seL4_MaxExtraRefills(sizeBits: number): number {
  return Math.floor((2 ** sizeBits - seL4_CoreSchedContextBytes) / seL4_RefillSizeBytes);
}

export const seL4_PageDirBits = seL4_PageTableBits;
