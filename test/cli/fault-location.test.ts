// Fault reports point at the code: a C program built with -g gets its function and source line
// (ELF symbols and the DWARF line table), without -g its function.

import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, FIX, ROOT, sel4ts } from "./cli.ts";

const haveCc = spawnSync("riscv64-unknown-elf-gcc", ["--version"]).status === 0;

describe("fault locations", () => {
  it.skipIf(!haveCc)(
    "a C root task built with -g: the function and file:line of the faulting store",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "sel4ts-crash-"));
      copyFileSync(`${FIX}/crash.c`, join(dir, "crash.c"));
      writeFileSync(
        join(dir, "Makefile"),
        `include ${ROOT}/sdk/sdk.mk\ncrash.elf: crash.c\n\t$(call sel4ts_root_task,$@,$<)\n`,
      );
      execFileSync("make", ["-s", "-C", dir, "crash.elf", "EXTRA_CFLAGS=-g -O0"]);
      const r = await sel4ts(["boot", join(dir, "crash.elf"), "--fail-on-fault"]);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe("about to crash\n");
      expect(r.stderr).toMatch(/sel4ts: the fault is at poke \((\S*\/)?crash\.c:7\), pc 0x[0-9a-f]+/);
      // Without debug information (the SDK builds with -g; -g0 turns it off) and optimised (poke
      // is inlined): the function only.
      execFileSync("make", ["-s", "-B", "-C", dir, "crash.elf", "EXTRA_CFLAGS=-g0"]);
      const o = await sel4ts(["boot", join(dir, "crash.elf")]);
      expect(o.stderr).toMatch(
        /sel4ts: the fault is at main, pc 0x[0-9a-f]+ \(build with -g for the source line\)/,
      );
    },
  );

  it("a C PD whose fault the Microkit monitor reports: the monitor's lines, then its function and file:line", async () => {
    const r = await sel4ts([
      "run",
      `${FIX}/monitor-crash-c.system`,
      "--search-path",
      `${EXAMPLES}/microkit-c`,
      "--fail-on-fault",
    ]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("MON|ERROR: faulting PD: crasher\n");
    expect(r.stdout).toContain("MON|ERROR: description of fault: Store/AMO access fault\n");
    // crasher.c line 7 is the store to address 0 in init (the committed ELF is built with -g).
    expect(r.stderr).toMatch(
      /^sel4ts: the fault of PD 'crasher' is at init \((\S*\/)?crasher\.c:7\), pc 0x[0-9a-f]+$/m,
    );
    expect(r.stderr).toContain("1 unhandled fault(s)");
  });

  it("a TS PD whose fault the Microkit monitor reports: the file:line of its yield*", async () => {
    const r = await sel4ts([
      "run",
      `${FIX}/monitor-crash-ts.system`,
      "--search-path",
      `${EXAMPLES}/microkit`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("MON|ERROR: faulting PD: crasher\n");
    expect(r.stderr).toContain(
      `sel4ts: the fault of PD 'crasher' is at Object.init (${EXAMPLES}/microkit/crasher.ts:8:`,
    );
  });
});
