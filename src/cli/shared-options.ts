// Options that several commands take, declared once (see options.ts).

import {
  directoryCheck,
  durationCheck,
  readableFileCheck,
  writableFileCheck,
  type OptionSpec,
} from "./options.ts";
import { parseKernelLogMode } from "./kernel-log.ts";

export const searchPath: OptionSpec = {
  name: "search-path",
  type: "string",
  multiple: true,
  arg: "<dir>",
  help: "look for program images (and prefill files) in this directory, before the system file's own",
  check: directoryCheck,
};

/** What a run's supervision and verdict take: `boot` and `run`. */
/** `--report FILE` of run and check: the Microkit tool's report.txt (report.ts). */
export const reportOption: OptionSpec = {
  name: "report",
  type: "string",
  arg: "<report.txt>",
  help: "write the Microkit tool's report.txt (objects, addresses, caps) to this file",
  check: writableFileCheck,
};

/** A check that the value is an integer in lo..hi ("'x' is not <what> (lo..hi)" otherwise). */
function intRangeCheck(lo: number, hi: number, what: string): (v: string) => string | null {
  return (v) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= lo && n <= hi ? null : `'${v}' is not ${what} (${lo}..${hi})`;
  };
}

/** `--num-nodes N`: KernelMaxNumNodes (boot, run, graph, caps). */
export const numNodesOption: OptionSpec = {
  name: "num-nodes",
  type: "string",
  arg: "<n>",
  help: "KernelMaxNumNodes: the number of cores (1..8; the Microkit's smp- configurations have 4)",
  check: intRangeCheck(1, 8, "a core count"),
};

export const runOptions: OptionSpec[] = [
  numNodesOption,
  {
    name: "max-time",
    type: "string",
    arg: "<duration>",
    help: "stop after this much simulated time (500us, 10ms, 2s); exit 0 unless --fail-on-timeout",
    check: durationCheck,
  },
  {
    name: "timeout",
    type: "string",
    arg: "<duration>",
    help: "stop after this much wall-clock time (e.g. 30s), saying which thread ran; exit 124",
    check: durationCheck,
  },
  {
    name: "fail-on-fault",
    type: "boolean",
    help: "exit 4 if a thread faulted and no handler took the fault, 5 if a TS program threw",
  },
  {
    name: "fail-on-timeout",
    type: "boolean",
    help: "exit 6 when the run reaches --max-time instead of halting or going idle",
  },
  {
    name: "trace",
    type: "string",
    arg: "<out.json>",
    help: "write a trace of the run (Chrome/Perfetto JSON) to this file",
    check: writableFileCheck,
  },
  {
    name: "check-invariants",
    type: "boolean",
    help: "check the kernel's invariants after every kernel entry (slow); exit 3 on a violation",
  },
  {
    name: "typecheck",
    type: "boolean",
    help: "type-check the TypeScript programs first (as `sel4ts check` does); exit 1 on an error",
  },
  {
    name: "ram",
    type: "string",
    arg: "<MiB>",
    help: "RAM size of the machine in MiB (16..4096)",
    check: ramCheck,
  },
  { name: "quiet", type: "boolean", help: "no end-of-run summary on stderr" },
  {
    name: "jit",
    type: "boolean",
    help: "translate hot RV64 code (the default; see --jit-backend, --no-jit)",
  },
  {
    name: "no-jit",
    type: "boolean",
    help: "interpret every RV64 instruction, no translation (the reference; same results)",
  },
  {
    name: "jit-backend",
    type: "string",
    arg: "wasm|js",
    help: "what hot RV64 code is translated into: wasm (default, WebAssembly) or js (JavaScript)",
    check: (v) => (v === "js" || v === "wasm" ? null : `'${v}' is not wasm or js`),
  },
  {
    name: "kernel-log",
    type: "string",
    arg: "stderr|console|off",
    help: "where the debug kernel's user-error lines go: stderr (default), into the console output, or nowhere",
    check: (v) => (parseKernelLogMode(v) === null ? `'${v}' is not stderr, console or off` : null),
  },
  {
    name: "gdb",
    type: "string",
    arg: "<port>",
    help: "serve GDB on this TCP port (0: any free one), stopped before the first user instruction (one core)",
    check: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? null : `'${v}' is not a TCP port`;
    },
  },
];

function ramCheck(v: string): string | null {
  const n = Number(v);
  return Number.isInteger(n) && n >= 16 && n <= 4096 ? null : `'${v}' is not a size in MiB (16..4096)`;
}

/** The UART input options of `boot`. */
export const inputOptions: OptionSpec[] = [
  {
    name: "input",
    type: "string",
    arg: "<file>",
    help: "bytes for the UART's receiver, read from this file (instead of stdin)",
    check: readableFileCheck,
  },
  {
    name: "input-text",
    type: "string",
    arg: "<text>",
    help: "bytes for the UART's receiver, given literally",
  },
  { name: "no-stdin", type: "boolean", help: "do not read stdin at all" },
  {
    name: "record",
    type: "string",
    arg: "<file>",
    help: "keep the run's UART input (and when piped input arrived) in this file, for --replay",
    check: writableFileCheck,
  },
  {
    name: "replay",
    type: "string",
    arg: "<file>",
    help: "take the UART input from a --record file: the recorded run again, byte for byte",
    check: readableFileCheck,
  },
  {
    name: "input-at",
    type: "string",
    arg: "<duration>|idle",
    help: "when the input enters the UART: a simulated time, or at the first idle moment (default)",
    check: (v) => (v === "idle" ? null : durationCheck(v)),
  },
  {
    name: "input-interval",
    type: "string",
    arg: "<duration>",
    help: "deliver input one byte per interval (e.g. 87us, a byte time at 115200 baud)",
    check: durationCheck,
  },
  {
    name: "domains",
    type: "string",
    arg: "<n>",
    help: "KernelNumDomains of the kernel (1..256)",
    check: intRangeCheck(1, 256, "a domain count"),
  },
];
