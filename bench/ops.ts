// Two more kernel operations timed from a TS root task, as sel4bench's signal and (roughly) its
// object-creation benchmarks do:
//   notify_ns            seL4_Signal to a higher-priority thread waiting on the notification:
//                        the signal, the switch to the waiter, and its seL4_Wait that blocks it
//                        again and switches back (one signal delivered per iteration);
//   retype_revoke_per_s  seL4_Untyped_Retype of one endpoint from a 4 KiB untyped, then
//                        seL4_CNode_Revoke of that untyped (the next retype resets it).

import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CNode_Revoke,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_Signal,
  seL4_TCB_Configure,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_Untyped_Retype,
  seL4_Wait,
  sel4ts_entry,
  type seL4_BootInfo,
} from "../src/user/libsel4.ts";
import { System } from "../src/system/system.ts";

function ramUntyped(bi: seL4_BootInfo, bits: number): number {
  const i = bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= bits);
  return bi.untyped.start + i;
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

function runRoot(main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>): void {
  const system = new System({ ramSize: 64 * 1024 * 1024, onDiagnostic: (t) => console.error(t) });
  system.boot(main);
  const r = system.run();
  if (r.reason !== "idle") throw new Error(`bench run ended with ${r.reason}: ${r.message ?? ""}`);
}

/** Median ns per signal delivered to a waiting higher-priority thread. */
export function notifyNs(n: number, reps: number): number {
  const samples: number[] = [];
  runRoot(function* (bi) {
    const ut = ramUntyped(bi, 16);
    const root = seL4_CapInitThreadCNode;
    const [ntfn, tcb, sc] = [bi.empty.start, bi.empty.start + 1, bi.empty.start + 2];
    let err = yield* seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, ntfn, 1);
    err |= yield* seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, tcb, 1);
    err |= yield* seL4_Untyped_Retype(ut, seL4_SchedContextObject, 8, root, 0, 0, sc, 1);
    const waiter = sel4ts_entry(function* () {
      for (;;) yield* seL4_Wait(ntfn);
    });
    // The waiter shares the root's address space; its IPC buffer is a page of the root's image.
    err |= yield* seL4_TCB_Configure(
      tcb,
      root,
      0,
      seL4_CapInitThreadVSpace,
      0,
      0x10000 + 0x1000,
      bi.userImageFrames.start + 1,
    );
    err |= yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0);
    err |= yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 200, 200, sc, 0);
    err |= yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 100);
    err |= yield* seL4_TCB_WriteRegisters(tcb, 1, 0, 1, { pc: waiter }); // runs to its Wait at once
    if (err !== 0) throw new Error(`notify setup failed: ${err}`);
    for (let i = 0; i < n; i++) yield* seL4_Signal(ntfn); // warm-up
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) yield* seL4_Signal(ntfn);
      samples.push(((performance.now() - t0) * 1e6) / n);
    }
  });
  return median(samples);
}

/** Median retype+revoke pairs per second. */
export function retypeRevokePerS(n: number, reps: number): number {
  const samples: number[] = [];
  runRoot(function* (bi) {
    const root = seL4_CapInitThreadCNode;
    const [ut, ep] = [bi.empty.start, bi.empty.start + 1];
    let err = yield* seL4_Untyped_Retype(ramUntyped(bi, 16), seL4_UntypedObject, 12, root, 0, 0, ut, 1);
    const pair = function* () {
      err |= yield* seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1);
      err |= yield* seL4_CNode_Revoke(root, ut, 64);
    };
    for (let i = 0; i < n; i++) yield* pair(); // warm-up
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) yield* pair();
      samples.push(n / ((performance.now() - t0) / 1000));
    }
    if (err !== 0) throw new Error(`retype/revoke failed: ${err}`);
  });
  return median(samples);
}
