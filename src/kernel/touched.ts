// What a kernel entry touched, for the incremental invariant checker (invariants-monitor.ts).
//
// The kernel records every slot whose cap or MDB node it writes, every object it registers or
// drops, and every write to the ASID table or an ASID pool. Recording costs a null test when the
// checker is off: `touchLog` is the current kernel's log (KernelState.touched), null unless an
// InvariantMonitor installed one, and every recording site is one load, one compare.
//
// The lists may hold duplicates and slots of objects that died in the same entry; the monitor
// sorts that out. Whatever the log misses, the monitor's periodic whole check (and the tests that
// compare it with the incremental one after every entry) would report.

import type { Cte, KObject } from "./structures.ts";

export class TouchLog {
  /** Slots whose cap or MDB node (prev, next, revocable, firstBadged) was written. */
  readonly slots: Cte[] = [];
  /** Objects registered in ks.objects (retype, ASID pool creation). */
  readonly created: KObject[] = [];
  /** Objects dropped from ks.objects (untyped reset, replaced by a new object at their address). */
  readonly removed: KObject[] = [];
  /** The ASID table or an ASID pool's entries changed. */
  asids = false;

  clear(): void {
    this.slots.length = 0;
    this.created.length = 0;
    this.removed.length = 0;
    this.asids = false;
  }
}

/** The current kernel's log (set with the current KernelState by setKernelState). */
export let touchLog: TouchLog | null = null;

export function setTouchLog(log: TouchLog | null): void {
  touchLog = log;
}

/** The cap or MDB node of `c` is about to change (or just changed) in this entry. */
export function touchSlot(c: Cte): void {
  const log = touchLog;
  if (log !== null) log.slots.push(c);
}

export function touchCreated(o: KObject): void {
  const log = touchLog;
  if (log !== null) log.created.push(o);
}

export function touchRemoved(o: KObject): void {
  const log = touchLog;
  if (log !== null) log.removed.push(o);
}

export function touchASIDs(): void {
  const log = touchLog;
  if (log !== null) log.asids = true;
}
