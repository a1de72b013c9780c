// Property test: threads and IPC (Kernel II/III). A TS root task creates threads (TCB, SC, IPC
// buffer, priority, fault and timeout endpoints) that each run a small random program of IPC
// operations (Send / NBSend / Call / Recv / NBRecv / ReplyRecv / NBSendRecv / Wait / Poll /
// Signal / Yield on caps from a small pool, with random lengths, extra caps, badges and reply
// objects, computation past their budgets, and kernel invocations of their own), mostly in casts
// that pair up (a server, its clients, a waiter and a signaller, sometimes a passive server fed by
// donated SCs), while the root randomly suspends, resumes, restarts, deletes and revokes threads,
// endpoints, replies and SCs, changes priorities, binds and unbinds notifications and SCs, sends,
// receives and replies itself, and lowers its priority to let the threads run. Threads may block
// forever: a run ends when everything is blocked, or at a short time bound (SystemOptions
// maxTicks). Commands: property-world-cmds.ts; runner and generic thread body: property-world.ts;
// generators: property-world-gen.ts and property-world-scenarios.ts.
//
// Properties: no JavaScript exception escapes the kernel; the kernel's invariant checker holds
// after every kernel entry; every invocation the root
// makes with seL4_Call is answered with an seL4_Error (0..10).
//
// The property has teeth. Planted in a scratch copy of the tree (never committed), each of these
// bugs made the fixed seeds fail within the first runs of each test: cancelIPC not removing a
// thread blocked on an endpoint from the endpoint's queue (run 1: an endpoint "queues thread ... in
// state 1", from invariants-sched.ts); cancelIPC not clearing the reply object of a cancelled
// receiver (run 7, and run 1 of the long test: "reply object ... names a thread that does not hold
// it"); finalising an endpoint without cancelAllIPC (run 2: "endpoint ... queues threads but has
// no cap", invariants-sched.ts's if_live_then_nonz_cap).
//
// SEL4TS_FUZZ_SEED / SEL4TS_FUZZ_SCALE (see fuzz-commands.ts) run other or longer campaigns. A
// failure prints the command list; runWorld(cmds, { trace }) replays it with a trace of every root
// command and thread operation.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCALE, SEED } from "./fuzz-commands.ts";
import { checkWorldAnswers, runWorld } from "./property-world.ts";
import { IPC_MIX, worldCommands } from "./property-world-scenarios.ts";

/**
 * The campaigns are bounded by their number of runs only (no wall-clock limit), so a run under
 * load checks exactly what a run on an idle machine checks; the vitest timeout is generous for
 * that reason. A longer campaign (SEL4TS_FUZZ_SCALE > 1) needs a longer one: --testTimeout=...
 */
const TEST_TIMEOUT = 300_000;

function property(min: number, max: number, seed: number, numRuns: number): Map<string, number> {
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(worldCommands(IPC_MIX, min, max), (cmds) => {
      const out = runWorld(cmds);
      checkWorldAnswers(cmds, out);
      for (const [k, v] of out.stats) seen.set(k, (seen.get(k) ?? 0) + v);
    }),
    { seed, numRuns },
  );
  return seen;
}

describe("property: threads running random IPC programs keep the kernel consistent", () => {
  it(
    "PROP no kernel exception, invariants after every entry, every root Call answered with an seL4_Error (50 x <= 35 commands)",
    () => {
      const seen = property(10, 35, SEED + 2, 50 * SCALE);
      // The runs did real work of every kind: every IPC operation completed somewhere, faults and
      // timeouts reached handlers, the root's thread management succeeded, and runs ended with
      // threads in every blocked state.
      const ops = [
        "Send",
        "NBSend",
        "Call",
        "Recv",
        "NBRecv",
        "ReplyRecv",
        "Wait",
        "Poll",
        "Signal",
        "Yield",
        "Root",
      ];
      for (const op of ops) expect(seen.get(`thread ${op}`) ?? 0, `thread ${op}`).toBeGreaterThan(0);
      for (const f of ["cap fault", "vm fault", "timeout fault"])
        expect(seen.get(`received ${f}`) ?? 0, `received ${f}`).toBeGreaterThan(0);
      const root = [
        "Suspend",
        "Resume",
        "Restart",
        "SetPriority",
        "SetSchedParams",
        "SetTimeoutEp",
        "BindNtfn",
        "SCBind",
        "SCUnbind",
        "SCConfigure",
        "Delete",
        "Revoke",
        "RevokeUT",
        "CancelBadgedSends",
        "Let",
        "Reply",
        "NBRecv",
        "Signal",
      ];
      for (const op of root) expect(seen.get(`root ${op}`) ?? 0, `root ${op}`).toBeGreaterThan(0);
      for (const s of [
        "BlockedOnReceive",
        "BlockedOnSend",
        "BlockedOnReply",
        "BlockedOnNotification",
        "Inactive",
      ])
        expect(seen.get(`end ${s}`) ?? 0, `end ${s}`).toBeGreaterThan(0);
      expect(seen.get("fastpaths") ?? 0).toBeGreaterThan(0);
      expect(seen.get("unhandled cap fault") ?? 0).toBeGreaterThan(0);
    },
    TEST_TIMEOUT,
  );

  it(
    "PROP the same over long runs (4 x 100..140 commands)",
    () => {
      const seen = property(100, 140, SEED + 4, 4 * SCALE);
      expect(seen.get("thread ReplyRecv") ?? 0).toBeGreaterThan(0);
    },
    TEST_TIMEOUT,
  );
});
