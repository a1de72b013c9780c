// `--trace`: the Chrome/Perfetto JSON a run writes is well formed, shows a track per thread with
// its kernel entries, IPC and notification flows between the right threads, faults and SC budget
// events; and the CLI writes it for `boot` and `run`.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { System } from "../../src/system/system.ts";
import { seL4_CapInitThreadTCB, seL4_DebugNameThread, seL4_DebugPutString } from "../../src/user/libsel4.ts";
import clientServer from "../../examples/client-server.ts";
import { budgetRoot } from "./budget-root.ts";
import { runRoot } from "../harness.ts";
import { EXAMPLES, traceMicrokit, traceRoot } from "./helpers.ts";
import { flowsOf, validateTrace, type ParsedTrace } from "./validate.ts";

function parse(json: string): ParsedTrace {
  const { problems, trace } = validateTrace(json);
  expect(problems).toEqual([]);
  if (trace === null) throw new Error("no trace");
  return trace;
}

function names(t: ParsedTrace, ph: string, cat?: string): Set<string> {
  return new Set(
    t.events.filter((e) => e.ph === ph && (cat === undefined || e.cat === cat)).map((e) => String(e.name)),
  );
}

function hasFlow(t: ParsedTrace, name: string, from: string, to: string): boolean {
  return flowsOf(t).some((f) => f.name === name && f.from === from && f.to === to);
}

describe("trace validator", () => {
  const ok = (events: object[]): string =>
    JSON.stringify({
      traceEvents: [
        { name: "process_name", ph: "M", pid: 1, args: { name: "p" } },
        { name: "thread_name", ph: "M", pid: 1, tid: 2, args: { name: "a" } },
        { name: "thread_name", ph: "M", pid: 1, tid: 3, args: { name: "b" } },
        ...events,
      ],
      displayTimeUnit: "ns",
    });
  const B = (tid: number, ts: number, name = "t") => ({ name, ph: "B", ts, pid: 1, tid });
  const E = (tid: number, ts: number, name = "t") => ({ name, ph: "E", ts, pid: 1, tid });

  it("accepts a well-formed trace", () => {
    const text = ok([
      B(2, 0),
      { name: "k", ph: "X", ts: 1, dur: 1, pid: 1, tid: 2 },
      { name: "m", cat: "ipc", ph: "s", id: 1, ts: 1.5, pid: 1, tid: 2 },
      E(2, 3),
      B(3, 3),
      { name: "m", cat: "ipc", ph: "f", bp: "e", id: 1, ts: 3.1, pid: 1, tid: 3 },
      { name: "c", ph: "C", ts: 3.2, pid: 1, args: { us: 1 } },
      { name: "i", ph: "i", s: "t", ts: 3.3, pid: 1, tid: 3 },
      E(3, 4),
    ]);
    expect(validateTrace(text).problems).toEqual([]);
  });

  it("finds unbalanced slices, misnested X, unmatched flows, time going back and missing names", () => {
    const bad = (events: object[]) => validateTrace(ok(events)).problems.join("\n");
    expect(bad([B(2, 0)])).toMatch(/B without E/);
    expect(bad([E(2, 0)])).toMatch(/E without an open B/);
    expect(bad([B(2, 0), E(2, 1, "u")])).toMatch(/closes B/);
    expect(
      bad([
        { name: "k", ph: "X", ts: 0, dur: 5, pid: 1, tid: 2 },
        { name: "j", ph: "X", ts: 1, dur: 5, pid: 1, tid: 2 },
      ]),
    ).toMatch(/ends after its parent/);
    expect(bad([B(2, 0), { name: "m", cat: "c", ph: "s", id: 1, ts: 1, pid: 1, tid: 2 }, E(2, 2)])).toMatch(
      /has 0 ends/,
    );
    expect(bad([B(2, 0), { name: "m", cat: "c", ph: "f", id: 9, ts: 1, pid: 1, tid: 2 }, E(2, 2)])).toMatch(
      /without a start/,
    );
    expect(bad([B(2, 5), E(2, 1)])).toMatch(/goes back/);
    expect(bad([B(7, 0), E(7, 1)])).toMatch(/no thread_name/);
    expect(bad([{ name: "x", ph: "Q", ts: 0, pid: 1, tid: 2 }])).toMatch(/unknown ph/);
    expect(bad([{ name: "x", ph: "B", pid: 1, tid: 2 }])).toMatch(/ts is not/);
  });
});

