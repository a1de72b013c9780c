// Extensions without a libsel4 counterpart (prefix sel4ts_): thread entry points, simulated
// computation, memory access through the thread's VSpace, and reading seL4_BootInfo.

import {
  BI_empty,
  BI_extraBIPages,
  BI_extraLen,
  BI_initThreadCNodeSizeBits,
  BI_initThreadDomain,
  BI_ioSpaceCaps,
  BI_ipcBuffer,
  BI_nodeID,
  BI_numIOPTLevels,
  BI_numNodes,
  BI_schedcontrol,
  BI_sharedFrames,
  BI_untyped,
  BI_untypedList,
  BI_userImageFrames,
  BI_userImagePaging,
  CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
  TICKS_PER_US,
  UNTYPED_DESC_BYTES,
} from "../../abi/index.ts";
import {
  ENTRY_PC_BASE,
  ENTRY_PC_STRIDE,
  type EntryFunction,
  rt,
  TRAP_BUSY,
  TRAP_VMFAULT,
  LOCATE_PROBE,
  UserFault,
  type UserGenerator,
} from "../runtime.ts";
import { type seL4_Word, wordToNumber } from "./word.ts";

/**
 * The pc at which a thread runs `fn(a0, a1, a2)`: pass it as `pc` to seL4_TCB_WriteRegisters.
 * Registering the same function again returns the same pc.
 */
export function sel4ts_entry(fn: EntryFunction): number {
  for (const [pc, f] of rt.entries) if (f === fn) return pc;
  const pc = ENTRY_PC_BASE + rt.entries.size * ENTRY_PC_STRIDE;
  rt.entries.set(pc, fn);
  return pc;
}

/** Compute for `us` microseconds of simulated CPU time (preemptible). */
export function* sel4ts_busy(us: number): UserGenerator<void> {
  if (!(us >= 0) || !Number.isFinite(us)) throw new RangeError(`sel4ts_busy: bad duration ${us}`);
  rt.busyTicks = us * TICKS_PER_US;
  yield TRAP_BUSY;
}

type AccessSize = 1 | 2 | 4 | 8;

function checkSize(size: number): void {
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) {
    throw new RangeError(`memory access size must be 1, 2, 4 or 8, not ${size}`);
  }
}

// The accessors are generators so that a faulting access can trap like real code: the VM fault
// goes to the kernel, and if a handler fixes the mapping and replies, the thread restarts at the
// faulting access, which is then retried.
function* retrying<T>(access: () => T): UserGenerator<T> {
  for (;;) {
    try {
      return access();
    } catch (e) {
      if (!(e instanceof UserFault)) throw e;
      rt.faultAddr = e.vaddr;
      rt.faultWrite = e.write;
      try {
        yield TRAP_VMFAULT;
      } catch (probe) {
        if (probe !== LOCATE_PROBE) throw probe;
        rt.probeStack = new Error("parked").stack ?? null;
        yield TRAP_VMFAULT; // still parked at the same access
      }
    }
  }
}

/** Little-endian load: a number for sizes 1-4, a bigint for size 8 (zero-extended). */
export function sel4ts_read(vaddr: seL4_Word, size: 8): UserGenerator<bigint>;
export function sel4ts_read(vaddr: seL4_Word, size: 1 | 2 | 4): UserGenerator<number>;
export function sel4ts_read(vaddr: seL4_Word, size: AccessSize): UserGenerator<number | bigint>;
export function* sel4ts_read(vaddr: seL4_Word, size: AccessSize): UserGenerator<number | bigint> {
  checkSize(size);
  const a = wordToNumber(vaddr);
  const v = yield* retrying(() => rt.mem.read(a, size));
  if (size === 8) return typeof v === "bigint" ? v : BigInt(v);
  return Number(v);
}

/** Little-endian store of the low `size` bytes of `value`. */
export function* sel4ts_write(vaddr: seL4_Word, size: AccessSize, value: seL4_Word): UserGenerator<void> {
  checkSize(size);
  const a = wordToNumber(vaddr);
  yield* retrying(() => rt.mem.write(a, size, value));
}

