// The sel4ts command line: the only place that does I/O. Commands and their options are declared
// in one table (commands.ts, one file per command); this file parses a command line against it,
// answers --help / --version / help <cmd>, and runs the command in this thread. The sel4ts command
// (bin/sel4ts.js) sends `boot` and `run` to a supervised worker instead (supervise.js, worker.ts);
// here they run in this thread, without --timeout or Ctrl-C handling (tests call main() so).

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { commands } from "./commands.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";
import {
  commandHelp,
  parseCommandLine,
  suggest,
  usageLine,
  UsageError,
  type Command,
  type ParsedArgs,
} from "./options.ts";
import { inProcessIO } from "./in-process.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

function version(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  return `sel4ts ${pkg.version}\n`;
}

function overview(): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "usage: sel4ts <command> [arguments] [options]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    `  ${"help".padEnd(w)}Describe a command: sel4ts help <command> (or sel4ts <command> --help).`,
    "",
    'sel4ts --version prints the version. Exit codes: see README.md, "Exit codes".',
    "",
  ].join("\n");
}

function findCommand(name: string): Command | string {
  const c = commands.find((x) => x.name === name);
  if (c !== undefined) return c;
  const close = suggest(
    name,
    commands.map((x) => x.name),
  );
  return `unknown command '${name}'${close !== null ? ` (did you mean '${close}'?)` : ""}; see sel4ts --help`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(overview());
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h") {
    process.stdout.write(overview());
    return EXIT_OK;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(version());
    return EXIT_OK;
  }
  if (name === "help") {
    if (rest.length === 0) {
      process.stdout.write(overview());
      return EXIT_OK;
    }
    const c = findCommand(rest[0]);
    if (typeof c === "string") return usage(c);
    process.stdout.write(commandHelp(c));
    return EXIT_OK;
  }
  const cmd = findCommand(name);
  if (typeof cmd === "string") return usage(cmd);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(commandHelp(cmd));
    return EXIT_OK;
  }
  if (cmd.raw !== undefined) return cmd.raw(rest);
  let args: ParsedArgs;
  try {
    args = parseCommandLine(cmd, rest, commands);
  } catch (e) {
    if (e instanceof UsageError) return usage(`${e.message}\n${usageLine(cmd)}`);
    throw e;
  }
  if (cmd.execute !== undefined) {
    const io = inProcessIO();
    try {
      return await cmd.execute(args, io);
    } finally {
      io.flush();
    }
  }
  return cmd.run !== undefined ? cmd.run(args) : EXIT_OK;
}

function usage(message: string): number {
  process.stderr.write(`sel4ts: ${message}\n`);
  return EXIT_USAGE;
}
