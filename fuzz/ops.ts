// The fuzzer's operations (ops-ipc.ts, ops-invoke.ts) with their weights, and decisions: an
// operation and its arguments, drawn from the PRNG without looking at the system, so that a list
// of decisions replays and shrinks.

import type { Rng } from "./prng.ts";
import { type Op } from "./op-kit.ts";
import { IPC_OPS } from "./ops-ipc.ts";
import { CNODE_OPS, SCHED_OPS, TCB_OPS, VM_OPS } from "./ops-invoke.ts";

export { RESULT_IPC, type WorkerCtx } from "./op-kit.ts";

/**
 * Relative frequencies. Blocking operations are rarer than their non-blocking variants: a worker
 * that blocks waits for the supervisor, and when all have blocked the watchdog must notice.
 */
const WEIGHTS: Record<string, number> = {
  Send: 2,
  NBSend: 10,
  Call: 2,
  Recv: 1.5,
  NBRecv: 8,
  ReplyRecv: 2,
  NBSendRecv: 2,
  NBSendWait: 1.5,
  Wait: 1,
  NBWait: 6,
  Signal: 5,
  Yield: 3,
  Ping: 1,
  Raw: 4,
  Busy: 1,
  DebugPutChar: 1,
  DebugDumpScheduler: 0.2,
  DebugSnapshot: 0.2,
  DebugCapIdentify: 1,
  Read: 4,
  Write: 3,
  Invoke: 4,
  CNode_Copy: 6,
  CNode_Mint: 5,
  CNode_Move: 4,
  CNode_Mutate: 3,
  CNode_Rotate: 2,
  CNode_Delete: 4,
  CNode_Revoke: 3,
  CNode_CancelBadgedSends: 2,
  Untyped_Retype: 6,
  TCB_ReadRegisters: 2,
  TCB_WriteRegisters: 3,
  TCB_CopyRegisters: 1,
  TCB_Configure: 2,
  TCB_SetPriority: 4,
  TCB_SetMCPriority: 1,
  TCB_SetSchedParams: 4,
  TCB_SetTimeoutEndpoint: 2,
  TCB_SetIPCBuffer: 1,
  TCB_SetSpace: 1,
  TCB_Suspend: 2,
  TCB_Resume: 4,
  TCB_BindNotification: 3,
  TCB_UnbindNotification: 2,
  TCB_SetTLSBase: 1,
  TCB_SetFlags: 1,
  SchedControl_ConfigureFlags: 4,
  SchedContext_Bind: 4,
  SchedContext_Unbind: 3,
  SchedContext_UnbindObject: 2,
  SchedContext_Consumed: 1,
  SchedContext_YieldTo: 2,
  DomainSet_Set: 0.5,
  DomainSet_ScheduleConfigure: 0.3,
  IRQControl_Get: 0.5,
  IRQHandler_SetNotification: 0.5,
  IRQHandler_Ack: 0.3,
  IRQHandler_Clear: 0.3,
  Page_Map: 5,
  Page_Unmap: 3,
  Page_GetAddress: 1,
  PageTable_Map: 4,
  PageTable_Unmap: 2,
  ASIDPool_Assign: 2,
  ASIDControl_MakePool: 0.5,
};

export const OPS: readonly (Op & { weight: number })[] = [
  ...IPC_OPS,
  ...CNODE_OPS(),
  ...TCB_OPS(),
  ...SCHED_OPS(),
  ...VM_OPS(),
].map((o) => ({ ...o, weight: WEIGHTS[o.name] ?? 1 }));

export const OP_BY_NAME = new Map(OPS.map((o) => [o.name, o]));
const TOTAL = OPS.reduce((s, o) => s + o.weight, 0);

/** A decision: an operation and its arguments (JSON-friendly). */
export interface Decision {
  o: string;
  a: number[];
}

export function genDecision(r: Rng): Decision {
  let x = (r.u32() / 0x1_0000_0000) * TOTAL;
  for (const o of OPS) {
    x -= o.weight;
    if (x < 0) return { o: o.name, a: o.gen(r) };
  }
  const last = OPS[OPS.length - 1];
  return { o: last.name, a: last.gen(r) };
}

export function formatDecision(d: Decision): string {
  const o = OP_BY_NAME.get(d.o);
  const names = o?.args ?? [];
  const show = (v: number): string =>
    v < 0 ? `-${(-v).toString(16)}h` : v > 0xffff ? `0x${v.toString(16)}` : `${v}`;
  return `${d.o}(${d.a.map((v, i) => `${names[i] ?? i}=${show(v)}`).join(", ")})`;
}
