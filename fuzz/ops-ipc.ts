// The fuzzer's system calls other than object invocations: every IPC syscall, Yield, the debug
// calls that do not halt, raw syscalls with every register chosen, a Call with any label on any
// cap, and memory accesses (which fault where nothing is mapped).

import {
  seL4_Call,
  seL4_DebugCapIdentify,
  seL4_DebugDumpScheduler,
  seL4_DebugPutChar,
  seL4_DebugSnapshot,
  seL4_MessageInfo_get_label,
  seL4_NBRecv,
  seL4_NBSend,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_NBWait,
  seL4_Recv,
  seL4_ReplyRecv,
  seL4_Send,
  seL4_Signal,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
  sel4ts_read,
  sel4ts_write,
} from "../src/user/libsel4.ts";

import { dataAddr, word } from "./gen.ts";
import { S_PING } from "./layout.ts";

import { rawSyscall } from "./raw.ts";
import {
  type Op,
  ipc,
  anyCap,
  ipcCap,
  reply,
  msg,
  MSG,
  genMsg,
  RECV,
  genRecv,
  recvPath,
  RAW_SYSCALLS,
  notHalting,
  op,
  simple,
} from "./op-kit.ts";

export const IPC_OPS: readonly Op[] = [
  // ---- IPC system calls ----
  op(
    "Send",
    ["cap", ...MSG],
    (r) => [ipcCap(r), ...genMsg(r)],
    function* (a) {
      yield* seL4_Send(a[0], msg(a, 1));
      return ipc;
    },
  ),
  op(
    "NBSend",
    ["cap", ...MSG],
    (r) => [ipcCap(r), ...genMsg(r)],
    function* (a) {
      yield* seL4_NBSend(a[0], msg(a, 1));
      return ipc;
    },
  ),
  op(
    "Call",
    ["cap", ...MSG],
    (r) => [ipcCap(r), ...genMsg(r)],
    function* (a) {
      yield* seL4_Call(a[0], msg(a, 1));
      return ipc;
    },
  ),
  op(
    "Recv",
    ["cap", "reply", ...RECV],
    (r) => [ipcCap(r), reply(r), ...genRecv(r)],
    function* (a) {
      recvPath(a, 2);
      yield* seL4_Recv(a[0], a[1]);
      return ipc;
    },
  ),
  op(
    "NBRecv",
    ["cap", "reply", ...RECV],
    (r) => [ipcCap(r), reply(r), ...genRecv(r)],
    function* (a) {
      recvPath(a, 2);
      yield* seL4_NBRecv(a[0], a[1]);
      return ipc;
    },
  ),
  op(
    "ReplyRecv",
    ["cap", "reply", ...RECV, ...MSG],
    (r) => [ipcCap(r), reply(r), ...genRecv(r), ...genMsg(r)],
    function* (a) {
      recvPath(a, 2);
      yield* seL4_ReplyRecv(a[0], msg(a, 4), a[1]);
      return ipc;
    },
  ),
  op(
    "NBSendRecv",
    ["dest", "src", "reply", ...RECV, ...MSG],
    (r) => [ipcCap(r), ipcCap(r), reply(r), ...genRecv(r), ...genMsg(r)],
    function* (a) {
      recvPath(a, 3);
      yield* seL4_NBSendRecv(a[0], msg(a, 5), a[1], a[2]);
      return ipc;
    },
  ),
  op(
    "NBSendWait",
    ["dest", "src", ...MSG],
    (r) => [ipcCap(r), ipcCap(r), ...genMsg(r)],
    function* (a) {
      yield* seL4_NBSendWait(a[0], msg(a, 2), a[1]);
      return ipc;
    },
  ),
  simple("Wait", [["cap", ipcCap]], function* (a) {
    yield* seL4_Wait(a[0]);
    return ipc;
  }),
  simple("NBWait", [["cap", ipcCap]], function* (a) {
    yield* seL4_NBWait(a[0]);
    return ipc;
  }),
  simple("Signal", [["cap", ipcCap]], function* (a) {
    yield* seL4_Signal(a[0]);
    return ipc;
  }),
  simple("Yield", [], function* () {
    yield* seL4_Yield();
    return ipc;
  }),
  simple("Ping", [], function* () {
    yield* seL4_Signal(S_PING);
    return ipc;
  }),
  simple(
    "Raw",
    [
      // Any syscall number but DebugHalt (-14) and DebugNameThread (-17), which can halt the system.
      ["a7", (r) => (r.chance(0.85) ? r.pick(RAW_SYSCALLS) : notHalting(word(r)))],
      ["a0", anyCap],
      ["a1", word],
      ["a2", word],
      ["a3", word],
      ["a4", word],
      ["a5", word],
      ["a6", anyCap],
      ["t0", anyCap],
    ],
    function* (a) {
      yield* rawSyscall(a);
      return ipc;
    },
  ),
  simple("Busy", [["us", (r) => r.int(300)]], function* (a) {
    yield* sel4ts_busy(a[0]);
    return ipc;
  }),
  simple("DebugPutChar", [["c", (r) => r.int(256)]], function* (a) {
    yield* seL4_DebugPutChar(a[0]);
    return ipc;
  }),
  simple("DebugDumpScheduler", [], function* () {
    yield* seL4_DebugDumpScheduler();
    return ipc;
  }),
  simple("DebugSnapshot", [], function* () {
    yield* seL4_DebugSnapshot();
    return ipc;
  }),
  simple("DebugCapIdentify", [["cap", anyCap]], function* (a) {
    yield* seL4_DebugCapIdentify(a[0]);
    return ipc;
  }),
  // ---- memory ----
  simple(
    "Read",
    [
      ["vaddr", dataAddr],
      ["size", (r) => r.pick([1, 2, 4, 8])],
    ],
    function* (a) {
      yield* sel4ts_read(a[0], a[1] as 1 | 2 | 4 | 8);
      return ipc;
    },
  ),
  simple(
    "Write",
    [
      ["vaddr", dataAddr],
      ["size", (r) => r.pick([1, 2, 4, 8])],
      ["value", word],
    ],
    function* (a) {
      yield* sel4ts_write(a[0], a[1] as 1 | 2 | 4 | 8, a[2]);
      return ipc;
    },
  ),
  // ---- a Call with any label on any cap ----
  op(
    "Invoke",
    ["cap", ...MSG],
    (r) => [anyCap(r), ...genMsg(r)],
    function* (a) {
      return seL4_MessageInfo_get_label(yield* seL4_Call(a[0], msg(a, 1)));
    },
  ),
];
