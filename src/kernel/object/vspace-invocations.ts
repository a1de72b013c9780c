// RISC-V MMU object invocations (seL4 src/arch/riscv/kernel/vspace.c: decodeRISCVMMUInvocation):
// PageTable, Page (frame), ASIDControl and ASIDPool. Not built yet: every label answers
// IllegalOperation.

import { seL4_IllegalOperation } from "../../abi/index.ts";
import { current_syscall_error, EXCEPTION_SYSCALL_ERROR, type Exception } from "../state.ts";
import type { Cte } from "../structures.ts";

export function decodeRISCVMMUInvocation(
  _label: number,
  _length: number,
  _cap: Cte,
  _slot: Cte,
  _call: boolean,
): Exception {
  current_syscall_error.type = seL4_IllegalOperation;
  return EXCEPTION_SYSCALL_ERROR;
}
