// The worker thread that runs `sel4ts boot` / `sel4ts run` (supervise.js starts it). It parses the
// command line against the command table (so the CLI's thread needs no TypeScript), then runs the
// command. Console bytes go into a shared ring the CLI's thread writes out; diagnostics go as
// messages, ordered after the console bytes written before them; progress goes into shared memory
// the System's run loop fills; the trace (--trace) is streamed into its own ring.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import type { Tcb } from "../kernel/structures.ts";
import type { InputStream, RunWatch } from "../system/system.ts";
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
  NAME_SIZE,
  OUT_SIZE,
  TRACE_SIZE,
  type RunPlan,
  type WorkerJob,
  type WorkerMessage,
} from "./channel.js";
import { commands } from "./commands.ts";
import { parseDuration } from "./duration.ts";
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "./exit.js";
import {
  commandHelp,
  parseCommandLine,
  usageLine,
  UsageError,
  type Command,
  type ParsedArgs,
} from "./options.ts";
import type { RunIO } from "./run-io.ts";
import type { TraceSink } from "../system/trace.ts";

const port = parentPort;
if (port === null) throw new Error("worker.ts runs as a worker thread");
const job = workerData as WorkerJob;
const post = (m: WorkerMessage): void => port.postMessage(m);

/** How boot's stdin is taken: not at all, read in full before the run (a file), or streamed (a pipe). */
function stdinMode(args: ParsedArgs, cmd: Command): "none" | "read" | "stream" {
  const v = args.values;
  if (!cmd.options.some((o) => o.name === "no-stdin")) return "none";
  if (
    v["no-stdin"] === true ||
    v.input !== undefined ||
    v["input-text"] !== undefined ||
    v.replay !== undefined
  )
    return "none";
  if (job.stdin === "file") return "read";
  if (job.stdin !== "pipe") return "none";
  // An input time was asked for: every byte is needed before it, so read to the end first.
  return typeof v["input-at"] === "string" && v["input-at"] !== "idle" ? "read" : "stream";
}

