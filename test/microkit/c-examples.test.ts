// The Microkit examples in C (examples/microkit-c: ELFs built against sdk/) run on the RV64 hart
// and print exactly what their TypeScript twins print; a system mixing a C PD and a TS PD, both
// starting at 0x200000, works either way round.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { elfProgramOf, type ElfProgram } from "../../src/microkit/elf-pd.ts";
import { microkitProgramOf, type MicrokitProgram } from "../../src/user/microkit.ts";

const EX = resolve(import.meta.dirname, "../../examples");

interface Outcome {
  out: string;
  reason: string;
  diags: string[];
}

async function run(file: string, sdfText?: string, maxTicks = 100_000_000): Promise<Outcome> {
  const r = parseSdf(sdfText ?? readFileSync(file, "utf8"), { file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  const elfs = new Map<string, ElfProgram>();
  for (const pd of r.system.protectionDomains) {
    const path = resolve(dirname(file), pd.programImage.path);
    if (path.endsWith(".elf")) elfs.set(pd.name, elfProgramOf(new Uint8Array(readFileSync(path))));
    else programs.set(pd.name, microkitProgramOf((await import(path)) as Record<string, unknown>));
  }
  const bytes: number[] = [];
  const diags: string[] = [];
  const { result } = runMicrokit(
    r.system,
    programs,
    { checkInvariants: true, maxTicks, onConsole: (b) => bytes.push(b), onDiagnostic: (t) => diags.push(t) },
    elfs,
  );
  expect(result.reason, result.message).not.toBe("invariant");
  return { out: Buffer.from(bytes).toString("latin1"), reason: result.reason, diags };
}

describe("Microkit examples in C", () => {
  for (const name of ["hello", "passive_server", "hierarchy", "timer"]) {
    it(`${name}: the C system prints what the TypeScript one prints`, async () => {
      const c = await run(resolve(EX, "microkit-c", `${name}.system`));
      const ts = await run(resolve(EX, "microkit", `${name}.system`));
      expect(c.diags.filter((d) => /error/i.test(d))).toEqual([]);
      expect(c.out).toBe(ts.out);
      expect(c.out.length).toBeGreaterThan(40);
      expect(c.reason).toBe(ts.reason);
    }, 60_000);
  }

  it("a C server with a TS client, and a TS server with a C client", async () => {
    const file = resolve(EX, "microkit-c", "mixed.system");
    const text = readFileSync(file, "utf8");
    const expected = (await run(resolve(EX, "microkit", "passive_server.system"))).out;
    expect((await run(file)).out).toBe(expected);
    const swapped = text
      .replace('path="server.elf"', 'path="../microkit/server.ts"')
      .replace('path="../microkit/client.ts"', 'path="client.elf"');
    expect(swapped).not.toBe(text);
    expect((await run(file, swapped)).out).toBe(expected);
  });
});
