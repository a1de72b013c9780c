// Reading a sel4test console (pure functions, used by `sel4ts conformance` and its tests): the
// per-test results, the verdict, the debug kernel's user-error lines, and a comparison with the
// console the real kernel printed under QEMU.

/** The part of the console a comparison looks at: from the root task's first line to the end. */
export const SECTION_START = "Switching to a safer, bigger stack";
export const SECTION_END = "All is well in the universe";

/** Remove ANSI colour codes (the recorded real consoles have them removed) and carriage returns. */
export function plainText(s: string): string {
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
}

/** The lines from SECTION_START's line to SECTION_END's line (or the end of the console). */
export function consoleSection(text: string): string[] {
  const lines = plainText(text).split("\n");
  const start = lines.findIndex((l) => l.includes(SECTION_START));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i >= start && l.includes(SECTION_END));
  return lines.slice(start, end < 0 ? lines.length : end + 1);
}

/**
 * What must differ between two correct runs and is ignored by the comparison: the kernel address
 * of the current TCB in a user-error line (`T0x…`), which depends on where the kernel's untyped
 * memory starts (the sizes of OpenSBI, the ELF loader and the kernel image in the real boot).
 */
export function normalizeLine(line: string): string {
  return line.replace(/ T0x[0-9a-f]+ "/g, ' T0x… "');
}

/** The closing verdict line ("Test suite passed. 142 tests passed. 44 tests disabled."), if any. */
export function verdictLine(text: string): string | null {
  for (const l of plainText(text).split("\n")) if (/^Test suite (passed|failed)\./.test(l)) return l.trim();
  return null;
}

export interface SuiteResult {
  /** Test names in the order they started (without the closing "Test all tests ran"). */
  started: string[];
  /** Started tests with no "Test NAME passed" line. */
  failed: string[];
  /** From the closing line: tests passed, tests run, tests disabled (-1 when not printed). */
  passed: number;
  total: number;
  disabled: number;
  /** "Test suite passed" and "All is well in the universe" were both printed. */
  suitePassed: boolean;
  /** The closing summary line was printed at all. */
  complete: boolean;
}

/**
 * The results of a run. sel4test prints "Starting test N: NAME" for every test; a test run in a
 * test process also prints "Running test NAME" and, when it passes, "Test NAME passed"; one run in
 * the driver prints nothing more when it passes. A test failed when it printed "Test NAME failed",
 * ran in a process without passing, printed a "Failure:"/"Error:" report before the next test,
 * or is the test the run stopped in.
 */
export function suiteResult(text: string): SuiteResult {
  const lines = plainText(text).split("\n");
  const started: string[] = [];
  const running = new Set<string>();
  const passed = new Set<string>();
  const failed = new Set<string>();
  let summary: RegExpExecArray | null = null;
  let allIsWell = false;
  let current = "";
  for (const l of lines) {
    let m = /^Starting test \d+: (\S+)$/.exec(l);
    if (m !== null) {
      current = m[1];
      started.push(current);
    }
    m = /^Running test (\S+) /.exec(l);
    if (m !== null) running.add(m[1]);
    m = /^Test (\S+) (passed|failed)$/.exec(l);
    if (m !== null) (m[2] === "passed" ? passed : failed).add(m[1]);
    if (current !== "" && /^\t(Failure|Error): /.test(l)) failed.add(current);
    const s =
      /^Test suite (passed|failed)\. (\d+)(?:\/(\d+))? tests passed\.(?: (\d+) tests disabled\.)?/.exec(l);
    if (s !== null && summary === null) summary = s;
    if (l.includes(SECTION_END)) allIsWell = true;
  }
  for (const t of running) if (!passed.has(t)) failed.add(t);
  // A run that stops before its closing line stopped in the test it was running.
  if (summary === null && current !== "" && !passed.has(current)) failed.add(current);
  const n = (s: string | undefined): number => (s === undefined ? -1 : Number(s));
  return {
    started,
    failed: started.filter((t) => failed.has(t)),
    passed: summary !== null ? n(summary[2]) : started.length - failed.size,
    total: summary !== null ? (summary[3] !== undefined ? n(summary[3]) : n(summary[2])) : -1,
    disabled: summary !== null ? n(summary[4]) : -1,
    suitePassed: summary !== null && summary[1] === "passed" && allIsWell,
    complete: summary !== null,
  };
}

/** The (C function, message) of each user-error line of a console, in order. */
export function userErrorLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /<<seL4\(CPU \d+\) \[(\w+)\/\d+ T0x[0-9a-f]+ "[^"]*" @[0-9a-f]+\]: (.*?)>>/g;
  for (const m of plainText(text).matchAll(re)) out.push([m[1], m[2]]);
  return out;
}

export interface Difference {
  /** 1-based line numbers in each section (0 when the line exists on one side only). */
  ours: number;
  real: number;
  oursText: string;
  realText: string;
}

export interface Comparison {
  oursLines: number;
  realLines: number;
  /** Lines on one side that are not matched on the other (a longest-common-subsequence diff). */
  differing: number;
  /** The first few differences, in order. */
  first: Difference[];
}

/** Compare two line sequences (already normalized) with an LCS diff; `keep` differences kept. */
export function compareLines(ours: string[], real: string[], keep = 5): Comparison {
  const n = ours.length;
  const m = real.length;
  // lcs[i][j] for suffixes, in one typed array ((n+1) x (m+1)); sections are ~1,500 lines.
  const w = m + 1;
  const lcs = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        ours[i] === real[j]
          ? lcs[(i + 1) * w + j + 1] + 1
          : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const first: Difference[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ours[i] === real[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) {
      if (first.length < keep) first.push({ ours: 0, real: j + 1, oursText: "", realText: real[j] });
      j++;
    } else {
      if (first.length < keep) first.push({ ours: i + 1, real: 0, oursText: ours[i], realText: "" });
      i++;
    }
  }
  const common = n > 0 && m > 0 ? lcs[0] : 0;
  return { oursLines: n, realLines: m, differing: n - common + (m - common), first };
}

/**
 * A debug SMP kernel's "Spurious interrupt!" line (checkInterrupt): an IPI whose request the core
 * had already served, which happens or not with the host's timing (docs/ground-truth.md); a model
 * that takes every IPI in order never prints one.
 */
export function isSpuriousInterruptLine(line: string): boolean {
  return /^<<seL4\(CPU \d+\) \[checkInterrupt\/\d+ [^\]]*\]: Spurious interrupt!>>$/.test(line);
}

/**
 * Compare our console with the real one over the sections both print, ignoring TCB pointers and
 * spurious-interrupt lines. When the real run stopped before its end (the SMP build's console
 * stops mid-suite), ours is compared as far as the real one goes: as many lines as it has.
 */
export function compareConsoles(ours: string, real: string, keep = 5): Comparison {
  const norm = (t: string): string[] =>
    consoleSection(t)
      .filter((l) => !isSpuriousInterruptLine(l))
      .map(normalizeLine);
  const o = norm(ours);
  const r = norm(real);
  while (r.length > 0 && r[r.length - 1] === "") r.pop();
  const realEnded = r.some((l) => l.includes(SECTION_END));
  return compareLines(realEnded ? o : o.slice(0, r.length), r, keep);
}
