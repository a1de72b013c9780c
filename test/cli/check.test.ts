// `sel4ts check` finds everything `run` would refuse, and type errors, as FILE:LINE:COL: message.

import { describe, expect, it } from "vitest";
import { EXAMPLES, FIX, sel4ts } from "./cli.ts";

describe("sel4ts check", () => {
  it("a module without init and an ELF that is not RISC-V: both named at their PD, exit 1", async () => {
    const r = await sel4ts(["check", `${FIX}/noinit.system`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${FIX}/noinit.system:3:5: program image 'noinit.ts' has no init() entry point`,
    );
    expect(r.stderr).toContain(
      `${FIX}/noinit.system:6:5: program image 'not-riscv.elf' of protection domain 'b': not a RISC-V ELF file (e_machine 62)`,
    );
  });

  it("type errors, a missing import and a system call without yield*, each at FILE:LINE:COL", async () => {
    const r = await sel4ts(["check", `${FIX}/types-bad.system`]);
    expect(r.code).toBe(1);
    const f = `${FIX}/types-bad.ts`;
    expect(r.stderr).toContain(
      `${f}:2:29: error TS2305: Module '"sel4ts/microkit"' has no exported member 'microkit_no_such_function'.`,
    );
    expect(r.stderr).toContain(`${f}:6:11: error TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(r.stderr).toContain(`${f}:7:5: error: microkit_dbg_puts(…) makes a generator that is never run`);
  });

  it("a setvar symbol the ELF lacks", async () => {
    const r = await sel4ts(["check", `${FIX}/setvar.system`, "--search-path", `${EXAMPLES}/microkit-c`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Could not find 'no_such_symbol' symbol in ELF for PD 'hello'");
  });

  it("run --typecheck refuses to run a program with type errors", async () => {
    const r = await sel4ts(["run", `${FIX}/types-bad.system`, "--typecheck"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("types-bad.ts:6:11: error TS2322");
    expect(r.stderr).not.toContain("cannot load program image");
  });

  it("an example that uses shared memory and TextEncoder checks clean", async () => {
    const r = await sel4ts(["check", `${EXAMPLES}/microkit/shared_memory.system`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("a system call without yield*", () => {
  it("is reported at the end of the run with its file:line", async () => {
    const r = await sel4ts(["boot", `${FIX}/dropped-root.ts`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("A");
    expect(r.stderr).toContain("sel4ts: warning: 1 system call(s) were made and never run");
    // Where: the run names the call's file:line itself, without --typecheck.
    expect(r.stderr).toContain(
      `${FIX}/dropped-root.ts:5:3: warning: seL4_Yield(…) makes a generator that is never run`,
    );
  });

  it("boot --typecheck refuses it, pointing at its line", async () => {
    const t = await sel4ts(["boot", `${FIX}/dropped-root.ts`, "--typecheck"]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(
      `${FIX}/dropped-root.ts:5:3: error: seL4_Yield(…) makes a generator that is never run`,
    );
    expect(t.stdout).toBe("");
  });
});
