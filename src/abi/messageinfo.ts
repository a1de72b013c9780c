// seL4_MessageInfo_t word layout (ABI sheet §3), from bit 0: length 7, extraCaps 2,
// capsUnwrapped 3, label 52. The low 12 bits always sit in the low half of the word,
// so kernel code reads them from the low 32 bits and the label from both halves.

export const seL4_MsgLengthBits = 7;
export const seL4_MsgExtraCapBits = 2;
export const seL4_MsgMaxLength = 120;
export const seL4_MsgMaxExtraCaps = 3;
/** Message registers carried in CPU registers a2..a5 on riscv64. */
export const seL4_FastMessageRegisters = 4;
export const n_msgRegisters = 4;

export function msgInfoLength(lo: number): number {
  return lo & 0x7f;
}
export function msgInfoExtraCaps(lo: number): number {
  return (lo >>> 7) & 3;
}
export function msgInfoCapsUnwrapped(lo: number): number {
  return (lo >>> 9) & 7;
}
/** Label as an exact number (52 bits always fit below 2^53). */
export function msgInfoLabel(lo: number, hi: number): number {
  return hi * 0x100000 + (lo >>> 12);
}
/** Low 32 bits of a message info word with a label that fits in 20 bits (every kernel reply). */
export function msgInfoLo(label: number, capsUnwrapped: number, extraCaps: number, length: number): number {
  return (
    (((label & 0xfffff) << 12) | ((capsUnwrapped & 7) << 9) | ((extraCaps & 3) << 7) | (length & 0x7f)) >>> 0
  );
}
/** High 32 bits of a message info word for the given (exact, up to 52-bit) label. */
export function msgInfoHi(label: number): number {
  return Math.floor(label / 0x100000) >>> 0;
}