/** A copy of `len` bytes at `vaddr`. */
export function* sel4ts_read_bytes(vaddr: seL4_Word, len: number): UserGenerator<Uint8Array> {
  const a = wordToNumber(vaddr);
  return yield* retrying(() => rt.mem.readBytes(a, len));
}

export function* sel4ts_write_bytes(vaddr: seL4_Word, bytes: Uint8Array): UserGenerator<void> {
  const a = wordToNumber(vaddr);
  yield* retrying(() => rt.mem.writeBytes(a, bytes));
}

// ---- seL4_BootInfo ----

export type seL4_SlotPos = number;

export interface seL4_SlotRegion {
  start: seL4_SlotPos;
  end: seL4_SlotPos;
}

export interface seL4_UntypedDesc {
  paddr: number;
  sizeBits: number;
  isDevice: number;
}

/** seL4_BootInfo with its C field names, every value a plain number. */
export interface seL4_BootInfo {
  extraLen: number;
  nodeID: number;
  numNodes: number;
  numIOPTLevels: number;
  ipcBuffer: number;
  empty: seL4_SlotRegion;
  sharedFrames: seL4_SlotRegion;
  userImageFrames: seL4_SlotRegion;
  userImagePaging: seL4_SlotRegion;
  ioSpaceCaps: seL4_SlotRegion;
  extraBIPages: seL4_SlotRegion;
  initThreadCNodeSizeBits: number;
  initThreadDomain: number;
  schedcontrol: seL4_SlotRegion;
  untyped: seL4_SlotRegion;
  /** Exactly untyped.end - untyped.start entries; entry i describes slot untyped.start + i. */
  untypedList: seL4_UntypedDesc[];
}

function readU8(vaddr: number): number {
  return Number(rt.mem.read(vaddr, 1));
}

/** A bootinfo word, read as two halves so that no BigInt is involved. */
function readWord(vaddr: number): number {
  const lo = Number(rt.mem.read(vaddr, 4));
  const hi = Number(rt.mem.read(vaddr + 4, 4));
  if (hi >= 0x20_0000) throw new RangeError(`boot info word at 0x${vaddr.toString(16)} exceeds 2^53`);
  return hi * 0x1_0000_0000 + lo;
}

function readRegion(vaddr: number): seL4_SlotRegion {
  return { start: readWord(vaddr), end: readWord(vaddr + 8) };
}

/** Read the seL4_BootInfo structure at `vaddr` (the root task's a0) through the VSpace. */
export function sel4ts_bootinfo_read(vaddr: seL4_Word): seL4_BootInfo {
  const bi = wordToNumber(vaddr);
  const untyped = readRegion(bi + BI_untyped);
  const count = untyped.end - untyped.start;
  if (count < 0 || count > CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
    throw new RangeError(`boot info untyped region [${untyped.start}, ${untyped.end}) is malformed`);
  }
  const untypedList: seL4_UntypedDesc[] = [];
  for (let i = 0; i < count; i++) {
    const d = bi + BI_untypedList + i * UNTYPED_DESC_BYTES;
    untypedList.push({ paddr: readWord(d), sizeBits: readU8(d + 8), isDevice: readU8(d + 9) });
  }
  return {
    extraLen: readWord(bi + BI_extraLen),
    nodeID: readWord(bi + BI_nodeID),
    numNodes: readWord(bi + BI_numNodes),
    numIOPTLevels: readWord(bi + BI_numIOPTLevels),
    ipcBuffer: readWord(bi + BI_ipcBuffer),
    empty: readRegion(bi + BI_empty),
    sharedFrames: readRegion(bi + BI_sharedFrames),
    userImageFrames: readRegion(bi + BI_userImageFrames),
    userImagePaging: readRegion(bi + BI_userImagePaging),
    ioSpaceCaps: readRegion(bi + BI_ioSpaceCaps),
    extraBIPages: readRegion(bi + BI_extraBIPages),
    initThreadCNodeSizeBits: readWord(bi + BI_initThreadCNodeSizeBits),
    initThreadDomain: readWord(bi + BI_initThreadDomain),
    schedcontrol: readRegion(bi + BI_schedcontrol),
    untyped,
    untypedList,
  };
}
