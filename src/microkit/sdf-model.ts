// The resolved model of a Microkit system description (SDF), as produced by parseSdf() after every
// check of the Microkit tool's parser has passed. Everything a builder needs is here: the flattened
// protection-domain list (depth-first, pre-order, document order: the Microkit "global index"),
// channels referring to PDs by that index, maps with their permissions and setvar symbols, IRQs,
// memory regions with their final page size, extra caps and the domain schedule.
//
// Numbers bounded by validation are `number`; unbounded 64-bit quantities (budgets, periods, sizes
// and physical addresses) are `bigint`, so no value is ever truncated.

/** A position in the SDF: 1-based line and column (in code points). */
export interface SdfLocation {
  line: number;
  col: number;
}

/** One diagnostic: `${file}:${line}:${col}: ${message}` when formatted. */
export interface SdfDiagnostic extends SdfLocation {
  file: string;
  message: string;
}

export type SdfIrqTrigger = "level" | "edge";

export interface SdfMapPerms {
  read: boolean;
  write: boolean;
  execute: boolean;
}

export interface SdfMap {
  /** Memory region name (always names an existing region). */
  mr: string;
  /** Index of the region in SdfSystem.memoryRegions. */
  mrIndex: number;
  vaddr: number;
  perms: SdfMapPerms;
  /** Has no effect on riscv64 (Sv39 PTEs carry no cacheability bit), kept for the CapDL spec. */
  cached: boolean;
  setvarVaddr: string | null;
  setvarSize: string | null;
  setvarPrefillSize: string | null;
  loc: SdfLocation;
}

export interface SdfIrq {
  /** Channel id of the IRQ in its PD (0..61). */
  id: number;
  /** Hardware interrupt number (a PLIC source on riscv64). */
  irq: number;
  trigger: SdfIrqTrigger;
  setvarId: string | null;
  loc: SdfLocation;
}

/** What a setvar symbol receives. */
export type SdfSetVarKind =
  | { kind: "vaddr"; vaddr: number }
  | { kind: "size"; mr: string }
  | { kind: "prefill_size"; mr: string }
  | { kind: "paddr"; region: string }
  | { kind: "id"; id: number };

export type SdfSetVar = SdfSetVarKind & { symbol: string; loc: SdfLocation };

export type SdfCapType = "tcb" | "sc" | "vspace";

/** An extra cap placed in a PD's root CNode by <cspace>. */
export interface SdfCapMap {
  type: SdfCapType;
  /** Name and global index of the PD whose object the cap refers to. */
  pdName: string;
  pd: number;
  /** Root CNode slot, 1..127 (only 1..63 exist in a 64-slot root CNode). */
  slot: number;
  loc: SdfLocation;
}

export interface SdfProgramImage {
  path: string;
  pathForSymbols: string | null;
}

export interface SdfProtectionDomain {
  /** Global index (position in SdfSystem.protectionDomains). */
  index: number;
  name: string;
  /** Child id within the parent (null for a root PD). */
  id: number | null;
  /** Global index of the parent PD, or null. */
  parent: number | null;
  /** Global indices of the direct children, in document order. */
  children: number[];
  /** Symbol in the parent's image that receives this child's id. */
  setvarId: string | null;
  priority: number;
  /** Microseconds. */
  budget: bigint;
  /** Microseconds (defaults to the budget). */
  period: bigint;
  passive: boolean;
  stackSize: number;
  cpu: number;
  fpu: boolean;
  /** Always false on riscv64 (smc="true" is rejected). */
  smc: boolean;
  /** Domain id, when a domain schedule is declared. */
  domain: number | null;
  domainName: string | null;
  programImage: SdfProgramImage;
  maps: SdfMap[];
  irqs: SdfIrq[];
  /** Every setvar of this PD: from <setvar>, map setvar_* attributes, irq/child/channel-end setvar_id. */
  setvars: SdfSetVar[];
  capMaps: SdfCapMap[];
  loc: SdfLocation;
}

export type SdfPhysAddr =
  | { kind: "specified"; paddr: bigint }
  | { kind: "unspecified" }
  /** No phys_addr in the SDF, but a setvar region_paddr names the region: the builder picks one. */
  | { kind: "tool_allocated" };