describe("traces of example systems", () => {
  it("passive_server.system: a track per PD, the client's call into the server and the reply back", async () => {
    const run = await traceMicrokit("passive_server");
    const t = parse(run.json);
    expect(t.processNames.get(1)).toBe("passive_server.system");
    const threads = new Set(t.threadNames.values());
    for (const n of ["rootserver", "monitor", "server", "client", "idle"]) expect(threads).toContain(n);
    // Running slices carry the thread's name; kernel entries the syscall or invocation.
    expect(names(t, "B", "thread")).toEqual(threads);
    const kernel = names(t, "X", "kernel");
    for (const n of ["seL4_Call", "seL4_Recv", "seL4_DebugPutChar", "Untyped_Retype", "TCB_WriteRegisters"])
      expect(kernel).toContain(n);
    expect(hasFlow(t, "call", "client", "server")).toBe(true);
    expect(hasFlow(t, "reply", "server", "client")).toBe(true);
    // The budget of every SC that was charged is a counter.
    expect([...names(t, "C")].some((n) => n.startsWith("budget sc@0x") && n.includes("(client)"))).toBe(true);
    expect(JSON.parse(run.json).otherData).toMatchObject({ truncated: false });
  });

  it("hierarchy.system: the crasher's VM faults go to the restarter as fault messages", async () => {
    const t = parse((await traceMicrokit("hierarchy")).json);
    const faults = t.events.filter((e) => e.ph === "i" && e.cat === "fault");
    expect(faults.length).toBeGreaterThanOrEqual(10);
    expect(faults.every((e) => e.name === "VM fault")).toBe(true);
    expect(hasFlow(t, "VM fault", "crasher", "restarter")).toBe(true);
    expect(names(t, "X", "kernel")).toContain("VM fault");
  });

  it("shared_memory.system: a notification is an arrow from the signaller to the woken PD", async () => {
    const t = parse((await traceMicrokit("shared_memory")).json);
    expect(names(t, "X", "kernel")).toContain("seL4_Signal");
    expect(hasFlow(t, "signal", "producer", "consumer")).toBe(true);
  });

  it("timer.system: the RTC's IRQ is a kernel entry whose signal wakes the driver, which notifies its client", async () => {
    const t = parse((await traceMicrokit("timer", 15_000_000)).json);
    expect(names(t, "X", "kernel")).toContain("IRQ 11");
    expect(hasFlow(t, "signal", "idle", "timer")).toBe(true);
    expect(hasFlow(t, "signal", "timer", "client")).toBe(true);
  });

  it("client-server.ts (root task): threads named with seL4_DebugNameThread, calls and replies", () => {
    const t = parse(traceRoot(clientServer, "client-server.ts").json);
    const threads = new Set(t.threadNames.values());
    for (const n of ["rootserver", "server", "client1", "client2", "idle"]) expect(threads).toContain(n);
    for (const c of ["client1", "client2"]) {
      expect(hasFlow(t, "call", c, "server")).toBe(true);
      expect(hasFlow(t, "reply", "server", c)).toBe(true);
    }
    const kernel = names(t, "X", "kernel");
    for (const n of ["seL4_ReplyRecv", "TCB_Configure", "SchedContext_Unbind", "thread returned (suspend)"])
      expect(kernel).toContain(n);
  });
});

