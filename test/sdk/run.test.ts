// The C SDK on the RV64 machine: the C root task examples and the SDK's syscall test program,
// booted from their committed ELFs with the kernel invariant checker on.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { System } from "../../src/system/system.ts";
import clientServer from "../../examples/client-server.ts";
import { runRoot } from "../harness.ts";
import { REPO_ROOT } from "../../scripts/gen-sdk.ts";

function bootC(path: string): { out: string; reason: string } {
  const bytes: number[] = [];
  const diagnostics: string[] = [];
  const sys = new System({
    checkInvariants: true,
    ramSize: 64 * 1024 * 1024,
    maxTicks: 10_000_000_000,
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diagnostics.push(t),
  });
  sys.bootElf(new Uint8Array(readFileSync(join(REPO_ROOT, path))));
  const result = sys.run();
  expect(result.reason, `${result.message ?? ""}\n${diagnostics.join("\n")}`).not.toBe("invariant");
  return { out: Buffer.from(bytes).toString("latin1"), reason: result.reason };
}

describe("C root tasks built with the SDK", () => {
  it("syscall stubs, IPC buffer MRs, fault accessors and invocation results", () => {
    const { out } = bootC("test/sdk/programs/syscalls.elf");
    expect(out).not.toContain("FAIL");
    expect(out.match(/: ok\n/g)?.length).toBe(22);
    expect(out).toContain("syscalls: 0 failure(s)\n");
    expect(out).toContain("faulter: resumed after both faults, a0 = 0x5678\n");
  });

  it("client-server prints exactly what its TypeScript twin prints", () => {
    const ts = runRoot(clientServer);
    const c = bootC("examples/c/client-server.elf");
    expect(c.out).toBe(ts.out);
  });

  it("vmfault: IPC with a worker thread, then a VM fault its handler fixes by mapping a frame", () => {
    const { out } = bootC("examples/c/vmfault.elf");
    expect(out).toMatch(/^root: objects retyped into slots \d+\.\.\d+\nroot: worker started\n/);
    expect(out).toContain(
      "worker: 10 + 1 = 11 (reply label 0)\n" +
        "worker: 20 + 1 = 21 (reply label 0)\n" +
        "worker: storing to 0x40000000, which is not mapped\n",
    );
    expect(out).toMatch(/root: VM fault at 0x40000000 \(pc 0x[0-9a-f]+, fsr 7, data\)\n/);
    expect(out).toContain(
      "root: a page table for 0x40000000 (the walk stopped at level bits 30)\n" +
        "root: a page table for 0x40000000 (the walk stopped at level bits 21)\n" +
        "root: mapped a frame there: ok\n" +
        "worker: stored 0x5e14 and read it back\n" +
        "root: the worker is done\n",
    );
  });

  it("hello-root matches its TypeScript twin apart from the boot info numbers", () => {
    const { out } = bootC("examples/c/hello-root.elf");
    const masked = out.replace(/\d+/g, "N");
    expect(masked).toBe(
      [
        "Hello from the selNts root task!",
        "boot info: N untypeds, N KiB of RAM, empty slots N..N",
        "retype endpoint into slot N: ok",
        "mint badged copy into slot N: ok",
        "copy of the badged cap into slot N: ok",
        "cap types: ep=N badged=N copy=N",
        "revoke the endpoint: ok; badged=N copy=N",
        "N notifications do not fit in a N^N-byte untyped: N bytes left",
        "done",
        "",
      ].join("\n"),
    );
  });
});
