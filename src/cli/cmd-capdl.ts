// `sel4ts capdl <file.system>`: the system's CapDL specification on stdout.

import { EXIT_OK } from "./exit.ts";
import type { Command } from "./options.ts";
import { searchPath } from "./shared-options.ts";

export const capdlCommand: Command = {
  name: "capdl",
  summary: "Print the CapDL specification the Microkit tool would build from a system description.",
  args: "<file.system>",
  positionals: 1,
  options: [searchPath],
  run: async (args) => {
    const { loadSdf } = await import("./load.ts");
    const { buildMicrokit } = await import("../microkit/builder.ts");
    const { printCapDL } = await import("../capdl/spec.ts");
    const s = args.values["search-path"];
    const sys = await loadSdf(args.positionals[0], Array.isArray(s) ? s : [], (l) =>
      process.stderr.write(`${l}\n`),
    );
    if (typeof sys === "number") return sys;
    process.stdout.write(printCapDL(buildMicrokit(sys).spec));
    return EXIT_OK;
  },
};
