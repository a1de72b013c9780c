// A run in the CLI's own thread (main() called as a library, e.g. by tests): console bytes are
// buffered and written with process.stdout.write, diagnostics with process.stderr.write. Without a
// supervising thread there is no --timeout and no Ctrl-C handling.

import type { RunIO } from "./run-io.ts";

export function inProcessIO(): RunIO & { flush(): void } {
  const out: number[] = [];
  const tty = process.stdout.isTTY === true;
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(Buffer.from(out));
    out.length = 0;
  };
  return {
    console(b: number): void {
      out.push(b);
      if (out.length >= 4096 || (tty && b === 10)) flush();
    },
    stderr(text: string): void {
      flush();
      process.stderr.write(`${text}\n`);
    },
    watch: { progress: new Float64Array(4), stop: new Int32Array(1), switched: () => undefined },
    stopReason: () => 0,
    stdinBytes: null,
    inputStream: null,
    traceSink: null,
    flush,
  };
}
