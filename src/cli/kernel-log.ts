// Where the CLI puts the lines a debug kernel prints for user errors (`--kernel-log`):
//   stderr  (default) on the diagnostic stream, so stdout stays exactly what the program printed;
//   console into the console output (stdout) at the point the real kernel prints them, so the
//           output can be compared with a real seL4 console (the kernel and the program share it);
//   off     not at all (the kernel then formats nothing).

export type KernelLogMode = "stderr" | "console" | "off";

export function parseKernelLogMode(v: string | undefined): KernelLogMode | null {
  return v === "stderr" || v === "console" || v === "off" ? v : null;
}

/**
 * The System's onKernelLog for a mode. `consoleByte` appends to the console stream; `stderrLine`
 * writes a line (adding its newline) to the diagnostic stream.
 */
export function kernelLogSink(
  mode: KernelLogMode,
  consoleByte: (b: number) => void,
  stderrLine: (line: string) => void,
): ((line: string) => void) | undefined {
  if (mode === "off") return undefined;
  if (mode === "stderr") return stderrLine;
  return (line) => {
    for (let i = 0; i < line.length; i++) consoleByte(line.charCodeAt(i) & 0xff);
    consoleByte(10);
  };
}
