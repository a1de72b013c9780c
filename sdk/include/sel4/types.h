/*
 * sel4ts C SDK: libsel4's types for riscv64 MCS. The one-word bitfield types
 * (seL4_MessageInfo_t, seL4_CapRights_t, seL4_CNode_CapData_t) are structs
 * holding words[1], as in libsel4, with the accessors libsel4 generates for them.
 */
#pragma once

#include <sel4/macros.h>
#include <sel4/simple_types.h>
#include <sel4/constants.h>

typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_Uint64 seL4_Time;

/* Capability pointers, named by the object they designate. */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_SchedContext;
typedef seL4_CPtr seL4_SchedControl;
typedef seL4_CPtr seL4_RISCV_Page;
typedef seL4_CPtr seL4_RISCV_PageTable;
typedef seL4_CPtr seL4_RISCV_ASIDControl;
typedef seL4_CPtr seL4_RISCV_ASIDPool;

/* ---- seL4_MessageInfo_t: label 52 | capsUnwrapped 3 | extraCaps 2 | length 7 ---- */

typedef struct seL4_MessageInfo {
    seL4_Uint64 words[1];
} seL4_MessageInfo_t;

#define SEL4_MI_LENGTH_MASK 0x7full
#define SEL4_MI_EXTRACAPS_SHIFT 7
#define SEL4_MI_UNWRAPPED_SHIFT 9
#define SEL4_MI_LABEL_SHIFT 12

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t
seL4_MessageInfo_new(seL4_Uint64 label, seL4_Uint64 capsUnwrapped, seL4_Uint64 extraCaps, seL4_Uint64 length)
{
    seL4_MessageInfo_t m;
    m.words[0] = (label << SEL4_MI_LABEL_SHIFT) | ((capsUnwrapped & 0x7ull) << SEL4_MI_UNWRAPPED_SHIFT) |
                 ((extraCaps & 0x3ull) << SEL4_MI_EXTRACAPS_SHIFT) | (length & SEL4_MI_LENGTH_MASK);
    return m;
}

LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_label(seL4_MessageInfo_t m)
{
    return m.words[0] >> SEL4_MI_LABEL_SHIFT;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
    return (m.words[0] >> SEL4_MI_UNWRAPPED_SHIFT) & 0x7ull;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
    return (m.words[0] >> SEL4_MI_EXTRACAPS_SHIFT) & 0x3ull;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_length(seL4_MessageInfo_t m)
{
    return m.words[0] & SEL4_MI_LENGTH_MASK;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & 0xfffull) | (v << SEL4_MI_LABEL_SHIFT);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~(0x7ull << SEL4_MI_UNWRAPPED_SHIFT)) | ((v & 0x7ull) << SEL4_MI_UNWRAPPED_SHIFT);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~(0x3ull << SEL4_MI_EXTRACAPS_SHIFT)) | ((v & 0x3ull) << SEL4_MI_EXTRACAPS_SHIFT);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~SEL4_MI_LENGTH_MASK) | (v & SEL4_MI_LENGTH_MASK);
    return m;
}

LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_ptr_get_label(seL4_MessageInfo_t *m)
{
    return seL4_MessageInfo_get_label(*m);
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_ptr_get_capsUnwrapped(seL4_MessageInfo_t *m)
{
    return seL4_MessageInfo_get_capsUnwrapped(*m);
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_ptr_get_extraCaps(seL4_MessageInfo_t *m)
{
    return seL4_MessageInfo_get_extraCaps(*m);
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_ptr_get_length(seL4_MessageInfo_t *m)
{
    return seL4_MessageInfo_get_length(*m);
}
LIBSEL4_INLINE_FUNC void seL4_MessageInfo_ptr_set_label(seL4_MessageInfo_t *m, seL4_Uint64 v)
{
    *m = seL4_MessageInfo_set_label(*m, v);
}
LIBSEL4_INLINE_FUNC void seL4_MessageInfo_ptr_set_capsUnwrapped(seL4_MessageInfo_t *m, seL4_Uint64 v)
{
    *m = seL4_MessageInfo_set_capsUnwrapped(*m, v);
}
LIBSEL4_INLINE_FUNC void seL4_MessageInfo_ptr_set_extraCaps(seL4_MessageInfo_t *m, seL4_Uint64 v)
{
    *m = seL4_MessageInfo_set_extraCaps(*m, v);
}
LIBSEL4_INLINE_FUNC void seL4_MessageInfo_ptr_set_length(seL4_MessageInfo_t *m, seL4_Uint64 v)
{
    *m = seL4_MessageInfo_set_length(*m, v);
}

/* ---- seL4_CapRights_t: bit 3 grantReply, 2 grant, 1 read, 0 write ---- */

typedef struct seL4_CapRights {
    seL4_Uint64 words[1];
} seL4_CapRights_t;

LIBSEL4_INLINE_FUNC seL4_CapRights_t
seL4_CapRights_new(seL4_Uint64 capAllowGrantReply, seL4_Uint64 capAllowGrant, seL4_Uint64 capAllowRead,
                   seL4_Uint64 capAllowWrite)
{
    seL4_CapRights_t r;
    r.words[0] = ((capAllowGrantReply & 1ull) << 3) | ((capAllowGrant & 1ull) << 2) | ((capAllowRead & 1ull) << 1) |
                 (capAllowWrite & 1ull);
    return r;
}

#define SEL4_RIGHTS_ACCESSORS(field, bit)                                                                   \
    LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_##field(seL4_CapRights_t r)                          \
    {                                                                                                       \
        return (r.words[0] >> (bit)) & 1ull;                                                                \
    }                                                                                                       \
    LIBSEL4_INLINE_FUNC seL4_CapRights_t seL4_CapRights_set_##field(seL4_CapRights_t r, seL4_Uint64 v)      \
    {                                                                                                       \
        r.words[0] = (r.words[0] & ~(1ull << (bit))) | ((v & 1ull) << (bit));                               \
        return r;                                                                                           \
    }                                                                                                       \
    LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_ptr_get_##field(seL4_CapRights_t *r)                     \
    {                                                                                                       \
        return seL4_CapRights_get_##field(*r);                                                              \
    }                                                                                                       \
    LIBSEL4_INLINE_FUNC void seL4_CapRights_ptr_set_##field(seL4_CapRights_t *r, seL4_Uint64 v)             \
    {                                                                                                       \
        *r = seL4_CapRights_set_##field(*r, v);                                                             \
    }
SEL4_RIGHTS_ACCESSORS(capAllowGrantReply, 3)
SEL4_RIGHTS_ACCESSORS(capAllowGrant, 2)
SEL4_RIGHTS_ACCESSORS(capAllowRead, 1)
SEL4_RIGHTS_ACCESSORS(capAllowWrite, 0)
#undef SEL4_RIGHTS_ACCESSORS

/* ---- seL4_CNode_CapData_t: guard 58 | guardSize 6 ---- */

typedef struct seL4_CNode_CapData {
    seL4_Uint64 words[1];
} seL4_CNode_CapData_t;

LIBSEL4_INLINE_FUNC seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Uint64 guard, seL4_Uint64 guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3full);
    return d;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guard(seL4_CNode_CapData_t d)
{
    return d.words[0] >> 6;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guardSize(seL4_CNode_CapData_t d)
{
    return d.words[0] & 0x3full;
}
LIBSEL4_INLINE_FUNC seL4_CNode_CapData_t seL4_CNode_CapData_set_guard(seL4_CNode_CapData_t d, seL4_Uint64 v)
{
    d.words[0] = (d.words[0] & 0x3full) | ((v & 0x3ffffffffffffffull) << 6);
    return d;
}
LIBSEL4_INLINE_FUNC seL4_CNode_CapData_t seL4_CNode_CapData_set_guardSize(seL4_CNode_CapData_t d, seL4_Uint64 v)
{
    d.words[0] = (d.words[0] & ~0x3full) | (v & 0x3full);
    return d;
}

/* ---- The IPC buffer (ABI sheet §4): 1 KiB, 1 KiB aligned ---- */

typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

/* ---- Registers of a thread, in the order of Read/Write/CopyRegisters (ABI sheet §10.1) ---- */

typedef struct seL4_UserContext_ {
    seL4_Word pc;
    seL4_Word ra;
    seL4_Word sp;
    seL4_Word gp;
    seL4_Word s0;
    seL4_Word s1;
    seL4_Word s2;
    seL4_Word s3;
    seL4_Word s4;
    seL4_Word s5;
    seL4_Word s6;
    seL4_Word s7;
    seL4_Word s8;
    seL4_Word s9;
    seL4_Word s10;
    seL4_Word s11;
    seL4_Word a0;
    seL4_Word a1;
    seL4_Word a2;
    seL4_Word a3;
    seL4_Word a4;
    seL4_Word a5;
    seL4_Word a6;
    seL4_Word a7;
    seL4_Word t0;
    seL4_Word t1;
    seL4_Word t2;
    seL4_Word t3;
    seL4_Word t4;
    seL4_Word t5;
    seL4_Word t6;
    seL4_Word tp;
} seL4_UserContext;

/* ---- Boot information (ABI sheet §11.2, MCS layout) ---- */

typedef seL4_Word seL4_SlotPos;

typedef struct seL4_SlotRegion {
    seL4_SlotPos start; /* first slot of the region */
    seL4_SlotPos end;   /* first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion schedcontrol;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
} seL4_BootInfo;

typedef struct seL4_BootInfoHeader {
    seL4_Word id;
    seL4_Word len; /* including this header */
} seL4_BootInfoHeader;

/* ---- MCS scheduling contexts ---- */

/* How many refills beyond the minimum a scheduling context of 2^size bytes can hold. */
LIBSEL4_INLINE_FUNC seL4_Word seL4_MaxExtraRefills(seL4_Word size)
{
    return (LIBSEL4_BIT(size) - seL4_CoreSchedContextBytes) / seL4_RefillSizeBytes;
}

#include <sel4/layout_checks.h>
