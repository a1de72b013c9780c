// Running the sel4ts command as a user does: a child process, its stdout, stderr and exit status.

import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = resolve(ROOT, "bin/sel4ts.js");
export const FIX = resolve(import.meta.dirname, "fixtures");
export const EXAMPLES = resolve(ROOT, "examples");

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Resolves once stdout contains `text` (the bytes reached the pipe while the run goes on). */
  stdoutHas(text: string): Promise<void>;
  done: Promise<Finished>;
}

/** Start `sel4ts args…`; stdin is a pipe left open unless `input` is given (then written and closed). */
export function start(args: string[], opts: { input?: string; stdin?: "pipe" | "ignore" } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: [opts.stdin ?? "pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("latin1");
    for (const w of waiters.splice(0)) {
      if (stdout.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  if (opts.input !== undefined && child.stdin !== null) {
    child.stdin.write(opts.input);
    child.stdin.end();
  }
  const done = new Promise<Finished>((res) => {
    child.on("close", (code, signal) => {
      child.stdin?.destroy();
      res({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdoutHas: (text) =>
      new Promise<void>((res) => {
        if (stdout.includes(text)) res();
        else waiters.push({ text, resolve: res });
      }),
    done,
  };
}

/** Run `sel4ts args…` to the end (stdin closed and empty unless `input`). */
export function sel4ts(args: string[], input = ""): Promise<Finished> {
  return start(args, { input }).done;
}
