// Parsing of <protection_domain> and everything inside it (program_image, map, irq, setvar, child
// PDs, cspace), with the checks and messages of the Microkit tool's parser. Features that do not
// exist on riscv64 (ARM SMC, x86 I/O ports and IRQs, virtual machines) are rejected clearly.

import {
  BUDGET_DEFAULT,
  CAP_MAP_MAX_SLOT,
  PD_DEFAULT_STACK_SIZE,
  PD_MAX_ID,
  PD_MAX_PRIORITY,
  PD_MAX_STACK_SIZE,
  PD_MIN_STACK_SIZE,
  SMALL_PAGE,
  pdMapMaxVaddr,
  type SdfCapType,
  type SdfConfig,
  type SdfIrq,
  type SdfLocation,
  type SdfMapPerms,
  type SdfProgramImage,
  type SdfSetVar,
} from "./sdf-model.ts";
import {
  addSetVar,
  boolAttr,
  checkAttributes,
  fail,
  hex,
  locOf,
  optionalAttr,
  parseChannelId,
  parseDecimal,
  parseSdfNumber,
  requiredAttr,
  small,
  valueError,
} from "./sdf-util.ts";
import { xmlChildElements, type XmlElement } from "./sdf-xml.ts";

/** A map as parsed, before its memory region is resolved. */
export interface RawMap {
  mr: string;
  vaddr: number;
  perms: SdfMapPerms;
  cached: boolean;
  setvarVaddr: string | null;
  setvarSize: string | null;
  setvarPrefillSize: string | null;
  loc: SdfLocation;
}

export interface RawCapMap {
  type: SdfCapType;
  pdName: string;
  slot: number;
  loc: SdfLocation;
}

/** A virtual machine: parsed only far enough to check vCPU ids, then rejected (no hypervisor). */
export interface RawVm {
  name: string;
  vcpuIds: number[];
  loc: SdfLocation;
}

/** A PD as parsed, before the tree is flattened. */
export interface RawPd {
  name: string;
  id: number | null;
  setvarId: string | null;
  priority: number;
  budget: bigint;
  period: bigint;
  passive: boolean;
  stackSize: number;
  cpu: number;
  fpu: boolean;
  domain: number | null;
  domainName: string | null;
  programImage: SdfProgramImage;
  maps: RawMap[];
  irqs: SdfIrq[];
  setvars: SdfSetVar[];
  capMaps: RawCapMap[];
  childPds: RawPd[];
  vm: RawVm | null;
  loc: SdfLocation;
}

/** Domain names declared so far (PDs are parsed against the domains known at that point). */
export type DomainTable = ReadonlyMap<string, number>;

const PD_ATTRS = [
  "name",
  "priority",
  "budget",
  "period",
  "passive",
  "stack_size",
  "smc",
  "cpu",
  "domain",
  "fpu",
];

function parsePerms(el: XmlElement): SdfMapPerms {
  const s = optionalAttr(el, "perms");
  if (s === undefined) return { read: true, write: true, execute: false };
  const perms = { read: false, write: false, execute: false };
  for (const c of s) {
    if (c === "r") perms.read = true;
    else if (c === "w") perms.write = true;
    else if (c === "x") perms.execute = true;
    else valueError(el, "perms must only be a combination of 'r', 'w', and 'x'");
  }
  if (perms.write && !perms.read && !perms.execute) {
    valueError(el, "perms must not be 'w', write-only mappings are not allowed");
  }
  return perms;
}

/** A <map> in a PD (allowSetvar) or in a virtual machine. */
export function parseMap(el: XmlElement, allowSetvar: boolean, maxVaddr: number): RawMap {
  const attrs = ["mr", "vaddr", "perms", "cached"];
  if (allowSetvar) attrs.push("setvar_vaddr", "setvar_size", "setvar_prefill_size");
  checkAttributes(el, attrs);
  const mr = requiredAttr(el, "mr");
  const vaddr = parseSdfNumber(requiredAttr(el, "vaddr"), el);
  if (vaddr >= BigInt(maxVaddr)) valueError(el, `vaddr (${hex(vaddr)}) must be less than ${hex(maxVaddr)}`);
  const perms = parsePerms(el);
  const cached = boolAttr(el, "cached", true);
  return {
    mr,
    vaddr: small(vaddr),
    perms,
    cached,
    setvarVaddr: allowSetvar ? (optionalAttr(el, "setvar_vaddr") ?? null) : null,
    setvarSize: allowSetvar ? (optionalAttr(el, "setvar_size") ?? null) : null,
    setvarPrefillSize: allowSetvar ? (optionalAttr(el, "setvar_prefill_size") ?? null) : null,
    loc: locOf(el),
  };
}

