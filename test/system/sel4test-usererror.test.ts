// The debug kernel's user-error lines over the whole real sel4test suite (the default build):
// the same (C function, message) as the real kernel printed under QEMU, line for line, in order.
// The cap numbers (#N) in some messages depend on the root CNode's size (cfg). This boots the
// unchanged driver (about two minutes of one core), so it runs only with SEL4TS_SEL4TEST=1 and
// the shared sel4test material present; CI checks the same through `npm run conformance`.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { System } from "../../src/system/system.ts";
import { DEFAULT_DIR } from "../../src/cli/conformance.ts";
import { userErrorLines } from "../../src/cli/sel4test-console.ts";

const driver = join(DEFAULT_DIR, "sel4test-driver-fpu");
const real = join(DEFAULT_DIR, "qemu-console-fpu.log");
const enabled = process.env.SEL4TS_SEL4TEST === "1" && existsSync(driver) && existsSync(real);

describe("user-error lines of a sel4test run", () => {
  it.runIf(enabled)("are the real kernel's (function, message) sequence", { timeout: 1_800_000 }, () => {
    const lines: string[] = [];
    const sys = new System({ maxTicks: 6_000_000_000, onKernelLog: (l) => lines.push(l) });
    sys.bootElf(new Uint8Array(readFileSync(driver)));
    sys.run();
    const mask = ([f, m]: [string, string]): string => `${f}: ${m.replace(/#\d+/g, "#N")}`;
    const ours = userErrorLines(lines.join("\n")).map(mask);
    const theirs = userErrorLines(readFileSync(real, "latin1")).map(mask);
    expect(ours).toEqual(theirs);
  });
});
