// The invariant checker (src/kernel/invariants.ts) can fail: after a run that builds untypeds,
// endpoints, badged copies and a CNode, each test plants one kind of corruption in the kernel
// state and expects checkInvariants to name it. A checker that never fires would make the
// property test (property.test.ts) and every runRoot-based test vacuous.

import { describe, expect, it } from "vitest";
import {
  cap_cnode_cap,
  cap_endpoint_cap,
  cap_untyped_cap,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_EndpointObject,
  seL4_Untyped_Retype,
  seL4_UntypedObject,
} from "../../src/user/libsel4.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { clearCap, CNode, copyCap, type Cte, Endpoint, Tcb } from "../../src/kernel/structures.ts";
import type { System } from "../../src/system/system.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { expectMonitorAgrees } from "./monitor-helpers.ts";

describe("the invariant checker catches planted corruption", () => {
  /** A small system with an untyped split into children, endpoints and a CNode. */
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
    }).system;
  }
  function slotsOf(system: System): Cte[] {
    const out: Cte[] = [];
    for (const o of system.kernel.state.objects.values()) if (o instanceof CNode) out.push(...o.slots);
    return out;
  }
  const plant = (name: string, corrupt: (system: System) => void, expected: RegExp): void => {
    it(`CHECKER catches planted corruption: ${name}`, () => {
      const system = populated();
      expect(checkInvariants(system.kernel.state)).toBeNull();
      corrupt(system);
      expect(checkInvariants(system.kernel.state)).toMatch(expected);
    });
    it(`MONITOR catches planted corruption as the whole checker does: ${name}`, () => {
      const system = populated();
      expectMonitorAgrees(system.kernel.state, () => corrupt(system));
    });
  };
  const first = (system: System, f: (c: Cte) => boolean): Cte => {
    const c = slotsOf(system).find(f);
    if (c === undefined) throw new Error("no such slot");
    return c;
  };

  plant(
    "a broken MDB back link",
    (s) => {
      const c = first(s, (x) => x.next !== null);
      (c.next as Cte).prev = null;
    },
    /next\.prev/,
  );
  plant(
    "an MDB cycle",
    (s) => {
      // Two endpoint caps linked only to each other, with consistent links: no head reaches them.
      const [a, b] = slotsOf(s).filter((x) => x.type === cap_endpoint_cap);
      for (const x of [a, b]) {
        if (x.prev !== null) x.prev.next = x.next;
        if (x.next !== null) x.next.prev = x.prev;
      }
      a.next = b;
      b.prev = a;
      b.next = a;
      a.prev = b;
    },
    /cycle/,
  );
  plant(
    "overlapping objects",
    (s) => {
      const cn = [...s.kernel.state.objects.values()].find(
        (o) => o instanceof CNode && o.radix === 4,
      ) as CNode;
      s.kernel.state.objects.set(cn.ptr + 16, new Endpoint(cn.ptr + 16));
    },
    /overlap/,
  );
  plant(
    "a cap to an object that is gone",
    (s) => {
      const c = first(s, (x) => x.type === cap_endpoint_cap);
      s.kernel.state.objects.delete(c.ptr);
    },
    /dead object/,
  );
  plant(
    "a watermark below the children",
    (s) => {
      const c = first(
        s,
        (x) =>
          x.type === cap_untyped_cap &&
          x.sizeBits === 14 &&
          x.next !== null &&
          x.next.type === cap_endpoint_cap,
      );
      c.freeIndex = 16;
    },
    /above the watermark/,
  );
  plant(
    "an object cap outside its untyped's subtree",
    (s) => {
      // Unlink the CNode cap from behind its untyped and make it a list of its own.
      const c = first(s, (x) => x.type === cap_cnode_cap && x.sizeBits === 4);
      if (c.prev !== null) c.prev.next = c.next;
      if (c.next !== null) c.next.prev = c.prev;
      c.prev = null;
      c.next = null;
    },
    /not its descendant/,
  );
  plant(
    "a slot of a dead object still in the MDB",
    (s) => {
      const objects = s.kernel.state.objects;
      const cn = [...objects.values()].find((o) => o instanceof CNode && o.radix === 4) as CNode;
      // Drop the CNode's only cap, hang a cap held in the CNode into the list, forget the CNode.
      const cap = first(s, (x) => x.type === cap_cnode_cap && x.obj === cn);
      if (cap.prev !== null) cap.prev.next = cap.next;
      if (cap.next !== null) cap.next.prev = cap.prev;
      clearCap(cap);
      cap.prev = cap.next = null;
      cap.revocable = cap.firstBadged = false;
      const ep = first(s, (x) => x.type === cap_endpoint_cap && x.next !== null);
      const x = cn.slots[3];
      copyCap(x, ep);
      x.prev = ep;
      x.next = ep.next;
      (ep.next as Cte).prev = x;
      ep.next = x;
      objects.delete(cn.ptr);
    },
    /neighbour is a slot of a dead object/,
  );
  plant(
    "a thread flagged as ready but not queued",
    (s) => {
      const t = [...s.kernel.state.objects.values()].find((o) => o instanceof Tcb) as Tcb;
      t.inReadyQueue = true;
    },
    /not in its ready queue/,
  );
});
