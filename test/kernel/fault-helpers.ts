// The fault tests' harness: a faulting thread whose fault handler endpoint (badged) is served by
// a handler thread that records each fault message and answers it as the test says.

import {
  seL4_AllRights,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_Send,
  seL4_SetMR,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import * as R from "../../src/abi/registers.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot, type RootRun } from "../harness.ts";
import {
  currentPC,
  getRegister,
  ipcKit,
  rawSyscall,
  readMsg,
  runRootAllowingErrors,
  setRegister,
  settle,
  type IpcKit,
  type Msg,
  type Thread,
  type ThreadFn,
  type ThreadOpts,
} from "./ipc-helpers.ts";

export const GUARD_BAD = 1n << 63n;
export const BADGE = 0x77n;

/** What the handler answers to the i-th fault: [label, MRs], or null for no reply. */
export type Answer = (msg: Msg, i: number) => [number, (bigint | number)[]] | null;

export interface FaultRun {
  faults: Msg[];
  log: string[];
  run: RootRun;
}

/**
 * A faulting thread (priority 100, fault handler = the handler endpoint badged 0x77) and a
 * handler thread (priority 200) that receives up to `count` faults and answers each per `answer`.
 */
export function faultRun(
  body: (log: string[]) => ThreadFn,
  answer: Answer,
  opts: {
    count?: number;
    handler?: ThreadOpts;
    /** Options for the faulting thread, made once the kit exists. */
    thread?: (k: IpcKit) => UserGenerator<ThreadOpts>;
    allowErrors?: boolean;
    after?: (k: IpcKit, t: Thread) => UserGenerator<void>;
  } = {},
): FaultRun {
  const faults: Msg[] = [];
  const log: string[] = [];
  const main = function* (bi: seL4_BootInfo): UserGenerator<void> {
    const k = yield* ipcKit(bi);
    const fep = yield* k.make(seL4_EndpointObject);
    const badged = yield* k.mint(fep, seL4_AllRights, BADGE);
    const hreply = yield* k.make(seL4_ReplyObject);
    yield* k.spawn(
      function* () {
        for (let i = 0; i < (opts.count ?? 1); i++) {
          const { info, sender } = yield* seL4_Recv(fep, hreply);
          const msg = readMsg(info, sender);
          faults.push(msg);
          const a = answer(msg, i);
          if (a === null) continue;
          a[1].forEach((v, j) => seL4_SetMR(j, BigInt.asUintN(64, BigInt(v))));
          yield* seL4_Send(hreply, seL4_MessageInfo_new(a[0], 0, 0, a[1].length));
        }
      },
      { prio: 200, ...opts.handler },
    );
    yield* settle();
    const extra = opts.thread === undefined ? {} : yield* opts.thread(k);
    const t = yield* k.spawn(body(log), { faultEp: badged, ...extra });
    if (opts.after !== undefined) {
      yield* settle();
      yield* opts.after(k, t);
    }
  };
  const run = opts.allowErrors === true ? runRootAllowingErrors(main) : runRoot(main);
  return { faults, log, run };
}

/** Registers a faulting thread sets before its unknown syscall, to find them in the message. */
export function* unknownSyscall(
  num: number,
  log: string[],
  pcs: bigint[],
): UserGenerator<{ a0: bigint; a1: bigint }> {
  setRegister(R.sp, 0x5000);
  setRegister(R.ra, 0x6000);
  for (let i = 2; i <= 5; i++) setRegister(R.a0 + i, 0xa0 + i);
  pcs.push(currentPC());
  const r = yield* rawSyscall(num, 0xa0, 0xa1, 0xa6);
  log.push(`returned a0=${r.a0.toString(16)} sp=${getRegister(R.sp).toString(16)}`);
  return r;
}
