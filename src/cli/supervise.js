// @ts-check
// Supervising a simulation from the CLI's own thread. `sel4ts boot` and `sel4ts run` run in a worker
// thread (worker.ts), because a user's TypeScript program that loops without a system call cannot
// be interrupted from inside. The worker parses the command line, answers --help and usage errors,
// and runs; from here: console bytes are written out as they come (the worker fills a shared ring;
// a terminal gets each line, a pipe gets blocks, and everything is written at the end, on a signal
// or an error), piped stdin is fed in as it arrives, --timeout and Ctrl-C stop the run, and a run
// that does not answer a stop is ended by force with a report of the thread that was running and
// how long it had gone without entering the kernel, and with the trace recorded until then.
//
// This thread loads no TypeScript (hence JavaScript with JSDoc types, like channel.js): the
// TypeScript loader costs about half a second of CPU to start, and only the worker needs it.

import { fstatSync, writeSync } from "node:fs";
import { isatty } from "node:tty";
import { Worker } from "node:worker_threads";
import {
  CTL_IN_EOF,
  CTL_IN_HEAD,
  CTL_IN_TAIL,
  CTL_NAME_LEN,
  CTL_OUT_HEAD,
  CTL_OUT_TAIL,
  CTL_STOP,
  CTL_TRACE_HEAD,
  CTL_TRACE_TAIL,
  IN_SIZE,
  newChannel,
  OUT_SIZE,
  PROGRESS_ENTRIES,
  PROGRESS_TICKS,
  STOP_INTERRUPT,
  STOP_TIMEOUT,
  TRACE_SIZE,
} from "./channel.js";
import { EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TIMEOUT } from "./exit.js";
import { writeRescuedTrace } from "./trace-rescue.js";

/** The commands that run a simulation (those with `execute` in the command table). */
export const SUPERVISED = ["boot", "run"];

/** How often the CLI's thread looks at the run (console, progress, the clock). */
const TICK_MS = 50;
/** How long a stopped run may take to answer before it is ended by force. */
const GRACE_MS = 500;

/**
 * Write all of `bytes` to a file descriptor, waiting out a full pipe.
 * @param {number} fd
 * @param {Uint8Array} bytes
 */
function writeAll(fd, bytes) {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      const code = /** @type {NodeJS.ErrnoException} */ (e).code;
      if (code === "EAGAIN") continue;
      if (code === "EPIPE") return;
      throw e;
    }
  }
}

/**
 * What stdin is, without opening it as a stream (the worker may read it).
 * @returns {"tty" | "file" | "pipe" | "none"}
 */
function stdinKind() {
  try {
    if (isatty(0)) return "tty";
    const st = fstatSync(0);
    if (st.isFile()) return "file";
    if (st.isFIFO() || st.isSocket()) return "pipe";
  } catch {
    // no stdin at all
  }
  return "none";
}

