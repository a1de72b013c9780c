// The Microkit monitor (monitor/src/main.c, microkit.md §3.8) as a TypeScript thread: it names
// every PD's thread, announces itself, turns passive PDs passive on request (binding their SC to
// their notification) and prints every fault it receives, never replying.

import {
  seL4_CapFault_Addr,
  seL4_CapFault_BitsLeft,
  seL4_CapFault_DepthMismatch_BitsFound,
  seL4_CapFault_GuardMismatch_BitsFound,
  seL4_CapFault_GuardMismatch_GuardFound,
  seL4_CapFault_InRecvPhase,
  seL4_CapFault_IP,
  seL4_CapFault_LookupFailureType,
  seL4_DebugNameThread,
  seL4_DebugPutChar,
  seL4_Fault_CapFault,
  seL4_Fault_NullFault,
  seL4_Fault_UserException,
  seL4_Fault_VMFault,
  seL4_GetMR,
  seL4_MessageInfo_get_label,
  seL4_Recv,
  seL4_SchedContext_Bind,
  seL4_TCB_ReadRegisters,
  seL4_VMFault_Addr,
  seL4_VMFault_FSR,
  seL4_VMFault_IP,
  seL4_VMFault_PrefetchFault,
  type seL4_Word,
} from "../user/libsel4.ts";
import type { UserGenerator } from "../user/runtime.ts";
import {
  MONITOR_BASE_NTFN,
  MONITOR_BASE_PD_TCB,
  MONITOR_BASE_SC,
  MONITOR_EP_SLOT,
  MONITOR_REPLY_SLOT,
} from "./builder.ts";

export interface MonitorData {
  /** PD names by global index. */
  pdNames: string[];
  /** Stack bottom of each PD, for the overflow hint. */
  stackBottoms: number[];
}

function* puts(s: string): UserGenerator<void> {
  for (let i = 0; i < s.length; i++) yield* seL4_DebugPutChar(s.charCodeAt(i) & 0xff);
}

function hex(v: seL4_Word, digits: number): string {
  return `0x${BigInt(v).toString(16).padStart(digits, "0")}`;
}

const LOOKUP_FAILURES = [
  "seL4_NoFailure",
  "seL4_InvalidRoot",
  "seL4_MissingCapability",
  "seL4_DepthMismatch",
  "seL4_GuardMismatch",
];

const SCAUSE: Record<number, string> = {
  0: "Instruction address misaligned",
  1: "Instruction access fault",
  2: "Illegal instruction",
  3: "Breakpoint",
  4: "Load address misaligned",
  5: "Load access fault",
  6: "Store/AMO address misaligned",
  7: "Store/AMO access fault",
  8: "Environment call from U-mode",
  9: "Environment call from S-mode",
  12: "Instruction page fault",
  13: "Load page fault",
  15: "Store/AMO page fault",
  18: "Software check",
  19: "Hardware error",
};

const REG_ORDER: [string, string][] = [
  ["pc", "pc"],
  ["ra", "ra"],
  ["s0", "s0"],
  ["s1", "s1"],
  ["s2", "s2"],
  ["s3", "s3"],
  ["s4", "s4"],
  ["s5", "s5"],
  ["s6", "s6"],
  ["s7", "s7"],
  ["s8", "s8"],
  ["s9", "s9"],
  ["s10", "s10"],
  ["s11", "s11"],
  ["a0", "a0"],
  ["a1", "a1"],
  ["a2", "a2"],
  ["a3", "a3"],
  ["a4", "a4"],
  ["a5", "a5"],
  ["a6", "a6"],
  ["t0", "t0"],
  ["t1", "t1"],
  ["t2", "t2"],
  ["t3", "t3"],
  ["t4", "t4"],
  ["t5", "t5"],
  ["t6", "t6"],
  ["tp", "tp"],
];

