// The kernel configuration: the seL4 CMake options a kernel (and every binary built against its
// libsel4) is built with, and every ABI value that depends on them. A binary only works on a
// kernel built the same way (a F/D-off libsel4 sizes a TCB at 2^10 bytes, a F/D-on kernel at 2^11),
// so the configuration is one object, resolved once per kernel instance: hot paths read the
// derived numbers from it (KernelState.config), never look anything up.

/** The options, all optional: resolveKernelConfig fills seL4's (or sel4test's) defaults. */
export interface KernelConfig {
  /** KernelRiscvExtF and KernelRiscvExtD (both on or both off): the FPU and CONFIG_HAVE_FPU. */
  fpu?: boolean;
  /** KernelRootCNodeSizeBits: the root CNode has 2^n slots. */
  rootCNodeSizeBits?: number;
  /** KernelNumDomains. */
  numDomains?: number;
  /** KernelNumDomainSchedules (2 with one domain, 100 with more by default). */
  numDomainSchedules?: number;
  /** KernelMaxNumNodes: the number of harts. */
  numNodes?: number;
  /** KernelPrinting (and the debug kernel's diagnostics). */
  printing?: boolean;
  /** RAM of the virt machine in MiB (QEMU's -m). */
  ramMiB?: number;
}

/** A configuration with every option set and every dependent ABI value derived. */
export interface ResolvedKernelConfig {
  readonly fpu: boolean;
  readonly rootCNodeSizeBits: number;
  readonly numDomains: number;
  readonly numDomainSchedules: number;
  readonly numNodes: number;
  readonly printing: boolean;
  readonly ramMiB: number;
  // ---- derived ----
  /** seL4_TCBBits: 11 with the FPU (the TCB holds the F/D register file), 10 without. */
  readonly tcbBits: number;
  /** Slots in the root CNode, 2^rootCNodeSizeBits (the end of the boot info's empty range). */
  readonly rootCNodeSlots: number;
  /** The guard of the root task's CNode cap: one level resolves a whole word. */
  readonly rootCNodeGuardSize: number;
  /** RAM size in bytes. */
  readonly ramBytes: number;
}

/** seL4_TCBBits with the FPU (KernelRiscvExtF/D on) and without (libsel4 sel4_arch/constants.h). */
export const seL4_TCBBits_FPU = 11;
export const seL4_TCBBits_NoFPU = 10;

/**
 * Defaults. fpu on and one domain, one node, printing: seL4's default qemu-riscv-virt debug build.
 * The root CNode has 2^13 slots although seL4's own default is 12: sel4test (the suite of real
 * software sel4ts runs unchanged) sets KernelRootCNodeSizeBits 13 in its CMakeLists.txt and an ELF
 * does not record it, so this default makes the real sel4test builds boot as on their kernel; code
 * that reads bootinfo->initThreadCNodeSizeBits (as it should) works with either.
 * RAM is 3 GiB: what QEMU's simulate script gives sel4test (-m 3072); memory is backed only when
 * touched, so a big machine costs no more than a small one.
 */
export const DEFAULT_KERNEL_CONFIG: Readonly<Required<KernelConfig>> = {
  fpu: true,
  rootCNodeSizeBits: 13,
  numDomains: 1,
  numDomainSchedules: 2,
  numNodes: 1,
  printing: true,
  ramMiB: 3072,
};

/** Limits: seL4's config.cmake ranges (root CNode 7..26 bits on 64-bit), and what the machine has. */
export const MIN_RAM_MIB = 16;
export const MAX_RAM_MIB = 4096;

