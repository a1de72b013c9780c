// Breakpoints on kernel events (`monitor break-on …`): a thread faulting, a given system call, an
// invocation failing (with a given seL4_Error), an IPC sent to a given endpoint or notification.
// The debugger puts an EventWatch in front of the kernel's trace hook while attached (forwarding
// every event to the tracer that was there, if any); the kernel calls it from inside a kernel
// entry, where nothing can stop, so a matching event is parked and the debugger stops at the next
// instruction boundary, reporting the thread the event was about.

import { seL4_ErrorNames } from "../../abi/errors.ts";
import { cap_cnode_cap } from "../../abi/captypes.ts";
import { a0, a6, t0 } from "../../abi/registers.ts";
import { tcbCTable } from "../../abi/thread.ts";
import {
  seL4_SysCall,
  seL4_SysNBSend,
  seL4_SysNBSendRecv,
  seL4_SysNBSendWait,
  seL4_SysSend,
} from "../../abi/syscalls.ts";
import { ENTRY_SYSCALL, type KernelTrace } from "../../kernel/events.ts";
import type { CNode, Cte, Notification, SchedContext, Tcb } from "../../kernel/structures.ts";

export type EventKind = "fault" | "syscall" | "error" | "ipc";

export interface EventBreak {
  id: number;
  kind: EventKind;
  /** fault: only this thread (TCB address), or -1 for any. */
  thread: number;
  /** syscall: its number; error: the seL4_Error, -1 for any; ipc: the object's address. */
  value: number;
  /** How `break-list` shows it. */
  text: string;
}

/** A kernel event that matched a breakpoint: the thread it is about and what happened. */
export interface EventHit {
  thread: Tcb;
  message: string;
}

/** seL4 16 MCS system calls by name, numbered as in src/abi/syscalls.ts. */
export const SYSCALL_NAMES = [
  "Call",
  "ReplyRecv",
  "NBSendRecv",
  "NBSendWait",
  "Send",
  "NBSend",
  "Recv",
  "NBRecv",
  "Wait",
  "NBWait",
  "Yield",
  "DebugPutChar",
  "DebugDumpScheduler",
  "DebugHalt",
  "DebugCapIdentify",
  "DebugSnapshot",
  "DebugNameThread",
];

/** seL4_Fault_* labels (riscv64 MCS) by number. */
const FAULT_NAMES = ["NullFault", "CapFault", "UnknownSyscall", "UserException", "", "Timeout", "VMFault"];

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The syscall number for `seL4_SysCall`, `SysCall`, `Call` or `call`, or null. */
export function syscallByName(name: string): number | null {
  const n = name
    .replace(/^seL4_/i, "")
    .replace(/^Sys/i, "")
    .toLowerCase();
  const i = SYSCALL_NAMES.findIndex((s) => s.toLowerCase() === n);
  return i < 0 ? null : -(i + 1);
}

/** The seL4_Error for `seL4_RangeError` or `RangeError`, or null. */
export function errorByName(name: string): number | null {
  const n = name.replace(/^seL4_/i, "").toLowerCase();
  const i = seL4_ErrorNames.findIndex((s) => s.slice(5).toLowerCase() === n);
  return i <= 0 ? null : i;
}

function syscallName(n: number): string {
  return `seL4_Sys${SYSCALL_NAMES[-n - 1] ?? String(n)}`;
}

/**
 * The slot a capability pointer names in `t`'s CSpace (seL4's resolveAddressBits, 64 bits of
 * depth), read-only: no slot is made and no lookup fault is recorded. Null when the lookup fails.
 */
export function resolveCptr(t: Tcb, cptr: bigint): Cte | null {
  let cap: Cte | undefined = t.cte[tcbCTable];
  let bits = 64n;
  for (let depth = 0; depth < 64 && cap !== undefined && cap.type === cap_cnode_cap; depth++) {
    const radix: bigint = BigInt(cap.sizeBits);
    const guardSize = BigInt(cap.guardSize);
    if (guardSize + radix > bits) return null;
    const guard = (BigInt(cap.dataHi) << 32n) | BigInt(cap.dataLo);
    const mask = (1n << guardSize) - 1n;
    if (((cptr >> (bits - guardSize)) & mask) !== (guard & mask)) return null;
    bits -= guardSize + radix;
    const index: number = Number((cptr >> bits) & ((1n << radix) - 1n));
    const slot: Cte | null | undefined = (cap.obj as CNode).slotsMade[index];
    if (slot === null || slot === undefined) return null;
    if (bits === 0n || slot.type !== cap_cnode_cap) return slot;
    cap = slot;
  }
  return null;
}

