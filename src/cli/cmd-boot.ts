// `sel4ts boot <root-task>`: boot the kernel with a root task (a TS/JS module or an RV64 ELF).
// The run itself (boot.ts) is loaded only in the worker that runs it.

import type { Command } from "./options.ts";
import { inputOptions, runOptions } from "./shared-options.ts";
import { kernelOptions } from "./kernel-config.ts";
export const bootCommand: Command = {
  name: "boot",
  summary: "Boot the kernel with a root task and run it.",
  args: "<root-task.ts|.js|.elf>",
  positionals: 1,
  description:
    "The root task is a TypeScript/JavaScript module whose default export is function* (bootinfo),\n" +
    "or an RV64 ELF executable. Console output goes to stdout as it is produced; diagnostics and\n" +
    'the end-of-run summary go to stderr. stdin feeds the UART (see README, "Input").\n' +
    "The kernel is configured as the binary says (an ELF's float ABI: soft-float code was built\n" +
    "with KernelRiscvExtF/D off), then by --config and the seL4 CMake options given.",
  options: [...runOptions, ...inputOptions, ...kernelOptions],
  execute: async (args, io) => (await import("./boot.ts")).boot(args, io),
};
