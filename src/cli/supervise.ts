// Supervising a simulation from the CLI's own thread. The simulation runs in a worker thread
// (worker.ts), because a user's TypeScript program that loops without a system call cannot be
// interrupted from inside. From here: console bytes are written out as they come (the worker
// fills a shared ring; a terminal gets each line, a pipe gets blocks, and everything is written at
// the end, on a signal or an error), piped stdin is fed in as it arrives, --timeout and Ctrl-C
// stop the run, and a run that does not answer a stop is ended with a report of the thread that
// was running and how long it had gone without entering the kernel.

import { fstatSync, readFileSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import {
  CTL_IN_EOF,
  CTL_IN_HEAD,
  CTL_IN_TAIL,
  CTL_NAME_LEN,
  CTL_OUT_HEAD,
  CTL_OUT_TAIL,
  CTL_STOP,
  IN_SIZE,
  newChannel,
  OUT_SIZE,
  STOP_INTERRUPT,
  STOP_TIMEOUT,
  type WorkerJob,
  type WorkerMessage,
} from "./channel.ts";
import { parseDuration } from "./duration.ts";
import { EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TIMEOUT } from "./exit.ts";
import type { Command, ParsedArgs } from "./options.ts";
import { WATCH_ENTRIES, WATCH_TICKS } from "../system/watch.ts";

/** How often the CLI's thread looks at the run (console, progress, the clock). */
const TICK_MS = 50;
/** How long a stopped run may take to answer before it is ended by force. */
const GRACE_MS = 500;

/** Write all of `bytes` to a file descriptor, waiting out a full pipe. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return;
      throw e;
    }
  }
}

type StdinMode = "none" | "read" | "stream";

/** How boot's stdin is taken: not at all, read in full before the run (a file), or streamed (a pipe). */
function stdinMode(args: ParsedArgs, cmd: Command): StdinMode {
  const v = args.values;
  if (!cmd.options.some((o) => o.name === "no-stdin")) return "none";
  if (
    v["no-stdin"] === true ||
    v.input !== undefined ||
    v["input-text"] !== undefined ||
    v.replay !== undefined
  )
    return "none";
  if (process.stdin.isTTY === true) return "none";
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return "none";
  }
  if (st.isFile()) return "read";
  if (!(st.isFIFO() || st.isSocket())) return "none";
  // An input time was asked for: every byte is needed before it, so read to the end first.
  return typeof v["input-at"] === "string" && v["input-at"] !== "idle" ? "read" : "stream";
}

/**
 * Start the worker before the command line is even parsed, so that it loads the simulator while
 * this thread does the rest (supervise() takes it, or the caller terminates it).
 */
export function prestart(): Worker {
  return new Worker(new URL("../../bin/sel4ts-worker.js", import.meta.url), { workerData: null });
}

