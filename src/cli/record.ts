// `boot|run --record FILE` / `--replay FILE`: a run's UART input kept so that the run can be repeated
// exactly. Input read before the run (a file, --input-text, stdin from a file) is stored as it is;
// input piped in during the run enters the system at its idle moments, whenever the bytes happen
// to arrive on the host, so what is stored is what each of those moments received, in order. The
// system is deterministic, so handing the same bytes to the same moments repeats the run byte for
// byte (console, trace), without the host's timing.

import { readFileSync, writeFileSync } from "node:fs";
import type { InputStream, SystemOptions } from "../system/system.ts";
import { parseDuration } from "./duration.ts";

interface RecordFile {
  format: "sel4ts-input/1";
  /** Input given before the run (base64), or null. */
  input: string | null;
  inputAt: string | null;
  inputInterval: string | null;
  /** What each poll of piped input returned (base64; null: the input ended). */
  polls: (string | null)[];
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

/** Passes piped input through, remembering what each poll returned. */
export class RecordingStream implements InputStream {
  readonly polls: (Uint8Array | null)[] = [];
  constructor(private readonly inner: InputStream) {}
  poll(): Uint8Array | null {
    const b = this.inner.poll();
    this.polls.push(b === null ? null : b.slice());
    return b;
  }
  wait(): void {
    this.inner.wait();
  }
}

/** Gives back recorded polls in order; after the last one, the input has ended. */
export class ReplayStream implements InputStream {
  private i = 0;
  constructor(private readonly polls: (Uint8Array | null)[]) {}
  poll(): Uint8Array | null {
    return this.i < this.polls.length ? this.polls[this.i++] : null;
  }
  wait(): void {}
}

export interface Recording {
  input: Uint8Array | undefined;
  inputAt: string | undefined;
  inputInterval: string | undefined;
  /** What each poll of piped input returned (null: none was piped); `new ReplayStream(polls)`. */
  polls: (Uint8Array | null)[] | null;
}

export function writeRecording(
  path: string,
  input: Uint8Array | undefined,
  inputAt: string | undefined,
  inputInterval: string | undefined,
  stream: RecordingStream | null,
): void {
  const f: RecordFile = {
    format: "sel4ts-input/1",
    input: input === undefined ? null : b64(input),
    inputAt: inputAt ?? null,
    inputInterval: inputInterval ?? null,
    polls: stream === null ? [] : stream.polls.map((p) => (p === null ? null : b64(p))),
  };
  writeFileSync(path, `${JSON.stringify(f)}\n`);
}

/** The recording in `path`, or a message saying why it cannot be used. */
export function readRecording(path: string): Recording | string {
  let f: RecordFile;
  try {
    f = JSON.parse(readFileSync(path, "utf8")) as RecordFile;
  } catch (e) {
    return `cannot read recording ${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (f === null || typeof f !== "object" || f.format !== "sel4ts-input/1" || !Array.isArray(f.polls))
    return `${path} is not a sel4ts input recording`;
  return {
    input: typeof f.input === "string" ? unb64(f.input) : undefined,
    inputAt: typeof f.inputAt === "string" ? f.inputAt : undefined,
    inputInterval: typeof f.inputInterval === "string" ? f.inputInterval : undefined,
    polls: f.polls.length > 0 ? f.polls.map((p) => (typeof p === "string" ? unb64(p) : null)) : null,
  };
}

/**
 * The UART input options of `boot` and `run` (--input, --input-text, stdin, --input-at,
 * --input-interval, --record, --replay) as system options, and the recording written at the end.
 */
export interface UartInput {
  /** The input of one incarnation of the system (each gets its own replayed stream). */
  options(): Pick<SystemOptions, "input" | "inputAt" | "inputInterval" | "inputStream">;
  /** Writes the --record file, if asked for; false (after saying why) when it cannot be written. */
  finish(): boolean;
}

/** The UART input the command line asks for, or a message saying why it cannot be had. */
export function uartInput(
  v: Readonly<Record<string, unknown>>,
  stdinBytes: Uint8Array | null,
  piped: InputStream | null,
  /** Under a debugger: piped input is not taken (a replay from boot would need it again). */
  debugging: boolean,
  stderr: (text: string) => void,
): UartInput | string {
  let input: Uint8Array | undefined;
  if (typeof v["input-text"] === "string") input = new TextEncoder().encode(v["input-text"]);
  else if (typeof v.input === "string") {
    try {
      input = new Uint8Array(readFileSync(v.input));
    } catch (e) {
      return `cannot read input ${v.input}: ${e instanceof Error ? e.message : String(e)}`;
    }
  } else if (stdinBytes !== null) input = stdinBytes;
  let inputAt = typeof v["input-at"] === "string" ? v["input-at"] : undefined;
  let interval = typeof v["input-interval"] === "string" ? v["input-interval"] : undefined;
  let polls: (Uint8Array | null)[] | null = null;
  let stream: InputStream | null = debugging ? null : piped;
  if (typeof v.replay === "string") {
    const rec = readRecording(v.replay);
    if (typeof rec === "string") return rec;
    ({ input, inputAt, inputInterval: interval, polls } = rec);
    stream = null;
  }
  const recording = typeof v.record === "string" && stream !== null ? new RecordingStream(stream) : null;
  if (recording !== null) stream = recording;
  const record = typeof v.record === "string" ? v.record : null;
  return {
    options: () => ({
      input,
      inputStream: polls !== null ? new ReplayStream(polls) : (stream ?? undefined),
      inputAt: inputAt === undefined || inputAt === "idle" ? "idle" : (parseDuration(inputAt) ?? 0),
      inputInterval: interval !== undefined ? (parseDuration(interval) ?? 0) : undefined,
    }),
    finish: () => {
      if (record === null) return true;
      try {
        writeRecording(record, input, inputAt, interval, recording);
        return true;
      } catch (e) {
        stderr(`sel4ts: cannot write ${record}: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    },
  };
}
