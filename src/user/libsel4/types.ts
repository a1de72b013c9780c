// libsel4's types and the pure bitfield helpers (shared_types.bf): seL4_MessageInfo_t,
// seL4_CapRights_t and seL4_CNode_CapData_t are each one 64-bit word, represented here by the
// raw word itself. As in the generated C, constructors mask each field to its width.

import { type seL4_Bool, type seL4_Word, bit, wordFromBigInt, wordHi, wordLo, wordToBigInt } from "./word.ts";

export type { seL4_Bool, seL4_Uint8, seL4_Word } from "./word.ts";

/** Capability pointers and the typed cap names libsel4 uses for them. */
export type seL4_CPtr = seL4_Word;
export type seL4_CNode = seL4_CPtr;
export type seL4_TCB = seL4_CPtr;
export type seL4_Untyped = seL4_CPtr;
export type seL4_IRQControl = seL4_CPtr;
export type seL4_IRQHandler = seL4_CPtr;
export type seL4_DomainSet = seL4_CPtr;
export type seL4_SchedContext = seL4_CPtr;
export type seL4_SchedControl = seL4_CPtr;
export type seL4_RISCV_Page = seL4_CPtr;
export type seL4_RISCV_PageTable = seL4_CPtr;
export type seL4_RISCV_ASIDControl = seL4_CPtr;
export type seL4_RISCV_ASIDPool = seL4_CPtr;

export type seL4_Time = seL4_Word;
export type seL4_Uint32 = number;
export type seL4_Error = number;
export type seL4_RISCV_VMAttributes = seL4_Word;
export type seL4_MessageInfo_t = seL4_Word;
export type seL4_CapRights_t = seL4_Word;
export type seL4_CNode_CapData_t = seL4_Word;

// libsel4 constants that the ABI layer does not carry.
export const seL4_False = 0;
export const seL4_True = 1;
export const seL4_Null = 0;
export const seL4_SchedContext_NoFlag = 0;
export const seL4_SchedContext_Sporadic = 1;
export const seL4_RISCV_ExecuteNever = 1;
export const seL4_RISCV_Default_VMAttributes = 0;

// ---- seL4_MessageInfo_t: label 52 | capsUnwrapped 3 | extraCaps 2 | length 7 (from bit 63) ----

const TWO32 = 0x1_0000_0000;
/** Labels below this give a message info word that is still a safe integer. */
const SAFE_LABEL = 2 ** 41;

/** The label field (52 bits) of an argument, as an exact number. */
function label52(label: seL4_Word): number {
  if (typeof label === "number" && label >>> 0 === label) return label;
  return (wordHi(label) & 0xfffff) * TWO32 + wordLo(label);
}

function messageInfo(label: number, low12: number): seL4_MessageInfo_t {
  return label < SAFE_LABEL ? label * 4096 + low12 : (BigInt(label) << 12n) | BigInt(low12);
}

export function seL4_MessageInfo_new(
  label: seL4_Word,
  capsUnwrapped: number,
  extraCaps: number,
  length: number,
): seL4_MessageInfo_t {
  return messageInfo(label52(label), ((capsUnwrapped & 7) << 9) | ((extraCaps & 3) << 7) | (length & 0x7f));
}

export function seL4_MessageInfo_get_label(info: seL4_MessageInfo_t): number {
  return wordHi(info) * 0x100000 + (wordLo(info) >>> 12);
}
export function seL4_MessageInfo_get_capsUnwrapped(info: seL4_MessageInfo_t): number {
  return (wordLo(info) >>> 9) & 7;
}
export function seL4_MessageInfo_get_extraCaps(info: seL4_MessageInfo_t): number {
  return (wordLo(info) >>> 7) & 3;
}
export function seL4_MessageInfo_get_length(info: seL4_MessageInfo_t): number {
  return wordLo(info) & 0x7f;
}

export function seL4_MessageInfo_set_label(info: seL4_MessageInfo_t, v: seL4_Word): seL4_MessageInfo_t {
  return messageInfo(label52(v), wordLo(info) & 0xfff);
}
export function seL4_MessageInfo_set_capsUnwrapped(info: seL4_MessageInfo_t, v: number): seL4_MessageInfo_t {
  return messageInfo(seL4_MessageInfo_get_label(info), (wordLo(info) & ~0xe00 & 0xfff) | ((v & 7) << 9));
}
export function seL4_MessageInfo_set_extraCaps(info: seL4_MessageInfo_t, v: number): seL4_MessageInfo_t {
  return messageInfo(seL4_MessageInfo_get_label(info), (wordLo(info) & ~0x180 & 0xfff) | ((v & 3) << 7));
}
export function seL4_MessageInfo_set_length(info: seL4_MessageInfo_t, v: number): seL4_MessageInfo_t {
  return messageInfo(seL4_MessageInfo_get_label(info), (wordLo(info) & ~0x7f & 0xfff) | (v & 0x7f));
}