export async function supervise(cmd: Command, args: ParsedArgs, prestarted?: Worker): Promise<number> {
  const channel = newChannel();
  const ctl = new Int32Array(channel.ctl);
  const out = new Uint8Array(channel.out);
  const inBuf = new Uint8Array(channel.in);
  const progress = new Float64Array(channel.progress);
  const nameBuf = new Uint8Array(channel.name);
  const mode = stdinMode(args, cmd);
  let stdinBytes: Uint8Array | null = null;
  if (mode === "read") {
    try {
      stdinBytes = new Uint8Array(readFileSync(0));
    } catch (e) {
      process.stderr.write(
        `sel4ts: cannot read stdin: ${e instanceof Error ? e.message : String(e)} (use --no-stdin)\n`,
      );
      return 1;
    }
  }
  const job: WorkerJob = {
    command: cmd.name,
    positionals: args.positionals,
    values: args.values,
    channel,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinBytes,
    stdinStreamed: mode === "stream",
  };
  const worker =
    prestarted ?? new Worker(new URL("../../bin/sel4ts-worker.js", import.meta.url), { workerData: job });
  if (prestarted !== undefined) prestarted.postMessage(job);

  let tail = 0;
  /** Write the console bytes the worker has produced, up to `upTo` (default: all). */
  const drain = (upTo = Atomics.load(ctl, CTL_OUT_HEAD)): void => {
    const n = (upTo - tail) | 0;
    if (n <= 0) return;
    const start = tail & (OUT_SIZE - 1);
    const first = Math.min(n, OUT_SIZE - start);
    writeAll(1, out.subarray(start, start + first));
    if (first < n) writeAll(1, out.subarray(0, n - first));
    tail = (tail + n) | 0;
    Atomics.store(ctl, CTL_OUT_TAIL, tail);
    Atomics.notify(ctl, CTL_OUT_TAIL);
  };

  // Piped stdin into the input ring, paused while the ring is full.
  let inHead = 0;
  const pending: Buffer[] = [];
  const feed = (): void => {
    while (pending.length > 0) {
      const room = IN_SIZE - ((inHead - Atomics.load(ctl, CTL_IN_TAIL)) | 0);
      if (room <= 0) break;
      const chunk = pending[0];
      const n = Math.min(room, chunk.length);
      for (let i = 0; i < n; i++) inBuf[(inHead + i) & (IN_SIZE - 1)] = chunk[i];
      inHead = (inHead + n) | 0;
      if (n === chunk.length) pending.shift();
      else pending[0] = chunk.subarray(n);
    }
    Atomics.store(ctl, CTL_IN_HEAD, inHead);
    Atomics.notify(ctl, CTL_IN_HEAD);
    if (pending.length === 0 && process.stdin.isPaused()) process.stdin.resume();
  };
  const onStdinData = (chunk: Buffer): void => {
    pending.push(chunk);
    feed();
    if (pending.length > 0) process.stdin.pause();
  };
  const onStdinEnd = (): void => {
    const finish = (): void => {
      if (pending.length > 0) {
        feed();
        setTimeout(finish, TICK_MS);
        return;
      }
      Atomics.store(ctl, CTL_IN_EOF, 1);
      Atomics.notify(ctl, CTL_IN_HEAD);
    };
    finish();
  };
  if (mode === "stream") {
    process.stdin.on("data", onStdinData);
    process.stdin.on("end", onStdinEnd);
    process.stdin.on("error", onStdinEnd);
  } else {
    Atomics.store(ctl, CTL_IN_EOF, 1);
  }

  // Progress: when the kernel was last entered, as far as this thread can tell.
  const started = performance.now();
  let lastEntries = -1;
  let lastEntryWall = started;
  const timeoutMs =
    typeof args.values.timeout === "string" ? (parseDuration(args.values.timeout) ?? 0) / 10_000 : Infinity;

  return new Promise<number>((resolveCode) => {
    let finished = false;
    let stopAsked = 0;
    let forceTimer: NodeJS.Timeout | null = null;

    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      void worker.terminate();
      if (forceTimer !== null) clearTimeout(forceTimer);
      process.removeListener("SIGINT", onSigint);
      process.removeListener("SIGTERM", onSigterm);
      if (mode === "stream") {
        process.stdin.removeListener("data", onStdinData);
        process.stdin.removeListener("end", onStdinEnd);
        process.stdin.removeListener("error", onStdinEnd);
        process.stdin.destroy();
      }
      resolveCode(code);
    };

    const stop = (why: number): void => {
      if (stopAsked !== 0) return;
      stopAsked = why;
      Atomics.store(ctl, CTL_STOP, why);
      Atomics.notify(ctl, CTL_IN_HEAD);
      // A run stuck in a user program's loop never looks at the flag: end it by force.
      forceTimer = setTimeout(() => {
        drain();
        const report = stuckReport(why, args);
        void worker.terminate().then(() => {
          drain();
          process.stderr.write(report);
          finish(why === STOP_INTERRUPT ? EXIT_INTERRUPTED : EXIT_TIMEOUT);
        });
      }, GRACE_MS);
    };

    const stuckReport = (why: number, a: ParsedArgs): string => {
      const name = new TextDecoder().decode(nameBuf.subarray(0, Atomics.load(ctl, CTL_NAME_LEN)));
      const wall = ((performance.now() - lastEntryWall) / 1000).toFixed(1);
      const sim = (progress[WATCH_TICKS] / 10_000).toFixed(3);
      const reason =
        why === STOP_TIMEOUT
          ? `wall-clock limit --timeout ${String(a.values.timeout)} reached`
          : "interrupted";
      return (
        `sel4ts: ${reason}: thread "${name}" was running and had not entered the kernel for ${wall} s ` +
        `(wall clock) — since ${sim} ms simulated, after ${progress[WATCH_ENTRIES]} kernel entries.\n` +
        `sel4ts: a TypeScript program's code between two system calls takes no simulated time, so a loop ` +
        `without a system call never ends; model computation with sel4ts_busy(us).\n`
      );
    };

    const onSigint = (): void => {
      if (stopAsked !== 0) return;
      stop(STOP_INTERRUPT);
    };
    const onSigterm = onSigint;
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);

    const ticker = setInterval(() => {
      drain();
      if (mode === "stream" && pending.length > 0) feed();
      const entries = progress[WATCH_ENTRIES];
      if (entries !== lastEntries) {
        lastEntries = entries;
        lastEntryWall = performance.now();
      }
      if (performance.now() - started >= timeoutMs) stop(STOP_TIMEOUT);
    }, TICK_MS);

    worker.on("message", (m: WorkerMessage) => {
      if (m.t === "drain") drain();
      else if (m.t === "stderr") {
        drain(m.head);
        process.stderr.write(`${m.text}\n`);
      } else if (m.t === "done") {
        drain(m.head);
        drain();
        finish(m.code);
      }
    });
    worker.on("error", (e) => {
      drain();
      process.stderr.write(
        `sel4ts: internal error (a bug in sel4ts): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      finish(EXIT_INTERNAL);
    });
    worker.on("exit", () => {
      // After a forced end, `finish` comes from the terminate() callback with the report.
      if (stopAsked !== 0 && forceTimer !== null && !finished) return;
      drain();
      finish(EXIT_INTERNAL);
    });
  });
}
