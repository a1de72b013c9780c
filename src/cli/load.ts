// Loading what a Microkit system names: the SDF itself, each PD's program image (a TS/JS module or
// an ELF), and the build the Microkit tool would make of them. `check`, `run` and `capdl` all use
// this, so `check` finds every problem `run` would find before it starts.

import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildMicrokit, type MicrokitBuild } from "../microkit/builder.ts";
import { ElfImageError, elfProgramOf, type ElfProgram } from "../microkit/elf-pd.ts";
import { formatDiagnostic, parseSdf, type SdfFileLookup, type SdfSystem } from "../microkit/sdf.ts";
import { microkitProgramOf, type MicrokitProgram } from "../user/microkit.ts";
import { EXIT_BAD_INPUT } from "./exit.js";
import { describeUserError } from "./user-stack.ts";

/** Where diagnostics go (stderr, in whichever thread). */
export type Report = (line: string) => void;

export function findFile(dirs: string[], path: string): string | null {
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

export function searchDirs(file: string, searchPaths: string[]): string[] {
  return [...searchPaths, dirname(file)];
}

/** Parse an SDF; diagnostics are reported; EXIT_BAD_INPUT when it has errors or cannot be read. */
export async function loadSdf(
  file: string,
  searchPaths: string[],
  report: Report,
  /** The kernel's number of cores (a PD's `cpu` must be below it). */
  numCores = 1,
): Promise<SdfSystem | number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    report(`sel4ts: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_BAD_INPUT;
  }
  const dirs = searchDirs(file, searchPaths);
  const lookup = (path: string): SdfFileLookup => {
    const full = findFile(dirs, path);
    if (full === null) return { found: false, reason: "missing" };
    try {
      return { found: true, bytes: new Uint8Array(readFileSync(full)) };
    } catch {
      return { found: false, reason: "unreadable" };
    }
  };
  const result = parseSdf(text, { file, readFile: lookup, config: { numCores } });
  for (const w of result.warnings) report(formatDiagnostic(w));
  if (result.ok) return result.system;
  for (const e of result.errors) report(formatDiagnostic(e));
  return EXIT_BAD_INPUT;
}

export interface LoadedPrograms {
  /** TS/JS programs by PD name. */
  programs: Map<string, MicrokitProgram>;
  /** ELF programs by PD name. */
  elfs: Map<string, ElfProgram>;
  /** The file of each PD's program image, by PD name. */
  files: Map<string, string>;
  /** The ELF bytes of each ELF PD (for fault locations), by PD name. */
  elfBytes: Map<string, Uint8Array>;
  /** Some program could not be loaded (reported). */
  failed: boolean;
}

/**
 * Load every PD's program image: TS/JS modules are imported (so they must load and export init),
 * anything else must be an RV64 ELF executable. Errors as FILE:LINE:COL: message at the PD.
 */
export async function loadPrograms(
  file: string,
  searchPaths: string[],
  sys: SdfSystem,
  report: Report,
): Promise<LoadedPrograms> {
  const dirs = searchDirs(file, searchPaths);
  const out: LoadedPrograms = {
    programs: new Map(),
    elfs: new Map(),
    files: new Map(),
    elfBytes: new Map(),
    failed: false,
  };
  const fail = (pd: SdfSystem["protectionDomains"][number], msg: string): void => {
    report(formatDiagnostic({ file, line: pd.loc.line, col: pd.loc.col, message: msg }));
    out.failed = true;
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
    out.files.set(pd.name, full);
    if (!/\.(ts|js|mjs|mts)$/.test(full)) {
      // Anything else is a program for the machine: an ELF executable (C, Rust, assembly).
      try {
        const bytes = new Uint8Array(readFileSync(full));
        out.elfs.set(pd.name, elfProgramOf(bytes));
        out.elfBytes.set(pd.name, bytes);
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
      if (prog.init === undefined)
        fail(
          pd,
          `program image '${path}' has no init() entry point (export default { *init() {…} } or export function* init())`,
        );
      else out.programs.set(pd.name, prog);
    } catch (e) {
      fail(pd, `cannot load program image '${path}': ${describeUserError(e)}`);
    }
  }
  return out;
}

/** What the Microkit tool builds; its errors (a setvar symbol an ELF lacks…) reported. */
export function build(
  file: string,
  sys: SdfSystem,
  elfs: Map<string, ElfProgram>,
  report: Report,
): MicrokitBuild | number {
  try {
    return buildMicrokit(sys, elfs);
  } catch (e) {
    if (!(e instanceof ElfImageError)) throw e;
    report(`sel4ts: ${file}: ${e.message}`);
    return EXIT_BAD_INPUT;
  }
}