describe("SC budget events", () => {
  it("an overrun without a timeout handler: budget exhausted, throttled until the next period, released", () => {
    const run = traceRoot(budgetRoot(false), "budget");
    expect(run.out).toContain("worker: done");
    const t = parse(run.json);
    const worker = t.events.filter(
      (e) => e.ph === "i" && e.cat === "sched" && t.threadNames.get(`1/${String(e.tid)}`) === "worker",
    );
    const seq = worker.map((e) => String(e.name)).filter((n) => n !== "refill charge");
    expect(seq.slice(0, 3)).toEqual(["budget exhausted", "throttled", "released"]);
    const throttled = worker.find((e) => e.name === "throttled");
    expect(throttled?.args).toMatchObject({ period_us: 1000 });
    const exhausted = worker.find((e) => e.name === "budget exhausted");
    expect(exhausted?.args).toMatchObject({ available_us: 0 });
    expect(t.events.some((e) => e.ph === "C" && String(e.name).includes("(worker)"))).toBe(true);
  });

  it("an overrun with a timeout handler: a timeout fault instant and a fault message to the handler", () => {
    const run = traceRoot(budgetRoot(true), "budget");
    expect(run.out).toContain("root: fault label 5");
    const t = parse(run.json);
    const fault = t.events.find((e) => e.ph === "i" && e.name === "timeout fault");
    expect(fault?.args).toMatchObject({ badge: "0x7", handler: "fault message sent" });
    expect(hasFlow(t, "timeout fault", "worker", "rootserver")).toBe(true);
  });
});

describe("determinism and cost", () => {
  it("toJSON is idempotent and the trace holds no host data", async () => {
    const sys = new System({ ramSize: 64 * 1024 * 1024, trace: {} });
    sys.boot(clientServer);
    sys.run();
    const a = sys.tracer?.toJSON() ?? "";
    expect(sys.tracer?.toJSON()).toBe(a);
    expect(a).not.toMatch(/\/work|\/home|\/tmp|20\d\d-\d\d-\d\d/);
  });

  it("tracing does not change the run: same output, simulated time and kernel entries", () => {
    const traced = traceRoot(clientServer);
    const plain = runRoot(clientServer, { checkInvariants: false });
    expect(traced.out).toBe(plain.out);
    expect(traced.result).toEqual(plain.result);
  });

  it("the IPC fastpath reports the same flows as the slowpath", () => {
    const run = (fastpath: boolean) => {
      const r = runRoot(clientServer, { trace: {}, checkInvariants: false, fastpath });
      if (fastpath) expect(r.system.kernel.fastpathsTaken).toBeGreaterThan(0);
      return flowsOf(parse(r.system.tracer?.toJSON() ?? ""));
    };
    expect(run(true)).toEqual(run(false));
  });

  it("a thread that renames itself while it runs: its slice still ends under the name it began with", () => {
    const t = parse(
      traceRoot(function* () {
        yield* seL4_DebugNameThread(seL4_CapInitThreadTCB, "renamed");
        yield* seL4_DebugPutString("x");
      }).json,
    );
    expect(new Set(t.threadNames.values())).toContain("renamed");
    expect(names(t, "B", "thread")).toContain("rootserver");
  });

  it("a system without a tracer gives the kernel no trace observer", () => {
    const sys = new System({ ramSize: 64 * 1024 * 1024 });
    expect(sys.tracer).toBeNull();
    expect(sys.kernel.state.trace).toBeNull();
  });

  it("maxEvents truncates cleanly: still valid, and marked truncated", () => {
    const sys = new System({ ramSize: 64 * 1024 * 1024, trace: { maxEvents: 50 } });
    sys.boot(clientServer);
    sys.run();
    const json = sys.tracer?.toJSON() ?? "";
    parse(json);
    expect(JSON.parse(json).otherData).toMatchObject({ truncated: true });
    expect(sys.tracer?.eventCount).toBeLessThan(80);
  });
});

describe("sel4ts --trace", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const quiet = (): void => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  };
  const dir = mkdtempSync(join(tmpdir(), "sel4ts-trace-"));

  it("run writes the trace file", async () => {
    const out = join(dir, "run.json");
    quiet();
    const code = await main(["run", resolve(EXAMPLES, "microkit/passive_server.system"), "--trace", out]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const t = parse(readFileSync(out, "utf8"));
    expect(t.processNames.get(1)).toBe("passive_server.system");
  });

  it("boot writes the trace file; a missing file name is a usage error", async () => {
    const out = join(dir, "boot.json");
    quiet();
    const code = await main(["boot", resolve(EXAMPLES, "hello-root.ts"), "--no-stdin", "--trace", out]);
    const bad = await main(["boot", resolve(EXAMPLES, "hello-root.ts"), "--trace"]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(bad).toBe(2);
    expect(new Set(parse(readFileSync(out, "utf8")).threadNames.values())).toContain("rootserver");
  });
});
