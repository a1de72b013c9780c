// `sel4ts run <file.system>`: build a Microkit system from its SDF and run it. The run itself
// (run.ts) is loaded only in the worker that runs it.

import type { Command } from "./options.ts";
import { kernelOptions } from "./kernel-config.ts";
import { inputOptions, reportOption, runOptions, searchPath } from "./shared-options.ts";
export const runCommand: Command = {
  name: "run",
  summary: "Build a Microkit system from its system description file (SDF) and run it.",
  args: "<file.system>",
  positionals: 1,
  description:
    "Program images (.ts/.js modules or RV64 ELF files) are looked up in each --search-path\n" +
    "directory in order, then in the SDF's directory. Console output goes to stdout as it is\n" +
    "produced; diagnostics and the end-of-run summary go to stderr. stdin feeds the UART, as for\n" +
    "boot (a PD drives it through a memory region at its physical address and its IRQ).",
  // The SDF says whether the kernel has domains.
  options: [
    searchPath,
    reportOption,
    ...runOptions,
    ...inputOptions.filter((o) => o.name !== "domains"),
    ...kernelOptions,
  ],
  execute: async (args, io) => (await import("./run.ts")).run(args, io),
};