function parseIrq(el: XmlElement, setvars: SdfSetVar[]): SdfIrq {
  const id = parseChannelId(el, PD_MAX_ID);
  const setvarId = optionalAttr(el, "setvar_id") ?? null;
  if (setvarId !== null) addSetVar(setvars, { symbol: setvarId, kind: "id", id, loc: locOf(el) }, el);
  const irqStr = optionalAttr(el, "irq");
  if (irqStr === undefined) {
    if (optionalAttr(el, "pin") !== undefined) {
      valueError(el, "x86 I/O APIC IRQ isn't supported on ARM and RISC-V");
    }
    if (optionalAttr(el, "pcidev") !== undefined) {
      valueError(el, "x86 MSI IRQ isn't supported on ARM and RISC-V");
    }
    requiredAttr(el, "irq");
  }
  checkAttributes(el, ["irq", "id", "setvar_id", "trigger"]);
  const irq = parseDecimal(requiredAttr(el, "irq"), el, false);
  if (irq > BigInt(Number.MAX_SAFE_INTEGER)) valueError(el, `irq number ${irq} is out of range`);
  const t = optionalAttr(el, "trigger") ?? "level";
  if (t !== "level" && t !== "edge") valueError(el, "trigger must be either 'level' or 'edge'");
  return { id, irq: small(irq), trigger: t, setvarId, loc: locOf(el) };
}

function parseCapMap(el: XmlElement): RawCapMap {
  let type: SdfCapType;
  if (el.name === "cap_tcb") type = "tcb";
  else if (el.name === "cap_sc") type = "sc";
  else if (el.name === "cap_vspace") type = "vspace";
  else if (el.name.startsWith("cap_")) {
    return fail(`Cap type: '${el.name.slice(4)}' is not supported in a <cspace> element`, el);
  } else {
    return fail(`Element '${el.name}' is not supported in a <cspace> element`, el);
  }
  checkAttributes(el, ["slot", "pd"]);
  const pdName = requiredAttr(el, "pd");
  const slot = parseSdfNumber(requiredAttr(el, "slot"), el);
  if (slot === 0n) valueError(el, "The destination slot 0 has been reserved for Microkit CNode");
  if (slot >= BigInt(CAP_MAP_MAX_SLOT)) {
    valueError(el, `There are only ${CAP_MAP_MAX_SLOT} destination cspace slots available.`);
  }
  return { type, pdName, slot: small(slot), loc: locOf(el) };
}

function parseVm(el: XmlElement): RawVm {
  // The AArch64 grammar, checked only so that vCPU id clashes are reported as the tool does; the
  // "no hypervisor on riscv64" error follows once the PD tree has been flattened.
  checkAttributes(el, ["name", "budget", "period", "priority"]);
  const name = requiredAttr(el, "name");
  const vcpuIds: number[] = [];
  for (const child of xmlChildElements(el)) {
    if (child.name === "vcpu") {
      checkAttributes(child, ["id", "setvar_id", "cpu"]);
      const id = parseDecimal(requiredAttr(child, "id"), child, false);
      if (id > BigInt(PD_MAX_ID)) valueError(child, `id must be < ${PD_MAX_ID + 1}`);
      if (vcpuIds.includes(small(id))) fail(`duplicate vcpu id ${id} in virtual machine '${name}'`, child);
      vcpuIds.push(small(id));
    } else if (child.name !== "map") {
      fail(`invalid XML element '${child.name}' in virtual machine '${name}'`, child);
    }
  }
  if (vcpuIds.length === 0) fail(`missing 'vcpu' element on virtual_machine: '${name}'`, el);
  return { name, vcpuIds, loc: locOf(el) };
}

function pdDomain(
  el: XmlElement,
  domains: DomainTable,
): { domain: number | null; domainName: string | null } {
  if (domains.size > 0) {
    const name = requiredAttr(el, "domain");
    const id = domains.get(name);
    if (id === undefined) valueError(el, `domain '${name}' not declared in <domains>`);
    return { domain: id, domainName: name };
  }
  const name = optionalAttr(el, "domain");
  if (name !== undefined) {
    valueError(el, `Specifying a domain '${name}' without declaring a domain schedule is not allowed`);
  }
  return { domain: null, domainName: null };
}

