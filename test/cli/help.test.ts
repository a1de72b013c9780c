// Help like a real tool: --version, --help, help <cmd>, <cmd> --help describing every option;
// mistakes named in one line with a suggestion (no usage dump), bad option values refused before
// anything runs.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLES, FIX, ROOT, sel4ts } from "./cli.ts";

const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { version: string }).version;

describe("sel4ts help", () => {
  it("--version prints the package version; --help lists every command", async () => {
    const v = await sel4ts(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`sel4ts ${version}\n`);
    const h = await sel4ts(["--help"]);
    expect(h.code).toBe(0);
    for (const c of ["boot", "run", "check", "capdl", "help"])
      expect(h.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
  });

  it("boot --help and help boot describe every option boot takes", async () => {
    const a = await sel4ts(["boot", "--help"]);
    const b = await sel4ts(["help", "boot"]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    for (const o of [
      "max-time",
      "timeout",
      "trace",
      "fail-on-fault",
      "fail-on-timeout",
      "input",
      "no-stdin",
      "typecheck",
    ])
      expect(a.stdout).toMatch(new RegExp(`^  --${o}\\b.*\\S`, "m"));
    expect(a.stdout).not.toContain("--search-path");
  });

  it("an unknown option is named with a suggestion, in one line and a usage line, exit 2", async () => {
    const r = await sel4ts(["boot", `${EXAMPLES}/hello-root.ts`, "--max-tme", "1ms"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "sel4ts: unknown option --max-tme for 'boot' (did you mean --max-time?)\nusage: sel4ts boot <root-task.ts|.js|.elf> [options]\n",
    );
    expect(r.stdout).toBe("");
  });

  it("an option of another command is refused, naming the commands that take it", async () => {
    const r = await sel4ts(["boot", `${EXAMPLES}/hello-root.ts`, "--search-path", EXAMPLES]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      "sel4ts: 'boot' does not take --search-path (run, check, capdl, graph, caps do)",
    );
  });

  it("an unwritable --trace path and a missing --search-path are refused before the run", async () => {
    const t = await sel4ts([
      "run",
      `${EXAMPLES}/microkit/hello.system`,
      "--trace",
      "/nonexistent-dir/t.json",
    ]);
    expect(t.code).toBe(2);
    expect(t.stdout).toBe("");
    expect(t.stderr.split("\n")[0]).toBe("sel4ts: --trace: directory '/nonexistent-dir' does not exist");
    // A directory that exists but where no file can be made (even by root).
    const p = await sel4ts(["boot", `${EXAMPLES}/hello-root.ts`, "--trace", "/proc/sel4ts-trace.json"]);
    expect(p.code).toBe(2);
    expect(p.stdout).toBe("");
    expect(p.stderr.split("\n")[0]).toMatch(
      /^sel4ts: --trace: (cannot create|directory '\/proc' is not writable)/,
    );
    const s = await sel4ts(["check", `${FIX}/loop.system`, "--search-path", `${FIX}/no-such-dir`]);
    expect(s.code).toBe(2);
    expect(s.stderr.split("\n")[0]).toBe(
      `sel4ts: --search-path: directory '${FIX}/no-such-dir' does not exist`,
    );
  });

  it("an unknown command gets a suggestion; a bad duration is explained", async () => {
    const c = await sel4ts(["bot"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe("sel4ts: unknown command 'bot' (did you mean 'boot'?); see sel4ts --help\n");
    const d = await sel4ts(["boot", `${EXAMPLES}/hello-root.ts`, "--max-time", "10 parsecs"]);
    expect(d.code).toBe(2);
    expect(d.stderr.split("\n")[0]).toBe(
      "sel4ts: --max-time: '10 parsecs' is not a duration (examples: 500us, 10ms, 2s)",
    );
  });

  it("graph and caps read their options through the option table: help, suggestions, checks", async () => {
    const g = await sel4ts(["graph", "--help"]);
    expect(g.code).toBe(0);
    for (const o of [
      "--format dot|svg",
      "--channels-only",
      "-o, --output <file>",
      "--num-nodes <n>",
      "--search-path <dir>",
    ])
      expect(g.stdout).toMatch(new RegExp(`^  ${o.replace(/[|]/g, "\\|")} +\\S`, "m"));
    const c = await sel4ts(["help", "caps"]);
    for (const o of [
      "--at",
      "--format",
      "--all",
      "-o, --output",
      "--max-time",
      "--num-nodes",
      "--search-path",
    ])
      expect(c.stdout).toMatch(new RegExp(`^  ${o}\\b.* {2,}\\S`, "m"));
    const hello = `${EXAMPLES}/microkit/hello.system`;
    const u = await sel4ts(["graph", hello, "--chanels-only"]);
    expect(u.code).toBe(2);
    expect(u.stderr.split("\n")[0]).toBe(
      "sel4ts: unknown option --chanels-only for 'graph' (did you mean --channels-only?)",
    );
    // An option of another command, a bad value and a bad time are refused before anything runs.
    const t = await sel4ts(["graph", hello, "--trace", "x.json"]);
    expect([t.code, t.stderr.split("\n")[0]]).toEqual([
      2,
      "sel4ts: 'graph' does not take --trace (boot, run do)",
    ]);
    const f = await sel4ts(["caps", hello, "--format", "png"]);
    expect([f.code, f.stderr.split("\n")[0]]).toEqual([
      2,
      "sel4ts: --format: 'png' is not one of capdl, dot, svg",
    ]);
    const a = await sel4ts(["caps", hello, "--at", "soon"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^sel4ts: --at: 'soon' is not a duration/);
  });
});
