// TCB invocation stubs (MCS signatures), marshalled exactly as libsel4's generated
// sel4_client.h (ABI sheet §6.4, §10): bools and u8s packed into one flags word as the stub
// generator does, seL4_UserContext words in the order of abi/registers.ts.

import {
  TCBBindNotification,
  TCBConfigure,
  TCBCopyRegisters,
  TCBReadRegisters,
  TCBResume,
  TCBSetFlags,
  TCBSetIPCBuffer,
  TCBSetMCPriority,
  TCBSetPriority,
  TCBSetSchedParams,
  TCBSetSpace,
  TCBSetTimeoutEndpoint,
  TCBSetTLSBase,
  TCBSuspend,
  TCBUnbindNotification,
  TCBWriteRegisters,
  seL4_NoError,
} from "../../abi/index.ts";
import * as R from "../../abi/registers.ts";
import { seL4_SetCap, seL4_SetMR } from "./ipcbuffer.ts";
import { type Invocation, prepareInvocation, finishInvocation, invocationResult } from "./invoke.ts";
import { TRAP_SYSCALL } from "../runtime.ts";
import type { seL4_CNode, seL4_CPtr, seL4_Error, seL4_TCB, seL4_UserContext } from "./types.ts";
import { type seL4_Bool, type seL4_Uint8, type seL4_Word, bit, u8 } from "./word.ts";

const userContextFields = R.seL4_UserContext_fields as readonly (keyof seL4_UserContext)[];

function emptyUserContext(): seL4_UserContext {
  const ctx: Partial<seL4_UserContext> = {};
  for (const f of userContextFields) ctx[f] = 0;
  return ctx as seL4_UserContext;
}

export function* seL4_TCB_ReadRegisters(
  service: seL4_TCB,
  suspend_source: seL4_Bool,
  arch_flags: seL4_Uint8,
  count: seL4_Word,
): Invocation<{ error: seL4_Error; regs: seL4_UserContext }> {
  const flags = bit(suspend_source) | (u8(arch_flags) << 8);
  prepareInvocation(service, TCBReadRegisters, 2, 0, flags, count, 0, 0);
  yield TRAP_SYSCALL;
  const error = finishInvocation();
  const regs = emptyUserContext();
  if (error === seL4_NoError) {
    for (let i = 0; i < userContextFields.length; i++) regs[userContextFields[i]] = invocationResult(i);
  }
  return { error, regs };
}