/**
 * Run the supervised command `argv` (its name first) in a worker; resolves to the exit status.
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
export function supervise(argv) {
  const channel = newChannel();
  const ctl = new Int32Array(channel.ctl);
  const out = new Uint8Array(channel.out);
  const inBuf = new Uint8Array(channel.in);
  const progress = new Float64Array(channel.progress);
  const nameBuf = new Uint8Array(channel.name);
  const traceRing = new Uint8Array(channel.trace);
  /** @type {import("./channel.js").WorkerJob} */
  const job = { argv, channel, stdoutIsTTY: process.stdout.isTTY === true, stdin: stdinKind() };
  const worker = new Worker(new URL("../../bin/sel4ts-worker.js", import.meta.url), { workerData: job });
  /** @type {import("./channel.js").RunPlan | null} */
  let plan = null;

  // The trace as recorded so far (--trace): written from here only if the run is ended by force.
  let traceTail = 0;
  /** @type {Uint8Array[]} */
  let traceRecords = [];
  const takeTrace = () => {
    const n = (Atomics.load(ctl, CTL_TRACE_HEAD) - traceTail) | 0;
    if (n <= 0) return;
    const start = traceTail & (TRACE_SIZE - 1);
    const first = Math.min(n, TRACE_SIZE - start);
    traceRecords.push(traceRing.slice(start, start + first));
    if (first < n) traceRecords.push(traceRing.slice(0, n - first));
    traceTail = (traceTail + n) | 0;
    Atomics.store(ctl, CTL_TRACE_TAIL, traceTail);
    Atomics.notify(ctl, CTL_TRACE_TAIL);
  };

  let tail = 0;
  /** Write the console bytes the worker has produced, up to `upTo` (default: all). */
  const drain = (upTo = Atomics.load(ctl, CTL_OUT_HEAD)) => {
    takeTrace();
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
  let streaming = false;
  let inHead = 0;
  /** @type {Buffer[]} */
  const pending = [];
  const feed = () => {
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
  /** @param {Buffer} chunk */
  const onStdinData = (chunk) => {
    pending.push(chunk);
    feed();
    if (pending.length > 0) process.stdin.pause();
  };
  const onStdinEnd = () => {
    const finishInput = () => {
      if (pending.length > 0) {
        feed();
        setTimeout(finishInput, TICK_MS);
        return;
      }
      Atomics.store(ctl, CTL_IN_EOF, 1);
      Atomics.notify(ctl, CTL_IN_HEAD);
    };
    finishInput();
  };
  /** @param {import("./channel.js").RunPlan} p */
  const begin = (p) => {
    plan = p;
    if (!p.streamStdin) {
      Atomics.store(ctl, CTL_IN_EOF, 1);
      return;
    }
    streaming = true;
    process.stdin.on("data", onStdinData);
    process.stdin.on("end", onStdinEnd);
    process.stdin.on("error", onStdinEnd);
  };

  // Progress: when the kernel was last entered, as far as this thread can tell.
  const started = performance.now();
  let lastEntries = -1;
  let lastEntryWall = started;

  return new Promise((resolveCode) => {
    let finished = false;
    let stopAsked = 0;
    /** @type {NodeJS.Timeout | null} */
    let forceTimer = null;

    /** @param {number} code */
    const finish = (code) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      void worker.terminate();
      if (forceTimer !== null) clearTimeout(forceTimer);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      if (streaming) {
        process.stdin.removeListener("data", onStdinData);
        process.stdin.removeListener("end", onStdinEnd);
        process.stdin.removeListener("error", onStdinEnd);
        process.stdin.destroy();
      }
      resolveCode(code);
    };

    /** @param {number} why */
    const stuckReport = (why) => {
      const name = new TextDecoder().decode(nameBuf.subarray(0, Atomics.load(ctl, CTL_NAME_LEN)));
      const wall = ((performance.now() - lastEntryWall) / 1000).toFixed(1);
      const sim = (progress[PROGRESS_TICKS] / 10_000).toFixed(3);
      const reason =
        why === STOP_TIMEOUT
          ? `wall-clock limit --timeout ${plan?.timeoutText ?? ""} reached`
          : "interrupted";
      if (name === "") return `sel4ts: ${reason} before the run started.\n`;
      return (
        `sel4ts: ${reason}: thread "${name}" was running and had not entered the kernel for ${wall} s ` +
        `(wall clock) — since ${sim} ms simulated, after ${progress[PROGRESS_ENTRIES]} kernel entries.\n` +
        `sel4ts: a TypeScript program's code between two system calls takes no simulated time, so a loop ` +
        `without a system call never ends; model computation with sel4ts_busy(us).\n`
      );
    };

    /** @param {number} why */
    const stop = (why) => {
      if (stopAsked !== 0) return;
      stopAsked = why;
      Atomics.store(ctl, CTL_STOP, why);
      Atomics.notify(ctl, CTL_IN_HEAD);
      // A run stuck in a user program's loop never looks at the flag: end it by force.
      forceTimer = setTimeout(() => {
        drain();
        const report = stuckReport(why);
        void worker.terminate().then(() => {
          drain();
          process.stderr.write(report);
          if (plan !== null && plan.tracePath !== null) {
            process.stderr.write(`${writeRescuedTrace(plan.tracePath, plan.processName, traceRecords)}\n`);
            traceRecords = [];
          }
          finish(why === STOP_INTERRUPT ? EXIT_INTERRUPTED : EXIT_TIMEOUT);
        });
      }, GRACE_MS);
    };

    const onSignal = () => stop(STOP_INTERRUPT);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const ticker = setInterval(() => {
      drain();
      if (streaming && pending.length > 0) feed();
      const entries = progress[PROGRESS_ENTRIES];
      if (entries !== lastEntries) {
        lastEntries = entries;
        lastEntryWall = performance.now();
      }
      if (plan !== null && performance.now() - started >= plan.timeoutMs) stop(STOP_TIMEOUT);
    }, TICK_MS);

    worker.on("message", (/** @type {import("./channel.js").WorkerMessage} */ m) => {
      if (m.t === "drain") drain();
      else if (m.t === "stdout") writeAll(1, Buffer.from(m.text));
      else if (m.t === "stderr") {
        drain(m.head);
        process.stderr.write(`${m.text}\n`);
      } else if (m.t === "start") begin(m.plan);
      else if (m.t === "done") {
        drain(m.head);
        drain();
        traceRecords = [];
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
