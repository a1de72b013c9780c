// A root task whose worker thread overruns a 100 us budget every 1 ms: with `timeoutHandler` the
// overrun is a timeout fault the root task receives; without, the worker is throttled and released.

import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_DebugNameThread,
  seL4_DebugPutString,
  seL4_EndpointObject,
  seL4_MessageInfo_get_label,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  sel4ts_busy,
  sel4ts_entry,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";

export function budgetRoot(timeoutHandler: boolean) {
  return function* (bi: seL4_BootInfo) {
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 16);
    let free = bi.empty.start;
    function* make(type: number, sizeBits = 0) {
      const slot = free++;
      const err = yield* seL4_Untyped_Retype(ut, type, sizeBits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
      if (err !== 0) throw new Error(`retype failed: ${err}`);
      return slot;
    }
    const ep = yield* make(seL4_EndpointObject);
    const reply = yield* make(seL4_ReplyObject);
    const tcb = yield* make(seL4_TCBObject);
    const sc = yield* make(seL4_SchedContextObject, 8);
    let err = yield* seL4_TCB_Configure(
      tcb,
      seL4_CapInitThreadCNode,
      0,
      seL4_CapInitThreadVSpace,
      0,
      0x11000,
      bi.userImageFrames.start + 1,
    );
    err |= yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 100, 1000, 0, 7);
    err |= yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 100, 100, sc, 0);
    if (timeoutHandler) err |= yield* seL4_TCB_SetTimeoutEndpoint(tcb, ep);
    yield* seL4_DebugNameThread(tcb, "worker");
    err |= yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 1, {
      pc: sel4ts_entry(function* () {
        yield* sel4ts_busy(250);
        yield* seL4_DebugPutString("worker: done\n");
      }),
    });
    if (err !== 0) throw new Error(`setup failed: ${err}`);
    if (timeoutHandler) {
      const { info } = yield* seL4_Recv(ep, reply);
      yield* seL4_DebugPutString(`root: fault label ${seL4_MessageInfo_get_label(info)}\n`);
    }
  };
}