/** Fields missing from `regs` are written as 0. */
export function* seL4_TCB_WriteRegisters(
  service: seL4_TCB,
  resume_target: seL4_Bool,
  arch_flags: seL4_Uint8,
  count: seL4_Word,
  regs: Partial<seL4_UserContext>,
): Invocation {
  // Words 0 and 1 are the flags and count, so context word i is MR i + 2.
  for (let i = 2; i < userContextFields.length; i++) seL4_SetMR(i + 2, regs[userContextFields[i]] ?? 0);
  const flags = bit(resume_target) | (u8(arch_flags) << 8);
  prepareInvocation(service, TCBWriteRegisters, 34, 0, flags, count, regs.pc ?? 0, regs.ra ?? 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_CopyRegisters(
  service: seL4_TCB,
  source: seL4_TCB,
  suspend_source: seL4_Bool,
  resume_target: seL4_Bool,
  transfer_frame: seL4_Bool,
  transfer_integer: seL4_Bool,
  arch_flags: seL4_Uint8,
): Invocation {
  seL4_SetCap(0, source);
  const flags =
    bit(suspend_source) |
    (bit(resume_target) << 1) |
    (bit(transfer_frame) << 2) |
    (bit(transfer_integer) << 3) |
    (u8(arch_flags) << 8);
  prepareInvocation(service, TCBCopyRegisters, 1, 1, flags, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_Configure(
  service: seL4_TCB,
  cspace_root: seL4_CNode,
  cspace_root_data: seL4_Word,
  vspace_root: seL4_CPtr,
  vspace_root_data: seL4_Word,
  buffer: seL4_Word,
  bufferFrame: seL4_CPtr,
): Invocation {
  seL4_SetCap(0, cspace_root);
  seL4_SetCap(1, vspace_root);
  seL4_SetCap(2, bufferFrame);
  prepareInvocation(service, TCBConfigure, 3, 3, cspace_root_data, vspace_root_data, buffer, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetPriority(
  service: seL4_TCB,
  authority: seL4_TCB,
  priority: seL4_Word,
): Invocation {
  seL4_SetCap(0, authority);
  prepareInvocation(service, TCBSetPriority, 1, 1, priority, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetMCPriority(service: seL4_TCB, authority: seL4_TCB, mcp: seL4_Word): Invocation {
  seL4_SetCap(0, authority);
  prepareInvocation(service, TCBSetMCPriority, 1, 1, mcp, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetSchedParams(
  service: seL4_TCB,
  authority: seL4_TCB,
  mcp: seL4_Word,
  priority: seL4_Word,
  sched_context: seL4_CPtr,
  fault_ep: seL4_CPtr,
): Invocation {
  seL4_SetCap(0, authority);
  seL4_SetCap(1, sched_context);
  seL4_SetCap(2, fault_ep);
  prepareInvocation(service, TCBSetSchedParams, 2, 3, mcp, priority, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetTimeoutEndpoint(service: seL4_TCB, timeout_fault_ep: seL4_CPtr): Invocation {
  seL4_SetCap(0, timeout_fault_ep);
  prepareInvocation(service, TCBSetTimeoutEndpoint, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetIPCBuffer(
  service: seL4_TCB,
  buffer: seL4_Word,
  bufferFrame: seL4_CPtr,
): Invocation {
  seL4_SetCap(0, bufferFrame);
  prepareInvocation(service, TCBSetIPCBuffer, 1, 1, buffer, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetSpace(
  service: seL4_TCB,
  fault_ep: seL4_CPtr,
  cspace_root: seL4_CNode,
  cspace_root_data: seL4_Word,
  vspace_root: seL4_CPtr,
  vspace_root_data: seL4_Word,
): Invocation {
  seL4_SetCap(0, fault_ep);
  seL4_SetCap(1, cspace_root);
  seL4_SetCap(2, vspace_root);
  prepareInvocation(service, TCBSetSpace, 2, 3, cspace_root_data, vspace_root_data, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_Suspend(service: seL4_TCB): Invocation {
  prepareInvocation(service, TCBSuspend, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_Resume(service: seL4_TCB): Invocation {
  prepareInvocation(service, TCBResume, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_BindNotification(service: seL4_TCB, notification: seL4_CPtr): Invocation {
  seL4_SetCap(0, notification);
  prepareInvocation(service, TCBBindNotification, 0, 1, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_UnbindNotification(service: seL4_TCB): Invocation {
  prepareInvocation(service, TCBUnbindNotification, 0, 0, 0, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export function* seL4_TCB_SetTLSBase(service: seL4_TCB, tls_base: seL4_Word): Invocation {
  prepareInvocation(service, TCBSetTLSBase, 1, 0, tls_base, 0, 0, 0);
  yield TRAP_SYSCALL;
  return finishInvocation();
}

export interface seL4_TCB_SetFlags_t {
  error: seL4_Error;
  flags: seL4_Word;
}

export function* seL4_TCB_SetFlags(
  service: seL4_TCB,
  clear: seL4_Word,
  set: seL4_Word,
): Invocation<seL4_TCB_SetFlags_t> {
  prepareInvocation(service, TCBSetFlags, 2, 0, clear, set, 0, 0);
  yield TRAP_SYSCALL;
  const error = finishInvocation();
  return { error, flags: error === seL4_NoError ? invocationResult(0) : 0 };
}