export interface SdfMemoryRegion {
  name: string;
  size: bigint;
  /** 0x1000 or 0x200000: the final page size (after the automatic upgrade to 2 MiB). */
  pageSize: number;
  pageSizeSpecified: boolean;
  pageCount: number;
  physAddr: SdfPhysAddr;
  /** Prefill data read from prefill_path, or null. */
  prefill: { path: string; bytes: Uint8Array } | null;
  loc: SdfLocation;
}

export interface SdfChannelEnd {
  /** Global PD index and name. */
  pd: number;
  pdName: string;
  id: number;
  pp: boolean;
  notify: boolean;
  setvarId: string | null;
  loc: SdfLocation;
}

export interface SdfChannel {
  a: SdfChannelEnd;
  b: SdfChannelEnd;
  loc: SdfLocation;
}

export interface SdfDomain {
  name: string;
  id: number;
}

export type SdfScheduleEntry =
  | {
      kind: "entry";
      domain: number;
      domainName: string;
      duration: bigint;
      unit: "us" | "ticks";
      loc: SdfLocation;
    }
  | { kind: "end_marker"; loc: SdfLocation };

export interface SdfDomains {
  /** Declared domains, ids resolved (auto ids take the smallest free id, in document order). */
  domains: SdfDomain[];
  startIndex: number;
  indexShift: number | null;
  schedule: SdfScheduleEntry[];
}

export interface SdfSystem {
  file: string;
  protectionDomains: SdfProtectionDomain[];
  memoryRegions: SdfMemoryRegion[];
  channels: SdfChannel[];
  domains: SdfDomains | null;
}

/** Kernel configuration the validation depends on (riscv64 qemu_virt defaults). */
export interface SdfConfig {
  numCores: number;
  numDomains: number;
  numDomainSchedules: number;
}

export const SDF_DEFAULT_CONFIG: SdfConfig = { numCores: 1, numDomains: 16, numDomainSchedules: 100 };

/** Result of reading a prefill file through the caller's resolver. */
export type SdfFileLookup =
  { found: true; bytes: Uint8Array } | { found: false; reason: "missing" | "unreadable" };

export interface SdfParseOptions {
  /** Name used in diagnostics (usually the path as given on the command line). */
  file: string;
  config?: Partial<SdfConfig>;
  /**
   * Finds and reads a prefill file (`prefill_path`), searching as the caller sees fit (the CLI: each
   * --search-path, then the SDF's directory). Without a resolver every prefill file is "not found".
   */
  readFile?: (path: string) => SdfFileLookup;
}

export type SdfParseResult =
  | { ok: true; system: SdfSystem; warnings: SdfDiagnostic[] }
  | { ok: false; errors: SdfDiagnostic[]; warnings: SdfDiagnostic[] };

// Constants of the Microkit tool and the riscv64 (Sv39) address space.
export const PD_MAX_ID = 61;
export const PD_MAX_PRIORITY = 254;
export const MAX_PDS = 63;
export const BUDGET_DEFAULT = 1000n;
export const PD_DEFAULT_STACK_SIZE = 0x2000;
export const PD_MIN_STACK_SIZE = 0x1000;
export const PD_MAX_STACK_SIZE = 0x1000000;
export const CAP_MAP_MAX_SLOT = 128;
export const SMALL_PAGE = 0x1000;
export const LARGE_PAGE = 0x200000;
export const PAGE_SIZES: readonly number[] = [SMALL_PAGE, LARGE_PAGE];
/** seL4_UserVSpaceTop on riscv64 Sv39 (last valid user byte). */
export const USER_VSPACE_TOP = 0x3f_ffff_efff;
/** IPC buffer frame at the top of every PD's address space. */
export const PD_IPC_BUFFER_VADDR = USER_VSPACE_TOP - (USER_VSPACE_TOP % SMALL_PAGE);
/** Initial stack pointer: one guard page below the IPC buffer. */
export const PD_STACK_TOP = PD_IPC_BUFFER_VADDR - SMALL_PAGE;
export const MONITOR_PD_NAME = "monitor";

/** First virtual address a PD map may not reach (exclusive limit): the bottom of its stack. */
export function pdMapMaxVaddr(stackSize: number): number {
  return PD_STACK_TOP - stackSize;
}

export function formatDiagnostic(d: SdfDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}
