// The translator is invisible: every instruction test program, every C example and the mixed C
// workload run once on the interpreter and once translated give the same state at every kernel
// entry (exit code, pc, x1..x31, scause/stval, instret, simulated time), the same console and the
// same end; runs cut off by a time limit stop at the same instruction.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { elfImage, findSymbol, parseElf } from "../../../src/machine/elf.ts";
import { REPO_ROOT } from "../../../scripts/gen-sdk.ts";
import { BACKENDS, elfBoot, imageBoot, microkitBoot, record, type Boot, type Record } from "./jit-harness.ts";
import type { SystemOptions } from "../../../src/system/system.ts";

/** The first differing exit, with a little context, or null. */
function firstDifference(a: Record, b: Record): string | null {
  const n = Math.max(a.exits.length, b.exits.length);
  for (let i = 0; i < n; i++)
    if (a.exits[i] !== b.exits[i])
      return `exit ${i}:\n  interpreter ${a.exits[i] ?? "(none)"}\n  translated  ${b.exits[i] ?? "(none)"}`;
  return null;
}

// The interpreter's record of each run, computed once for both backends.
const interpreted = new Map<string, Record>();

function same(
  backend: "js" | "wasm",
  key: string,
  boot: Boot,
  opts: SystemOptions = {},
  mustTranslate = true,
): Record {
  let interp = interpreted.get(key);
  if (interp === undefined) {
    interp = record(boot, false, opts);
    interpreted.set(key, interp);
  }
  const jit = record(boot, backend, opts);
  expect(firstDifference(interp, jit)).toBeNull();
  expect(jit.console).toBe(interp.console);
  expect(jit.result).toBe(interp.result);
  expect(interp.made).toBe(0);
  if (mustTranslate) expect(jit.made).toBeGreaterThan(0);
  return jit;
}

const elfsIn = (dir: string): string[] =>
  readdirSync(join(REPO_ROOT, dir))
    .filter((f) => f.endsWith(".elf"))
    .map((f) => join(dir, f));

/** A root task image with 64-bit variables patched by symbol. */
function patched(path: string, vars: { [name: string]: number }): Boot {
  const elf = parseElf(new Uint8Array(readFileSync(join(REPO_ROOT, path))));
  const img = elfImage(elf);
  const dv = new DataView(img.bytes.buffer);
  for (const [name, v] of Object.entries(vars)) {
    const s = findSymbol(elf, name);
    if (s === undefined) throw new Error(`${path} has no ${name}`);
    dv.setBigUint64(s.value - img.vaddr, BigInt(v), true);
  }
  return imageBoot(img);
}

describe.each(BACKENDS)("translated (%s) and interpreted runs are identical", (backend) => {
  // Programs too short or too linear to get hot may translate nothing; the rest must translate.
  const programs = [
    ...elfsIn("test/machine/riscv/bin"),
    ...elfsIn("examples/c"),
    ...elfsIn("test/sdk/programs").filter((f) => !f.includes("nofpu")),
  ];
  it.each(programs)("%s", (path) => {
    same(backend, path, elfBoot(join(REPO_ROOT, path)), {}, false);
  });

  it("the instruction tests and the C examples do translate", () => {
    for (const path of ["test/machine/riscv/bin/alu.elf", "examples/c/hello-root.elf"]) {
      expect(record(elfBoot(join(REPO_ROOT, path)), backend).made, path).toBeGreaterThan(0);
    }
  });

  it("the mixed C workload (calls, loads and stores, branches, multiplies, divides)", () => {
    const r = same(backend, "mixed3", patched("bench/c/mixed-root.elf", { mixed_rounds: 3 }));
    expect(r.console).toMatch(/^SE [0-9a-f]{16}\n$/);
  });

  it.each(["hello", "hierarchy", "passive_server", "shared_memory", "timer"])(
    "the Microkit C system examples/microkit-c/%s.system",
    (name) => {
      const { boot, opts } = microkitBoot(join(REPO_ROOT, `examples/microkit-c/${name}.system`));
      same(backend, name, boot, { ...opts, maxTicks: 2_000_000 }, false);
    },
  );

  // A time limit stops the hart at an exact instruction boundary, wherever it falls in a trace.
  it.each([1_000, 1_237, 5_003, 20_011])(
    "a loop cut off after %i ticks stops at the same instruction",
    (ticks) => {
      same(
        backend,
        `loop${ticks}`,
        patched("test/machine/riscv/bin/loop.elf", { count: 100_000, passes: 50 }),
        {
          maxTicks: ticks,
        },
      );
    },
  );

  it.each([1, 3, 7])("the same with %i cycles per instruction", (cpi) => {
    same(backend, `cpi${cpi}`, patched("test/machine/riscv/bin/loop.elf", { count: 30_000, passes: 20 }), {
      maxTicks: 9_001,
      hart: { cyclesPerInstruction: cpi },
    });
  });

  it.each([5, 37, 101])("slices of %i instructions (a slice ends inside traces)", (maxSlice) => {
    same(backend, `slice${maxSlice}`, patched("bench/c/mixed-root.elf", { mixed_rounds: 1 }), {
      hart: { maxSlice },
    });
  });
});
