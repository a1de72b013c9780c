// ASIDControl and ASIDPool invocations (seL4 src/arch/riscv/kernel/vspace.c:
// decodeRISCVMMUInvocation's ASID cases, performASIDControlInvocation, performASIDPoolInvocation):
// VS-4, VS-5.

import {
  cap_asid_pool_cap,
  cap_page_table_cap,
  cap_untyped_cap,
  RISCVASIDControlMakePool,
  RISCVASIDPoolAssign,
  seL4_ASIDPoolBits,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_TruncatedMessage,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { cteInsert, ensureEmptySlot, ensureNoChildren } from "../cdt.ts";
import { lookupResult, lookupTargetSlot } from "../cspace.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_lookup_fault,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import { ASIDPool, clearCap, Cte } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import { asidLowBits, nASIDPools } from "../vspace.ts";
import { UE_riscv_vspace_1042, UE_riscv_vspace_979, userError } from "../usererror.ts";

const poolCap = new Cte(null, -1);

function error(type: number): Exception {
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidCap(n: number): Exception {
  current_syscall_error.invalidCapNumber = n;
  return error(seL4_InvalidCapability);
}

/** ASIDControl_MakePool (VS-4): the free-pool check comes before the untyped is looked at. */
export function decodeRISCVASIDControlInvocation(label: number, length: number): Exception {
  if (label !== RISCVASIDControlMakePool) return error(seL4_IllegalOperation);
  const parentSlot = current_extra_caps.slots[0];
  const root = current_extra_caps.slots[1];
  if (length < 2 || parentSlot === null || root === null) return error(seL4_TruncatedMessage);
  const indexHi = argHi(0);
  const indexLo = argLo(0);
  const depth = argNum(1);

  let i = 0;
  while (i < nASIDPools && ks.asidTable[i] !== null) i++;
  if (i === nASIDPools) {
    userError(UE_riscv_vspace_979);
    return error(seL4_DeleteFirst);
  }
  const asidBase = i * 2 ** asidLowBits;

  if (parentSlot.type !== cap_untyped_cap || parentSlot.sizeBits !== seL4_ASIDPoolBits || parentSlot.isDevice)
    return invalidCap(1);
  let status = ensureNoChildren(parentSlot);
  if (status !== EXCEPTION_NONE) return status;
  status = lookupTargetSlot(root, indexHi, indexLo, depth);
  if (status !== EXCEPTION_NONE) return status;
  const destSlot = lookupResult.slot as Cte;
  status = ensureEmptySlot(destSlot);
  if (status !== EXCEPTION_NONE) return status;

  setThreadState(inv.thread, ThreadState_Restart);
  performASIDControlInvocation(parentSlot.ptr, destSlot, parentSlot, asidBase);
  return EXCEPTION_NONE;
}

/**
 * The untyped becomes full, its 4 KiB are zeroed and become the pool (any dead object that lay
 * there is gone), the pool cap goes in as its child, and the pool is registered.
 */
function performASIDControlInvocation(frame: number, slot: Cte, parent: Cte, asidBase: number): void {
  parent.freeIndex = 2 ** parent.sizeBits;
  const size = 2 ** seL4_ASIDPoolBits;
  ks.machine.memory.zero(frame, size);
  forgetObjects(frame, size);
  const pool = new ASIDPool(frame);
  ks.objects.set(frame, pool);
  clearCap(poolCap);
  poolCap.type = cap_asid_pool_cap;
  poolCap.obj = pool;
  poolCap.ptr = frame;
  poolCap.extra = asidBase;
  cteInsert(poolCap, parent, slot);
  ks.asidTable[asidBase >>> asidLowBits] = pool;
}

/** Dead objects inside [base, base + size) leave the live-object registry (as untyped.ts does). */
function forgetObjects(base: number, size: number): void {
  for (const ptr of ks.objects.keys()) if (ptr >= base && ptr < base + size) ks.objects.delete(ptr);
}

/** ASIDPool_Assign (VS-5): the lowest free ASID of the pool (never ASID 0). */
export function decodeRISCVASIDPoolInvocation(label: number, cap: Cte): Exception {
  if (label !== RISCVASIDPoolAssign) return error(seL4_IllegalOperation);
  const vspaceSlot = current_extra_caps.slots[0];
  if (vspaceSlot === null) return error(seL4_TruncatedMessage);
  if (vspaceSlot.type !== cap_page_table_cap || vspaceSlot.isMapped) {
    userError(UE_riscv_vspace_1042);
    return invalidCap(1);
  }

  const pool = ks.asidTable[cap.extra >>> asidLowBits];
  if (pool === null) {
    current_syscall_error.failedLookupWasSource = false;
    const f = current_lookup_fault;
    f.type = seL4_InvalidRoot;
    f.bitsLeft = 0;
    f.bitsFound = 0;
    f.guardFoundHi = 0;
    f.guardFoundLo = 0;
    return error(seL4_FailedLookup);
  }
  if (pool !== cap.obj) return invalidCap(0);

  const base = cap.extra;
  let i = 0;
  while (i < 2 ** asidLowBits && (base + i === 0 || pool.entries[i] !== 0)) i++;
  if (i === 2 ** asidLowBits) return error(seL4_DeleteFirst);

  setThreadState(inv.thread, ThreadState_Restart);
  performASIDPoolInvocation(base + i, pool, vspaceSlot);
  return EXCEPTION_NONE;
}

/** The root's cap (in its own slot) becomes mapped with the ASID, and the pool names the root. */
function performASIDPoolInvocation(asid: number, pool: ASIDPool, vspaceSlot: Cte): void {
  vspaceSlot.mappedASID = asid;
  vspaceSlot.mappedAddr = 0;
  vspaceSlot.isMapped = true;
  pool.entries[asid & 0x1ff] = vspaceSlot.ptr;
}
