// Two threads and a root task: a passive server answers badged calls from two clients.
// Shows thread creation the C way (Retype, Configure, SchedControl, SetSchedParams,
// WriteRegisters), badged endpoint caps, Call / ReplyRecv with a reply object, and SC donation.
import {
  seL4_AllRights,
  seL4_Call,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CNode_Mint,
  seL4_DebugNameThread,
  seL4_DebugPutString,
  seL4_EndpointObject,
  seL4_GetMR,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_SchedContext_Unbind,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_SetMR,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_WordBits,
  seL4_Yield,
  sel4ts_entry,
  type seL4_BootInfo,
} from "sel4ts/libsel4";

export default function* (bi: seL4_BootInfo) {
  // A RAM untyped big enough for everything below.
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
  let nextFrame = 1; // IPC buffers: pages of the root task's image
  function* thread(name: string, prio: number, body: Parameters<typeof sel4ts_entry>[0]) {
    const tcb = yield* make(seL4_TCBObject);
    const sc = yield* make(seL4_SchedContextObject, 8);
    const page = nextFrame++;
    yield* seL4_TCB_Configure(
      tcb,
      seL4_CapInitThreadCNode,
      0,
      seL4_CapInitThreadVSpace,
      0,
      0x10000 + page * 0x1000,
      bi.userImageFrames.start + page,
    );
    yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0);
    yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, prio, prio, sc, 0);
    yield* seL4_DebugNameThread(tcb, name);
    yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 1, { pc: sel4ts_entry(body) });
    return sc;
  }

  const serverSC = yield* thread("server", 255, function* () {
    let { sender } = yield* seL4_Recv(ep, reply);
    for (;;) {
      const x = Number(seL4_GetMR(0));
      yield* seL4_DebugPutString(`server: client ${sender} asks for ${x} squared\n`);
      seL4_SetMR(0, x * x);
      ({ sender } = yield* seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), reply));
    }
  });
  yield* seL4_Yield(); // let the server reach its Recv
  yield* seL4_SchedContext_Unbind(serverSC); // now passive: it runs on its callers' time
  yield* seL4_DebugPutString("root: the server is passive\n");

  for (const badge of [1, 2]) {
    const cap = free++;
    yield* seL4_CNode_Mint(
      seL4_CapInitThreadCNode,
      cap,
      seL4_WordBits,
      seL4_CapInitThreadCNode,
      ep,
      seL4_WordBits,
      seL4_AllRights,
      badge,
    );
    yield* thread(`client${badge}`, 100, function* () {
      for (let x = badge * 10; x < badge * 10 + 2; x++) {
        seL4_SetMR(0, x);
        yield* seL4_Call(cap, seL4_MessageInfo_new(0, 0, 0, 1));
        yield* seL4_DebugPutString(`client${badge}: ${x}^2 = ${seL4_GetMR(0)}\n`);
      }
    });
  }
  yield* seL4_DebugPutString("root: clients started\n");
}
