// Command and option declarations, and the parser that reads a command line against them.
// Every command is one file under src/cli/ that exports a Command; commands.ts lists them. Options
// shared by several commands are declared once here and named in each command's `options` list,
// so `--help`, the parser, the "did you mean" hints and the README all read the same table.

import { parseArgs } from "node:util";
import { accessSync, closeSync, constants, existsSync, openSync, statSync, unlinkSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDuration } from "./duration.ts";
import type { RunIO } from "./run-io.ts";

export interface OptionSpec {
  /** Long name without the dashes: "max-time". */
  name: string;
  /** A one-letter alias taking its value attached, as `-DName=value` (the C compiler's way). */
  short?: string;
  /** "string" options take a value; "boolean" ones are flags. */
  type: "string" | "boolean";
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  /** What the value is, for the help text: "<duration>". */
  arg?: string;
  help: string;
  /** Checked before anything runs: a message when the value is unusable, else null. */
  check?: (value: string) => string | null;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

export interface Command {
  name: string;
  /** One line for `sel4ts --help`. */
  summary: string;
  /** The positional arguments, for the usage line: "<file.system>". */
  args: string;
  /** Exactly this many positionals (after options); at least this many when `variadic`. */
  positionals: number;
  variadic?: boolean;
  /** A paragraph or two for `sel4ts <cmd> --help`. */
  description?: string;
  options: OptionSpec[];
  /** Runs in the CLI's own thread. */
  run?: (args: ParsedArgs) => Promise<number>;
  /** Runs in the CLI's own thread with the arguments as given (a command that parses its own). */
  raw?: (argv: string[]) => Promise<number>;
  /**
   * Runs in a supervised worker thread (a simulation): the CLI's thread enforces --timeout,
   * handles Ctrl-C and streams the console (see supervise.js, worker.ts).
   */
  execute?: (args: ParsedArgs, io: RunIO) => Promise<number>;
}

export function durationCheck(v: string): string | null {
  return parseDuration(v) === null ? `'${v}' is not a duration (examples: 500us, 10ms, 2s)` : null;
}

/** A file the run will write: its directory must exist and be writable, and it must not be a directory. */
export function writableFileCheck(v: string): string | null {
  const full = resolve(v);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) return `'${v}' is a directory`;
    try {
      accessSync(full, constants.W_OK);
    } catch {
      return `'${v}' is not writable`;
    }
    return null;
  }
  const dir = dirname(full);
  if (!existsSync(dir)) return `directory '${dirname(v)}' does not exist`;
  // Create it and take it away again: only that tells for sure (root passes any access check, yet
  // cannot create a file in /proc or on a read-only file system).
  try {
    closeSync(openSync(full, "wx"));
    unlinkSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM"
      ? `directory '${dirname(v)}' is not writable`
      : `cannot create '${v}' (${code ?? String(e)})`;
  }
  return null;
}

export function directoryCheck(v: string): string | null {
  if (!existsSync(v)) return `directory '${v}' does not exist`;
  return statSync(v).isDirectory() ? null : `'${v}' is not a directory`;
}

export function readableFileCheck(v: string): string | null {
  if (!existsSync(v)) return `file '${v}' does not exist`;
  return statSync(v).isFile() ? null : `'${v}' is not a file`;
}

export class UsageError extends Error {}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** The closest of `names` to `word`, if it is close enough to be what was meant. */
export function suggest(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of names) {
    const dd = n.startsWith(word) || word.startsWith(n) ? 1 : distance(word, n);
    if (dd < bestD) {
      bestD = dd;
      best = n;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/**
 * Parse `argv` (the words after the command name) for `cmd`. Throws UsageError with one line that
 * names the problem: an option the command does not take (with the closest it does take, or the
 * commands that take it), a missing value, a bad value, a wrong number of arguments.
 */
export function parseCommandLine(cmd: Command, argv: string[], all: readonly Command[]): ParsedArgs {
  const known = new Map(cmd.options.map((o) => [o.name, o]));
  for (const word of argv) {
    if (word === "--") break;
    if (!word.startsWith("-") || word === "-") continue;
    if (!word.startsWith("--") && cmd.options.some((o) => o.short !== undefined && o.short === word[1]))
      continue;
    const name = word.replace(/^--?/, "").replace(/=.*$/, "");
    if (name === "help" || name === "h") continue;
    if (known.has(name)) continue;
    const others = all.filter((c) => c.options.some((o) => o.name === name)).map((c) => c.name);
    if (others.length > 0)
      throw new UsageError(
        `'${cmd.name}' does not take --${name} (${others.join(", ")} ${others.length > 1 ? "do" : "does"})`,
      );
    const close = suggest(name, [...known.keys()]);
    throw new UsageError(
      `unknown option ${word} for '${cmd.name}'${close !== null ? ` (did you mean --${close}?)` : ""}`,
    );
  }
  const config: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {};
  for (const o of cmd.options)
    config[o.name] = {
      type: o.type,
      multiple: o.multiple === true,
      ...(o.short !== undefined ? { short: o.short } : {}),
    };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(msg);
    if (m !== null) {
      const o = known.get(m[1]);
      throw new UsageError(`--${m[1]} needs a value${o?.arg !== undefined ? ` ${o.arg}` : ""}`);
    }
    const b = /Option '--([\w-]+)' does not take an argument/.exec(msg);
    if (b !== null) throw new UsageError(`--${b[1]} is a flag and takes no value`);
    throw new UsageError(msg.split("\n")[0]);
  }
  const values = parsed.values as ParsedArgs["values"];
  for (const o of cmd.options) {
    const v = values[o.name];
    if (o.check === undefined || v === undefined || typeof v === "boolean") continue;
    for (const one of Array.isArray(v) ? v : [v]) {
      const problem = o.check(one);
      if (problem !== null) throw new UsageError(`--${o.name}: ${problem}`);
    }
  }
  const positionals = parsed.positionals;
  if (positionals.length < cmd.positionals)
    throw new UsageError(`'${cmd.name}' needs ${cmd.args} (see sel4ts ${cmd.name} --help)`);
  if (cmd.variadic !== true && positionals.length > cmd.positionals)
    throw new UsageError(`unexpected argument '${positionals[cmd.positionals]}' for '${cmd.name}'`);
  return { positionals, values };
}

export function usageLine(cmd: Command): string {
  return `usage: sel4ts ${cmd.name} ${cmd.args}${cmd.options.length > 0 ? " [options]" : ""}`;
}

/** `sel4ts <cmd> --help`: the usage line, the description, every option with its help. */
export function commandHelp(cmd: Command): string {
  const lines = [usageLine(cmd), "", cmd.summary];
  if (cmd.description !== undefined) lines.push("", cmd.description);
  if (cmd.options.length > 0) {
    lines.push("", "options:");
    const heads = cmd.options.map(
      (o) =>
        `  ${o.short !== undefined ? `-${o.short}, ` : ""}--${o.name}${o.arg !== undefined ? ` ${o.arg}` : ""}`,
    );
    const w = Math.min(34, Math.max(...heads.map((h) => h.length)) + 2);
    cmd.options.forEach((o, i) => {
      const head = heads[i];
      const help = o.help + (o.multiple === true ? " (repeatable)" : "");
      lines.push(head.length < w ? head.padEnd(w) + help : `${head}\n${"".padEnd(w)}${help}`);
    });
  }
  return lines.join("\n") + "\n";
}
