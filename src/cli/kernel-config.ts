// The kernel configuration of a run (src/abi/config.ts), from the command line: options named after
// seL4's CMake options (`-DKernelRiscvExtF=OFF`, `--KernelRootCNodeSizeBits 13`), --config with a
// preset or a JSON file of such options, --domains and --ram, and what the binary itself says.

import { readFileSync } from "node:fs";
import {
  CMAKE_OPTIONS,
  CONFIG_PRESETS,
  configFromElfFlags,
  resolveKernelConfig,
  setConfigOption,
  type KernelConfig,
} from "../abi/config.ts";
import type { ElfImage } from "../machine/elf.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";
import { SEL4TEST_SMP_NODES, sel4testBuiltForSmp } from "./sel4test-smp.ts";

const BOOLEAN_OPTIONS = new Set(["KernelRiscvExtF", "KernelRiscvExtD", "KernelHaveFPU", "KernelPrinting"]);

/** --config, -D and one option per seL4 CMake name (all take a value). */
export const kernelOptions: OptionSpec[] = [
  {
    name: "config",
    type: "string",
    arg: "<preset>|<file.json>",
    help: `kernel configuration: a preset (${Object.keys(CONFIG_PRESETS).join(", ")}) or a JSON object of CMake options`,
    check: (v) => {
      if (CONFIG_PRESETS[v] !== undefined) return null;
      try {
        readFileSync(v);
        return null;
      } catch {
        return `'${v}' is neither a preset (${Object.keys(CONFIG_PRESETS).join(", ")}) nor a readable file`;
      }
    },
  },
  {
    name: "define",
    short: "D",
    type: "string",
    multiple: true,
    arg: "<KernelOption>=<value>",
    help: "a kernel option as seL4's CMake takes it: -DKernelRiscvExtF=OFF, -DKernelRootCNodeSizeBits=12",
    check: (v) => {
      const eq = v.indexOf("=");
      if (eq < 0) return `'${v}' is not <KernelOption>=<value>`;
      return setConfigOption({}, v.slice(0, eq).replace(/:[A-Z]+$/, ""), v.slice(eq + 1));
    },
  },
  ...Object.keys(CMAKE_OPTIONS)
    .filter((n) => n.startsWith("Kernel"))
    .map((name): OptionSpec => ({
      name,
      type: "string",
      arg: BOOLEAN_OPTIONS.has(name) ? "ON|OFF" : "<n>",
      help: `the kernel option ${name} (as -D${name}=...)`,
      check: (v) => setConfigOption({}, name, v),
    })),
];

/**
 * The configuration, from the weakest to the strongest: `base` (what the command implies), what
 * the binary says (an ELF's float ABI: soft-float code comes from a build with KernelRiscvExtF/D
 * off; a sel4test driver's test table says whether it was built for SMP, sel4test-smp.ts), --config, then the options given one by one (-D, --Kernel..., --domains). Returns an error
 * message for a configuration that does not resolve.
 */
export function kernelConfigOf(
  args: ParsedArgs,
  image: ElfImage | null,
  base: KernelConfig = {},
): KernelConfig | string {
  const v = args.values;
  const cfg: KernelConfig = {
    ...base,
    ...(image?.flags !== undefined ? configFromElfFlags(image.flags) : {}),
    ...(image !== null && sel4testBuiltForSmp(image.bytes) === true ? { numNodes: SEL4TEST_SMP_NODES } : {}),
  };
  const set = (name: string, value: string, where: string): string | null => {
    const err = setConfigOption(cfg, name.replace(/:[A-Z]+$/, ""), value);
    return err === null ? null : `${where}: ${err}`;
  };
  const preset = typeof v.config === "string" ? v.config : undefined;
  if (preset !== undefined) {
    const p = CONFIG_PRESETS[preset];
    if (p !== undefined) Object.assign(cfg, p);
    else {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(preset, "utf8"));
      } catch (e) {
        return `--config ${preset}: not a JSON file: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (typeof json !== "object" || json === null || Array.isArray(json))
        return `--config ${preset}: a JSON object of kernel options is expected`;
      for (const [k, val] of Object.entries(json as Record<string, unknown>)) {
        const err = set(k, String(val), `--config ${preset}`);
        if (err !== null) return err;
      }
    }
  }
  const defines = Array.isArray(v.define) ? v.define : [];
  for (const d of defines) {
    const eq = d.indexOf("=");
    const err = set(d.slice(0, eq), d.slice(eq + 1), `-D${d}`);
    if (err !== null) return err;
  }
  for (const name of Object.keys(CMAKE_OPTIONS)) {
    const val = v[name];
    if (typeof val !== "string") continue;
    const err = set(name, val, `--${name}`);
    if (err !== null) return err;
  }
  if (typeof v.domains === "string") cfg.numDomains = Number(v.domains);
  if (typeof v.ram === "string") cfg.ramMiB = Number(v.ram);
  if (typeof v["num-nodes"] === "string") cfg.numNodes = Number(v["num-nodes"]);
  try {
    return resolveKernelConfig(cfg);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
