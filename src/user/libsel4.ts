// sel4ts/libsel4: libsel4 for TypeScript (riscv64, MCS). Every constant, type and function has
// its libsel4 name and parameter order; calls that enter the kernel are generator functions used
// with `yield*`. Extensions without a C counterpart carry the sel4ts_ prefix.
//
// Named re-exports take precedence over `export *`, so the libsel4 names below stay unambiguous
// even if the ABI layer later grows one of them. Helpers internal to the library (word splitting,
// register loading) are deliberately not exported.

export * from "../abi/index.ts";

export * from "./libsel4/types.ts";
export {
  seL4_False,
  seL4_True,
  seL4_Null,
  seL4_SchedContext_NoFlag,
  seL4_SchedContext_Sporadic,
  seL4_RISCV_ExecuteNever,
  seL4_RISCV_Default_VMAttributes,
} from "./libsel4/types.ts";

export {
  seL4_GetMR,
  seL4_SetMR,
  seL4_GetUserData,
  seL4_SetUserData,
  seL4_GetBadge,
  seL4_GetCap,
  seL4_SetCap,
  seL4_GetCapReceivePath,
  seL4_SetCapReceivePath,
  seL4_GetIPCBuffer,
  seL4_SetIPCBuffer,
} from "./libsel4/ipcbuffer.ts";

export {
  type sel4ts_RecvResult,
  seL4_Send,
  seL4_NBSend,
  seL4_Call,
  seL4_Recv,
  seL4_NBRecv,
  seL4_Wait,
  seL4_NBWait,
  seL4_Poll,
  seL4_ReplyRecv,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_Signal,
  seL4_Yield,
  seL4_DebugPutChar,
  seL4_DebugPutString,
  seL4_DebugDumpScheduler,
  seL4_DebugHalt,
  seL4_DebugSnapshot,
  seL4_DebugCapIdentify,
  seL4_DebugNameThread,
} from "./libsel4/syscalls.ts";

export * from "./libsel4/tcb.ts";
export * from "./libsel4/invocations.ts";
export * from "./libsel4/sel4ts.ts";
