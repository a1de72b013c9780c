// Breakpoints on kernel events (`monitor break-on …`), end to end with gdb-multiarch: the stop names
// the thread the event is about (GDB switches to it) and says why on GDB's console.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, debugSession, haveGdb } from "./gdb-session.ts";

describe.skipIf(!haveGdb)("kernel-event breakpoints", () => {
  it("break-on fault <thread> stops at the crasher PD's faulting store", async () => {
    const s = await debugSession("examples/microkit-c/hierarchy.system", [
      "file examples/microkit-c/crasher.elf",
      "monitor break-on fault crasher",
      "monitor break-list",
      "continue",
      "bt",
      "kill",
    ]);
    expect(s.gdb).toMatch(/kernel-event breakpoint 1: fault of crasher/);
    expect(s.gdb).toMatch(/^1: fault of crasher$/m);
    expect(s.gdb).toMatch(/sel4ts: crasher faults: seL4_Fault_VMFault at 0x0/);
    expect(s.gdb).toMatch(/Thread \d+ "crasher" received signal SIGTRAP/);
    expect(s.gdb).toMatch(/#0 +0x[0-9a-f]+ in init \(\) at \.\/crasher\.c:7/);
    expect(s.console).toContain("crasher, starting");
    // Stopped at the fault: the fault handler has not restarted it yet.
    expect(s.console).not.toContain("restarting");
  }, 120_000);

  it("break-on ipc <thread>:<cptr> stops the client at its ppcall; break-delete removes it", async () => {
    const s = await debugSession("examples/microkit-c/passive_server.system", [
      "file examples/microkit-c/client.elf",
      "monitor caps client",
      "monitor break-on ipc client:0x4a",
      "continue",
      "bt",
      "monitor break-delete 1",
      "monitor break-list",
      "continue",
    ]);
    expect(s.gdb).toMatch(/0x4a: endpoint 0x[0-9a-f]+ badge 0x8000000000000000/);
    expect(s.gdb).toMatch(/sel4ts: client seL4_SysCall to endpoint 0x[0-9a-f]+ \(client:0x4a\)/);
    expect(s.gdb).toMatch(/Thread \d+ "client" received signal SIGTRAP/);
    expect(s.gdb).toMatch(/#1 +microkit_ppcall \(ch=0,/);
    expect(s.gdb).toMatch(/#2 +init \(\) at \.\/client\.c:10/);
    expect(s.gdb).toMatch(/deleted kernel-event breakpoint 1\s+no kernel-event breakpoints/);
    expect(s.gdb).toMatch(/exited normally/);
  }, 120_000);

  it("break-on error <seL4_Error> and break-on syscall stop the root task at the failing call", async () => {
    const s = await debugSession(
      ["boot", "examples/c/hello-root.elf"],
      [
        "file examples/c/hello-root.elf",
        "monitor break-on syscall seL4_SysDebugCapIdentify",
        "continue",
        "bt",
        "monitor break-delete 1",
        "monitor break-on error seL4_NotEnoughMemory",
        "continue",
        "bt",
        "kill",
      ],
    );
    expect(s.gdb).toMatch(/sel4ts: rootserver calls seL4_SysDebugCapIdentify/);
    expect(s.gdb).toMatch(/#1 +(0x[0-9a-f]+ in )?main \(bootinfo=0x[0-9a-f]+\) at \.\/hello-root\.c:5[45]/);
    expect(s.gdb).toMatch(/sel4ts: rootserver: invocation failed with seL4_NotEnoughMemory/);
    expect(s.gdb).toMatch(/#1 .* in seL4_Untyped_Retype .*num_objects=num_objects@entry=256/);
    expect(s.gdb).toMatch(/#2 .* in main \(bootinfo=0x[0-9a-f]+\) at \.\/hello-root\.c:64/);
    // Stopped right after the failing call: the root task has not printed its verdict yet.
    expect(s.console).toContain("revoke the endpoint");
    expect(s.console).not.toContain("do not fit");
  }, 120_000);

  it("Ctrl-C while the target runs stops it where it is (SIGINT), and it can go on", async () => {
    const s = await debugSession(
      ["boot", "test/machine/riscv/bin/loop.elf"],
      [
        "file test/machine/riscv/bin/loop.elf",
        // A countdown of a billion iterations: it runs until interrupted.
        "set {long}&count = 1000000000",
        "p {long}&count",
        // gdb's own output is buffered in a pipe; a shell's is not: the signal to interrupt.
        "shell echo sel4ts-test-continuing",
        "continue",
        "p $t1",
        "info threads",
        "stepi",
        "p $t1",
        "kill",
      ],
      { after: /sel4ts-test-continuing/, ms: 2000 },
    );
    expect(s.gdb).toMatch(/Program received signal SIGINT/);
    expect(s.gdb).toMatch(/in tight \(\)/);
    const left = Number(/^\$2 = (\d+)$/m.exec(s.gdb)?.[1]);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(1_000_000_000);
    expect(s.gdb).toMatch(/\* 1 +Thread 1 "rootserver"/);
    // One more instruction of the countdown after the stop.
    const after = Number(/^\$3 = (\d+)$/m.exec(s.gdb)?.[1]);
    expect(left - after).toBeLessThanOrEqual(1);
  }, 120_000);

  it("TypeScript PDs: monitor threads and caps show them, and a kernel event of a TS PD stops", async () => {
    const s = await debugSession("examples/microkit-c/mixed.system", [
      "monitor threads",
      "monitor caps client",
      "monitor sc client",
      "monitor break-on ipc client:0x4a",
      "continue",
      "info threads",
      "monitor threads",
      "kill",
    ]);
    const out = s.gdb;
    // The TS client and monitor, the C server; before the client's first run.
    expect(out).toMatch(/0x[0-9a-f]+ client \[TS\]: Restart, prio 99, sc 0x[0-9a-f]+/);
    expect(out).toMatch(/0x[0-9a-f]+ monitor \[TS\]: BlockedOnReceive on endpoint 0x[0-9a-f]+, prio 255/);
    expect(out).toMatch(/0x[0-9a-f]+ server \[RV64\]: Running, prio 100/);
    expect(out).toMatch(/client: CSpace root CNode 0x[0-9a-f]+/);
    expect(out).toMatch(/ {2}0x4a: endpoint 0x[0-9a-f]+ badge 0x8000000000000000/);
    expect(out).toMatch(/client: sc 0x[0-9a-f]+: period \d+ ticks, budget \d+ ticks/);
    // The TS client's ppcall: GDB is told it is about the client, now waiting for the reply.
    expect(out).toMatch(/sel4ts: client seL4_SysCall to endpoint 0x[0-9a-f]+ \(client:0x4a\)/);
    expect(out).toMatch(/Thread \d+ "client" received signal SIGTRAP/);
    expect(out).toMatch(/\* \d+ +Thread \d+ "client"/);
    expect(out).toMatch(/client \[TS\]: BlockedOnReply/);
  }, 120_000);
});

describe.skipIf(!haveGdb)("systems of TypeScript PDs only", () => {
  it("wait for gdb before any PD runs; Ctrl-C stops one that runs forever; monitor commands work", async () => {
    const s = await debugSession(
      "examples/microkit/domains.system",
      [
        "monitor threads",
        "shell echo sel4ts-test-continuing",
        "continue",
        "info threads",
        "monitor time",
        "monitor sc collector",
        "kill",
      ],
      { after: /sel4ts-test-continuing/, ms: 2000 },
    );
    const out = s.gdb;
    // Before anything of the system ran: the PDs have not started, the monitor is about to.
    expect(out).toMatch(/collector \[TS\]: Restart/);
    expect(out).toMatch(/emitter \[TS\]: Restart/);
    expect(out).toMatch(/Program received signal SIGINT|received signal SIGINT/);
    expect(out).toMatch(/Thread \d+ "collector"/);
    const ticks = Number(/simulated time [\d.]+ us \((\d+) ticks\)/.exec(out)?.[1]);
    expect(ticks).toBeGreaterThan(0);
    expect(out).toMatch(/collector: sc 0x[0-9a-f]+: period/);
    expect(s.console).toMatch(/collector: Got an event/);
  }, 120_000);

  it("a kernel event of a TS thread on a 4-core system stops at its kernel entry, and the run goes on unchanged", async () => {
    const args = ["run", "examples/microkit-smp/spsc.system", "--num-nodes", "4"];
    const plain = spawnSync(process.execPath, [join(ROOT, "bin/sel4ts.js"), ...args], { cwd: ROOT });
    const s = await debugSession(args, [
      "monitor break-on syscall seL4_Send",
      "continue",
      "info threads",
      "monitor threads",
      "monitor break-delete 1",
      "continue",
    ]);
    const out = s.gdb;
    expect(out).toMatch(/sel4ts: starter calls seL4_SysSend/);
    expect(out).toMatch(/Thread \d+ "starter" received signal SIGTRAP/);
    expect(out).toMatch(/^\* \d+ +Thread \d+ "starter" \(core 0\)/m);
    expect(out).toMatch(/starter \[TS\]: Running, prio 1, core 0,/);
    expect(out).toMatch(/producer \[TS\]: \w+.*, prio 10, core 1,/);
    expect(out).toMatch(/exited normally/);
    expect(s.console).toBe(plain.stdout.toString());
  }, 120_000);

  it("a TS root task (sel4ts boot x.ts) stops before its first run; stepi runs it to its next kernel entry", async () => {
    const s = await debugSession(
      ["boot", "examples/hello-root.ts"],
      ["monitor threads", "monitor time", "stepi", "monitor threads", "monitor time", "continue"],
    );
    const out = s.gdb;
    expect(out).toMatch(/rootserver \[TS\]: Running, prio 255, sc 0x[0-9a-f]+, pc 0x10000\n/);
    // The first stepi of a session is done by GDB with a breakpoint on the next instruction (it
    // has not yet asked whether the stub steps): it too is one run of the TS thread.
    const positions = [...out.matchAll(/position (\d+)/g)].map((m) => Number(m[1]));
    expect(positions).toEqual([0, 1]);
    expect(out).toMatch(/rootserver \[TS\]: Running, prio 255, sc 0x[0-9a-f]+, pc 0x10004\n/);
    expect(out).toMatch(/exited normally/);
    expect(s.console).toMatch(/^Hello from the sel4ts root task!\n[^]*\ndone/);
  }, 120_000);
});
