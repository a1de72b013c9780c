// The argument parsing and loading that `sel4ts graph` and `sel4ts caps` share: a system file (or
// a root task) with the run options they accept. Parsed by hand because these commands take their
// own output options (--format, -o) first; the other commands use the option table (options.ts).

import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { dirname, resolve } from "node:path";
import { formatDiagnostic, parseSdf, type SdfFileLookup, type SdfSystem } from "../microkit/sdf.ts";
import { elfProgramOf, type ElfProgram } from "../microkit/elf-pd.ts";
import { microkitProgramOf, type MicrokitProgram } from "../user/microkit.ts";
import { parseDuration } from "./duration.ts";

interface BootArgs {
  file: string;
  maxTicks?: number;
  checkInvariants: boolean;
  ramSize?: number;
  quiet: boolean;
  /** UART input: a file, a literal text, stdin (the default when it is not a terminal), or none. */
  inputFile?: string;
  inputText?: string;
  noStdin: boolean;
  inputAt?: number | "idle";
  inputInterval?: number;
  /** Where to write the trace (Chrome/Perfetto JSON), if anywhere. */
  tracePath?: string;
  /** KernelNumDomains of the kernel to boot (seL4's default is 1). */
  numDomains?: number;
}

function parseBootArgs(args: string[]): BootArgs | string {
  const out: BootArgs = { file: "", checkInvariants: false, quiet: false, noStdin: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--max-time") {
      const d = parseDuration(args[++i] ?? "");
      if (d === null) return `bad duration '${args[i] ?? ""}' (examples: 500us, 10ms, 2s)`;
      out.maxTicks = d;
    } else if (a === "--check-invariants") {
      out.checkInvariants = true;
    } else if (a === "--quiet") {
      out.quiet = true;
    } else if (a === "--ram") {
      const mib = Number(args[++i]);
      if (!Number.isInteger(mib) || mib < 16 || mib > 4096) return "--ram takes a size in MiB (16..4096)";
      out.ramSize = mib * 1024 * 1024;
    } else if (a === "--input") {
      const f = args[++i];
      if (f === undefined) return "--input takes a file name";
      out.inputFile = f;
    } else if (a === "--input-text") {
      const t = args[++i];
      if (t === undefined) return "--input-text takes a text";
      out.inputText = t;
    } else if (a === "--no-stdin") {
      out.noStdin = true;
    } else if (a === "--input-at") {
      const v = args[++i] ?? "";
      const d = v === "idle" ? "idle" : parseDuration(v);
      if (d === null) return `bad input time '${v}' (a duration such as 10ms, or 'idle')`;
      out.inputAt = d;
    } else if (a === "--input-interval") {
      const d = parseDuration(args[++i] ?? "");
      if (d === null) return `bad input interval '${args[i] ?? ""}' (examples: 87us, 1ms)`;
      out.inputInterval = d;
    } else if (a === "--trace") {
      const f = args[++i];
      if (f === undefined) return "--trace takes an output file name";
      out.tracePath = f;
    } else if (a === "--domains") {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 256) return "--domains takes KernelNumDomains (1..256)";
      out.numDomains = n;
    } else if (a.startsWith("-")) {
      return `unknown option ${a}`;
    } else if (out.file === "") {
      out.file = a;
    } else {
      return `unexpected argument ${a}`;
    }
  }
  if (out.file === "") return "boot needs a root task file";
  return out;
}

export interface SdfArgs {
  file: string;
  searchPaths: string[];
  boot: BootArgs;
  /** --report: where to write the Microkit tool's report.txt. */
  reportPath?: string;
}

