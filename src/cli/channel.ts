// The shared memory between the CLI's thread and the worker that runs a simulation (supervise.ts,
// worker.ts). Console bytes, progress and stdin go through SharedArrayBuffers, so that the CLI's
// thread still sees everything when the worker is stuck in a user program's endless loop, and a
// console byte costs the worker two stores rather than a message.

/** ctl[] slots (Int32Array). */
export const CTL_STOP = 0; // 0 run on; STOP_TIMEOUT / STOP_INTERRUPT: stop, and why
export const CTL_OUT_HEAD = 1; // console bytes written by the worker (a count, wraps at 2^32)
export const CTL_OUT_TAIL = 2; // console bytes the CLI's thread has written out
export const CTL_IN_HEAD = 3; // stdin bytes put in by the CLI's thread
export const CTL_IN_TAIL = 4; // stdin bytes taken by the worker
export const CTL_IN_EOF = 5; // 1 once stdin has ended
export const CTL_NAME_LEN = 6; // length of the running thread's name in `name`
export const CTL_SLOTS = 8;

export const STOP_TIMEOUT = 1;
export const STOP_INTERRUPT = 2;

export const OUT_SIZE = 1 << 16;
export const IN_SIZE = 1 << 16;
export const NAME_SIZE = 256;

export interface Channel {
  ctl: SharedArrayBuffer;
  progress: SharedArrayBuffer;
  out: SharedArrayBuffer;
  in: SharedArrayBuffer;
  name: SharedArrayBuffer;
}

export function newChannel(): Channel {
  return {
    ctl: new SharedArrayBuffer(4 * CTL_SLOTS),
    progress: new SharedArrayBuffer(8 * 4),
    out: new SharedArrayBuffer(OUT_SIZE),
    in: new SharedArrayBuffer(IN_SIZE),
    name: new SharedArrayBuffer(NAME_SIZE),
  };
}

/** What the worker is told when it starts. */
export interface WorkerJob {
  command: string;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  channel: Channel;
  /** stdout is a terminal: flush at each newline, else in blocks. */
  stdoutIsTTY: boolean;
  /** stdin read in full before the run (a file, or a pipe with --input-at), if any. */
  stdinBytes: Uint8Array | null;
  /** stdin is a pipe streamed through the channel while the run goes on. */
  stdinStreamed: boolean;
}

/** Messages from the worker. */
export type WorkerMessage =
  { t: "stderr"; text: string; head: number } | { t: "drain" } | { t: "done"; code: number; head: number };
