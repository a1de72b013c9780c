// @ts-check
// The shared memory between the CLI's thread and the worker that runs a simulation (supervise.js,
// worker.ts). Console bytes, progress, stdin and the trace go through SharedArrayBuffers, so that
// the CLI's thread still sees everything when the worker is stuck in a user program's endless
// loop, and a console byte costs the worker two stores rather than a message.
//
// JavaScript with types in JSDoc, like supervise.js: the CLI's thread runs them without loading
// the TypeScript loader (that is the worker's start-up cost only).

/** ctl[] slots (Int32Array). */
export const CTL_STOP = 0; // 0 run on; STOP_TIMEOUT / STOP_INTERRUPT: stop, and why
export const CTL_OUT_HEAD = 1; // console bytes written by the worker (a count, wraps at 2^32)
export const CTL_OUT_TAIL = 2; // console bytes the CLI's thread has written out
export const CTL_IN_HEAD = 3; // stdin bytes put in by the CLI's thread
export const CTL_IN_TAIL = 4; // stdin bytes taken by the worker
export const CTL_IN_EOF = 5; // 1 once stdin has ended
export const CTL_NAME_LEN = 6; // length of the running thread's name in `name`
export const CTL_TRACE_HEAD = 7; // trace bytes written by the worker (--trace only)
export const CTL_TRACE_TAIL = 8; // trace bytes the CLI's thread has taken
export const CTL_SLOTS = 10;

export const STOP_TIMEOUT = 1;
export const STOP_INTERRUPT = 2;

export const OUT_SIZE = 1 << 16;
export const IN_SIZE = 1 << 16;
export const NAME_SIZE = 256;
/** The trace ring (--trace): records "E<event json>\n" and "T<tid> <name as JSON>\n" (TraceSink). */
export const TRACE_SIZE = 1 << 22;

/** progress[] slots (Float64Array), as the System's run loop fills them (src/system/watch.ts). */
export const PROGRESS_ENTRIES = 0;
export const PROGRESS_TICKS = 1;
export const PROGRESS_SLOTS = 4;

/**
 * @typedef {object} Channel
 * @property {SharedArrayBuffer} ctl
 * @property {SharedArrayBuffer} progress
 * @property {SharedArrayBuffer} out
 * @property {SharedArrayBuffer} in
 * @property {SharedArrayBuffer} name
 * @property {SharedArrayBuffer} trace  The trace ring (pages are only touched with --trace).
 */

/** @returns {Channel} */
export function newChannel() {
  return {
    ctl: new SharedArrayBuffer(4 * CTL_SLOTS),
    progress: new SharedArrayBuffer(8 * PROGRESS_SLOTS),
    out: new SharedArrayBuffer(OUT_SIZE),
    in: new SharedArrayBuffer(IN_SIZE),
    name: new SharedArrayBuffer(NAME_SIZE),
    trace: new SharedArrayBuffer(TRACE_SIZE),
  };
}

/**
 * What the worker is started with: the command line (a supervised command's: boot or run), the
 * channel, and what the CLI's thread knows of its stdio.
 * @typedef {object} WorkerJob
 * @property {string[]} argv
 * @property {Channel} channel
 * @property {boolean} stdoutIsTTY  stdout is a terminal: flush at each newline, else in blocks.
 * @property {"tty" | "file" | "pipe" | "none"} stdin  What stdin is.
 */

/**
 * What the CLI's thread is to do for a run, once the worker has parsed its command line.
 * @typedef {object} RunPlan
 * @property {boolean} streamStdin  Feed stdin (a pipe) through the channel while the run goes on.
 * @property {number} timeoutMs  --timeout in wall-clock ms (Infinity: none).
 * @property {string} timeoutText  --timeout as given.
 * @property {string | null} tracePath  --trace, written from here if the run has to be ended by force.
 * @property {string} processName  The trace's process name.
 */

/**
 * Messages from the worker.
 * @typedef {{ t: "stdout"; text: string }
 *   | { t: "stderr"; text: string; head: number }
 *   | { t: "drain" }
 *   | { t: "start"; plan: RunPlan }
 *   | { t: "done"; code: number; head: number }} WorkerMessage
 */
