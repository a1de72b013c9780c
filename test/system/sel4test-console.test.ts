// Reading sel4test consoles for `sel4ts conformance`: results, verdict, user-error lines, the
// comparison with the real kernel's console; the known-failures file. When the shared sel4test
// material is present, the real consoles themselves are read.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareConsoles,
  compareLines,
  consoleSection,
  normalizeLine,
  suiteResult,
  userErrorLines,
  verdictLine,
} from "../../src/cli/sel4test-console.ts";
import { DEFAULT_DIR, parseKnownFailures } from "../../src/cli/conformance.ts";

const KLINE = (fn: string, line: number, t: string, msg: string): string =>
  `<<seL4(CPU 0) [${fn}/${line} T0x${t} "driver" @14224]: ${msg}>>`;

const PASSING = [
  "boot noise",
  "Switching to a safer, bigger stack... ",
  "Starting test suite sel4test",
  "Starting test 0: Test that there are tests",
  "Starting test 1: SYSCALL0000",
  KLINE("decodeCNodeInvocation", 54, "ffffffc13ffca400", "CNodeCap: Illegal Operation attempted."),
  "Starting test 2: IPC0001",
  "Running test IPC0001 (Do some IPC)",
  "\x1b[32mTest IPC0001 passed\x1b[0m",
  "Starting test 3: Test all tests ran",
  "Test suite passed. 3 tests passed. 1 tests disabled.",
  "All is well in the universe",
  "",
].join("\r\n");

