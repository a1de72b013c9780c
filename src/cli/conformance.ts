// `sel4ts conformance [ELF...]`: run real sel4test drivers and judge them. Each driver is booted
// by this same CLI in a child process (`sel4ts boot ELF --kernel-log console`, so whatever `boot`
// detects from a binary applies), its console is read for the per-test results, and compared with
// the console the real kernel printed under QEMU (qemu-console-<build>.log next to the driver)
// when there is one. Exit status 0 only when every driver passes: all its tests pass and its
// console matches the real one, except for what a known-failures file allows.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  directoryCheck,
  durationCheck,
  readableFileCheck,
  type Command,
  type ParsedArgs,
} from "./options.ts";
import {
  compareConsoles,
  suiteResult,
  userErrorLines,
  verdictLine,
  type Comparison,
} from "./sel4test-console.ts";

/** The repository root (this file is src/cli/conformance.ts). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where the shared sel4test material is by default: ../shared/sel4test beside the repository. */
export const DEFAULT_DIR = resolve(ROOT, "../shared/sel4test");

interface Options {
  drivers: string[];
  dir: string;
  jobs: number;
  checkInvariants: boolean;
  knownFailures?: string;
  maxTime: string;
  save?: string;
}

/** `sel4ts conformance`: declared like every command (options.ts), run in the CLI's thread. */
export const conformanceCommand: Command = {
  name: "conformance",
  summary: "Run real sel4test drivers and judge them against the real kernel's consoles.",
  args: "[sel4test-driver...]",
  positionals: 0,
  variadic: true,
  description:
    "Boots each driver (by default every sel4test-driver-* in the sel4test directory with a recorded\n" +
    "verdict, expected-<build>.txt, or console), prints its pass count, the failed tests and its\n" +
    "verdict, and compares its console with qemu-console-<build>.log, ignoring TCB addresses, colour\n" +
    "codes and spurious-interrupt lines (as far as the real console goes when the real run stopped).\n" +
    "Exits 1 unless every driver passes (see --known-failures).",
  options: [
    {
      name: "dir",
      type: "string",
      arg: "<dir>",
      help: "the sel4test material (default ../shared/sel4test)",
      check: directoryCheck,
    },
    {
      name: "jobs",
      type: "string",
      arg: "1|2",
      help: "drivers run at once (default 1)",
      check: (v) => (v === "1" || v === "2" ? null : "--jobs takes 1 or 2"),
    },
    {
      name: "check-invariants",
      type: "boolean",
      help: "check the kernel's invariants after every kernel entry",
    },
    {
      name: "known-failures",
      type: "string",
      arg: "<file>",
      help: "failures still expected (see .ci/sel4test-known-failures)",
      check: readableFileCheck,
    },
    {
      name: "max-time",
      type: "string",
      arg: "<duration>",
      help: "simulated time limit per driver (default 600s)",
      check: durationCheck,
    },
    {
      name: "save",
      type: "string",
      arg: "<dir>",
      help: "write each driver's console to <dir>/<driver>.console.log",
    },
  ],
  run: (args) => conformance(optionsOf(args)),
};

function optionsOf(args: ParsedArgs): Options {
  const v = args.values;
  const str = (k: string): string | undefined => (typeof v[k] === "string" ? v[k] : undefined);
  return {
    drivers: args.positionals.map((p) => resolve(p)),
    dir: resolve(str("dir") ?? DEFAULT_DIR),
    jobs: str("jobs") === "2" ? 2 : 1,
    checkInvariants: v["check-invariants"] === true,
    knownFailures: str("known-failures"),
    maxTime: str("max-time") ?? "600s",
    save: str("save"),
  };
}

/**
 * Known failures, one driver a line: `<driver file name> <entry>...`, `#` starts a comment. An
 * entry is a test name that may fail, `console` (the console may differ from the real one) or
 * `incomplete` (the suite may stop before its closing line). An entry that no longer applies is
 * itself a failure, so the file only ever shrinks: once every driver passes it is empty.
 */
