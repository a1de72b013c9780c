// The debugger on systems made only of TypeScript PDs (no RV64 instruction ever runs): it stops
// before any PD runs, runs in slices (so Ctrl-C reaches it), stops at a TS thread's kernel entry
// for a kernel-event breakpoint, and attached, the run is the undebugged one.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { microkitKernelConfig, microkitRootTask } from "../../src/microkit/run.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";
import { System } from "../../src/system/system.ts";
import type { RootMain } from "../../src/user/root.ts";
import { Debugger, type ExitEvent, type StopEvent } from "../../src/system/debug/debugger.ts";
import { monitorCommand } from "../../src/system/debug/monitor.ts";
import { EventWatch, syscallByName } from "../../src/system/debug/events.ts";
import { ENTRY_SYSCALL } from "../../src/kernel/events.ts";

const EX = resolve(import.meta.dirname, "../../examples");
let loads = 0;

/** A factory of a TS-only Microkit system; every incarnation gets fresh PD modules. */
async function tsSystem(file: string, cores: number, out: number[]): Promise<() => System> {
  const r = parseSdf(readFileSync(file, "utf8"), { file, config: { numCores: cores } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const sdf = r.system;
  const build = buildMicrokit(sdf, new Map());
  // Module state is the PDs' state: each incarnation loads its own copies, ahead of time (a
  // factory is synchronous), enough of them for the replays a test makes.
  const sets: Map<string, MicrokitProgram>[] = [];
  for (let i = 0; i < 4; i++) {
    const programs = new Map<string, MicrokitProgram>();
    const fresh = `?load=${++loads}`;
    for (const pd of sdf.protectionDomains) {
      const path = resolve(dirname(file), pd.programImage.path);
      const mod = (await import(pathToFileURL(path).href + fresh)) as Record<string, unknown>;
      programs.set(pd.name, microkitProgramOf(mod));
    }
    sets.push(programs);
  }
  return () => {
    out.length = 0;
    const s = new System({
      kernelConfig: microkitKernelConfig(sdf, cores),
      maxTicks: 10_000_000,
      onConsole: (b) => out.push(b),
    });
    const programs = sets.shift();
    if (programs === undefined) throw new Error("out of fresh PD modules");
    s.boot(microkitRootTask(build, sdf, programs));
    return s;
  };
}

const text = (b: number[]): string => Buffer.from(b).toString("latin1");

function toEnd(d: Debugger): StopEvent | ExitEvent {
  for (;;) {
    const e = d.run(50);
    if (e !== null) return e;
  }
}

describe.each([
  ["microkit/hello.system", 1, "hello, world"],
  ["microkit-smp/spsc.system", 4, "reporter: core 3, ring tail 41, head 41: empty"],
])("a TS-only system (%s, %i core(s))", (file, cores, last) => {
  const path = resolve(EX, file);

  it("stops before any PD runs, runs in slices, and attached prints what the plain run prints", async () => {
    const plainOut: number[] = [];
    const plain = (await tsSystem(path, cores, plainOut))();
    const r = plain.run();
    expect(text(plainOut)).toContain(last);
    const out: number[] = [];
    const d = new Debugger(await tsSystem(path, cores, out));
    const first = d.start();
    expect(first.kind).toBe("initial");
    // Nothing printed yet: not even the Microkit monitor has run.
    expect(text(out)).toBe("");
    const names = d.threads().map((t) => t.name);
    expect(names).toContain("monitor");
    // A slice of 5 thread runs ends with no stop: the transport can take a Ctrl-C between slices.
    expect(d.run(5)).toBeNull();
    d.interruptRequested = true;
    const e = d.run();
    expect(e?.kind).toBe("interrupt");
    expect(names).toContain((e as StopEvent).thread?.name);
    expect(toEnd(d).kind).toBe("exited");
    expect(text(out)).toBe(text(plainOut));
    expect(d.sys.kernel.state.entries).toBe(r.kernelEntries);
    expect(d.sys.machine.clock.now).toBe(r.ticks);
  }, 60_000);
});

describe("kernel-event breakpoints hit by TS threads", () => {
  it("stop at that kernel entry, the TS thread the stopped one, before any other thread runs", async () => {
    const out: number[] = [];
    const d = new Debugger(await tsSystem(resolve(EX, "microkit-smp/spsc.system"), 4, out));
    d.start();
    expect(monitorCommand(d, "break-on syscall seL4_Send", null)).toMatch(/kernel-event breakpoint 1/);
    // Every system call from now on, in order (the debugger's kernel trace hook, wrapped).
    const calls: string[] = [];
    const w = d.sys.kernel.state.trace as EventWatch;
    const entry = w.entry.bind(w);
    w.entry = (thread, kind, detail) => {
      if (kind === ENTRY_SYSCALL) calls.push(`${thread.name}:${detail}`);
      entry(thread, kind, detail);
    };
    const e = d.run();
    expect(e?.kind).toBe("event");
    const t = (e as StopEvent).thread!;
    expect(t.name).toBe("starter");
    expect((e as StopEvent).message).toMatch(/starter calls seL4_SysSend/);
    // The stop came right after the starter's Send: no thread has made a system call since.
    expect(calls[calls.length - 1]).toBe(`starter:${syscallByName("seL4_Send")}`);
    // The starter's notification to the producer was just made: the producer has not run since.
    expect(text(out)).not.toContain("producer: core 1");
    expect(d.current).toBe(t);
  }, 60_000);
});

describe("a TypeScript root task (sel4ts boot x.ts)", () => {
  it("stops before its first run when it is the user's program, and runs on to the same end", async () => {
    const root = (await import("../../examples/hello-root.ts")) as { default: RootMain };
    const make = (out: number[]) => (): System => {
      out.length = 0;
      const s = new System({ onConsole: (b) => out.push(b) });
      s.boot(root.default);
      return s;
    };
    const plainOut: number[] = [];
    const r = make(plainOut)().run();
    const out: number[] = [];
    const d = new Debugger(make(out), null, 250_000, false);
    const first = d.start() as StopEvent;
    expect(first.kind).toBe("initial");
    expect(first.thread?.name).toBe("rootserver");
    expect(text(out)).toBe("");
    expect(toEnd(d).kind).toBe("exited");
    expect(text(out)).toBe(text(plainOut));
    expect(text(out)).toMatch(/^Hello from the sel4ts root task!/);
    expect(d.sys.kernel.state.entries).toBe(r.kernelEntries);
  }, 60_000);
});
