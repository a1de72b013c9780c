// The C SDK: its generated headers are up to date with src/abi, the generated invocation stubs
// marshal as the ABI sheet's tables say, the committed example ELFs have the layout sel4ts and
// the Microkit tool expect, and (when the cross compiler is installed) the headers compile.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, generateSdk, staleSdkFiles } from "../../scripts/gen-sdk.ts";
import { EM_RISCV, PT_LOAD, fileBacked, readElf } from "./elf.ts";

/** Extra caps and message length of each stub (ABI sheet §6.4 "caps" and "len" columns). */
const MARSHALLING: Record<string, [caps: number, len: number]> = {
  seL4_Untyped_Retype: [1, 6],
  seL4_TCB_ReadRegisters: [0, 2],
  seL4_TCB_WriteRegisters: [0, 34],
  seL4_TCB_CopyRegisters: [1, 1],
  seL4_TCB_Configure: [3, 3],
  seL4_TCB_SetPriority: [1, 1],
  seL4_TCB_SetMCPriority: [1, 1],
  seL4_TCB_SetSchedParams: [3, 2],
  seL4_TCB_SetTimeoutEndpoint: [1, 0],
  seL4_TCB_SetIPCBuffer: [1, 1],
  seL4_TCB_SetSpace: [3, 2],
  seL4_TCB_Suspend: [0, 0],
  seL4_TCB_Resume: [0, 0],
  seL4_TCB_BindNotification: [1, 0],
  seL4_TCB_UnbindNotification: [0, 0],
  seL4_TCB_SetTLSBase: [0, 1],
  seL4_TCB_SetFlags: [0, 2],
  seL4_CNode_Revoke: [0, 2],
  seL4_CNode_Delete: [0, 2],
  seL4_CNode_CancelBadgedSends: [0, 2],
  seL4_CNode_Copy: [1, 5],
  seL4_CNode_Mint: [1, 6],
  seL4_CNode_Move: [1, 4],
  seL4_CNode_Mutate: [1, 5],
  seL4_CNode_Rotate: [2, 8],
  seL4_IRQControl_Get: [1, 3],
  seL4_IRQControl_GetTrigger: [1, 4],
  seL4_IRQHandler_Ack: [0, 0],
  seL4_IRQHandler_SetNotification: [1, 0],
  seL4_IRQHandler_Clear: [0, 0],
  seL4_DomainSet_Set: [1, 1],
  seL4_DomainSet_ScheduleConfigure: [0, 3],
  seL4_DomainSet_ScheduleSetStart: [0, 1],
  seL4_SchedControl_ConfigureFlags: [1, 5],
  seL4_SchedContext_Bind: [1, 0],
  seL4_SchedContext_Unbind: [0, 0],
  seL4_SchedContext_UnbindObject: [1, 0],
  seL4_SchedContext_Consumed: [0, 0],
  seL4_SchedContext_YieldTo: [0, 0],
  seL4_RISCV_PageTable_Map: [1, 2],
  seL4_RISCV_PageTable_Unmap: [0, 0],
  seL4_RISCV_Page_Map: [1, 3],
  seL4_RISCV_Page_Unmap: [0, 0],
  seL4_RISCV_Page_GetAddress: [0, 0],
  seL4_RISCV_ASIDControl_MakePool: [2, 2],
  seL4_RISCV_ASIDPool_Assign: [1, 0],
};

