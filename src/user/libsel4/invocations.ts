// Object invocation stubs (the TCB's are in tcb.ts), marshalled exactly as libsel4's generated
// sel4_client.h (riscv64, MCS; ABI sheet §6.3–6.4): argument words in MR order, the first four
// passed in a2..a5 and the rest through msg[i]; cap arguments in caps_or_badges[] with extraCaps =
// their count; u8s masked as the generator does. The reply's label is the seL4_Error.

import {
  CNodeCancelBadgedSends,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  CNodeMove,
  CNodeMutate,
  CNodeRevoke,
  CNodeRotate,
  DomainScheduleConfigure,
  DomainScheduleSetStart,
  DomainSetSet,
  IRQAckIRQ,
  IRQClearIRQHandler,
  IRQIssueIRQHandler,
  IRQSetIRQHandler,
  RISCVASIDControlMakePool,
  RISCVASIDPoolAssign,
  RISCVIRQIssueIRQHandlerTrigger,
  RISCVPageGetAddress,
  RISCVPageMap,
  RISCVPageTableMap,
  RISCVPageTableUnmap,
  RISCVPageUnmap,
  SchedContextBind,
  SchedContextConsumed,
  SchedContextUnbind,
  SchedContextUnbindObject,
  SchedContextYieldTo,
  SchedControlConfigureFlags,
  UntypedRetype,
  seL4_NoError,
} from "../../abi/index.ts";
import { seL4_SetCap, seL4_SetMR } from "./ipcbuffer.ts";
import { type Invocation, prepareInvocation, finishInvocation, invocationResult } from "./invoke.ts";
import { TRAP_SYSCALL } from "../runtime.ts";
import {
  type seL4_CapRights_t,
  type seL4_CNode,
  type seL4_CPtr,
  type seL4_DomainSet,
  type seL4_Error,
  type seL4_IRQControl,
  type seL4_IRQHandler,
  type seL4_RISCV_ASIDControl,
  type seL4_RISCV_ASIDPool,
  type seL4_RISCV_Page,
  type seL4_RISCV_PageTable,
  type seL4_RISCV_VMAttributes,
  type seL4_SchedContext,
  type seL4_SchedControl,
  type seL4_TCB,
  type seL4_Time,
  type seL4_Untyped,
  seL4_SchedContext_NoFlag,
} from "./types.ts";
import { type seL4_Uint8, type seL4_Word, u8 } from "./word.ts";

// ---- Untyped ----

