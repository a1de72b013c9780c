// RISC-V MMU object invocations (seL4 src/arch/riscv/kernel/vspace.c: decodeRISCVMMUInvocation):
// dispatch by cap type to PageTable (pagetable.ts), Page (frame.ts), ASIDControl and ASIDPool
// (asid.ts).

import {
  cap_asid_control_cap,
  cap_asid_pool_cap,
  cap_frame_cap,
  cap_page_table_cap,
  seL4_IllegalOperation,
} from "../../abi/index.ts";
import { current_syscall_error, EXCEPTION_SYSCALL_ERROR, type Exception } from "../state.ts";
import type { Cte } from "../structures.ts";
import { decodeRISCVASIDControlInvocation, decodeRISCVASIDPoolInvocation } from "./asid.ts";
import { decodeRISCVFrameInvocation } from "./frame.ts";
import { decodeRISCVPageTableInvocation } from "./pagetable.ts";

export function decodeRISCVMMUInvocation(
  label: number,
  length: number,
  cap: Cte,
  slot: Cte,
  call: boolean,
): Exception {
  switch (cap.type) {
    case cap_page_table_cap:
      return decodeRISCVPageTableInvocation(label, length, cap, slot);
    case cap_frame_cap:
      return decodeRISCVFrameInvocation(label, length, cap, slot, call);
    case cap_asid_control_cap:
      return decodeRISCVASIDControlInvocation(label, length);
    case cap_asid_pool_cap:
      return decodeRISCVASIDPoolInvocation(label, cap);
    default:
      current_syscall_error.type = seL4_IllegalOperation;
      return EXCEPTION_SYSCALL_ERROR;
  }
}
