// IPC round trip as sel4bench measures it on MCS: a client Calls a passive server in another
// address space that answers with ReplyRecv, zero-length messages, the fastpath taking both
// halves. Both threads are TS threads started the way a C root task does it; the client is the
// root task.
//
// The floor it is compared with: two bare generators handing a value back and forth through a
// driver loop — what any coroutine-based user program pays for two context switches.

import {
  seL4_Call,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadASIDPool,
  seL4_ReadWrite,
  seL4_RISCV_4K_Page,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_Page_Map,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTableObject,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_ReplyObject,
  seL4_ReplyRecv,
  seL4_SchedContext_Unbind,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  seL4_Yield,
  sel4ts_entry,
  type seL4_BootInfo,
} from "../src/user/libsel4.ts";
import { System } from "../src/system/system.ts";

export interface IpcResult {
  roundTripNs: number;
  fastpaths: number;
  roundTrips: number;
}

function ramUntyped(bi: seL4_BootInfo, bits: number): number {
  let best = -1;
  bi.untypedList.forEach((u, i) => {
    if (!u.isDevice && u.sizeBits >= bits && (best < 0 || u.sizeBits < bi.untypedList[best].sizeBits))
      best = i;
  });
  return bi.untyped.start + best;
}

/** Median of `reps` timed batches of `n` round trips each. */
export function ipcRoundTrip(n: number, reps: number): IpcResult {
  const samples: number[] = [];
  const system = new System({ ramSize: 64 * 1024 * 1024, onDiagnostic: (t) => console.error(t) });
  system.boot(function* (bi) {
    const ut = ramUntyped(bi, 16);
    const root = seL4_CapInitThreadCNode;
    let slot = bi.empty.start;
    const make = function* (type: number, size = 0) {
      const s = slot++;
      const err = yield* seL4_Untyped_Retype(ut, type, size, root, 0, 0, s, 1);
      if (err !== 0) throw new Error(`retype failed: ${err}`);
      return s;
    };
    const ep = yield* make(seL4_EndpointObject);
    const reply = yield* make(seL4_ReplyObject);
    const tcb = yield* make(seL4_TCBObject);
    const sc = yield* make(seL4_SchedContextObject, 8);
    const info = seL4_MessageInfo_new(0, 0, 0, 0);
    const server = sel4ts_entry(function* () {
      yield* seL4_Recv(ep, reply);
      for (;;) yield* seL4_ReplyRecv(ep, info, reply);
    });
    // The server lives in its own VSpace (sel4bench's configuration: two address spaces), with
    // its IPC buffer mapped there at 0x10000.
    const vspace = yield* make(seL4_RISCV_PageTableObject);
    const l1 = yield* make(seL4_RISCV_PageTableObject);
    const l0 = yield* make(seL4_RISCV_PageTableObject);
    const frame = yield* make(seL4_RISCV_4K_Page);
    let err = yield* seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
    err |= yield* seL4_RISCV_PageTable_Map(l1, vspace, 0x10000, 0);
    err |= yield* seL4_RISCV_PageTable_Map(l0, vspace, 0x10000, 0);
    err |= yield* seL4_RISCV_Page_Map(frame, vspace, 0x10000, seL4_ReadWrite, 0);
    err |= yield* seL4_TCB_Configure(tcb, root, 0, vspace, 0, 0x10000, frame);
    err |= yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0);
    err |= yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 255, 255, sc, 0);
    err |= yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 1, { pc: server });
    if (err !== 0) throw new Error(`server setup failed: ${err}`);
    yield* seL4_Yield(); // the server runs to its Recv
    if ((yield* seL4_SchedContext_Unbind(sc)) !== 0) throw new Error("unbind failed");
    for (let i = 0; i < n; i++) yield* seL4_Call(ep, info); // warm-up
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) yield* seL4_Call(ep, info);
      samples.push(((performance.now() - t0) * 1e6) / n);
    }
  });
  const result = system.run();
  if (result.reason !== "idle")
    throw new Error(`IPC run ended with ${result.reason}: ${result.message ?? ""}`);
  samples.sort((a, b) => a - b);
  return {
    roundTripNs: samples[Math.floor(samples.length / 2)],
    fastpaths: system.kernel.fastpathsTaken,
    roundTrips: n * (reps + 1),
  };
}

/** Two generators handing a value back and forth through a driver loop: ns per round trip. */
export function coroutineFloor(n: number, reps: number): number {
  function* side(): Generator<number, void, number> {
    let v = 0;
    for (;;) v = yield v + 1;
  }
  const samples: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const a = side();
    const b = side();
    a.next(0);
    b.next(0);
    let v = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      v = a.next(v).value as number;
      v = b.next(v).value as number;
    }
    const ns = ((performance.now() - t0) * 1e6) / n;
    if (r > 0) samples.push(ns); // the first pass warms up
    if (v === -1) console.log(v);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)];
}
