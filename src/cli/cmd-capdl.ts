// `sel4ts capdl <file.system>`: the system's CapDL specification on stdout, and with --fill-dir
// the files its frame fills name.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_BAD_INPUT, EXIT_OK } from "./exit.js";
import { directoryCheck, type Command } from "./options.ts";
import { searchPath } from "./shared-options.ts";

export const capdlCommand: Command = {
  name: "capdl",
  summary: "Print the CapDL specification the Microkit tool would build from a system description.",
  args: "<file.system>",
  positionals: 1,
  description:
    "Frames with initial contents (program images, prefilled memory regions) name their data as\n" +
    'files (CDL_FrameFill_FileData "<frame>_<n>.bin"); --fill-dir writes those files.',
  options: [
    searchPath,
    {
      name: "fill-dir",
      type: "string",
      arg: "<dir>",
      help: "write the frame fill files the spec names into this (existing) directory",
      check: directoryCheck,
    },
  ],
  run: async (args) => {
    const { loadSdf } = await import("./load.ts");
    const { buildMicrokit } = await import("../microkit/builder.ts");
    const { fillFileName, printCapDL } = await import("../capdl/spec.ts");
    const s = args.values["search-path"];
    const report = (l: string): void => void process.stderr.write(`${l}\n`);
    const sys = await loadSdf(args.positionals[0], Array.isArray(s) ? s : [], report);
    if (typeof sys === "number") return sys;
    const spec = buildMicrokit(sys).spec;
    process.stdout.write(printCapDL(spec));
    const dir = args.values["fill-dir"];
    let fills = 0;
    for (const o of spec.objects) {
      o.fill?.forEach((f, i) => {
        fills++;
        if (typeof dir !== "string") return;
        try {
          writeFileSync(join(dir, fillFileName(o, i)), f.bytes);
        } catch (e) {
          report(
            `sel4ts: cannot write ${join(dir, fillFileName(o, i))}: ${e instanceof Error ? e.message : String(e)}`,
          );
          fills = -Infinity;
        }
      });
    }
    if (fills < 0) return EXIT_BAD_INPUT;
    if (fills > 0 && typeof dir !== "string")
      report(`sel4ts: the spec names ${fills} frame fill file(s); --fill-dir <dir> writes them`);
    return EXIT_OK;
  },
};
