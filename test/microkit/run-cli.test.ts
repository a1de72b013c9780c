// `sel4ts run` and `sel4ts capdl` through the CLI entry point: output on stdout exactly, diagnostics
// as FILE:LINE:COL: message, exit statuses.

import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

const EX = resolve(import.meta.dirname, "../../examples/microkit");
const MICROKIT = resolve(import.meta.dirname, "../../src/user/microkit.ts");

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

describe("sel4ts run", () => {
  const dir = mkdtempSync(join(tmpdir(), "sel4ts-run-"));
  mkdirSync(join(dir, "progs"));
  writeFileSync(
    join(dir, "progs", "p.ts"),
    // (inside vitest a file outside the package imports libmicrokit by path; the CLI binary
    // resolves "sel4ts/microkit" from anywhere)
    `import { microkit_dbg_puts, microkit_name } from ${JSON.stringify(MICROKIT)};\n` +
      `export function* init() { yield* microkit_dbg_puts(\`\${microkit_name}: up\\n\`); }\n` +
      `export function notified() {}\n`,
  );
  const sys = (body: string) => `<system>\n${body}\n</system>\n`;
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it("runs hello: stdout is exactly the console output, exit 0, summary on stderr", async () => {
    const io = capture();
    const rc = await main(["run", join(EX, "hello.system")]);
    expect(rc).toBe(0);
    expect(io.out.join("")).toBe("MON|INFO: Microkit Monitor started!\nhello, world\n");
    expect(io.err.join("")).toMatch(/idle after/);
  });

  it("finds program images through --search-path, and PDs run by priority", async () => {
    const f = write(
      "two.system",
      sys(
        `  <protection_domain name="low" priority="1"><program_image path="p.ts"/></protection_domain>\n` +
          `  <protection_domain name="high" priority="200"><program_image path="p.ts"/></protection_domain>`,
      ),
    );
    const io = capture();
    const rc = await main(["run", f, "--search-path", join(dir, "progs")]);
    expect(io.err.join("")).not.toMatch(/error/);
    expect(rc).toBe(0);
    expect(io.out.join("")).toBe("MON|INFO: Microkit Monitor started!\nhigh: up\nlow: up\n");
  });

  it("a malformed ELF program image: FILE:LINE:COL error naming the problem, exit 1", async () => {
    const f = write(
      "elf.system",
      sys(`  <protection_domain name="a">\n    <program_image path="a.elf"/>\n  </protection_domain>`),
    );
    write("a.elf", "\x7fELF");
    const io = capture();
    expect(await main(["run", f])).toBe(1);
    expect(io.err.join("")).toMatch(
      new RegExp(
        `^${f.replace(/[.\\/]/g, "\\$&")}:2:3: program image 'a.elf' of protection domain 'a': .*outside the file`,
      ),
    );
    expect(io.out.join("")).toBe("");
  });

  it("a missing program image and an invalid SDF are errors with positions", async () => {
    const f = write(
      "missing.system",
      sys(`  <protection_domain name="a">\n    <program_image path="nope.ts"/>\n  </protection_domain>`),
    );
    let io = capture();
    expect(await main(["run", f])).toBe(1);
    expect(io.err.join("")).toMatch(/missing\.system:2:3: program image 'nope\.ts' .* not found/);
    vi.restoreAllMocks();
    const bad = write(
      "bad.system",
      sys(`  <protection_domain name="a" priority="300"><program_image path="p.ts"/></protection_domain>`),
    );
    io = capture();
    expect(await main(["run", bad])).toBe(1);
    expect(io.err.join("")).toMatch(/bad\.system:2:3: /);
  });

  it("resource exhaustion: the initialiser names what did not fit, exit 1", async () => {
    const f = write(
      "huge.system",
      sys(
        `  <memory_region name="huge" size="0x3000000" page_size="0x200000"/>\n` +
          `  <protection_domain name="a"><program_image path="p.ts"/><map mr="huge" vaddr="0x40000000"/></protection_domain>`,
      ),
    );
    const io = capture();
    expect(await main(["run", f, "--search-path", join(dir, "progs"), "--ram", "16"])).toBe(1);
    expect(io.err.join("")).toMatch(
      /microkit initialiser: out of memory: no untyped has room for mr_huge_\d+ \(frame, 2097152 bytes\)/,
    );
  });
});

describe("sel4ts capdl", () => {
  it("prints the spec in capDL-tool syntax", async () => {
    const io = capture();
    expect(await main(["capdl", join(EX, "hierarchy.system")])).toBe(0);
    const text = io.out.join("");
    expect(text.startsWith("arch riscv\n")).toBe(true);
    expect(text).toContain(
      "  tcb_crasher = tcb (addr: 0x3fffffe000, ip: 0x200000, sp: 0x3fffffd000, prio: 253",
    );
    expect(text).toContain("fault_ep_slot: ep_restarter (RWGP, badge: 0x4000000000000001)");
  });
});
