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

  it("stepi then reverse-stepi returns to the same registers, memory and position", () => {
    const d = new Debugger(maker([]));
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
    expect(pcOfTcb(t)).not.toBe(pc);
    expect(pcOfTcb(t2)).toBe(pc);
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