function hasCrossCompiler(): boolean {
  try {
    execFileSync("riscv64-unknown-elf-gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("C SDK generated headers", () => {
  it("are up to date with src/abi (run `npm run gen:sdk` after changing src/abi)", () => {
    expect(staleSdkFiles()).toEqual([]);
  });

  it("marshal every invocation as the ABI sheet's per-method tables", () => {
    const client = generateSdk().get("sdk/include/sel4/sel4_client.h") ?? "";
    const stubs = [...client.matchAll(/^(seL4_\w+)\(/gm)].map((m) => m[1]);
    expect(new Set(stubs)).toEqual(new Set(Object.keys(MARSHALLING)));
    for (const [name, [caps, len]] of Object.entries(MARSHALLING)) {
      const at = client.indexOf(`\n${name}(`);
      const body = client.slice(at, client.indexOf("\n}", at));
      expect(body, name).toMatch(new RegExp(`seL4_MessageInfo_new\\(\\w+, 0, ${caps}, ${len}\\);`));
    }
  });

  it("pack bools and u8s into one word as libsel4's stub generator", () => {
    const client = generateSdk().get("sdk/include/sel4/sel4_client.h") ?? "";
    expect(client).toContain(
      "mr0 = (suspend_source & 0x1ull) | ((seL4_Word)(resume_target & 0x1ull) << 1) | " +
        "((seL4_Word)(transfer_frame & 0x1ull) << 2) | ((seL4_Word)(transfer_integer & 0x1ull) << 3) | " +
        "((seL4_Word)(arch_flags & 0xffull) << 8);",
    );
    expect(client).toContain("seL4_SetMR(33, regs->tp);");
    expect(client).toContain("seL4_SetMR(4, rights.words[0]);");
  });
});

const PD_DIR = join(REPO_ROOT, "examples/microkit-c");
const ROOT_DIR = join(REPO_ROOT, "examples/c");

describe("C example ELFs", () => {
  const pds = readdirSync(PD_DIR).filter((f) => f.endsWith(".elf"));
  const roots = readdirSync(ROOT_DIR).filter((f) => f.endsWith(".elf"));

  it("exist for every C source", () => {
    expect(pds.length).toBeGreaterThanOrEqual(7);
    expect(roots.length).toBeGreaterThanOrEqual(3);
    for (const dir of [PD_DIR, ROOT_DIR]) {
      for (const c of readdirSync(dir).filter((f) => f.endsWith(".c"))) {
        expect(existsSync(join(dir, c.replace(/\.c$/, ".elf"))), c).toBe(true);
      }
    }
  });

  it("Microkit PDs start at 0x200000 and carry every patched symbol in their file image", () => {
    const sizes: Record<string, bigint> = {
      microkit_name: 64n,
      microkit_passive: 1n,
      microkit_irqs: 8n,
      microkit_notifications: 8n,
      microkit_pps: 8n,
      microkit_ioports: 8n,
    };
    for (const f of pds) {
      const elf = readElf(readFileSync(join(PD_DIR, f)));
      expect(elf.machine, f).toBe(EM_RISCV);
      expect(elf.entry, f).toBe(0x200000n);
      expect(elf.symbols.get("_start")?.value, f).toBe(0x200000n);
      for (const [name, size] of Object.entries(sizes)) {
        const sym = elf.symbols.get(name);
        expect(sym?.size, `${f}: ${name}`).toBe(size);
        expect(fileBacked(elf, sym!.value, size), `${f}: ${name}`).toBe(true);
      }
      for (const s of elf.segments.filter((s) => s.type === PT_LOAD)) {
        expect(s.flags & 3, `${f}: no W+X segment`).not.toBe(3);
      }
    }
    const timer = readElf(readFileSync(join(PD_DIR, "timer.elf")));
    for (const name of ["timer_regs", "timer_paddr"]) {
      const sym = timer.symbols.get(name)!;
      expect(sym.size).toBe(8n);
      expect(fileBacked(timer, sym.value, 8n)).toBe(true);
    }
  });

  it("root tasks are linked at 0x10000 with their entry at _start", () => {
    for (const f of roots) {
      const elf = readElf(readFileSync(join(ROOT_DIR, f)));
      expect(elf.machine, f).toBe(EM_RISCV);
      expect(elf.entry, f).toBe(elf.symbols.get("_start")?.value);
      expect(elf.segments.find((s) => s.type === PT_LOAD)?.vaddr, f).toBe(0x10000n);
    }
  });
});

describe.skipIf(!hasCrossCompiler())("C SDK with the cross compiler", () => {
  it("compiles a program using the libsel4 and libmicrokit API without warnings", () => {
    const dir = mkdtempSync(join(tmpdir(), "sel4ts-sdk-"));
    try {
      const flags = [
        "-march=rv64imac_zicsr_zifencei",
        "-mabi=lp64",
        "-mcmodel=medany",
        "-O2",
        "-ffreestanding",
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-Wno-unused-parameter",
        `-I${join(REPO_ROOT, "sdk/include")}`,
        `-I${join(REPO_ROOT, "sdk/libc/include")}`,
        "-c",
        join(REPO_ROOT, "test/sdk/api.c"),
        "-o",
        join(dir, "api.o"),
      ];
      execFileSync("riscv64-unknown-elf-gcc", flags, { stdio: "pipe" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
