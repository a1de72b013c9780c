// The invariant checker after every kernel entry, at a cost a whole sel4test run can afford.
//
// checkInvariants (invariants.ts) looks at the whole kernel state. Most of it — every cap and
// the MDB, the untypeds and what lies in them, the objects' placement, the ASID table and every
// page table — is written only by object invocations and by the transfer of caps in IPC; those
// set `ks.capsDirty`. After such an entry (and at the first check, and every `fullEvery` entries
// regardless) the monitor runs the whole checker. After any other entry — IPC, signals, faults,
// interrupts, debug calls — those structures are exactly as the last whole check found them, so
// the monitor checks what such an entry can change: the thread, queue, IPC, reply, SC and
// scheduler invariants (checkThreads, checkIPC, checkSched over the caps collected by the last
// whole check) and the one VSpace invariant about the running thread (satp is a registered root).

import { checkIPC } from "./invariants-ipc.ts";
import { cappedObjects, checkSched } from "./invariants-sched.ts";
import { checkAll, checkInvariants, checkThreads } from "./invariants.ts";
import type { KernelState } from "./state.ts";
import type { Cte, KObject } from "./structures.ts";

export class InvariantMonitor {
  private caps: Cte[] = [];
  private live = new Set<KObject>();
  private capped: ReadonlySet<KObject> = new Set<KObject>();
  private roots = new Set<number>();
  private sinceWhole = 0;
  /** Whole checks and entry checks done so far. */
  wholeChecks = 0;
  lightChecks = 0;

  constructor(
    private readonly ks: KernelState,
    /** A whole check at least this often (in checks), whatever the entries did. */
    private readonly wholeEvery = 4096,
  ) {}

  /** Check after a kernel entry: null, or the first violation found. */
  check(): string | null {
    const ks = this.ks;
    // Several cores: the whole checker, which loads each core's scheduler state in turn.
    if (ks.numNodes > 1) return checkInvariants(ks);
    if (ks.capsDirty || this.sinceWhole >= this.wholeEvery) return this.whole();
    this.sinceWhole++;
    this.lightChecks++;
    const problem = checkThreads(ks) ?? checkIPC(ks) ?? checkSched(ks, this.caps, this.live, this.capped);
    if (problem !== null) return problem;
    const satp = ks.machine.satp;
    if (satp !== 0 && !this.roots.has(satp))
      return `satp 0x${satp.toString(16)} is not a registered VSpace root`;
    return null;
  }

  /** The whole checker; keeps what it collected for the entry checks until the next one. */
  whole(): string | null {
    const ks = this.ks;
    this.caps = [];
    this.live = new Set<KObject>(ks.objects.values());
    this.roots = new Set<number>();
    const problem = checkAll(ks, this.caps, this.live, this.roots);
    this.capped = cappedObjects(this.caps);
    ks.capsDirty = false;
    this.sinceWhole = 0;
    this.wholeChecks++;
    return problem;
  }
}
