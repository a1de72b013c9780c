// Frame (Page) invocations (seL4 src/arch/riscv/kernel/vspace.c: decodeRISCVFrameInvocation,
// performPageInvocationMapPTE, performPageInvocationUnmap, performPageGetAddress): VS-9..VS-14.

import {
  cap_page_table_cap,
  msgInfoLo,
  RISCVPageGetAddress,
  RISCVPageMap,
  RISCVPageUnmap,
  seL4_AlignmentError,
  seL4_CapRights_Read,
  seL4_CapRights_Write,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_TruncatedMessage,
  seL4_UserTop,
  ThreadState_Restart,
  ThreadState_Running,
  VMKernelOnly,
  VMReadOnly,
  VMReadWrite,
} from "../../abi/index.ts";
import { a0, a1 } from "../../abi/registers.ts";
import { setMissingCapability } from "../cspace.ts";
import { argHi, argLo, inv, lookupIPCBuffer, setMR, setReg } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  type Exception,
} from "../state.ts";
import type { Cte } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import {
  findVSpaceForASID,
  isPTEPageTable,
  lookupPTSlot,
  lookupPTSlotResult,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pteNew,
  readPte,
  sfencePage,
  unmapPage,
  writePte,
} from "../vspace.ts";
import * as UE from "../usererror.ts";
import { userError, wordArg } from "../usererror.ts";
import { touchSlot } from "../touched.ts";

/** seL4_RISCV_ExecuteNever: bit 0 of the VM attributes word. */
const riscvExecuteNever = 1;
const TWO32 = 0x1_0000_0000;

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number = UE.UE_NONE): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidCap(n: number, site: number): Exception {
  current_syscall_error.invalidCapNumber = n;
  return error(seL4_InvalidCapability, site);
}

/** maskVMRights (VS-11): a frame's VM rights masked by a seL4_CapRights_t word. */
export function maskVMRights(vm: number, mask: number): number {
  if (vm === VMReadOnly && (mask & seL4_CapRights_Read) !== 0) return VMReadOnly;
  if (vm === VMReadWrite && (mask & seL4_CapRights_Read) !== 0) {
    return (mask & seL4_CapRights_Write) !== 0 ? VMReadWrite : VMReadOnly;
  }
  if (vm === VMReadWrite && (mask & seL4_CapRights_Write) !== 0) userError(UE.UE_riscv_vspace_649);
  return VMKernelOnly;
}

/** makeUserPTE: a user leaf; R unless kernel-only, W only for read-write, X unless execute-never. */
export function makeUserPTE(paddr: number, executable: boolean, vm: number): number {
  const write = vm === VMReadWrite;
  const read = vm !== VMKernelOnly;
  if (!read && !write && !executable) return 0;
  let flags = PTE_V | PTE_U | PTE_A | PTE_D;
  if (read) flags |= PTE_R;
  if (write) flags |= PTE_W;
  if (executable) flags |= PTE_X;
  return pteNew(paddr, flags);
}

export function decodeRISCVFrameInvocation(
  label: number,
  length: number,
  cap: Cte,
  slot: Cte,
  call: boolean,
): Exception {
  switch (label) {
    case RISCVPageMap:
      return decodePageMap(length, cap, slot);
    case RISCVPageUnmap:
      setThreadState(inv.thread, ThreadState_Restart);
      performPageInvocationUnmap(cap, slot);
      return EXCEPTION_NONE;
    case RISCVPageGetAddress:
      setThreadState(inv.thread, ThreadState_Restart);
      performPageGetAddress(cap.ptr, call);
      return EXCEPTION_NONE;
    default:
      return error(seL4_IllegalOperation, UE.UE_riscv_vspace_925);
  }
}

