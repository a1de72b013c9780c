// The worker thread that runs a simulation for the CLI (supervise.ts starts it). Console bytes go
// into a shared ring the CLI's thread writes out; diagnostics go as messages, ordered after the
// console bytes written before them; progress goes into shared memory the System's run loop fills.

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
  IN_SIZE,
  NAME_SIZE,
  OUT_SIZE,
  type WorkerJob,
  type WorkerMessage,
} from "./channel.ts";
import { commands } from "./commands.ts";
import { EXIT_INTERNAL } from "./exit.ts";
import type { RunIO } from "./run-io.ts";

const port = parentPort;
if (port === null) throw new Error("worker.ts runs as a worker thread");
// Started early (before the command line is parsed) the worker has no job yet: it loads the
// simulator meanwhile and waits for the job as a message.
const job: WorkerJob =
  (workerData as WorkerJob | null) ??
  (await new Promise<WorkerJob>((res) => {
    void import("./run-io.ts");
    port.once("message", (m: WorkerJob) => res(m));
  }));

const ctl = new Int32Array(job.channel.ctl);
const out = new Uint8Array(job.channel.out);
const inBuf = new Uint8Array(job.channel.in);
const nameBuf = new Uint8Array(job.channel.name);
const encoder = new TextEncoder();
const post = (m: WorkerMessage): void => port.postMessage(m);

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

const io: RunIO = {
  console: consoleByte,
  stderr(text: string): void {
    post({ t: "stderr", text, head });
  },
  watch,
  stopReason: () => Atomics.load(ctl, CTL_STOP),
  stdinBytes: job.stdinBytes,
  inputStream: job.stdinStreamed ? inputStream : null,
};

const cmd = commands.find((c) => c.name === job.command);
let code: number;
try {
  if (cmd?.execute === undefined) throw new Error(`no supervised command '${job.command}'`);
  code = await cmd.execute({ positionals: job.positionals, values: job.values }, io);
} catch (e) {
  io.stderr(
    `sel4ts: internal error (a bug in sel4ts): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  );
  code = EXIT_INTERNAL;
}
post({ t: "done", code, head });
