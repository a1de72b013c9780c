// Running a Microkit system: build the CapDL spec, boot a System with the initialiser as root task,
// run. Module loading (the program images) is the caller's business (src/cli/main.ts, tests).

import { System, type KernelConfig, type RunResult, type SystemOptions } from "../system/system.ts";
import type { RootMain } from "../user/root.ts";
import type { MicrokitProgram } from "../user/microkit.ts";
import { buildMicrokit, type MicrokitBuild } from "./builder.ts";
import type { ElfProgram } from "./elf-pd.ts";
import { microkitInitialiser } from "./initialiser.ts";
import { monitorMain } from "./monitor.ts";
import { SDF_DEFAULT_CONFIG, type SdfSystem } from "./sdf-model.ts";

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
  objectSlots?: number[],
): RootMain {
  const monitor = monitorMain({
    pdNames: sys.protectionDomains.map((p) => p.name),
    stackBottoms: build.pds.map((p) => p.stackBottom),
  });
  return microkitInitialiser(build, { programs, monitor, objectSlots }) as RootMain;
}

/**
 * The kernel a system is built for. A system with a domain schedule needs a kernel built with the
 * domain scheduler: SDF validation assumes KernelNumDomains = 16 and 100 schedule entries
 * (SDF_DEFAULT_CONFIG). Others get seL4's default single domain, whose boot schedule never ends, so
 * that a system whose threads have all finished goes idle rather than switching domains forever.
 */
export function microkitKernelConfig(sys: SdfSystem, numNodes = 1): KernelConfig {
  // A multicore kernel (the Microkit's smp- configurations) never has a domain schedule.
  if (numNodes > 1) return { numNodes };
  if (sys.domains === null) return {};
  return {
    numDomains: SDF_DEFAULT_CONFIG.numDomains,
    numDomainSchedules: SDF_DEFAULT_CONFIG.numDomainSchedules,
  };
}

/** Build, boot and run a Microkit system (TS programs by PD name, and ELF images by PD name). */
export function runMicrokit(
  sys: SdfSystem,
  programs: Map<string, MicrokitProgram>,
  opts: SystemOptions = {},
  elfs: ReadonlyMap<string, ElfProgram> = new Map(),
): MicrokitRun {
  const build = buildMicrokit(sys, elfs);
  const system = new System({ kernelConfig: microkitKernelConfig(sys), ...opts });
  system.boot(microkitRootTask(build, sys, programs));
  const result = system.run();
  return { build, system, result };
}
