// The run of `sel4ts run` (cmd-run.ts declares the command), in the simulation's worker thread.

import { basename } from "node:path";
import { microkitKernelConfig, microkitRootTask } from "../microkit/run.ts";
import type { ParsedArgs } from "./options.ts";
import { build, findFile, loadPrograms, loadSdf, searchDirs } from "./load.ts";
import { reportDroppedCalls, simulation, type RunIO, type Simulation } from "./run-io.ts";
import { elfLocator } from "./symbolize.ts";
import { EXIT_BAD_INPUT, EXIT_USAGE } from "./exit.js";
import { kernelConfigOf } from "./kernel-config.ts";
import { uartInput } from "./record.ts";

function searchPaths(args: ParsedArgs): string[] {
  const s = args.values["search-path"];
  return Array.isArray(s) ? s : [];
}

export async function run(args: ParsedArgs, io: RunIO): Promise<number> {
  const file = args.positionals[0];
  const nodes = typeof args.values["num-nodes"] === "string" ? Number(args.values["num-nodes"]) : 1;
  const sys = await loadSdf(file, searchPaths(args), io.stderr, nodes);
  if (typeof sys === "number") return sys;
  if (args.values.typecheck === true) {
    // Before the modules load: a type error explains more than the loader's error would.
    const dirs = searchDirs(file, searchPaths(args));
    const ts = sys.protectionDomains
      .map((pd) => findFile(dirs, pd.programImage.path))
      .filter((f): f is string => f !== null && /\.(ts|mts)$/.test(f));
    const { typecheckFiles } = await import("./typecheck.ts");
    if (typecheckFiles(ts, io.stderr) > 0) return EXIT_BAD_INPUT;
  }
  const loaded = await loadPrograms(file, searchPaths(args), sys, io.stderr);
  if (loaded.failed) return EXIT_BAD_INPUT;
  const b = build(file, sys, loaded.elfs, io.stderr);
  if (typeof b === "number") return b;
  const kernelConfig = kernelConfigOf(args, null, microkitKernelConfig(sys, nodes));
  if (typeof kernelConfig === "string") {
    io.stderr(`sel4ts: ${kernelConfig}`);
    return EXIT_USAGE;
  }
  const uart = uartInput(
    args.values,
    io.stdinBytes,
    io.inputStream,
    args.values.gdb !== undefined,
    io.stderr,
  );
  if (typeof uart === "string") {
    io.stderr(`sel4ts: ${uart}`);
    return EXIT_BAD_INPUT;
  }
  let initialiserFailed = false;
  const make = (runIO: RunIO): Simulation =>
    simulation(
      args,
      runIO,
      {
        kernelConfig,
        ...uart.options(),
        trace: typeof args.values.trace === "string" ? { processName: basename(file) } : undefined,
      },
      elfLocator((t) => loaded.elfBytes.get(t.name) ?? null),
      (text) => {
        const m = /(microkit initialiser: [^\n]*)/.exec(text);
        if (m === null) return false;
        initialiserFailed = true;
        io.stderr(`sel4ts: ${m[1]}`);
        return true;
      },
      true,
    );
  if (typeof args.values.gdb === "string") {
    const { debugSystem } = await import("./gdb.ts");
    return debugSystem(
      Number(args.values.gdb),
      io,
      make,
      (system) => system.boot(microkitRootTask(b, sys, loaded.programs)),
      true,
    );
  }
  const sim = make(io);
  const objectSlots: number[] = [];
  const code = sim.run(() => sim.system.boot(microkitRootTask(b, sys, loaded.programs, objectSlots)));
  await reportDroppedCalls(sim, [...loaded.files.values()], io);
  const reportPath = args.values.report;
  if (typeof reportPath === "string") {
    const { writeReport } = await import("./report.ts");
    if (!writeReport(reportPath, b.spec, sim.system, objectSlots)) return EXIT_BAD_INPUT;
  }
  if (!uart.finish()) return 1;
  return code === 0 && initialiserFailed ? EXIT_BAD_INPUT : code;
}