/** Fill defaults, check ranges and derive the ABI values. Throws a RangeError for a bad option. */
export function resolveKernelConfig(c: KernelConfig = {}): ResolvedKernelConfig {
  const d = DEFAULT_KERNEL_CONFIG;
  const fpu = c.fpu ?? d.fpu;
  const bits = c.rootCNodeSizeBits ?? d.rootCNodeSizeBits;
  // seL4's boot.c: at least seL4_NumInitialCaps slots, and the CNode at least a page (bits >= 7).
  if (!Number.isInteger(bits) || bits < 7 || bits > 26)
    throw new RangeError(`KernelRootCNodeSizeBits must be 7..26, not ${bits}`);
  const numDomains = c.numDomains ?? d.numDomains;
  if (!Number.isInteger(numDomains) || numDomains < 1 || numDomains > 256)
    throw new RangeError(`KernelNumDomains must be 1..256, not ${numDomains}`);
  const numDomainSchedules = c.numDomainSchedules ?? (numDomains > 1 ? 100 : d.numDomainSchedules);
  if (!Number.isInteger(numDomainSchedules) || numDomainSchedules < 2)
    throw new RangeError(`KernelNumDomainSchedules must be at least 2, not ${numDomainSchedules}`);
  const numNodes = c.numNodes ?? d.numNodes;
  if (!Number.isInteger(numNodes) || numNodes < 1 || numNodes > 8)
    throw new RangeError(`KernelMaxNumNodes must be 1..8 (QEMU virt's harts), not ${numNodes}`);
  const ramMiB = c.ramMiB ?? d.ramMiB;
  if (!Number.isInteger(ramMiB) || ramMiB < MIN_RAM_MIB || ramMiB > MAX_RAM_MIB)
    throw new RangeError(`RAM must be ${MIN_RAM_MIB}..${MAX_RAM_MIB} MiB, not ${ramMiB}`);
  return {
    fpu,
    rootCNodeSizeBits: bits,
    numDomains,
    numDomainSchedules,
    numNodes,
    printing: c.printing ?? d.printing,
    ramMiB,
    tcbBits: fpu ? seL4_TCBBits_FPU : seL4_TCBBits_NoFPU,
    rootCNodeSlots: 2 ** bits,
    rootCNodeGuardSize: 64 - bits,
    ramBytes: ramMiB * 1024 * 1024,
  };
}

/**
 * The seL4 CMake option names for each field, as a user passes them (`-DKernelRiscvExtF=OFF`,
 * `--KernelRootCNodeSizeBits 13`, or keys of a --config JSON file).
 */
export const CMAKE_OPTIONS: Readonly<Record<string, keyof KernelConfig>> = {
  KernelRiscvExtF: "fpu",
  KernelRiscvExtD: "fpu",
  KernelHaveFPU: "fpu",
  KernelRootCNodeSizeBits: "rootCNodeSizeBits",
  KernelNumDomains: "numDomains",
  KernelNumDomainSchedules: "numDomainSchedules",
  KernelMaxNumNodes: "numNodes",
  KernelPrinting: "printing",
  RAM: "ramMiB",
};

/** Named configurations (`--config NAME`): the builds in sel4test's and seL4's usual matrix. */
export const CONFIG_PRESETS: Readonly<Record<string, KernelConfig>> = {
  default: {},
  fpu: { fpu: true },
  nofpu: { fpu: false },
  smp: { numNodes: 4 },
  domains: { numDomains: 4 },
  release: { printing: false },
};

/**
 * One option value from text: ON/OFF/TRUE/FALSE/1/0 for booleans, a decimal integer otherwise.
 * Returns an error message for a bad value.
 */
export function setConfigOption(cfg: KernelConfig, name: string, value: string): string | null {
  const field =
    CMAKE_OPTIONS[name] ?? (name in DEFAULT_KERNEL_CONFIG ? (name as keyof KernelConfig) : undefined);
  if (field === undefined)
    return `unknown kernel option ${name} (known: ${Object.keys(CMAKE_OPTIONS).join(", ")})`;
  if (typeof DEFAULT_KERNEL_CONFIG[field] === "boolean") {
    const v = value.toUpperCase();
    if (["ON", "TRUE", "1", "YES"].includes(v)) (cfg as Record<string, unknown>)[field] = true;
    else if (["OFF", "FALSE", "0", "NO"].includes(v)) (cfg as Record<string, unknown>)[field] = false;
    else return `${name} takes ON or OFF, not '${value}'`;
    return null;
  }
  if (!/^[0-9]+$/.test(value)) return `${name} takes a number, not '${value}'`;
  (cfg as Record<string, unknown>)[field] = Number(value);
  return null;
}

/** EF_RISCV_FLOAT_ABI (e_flags bits 1..2): soft, single, double, quad. */
export const EF_RISCV_FLOAT_ABI_MASK = 0x6;
export const EF_RISCV_FLOAT_ABI_SOFT = 0x0;
export const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;

/**
 * What an RV64 ELF's header says about the configuration it was built for: a soft-float binary
 * (lp64) comes from a build with KernelRiscvExtF/D off (seL4's build picks the ABI from those
 * options), a double-float one (lp64d) from a build with them on. Single and quad say nothing.
 */
export function configFromElfFlags(eFlags: number): KernelConfig {
  const abi = eFlags & EF_RISCV_FLOAT_ABI_MASK;
  if (abi === EF_RISCV_FLOAT_ABI_SOFT) return { fpu: false };
  if (abi === EF_RISCV_FLOAT_ABI_DOUBLE) return { fpu: true };
  return {};
}
