// `sel4ts boot` with ELF root tasks through the CLI entry point: a C root task's output on stdout,
// and a file that is not a valid ELF (by its magic number or by its name) explained, exit 1 (bad input).

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out.push(typeof s === "string" ? s : Buffer.from(s).toString("latin1"));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sel4ts boot x.elf", () => {
  const dir = mkdtempSync(join(tmpdir(), "sel4ts-boot-"));

  it("boots a C root task: its output on stdout, exit 0", async () => {
    const io = capture();
    const rc = await main([
      "boot",
      resolve(import.meta.dirname, "../../examples/c/client-server.elf"),
      "--no-stdin",
    ]);
    expect(rc).toBe(0);
    expect(io.out.join("")).toContain("client1: 11^2 = 121\n");
  });

  it("a truncated ELF: the parser's explanation, exit 1", async () => {
    const f = join(dir, "cut.elf");
    writeFileSync(f, "\x7fELF\x02\x01");
    const io = capture();
    expect(await main(["boot", f, "--no-stdin"])).toBe(1);
    expect(io.err.join("")).toMatch(
      /cannot load .*cut\.elf: bad ELF file: the ELF header lies outside the file/,
    );
  });

  it("a .elf file that is not an ELF at all: 'not an ELF file', exit 1", async () => {
    const f = join(dir, "text.elf");
    writeFileSync(f, "hello, this is text");
    const io = capture();
    expect(await main(["boot", f, "--no-stdin"])).toBe(1);
    expect(io.err.join("")).toMatch(/cannot load .*text\.elf: bad ELF file: not an ELF file/);
    expect(io.out.join("")).toBe("");
  });
});