/** `run`/`capdl` arguments: the SDF, each --search-path, and the options `boot` takes. */
export function parseSdfArgs(cmd: string, args: string[]): SdfArgs | string {
  const searchPaths: string[] = [];
  const rest: string[] = [];
  let reportPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--search-path") {
      const d = args[++i];
      if (d === undefined) return "--search-path takes a directory";
      searchPaths.push(d);
    } else if (a === "--report") {
      reportPath = args[++i];
      if (reportPath === undefined) return "--report takes an output file name";
    } else {
      rest.push(a);
    }
  }
  const boot = parseBootArgs(rest);
  if (typeof boot === "string")
    return boot === "boot needs a root task file" ? `${cmd} needs a system description file` : boot;
  return { file: boot.file, searchPaths, boot, reportPath };
}

/**
 * Parse an SDF for `graph`/`caps`; diagnostics are printed; an exit status when it has errors.
 * `anyCores` (a picture of the description): a system placing PDs on other cores is read as for
 * a multicore kernel (8 cores, the most there can be) when a single-core reading refuses it.
 */
export async function loadSdf(a: SdfArgs, anyCores = false): Promise<SdfSystem | number> {
  let text: string;
  try {
    text = await readFile(a.file, "utf8");
  } catch (e) {
    process.stderr.write(`sel4ts: cannot read ${a.file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const dirs = [...a.searchPaths, dirname(a.file)];
  const lookup = (path: string): SdfFileLookup => {
    const full = findFile(dirs, path);
    if (full === null) return { found: false, reason: "missing" };
    try {
      return { found: true, bytes: new Uint8Array(readFileSync(full)) };
    } catch {
      return { found: false, reason: "unreadable" };
    }
  };
  let result = parseSdf(text, { file: a.file, readFile: lookup });
  if (!result.ok && anyCores) {
    const multi = parseSdf(text, { file: a.file, readFile: lookup, config: { numCores: 8 } });
    if (multi.ok) result = multi;
  }
  for (const w of result.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
  if (result.ok) return result.system;
  for (const e of result.errors) process.stderr.write(`${formatDiagnostic(e)}\n`);
  return 1;
}

function findFile(dirs: string[], path: string): string | null {
  for (const dir of dirs) {
    const full = resolve(dir, path);
    try {
      if (existsSync(full) && statSync(full).isFile()) return full;
    } catch {
      // unreadable: try the next directory
    }
  }
  return null;
}

/** `sel4ts capdl <file.system>`: the system's CapDL spec on stdout. */

export interface LoadedPrograms {
  programs: Map<string, MicrokitProgram>;
  elfs: Map<string, ElfProgram>;
}

export async function loadPrograms(a: SdfArgs, sys: SdfSystem): Promise<LoadedPrograms | number> {
  const dirs = [...a.searchPaths, dirname(a.file)];
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  let failed = false;
  const fail = (pd: SdfSystem["protectionDomains"][number], msg: string): void => {
    process.stderr.write(
      `${formatDiagnostic({ file: a.file, line: pd.loc.line, col: pd.loc.col, message: msg })}\n`,
    );
    failed = true;
  };
  for (const pd of sys.protectionDomains) {
    const path = pd.programImage.path;
    const full = findFile(dirs, path);
    if (full === null) {
      fail(
        pd,
        `program image '${path}' of protection domain '${pd.name}' not found (searched ${dirs.join(", ")})`,
      );
      continue;
    }
    if (!/\.(ts|js|mjs|mts)$/.test(full)) {
      // Anything else is a program for the machine: an ELF executable (C, Rust, assembly).
      try {
        elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(full))));
      } catch (e) {
        fail(
          pd,
          `program image '${path}' of protection domain '${pd.name}': ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      continue;
    }
    try {
      const mod = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
      const prog = microkitProgramOf(mod);
      if (prog.init === undefined) fail(pd, `program image '${path}' has no init() entry point`);
      else programs.set(pd.name, prog);
    } catch (e) {
      fail(pd, `cannot load program image '${path}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed ? 1 : { programs, elfs };
}

/** `sel4ts run <file.system>`: build the system, boot it with the Microkit initialiser, run. */
