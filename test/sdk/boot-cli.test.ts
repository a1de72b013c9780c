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

describe("sel4ts boot: the kernel configuration", () => {
  const probe = (name: string): string => resolve(import.meta.dirname, `programs/${name}.elf`);
  const boot = async (args: string[]): Promise<{ rc: number; out: string; err: string }> => {
    const io = capture();
    const rc = await main(["boot", ...args, "--no-stdin"]);
    vi.restoreAllMocks();
    return { rc, out: io.out.join(""), err: io.err.join("") };
  };

  it("an lp64d ELF boots on the FPU kernel: seL4_TCBBits 11, one TCB in 2 KiB; root CNode 2^13; the DTB as extra boot info", async () => {
    const r = await boot([probe("config-probe")]);
    expect(r.rc).toBe(0);
    expect(r.out).toContain("cnode bits 13, empty [105, 8192), seL4_TCBBits 11\n");
    expect(r.out).toContain("extra 4437 bytes in 2 pages: header 6 len 4437, fdt magic d00dfeed size 4421\n");
    expect(r.out).toContain("TCBs in 2 KiB: 1\n");
  });

  it("an lp64 (soft-float) ELF boots on the F/D-off kernel with no option: two 2^10 TCBs in 2 KiB", async () => {
    const r = await boot([probe("config-probe-nofpu")]);
    expect(r.rc).toBe(0);
    expect(r.out).toContain("seL4_TCBBits 10\n");
    expect(r.out).toContain("TCBs in 2 KiB: 2\n");
  });

  it("options named after seL4's CMake options win over the binary: -DKernelRiscvExtF=ON, --KernelRootCNodeSizeBits 12", async () => {
    const r = await boot([
      probe("config-probe-nofpu"),
      "-DKernelRiscvExtF=ON",
      "--KernelRootCNodeSizeBits",
      "12",
    ]);
    expect(r.out).toMatch(/cnode bits 12, empty \[\d+, 4096\), seL4_TCBBits 10\n/);
    expect(r.out).toContain("TCBs in 2 KiB: 1\n"); // the kernel's TCBs are 2^11 now
  });

  it("--config takes a preset or a JSON file of CMake options", async () => {
    expect((await boot([probe("config-probe"), "--config", "nofpu"])).out).toContain("TCBs in 2 KiB: 2\n");
    const dir = mkdtempSync(join(tmpdir(), "sel4ts-config-"));
    const f = join(dir, "cfg.json");
    writeFileSync(f, JSON.stringify({ KernelRootCNodeSizeBits: 11, KernelRiscvExtF: "OFF" }));
    const r = await boot([probe("config-probe"), "--config", f]);
    expect(r.out).toMatch(/cnode bits 11, empty \[\d+, 2048\), seL4_TCBBits 11\n/);
    expect(r.out).toContain("TCBs in 2 KiB: 2\n");
  });

  it("bad options are explained with exit 2", async () => {
    const unknown = await boot([probe("config-probe"), "-DKernelFoo=1"]);
    expect(unknown.rc).toBe(2);
    expect(unknown.err).toContain("unknown kernel option KernelFoo");
    const range = await boot([probe("config-probe"), "--KernelRootCNodeSizeBits", "40"]);
    expect(range.rc).toBe(2);
    expect(range.err).toContain("KernelRootCNodeSizeBits must be 7..26, not 40");
    const cfg = await boot([probe("config-probe"), "--config", "nosuchpreset"]);
    expect(cfg.rc).toBe(2);
    expect(cfg.err).toContain("--config: 'nosuchpreset' is neither a preset");
  });
});

describe("the C SDK's thread-local IPC buffer", () => {
  it("two C threads in one address space each use their own IPC buffer (TLS set up by the runtime and by the creator)", async () => {
    const io = capture();
    const rc = await main(["boot", resolve(import.meta.dirname, "programs/tls-threads.elf"), "--no-stdin"]);
    vi.restoreAllMocks();
    expect(rc).toBe(0);
    expect(io.out.join("")).toBe(
      "root: map 0, IPC buffer its own\n" +
        "worker: IPC buffer its own\n" +
        "root: received 10 words summing to 10045\n" +
        "root: its MR 20 is still 42\n" +
        "worker: reply of 8 words, MR 7 = 7007, its MR 20 = 99\n",
    );
  });
});