export function parseKnownFailures(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const [driver, ...entries] = line.split(/\s+/);
    const set = out.get(driver) ?? new Set<string>();
    for (const e of entries) set.add(e);
    out.set(driver, set);
  }
  return out;
}

interface Run {
  driver: string;
  console: string;
  stderr: string;
  status: number | null;
  seconds: number;
}

function runDriver(driver: string, o: Options): Promise<Run> {
  const args = [join(ROOT, "bin/sel4ts.js"), "boot", driver, "--max-time", o.maxTime, "--no-stdin"];
  args.push("--kernel-log", "console");
  if (o.checkInvariants) args.push("--check-invariants");
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("close", (status) =>
      done({
        driver,
        console: Buffer.concat(out).toString("latin1"),
        stderr: Buffer.concat(err).toString("utf8"),
        status,
        seconds: (performance.now() - t0) / 1000,
      }),
    );
  });
}

/** The build name of a driver: sel4test-driver-fpu -> fpu. */
function buildOf(driver: string): string {
  return basename(driver).replace(/^sel4test-driver-?/, "");
}

/** A file recorded for a driver's build (`qemu-console-`, `expected-`), next to it or in `dir`. */
function recordOf(prefix: string, suffix: string, driver: string, dir: string): string | null {
  for (const d of [dirname(driver), dir]) {
    const f = join(d, `${prefix}${buildOf(driver)}${suffix}`);
    if (existsSync(f)) return f;
  }
  return null;
}

function describeComparison(c: Comparison): string[] {
  const out = [`${c.differing} of ${c.oursLines}/${c.realLines} lines differ`];
  for (const d of c.first) {
    if (d.real === 0) out.push(`    only ours (line ${d.ours}):  ${d.oursText}`);
    else out.push(`    only real (line ${d.real}):  ${d.realText}`);
  }
  return out;
}

