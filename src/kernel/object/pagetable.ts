// PageTable invocations (seL4 src/arch/riscv/kernel/vspace.c: decodeRISCVPageTableInvocation,
// performPageTableInvocationMap / Unmap): VS-6..VS-8.

import {
  cap_page_table_cap,
  RISCVPageTableMap,
  RISCVPageTableUnmap,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_PageBits,
  seL4_PageTableBits,
  seL4_RevokeFirst,
  seL4_TruncatedMessage,
  seL4_UserTop,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { isFinalCapability } from "../cdt.ts";
import { argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import type { Cte } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import {
  findVSpaceForASID,
  lookupPTSlot,
  lookupPTSlotResult,
  PTE_V,
  pteNew,
  readPte,
  unmapPageTableAt,
  writePte,
} from "../vspace.ts";
import * as UE from "../usererror.ts";
import { userError } from "../usererror.ts";

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidCap(n: number, site: number): Exception {
  current_syscall_error.invalidCapNumber = n;
  return error(seL4_InvalidCapability, site);
}

export function decodeRISCVPageTableInvocation(
  label: number,
  length: number,
  cap: Cte,
  slot: Cte,
): Exception {
  if (label === RISCVPageTableUnmap) {
    if (!isFinalCapability(slot)) return error(seL4_RevokeFirst, UE.UE_riscv_vspace_688);
    if (cap.isMapped) {
      // A VSpace root cannot be unmapped this way (VS-8).
      const root = findVSpaceForASID(cap.mappedASID);
      if (root !== 0 && root === cap.ptr) return error(seL4_RevokeFirst, UE.UE_riscv_vspace_699);
    }
    setThreadState(inv.thread, ThreadState_Restart);
    performPageTableInvocationUnmap(cap, slot);
    return EXCEPTION_NONE;
  }
  if (label !== RISCVPageTableMap) return error(seL4_IllegalOperation, UE.UE_riscv_vspace_710);

  const vspaceSlot = current_extra_caps.slots[0];
  if (length < 2 || vspaceSlot === null) return error(seL4_TruncatedMessage, UE.UE_riscv_vspace_716);
  if (cap.isMapped) return invalidCap(0, UE.UE_riscv_vspace_721);
  const vaddr = argNum(0);
  if (vspaceSlot.type !== cap_page_table_cap || !vspaceSlot.isMapped)
    return invalidCap(1, UE.UE_riscv_vspace_732);
  const asid = vspaceSlot.mappedASID;
  if (vaddr >= seL4_UserTop) {
    current_syscall_error.invalidArgumentNumber = 0;
    return error(seL4_InvalidArgument, UE.UE_riscv_vspace_743);
  }
  const root = findVSpaceForASID(asid);
  if (root === 0) {
    current_syscall_error.failedLookupWasSource = false;
    return error(seL4_FailedLookup, UE.UE_riscv_vspace_752);
  }
  if (root !== vspaceSlot.ptr) return invalidCap(1, UE.UE_riscv_vspace_759);

  // VS-7: install at the first missing level on the walk; a leaf or the last level is in the way.
  const ptSlot = lookupPTSlot(root, vaddr);
  const bitsLeft = lookupPTSlotResult.ptBitsLeft;
  if (bitsLeft === seL4_PageBits || (readPte(ptSlot) & PTE_V) !== 0) {
    return error(seL4_DeleteFirst, UE.UE_riscv_vspace_771);
  }

  const span = 2 ** bitsLeft;
  setThreadState(inv.thread, ThreadState_Restart);
  performPageTableInvocationMap(slot, asid, Math.floor(vaddr / span) * span, pteNew(cap.ptr, PTE_V), ptSlot);
  return EXCEPTION_NONE;
}

function performPageTableInvocationMap(
  slot: Cte,
  asid: number,
  vaddr: number,
  pte: number,
  ptSlot: number,
): void {
  slot.isMapped = true;
  slot.mappedASID = asid;
  slot.mappedAddr = vaddr;
  writePte(ptSlot, pte);
  ks.machine.sfenceVma();
}

/** VS-8: unhook the table from its parent and zero it; tables below it are simply disconnected. */
function performPageTableInvocationUnmap(cap: Cte, slot: Cte): void {
  if (cap.isMapped) {
    unmapPageTableAt(cap.mappedASID, cap.mappedAddr, cap.ptr);
    ks.machine.memory.zero(cap.ptr, 2 ** seL4_PageTableBits);
    ks.machine.sfenceVma();
  }
  slot.isMapped = false;
}
