// The incremental invariant checker (invariants-incremental.ts, run by InvariantMonitor after each
// kernel entry) against the whole checker (checkInvariants): a corruption of what an entry touched
// is reported by both. Each corruption is planted as buggy kernel code would make it, recording
// the slots, objects and ASIDs it wrote (monitor-helpers.ts); the property plants random ones of
// many kinds into random slots and asks for the same verdict from both checkers.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_frame_cap,
  cap_null_cap,
  cap_untyped_cap,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_Untyped_Retype,
  seL4_UntypedObject,
} from "../../src/user/libsel4.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { InvariantMonitor } from "../../src/kernel/invariants-monitor.ts";
import {
  CNode,
  copyCap,
  type Cte,
  Endpoint,
  type KObject,
  Notification,
  Tcb,
} from "../../src/kernel/structures.ts";
import type { System } from "../../src/system/system.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { expectMonitorAgrees, plantRecorded } from "./monitor-helpers.ts";
import { SEED } from "./fuzz-commands.ts";

/** Untypeds split into children, endpoints, notifications, badged copies and a CNode. */
function populated(): System {
  return runRoot(function* (bi) {
    const ut = findUntyped(bi, 16);
    const e = bi.empty.start;
    const root = seL4_CapInitThreadCNode;
    expect(yield* seL4_Untyped_Retype(ut.cptr, seL4_UntypedObject, 14, root, 0, 0, e, 2)).toBe(0);
    expect(yield* seL4_Untyped_Retype(e, seL4_EndpointObject, 0, root, 0, 0, e + 2, 3)).toBe(0);
    expect(yield* seL4_Untyped_Retype(e + 1, 4, 4, root, 0, 0, e + 5, 1)).toBe(0); // CNode, radix 4
    expect(yield* seL4_CNode_Mint(root, e + 6, 64, root, e + 2, 64, seL4_AllRights, 7)).toBe(0);
    expect(yield* seL4_CNode_Copy(root, e + 7, 64, root, e + 6, 64, seL4_AllRights)).toBe(0);
    expect(yield* seL4_Untyped_Retype(e + 1, seL4_NotificationObject, 0, root, 0, 0, e + 8, 2)).toBe(0);
    expect(yield* seL4_Untyped_Retype(e + 1, seL4_UntypedObject, 10, root, 0, 0, e + 10, 1)).toBe(0);
  }).system;
}

function slotsOf(system: System): Cte[] {
  const out: Cte[] = [];
  for (const o of system.kernel.state.objects.values()) {
    if (o instanceof CNode) for (const s of o.slotsMade) if (s !== null) out.push(s);
    if (o instanceof Tcb) out.push(...o.cte);
  }
  return out;
}

const nonEmpty = (system: System): Cte[] => slotsOf(system).filter((c) => c.type !== cap_null_cap);