/** Parses a <protection_domain> (a child one when isChild) and, recursively, its children. */
export function parseProtectionDomain(
  el: XmlElement,
  isChild: boolean,
  domains: DomainTable,
  config: SdfConfig,
): RawPd {
  checkAttributes(el, isChild ? [...PD_ATTRS, "id", "setvar_id"] : PD_ATTRS);
  const name = requiredAttr(el, "name");
  let id: number | null = null;
  let setvarId: string | null = null;
  if (isChild) {
    const v = parseSdfNumber(requiredAttr(el, "id"), el);
    // The tool puts no bound here, but the id selects the parent's TCB slot and fault badge bits.
    if (v > BigInt(PD_MAX_ID)) valueError(el, `id must be < ${PD_MAX_ID + 1}`);
    id = small(v);
    setvarId = optionalAttr(el, "setvar_id") ?? null;
  }
  const budgetStr = optionalAttr(el, "budget");
  const budget = budgetStr === undefined ? BUDGET_DEFAULT : parseSdfNumber(budgetStr, el);
  const periodStr = optionalAttr(el, "period");
  const period = periodStr === undefined ? budget : parseSdfNumber(periodStr, el);
  if (budget > period)
    valueError(el, `budget (${budget}) must be less than, or equal to, period (${period})`);
  const passive = boolAttr(el, "passive", false);
  const stackStr = optionalAttr(el, "stack_size");
  const stackSize = stackStr === undefined ? BigInt(PD_DEFAULT_STACK_SIZE) : parseSdfNumber(stackStr, el);
  if (boolAttr(el, "smc", false)) {
    fail("ARM SMC forwarding support is not available for this architecture (riscv64)", el);
  }
  const cpuStr = optionalAttr(el, "cpu");
  const cpu = cpuStr === undefined ? 0n : parseSdfNumber(cpuStr, el);
  if (cpu >= BigInt(config.numCores))
    valueError(el, `cpu core must be less than ${config.numCores}, got ${cpu}`);
  const { domain, domainName } = pdDomain(el, domains);
  if (stackSize < BigInt(PD_MIN_STACK_SIZE) || stackSize > BigInt(PD_MAX_STACK_SIZE)) {
    valueError(
      el,
      `stack size must be between ${hex(PD_MIN_STACK_SIZE)} bytes and ${hex(PD_MAX_STACK_SIZE)} bytes`,
    );
  }
  if (stackSize % BigInt(SMALL_PAGE) !== 0n) {
    valueError(el, `stack size must be aligned to the smallest page size, ${SMALL_PAGE} bytes`);
  }
  const prioStr = optionalAttr(el, "priority");
  const priority = prioStr === undefined ? 0n : parseSdfNumber(prioStr, el);
  if (priority > BigInt(PD_MAX_PRIORITY)) valueError(el, `priority must be between 0 and ${PD_MAX_PRIORITY}`);
  const fpu = boolAttr(el, "fpu", true);

  const pd: RawPd = {
    name,
    id,
    setvarId,
    priority: small(priority),
    budget,
    period,
    passive,
    stackSize: small(stackSize),
    cpu: small(cpu),
    fpu,
    domain,
    domainName,
    programImage: { path: "", pathForSymbols: null },
    maps: [],
    irqs: [],
    setvars: [],
    capMaps: [],
    childPds: [],
    vm: null,
    loc: locOf(el),
  };
  let haveImage = false;
  let haveCspace = false;
  for (const child of xmlChildElements(el)) {
    switch (child.name) {
      case "program_image": {
        checkAttributes(child, ["path", "path_for_symbols"]);
        if (haveImage) valueError(el, "program_image must only be specified once");
        haveImage = true;
        pd.programImage = {
          path: requiredAttr(child, "path"),
          pathForSymbols: optionalAttr(child, "path_for_symbols") ?? null,
        };
        break;
      }
      case "map": {
        const map = parseMap(child, true, pdMapMaxVaddr(pd.stackSize));
        const loc = locOf(child);
        if (map.setvarVaddr !== null) {
          addSetVar(pd.setvars, { symbol: map.setvarVaddr, kind: "vaddr", vaddr: map.vaddr, loc }, child);
        }
        if (map.setvarSize !== null) {
          addSetVar(pd.setvars, { symbol: map.setvarSize, kind: "size", mr: map.mr, loc }, child);
        }
        if (map.setvarPrefillSize !== null) {
          addSetVar(
            pd.setvars,
            { symbol: map.setvarPrefillSize, kind: "prefill_size", mr: map.mr, loc },
            child,
          );
        }
        pd.maps.push(map);
        break;
      }
      case "irq":
        pd.irqs.push(parseIrq(child, pd.setvars));
        break;
      case "ioport":
        fail("I/O ports are only available on x86, not on riscv64 (element 'ioport')", child);
        break;
      case "setvar": {
        checkAttributes(child, ["symbol", "region_paddr"]);
        const symbol = requiredAttr(child, "symbol");
        const region = requiredAttr(child, "region_paddr");
        addSetVar(pd.setvars, { symbol, kind: "paddr", region, loc: locOf(child) }, child);
        break;
      }
      case "protection_domain": {
        const sub = parseProtectionDomain(child, true, domains, config);
        if (sub.setvarId !== null && sub.id !== null) {
          addSetVar(pd.setvars, { symbol: sub.setvarId, kind: "id", id: sub.id, loc: locOf(child) }, child);
        }
        pd.childPds.push(sub);
        break;
      }
      case "virtual_machine":
        if (pd.vm !== null) valueError(el, "virtual_machine must only be specified once");
        pd.vm = parseVm(child);
        break;
      case "cspace":
        if (haveCspace) valueError(el, "cspace must only be specified once");
        haveCspace = true;
        checkAttributes(child, []);
        for (const c of xmlChildElements(child)) pd.capMaps.push(parseCapMap(c));
        break;
      default:
        fail(`Invalid XML element '${child.name}' in protection domain '${name}'`, child);
    }
  }
  if (!haveImage) fail(`missing 'program_image' element on protection_domain: '${name}'`, el);
  return pd;
}
