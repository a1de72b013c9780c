// The debugger on a multicore system (src/system/harts.ts), without GDB: attached, stepping or
// stopping, the run is the undebugged one byte for byte; every thread of every core is listed;
// a step back returns to the same state.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { buildMicrokit } from "../../src/microkit/builder.ts";
import { microkitKernelConfig, microkitRootTask } from "../../src/microkit/run.ts";
import { System } from "../../src/system/system.ts";
import { Debugger, pcOfTcb, type ExitEvent, type StopEvent } from "../../src/system/debug/debugger.ts";

const C = resolve(import.meta.dirname, "../../examples/microkit-smp/spsc_c.system");

/** A factory of the 4-core C system, each incarnation printing into `out` (emptied first). */
function cSystem(out: number[]): () => System {
  const r = parseSdf(readFileSync(C, "utf8"), { file: C, config: { numCores: 4 } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains)
    elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(resolve(dirname(C), pd.programImage.path)))));
  const build = buildMicrokit(r.system, elfs);
  return () => {
    out.length = 0;
    const s = new System({
      kernelConfig: microkitKernelConfig(r.system, 4),
      maxTicks: 10_000_000,
      onConsole: (b) => out.push(b),
    });
    s.boot(microkitRootTask(build, r.system, new Map()));
    return s;
  };
}

const text = (b: number[]): string => Buffer.from(b).toString("latin1");

function isStop(e: StopEvent | ExitEvent | null): e is StopEvent {
  return e !== null && e.kind !== "exited";
}

describe("debugger on a 4-core system", () => {
  const plainOut: number[] = [];
  const plain = cSystem(plainOut)();
  const plainResult = plain.run();
  const expected = text(plainOut);

  it("attached and run to the end, the run is the undebugged one (console, kernel entries, time)", () => {
    expect(expected).toMatch(/reporter: core 3, ring tail 41, head 41: empty/);
    const out: number[] = [];
    const d = new Debugger(cSystem(out));
    const first = d.start();
    expect(first.kind).toBe("initial");
    let e: StopEvent | ExitEvent | null;
    do e = d.run(100_000);
    while (e === null);
    expect(e.kind).toBe("exited");
    expect(text(out)).toBe(expected);
    expect(d.sys.kernel.state.entries).toBe(plainResult.kernelEntries);
    expect(d.sys.machine.clock.now).toBe(plainResult.ticks);
  }, 60_000);

  it("every PD is a thread, whatever its core; stepping a thread on core 2 leaves the run unchanged", () => {
    const out: number[] = [];
    const d = new Debugger(cSystem(out));
    d.start();
    const names = d.threads().map((t) => `${t.name}@${t.affinity}`);
    for (const n of ["starter@0", "producer@1", "consumer@2", "reporter@3"]) expect(names).toContain(n);
    const consumer = d.threads().find((t) => t.name === "consumer")!;
    let stepped = 0;
    const cores = new Set<number>();
    for (let i = 0; i < 400; i++) {
      d.stepInstruction(consumer);
      const e = d.run();
      if (!isStop(e)) break;
      expect(e.thread).toBe(consumer);
      cores.add(d.sys.machine.hart);
      stepped++;
    }
    expect(stepped).toBe(400);
    // The consumer's steps ran on its core, the other cores advancing meanwhile.
    expect([...cores]).toEqual([2]);
    d.resumeAll();
    let e: StopEvent | ExitEvent | null;
    do e = d.run(100_000);
    while (e === null);
    expect(text(out)).toBe(expected);
    expect(d.sys.kernel.state.entries).toBe(plainResult.kernelEntries);
    expect(d.sys.machine.clock.now).toBe(plainResult.ticks);
  }, 60_000);

  it.each([
    ["from boot", 0],
    ["from a snapshot", 2_000],
  ])(
    "stepi then reverse-stepi (replay %s) returns to the same registers, memory, hart and time",
    (_how, every) => {
      const d = new Debugger(cSystem([]), null, every);
      d.start();
      const producer = d.threads().find((t) => t.name === "producer")!;
      for (let i = 0; i < 3000; i++) {
        d.stepInstruction(producer);
        d.run();
      }
      const regs = Array.from(producer.regs);
      const pos = d.steps;
      const pc = pcOfTcb(producer);
      const hart = d.sys.machine.hart;
      const now = d.sys.machine.clock.now;
      const sp = producer.regs[2] + producer.regs[3] * 2 ** 32;
      const stack = d.readMemory(producer, sp - 64, 128);
      d.stepInstruction(producer);
      d.run();
      expect(d.steps).toBeGreaterThan(pos);
      const incarnation = d.sys;
      const back = d.reverseStep(producer);
      // Restoring a snapshot of every hart keeps the system; replaying from boot makes a new one.
      expect(d.sys === incarnation).toBe(every > 0);
      const t = back.thread!;
      expect(t.name).toBe("producer");
      expect(d.steps).toBe(pos);
      expect(pcOfTcb(t)).toBe(pc);
      expect(Array.from(t.regs)).toEqual(regs);
      expect(d.readMemory(t, sp - 64, 128)).toEqual(stack);
      expect(d.sys.machine.hart).toBe(hart);
      expect(d.sys.machine.clock.now).toBe(now);
    },
    60_000,
  );

  it("Ctrl-C stops the whole machine; a breakpoint on core 2 hit twice, reverse-continue returns to the first hit exactly", () => {
    const out: number[] = [];
    // The console, rewound with the system when a snapshot is restored (as the CLI's is).
    const host = { mark: () => out.length, rewind: (n: number) => void (out.length = n) };
    const d = new Debugger(cSystem(out), host, 200);
    d.start();
    d.interruptRequested = true;
    const stop = d.run();
    expect(stop?.kind).toBe("interrupt");
    // A breakpoint on the consumer's next instruction, in its address space only.
    const consumer = d.threads().find((t) => t.name === "consumer")!;
    for (let i = 0; i < 50; i++) {
      d.stepInstruction(consumer);
      d.run();
    }
    const pc = pcOfTcb(consumer);
    d.focus = consumer;
    d.addBreakpoint(pc);
    const hits: { steps: number; now: number; regs: number[]; hart: number }[] = [];
    for (let i = 0; i < 2; i++) {
      d.resumeAll();
      const e = d.run();
      if (!isStop(e)) break;
      expect(e.kind).toBe("breakpoint");
      expect(e.thread?.name).toBe("consumer");
      hits.push({
        steps: d.steps,
        now: d.sys.machine.clock.now,
        regs: Array.from(e.thread!.regs),
        hart: d.sys.machine.hart,
      });
    }
    expect(hits.length).toBe(2);
    expect(hits[0].hart).toBe(2);
    const incarnation = d.sys;
    const back = d.reverseContinue();
    // From a snapshot of every hart (the TS monitor has not run since), not a replay from boot.
    expect(d.sys === incarnation).toBe(true);
    expect(back.kind).toBe("breakpoint");
    expect(back.thread?.name).toBe("consumer");
    expect({
      steps: d.steps,
      now: d.sys.machine.clock.now,
      regs: Array.from(back.thread!.regs),
      hart: d.sys.machine.hart,
    }).toEqual(hits[0]);
    // And on from there, without the breakpoint, to the undebugged run's end.
    d.removeBreakpoint(pc);
    d.resumeAll();
    let e: StopEvent | ExitEvent | null;
    do e = d.run(100_000);
    while (e === null);
    expect(e.kind).toBe("exited");
    expect(text(out)).toBe(expected);
    expect(d.sys.kernel.state.entries).toBe(plainResult.kernelEntries);
  }, 60_000);
});