export function* seL4_Untyped_Retype(
  service: seL4_Untyped,
  type: seL4_Word,
  size_bits: seL4_Word,
  root: seL4_CNode,
  node_index: seL4_Word,
  node_depth: seL4_Word,
  node_offset: seL4_Word,
  num_objects: seL4_Word,
): Invocation {
  seL4_SetCap(0, root);
  seL4_SetMR(4, node_offset);
  seL4_SetMR(5, num_objects);
  prepareInvocation(service, UntypedRetype, 6, 1, type, size_bits, node_index, node_depth);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

// ---- CNode ----

export function* seL4_CNode_Revoke(service: seL4_CNode, index: seL4_Word, depth: seL4_Uint8): Invocation {
  prepareInvocation(service, CNodeRevoke, 2, 0, index, u8(depth), 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Delete(service: seL4_CNode, index: seL4_Word, depth: seL4_Uint8): Invocation {
  prepareInvocation(service, CNodeDelete, 2, 0, index, u8(depth), 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_CancelBadgedSends(
  service: seL4_CNode,
  index: seL4_Word,
  depth: seL4_Uint8,
): Invocation {
  prepareInvocation(service, CNodeCancelBadgedSends, 2, 0, index, u8(depth), 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Copy(
  service: seL4_CNode,
  dest_index: seL4_Word,
  dest_depth: seL4_Uint8,
  src_root: seL4_CNode,
  src_index: seL4_Word,
  src_depth: seL4_Uint8,
  rights: seL4_CapRights_t,
): Invocation {
  seL4_SetCap(0, src_root);
  seL4_SetMR(4, rights);
  prepareInvocation(service, CNodeCopy, 5, 1, dest_index, u8(dest_depth), src_index, u8(src_depth));
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Mint(
  service: seL4_CNode,
  dest_index: seL4_Word,
  dest_depth: seL4_Uint8,
  src_root: seL4_CNode,
  src_index: seL4_Word,
  src_depth: seL4_Uint8,
  rights: seL4_CapRights_t,
  badge: seL4_Word,
): Invocation {
  seL4_SetCap(0, src_root);
  seL4_SetMR(4, rights);
  seL4_SetMR(5, badge);
  prepareInvocation(service, CNodeMint, 6, 1, dest_index, u8(dest_depth), src_index, u8(src_depth));
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Move(
  service: seL4_CNode,
  dest_index: seL4_Word,
  dest_depth: seL4_Uint8,
  src_root: seL4_CNode,
  src_index: seL4_Word,
  src_depth: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, src_root);
  prepareInvocation(service, CNodeMove, 4, 1, dest_index, u8(dest_depth), src_index, u8(src_depth));
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Mutate(
  service: seL4_CNode,
  dest_index: seL4_Word,
  dest_depth: seL4_Uint8,
  src_root: seL4_CNode,
  src_index: seL4_Word,
  src_depth: seL4_Uint8,
  badge: seL4_Word,
): Invocation {
  seL4_SetCap(0, src_root);
  seL4_SetMR(4, badge);
  prepareInvocation(service, CNodeMutate, 5, 1, dest_index, u8(dest_depth), src_index, u8(src_depth));
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_CNode_Rotate(
  service: seL4_CNode,
  dest_index: seL4_Word,
  dest_depth: seL4_Uint8,
  dest_badge: seL4_Word,
  pivot_root: seL4_CNode,
  pivot_index: seL4_Word,
  pivot_depth: seL4_Uint8,
  pivot_badge: seL4_Word,
  src_root: seL4_CNode,
  src_index: seL4_Word,
  src_depth: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, pivot_root);
  seL4_SetCap(1, src_root);
  seL4_SetMR(4, u8(pivot_depth));
  seL4_SetMR(5, pivot_badge);
  seL4_SetMR(6, src_index);
  seL4_SetMR(7, u8(src_depth));
  prepareInvocation(service, CNodeRotate, 8, 2, dest_index, u8(dest_depth), dest_badge, pivot_index);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

// ---- IRQControl / IRQHandler ----

export function* seL4_IRQControl_Get(
  service: seL4_IRQControl,
  irq: seL4_Word,
  root: seL4_CNode,
  index: seL4_Word,
  depth: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, root);
  prepareInvocation(service, IRQIssueIRQHandler, 3, 1, irq, index, u8(depth), 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_IRQControl_GetTrigger(
  service: seL4_IRQControl,
  irq: seL4_Word,
  trigger: seL4_Word,
  root: seL4_CNode,
  index: seL4_Word,
  depth: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, root);
  prepareInvocation(service, RISCVIRQIssueIRQHandlerTrigger, 4, 1, irq, trigger, index, u8(depth));
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_IRQHandler_Ack(service: seL4_IRQHandler): Invocation {
  prepareInvocation(service, IRQAckIRQ, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_IRQHandler_SetNotification(
  service: seL4_IRQHandler,
  notification: seL4_CPtr,
): Invocation {
  seL4_SetCap(0, notification);
  prepareInvocation(service, IRQSetIRQHandler, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_IRQHandler_Clear(service: seL4_IRQHandler): Invocation {
  prepareInvocation(service, IRQClearIRQHandler, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

// ---- DomainSet ----

export function* seL4_DomainSet_Set(
  service: seL4_DomainSet,
  domain: seL4_Uint8,
  thread: seL4_TCB,
): Invocation {
  seL4_SetCap(0, thread);
  prepareInvocation(service, DomainSetSet, 1, 1, u8(domain), 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_DomainSet_ScheduleConfigure(
  service: seL4_DomainSet,
  index: seL4_Word,
  domain: seL4_Uint8,
  duration: seL4_Time,
): Invocation {
  prepareInvocation(service, DomainScheduleConfigure, 3, 0, index, u8(domain), duration, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_DomainSet_ScheduleSetStart(service: seL4_DomainSet, index: seL4_Word): Invocation {
  prepareInvocation(service, DomainScheduleSetStart, 1, 0, index, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

// ---- SchedControl / SchedContext ----

export function* seL4_SchedControl_ConfigureFlags(
  service: seL4_SchedControl,
  schedcontext: seL4_SchedContext,
  budget: seL4_Time,
  period: seL4_Time,
  extra_refills: seL4_Word,
  badge: seL4_Word,
  flags: seL4_Word,
): Invocation {
  seL4_SetCap(0, schedcontext);
  seL4_SetMR(4, flags);
  prepareInvocation(service, SchedControlConfigureFlags, 5, 1, budget, period, extra_refills, badge);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

/** libsel4's virtual_client.h wrapper: ConfigureFlags with no flags. */
export function* seL4_SchedControl_Configure(
  service: seL4_SchedControl,
  schedcontext: seL4_SchedContext,
  budget: seL4_Time,
  period: seL4_Time,
  extra_refills: seL4_Word,
  badge: seL4_Word,
): Invocation {
  return yield* seL4_SchedControl_ConfigureFlags(
    service,
    schedcontext,
    budget,
    period,
    extra_refills,
    badge,
    seL4_SchedContext_NoFlag,
  );
}

export function* seL4_SchedContext_Bind(service: seL4_SchedContext, cap: seL4_CPtr): Invocation {
  seL4_SetCap(0, cap);
  prepareInvocation(service, SchedContextBind, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_SchedContext_Unbind(service: seL4_SchedContext): Invocation {
  prepareInvocation(service, SchedContextUnbind, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_SchedContext_UnbindObject(service: seL4_SchedContext, cap: seL4_CPtr): Invocation {
  seL4_SetCap(0, cap);
  prepareInvocation(service, SchedContextUnbindObject, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export interface seL4_SchedContext_Consumed_t {
  error: seL4_Error;
  consumed: seL4_Time;
}

export function* seL4_SchedContext_Consumed(
  service: seL4_SchedContext,
): Invocation<seL4_SchedContext_Consumed_t> {
  prepareInvocation(service, SchedContextConsumed, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  const error = finishInvocation();
  return { error, consumed: error === seL4_NoError ? invocationResult(0) : 0 };
}

export interface seL4_SchedContext_YieldTo_t {
  error: seL4_Error;
  consumed: seL4_Time;
}

export function* seL4_SchedContext_YieldTo(
  service: seL4_SchedContext,
): Invocation<seL4_SchedContext_YieldTo_t> {
  prepareInvocation(service, SchedContextYieldTo, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  const error = finishInvocation();
  return { error, consumed: error === seL4_NoError ? invocationResult(0) : 0 };
}

// ---- RISC-V Page, PageTable, ASIDControl, ASIDPool ----

export function* seL4_RISCV_PageTable_Map(
  service: seL4_RISCV_PageTable,
  vspace: seL4_RISCV_PageTable,
  vaddr: seL4_Word,
  attr: seL4_RISCV_VMAttributes,
): Invocation {
  seL4_SetCap(0, vspace);
  prepareInvocation(service, RISCVPageTableMap, 2, 1, vaddr, attr, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_RISCV_PageTable_Unmap(service: seL4_RISCV_PageTable): Invocation {
  prepareInvocation(service, RISCVPageTableUnmap, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_RISCV_Page_Map(
  service: seL4_RISCV_Page,
  vspace: seL4_RISCV_PageTable,
  vaddr: seL4_Word,
  rights: seL4_CapRights_t,
  attr: seL4_RISCV_VMAttributes,
): Invocation {
  seL4_SetCap(0, vspace);
  prepareInvocation(service, RISCVPageMap, 3, 1, vaddr, rights, attr, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_RISCV_Page_Unmap(service: seL4_RISCV_Page): Invocation {
  prepareInvocation(service, RISCVPageUnmap, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export interface seL4_RISCV_Page_GetAddress_t {
  error: seL4_Error;
  paddr: seL4_Word;
}

export function* seL4_RISCV_Page_GetAddress(
  service: seL4_RISCV_Page,
): Invocation<seL4_RISCV_Page_GetAddress_t> {
  prepareInvocation(service, RISCVPageGetAddress, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  const error = finishInvocation();
  return { error, paddr: error === seL4_NoError ? invocationResult(0) : 0 };
}

export function* seL4_RISCV_ASIDControl_MakePool(
  service: seL4_RISCV_ASIDControl,
  untyped: seL4_Untyped,
  root: seL4_CNode,
  index: seL4_Word,
  depth: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, untyped);
  seL4_SetCap(1, root);
  prepareInvocation(service, RISCVASIDControlMakePool, 2, 2, index, u8(depth), 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_RISCV_ASIDPool_Assign(service: seL4_RISCV_ASIDPool, vspace: seL4_CPtr): Invocation {
  seL4_SetCap(0, vspace);
  prepareInvocation(service, RISCVASIDPoolAssign, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}
