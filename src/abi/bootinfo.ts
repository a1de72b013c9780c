// Boot interface (ABI sheet §11): initial cap slots and the seL4_BootInfo byte layout (MCS).

export const seL4_CapNull = 0;
export const seL4_CapInitThreadTCB = 1;
export const seL4_CapInitThreadCNode = 2;
export const seL4_CapInitThreadVSpace = 3;
export const seL4_CapInitThreadPD = 3;
export const seL4_CapIRQControl = 4;
export const seL4_CapASIDControl = 5;
export const seL4_CapInitThreadASIDPool = 6;
export const seL4_CapIOPortControl = 7;
export const seL4_CapIOSpace = 8;
export const seL4_CapBootInfoFrame = 9;
export const seL4_CapInitThreadIPCBuffer = 10;
export const seL4_CapDomain = 11;
export const seL4_CapSMMUSIDControl = 12;
export const seL4_CapSMMUCBControl = 13;
export const seL4_CapInitThreadSC = 14;
export const seL4_CapSMC = 15;
export const seL4_NumInitialCaps = 16;

// CONFIG_ROOT_CNODE_SIZE_BITS is a build option: ResolvedKernelConfig.rootCNodeSizeBits.
export const CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS = 230;
export const seL4_BootInfoFrameSize = 4096;

/** Byte offsets of seL4_BootInfo fields (every field is one 8-byte word). */
export const BI_extraLen = 0;
export const BI_nodeID = 8;
export const BI_numNodes = 16;
export const BI_numIOPTLevels = 24;
export const BI_ipcBuffer = 32;
export const BI_empty = 40;
export const BI_sharedFrames = 56;
export const BI_userImageFrames = 72;
export const BI_userImagePaging = 88;
export const BI_ioSpaceCaps = 104;
export const BI_extraBIPages = 120;
export const BI_initThreadCNodeSizeBits = 136;
export const BI_initThreadDomain = 144;
export const BI_schedcontrol = 152;
export const BI_untyped = 168;
export const BI_untypedList = 184;
/** sizeof(seL4_UntypedDesc): paddr (8), sizeBits (1), isDevice (1), padding (6). */
export const UNTYPED_DESC_BYTES = 16;
export const BI_size = BI_untypedList + CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS * UNTYPED_DESC_BYTES;

/** seL4_BootInfoHeader ids for the extra boot info chunks. */
export const SEL4_BOOTINFO_HEADER_PADDING = 0;
export const SEL4_BOOTINFO_HEADER_FDT = 6;
/** sizeof(seL4_BootInfoHeader): id and len, one word each. */
export const BOOTINFO_HEADER_BYTES = 16;
