// The run loop of a multicore system (KernelMaxNumNodes > 1). Harts take turns on one simulated
// clock: the selected hart runs its current thread until its turn (a quantum of simulated time)
// ends, it traps, or it goes idle; then the next hart in order with something to do is selected.
// An idle hart gives its turn away at once; when every hart is idle the clock jumps to the next
// event of any of them. This is how QEMU's single-threaded ("round-robin") TCG runs a guest with
// `-icount`: one clock that every vCPU's instructions advance. No host threads, so the same
// inputs give the same run byte for byte.

import type { RunResult, System } from "./system.ts";

export function runHarts(sys: System, quantum: number): RunResult {
  if (!Number.isInteger(quantum) || quantum < 1)
    throw new RangeError(`quantum must be a positive tick count`);
  const k = sys.kernel;
  const m = sys.machine;
  const n = k.numNodes;
  const maxTicks = sys.rv.hart.stopAt;
  const select = (h: number): void => {
    m.selectHart(h);
    k.switchCore(h);
    m.quantumEnd = m.clock.now + quantum;
  };
  // Whether hart h has anything to do now: a thread to run or an interrupt to take.
  const busy = (h: number): boolean => !k.isIdleOn(h) || m.hartInterruptPending(h);
  // A run resumed after a stop (a debugger's, a time slice's) goes on with the hart and turn it
  // stopped in; only the first run starts the turns, with hart 0.
  if (m.quantumEnd === Infinity) select(0);
  const dbg = sys.debug;
  for (;;) {
    if (k.halted) return sys.finish("halt");
    if (m.clock.now >= maxTicks) return sys.finish("max-time");
    if (sys.stopRequested()) return sys.finish("stopped");
    const h = m.hart;
    if (m.clock.now >= m.quantumEnd) {
      select((h + 1) % n);
      continue;
    }
    if (m.interruptPending()) {
      k.interruptTrap();
    } else if (k.isIdle) {
      let next = -1;
      for (let i = 1; i < n; i++) {
        const j = (h + i) % n;
        if (busy(j)) {
          next = j;
          break;
        }
      }
      if (next >= 0) {
        select(next);
        continue;
      }
      if (sys.deliverIdleInput()) continue;
      if (dbg !== null && dbg.beforeIdle()) return sys.finish("debug");
      const t = m.nextEventTimeAllHarts();
      if (t === Infinity) return sys.finish("idle");
      m.clock.advanceTo(Math.min(t, maxTicks));
      // The hart whose event it is takes it; the current one keeps its turn if it is its own.
      if (!m.hartInterruptPending(h)) {
        for (let i = 1; i < n; i++) {
          const j = (h + i) % n;
          if (m.hartInterruptPending(j)) {
            select(j);
            break;
          }
        }
      } else m.quantumEnd = m.clock.now + quantum;
      continue;
    } else if (dbg === null) {
      sys.step();
    } else if (sys.debugStep(dbg)) return sys.finish("debug");
    const problem = sys.checkNow();
    if (problem !== null) return sys.finish("invariant", problem);
  }
}
