// The sel4ts command line: the only place that does I/O. It loads programs, runs a System, writes
// console bytes to stdout exactly and everything else to stderr.

import { readFile } from "node:fs/promises";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { basename, dirname, resolve } from "node:path";
import { formatDiagnostic, parseSdf, type SdfFileLookup, type SdfSystem } from "../microkit/sdf.ts";
import { buildMicrokit, type MicrokitBuild } from "../microkit/builder.ts";
import { ElfImageError, elfProgramOf, type ElfProgram } from "../microkit/elf-pd.ts";
import { microkitKernelConfig, microkitRootTask } from "../microkit/run.ts";
import { printCapDL } from "../capdl/spec.ts";
import { microkitProgramOf, type MicrokitProgram } from "../user/microkit.ts";
import { System, type RunResult } from "../system/system.ts";
import type { RootMain } from "../user/root.ts";
import { parseDuration } from "./duration.ts";
import { elfImage, ElfError, parseElf, type ElfImage } from "../machine/elf.ts";
import { graph, GRAPH_USAGE } from "./graph.ts";
import { caps, CAPS_USAGE } from "./caps.ts";
import { writeReport } from "./report.ts";

const USAGE = `usage: sel4ts boot <root-task.ts|.js|.elf> [--max-time <duration>] [--check-invariants] [--ram <MiB>]
                   [--input <file> | --input-text <text> | --no-stdin]
                   [--input-at <duration>|idle] [--input-interval <duration>] [--trace <out.json>]
                   [--domains <KernelNumDomains>]
       sel4ts run <file.system> [--search-path DIR]... [--max-time <duration>] [--trace <out.json>] [--report <report.txt>]
       sel4ts check <file.system> [--search-path DIR]... [--report <report.txt>]
       sel4ts capdl <file.system>
       ${GRAPH_USAGE}
       ${CAPS_USAGE}`;

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

/**
 * UART input. The bytes are read in full before the run (so a run is a function of its input, never
 * of host timing) and handed to the simulated 16550 at a defined simulated time: by default the
 * first moment the system is idle, all at once; `--input-at` gives an absolute time and
 * `--input-interval` paces them one byte per interval (e.g. 87us, a byte time at 115200 baud).
 */
