// `--trace` on a multicore kernel: a "cores" process with a track per core whose slices name the
// thread each core runs, beside the per-thread tracks; a thread never shows on two cores at once,
// each core's idle thread has its own track, and the file is the same bytes every run.

import { describe, expect, it } from "vitest";
import { seL4_NotificationObject, seL4_Signal, seL4_Wait, sel4ts_busy } from "../../src/user/libsel4.ts";
import { runRoot } from "../harness.ts";
import { threadKit } from "../kernel/thread-helpers.ts";
import { sha256 } from "./helpers.ts";
import { validateTrace, type ParsedTrace } from "./validate.ts";

function traceFourCores(): string {
  const r = runRoot(
    function* (bi) {
      const k = yield* threadKit(bi);
      const ping = yield* k.make(seL4_NotificationObject);
      for (const core of [1, 2, 3]) {
        yield* k.spawn(
          function* () {
            yield* seL4_Wait(ping);
            yield* sel4ts_busy(200 * core);
          },
          { prio: 100, core },
        );
      }
      yield* sel4ts_busy(500);
      for (let i = 0; i < 3; i++) yield* seL4_Signal(ping);
      yield* sel4ts_busy(2000);
    },
    { kernelConfig: { numNodes: 4 }, trace: { processName: "smp" }, checkInvariants: false },
  );
  return r.system.tracer?.toJSON() ?? "";
}

/** Per core: the names of the slices on its track, in order. */
function coreSlices(t: ParsedTrace): Map<string, string[]> {
  const names = new Map<number, string>();
  for (const e of t.events)
    if (e.ph === "M" && e.pid === 2 && e.name === "thread_name")
      names.set(e.tid as number, String((e.args as { name: string }).name));
  const m = new Map<string, string[]>();
  for (const e of t.events) {
    if (e.pid !== 2 || e.ph !== "B") continue;
    const core = names.get(e.tid as number) ?? "?";
    m.set(core, [...(m.get(core) ?? []), String(e.name)]);
  }
  return m;
}

describe("trace of a 4-core run", () => {
  it("has a track per core naming the threads it runs, and per-thread tracks that never overlap", () => {
    const json = traceFourCores();
    const { problems, trace } = validateTrace(json);
    // The validator checks B/E balance per track: a thread on two cores at once would nest.
    expect(problems).toEqual([]);
    if (trace === null) throw new Error("no trace");
    const cores = coreSlices(trace);
    expect([...cores.keys()].sort()).toEqual(["CPU 0", "CPU 1", "CPU 2", "CPU 3"]);
    expect(cores.get("CPU 0")).toContain("rootserver");
    for (const c of [1, 2, 3]) {
      const here = cores.get(`CPU ${c}`) ?? [];
      expect(here).toContain(`idle (CPU ${c})`);
      expect(here).toContain("child of: 'rootserver'");
      // Only threads of that core and its own idle thread.
      expect(here.filter((n) => n.startsWith("idle") && n !== `idle (CPU ${c})`)).toEqual([]);
      expect(here).not.toContain("rootserver");
    }
    // Each of the three workers (told apart by TCB address) ran on one core only, each on its own.
    const coreOf = new Map<string, Set<number>>();
    for (const e of trace.events) {
      const tcb = (e.args as { tcb?: string } | undefined)?.tcb;
      if (e.pid !== 2 || e.ph !== "B" || e.name !== "child of: 'rootserver'" || tcb === undefined) continue;
      coreOf.set(tcb, (coreOf.get(tcb) ?? new Set()).add(e.tid as number));
    }
    expect([...coreOf.values()].map((s) => [...s]).sort()).toEqual([[2], [3], [4]]);
    const threadNames = trace.events
      .filter((e) => e.ph === "M" && e.pid === 1 && e.name === "thread_name")
      .map((e) => String((e.args as { name: string }).name));
    for (const c of [0, 1, 2, 3]) expect(threadNames).toContain(`idle (CPU ${c})`);
  });

  it("is the same bytes every run", () => {
    expect(sha256(traceFourCores())).toBe(sha256(traceFourCores()));
  });
});
