// The debugger core without GDB: attaching changes nothing in the run, a step and a step back
// return to the same registers, memory and position, and the protocol answers unmapped memory
// with an error.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { System } from "../../src/system/system.ts";
import { Debugger, pcOfTcb } from "../../src/system/debug/debugger.ts";
import { RESUME, RspSession } from "../../src/system/debug/rsp.ts";

const ELF = new Uint8Array(readFileSync(new URL("../../examples/c/client-server.elf", import.meta.url)));

function maker(out: number[]): () => System {
  return () => {
    out.length = 0;
    const s = new System({ onConsole: (b) => out.push(b) });
    s.bootElf(ELF);
    return s;
  };
}

describe("debugger core", () => {
  it("a run with the debugger attached prints exactly what the plain run prints", () => {
    const plain: number[] = [];
    const s = maker(plain)();
    const r = s.run();
    const debugged: number[] = [];
    const d = new Debugger(maker(debugged));
    expect(d.start().kind).toBe("initial");
    const e = d.run();
    expect(e?.kind).toBe("exited");
    expect(Buffer.from(debugged).toString()).toBe(Buffer.from(plain).toString());
    expect(d.sys.kernel.state.entries).toBe(r.kernelEntries);
    expect(plain.length).toBeGreaterThan(0);
  });

  it.each([
    ["from boot", 0],
    ["from a snapshot", 100],
  ])(
    "stepi then reverse-stepi (replay %s) returns to the same registers, memory and position",
    (_how, every) => {
      const d = new Debugger(maker([]), null, every);
      d.start();
      for (let i = 0; i < 300; i++) {
        d.stepInstruction(d.current!);
        d.run();
      }
      const t = d.current!;
      const regs = Array.from(t.regs);
      const pos = d.steps;
      const pc = pcOfTcb(t);
      const sp = t.regs[2] + t.regs[3] * 2 ** 32;
      const stack = d.readMemory(t, sp - 64, 128);
      d.stepInstruction(t);
      d.run();
      expect(d.steps).toBeGreaterThan(pos);
      const back = d.reverseStep(d.current!);
      const t2 = back.thread!;
      expect(t2.ptr).toBe(t.ptr);
      expect(d.steps).toBe(pos);
      expect(Array.from(t2.regs)).toEqual(regs);
      expect(d.readMemory(t2, sp - 64, 128)).toEqual(stack);
      expect(pcOfTcb(t2)).toBe(pc);
      expect(d.snapshotStats.count).toBe(every === 0 ? 0 : 4);
    },
  );

  it("going back to a snapshot and running on is the same run: same console, same kernel entries", () => {
    const plain: number[] = [];
    const r = maker(plain)().run();
    const out: number[] = [];
    let rewound = 0;
    const host = {
      mark: () => out.length,
      rewind: (m: number) => ((rewound = out.length - m), (out.length = m)),
    };
    const d = new Debugger(maker(out), host, 1_000);
    d.start();
    expect(d.run()?.kind).toBe("exited");
    const end = d.steps;
    const mid = Math.floor(end / 2) + 7;
    expect(d.snapshotStats.count).toBeGreaterThan(5);
    // Registers of every thread at a position reached through a snapshot and through boot agree.
    d.replayTo(mid);
    expect(d.steps).toBe(mid);
    const viaSnapshot = d.threads().map((t) => Array.from(t.regs));
    const entries = d.sys.kernel.state.entries;
    const fresh = new Debugger(maker([]), null, 0);
    fresh.start();
    fresh.replayTo(mid);
    expect(fresh.threads().map((t) => Array.from(t.regs))).toEqual(viaSnapshot);
    expect(fresh.sys.kernel.state.entries).toBe(entries);
    // Run to the end from the restored snapshot.
    d.resumeAll();
    expect(d.run()?.kind).toBe("exited");
    expect(d.steps).toBe(end);
    expect(Buffer.from(out).toString()).toBe(Buffer.from(plain).toString());
    expect(d.sys.kernel.state.entries).toBe(r.kernelEntries);
    expect(rewound).toBeGreaterThan(0);
  });

  it("memory reads go through the thread's VSpace: unmapped is an error reply, threads are named", () => {
    const rsp = new RspSession(new Debugger(maker([])));
    rsp.begin();
    expect(rsp.handle("m0,4")).toBe("E14");
    expect(rsp.handle("qXfer:threads:read::0,fff")).toContain('name="rootserver"');
    expect(rsp.handle("qRcmd," + Buffer.from("threads").toString("hex"))).not.toBe("");
    expect(rsp.handle("vCont;s")).toBe(RESUME);
    expect(rsp.runSlice()).toMatch(/^T05thread:1;/);
  });
});