function decodePageMap(length: number, cap: Cte, slot: Cte): Exception {
  const vspaceSlot = current_extra_caps.slots[0];
  if (length < 3 || vspaceSlot === null) return error(seL4_TruncatedMessage, UE.UE_riscv_vspace_807);
  const vaddrHi = argHi(0);
  const vaddrLo = argLo(0);
  const rightsMask = argLo(1);
  const attr = argLo(2);
  const sizeBits = cap.sizeBits;

  if (vspaceSlot.type !== cap_page_table_cap || !vspaceSlot.isMapped)
    return invalidCap(1, UE.UE_riscv_vspace_822);
  const asid = vspaceSlot.mappedASID;
  const root = findVSpaceForASID(asid);
  if (root === 0) {
    current_syscall_error.failedLookupWasSource = false;
    return error(seL4_FailedLookup, UE.UE_riscv_vspace_833);
  }
  if (root !== vspaceSlot.ptr) return invalidCap(1, UE.UE_riscv_vspace_840);

  // vtop = vaddr + size - 1 as a 64-bit word: past 2^64 it wraps to a small value and passes;
  // such a vaddr is never aligned, so the alignment check then rejects it.
  const size = 2 ** sizeBits;
  const wraps = vaddrHi === 0xffffffff && vaddrLo + size - 1 >= TWO32;
  if (!wraps && vaddrHi * TWO32 + vaddrLo + size - 1 >= seL4_UserTop) {
    current_syscall_error.invalidArgumentNumber = 0;
    return error(seL4_InvalidArgument);
  }
  if ((vaddrLo & (size - 1)) !== 0) return error(seL4_AlignmentError);
  const vaddr = vaddrHi * TWO32 + vaddrLo;

  const ptSlot = lookupPTSlot(root, vaddr);
  const bitsLeft = lookupPTSlotResult.ptBitsLeft;
  if (bitsLeft !== sizeBits) {
    setMissingCapability(bitsLeft);
    current_syscall_error.failedLookupWasSource = false;
    return error(seL4_FailedLookup);
  }

  const pte = readPte(ptSlot);
  if (cap.mappedASID !== 0) {
    // Already mapped: only a remap at the same place is allowed (VS-10).
    if (cap.mappedASID !== asid) return invalidCap(1, UE.UE_riscv_vspace_871);
    if (cap.mappedAddr !== vaddr) {
      current_syscall_error.invalidArgumentNumber = 0;
      return error(seL4_InvalidArgument, UE.UE_riscv_vspace_878);
    }
    if (isPTEPageTable(pte)) return error(seL4_DeleteFirst, UE.UE_riscv_vspace_886);
  } else if ((pte & PTE_V) !== 0) {
    userError(UE.UE_riscv_vspace_893, wordArg(vaddrHi, vaddrLo));
    return error(seL4_DeleteFirst);
  }

  const vmRights = maskVMRights(cap.rights, rightsMask);
  const newPte = makeUserPTE(cap.ptr, (attr & riscvExecuteNever) === 0, vmRights);
  setThreadState(inv.thread, ThreadState_Restart);
  performPageInvocationMapPTE(slot, asid, vaddr, newPte, ptSlot, root, sizeBits);
  return EXCEPTION_NONE;
}

/** performPageInvocationMapPTE: record the mapping in the cap, then write the PTE. */
function performPageInvocationMapPTE(
  slot: Cte,
  asid: number,
  vaddr: number,
  pte: number,
  ptSlot: number,
  root: number,
  sizeBits: number,
): void {
  touchSlot(slot);
  slot.mappedASID = asid;
  slot.mappedAddr = vaddr;
  writePte(ptSlot, pte);
  sfencePage(root, vaddr, sizeBits);
}

/** performPageInvocationUnmap (VS-12): always succeeds; the cap forgets its mapping. */
function performPageInvocationUnmap(cap: Cte, slot: Cte): void {
  if (cap.mappedASID !== 0) unmapPage(cap.sizeBits, cap.mappedASID, cap.mappedAddr, cap.ptr);
  touchSlot(slot);
  slot.mappedAddr = 0;
  slot.mappedASID = 0;
}

/** performPageGetAddress (VS-13): with Call, MR0 = the frame's physical address. */
function performPageGetAddress(paddr: number, call: boolean): void {
  const thread = inv.thread;
  if (call) {
    const buffer = lookupIPCBuffer(true, thread);
    setReg(thread, a0, 0, 0);
    const len = setMR(thread, buffer, 0, Math.floor(paddr / TWO32) >>> 0, paddr >>> 0);
    setReg(thread, a1, 0, msgInfoLo(0, 0, 0, len));
  }
  setThreadState(thread, ThreadState_Running);
}
