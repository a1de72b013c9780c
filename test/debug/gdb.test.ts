// The GDB server end to end: Debian's gdb-multiarch in batch mode against `sel4ts run --gdb` on
// the C Microkit examples (built with -g). Skipped when gdb-multiarch is not installed.

import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const GDB = "gdb-multiarch";
const haveGdb = spawnSync(GDB, ["--version"]).status === 0;

interface Session {
  gdb: string;
  console: string;
}

/** Runs `sel4ts run system --gdb 0` and gdb with `commands` once it listens. */
function debugSession(system: string, commands: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const target = spawn(process.execPath, [join(ROOT, "bin/sel4ts.js"), "run", system, "--gdb", "0"], {
      cwd: ROOT,
    });
    let stderr = "";
    let stdout = "";
    let started = false;
    target.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    target.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /target remote :(\d+)/.exec(stderr);
      if (m === null || started) return;
      started = true;
      const args = ["-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off"];
      for (const c of [`target remote :${m[1]}`, ...commands]) args.push("-ex", c);
      const g = spawn(GDB, args, { cwd: ROOT });
      let out = "";
      g.stdout.on("data", (d: Buffer) => (out += d.toString()));
      g.stderr.on("data", (d: Buffer) => (out += d.toString()));
      g.on("close", () => {
        target.kill();
        resolve({ gdb: out, console: stdout });
      });
    });
    target.on("error", reject);
    target.on("close", (code) => {
      if (!started) reject(new Error(`sel4ts exited (${code}) before listening: ${stderr}`));
    });
  });
}

/** The value gdb printed for the n-th `p` (`$n = value`). */
function printed(out: string, n: number): string {
  const m = new RegExp(`^\\$${n} = (.*)$`, "m").exec(out);
  return m === null ? "" : m[1];
}

describe.skipIf(!haveGdb)("gdb-multiarch against sel4ts --gdb", () => {
  it("stops in a PD's protected, lists every PD by name, symbolises the stack, steps and steps back", async () => {
    const s = await debugSession("examples/microkit-c/passive_server.system", [
      "file examples/microkit-c/server.elf",
      "monitor focus server",
      "break protected",
      "continue",
      "info threads",
      "bt",
      "p $pc",
      "p $sp",
      "p/x *(unsigned long *)$sp",
      "stepi",
      "p $pc",
      "reverse-stepi",
      "p $pc",
      "p $sp",
      "p/x *(unsigned long *)$sp",
      "next",
      "monitor threads",
      "kill",
    ]);
    const out = s.gdb;
    expect(out).toMatch(/hit Breakpoint 1(\.\d+)?, protected \(ch=0, msginfo=/);
    for (const pd of ["client", "server", "monitor"]) expect(out).toMatch(new RegExp(`Thread \\d+ "${pd}"`));
    expect(out).toMatch(/#0 +protected \(.*server\.c:\d+/);
    expect(out).toMatch(/#1 .* in event_loop \(\) at .*main\.c:\d+/);
    // stepi moved; reverse-stepi is back at the same instruction with the same sp and memory.
    expect(printed(out, 4)).not.toBe(printed(out, 1));
    expect(printed(out, 5)).toBe(printed(out, 1));
    expect(printed(out, 6)).toBe(printed(out, 2));
    expect(printed(out, 7)).toBe(printed(out, 3));
    expect(out).toMatch(/server: Running/);
    expect(out).toMatch(/client: BlockedOnReply/);
  }, 120_000);

  it("a watchpoint on shared memory catches the other PD's write; reverse-continue returns to the last hit", async () => {
    const s = await debugSession("examples/microkit-c/shared_memory.system", [
      "file examples/microkit-c/shm_consumer.elf",
      "monitor focus consumer",
      "break notified",
      "continue",
      "p received",
      "watch -l ((struct shm *)buffer)->seq",
      "continue",
      "info threads",
      "delete 2",
      "continue",
      "p received",
      "reverse-continue",
      "p received",
      "kill",
    ]);
    const out = s.gdb;
    expect(printed(out, 1)).toBe("0");
    expect(out).toMatch(
      /watchpoint 2: -location \(\(struct shm \*\)buffer\)->seq\s+Old value = 1\s+New value = 2/,
    );
    expect(out).toMatch(/\* \d+ +Thread \d+ "producer"/);
    // Second hit of notified: the first message was received; back at the first hit it was not.
    expect(printed(out, 2)).toBe("1");
    expect(printed(out, 3)).toBe("0");
    expect(s.console).toContain("consumer: 1: 'message 1'");
  }, 120_000);
});
