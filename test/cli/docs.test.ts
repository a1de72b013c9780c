// The documentation is true and self-contained: no references to files outside the repository or
// to the project's work tracking, and the README's exit-code table is the CLI's.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as exit from "../../src/cli/exit.js";
import { ROOT } from "./cli.ts";

const docs = [
  "README.md",
  "sdk/README.md",
  ...readdirSync(`${ROOT}/docs`)
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

describe("documentation", () => {
  it.each(docs)("%s names nothing outside the repository", (f) => {
    const text = readFileSync(`${ROOT}/${f}`, "utf8");
    expect(text).not.toMatch(/\bshared\/|\.\.\/shared|ABI sheet|\bissues? #?\d+|#\d+\b/i);
  });

  it("README has an Exit codes table with every code the CLI uses, and a When things go wrong section", () => {
    const text = readFileSync(`${ROOT}/README.md`, "utf8");
    expect(text).toContain("## When things go wrong");
    const table = text.slice(text.indexOf("## Exit codes"), text.indexOf("## When things go wrong"));
    const rows = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    const codes: number[] = Object.values(exit).filter((v) => typeof v === "number");
    expect(rows.sort((a, b) => a - b)).toEqual([...new Set(codes)].sort((a, b) => a - b));
  });

  it("README says how a TS program reads and writes a mapped region and models computation", () => {
    const text = readFileSync(`${ROOT}/README.md`, "utf8");
    for (const name of ["microkit_var", "sel4ts_read", "sel4ts_write", "sel4ts_busy", "--timeout"])
      expect(text).toContain(name);
  });
});