describe("sel4test console", () => {
  it("a passing run: every test passed, the closing line's counts, a verdict", () => {
    const r = suiteResult(PASSING);
    expect(r.started).toEqual(["SYSCALL0000", "IPC0001"]);
    expect(r.failed).toEqual([]);
    expect([r.passed, r.total, r.disabled, r.suitePassed, r.complete]).toEqual([3, 3, 1, true, true]);
  });

  it("failures: a test process that never passed, a Failure report, an explicit failed line", () => {
    const text = [
      "Starting test 1: SYSCALL0000",
      "\tFailure: result == SUCCESS at line 296 of file testtypes.c",
      "Starting test 2: FPU0000",
      "Running test FPU0000 (FPU)",
      "Invalid instruction from [FPU0000] at PC: 0x2af5c",
      "Starting test 3: FRAMEEXPORTS0001",
      "Running test FRAMEEXPORTS0001 (frames)",
      "Test FRAMEEXPORTS0001 failed",
      "Starting test 4: IPC0001",
      "Running test IPC0001 (ipc)",
      "Test IPC0001 passed",
      "Test suite failed. 1/4 tests passed.",
      "*** FAILURES DETECTED ***",
    ].join("\n");
    const r = suiteResult(text);
    expect(r.failed).toEqual(["SYSCALL0000", "FPU0000", "FRAMEEXPORTS0001"]);
    expect([r.passed, r.total, r.suitePassed, r.complete]).toEqual([1, 4, false, true]);
    const stopped = suiteResult("Starting test 1: SYSCALL0000\nStarting test 2: BIND0001\nabort()ed\n");
    expect([stopped.complete, stopped.failed]).toEqual([false, ["BIND0001"]]);
    expect(verdictLine(PASSING)).toBe("Test suite passed. 3 tests passed. 1 tests disabled.");
  });

  it("the section compared, and TCB pointers ignored in it", () => {
    expect(consoleSection(PASSING)[0]).toBe("Switching to a safer, bigger stack... ");
    expect(consoleSection(PASSING).at(-1)).toBe("All is well in the universe");
    expect(normalizeLine(KLINE("f", 1, "ffffffc13ffca400", "m"))).toBe(
      normalizeLine(KLINE("f", 1, "ffffffc08ffe8400", "m")),
    );
    const other = PASSING.replace("ffffffc13ffca400", "ffffffc08ffe8400");
    expect(compareConsoles(other, PASSING).differing).toBe(0);
    const changed = PASSING.replace("IPC0001 passed", "IPC0001 failed");
    const c = compareConsoles(changed, PASSING);
    expect(c.differing).toBe(2);
    expect(c.first.map((d) => [d.ours, d.real])).toEqual([
      [0, 8],
      [8, 0],
    ]);
  });

  it("an LCS diff counts lines only on one side", () => {
    expect(compareLines(["a", "b", "c"], ["a", "c", "d"]).differing).toBe(2);
    expect(compareLines([], ["x"]).differing).toBe(1);
  });

  it("user-error lines as (function, message)", () => {
    expect(
      userErrorLines(
        `x ${KLINE("decodeInvocation", 643, "ffffffc0", "Attempted to invoke a null cap #9.")}\n`,
      ),
    ).toEqual([["decodeInvocation", "Attempted to invoke a null cap #9."]]);
  });

  it("known failures: one driver a line, comments ignored", () => {
    const k = parseKnownFailures(
      "# header\nsel4test-driver-fpu FPU0000 console  # why\n\nsel4test-driver-nofpu incomplete\n",
    );
    expect([...(k.get("sel4test-driver-fpu") ?? [])]).toEqual(["FPU0000", "console"]);
    expect([...(k.get("sel4test-driver-nofpu") ?? [])]).toEqual(["incomplete"]);
  });

  it("a real console that stopped mid-suite is compared as far as it goes; spurious interrupts aside", () => {
    const spurious =
      '<<seL4(CPU 2) [checkInterrupt/59 T0xffffffc13ffca400 "41" @106b4]: Spurious interrupt!>>';
    const stopped = PASSING.split("\r\n").slice(0, 8);
    stopped.splice(6, 0, spurious);
    const real = stopped.join("\n");
    expect(compareConsoles(PASSING, real).differing).toBe(0);
    // A line of ours missing before the point where the real run stopped is still a difference.
    expect(
      compareConsoles(PASSING.replace("Starting test 2: IPC0001", "Starting test 2: IPC0002"), real)
        .differing,
    ).toBe(2);
    // A complete real console: both sections end at the verdict, and a changed verdict differs.
    expect(compareConsoles(`${PASSING}extra\r\n`, PASSING).differing).toBe(0);
    expect(
      compareConsoles(PASSING, PASSING.replace("All is well in the universe", "x")).differing,
    ).toBeGreaterThan(0);
  });

  const smpDriver = join(DEFAULT_DIR, "sel4test-driver-smp");
  const smpReal = join(DEFAULT_DIR, "qemu-console-smp.log");
  const smpEnabled = process.env.SEL4TS_SEL4TEST === "1" && existsSync(smpDriver) && existsSync(smpReal);
  // The SMP driver (about four minutes of one core): detected as a 4-core build, its console is
  // the real kernel's line for line for the 86 tests QEMU got through, and it goes on to pass.
  it.runIf(smpEnabled)(
    "the SMP driver prints what the real 4-core kernel printed, then passes",
    { timeout: 1_800_000 },
    () => {
      const r = spawnSync(
        process.execPath,
        [
          join(import.meta.dirname, "../../bin/sel4ts.js"),
          "boot",
          smpDriver,
          "--max-time",
          "600s",
          "--no-stdin",
          "--kernel-log",
          "console",
        ],
        { encoding: "latin1", maxBuffer: 1 << 28 },
      );
      const c = compareConsoles(r.stdout, readFileSync(smpReal, "latin1"));
      expect(c.first).toEqual([]);
      expect(c.realLines).toBeGreaterThan(1000);
      expect(verdictLine(r.stdout)).toBe("Test suite passed. 144 tests passed. 41 tests disabled.");
    },
  );

  const real = join(DEFAULT_DIR, "qemu-console-fpu.log");
  it.skipIf(!existsSync(real))("the real kernel's console: 142 passed, 909 user-error lines", () => {
    const text = readFileSync(real, "latin1");
    const r = suiteResult(text);
    expect([r.passed, r.total, r.disabled, r.suitePassed, r.failed]).toEqual([142, 142, 44, true, []]);
    expect(userErrorLines(text)).toHaveLength(909);
    expect(compareConsoles(text, text).differing).toBe(0);
  });
});
