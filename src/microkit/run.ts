// Running a Microkit system: build the CapDL spec, boot a System with the initialiser as root task,
// run. Module loading (the program images) is the caller's business (src/cli/main.ts, tests).

import { System, type RunResult, type SystemOptions } from "../system/system.ts";
import type { RootMain } from "../user/root.ts";
import type { MicrokitProgram } from "../user/microkit.ts";
import { buildMicrokit, type MicrokitBuild } from "./builder.ts";
import { microkitInitialiser } from "./initialiser.ts";
import { monitorMain } from "./monitor.ts";
import type { SdfSystem } from "./sdf-model.ts";

export interface MicrokitRun {
  build: MicrokitBuild;
  system: System;
  result: RunResult;
}

/** The initialiser root task of a system whose PD programs are given by PD name. */
export function microkitRootTask(
  build: MicrokitBuild,
  sys: SdfSystem,
  programs: Map<string, MicrokitProgram>,
): RootMain {
  const monitor = monitorMain({
    pdNames: sys.protectionDomains.map((p) => p.name),
    stackBottoms: build.pds.map((p) => p.stackBottom),
  });
  return microkitInitialiser(build, { programs, monitor }) as RootMain;
}

/** Build, boot and run a Microkit system. */
export function runMicrokit(
  sys: SdfSystem,
  programs: Map<string, MicrokitProgram>,
  opts: SystemOptions = {},
): MicrokitRun {
  const build = buildMicrokit(sys);
  const system = new System(opts);
  system.boot(microkitRootTask(build, sys, programs));
  const result = system.run();
  return { build, system, result };
}