/** The parsed command line, or the exit status once help or a usage error has been written. */
function parse(): { cmd: Command; args: ParsedArgs } | number {
  const [name, ...rest] = job.argv;
  const cmd = commands.find((c) => c.name === name && c.execute !== undefined);
  if (cmd === undefined) throw new Error(`no supervised command '${name}'`);
  if (rest.includes("--help") || rest.includes("-h")) {
    post({ t: "stdout", text: commandHelp(cmd) });
    return EXIT_OK;
  }
  try {
    return { cmd, args: parseCommandLine(cmd, rest, commands) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    post({ t: "stderr", text: `sel4ts: ${e.message}\n${usageLine(cmd)}`, head: 0 });
    return EXIT_USAGE;
  }
}

const parsed = parse();
const values = typeof parsed === "number" ? {} : parsed.args.values;
const mode = typeof parsed === "number" ? "none" : stdinMode(parsed.args, parsed.cmd);

const ctl = new Int32Array(job.channel.ctl);
const out = new Uint8Array(job.channel.out);
const inBuf = new Uint8Array(job.channel.in);
const nameBuf = new Uint8Array(job.channel.name);
const encoder = new TextEncoder();

let head = 0;
let notified = 0;
const tty = job.stdoutIsTTY;

/** Ask the CLI's thread to write out what is in the ring. */
function drain(): void {
  notified = head;
  post({ t: "drain" });
}

function consoleByte(b: number): void {
  if (((head - Atomics.load(ctl, CTL_OUT_TAIL)) | 0) >= OUT_SIZE) {
    // Full: have it drained, and wait until there is room (the CLI's thread notifies).
    drain();
    while (((head - Atomics.load(ctl, CTL_OUT_TAIL)) | 0) >= OUT_SIZE) {
      Atomics.wait(ctl, CTL_OUT_TAIL, Atomics.load(ctl, CTL_OUT_TAIL), 100);
    }
  }
  out[head & (OUT_SIZE - 1)] = b;
  head = (head + 1) | 0;
  Atomics.store(ctl, CTL_OUT_HEAD, head);
  // A terminal is line-buffered; a pipe or file gets blocks of half the ring.
  if (tty ? b === 10 : ((head - notified) | 0) >= OUT_SIZE / 2) drain();
}

const watch: RunWatch = {
  progress: new Float64Array(job.channel.progress),
  stop: ctl.subarray(CTL_STOP, CTL_STOP + 1),
  switched(t: Tcb): void {
    const bytes = encoder.encode(t.name);
    const n = Math.min(bytes.length, NAME_SIZE);
    nameBuf.set(bytes.subarray(0, n));
    Atomics.store(ctl, CTL_NAME_LEN, n);
  },
};

let inTail = 0;
const inputStream: InputStream = {
  poll(): Uint8Array | null {
    const h = Atomics.load(ctl, CTL_IN_HEAD);
    const n = (h - inTail) | 0;
    if (n === 0)
      return Atomics.load(ctl, CTL_IN_EOF) !== 0 && Atomics.load(ctl, CTL_IN_HEAD) === inTail
        ? null
        : new Uint8Array(0);
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = inBuf[(inTail + i) & (IN_SIZE - 1)];
    inTail = (inTail + n) | 0;
    Atomics.store(ctl, CTL_IN_TAIL, inTail);
    return bytes;
  },
  wait(): void {
    // Until the CLI's thread puts bytes in, ends the input, or asks to stop (it notifies all three).
    while (
      Atomics.load(ctl, CTL_IN_HEAD) === inTail &&
      Atomics.load(ctl, CTL_IN_EOF) === 0 &&
      ctl[CTL_STOP] === 0
    ) {
      Atomics.wait(ctl, CTL_IN_HEAD, inTail, 1000);
    }
  },
};

// The trace as it is recorded, into the trace ring: if the run has to be ended by force (a loop
// without a system call), the CLI's thread still writes what was recorded up to then.
const traceRing = new Uint8Array(job.channel.trace);
let traceHead = 0;
let traceNotified = 0;

let traceScratch = new Uint8Array(1 << 16);

function traceRecord(text: string): void {
  // Into a reused buffer (an event is a few hundred bytes), then into the ring.
  if (text.length * 3 > traceScratch.length) traceScratch = new Uint8Array(text.length * 3);
  const n = encoder.encodeInto(text, traceScratch).written;
  const bytes = traceScratch;
  if (n > TRACE_SIZE) return;
  while (TRACE_SIZE - ((traceHead - Atomics.load(ctl, CTL_TRACE_TAIL)) | 0) < n) {
    traceNotified = traceHead;
    post({ t: "drain" });
    Atomics.wait(ctl, CTL_TRACE_TAIL, Atomics.load(ctl, CTL_TRACE_TAIL), 100);
  }
  const start = traceHead & (TRACE_SIZE - 1);
  const first = Math.min(n, TRACE_SIZE - start);
  traceRing.set(bytes.subarray(0, first), start);
  if (first < n) traceRing.set(bytes.subarray(first, n), 0);
  traceHead = (traceHead + n) | 0;
  Atomics.store(ctl, CTL_TRACE_HEAD, traceHead);
  if (((traceHead - traceNotified) | 0) >= TRACE_SIZE / 2) {
    traceNotified = traceHead;
    post({ t: "drain" });
  }
}

const traceSink: TraceSink | null =
  typeof values.trace !== "string" || values.gdb !== undefined
    ? null
    : {
        event: (json) => traceRecord(`E${json}\n`),
        thread: (tid, name) => traceRecord(`T${tid} ${JSON.stringify(name)}\n`),
      };

const io: RunIO = {
  console: consoleByte,
  stderr(text: string): void {
    post({ t: "stderr", text, head });
  },
  watch,
  stopReason: () => Atomics.load(ctl, CTL_STOP),
  stdinBytes: null,
  inputStream: mode === "stream" ? inputStream : null,
  traceSink,
};

async function run(cmd: Command, args: ParsedArgs): Promise<number> {
  if (mode === "read") {
    try {
      io.stdinBytes = new Uint8Array(readFileSync(0));
    } catch (e) {
      io.stderr(`sel4ts: cannot read stdin: ${e instanceof Error ? e.message : String(e)} (use --no-stdin)`);
      return EXIT_BAD_INPUT;
    }
  }
  const v = args.values;
  const plan: RunPlan = {
    streamStdin: mode === "stream",
    timeoutMs: typeof v.timeout === "string" ? (parseDuration(v.timeout) ?? 0) / 10_000 : Infinity,
    timeoutText: typeof v.timeout === "string" ? v.timeout : "",
    tracePath: traceSink !== null && typeof v.trace === "string" ? v.trace : null,
    processName: basename(args.positionals[0] ?? ""),
  };
  post({ t: "start", plan });
  return (cmd.execute as NonNullable<Command["execute"]>)(args, io);
}

let code: number;
try {
  code = typeof parsed === "number" ? parsed : await run(parsed.cmd, parsed.args);
} catch (e) {
  io.stderr(
    `sel4ts: internal error (a bug in sel4ts): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  );
  code = EXIT_INTERNAL;
}
post({ t: "done", code, head });
