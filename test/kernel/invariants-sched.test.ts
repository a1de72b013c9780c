// The checks of src/kernel/invariants-sched.ts can fail: after a run that leaves threads blocked
// on an endpoint and on notifications, a caller waiting for a reply, a bound notification and two
// threads waiting in the release queue, each test plants one kind of corruption and expects the
// checker to name it. Some plants also break an earlier check of checkInvariants (a dead object
// still has caps, say); those tests ask checkSched for its own message and checkInvariants for any.

import { describe, expect, it } from "vitest";
import {
  cap_notification_cap,
  cap_zombie_cap,
  seL4_CapInitThreadCNode,
  seL4_CapTableObject,
  seL4_CNode_Delete,
  seL4_CNode_Move,
  seL4_TCBObject,
  tcbCTable,
  seL4_Call,
  seL4_DebugNameThread,
  seL4_MessageInfo_new,
  seL4_Recv,
  seL4_TCB_BindNotification,
  seL4_Wait,
  sel4ts_busy,
  tcbFaultHandler,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { checkInvariants } from "../../src/kernel/invariants.ts";
import { expectMonitorAgrees } from "./monitor-helpers.ts";
import { checkSched } from "../../src/kernel/invariants-sched.ts";
import type { KernelState } from "../../src/kernel/state.ts";
import {
  clearCap,
  CNode,
  type Cte,
  Endpoint,
  EPState_Idle,
  type KObject,
  Notification,
  NtfnState_Waiting,
  Reply,
  SchedContext,
  Tcb,
} from "../../src/kernel/structures.ts";
import { runRoot } from "../harness.ts";
import {
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_ReplyObject,
  threadKit,
} from "./thread-helpers.ts";

/** The world: every thread named after its role. */
function world(): KernelState {
  return runRoot(
    function* (bi) {
      const kit = yield* threadKit(bi);
      const ep = yield* kit.make(seL4_EndpointObject);
      const ep2 = yield* kit.make(seL4_EndpointObject);
      const ntfn = yield* kit.make(seL4_NotificationObject);
      const bound = yield* kit.make(seL4_NotificationObject);
      const idleNtfn = yield* kit.make(seL4_NotificationObject);
      const reply = yield* kit.make(seL4_ReplyObject);
      const reply2 = yield* kit.make(seL4_ReplyObject);
      const named = function* (name: string, tcb: number): UserGenerator<number> {
        yield* seL4_DebugNameThread(tcb, name);
        return tcb;
      };
      yield* named("receiver", yield* kit.spawn(() => seL4_Recv(ep, reply)));
      yield* named("waiter", yield* kit.spawn(() => seL4_Wait(ntfn)));
      const b = yield* named("bound", yield* kit.spawn(() => seL4_Wait(bound), { start: false }));
      yield* seL4_TCB_BindNotification(b, bound);
      yield* kit.spawn(function* () {
        yield* seL4_Recv(ep2, reply2);
        yield* seL4_Wait(idleNtfn);
      });
      yield* named("client", yield* kit.spawn(() => seL4_Call(ep2, seL4_MessageInfo_new(0, 0, 0, 0))));
      for (const name of ["spinner1", "spinner2"])
        yield* named(
          name,
          yield* kit.spawn(
            function* () {
              for (;;) yield* sel4ts_busy(500);
            },
            { prio: 50, budgetUs: 1000, periodUs: 10_000 },
          ),
        );
    },
    { maxTicks: 50_000 },
  ).system.kernel.state;
}

function thread(ks: KernelState, name: string): Tcb {
  for (const o of ks.objects.values()) if (o instanceof Tcb && o.name === name) return o;
  throw new Error(`no thread ${name}`);
}

function find<T extends KObject>(ks: KernelState, f: (o: KObject) => o is T): T {
  for (const o of ks.objects.values()) if (f(o)) return o;
  throw new Error("no such object");
}

/** Take every cap to `o` out of its slot and the MDB. */
function dropCaps(ks: KernelState, o: KObject): void {
  for (const x of ks.objects.values()) {
    const slots: Cte[] = x instanceof CNode ? x.slots : x instanceof Tcb ? x.cte : [];
    for (const c of slots) {
      if (c.obj !== o) continue;
      if (c.prev !== null) c.prev.next = c.next;
      if (c.next !== null) c.next.prev = c.prev;
      clearCap(c);
      c.prev = c.next = null;
      c.revocable = c.firstBadged = false;
    }
  }
}

describe("what the TCB slot check allows", () => {
  it("a thread's own cyclic Zombie in its CTable slot, left by deleting its last cap from a CNode", () => {
    // The TCB's cap is the only one, inside a CNode whose only cap is then deleted: finalising the
    // CNode finalises the thread, and its Zombie is swapped into the thread's first slot, as in
    // seL4's reduceZombie. The run ends normally: runRoot checks the invariants after every entry.
    const { system } = runRoot(function* (bi) {
      const kit = yield* threadKit(bi);
      const cnode = yield* kit.make(seL4_CapTableObject, 4);
      const tcb = yield* kit.make(seL4_TCBObject);
      expect(yield* seL4_CNode_Move(cnode, 0, 4, seL4_CapInitThreadCNode, tcb, 64)).toBe(0);
      expect(yield* seL4_CNode_Delete(seL4_CapInitThreadCNode, cnode, 64)).toBe(0);
    });
    const zombies = [...system.kernel.state.objects.values()].filter(
      (o) => o instanceof Tcb && o.cte[tcbCTable].type === cap_zombie_cap && o.cte[tcbCTable].obj === o,
    );
    expect(zombies.length).toBe(1);
  });
});

describe("the scheduler and link invariants catch planted corruption", () => {
  it("the world satisfies them", () => {
    const ks = world();
    expect(checkInvariants(ks)).toBeNull();
    expect(thread(ks, "receiver").blockingObject).not.toBeNull();
    expect(thread(ks, "client").replyObject).not.toBeNull();
    let released = 0;
    for (let t = ks.releaseHead; t !== null; t = t.schedNext) released++;
    expect(released).toBe(2);
  });

  /** `whole`: checkInvariants itself reports this check's message (no earlier check fires). */
  const plant = (name: string, corrupt: (ks: KernelState) => void, expected: RegExp, whole = true): void => {
    it(`CHECKER catches planted corruption: ${name}`, () => {
      const ks = world();
      corrupt(ks);
      expect(checkSched(ks)).toMatch(expected);
      if (whole) expect(checkInvariants(ks)).toMatch(expected);
      else expect(checkInvariants(ks)).not.toBeNull();
    });
    it(`MONITOR catches planted corruption as the whole checker does: ${name}`, () => {
      const ks = world();
      expectMonitorAgrees(ks, () => corrupt(ks));
    });
  };

  plant(
    "a thread blocked on a dead endpoint",
    (ks) => {
      const t = thread(ks, "receiver");
      const ep = t.blockingObject as Endpoint;
      dropCaps(ks, ep);
      ks.objects.delete(ep.ptr);
    },
    /blocked on a dead object/,
    false,
  );
  plant(
    "a thread naming a dead SC",
    (ks) => {
      const t = thread(ks, "waiter");
      const sc = t.sc as SchedContext;
      dropCaps(ks, sc);
      ks.objects.delete(sc.ptr);
    },
    /names a dead SC/,
    false,
  );
  plant(
    "a ready queue holding a dead thread",
    (ks) => {
      // A thread that was never created (or was reset away), nothing else referring to it.
      const t = new Tcb(0x1000);
      t.priority = 10;
      t.inReadyQueue = true;
      ks.readyHead[10] = t;
      ks.readyTail[10] = t;
    },
    /ready queue \d+ holds a dead thread/,
    false,
  );
  plant(
    "an idle endpoint with a queue",
    (ks) => {
      (thread(ks, "receiver").blockingObject as Endpoint).state = EPState_Idle;
    },
    /endpoint at 0x[0-9a-f]+: state 0 with a non-empty queue/,
  );
  plant(
    "a receive queue holding a sender",
    (ks) => {
      const t = thread(ks, "receiver");
      t.state = 4; // BlockedOnSend: the queue is a receive queue
      t.replyObject = null;
      for (const o of ks.objects.values()) if (o instanceof Reply && o.tcb === t) o.tcb = null;
    },
    /queues thread "receiver" in state 4/,
  );
  plant(
    "a waiting notification without waiters",
    (ks) => {
      const n = find(ks, (o): o is Notification => o instanceof Notification && o.head === null);
      n.state = NtfnState_Waiting;
    },
    /notification at 0x[0-9a-f]+: state 1 with an empty queue/,
  );
  plant(
    "a notification naming a thread not bound to it",
    (ks) => {
      thread(ks, "bound").boundNotification = null;
    },
    /and its bound thread disagree/,
  );
  plant(
    "a thread yielding to an SC that does not know it",
    (ks) => {
      thread(ks, "waiter").yieldTo = thread(ks, "receiver").sc;
    },
    /and the SC it yields to disagree/,
  );
  plant(
    "an SC naming a yielding thread that does not yield to it",
    (ks) => {
      (thread(ks, "waiter").sc as SchedContext).yieldFrom = thread(ks, "receiver");
    },
    /and the thread yielding to it disagree/,
  );
  plant(
    "an unsorted release queue",
    (ks) => {
      const first = ks.releaseHead as Tcb;
      const sc = first.sc as SchedContext;
      sc.refills[sc.refillHead].rTime += 1_000_000;
    },
    /not sorted by release time/,
  );
  plant(
    "a released thread that is not flagged",
    (ks) => {
      (ks.releaseHead as Tcb).inReleaseQueue = false;
    },
    /in the release queue is not flagged/,
  );
  plant(
    "a thread flagged as released but not queued",
    (ks) => {
      thread(ks, "waiter").inReleaseQueue = true;
    },
    /"waiter" flagged as released but not in the release queue/,
  );
  plant(
    "a blocked thread in the release queue",
    (ks) => {
      const t = thread(ks, "waiter");
      t.inReleaseQueue = true;
      t.schedNext = ks.releaseHead;
      (ks.releaseHead as Tcb).schedPrev = t;
      ks.releaseHead = t;
      const sc = t.sc as SchedContext;
      sc.refills[sc.refillHead].rTime = 0;
    },
    /"waiter" in the release queue is not runnable/,
  );
  plant(
    "a current SC that is not the current thread's",
    (ks) => {
      ks.curThread = ks.releaseHead as Tcb;
    },
    /current SC is not the current thread's/,
  );
  plant(
    "a notification cap in a TCB's fault handler slot",
    (ks) => {
      const t = thread(ks, "waiter");
      const n = find(ks, (o): o is Notification => o instanceof Notification);
      const slot = t.cte[tcbFaultHandler];
      slot.type = cap_notification_cap;
      slot.obj = n;
      slot.ptr = n.ptr;
    },
    /TCB slot 3 holds a cap of type/,
    false,
  );
  plant(
    "a notification and its SC that disagree",
    (ks) => {
      thread(ks, "bound").boundNotification!.sc = thread(ks, "waiter").sc;
    },
    /notification at 0x[0-9a-f]+ and its SC disagree/,
    false,
  );
  plant(
    "an endpoint in an unknown state",
    (ks) => {
      (thread(ks, "receiver").blockingObject as Endpoint).state = 7;
    },
    /endpoint at 0x[0-9a-f]+: bad state 7/,
  );
  plant(
    "a notification bound to a dead thread",
    (ks) => {
      const t = thread(ks, "bound");
      const n = t.boundNotification as Notification;
      n.boundTCB = new Tcb(0x2000);
    },
    /is bound to a dead thread/,
    false,
  );
  plant(
    "a reply object on the call stack of a dead SC",
    (ks) => {
      const r = thread(ks, "client").replyObject as Reply;
      r.nextSC = new SchedContext(0x3000, 8, 2);
    },
    /reply object at 0x[0-9a-f]+ names a dead object/,
    false,
  );
  plant(
    "a thread both ready and released",
    (ks) => {
      const t = ks.releaseHead as Tcb;
      const q = (t.domain << 8) | t.priority;
      ks.readyHead[q] = t;
    },
    /is both ready and released/,
    false,
  );
  plant(
    "a released thread whose SC has no refills",
    (ks) => {
      (ks.releaseHead as Tcb).sc!.refillMax = 0;
    },
    /in the release queue has no active SC/,
    false,
  );
  plant(
    "a release queue with a cycle",
    (ks) => {
      const first = ks.releaseHead as Tcb;
      (first.schedNext as Tcb).schedNext = first;
    },
    /(release queue has a cycle)|(not sorted)/,
    false,
  );
  plant(
    "a current thread that is gone",
    (ks) => {
      const t = new Tcb(0x4000);
      t.sc = ks.curSC;
      ks.curThread = t;
    },
    /the current thread is dead/,
  );
  plant(
    "a blocked thread without a cap",
    (ks) => dropCaps(ks, thread(ks, "waiter")),
    /thread "waiter" at 0x[0-9a-f]+ \(state 6\) is live but has no cap/,
  );
  plant(
    "an endpoint with a queue but no cap",
    (ks) => dropCaps(ks, thread(ks, "receiver").blockingObject as Endpoint),
    /endpoint at 0x[0-9a-f]+ queues threads but has no cap/,
  );
  plant(
    "a reply object with a caller but no cap",
    (ks) => dropCaps(ks, thread(ks, "client").replyObject as Reply),
    /reply object at 0x[0-9a-f]+ is live but has no cap/,
  );
});
