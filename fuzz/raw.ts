// A system call with every argument register chosen by the fuzzer, as hand-written assembly would
// issue it: a0..a7 and t0 (NBSendRecv's destination) straight into the register file, then ecall.

import * as R from "../src/abi/registers.ts";
import { rt, TRAP_SYSCALL, type UserGenerator } from "../src/user/runtime.ts";
import { wordHi, wordLo } from "../src/user/libsel4/word.ts";

/** Registers in the order of the Raw decision's arguments. */
const REGS = [R.a7, R.a0, R.a1, R.a2, R.a3, R.a4, R.a5, R.a6, R.nbsendRecvDest];

export function* rawSyscall(args: readonly number[]): UserGenerator<void> {
  const regs = rt.regs;
  for (let i = 0; i < REGS.length; i++) {
    const v = args[i] ?? 0;
    regs[2 * REGS[i]] = wordLo(v);
    regs[2 * REGS[i] + 1] = wordHi(v);
  }
  yield TRAP_SYSCALL;
}