// ---- seL4_CapRights_t: bit 3 grantReply, 2 grant, 1 read, 0 write ----

export function seL4_CapRights_new(
  capAllowGrantReply: seL4_Bool,
  capAllowGrant: seL4_Bool,
  capAllowRead: seL4_Bool,
  capAllowWrite: seL4_Bool,
): seL4_CapRights_t {
  return (
    (bit(capAllowGrantReply) << 3) | (bit(capAllowGrant) << 2) | (bit(capAllowRead) << 1) | bit(capAllowWrite)
  );
}

export function seL4_CapRights_get_capAllowGrantReply(rights: seL4_CapRights_t): number {
  return (wordLo(rights) >>> 3) & 1;
}
export function seL4_CapRights_get_capAllowGrant(rights: seL4_CapRights_t): number {
  return (wordLo(rights) >>> 2) & 1;
}
export function seL4_CapRights_get_capAllowRead(rights: seL4_CapRights_t): number {
  return (wordLo(rights) >>> 1) & 1;
}
export function seL4_CapRights_get_capAllowWrite(rights: seL4_CapRights_t): number {
  return wordLo(rights) & 1;
}

function setRightsBit(rights: seL4_CapRights_t, shift: number, v: seL4_Bool): seL4_CapRights_t {
  return (wordLo(rights) & 0xf & ~(1 << shift)) | (bit(v) << shift);
}
export function seL4_CapRights_set_capAllowGrantReply(
  rights: seL4_CapRights_t,
  v: seL4_Bool,
): seL4_CapRights_t {
  return setRightsBit(rights, 3, v);
}
export function seL4_CapRights_set_capAllowGrant(rights: seL4_CapRights_t, v: seL4_Bool): seL4_CapRights_t {
  return setRightsBit(rights, 2, v);
}
export function seL4_CapRights_set_capAllowRead(rights: seL4_CapRights_t, v: seL4_Bool): seL4_CapRights_t {
  return setRightsBit(rights, 1, v);
}
export function seL4_CapRights_set_capAllowWrite(rights: seL4_CapRights_t, v: seL4_Bool): seL4_CapRights_t {
  return setRightsBit(rights, 0, v);
}

// ---- seL4_CNode_CapData_t: guard 58 | guardSize 6 ----

/** Guards below this give a cap data word that is still a safe integer. */
const SAFE_GUARD = 2 ** 47;

export function seL4_CNode_CapData_new(guard: seL4_Word, guardSize: number): seL4_CNode_CapData_t {
  const size = guardSize & 0x3f;
  if (typeof guard === "number" && guard >= 0 && guard < SAFE_GUARD && Number.isInteger(guard)) {
    return guard * 64 + size;
  }
  return wordFromBigInt((BigInt.asUintN(58, wordToBigInt(guard)) << 6n) | BigInt(size));
}

export function seL4_CNode_CapData_get_guard(data: seL4_CNode_CapData_t): seL4_Word {
  if (typeof data === "number" && data >= 0 && Number.isSafeInteger(data)) return Math.floor(data / 64);
  return wordFromBigInt(wordToBigInt(data) >> 6n);
}
export function seL4_CNode_CapData_get_guardSize(data: seL4_CNode_CapData_t): number {
  return wordLo(data) & 0x3f;
}

// ---- seL4_UserContext (riscv64): the word order of Read/Write/CopyRegisters ----

export interface seL4_UserContext {
  pc: seL4_Word;
  ra: seL4_Word;
  sp: seL4_Word;
  gp: seL4_Word;
  s0: seL4_Word;
  s1: seL4_Word;
  s2: seL4_Word;
  s3: seL4_Word;
  s4: seL4_Word;
  s5: seL4_Word;
  s6: seL4_Word;
  s7: seL4_Word;
  s8: seL4_Word;
  s9: seL4_Word;
  s10: seL4_Word;
  s11: seL4_Word;
  a0: seL4_Word;
  a1: seL4_Word;
  a2: seL4_Word;
  a3: seL4_Word;
  a4: seL4_Word;
  a5: seL4_Word;
  a6: seL4_Word;
  a7: seL4_Word;
  t0: seL4_Word;
  t1: seL4_Word;
  t2: seL4_Word;
  t3: seL4_Word;
  t4: seL4_Word;
  t5: seL4_Word;
  t6: seL4_Word;
  tp: seL4_Word;
}