/** The monitor thread's main. */
export function monitorMain(data: MonitorData): () => UserGenerator {
  return function* () {
    for (let i = 0; i < data.pdNames.length; i++) {
      yield* seL4_DebugNameThread(MONITOR_BASE_PD_TCB + i, data.pdNames[i]);
    }
    yield* puts("MON|INFO: Microkit Monitor started!\n");
    for (;;) {
      const { info, sender } = yield* seL4_Recv(MONITOR_EP_SLOT, MONITOR_REPLY_SLOT);
      const label = seL4_MessageInfo_get_label(info);
      const badge = BigInt(sender);
      const pd = Number(badge - 1n);
      if (label === seL4_Fault_NullFault && pd >= 0 && pd < 64) {
        const err = yield* seL4_SchedContext_Bind(MONITOR_BASE_SC + pd, MONITOR_BASE_NTFN + pd);
        if (err !== 0) yield* puts("MON|ERROR: could not bind scheduling context to notification object\n");
        else yield* puts(`MON|INFO: PD '${data.pdNames[pd] ?? "?"}' is now passive!\n`);
        continue;
      }
      const tcb = MONITOR_BASE_PD_TCB + pd;
      yield* puts(
        `MON|ERROR: received message ${hex(label, 8)}  badge: ${hex(badge, 16)}  tcb cap: ${hex(tcb, 16)}\n`,
      );
      const name = pd >= 0 && pd < data.pdNames.length ? data.pdNames[pd] : undefined;
      if (name === undefined) {
        yield* puts("FAIL: MON|ERROR: unknown/invalid badge\n");
        for (;;) yield* seL4_Recv(MONITOR_EP_SLOT, MONITOR_REPLY_SLOT);
      }
      yield* puts(`MON|ERROR: faulting PD: ${name}\n`);
      const mrs: seL4_Word[] = [];
      for (let i = 0; i < 8; i++) mrs.push(seL4_GetMR(i));
      const { error, regs } = yield* seL4_TCB_ReadRegisters(tcb, false, 0, 32);
      if (error === 0) {
        yield* puts("Registers: \n");
        const r = regs as unknown as Record<string, seL4_Word>;
        for (const [label2, field] of REG_ORDER) yield* puts(`${label2} : ${hex(r[field] ?? 0, 16)}\n`);
      }
      switch (label) {
        case seL4_Fault_CapFault: {
          const lf = Number(mrs[seL4_CapFault_LookupFailureType]);
          let s =
            `MON|ERROR: CapFault: ip=${hex(mrs[seL4_CapFault_IP], 16)}  fault_addr=${hex(mrs[seL4_CapFault_Addr], 16)}` +
            `  in_recv_phase=${Number(mrs[seL4_CapFault_InRecvPhase]) === 0 ? "false" : "true"}` +
            `  lookup_failure_type=${LOOKUP_FAILURES[lf] ?? "unknown"}`;
          if (lf >= 2) s += `  bits_left=${Number(mrs[seL4_CapFault_BitsLeft])}`;
          if (lf === 3) s += `  depth_bits_found=${Number(mrs[seL4_CapFault_DepthMismatch_BitsFound])}`;
          if (lf === 4) {
            s += `  guard_found=${hex(mrs[seL4_CapFault_GuardMismatch_GuardFound], 16)}`;
            s += `  guard_bits_found=${Number(mrs[seL4_CapFault_GuardMismatch_BitsFound])}`;
          }
          yield* puts(`${s}\n`);
          break;
        }
        case seL4_Fault_UserException:
          yield* puts("MON|ERROR: UserException\n");
          break;
        case seL4_Fault_VMFault: {
          const ip = mrs[seL4_VMFault_IP];
          const addr = BigInt(mrs[seL4_VMFault_Addr]);
          const fsr = Number(mrs[seL4_VMFault_FSR]);
          const prefetch = Number(mrs[seL4_VMFault_PrefetchFault]) !== 0;
          yield* puts(
            `MON|ERROR: VMFault: ip=${hex(ip, 16)}  fault_addr=${hex(addr, 16)}  fsr=${hex(fsr, 16)}  ` +
              `${prefetch ? "(instruction fault)" : "(data fault)"}\n`,
          );
          yield* puts(`MON|ERROR: description of fault: ${SCAUSE[fsr] ?? "<unknown>"}\n`);
          const bottom = BigInt(data.stackBottoms[pd] ?? 0);
          if (addr < bottom && addr >= bottom - 0x1000n) {
            yield* puts(
              "MON|ERROR: potential stack overflow, fault address within one page outside of stack region\n",
            );
          }
          break;
        }
        default:
          yield* puts(`MON|ERROR: Unknown fault\nMON|ERROR: fault label: ${hex(label, 8)}\n`);
      }
    }
  };
}