/** Judge one run; returns the report lines and whether it counts as a pass. */
function judge(
  r: Run,
  known: Set<string>,
  reference: string | null,
  expected: string | null,
): { lines: string[]; ok: boolean } {
  const name = basename(r.driver);
  const s = suiteResult(r.console);
  const lines: string[] = [];
  const problems: string[] = [];
  const counts = s.complete
    ? `${s.passed}/${s.total} tests passed${s.disabled >= 0 ? `, ${s.disabled} disabled` : ""}`
    : `incomplete after ${s.started.length} tests (${s.started.length - s.failed.length} passed)`;
  lines.push(`${name}: ${counts}, ${r.seconds.toFixed(1)} s`);
  const unexpected = s.failed.filter((t) => !known.has(t));
  if (s.failed.length > 0) lines.push(`  failed: ${s.failed.join(" ")}`);
  if (unexpected.length > 0) problems.push(`unexpected failures: ${unexpected.join(" ")}`);
  if (!s.complete && !known.has("incomplete")) problems.push("the suite did not finish");
  if (s.complete && !s.suitePassed && s.failed.length === 0)
    problems.push("the suite did not report success");
  if (r.status !== 0) {
    lines.push(
      `  sel4ts exited with status ${r.status ?? "?"}: ${r.stderr.trim().split("\n").slice(-2).join(" / ")}`,
    );
    problems.push(`exit status ${r.status ?? "?"}`);
  }
  if (expected !== null) {
    const want = readFileSync(expected, "utf8").trim();
    const got = verdictLine(r.console);
    lines.push(
      `  closing line: ${got ?? "(none)"}${got === want ? " (as the real kernel)" : ` (real: ${want})`}`,
    );
    if (got !== want && s.failed.length === 0 && s.complete)
      problems.push("the closing line differs from the real one");
  }
  let consoleDiffers = false;
  if (reference !== null) {
    const real = readFileSync(reference, "latin1");
    const c = compareConsoles(r.console, real);
    consoleDiffers = c.differing > 0;
    // Spurious-interrupt lines aside (host timing); a real run that stopped early (the SMP
    // build's) is compared as far as it goes.
    const theirs = userErrorLines(real).filter(
      ([f, m]) => !(f === "checkInterrupt" && m === "Spurious interrupt!"),
    );
    const all = userErrorLines(r.console);
    const ours = verdictLine(real) === null ? all.slice(0, theirs.length) : all;
    const firstDifference = (mask: (s: string) => string): number => {
      let at = 0;
      while (at < ours.length && at < theirs.length && ours[at][0] === theirs[at][0]) {
        if (mask(ours[at][1]) !== mask(theirs[at][1])) break;
        at++;
      }
      return at === ours.length && at === theirs.length ? -1 : at + 1;
    };
    const exact = firstDifference((m) => m);
    const masked = firstDifference((m) => m.replace(/#\d+/g, "#N"));
    lines.push(
      `  kernel user-error lines: ${ours.length} (real ${theirs.length}); (function, message) sequence ` +
        (exact < 0
          ? "identical"
          : masked < 0
            ? "identical but for cap numbers (#N)"
            : `differs at #${masked} (${ours[masked - 1]?.join(": ") ?? "-"} / ${theirs[masked - 1]?.join(": ") ?? "-"})`),
    );
    const d = describeComparison(c);
    lines.push(`  console vs ${basename(reference)} (TCB pointers ignored): ${d[0]}`, ...d.slice(1));
    if (consoleDiffers && !known.has("console")) problems.push("the console differs from the real kernel's");
  } else {
    lines.push("  no real console to compare with");
  }
  // Entries that no longer apply: the file must shrink as the kernel improves.
  for (const k of known) {
    const stale =
      k === "console"
        ? reference !== null && !consoleDiffers
        : k === "incomplete"
          ? s.complete
          : !s.failed.includes(k);
    if (stale) problems.push(`known failure '${k}' no longer fails: remove it from the known-failures file`);
  }
  const ok = problems.length === 0;
  lines.push(
    `  verdict: ${ok ? (s.suitePassed && !consoleDiffers ? "PASS" : "PASS (known failures only)") : "FAIL"}`,
  );
  for (const p of problems) lines.push(`    ${p}`);
  return { lines, ok };
}

export async function conformance(o: Options): Promise<number> {
  if (o.drivers.length === 0) {
    if (!existsSync(o.dir)) {
      process.stderr.write(`sel4ts: no drivers given and ${o.dir} does not exist\n`);
      return 2;
    }
    // The drivers with a real verdict (expected-<build>.txt) or a real console: the SMP build's
    // real console stops mid-suite, so it has no verdict, and is compared as far as it goes.
    const recorded = (f: string): boolean =>
      existsSync(join(o.dir, `expected-${buildOf(f)}.txt`)) ||
      existsSync(join(o.dir, `qemu-console-${buildOf(f)}.log`));
    o.drivers = readdirSync(o.dir)
      .filter((f) => /^sel4test-driver/.test(f) && recorded(f))
      .sort()
      .map((f) => join(o.dir, f));
  }
  let known = new Map<string, Set<string>>();
  if (o.knownFailures !== undefined) {
    try {
      known = parseKnownFailures(readFileSync(o.knownFailures, "utf8"));
    } catch (e) {
      process.stderr.write(
        `sel4ts: cannot read ${o.knownFailures}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      return 2;
    }
  }
  const queue = [...o.drivers];
  const results = new Map<string, Run>();
  const worker = async (): Promise<void> => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) results.set(d, await runDriver(d, o));
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, o.drivers.length) }, worker));
  let allOk = true;
  for (const d of o.drivers) {
    const r = results.get(d) as Run;
    if (o.save !== undefined) {
      mkdirSync(o.save, { recursive: true });
      writeFileSync(join(o.save, `${basename(d)}.console.log`), r.console, "latin1");
    }
    const reference = recordOf("qemu-console-", ".log", d, o.dir);
    const expected = recordOf("expected-", ".txt", d, o.dir);
    const { lines, ok } = judge(r, known.get(basename(d)) ?? new Set(), reference, expected);
    process.stdout.write(`${lines.join("\n")}\n`);
    allOk &&= ok;
  }
  process.stdout.write(`conformance: ${allOk ? "all drivers pass" : "FAILED"}\n`);
  return allOk ? 0 : 1;
}
