// `sel4ts check <file.system>`: everything `run` would check before it starts, without running:
// the SDF, each program image (found, an RV64 ELF that parses, or a module that loads and exports
// init), the build (setvar symbols present in ELF images), and the TS programs' types.

import { EXIT_BAD_INPUT, EXIT_OK } from "./exit.js";
import type { Command } from "./options.ts";
import { reportOption, searchPath } from "./shared-options.ts";

export const checkCommand: Command = {
  name: "check",
  summary: "Check a system description and its programs without running it.",
  args: "<file.system>",
  positionals: 1,
  description:
    "Prints each problem as FILE:LINE:COL: message on stderr and exits 1 if there is any: SDF\n" +
    "errors, program images that are missing, are not RV64 ELF executables or do not load,\n" +
    "modules without an init() entry point, setvar symbols an ELF lacks, TypeScript type errors\n" +
    "and system calls whose generator is never run (a missing yield*).",
  options: [
    searchPath,
    reportOption,
    { name: "no-typecheck", type: "boolean", help: "skip the TypeScript type check" },
  ],
  run: async (args) => {
    const { build, loadPrograms, loadSdf } = await import("./load.ts");
    const file = args.positionals[0];
    const s = args.values["search-path"];
    const paths = Array.isArray(s) ? s : [];
    const report = (l: string): void => void process.stderr.write(`${l}\n`);
    const sys = await loadSdf(file, paths, report);
    if (typeof sys === "number") return sys;
    const loaded = await loadPrograms(file, paths, sys, report);
    let failed = loaded.failed;
    const b = failed ? null : build(file, sys, loaded.elfs, report);
    if (typeof b === "number") failed = true;
    const reportPath = args.values.report;
    if (b !== null && typeof b !== "number" && typeof reportPath === "string") {
      const { writeReport } = await import("./report.ts");
      if (!writeReport(reportPath, b.spec, null, [])) failed = true;
    }
    if (args.values["no-typecheck"] !== true) {
      const ts = [...new Set(loaded.files.values())].filter((f) => /\.(ts|mts)$/.test(f));
      const { typecheckFiles } = await import("./typecheck.ts");
      if (typecheckFiles(ts, report) > 0) failed = true;
    }
    return failed ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
