// What a supervised command (boot, run) runs with in the worker, and the part of a run they share:
// the System wired to the console and stderr, unhandled faults and TS exceptions counted and
// explained, the trace written, the end-of-run summary and the verdict (exit.js).

import { writeFileSync } from "node:fs";
import type { Tcb } from "../kernel/structures.ts";
import {
  System,
  type InputStream,
  type RunResult,
  type RunWatch,
  type SystemOptions,
} from "../system/system.ts";
import { STOP_INTERRUPT, STOP_TIMEOUT } from "./channel.js";
import { parseDuration } from "./duration.ts";
import {
  EXIT_EXCEPTION,
  EXIT_FAULT,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
  EXIT_INVARIANT,
  EXIT_MAX_TIME,
  EXIT_OK,
  EXIT_TIMEOUT,
} from "./exit.js";
import type { ParsedArgs } from "./options.ts";
import { describeUserError, locateTsThread } from "./user-stack.ts";
import { rt } from "../user/runtime.ts";
import { kernelLogSink, parseKernelLogMode } from "./kernel-log.ts";
import { monitorFaultTap } from "./monitor-faults.ts";
import type { TraceSink } from "../system/trace.ts";

export interface RunIO {
  /** A console byte (stdout). */
  console(byte: number): void;
  /** A diagnostic line for stderr (a newline is added). */
  stderr(text: string): void;
  watch: RunWatch;
  /** 0, or why the CLI's thread asked the run to stop (STOP_TIMEOUT, STOP_INTERRUPT). */
  stopReason(): number;
  /** stdin read in full before the run, if it was. */
  stdinBytes: Uint8Array | null;
  /** stdin as a pipe that keeps delivering during the run, if it is one. */
  inputStream: InputStream | null;
  /** Where the trace (--trace) is streamed as it is recorded, so a run ended by force still leaves one. */
  traceSink: TraceSink | null;
}

/** Where a faulting pc is in the program's source: "function at file:line", or null. */
export type Locator = (thread: Tcb, pc: number) => string | null;

export interface Simulation {
  system: System;
  /** Run and report; returns the exit status. */
  run(start: () => void): number;
  /** System calls made and never run (generators dropped without yield*), counted by run(). */
  droppedCalls: number;
}

/**
 * After a run that dropped system calls: where, in the TypeScript programs `files` (the checker's
 * search for call statements whose generator is thrown away, as `sel4ts check` does).
 */
export async function reportDroppedCalls(sim: Simulation, files: string[], io: RunIO): Promise<void> {
  const ts = files.filter((f) => /\.(ts|mts)$/.test(f));
  if (sim.droppedCalls === 0 || ts.length === 0) return;
  const { typecheckFiles } = await import("./typecheck.ts");
  typecheckFiles(ts, io.stderr, { droppedOnly: true });
}

/** Options shared by boot and run, read from the parsed command line. */
export function systemOptions(
  args: ParsedArgs,
): Pick<SystemOptions, "maxTicks" | "ramSize" | "checkInvariants" | "jit"> {
  const v = args.values;
  return {
    jit: v["jit-backend"] === "wasm" ? "wasm" : v.jit === true || v["jit-backend"] === "js",
    maxTicks: typeof v["max-time"] === "string" ? (parseDuration(v["max-time"]) ?? undefined) : undefined,
    ramSize: typeof v.ram === "string" ? Number(v.ram) * 1024 * 1024 : undefined,
    checkInvariants: v["check-invariants"] === true,
  };
}

const NO_HANDLER = "Found thread has no fault handler";

/**
 * A System for `args`, wired to `io`. `extra` adds what the command needs (kernel config, input,
 * trace); `locate` turns a faulting pc into a source location; `onDiagnostic` may take a kernel
 * diagnostic itself (returning true).
 */
