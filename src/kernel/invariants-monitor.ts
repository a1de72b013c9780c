// The invariant checker after every kernel entry, at a cost a whole sel4test run can afford.
//
// checkInvariants (invariants.ts) looks at the whole kernel state. The monitor runs it once at
// the start (and every `wholeEvery` checks, if asked), and after every other entry checks exactly
// what that entry can have broken: the kernel records the slots, objects and ASIDs it touched
// (touched.ts) and IncrementalCaps (invariants-incremental.ts) checks the cap, MDB, untyped,
// placement and VSpace invariants around them; the thread, queue, IPC, reply and scheduler
// invariants (checkThreads, checkIPC, checkSched), which are about the few kernel objects rather
// than the many caps, are checked whole after every entry, on every core.

import { IncrementalCaps } from "./invariants-incremental.ts";
import { checkIPC } from "./invariants-ipc.ts";
import { checkSched } from "./invariants-sched.ts";
import { checkEachCore, checkInvariants, checkThreads } from "./invariants.ts";
import { setKernelState, type KernelState } from "./state.ts";
import { TouchLog } from "./touched.ts";

export class InvariantMonitor {
  private readonly caps: IncrementalCaps;
  private readonly log = new TouchLog();
  private started = false;
  private sinceWhole = 0;
  /** Whole checks and entry checks done so far. */
  wholeChecks = 0;
  lightChecks = 0;

  constructor(
    private readonly ks: KernelState,
    /** A whole check at least this often (in checks); by default only the first. */
    private readonly wholeEvery = Infinity,
    /**
     * Tests: after every incremental check also the whole one, and a violation if only one of them
     * finds something (the incremental check must miss nothing the kernel can break).
     */
    private readonly compare = false,
  ) {
    this.caps = new IncrementalCaps(ks);
    ks.touched = this.log;
  }

  /** Check after a kernel entry: null, or the first violation found. */
  check(): string | null {
    if (!this.started || this.sinceWhole >= this.wholeEvery) return this.whole();
    if (!this.compare) return this.incremental();
    const inc = this.incremental();
    const whole = checkInvariants(this.ks);
    if ((inc === null) !== (whole === null))
      return `the incremental check says ${inc ?? "nothing"} but the whole check says ${whole ?? "nothing"}`;
    return inc;
  }

  /** The check of what the last entry touched (plus the object and scheduler invariants). */
  private incremental(): string | null {
    this.sinceWhole++;
    this.lightChecks++;
    const ks = this.ks;
    // The kernel state is current for the checker (capSizeBits reads the TCB size from it).
    setKernelState(ks);
    const problem = this.caps.apply(this.log);
    this.log.clear();
    if (problem !== null) return problem;
    const objects = (): string | null =>
      checkThreads(ks) ?? checkIPC(ks) ?? checkSched(ks, [], this.caps.live, this.caps.capped);
    return ks.numNodes > 1 ? checkEachCore(ks, objects) : objects();
  }

  /** The whole checker; the incremental state restarts from what it has checked. */
  whole(): string | null {
    const ks = this.ks;
    setKernelState(ks);
    const problem = checkInvariants(ks);
    this.caps.reset();
    this.log.clear();
    this.started = true;
    this.sinceWhole = 0;
    this.wholeChecks++;
    return problem;
  }
}