async function readInput(a: BootArgs): Promise<Uint8Array | string> {
  if (a.inputText !== undefined) return new TextEncoder().encode(a.inputText);
  if (a.inputFile !== undefined) {
    try {
      return new Uint8Array(await readFile(a.inputFile));
    } catch (e) {
      return `cannot read input ${a.inputFile}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (a.noStdin || process.stdin.isTTY === true) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  } catch (e) {
    return `cannot read stdin: ${e instanceof Error ? e.message : String(e)} (use --no-stdin)`;
  }
  return new Uint8Array(Buffer.concat(chunks));
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

async function boot(args: string[]): Promise<number> {
  const parsed = parseBootArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`sel4ts: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  // A root task is an ELF executable (RV64 machine code) or a TS/JS module.
  let image: ElfImage | null = null;
  let mod: { default?: unknown } = {};
  try {
    const head = existsSync(parsed.file) ? readFileSync(parsed.file).subarray(0, 4) : Buffer.alloc(0);
    // By its magic number, or by its name when it is not a module (so a broken ELF gets the ELF
    // parser's explanation, not the module loader's).
    const elfMagic = head.length === 4 && head.readUInt32BE(0) === 0x7f454c46;
    if (elfMagic || !/\.(ts|js|mjs|mts|cjs|cts)$/.test(parsed.file)) {
      image = elfImage(parseElf(new Uint8Array(readFileSync(parsed.file))));
    } else {
      mod = (await import(pathToFileURL(resolve(parsed.file)).href)) as { default?: unknown };
    }
  } catch (e) {
    const what = e instanceof ElfError ? "bad ELF file: " : "";
    process.stderr.write(
      `sel4ts: cannot load ${parsed.file}: ${what}${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 2;
  }
  if (image === null && typeof mod.default !== "function") {
    process.stderr.write(`sel4ts: ${parsed.file} has no default export function* (bootinfo) { ... }\n`);
    return 2;
  }
  const input = await readInput(parsed);
  if (typeof input === "string") {
    process.stderr.write(`sel4ts: ${input}\n`);
    return 2;
  }
  const out: number[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(Buffer.from(out));
    out.length = 0;
  };
  const sys = new System({
    kernelConfig: parsed.numDomains !== undefined ? { numDomains: parsed.numDomains } : {},
    ramSize: parsed.ramSize,
    maxTicks: parsed.maxTicks,
    checkInvariants: parsed.checkInvariants,
    input,
    inputAt: parsed.inputAt,
    inputInterval: parsed.inputInterval,
    trace: parsed.tracePath !== undefined ? { processName: basename(parsed.file) } : undefined,
    onConsole: (b) => {
      out.push(b);
      if (out.length >= 4096) flush();
    },
    onDiagnostic: (text) => {
      flush();
      process.stderr.write(`${text}\n`);
    },
  });
  if (image !== null) {
    try {
      sys.bootImage(image);
    } catch (e) {
      process.stderr.write(
        `sel4ts: cannot boot ${parsed.file}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      return 2;
    }
  }
  let r: RunResult;
  try {
    if (image === null) sys.boot(mod.default as RootMain);
    r = sys.run();
  } catch (e) {
    // A JavaScript exception out of the kernel is a kernel bug: say so plainly.
    flush();
    process.stderr.write(
      `sel4ts: internal error (kernel bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    writeTrace(parsed.tracePath, sys);
    return 70;
  }
  flush();
  if (!writeTrace(parsed.tracePath, sys)) return 1;
  if (!parsed.quiet) {
    const ms = (r.ticks / 10_000).toFixed(3);
    process.stderr.write(`sel4ts: ${r.reason} after ${ms} ms simulated, ${r.kernelEntries} kernel entries\n`);
  }
  if (r.reason === "invariant") {
    process.stderr.write(`sel4ts: kernel invariant violated: ${r.message ?? ""}\n`);
    return 3;
  }
  return 0;
}

/** Write the run's trace if one was asked for; false (and a message) if the file cannot be written. */
function writeTrace(path: string | undefined, sys: System): boolean {
  if (path === undefined || sys.tracer === null) return true;
  try {
    writeFileSync(path, sys.tracer.toJSON());
    if (sys.tracer.isTruncated)
      process.stderr.write(`sel4ts: trace ${path} stops after ${sys.tracer.eventCount} events\n`);
    return true;
  } catch (e) {
    process.stderr.write(
      `sel4ts: cannot write trace ${path}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return false;
  }
}

/**
 * `sel4ts check <file.system> [--search-path DIR]...`: validates an SDF. Errors (and unused-region
 * warnings) go to stderr as `FILE:LINE:COL: message`; a valid file prints nothing to stdout and
 * exits 0. Exit status 1 when the SDF has an error, 2 for a usage error or an unreadable file.
 * Prefill files are looked up in each --search-path directory in order, then the SDF's directory.
 */
async function check(args: string[]): Promise<number> {
  let file: string | undefined;
  let reportPath: string | undefined;
  const searchPaths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--report" && args[i + 1] !== undefined) {
      reportPath = args[++i];
    } else if (a === "--search-path") {
      const d = args[++i];
      if (d === undefined) {
        process.stderr.write(`sel4ts: --search-path takes a directory\n${USAGE}\n`);
        return 2;
      }
      searchPaths.push(d);
    } else if (a.startsWith("-") || file !== undefined) {
      process.stderr.write(`sel4ts: unexpected argument ${a}\n${USAGE}\n`);
      return 2;
    } else {
      file = a;
    }
  }
  if (file === undefined) {
    process.stderr.write(`sel4ts: check needs a system description file\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    process.stderr.write(`sel4ts: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const dirs = [...searchPaths, dirname(file)];
  const lookup = (path: string): SdfFileLookup => {
    for (const dir of dirs) {
      const full = resolve(dir, path);
      if (!existsSync(full)) continue;
      try {
        if (!statSync(full).isFile()) return { found: false, reason: "unreadable" };
        return { found: true, bytes: new Uint8Array(readFileSync(full)) };
      } catch {
        return { found: false, reason: "unreadable" };
      }
    }
    return { found: false, reason: "missing" };
  };
  const result = parseSdf(text, { file, readFile: lookup });
  for (const w of result.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
  if (result.ok) {
    if (reportPath !== undefined && !writeReport(reportPath, buildMicrokit(result.system).spec, null, []))
      return 1;
    return 0;
  }
  for (const e of result.errors) process.stderr.write(`${formatDiagnostic(e)}\n`);
  return 1;
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

/** Parse an SDF for `run`/`capdl`; diagnostics are printed; null when it has errors. */
export async function loadSdf(a: SdfArgs): Promise<SdfSystem | number> {
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
  const result = parseSdf(text, { file: a.file, readFile: lookup });
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
async function capdl(args: string[]): Promise<number> {
  const a = parseSdfArgs("capdl", args);
  if (typeof a === "string") {
    process.stderr.write(`sel4ts: ${a}\n${USAGE}\n`);
    return 2;
  }
  const sys = await loadSdf(a);
  if (typeof sys === "number") return sys;
  process.stdout.write(printCapDL(buildMicrokit(sys).spec));
  return 0;
}

/** Load every PD's program image (a .ts/.js module) by PD name; errors as FILE:LINE:COL: message. */
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
async function run(args: string[]): Promise<number> {
  const a = parseSdfArgs("run", args);
  if (typeof a === "string") {
    process.stderr.write(`sel4ts: ${a}\n${USAGE}\n`);
    return 2;
  }
  const sys = await loadSdf(a);
  if (typeof sys === "number") return sys;
  const loaded = await loadPrograms(a, sys);
  if (typeof loaded === "number") return loaded;
  const { programs, elfs } = loaded;
  let build: MicrokitBuild;
  try {
    build = buildMicrokit(sys, elfs);
  } catch (e) {
    if (!(e instanceof ElfImageError)) throw e;
    process.stderr.write(`sel4ts: ${a.file}: ${e.message}\n`);
    return 1;
  }
  const out: number[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(Buffer.from(out));
    out.length = 0;
  };
  let initialiserFailed = false;
  const system = new System({
    kernelConfig: microkitKernelConfig(sys),
    maxTicks: a.boot.maxTicks,
    ramSize: a.boot.ramSize,
    checkInvariants: a.boot.checkInvariants,
    trace: a.boot.tracePath !== undefined ? { processName: basename(a.file) } : undefined,
    onConsole: (b) => {
      out.push(b);
      if (out.length >= 4096) flush();
    },
    onDiagnostic: (text) => {
      flush();
      const m = /(microkit initialiser: [^\n]*)/.exec(text);
      if (m !== null) {
        initialiserFailed = true;
        process.stderr.write(`sel4ts: ${m[1]}\n`);
      } else {
        process.stderr.write(`${text}\n`);
      }
    },
  });
  let r: RunResult;
  const objectSlots: number[] = [];
  try {
    system.boot(microkitRootTask(build, sys, programs, objectSlots));
    r = system.run();
  } catch (e) {
    flush();
    process.stderr.write(
      `sel4ts: internal error (kernel bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    writeTrace(a.boot.tracePath, system);
    return 70;
  }
  flush();
  if (!writeTrace(a.boot.tracePath, system)) return 1;
  if (a.reportPath !== undefined && !writeReport(a.reportPath, build.spec, system, objectSlots)) return 1;
  if (!a.boot.quiet) {
    const ms = (r.ticks / 10_000).toFixed(3);
    process.stderr.write(`sel4ts: ${r.reason} after ${ms} ms simulated, ${r.kernelEntries} kernel entries\n`);
  }
  if (r.reason === "invariant") {
    process.stderr.write(`sel4ts: kernel invariant violated: ${r.message ?? ""}\n`);
    return 3;
  }
  return initialiserFailed ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "boot":
      return boot(rest);
    case "check":
      return check(rest);
    case "run":
      return run(rest);
    case "capdl":
      return capdl(rest);
    case "graph":
      return graph(rest);
    case "caps":
      return caps(rest);
    case undefined:
    case "-h":
    case "--help":
      process.stdout.write(`${USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`sel4ts: unknown command '${cmd}'\n${USAGE}\n`);
      return 2;
  }
}