export function simulation(
  args: ParsedArgs,
  io: RunIO,
  extra: SystemOptions,
  locate: Locator,
  onDiagnostic?: (text: string) => boolean,
  /** A Microkit system: faults its monitor prints are located in the PD's source and counted. */
  microkit = false,
): Simulation {
  let faults = 0;
  let exceptions = 0;
  const tap = microkit
    ? monitorFaultTap(
        () => system,
        locate,
        io.stderr,
        () => faults++,
      )
    : null;
  const trace =
    extra.trace !== undefined && io.traceSink !== null && args.values.gdb === undefined
      ? { ...extra.trace, sink: io.traceSink }
      : extra.trace;
  const system: System = new System({
    ...systemOptions(args),
    ...extra,
    trace,
    watch: io.watch,
    onConsole:
      tap === null
        ? io.console
        : (b) => {
            io.console(b);
            tap(b);
          },
    onKernelLog: kernelLogSink(
      parseKernelLogMode(
        typeof args.values["kernel-log"] === "string" ? args.values["kernel-log"] : "stderr",
      ) ?? "stderr",
      io.console,
      io.stderr,
    ),
    onDiagnostic: (text) => {
      if (onDiagnostic?.(text) === true) return;
      if (text.startsWith(NO_HANDLER)) {
        faults++;
        const t = system.kernel.currentThread;
        const m = /in thread ".*" at address (0x[0-9a-f]+)/.exec(text);
        const where = faultLocation(system, t, m !== null ? Number(m[1]) : -1, locate);
        io.stderr(where !== null ? `${text}\nsel4ts: the fault is at ${where}` : text);
        return;
      }
      io.stderr(text);
    },
    onUserError: (t, error) => {
      if (onDiagnostic?.(error instanceof Error ? error.message : String(error)) === true) return;
      exceptions++;
      io.stderr(`sel4ts: TypeScript program of thread "${t.name}" threw ${describeUserError(error)}`);
    },
  });
  const tracePath = typeof args.values.trace === "string" ? args.values.trace : undefined;
  return {
    system,
    droppedCalls: 0,
    run(start: () => void): number {
      let r: RunResult;
      rt.unstarted = 0;
      try {
        start();
        r = system.run();
      } catch (e) {
        // A JavaScript exception out of the kernel is a kernel bug: say so plainly.
        io.stderr(
          `sel4ts: internal error (kernel bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        writeTrace(io, tracePath, system);
        return EXIT_INTERNAL;
      }
      if (!writeTrace(io, tracePath, system)) return 1;
      if (rt.unstarted > 0)
        io.stderr(
          `sel4ts: warning: ${rt.unstarted} system call(s) were made and never run: a call written without ` +
            "yield* does nothing",
        );
      this.droppedCalls = rt.unstarted;
      const v = args.values;
      const ms = (r.ticks / 10_000).toFixed(3);
      const stop = io.stopReason();
      if (r.reason === "stopped") {
        const why =
          stop === STOP_TIMEOUT ? `wall-clock limit --timeout ${String(v.timeout)} reached` : "interrupted";
        const t = system.kernel.currentThread;
        const what = system.kernel.isIdle
          ? "the system was idle, waiting for input"
          : `thread "${t.name}" was running`;
        io.stderr(
          `sel4ts: ${why}: stopped at ${ms} ms simulated, ${r.kernelEntries} kernel entries; ${what}`,
        );
        return stop === STOP_INTERRUPT ? EXIT_INTERRUPTED : EXIT_TIMEOUT;
      }
      if (v.quiet !== true) {
        const extraNote =
          faults + exceptions > 0 ? `; ${faults} unhandled fault(s), ${exceptions} exception(s)` : "";
        io.stderr(
          `sel4ts: ${r.reason} after ${ms} ms simulated, ${r.kernelEntries} kernel entries${extraNote}`,
        );
      }
      if (r.reason === "invariant") {
        io.stderr(`sel4ts: kernel invariant violated: ${r.message ?? ""}`);
        return EXIT_INVARIANT;
      }
      if (v["fail-on-fault"] === true && exceptions > 0) return EXIT_EXCEPTION;
      if (v["fail-on-fault"] === true && faults > 0) return EXIT_FAULT;
      if (v["fail-on-timeout"] === true && r.reason === "max-time") return EXIT_MAX_TIME;
      return EXIT_OK;
    },
  };
}

/** The source location of the faulting thread's pc: the TS stub's caller, or the ELF's line table. */
function faultLocation(system: System, t: Tcb, pc: number, locate: Locator): string | null {
  const ts = locateTsThread(system, t);
  if (ts !== null) return ts;
  return pc >= 0 ? locate(t, pc) : null;
}

/** Write the run's trace if one was asked for; false (and a message) if the file cannot be written. */
function writeTrace(io: RunIO, path: string | undefined, sys: System): boolean {
  if (path === undefined || sys.tracer === null) return true;
  try {
    writeFileSync(path, sys.tracer.toJSON());
    if (sys.tracer.isTruncated)
      io.stderr(`sel4ts: trace ${path} stops after ${sys.tracer.eventCount} events`);
    return true;
  } catch (e) {
    io.stderr(`sel4ts: cannot write trace ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}
