// The core count from the binary: a sel4test driver's test table says whether it was built for an
// SMP kernel (SCHED_CONTEXT_0014 enabled), and `boot` then gives it sel4test's 4 cores.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { kernelConfigOf } from "../../src/cli/kernel-config.ts";
import { sel4testBuiltForSmp } from "../../src/cli/sel4test-smp.ts";
import { elfImage, parseElf } from "../../src/machine/elf.ts";

const DIR = resolve(import.meta.dirname, "../../../shared/sel4test");
const image = (b: string) => elfImage(parseElf(new Uint8Array(readFileSync(`${DIR}/sel4test-driver-${b}`))));
const have = ["fpu", "nofpu", "smp"].every((b) => existsSync(`${DIR}/sel4test-driver-${b}`));

describe.skipIf(!have)("the SMP build of a sel4test driver, from its test table", () => {
  it("is told apart from the 1-core builds", () => {
    expect(["fpu", "nofpu", "smp"].map((b) => sel4testBuiltForSmp(image(b).bytes))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("boot picks 4 cores for the SMP driver, 1 for the others; --num-nodes still wins", () => {
    const nodes = (b: string, values: Record<string, string> = {}) => {
      const c = kernelConfigOf({ positionals: [], values }, image(b));
      return typeof c === "string" ? c : c.numNodes;
    };
    expect([nodes("smp"), nodes("fpu"), nodes("nofpu"), nodes("smp", { "num-nodes": "2" })]).toEqual([
      4, 1, 1, 2,
    ]);
  });
});

describe("a binary that is no sel4test driver", () => {
  it("says nothing: no archive, or an archive without the test process", () => {
    expect(sel4testBuiltForSmp(new Uint8Array(4096))).toBeNull();
    const fake = new TextEncoder().encode(
      `070701${"0".repeat(88)}0000000F00000000sel4test-tests\0\0\0\0junk`,
    );
    expect(sel4testBuiltForSmp(fake)).toBeNull();
  });
});
