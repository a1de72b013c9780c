// seL4's userError(): the line a debug kernel (CONFIG_PRINTING) prints when an invocation fails,
//   <<seL4(CPU 0) [decodeCNodeInvocation/54 T0xffffffc13ffca400 "sel4test-driver" @14224]: message>>
// naming the C function and line of the real kernel's check (usererror-sites.ts), the current
// thread's TCB as a kernel pointer, its debug name and its restart pc; `CPU n` is the core that
// entered the kernel (an SMP kernel prints each core's own number). The kernel does no I/O: the
// line goes to the `kernelLog` event; without a listener, or with printing off, a site costs one
// test. Only error paths call this, so the invocation fast paths pay nothing.
//
// The real kernel colours the line with ANSI codes; the text here is the line without them (as the
// consoles in shared/sel4test were recorded).

import { FaultIP } from "../abi/registers.ts";
import { ks } from "./state.ts";
import type { Tcb } from "./structures.ts";
import { USER_ERROR_SITES } from "./usererror-sites.ts";

export * from "./usererror-sites.ts";

/** An argument of a message: a number (a safe integer) or an exact 64-bit word. */
export type UserErrorArg = number | bigint;

/** seL4 riscv64's kernel window: physical address p is the kernel pointer PPTR_BASE + p. */
export const PPTR_BASE = 0xffffffc000000000n;

/** A word from its two 32-bit halves, for a message argument. */
export function wordArg(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Whether a user error at this moment would be printed (so a site can skip building arguments). */
export function userErrorOn(): boolean {
  return ks.printing && ks.events?.kernelLog !== undefined;
}

/** A site where the real kernel fails without printing (for helpers that take a site). */
export const UE_NONE = -1;

/** Report user error `site` (a UE_* id) with up to three message arguments. */
export function userError(site: number, a?: UserErrorArg, b?: UserErrorArg, c?: UserErrorArg): void {
  const log = ks.events?.kernelLog;
  if (!ks.printing || log === undefined || site < 0) return;
  const s = USER_ERROR_SITES[site];
  const t = ks.curThread;
  // CURRENT_CPU_INDEX(): the core the kernel was entered on (0 on a 1-core kernel).
  log(`<<seL4(CPU ${ks.core}) [${s[0]}/${s[1]} ${threadLabel(t)}]: ${formatMessage(s[2], [a, b, c])}>>`);
}

/** Report user error `site` for a step that failed with `status` (its error already set); returns it. */
export function userErrorReturn(site: number, status: number): number {
  userError(site);
  return status;
}

/** `T0x… "name" @pc` for a thread, as userError prints it. */
export function threadLabel(t: Tcb): string {
  const tcb = PPTR_BASE + BigInt(t.ptr) + (1n << BigInt(ks.tcbBits - 1));
  const pc = wordArg(t.regs[2 * FaultIP + 1], t.regs[2 * FaultIP]);
  return `T0x${tcb.toString(16).padStart(16, "0")} "${t.name}" @${pc.toString(16)}`;
}

function u64(v: UserErrorArg | undefined): bigint {
  if (v === undefined) return 0n;
  return BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(Math.trunc(v)));
}

/**
 * The conversions the message formats use, read as the kernel's printf reads its arguments on
 * riscv64: `%d` takes an int and prints it as the unsigned word of its sign extension (the real
 * kernel prints (int)-2^31 as 18446744071562067968), `%u`/`%x` an unsigned int, `%lu`/`%lx` a word.
 */
export function formatMessage(fmt: string, args: readonly (UserErrorArg | undefined)[]): string {
  let out = "";
  let n = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch !== "%") {
      out += ch;
      continue;
    }
    let long = false;
    let conv = fmt[++i];
    if (conv === "%") {
      out += "%";
      continue;
    }
    while (conv === "l") {
      long = true;
      conv = fmt[++i];
    }
    const v = u64(args[n++]);
    const word = long ? v : conv === "d" ? BigInt.asUintN(64, BigInt.asIntN(32, v)) : BigInt.asUintN(32, v);
    out += conv === "x" ? word.toString(16) : word.toString(10);
  }
  return out;
}
