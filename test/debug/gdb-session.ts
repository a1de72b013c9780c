// Drives Debian's gdb-multiarch in batch mode against `sel4ts run|boot … --gdb 0` (shared by the
// GDB server's end-to-end tests; they skip when gdb-multiarch is not installed).

import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const GDB = "gdb-multiarch";
export const haveGdb = spawnSync(GDB, ["--version"]).status === 0;

export interface Session {
  gdb: string;
  console: string;
}

/**
 * Runs `sel4ts <args> --gdb 0` and, once it listens, gdb with `commands` (each one `-ex`).
 * `args` is the sel4ts command line before `--gdb`, e.g. ["run", "examples/…/x.system"].
 */
export function debugSession(
  args: string[] | string,
  commands: string[],
  /** Send gdb SIGINT (what Ctrl-C in its terminal does) this long after its output matches. */
  interrupt?: { after: RegExp; ms: number },
): Promise<Session> {
  const argv = typeof args === "string" ? ["run", args] : args;
  return new Promise((resolve, reject) => {
    const target = spawn(process.execPath, [join(ROOT, "bin/sel4ts.js"), ...argv, "--gdb", "0"], {
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
      // gdb's stderr into the same pipe as its stdout (the shell execs gdb, so the pid is gdb's):
      // two pipes read separately interleave at arbitrary points, a frame line split by a message.
      const g = spawn("sh", ["-c", 'exec "$0" "$@" 2>&1', GDB, ...args], { cwd: ROOT });
      let out = "";
      let interrupted = false;
      const take = (d: Buffer): void => {
        out += d.toString();
        if (interrupt === undefined || interrupted || !interrupt.after.test(out)) return;
        interrupted = true;
        setTimeout(() => g.kill("SIGINT"), interrupt.ms);
      };
      g.stdout.on("data", take);
      g.stderr.on("data", take);
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
export function printed(out: string, n: number): string {
  const m = new RegExp(`^\\$${n} = (.*)$`, "m").exec(out);
  return m === null ? "" : m[1];
}
