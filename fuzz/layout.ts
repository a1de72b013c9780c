// Where things are in a fuzzed worker's CSpace. Every worker's CSpace root is a radix-7 CNode with
// a 57-bit zero guard (so a slot index is a full-depth cptr): either the shared CNode F or a CNode
// of its own whose slots hold copies of a random subset of F's caps at the same indices. The
// decision generator picks cptrs by role from these ranges, so most arguments name an object of
// the type an operation wants, and the rest are near misses or garbage.

export const RADIX = 7;
export const SLOTS = 1 << RADIX;
export const GUARD = 64 - RADIX;

export const S_PING = 1;
/** The worker's own CSpace root (guarded), and F (guarded). */
export const S_CNODE = 2;
export const S_F = 3;
export const S_SCHEDCTL = 4;
export const S_VSPACE = 5;
export const S_ASIDPOOL = 6;
export const S_ASIDCTL = 7;
export const S_IRQCTL = 8;
export const S_DOMAIN = 9;

/** Half-open slot ranges by role. */
export const R_TCB: Range = [16, 24];
export const R_SC: Range = [24, 32];
export const R_EP: Range = [32, 38];
export const R_NTFN: Range = [38, 44];
export const R_REPLY: Range = [44, 52];
export const R_XCNODE: Range = [52, 54];
export const R_FRAME: Range = [54, 60];
export const R_PT: Range = [60, 64];
export const R_VSPACE: Range = [64, 66];
export const R_UT: Range = [66, 68];
export const R_FREE: Range = [68, SLOTS];
/** Badged copies inside R_EP / R_NTFN. */
export const BADGED_EP = [36, 37];
export const BADGED_NTFN = [42, 43];
/** Radix of the two extra CNodes. */
export const XCNODE_RADIX = [2, 4];

export type Range = readonly [number, number];

export const MAX_WORKERS = 8;
/** Image pages: worker i's IPC buffer is image page IPC_PAGE0 + i, the watchdog's the last. */
export const IMAGE_PAGES = 32;
export const IMAGE_VADDR = 0x10000;
export const IPC_PAGE0 = 16;
export const WATCHDOG_PAGE = 31;

/** Virtual addresses the fuzzer maps and touches: a few pages in a few regions. */
export const VADDR_BASES = [IMAGE_VADDR, 0x20_0000, 0x4000_0000, 0x40_0000_0000 - 0x1000];
