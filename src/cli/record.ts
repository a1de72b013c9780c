// `boot --record FILE` / `--replay FILE`: a run's UART input kept so that the run can be repeated
// exactly. Input read before the run (a file, --input-text, stdin from a file) is stored as it is;
// input piped in during the run enters the system at its idle moments, whenever the bytes happen
// to arrive on the host, so what is stored is what each of those moments received, in order. The
// system is deterministic, so handing the same bytes to the same moments repeats the run byte for
// byte (console, trace), without the host's timing.

import { readFileSync, writeFileSync } from "node:fs";
import type { InputStream } from "../system/system.ts";

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
  stream: ReplayStream | null;
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
    stream:
      f.polls.length > 0
        ? new ReplayStream(f.polls.map((p) => (typeof p === "string" ? unb64(p) : null)))
        : null,
  };
}
