// The one path every object invocation stub takes into the kernel (seL4_CallWithMRs as the
// generated stubs in libsel4's sel4_client.h use it).

import { msgInfoLabel, msgInfoLo, seL4_NoError, seL4_SysCall } from "../../abi/index.ts";
import * as R from "../../abi/registers.ts";
import { rt, type UserGenerator } from "../runtime.ts";
import { seL4_GetMR, storeMsgRegs } from "./ipcbuffer.ts";
import { setSyscallRegs } from "./syscalls.ts";
import type { seL4_CPtr, seL4_Error } from "./types.ts";
import { type seL4_Word, getReg, setReg } from "./word.ts";

export type Invocation<T = seL4_Error> = UserGenerator<T>;

/**
 * Load the registers of a Call on `service` with argument words mr0..mr3 in a2..a5; the stub has
 * already put words >= 4 in msg[] and its caps in caps_or_badges[]. The stub then yields
 * TRAP_SYSCALL itself and calls finishInvocation(): keeping the trap in the stub saves a
 * generator object per invocation.
 */
export function prepareInvocation(
  service: seL4_CPtr,
  label: number,
  length: number,
  extraCaps: number,
  mr0: seL4_Word,
  mr1: seL4_Word,
  mr2: seL4_Word,
  mr3: seL4_Word,
): void {
  setReg(R.a2, mr0);
  setReg(R.a3, mr1);
  setReg(R.a4, mr2);
  setReg(R.a5, mr3);
  setSyscallRegs(seL4_SysCall, service, msgInfoLo(label, 0, extraCaps, length), 0);
}

/**
 * The reply label (the seL4_Error). On an error a2..a5 are copied to msg[0..3] so that
 * seL4_GetMR shows the details; on success they stay in a2..a5, where invocationResult() finds
 * them.
 */
export function finishInvocation(): seL4_Error {
  const regs = rt.regs;
  const error = msgInfoLabel(regs[2 * R.msgInfoRegister], regs[2 * R.msgInfoRegister + 1]);
  if (error !== seL4_NoError) storeMsgRegs();
  return error;
}

/** Result MR i of a successful reply (MR0..MR3 are still in a2..a5). */
export function invocationResult(i: number): seL4_Word {
  return i < R.msgRegisters.length ? getReg(R.msgRegisters[i]) : seL4_GetMR(i);
}