function regWord(t: Tcb, r: number): bigint {
  return (BigInt(t.regs[2 * r + 1]) << 32n) | BigInt(t.regs[2 * r]);
}

/** The kernel trace hook while a debugger is attached: checks event breakpoints, then forwards. */
export class EventWatch implements KernelTrace {
  constructor(
    /** The tracer the kernel had (its events are forwarded), or null. */
    readonly inner: KernelTrace | null,
    /** The breakpoints (the debugger's list, shared by every incarnation of the system). */
    readonly breaks: EventBreak[],
    /** Whether events count now (not while replaying past ones). */
    private readonly armedNow: () => boolean,
    private readonly hit: (h: EventHit) => void,
  ) {}

  private get armed(): boolean {
    return this.breaks.length > 0 && this.armedNow();
  }

  private any(kind: EventKind): boolean {
    if (!this.armed) return false;
    for (const b of this.breaks) if (b.kind === kind) return true;
    return false;
  }

  entry(thread: Tcb, kind: number, detail: number): void {
    this.inner?.entry(thread, kind, detail);
    if (kind !== ENTRY_SYSCALL || !this.armed) return;
    for (const b of this.breaks) {
      if (b.kind === "syscall" && b.value === detail) {
        this.hit({ thread, message: `${thread.name} calls ${syscallName(detail)}` });
        return;
      }
    }
    // The cap a sending syscall invokes is in a0, or t0 / a6 for the combined send-receives
    // (the register handleSyscall passes to handleInvocation).
    const reg =
      detail === seL4_SysCall || detail === seL4_SysSend || detail === seL4_SysNBSend
        ? a0
        : detail === seL4_SysNBSendRecv
          ? t0
          : detail === seL4_SysNBSendWait
            ? a6
            : -1;
    if (reg < 0 || !this.any("ipc")) return;
    const slot = resolveCptr(thread, regWord(thread, reg));
    if (slot === null || slot.obj === null) return;
    for (const b of this.breaks) {
      if (b.kind === "ipc" && b.value === slot.ptr) {
        this.hit({ thread, message: `${thread.name} ${syscallName(detail)} to ${b.text.slice(7)}` });
        return;
      }
    }
  }
  exit(next: Tcb): void {
    this.inner?.exit(next);
  }
  invocation(capType: number, label: number): void {
    this.inner?.invocation(capType, label);
  }
  irq(irq: number): void {
    this.inner?.irq(irq);
  }
  ipc(sender: Tcb, receiver: Tcb, kind: number): void {
    this.inner?.ipc(sender, receiver, kind);
  }
  signal(n: Notification, woken: Tcb | null): void {
    this.inner?.signal(n, woken);
  }
  signalConsumed(n: Notification, t: Tcb): void {
    this.inner?.signalConsumed(n, t);
  }
  fault(t: Tcb, type: number, w0Hi: number, w0Lo: number, w1: number, w2: number, hasHandler: boolean): void {
    this.inner?.fault(t, type, w0Hi, w0Lo, w1, w2, hasHandler);
    if (!this.any("fault")) return;
    for (const b of this.breaks) {
      if (b.kind === "fault" && (b.thread === -1 || b.thread === t.ptr)) {
        const what = FAULT_NAMES[type] || `fault ${type}`;
        const addr = type === 6 ? ` at ${hex(w0Hi * 2 ** 32 + w0Lo)}` : "";
        this.hit({ thread: t, message: `${t.name} faults: seL4_Fault_${what}${addr}` });
        return;
      }
    }
  }
  sched(kind: number, sc: SchedContext, ticks: number): void {
    this.inner?.sched(kind, sc, ticks);
  }
  invocationError(thread: Tcb, error: number): void {
    this.inner?.invocationError?.(thread, error);
    if (!this.any("error")) return;
    for (const b of this.breaks) {
      if (b.kind === "error" && (b.value === -1 || b.value === error)) {
        const name = seL4_ErrorNames[error] ?? String(error);
        this.hit({ thread, message: `${thread.name}: invocation failed with ${name}` });
        return;
      }
    }
  }
}