describe("the incremental checker reports what the whole checker reports", () => {
  const plant = (name: string, corrupt: (system: System) => void): void => {
    it(`INCREMENTAL catches a corruption of touched state: ${name}`, () => {
      const system = populated();
      expectMonitorAgrees(system.kernel.state, () => corrupt(system));
    });
  };
  const first = (system: System, f: (c: Cte) => boolean): Cte => {
    const c = nonEmpty(system).find(f);
    if (c === undefined) throw new Error("no such slot");
    return c;
  };

  plant("a CDT link broken in a touched slot (prev.next elsewhere)", (s) => {
    const c = first(s, (x) => x.prev !== null && x.next !== null);
    (c.prev as Cte).next = c.next;
  });
  plant("a cap copied into a slot without its MDB node", (s) => {
    const src = first(s, (x) => x.type === cap_endpoint_cap);
    const dst = slotsOf(s).find((x) => x.type === cap_null_cap && x.owner instanceof CNode) as Cte;
    copyCap(dst, src);
  });
  plant("a TCB in a ready queue and an endpoint queue", (s) => {
    const ks = s.kernel.state;
    const t = [...ks.objects.values()].find((o) => o instanceof Tcb && o !== ks.curThread) as Tcb;
    const ep = [...ks.objects.values()].find((o) => o instanceof Endpoint) as Endpoint;
    ep.head = ep.tail = t;
    ep.state = 1;
    t.inReadyQueue = true;
  });
  plant("a wrong untyped watermark (below its children)", (s) => {
    const u = first(
      s,
      (x) =>
        x.type === cap_untyped_cap &&
        x.sizeBits === 14 &&
        x.next !== null &&
        x.next.type === cap_endpoint_cap,
    );
    u.freeIndex = 0;
  });
  plant("a wrong untyped watermark (beyond its size)", (s) => {
    const u = first(s, (x) => x.type === cap_untyped_cap && x.sizeBits === 10);
    u.freeIndex = 2 ** 11;
  });
  plant("a new untyped over memory that is in use", (s) => {
    const u = first(
      s,
      (x) =>
        x.type === cap_untyped_cap &&
        x.sizeBits === 14 &&
        x.next !== null &&
        x.next.type === cap_endpoint_cap,
    );
    const dst = slotsOf(s).find((x) => x.type === cap_null_cap && x.owner instanceof CNode) as Cte;
    copyCap(dst, u);
    dst.sizeBits = 12;
    dst.freeIndex = 0;
    dst.revocable = true;
    dst.prev = u;
    dst.next = u.next;
    if (u.next !== null) u.next.prev = dst;
    u.next = dst;
  });
  plant("a frame cap moved onto a live object", (s) => {
    const f = first(s, (x) => x.type === cap_frame_cap && x.mappedASID === 0);
    const ep = [...s.kernel.state.objects.values()].find((o) => o instanceof Notification) as KObject;
    f.ptr = ep.ptr - (ep.ptr % 4096);
  });
  plant("an object registered over another", (s) => {
    const n = [...s.kernel.state.objects.values()].find((o) => o instanceof Notification) as KObject;
    s.kernel.state.objects.set(n.ptr + 16, new Endpoint(n.ptr + 16));
  });
  plant("a cap's object replaced by one of another type", (s) => {
    const c = first(s, (x) => x.type === cap_endpoint_cap);
    c.obj = [...s.kernel.state.objects.values()].find((o) => o instanceof Notification) as KObject;
  });
  plant("an MDB cycle through touched slots", (s) => {
    const [a, b] = nonEmpty(s).filter((x) => x.type === cap_endpoint_cap);
    for (const x of [a, b]) {
      if (x.prev !== null) x.prev.next = x.next;
      if (x.next !== null) x.next.prev = x.prev;
    }
    a.next = b;
    b.prev = a;
    b.next = a;
    a.prev = b;
  });

  /** Kinds of damage to one slot (some do no harm: then both checkers must find nothing). */
  const damage: ((c: Cte, system: System) => void)[] = [
    (c) => {
      if (c.next !== null) c.next.prev = null;
    },
    (c) => {
      if (c.type === cap_untyped_cap) c.freeIndex = 0;
    },
    (c) => {
      if (c.type === cap_untyped_cap) c.freeIndex = Math.max(0, c.freeIndex - 16);
    },
    (c) => {
      c.ptr += 4096;
    },
    (c) => {
      c.type = cap_null_cap;
    },
    (c) => {
      if (c.prev !== null) c.prev.next = c.next;
      if (c.next !== null) c.next.prev = c.prev;
      c.prev = null;
      c.next = null;
    },
    (c) => {
      c.revocable = !c.revocable;
    },
    (c) => {
      c.sizeBits += 1;
    },
    (c, s) => {
      const dst = slotsOf(s).find((x) => x.type === cap_null_cap && x.owner instanceof CNode);
      if (dst !== undefined) copyCap(dst, c);
    },
    (c) => {
      c.firstBadged = !c.firstBadged;
    },
    (c, s) => {
      const objs = [...s.kernel.state.objects.values()];
      c.obj = objs[(objs.indexOf(c.obj as KObject) + 1) % objs.length];
    },
  ];

  it("INCREMENTAL PROP random damage to a random slot gets the same verdict from both checkers", () => {
    const base = populated();
    const count = nonEmpty(base).length;
    let reported = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: damage.length - 1 }),
        fc.integer({ min: 0, max: count - 1 }),
        (kind, pick) => {
          const system = populated();
          const ks = system.kernel.state;
          const monitor = new InvariantMonitor(ks);
          expect(monitor.whole()).toBeNull();
          const slot = nonEmpty(system)[pick];
          plantRecorded(ks, () => damage[kind](slot, system));
          const whole = checkInvariants(ks);
          const inc = monitor.check();
          expect(inc === null, `incremental: ${inc}; whole: ${whole}`).toBe(whole === null);
          if (whole !== null) reported++;
        },
      ),
      { seed: SEED + 40, numRuns: 60 },
    );
    // Most damage is a violation: the property compares verdicts that are not all "fine".
    expect(reported).toBeGreaterThan(15);
  }, 300_000);
});
