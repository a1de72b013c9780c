// `sel4ts check`: diagnostics on stderr as FILE:LINE:COL: message, exit status 0 / 1 (bad input) / 2 (usage).

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
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

describe("sel4ts check", () => {
  const dir = mkdtempSync(join(tmpdir(), "sel4ts-check-"));
  const good = join(dir, "good.system");
  writeFileSync(
    good,
    `<system>\n  <memory_region name="m" prefill_path="data.bin"/>\n  <protection_domain name="a">\n    <program_image path="a.ts"/>\n    <map mr="m" vaddr="0x1000000"/>\n  </protection_domain>\n</system>\n`,
  );
  writeFileSync(join(dir, "data.bin"), "hello");
  writeFileSync(join(dir, "a.ts"), "export default { *init() {}, notified() {} };\n");
  const bad = join(dir, "bad.system");
  writeFileSync(
    bad,
    `<system>\n  <protection_domain name="a" priority="300">\n    <program_image path="a.ts"/>\n  </protection_domain>\n</system>\n`,
  );

  it("prints nothing and exits 0 for a valid file (prefill found beside the SDF)", async () => {
    const io = capture();
    expect(await main(["check", good])).toBe(0);
    expect(io.out.join("")).toBe("");
    expect(io.err.join("")).toBe("");
  });

  it("prints FILE:LINE:COL: message on stderr and exits 1 for an invalid file", async () => {
    const io = capture();
    expect(await main(["check", bad])).toBe(1);
    expect(io.out.join("")).toBe("");
    expect(io.err.join("")).toBe(
      `${bad}:2:3: priority must be between 0 and 254 on element 'protection_domain'\n`,
    );
  });

  it("exits 1 for a missing file, 2 for bad usage", async () => {
    const io = capture();
    expect(await main(["check", join(dir, "nope.system")])).toBe(1);
    expect(await main(["check"])).toBe(2);
    expect(await main(["check", good, "--search-path"])).toBe(2);
    expect(io.err.join("")).toMatch(/cannot read/);
  });
});
