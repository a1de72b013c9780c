// Kernel bugs to plant for a run, to show that the fuzzer finds them (test/fuzz and
// `npm run fuzz -- --plant NAME`). A plant wraps the kernel's syscall entry through the campaign's
// onSystem hook and undoes part of what the kernel just did, leaving the state exactly as the buggy
// kernel would; the kernel's code is untouched and nothing here runs in a normal campaign.

import {
  cap_untyped_cap,
  ThreadState_BlockedOnNotification,
  ThreadState_Inactive,
  ThreadState_Restart,
} from "../src/abi/index.ts";
import { CNode, type Cte, Notification, NtfnState_Waiting, Tcb } from "../src/kernel/structures.ts";
import type { System } from "../src/system/system.ts";

export type Plant = (system: System) => void;

/** Run `after` after every syscall, with what `before` saw just before it. */
function aroundSyscalls<T>(system: System, before: () => T, after: (seen: T) => void): void {
  const k = system.kernel;
  const syscallTrap = k.syscallTrap.bind(k);
  k.syscallTrap = () => {
    const seen = before();
    syscallTrap();
    after(seen);
  };
}

function untypedCaps(system: System): Cte[] {
  const out: Cte[] = [];
  for (const o of system.kernel.state.objects.values())
    if (o instanceof CNode) for (const c of o.slots) if (c.type === cap_untyped_cap) out.push(c);
  return out;
}

/** Untyped_Retype forgets to raise the untyped's watermark (when a fuzzed worker calls it). */
export const retypeKeepsWatermark: Plant = (system) =>
  aroundSyscalls(
    system,
    () =>
      system.kernel.state.curThread.name.startsWith("w")
        ? new Map(untypedCaps(system).map((c) => [c, c.freeIndex]))
        : new Map<Cte, number>(),
    (seen) => {
      for (const [c, free] of seen) if (c.type === cap_untyped_cap && c.freeIndex > free) c.freeIndex = free;
    },
  );

/** Suspending or restarting a thread that waits on a notification leaves it in the queue. */
export const cancelKeepsNotificationWaiter: Plant = (system) =>
  aroundSyscalls(
    system,
    () => {
      const waiting = new Map<Tcb, Notification>();
      for (const o of system.kernel.state.objects.values())
        if (
          o instanceof Tcb &&
          o.state === ThreadState_BlockedOnNotification &&
          o.blockingObject instanceof Notification
        )
          waiting.set(o, o.blockingObject);
      return waiting;
    },
    (waiting) => {
      for (const [t, n] of waiting) {
        if (t.state !== ThreadState_Inactive && t.state !== ThreadState_Restart) continue;
        let queued = false;
        for (let q = n.head; q !== null; q = q.epNext) queued ||= q === t;
        if (queued) continue;
        t.epPrev = n.tail;
        t.epNext = null;
        if (n.tail !== null) n.tail.epNext = t;
        else n.head = t;
        n.tail = t;
        n.state = NtfnState_Waiting;
      }
    },
  );

export const PLANTS: Record<string, Plant> = {
  "retype-watermark": retypeKeepsWatermark,
  "ntfn-cancel": cancelKeepsNotificationWaiter,
};
