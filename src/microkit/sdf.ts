// Microkit system description (SDF) front end: parseSdf() reads the XML, checks every rule of the
// Microkit tool's parser that applies to riscv64 and returns the resolved model (sdf-model.ts), or
// the first error as a `FILE:LINE:COL: message` diagnostic. Like the Microkit tool it stops at the
// first error. It never throws: malformed XML, bad numbers and unsupported features all become
// diagnostics. Pure (no Node API): prefill files are read through the caller's `readFile`.

import {
  SDF_DEFAULT_CONFIG,
  type SdfChannel,
  type SdfConfig,
  type SdfDiagnostic,
  type SdfDomains,
  type SdfMemoryRegion,
  type SdfParseOptions,
  type SdfParseResult,
  type SdfSystem,
} from "./sdf-model.ts";
import { parseChannel, parseDomains, parseMemoryRegion } from "./sdf-parts.ts";
import { parseProtectionDomain, type RawPd } from "./sdf-pd.ts";
import { SdfError, addSetVar, fail, locOf } from "./sdf-util.ts";
import { validateSystem, type FlatPd, type Warning } from "./sdf-validate.ts";
import { XmlSyntaxError, parseXml, type XmlElement } from "./sdf-xml.ts";

export * from "./sdf-model.ts";

/** Flattens the PD tree depth-first, pre-order, checking child ids against siblings and vCPUs. */
function flatten(roots: readonly RawPd[]): FlatPd[] {
  const out: FlatPd[] = [];
  const visit = (pd: RawPd, parent: number | null): number => {
    const index = out.length;
    const flat: FlatPd = { raw: pd, index, parent, children: [] };
    out.push(flat);
    const seen = new Set<number>();
    for (const child of pd.childPds) {
      const id = child.id ?? 0;
      if (seen.has(id)) fail(`duplicate id: ${id} in protection domain: '${pd.name}'`, child.loc);
      if (pd.vm !== null && pd.vm.vcpuIds.includes(id)) {
        fail(
          `duplicate id: ${id} clashes with virtual machine vcpu id in protection domain: '${pd.name}'`,
          child.loc,
        );
      }
      seen.add(id);
    }
    for (const child of pd.childPds) flat.children.push(visit(child, index));
    return index;
  };
  for (const root of roots) visit(root, null);
  return out;
}

function checkNoText(system: XmlElement): void {
  for (const c of system.children) {
    if (c.kind !== "text" || c.value.trim() === "") continue;
    const lead = c.value.length - c.value.trimStart().length;
    const before = c.value.slice(0, lead);
    const nl = before.lastIndexOf("\n");
    const loc =
      nl < 0
        ? { line: c.line, col: c.col + Array.from(before).length }
        : { line: c.line + before.split("\n").length - 1, col: Array.from(before.slice(nl + 1)).length + 1 };
    fail(`unexpected text found in element 'system': '${c.value.trim().slice(0, 40)}'`, loc);
  }
}

interface Parsed {
  system: SdfSystem;
  warnings: Warning[];
}

function parseSystem(root: XmlElement, file: string, options: SdfParseOptions, config: SdfConfig): Parsed {
  if (root.name !== "system") fail(`the root element must be 'system', found '${root.name}'`, root);
  checkNoText(root);
  const roots: RawPd[] = [];
  const mrs: SdfMemoryRegion[] = [];
  const channelEls: XmlElement[] = [];
  let domains: SdfDomains | null = null;
  let domainIds = new Map<string, number>();
  for (const child of root.children) {
    if (child.kind !== "element") continue;
    switch (child.name) {
      case "protection_domain":
        roots.push(parseProtectionDomain(child, false, domainIds, config));
        break;
      case "channel":
        channelEls.push(child);
        break;
      case "memory_region":
        mrs.push(parseMemoryRegion(child, options.readFile));
        break;
      case "domains":
        if (domains !== null && domains.domains.length > 0)
          fail("domains must only be specified once", child);
        domains = parseDomains(child, config);
        domainIds = new Map(domains.domains.map((d) => [d.name, d.id]));
        break;
      case "io_address_space":
        fail(
          "io address space requires seL4 to be built with IOMMU support; riscv64 has no IOMMU support",
          child,
        );
        break;
      case "virtual_machine":
        fail("virtual machine must be a child of a protection domain", child);
        break;
      default:
        fail(`invalid XML element '${child.name}' in <system>`, child);
    }
  }

  const pds = flatten(roots);
  for (const { raw } of pds) {
    if (raw.vm !== null) {
      fail(
        `virtual machine '${raw.vm.name}' in protection domain '${raw.name}' is not supported on riscv64: seL4 has not been built as a hypervisor`,
        raw.vm.loc,
      );
    }
  }

  const channels: SdfChannel[] = [];
  for (const el of channelEls) {
    const ch = parseChannel(
      el,
      pds.map((p) => p.raw),
    );
    for (const end of [ch.a, ch.b]) {
      const pd = pds[end.pd];
      if (end.setvarId !== null && pd !== undefined) {
        addSetVar(pd.raw.setvars, { symbol: end.setvarId, kind: "id", id: end.id, loc: end.loc }, el);
      }
    }
    channels.push(ch);
  }

  const names = new Set(pds.map((p) => p.raw.name));
  for (const { raw } of pds) {
    for (const cap of raw.capMaps) {
      if (!names.has(cap.pdName)) fail(`unknown PD name '${cap.pdName}' in <cap_${cap.type}>`, cap.loc);
    }
  }

  const warnings: Warning[] = [];
  const protectionDomains = validateSystem(pds, mrs, channels, locOf(root), warnings);
  return { system: { file, protectionDomains, memoryRegions: mrs, channels, domains }, warnings };
}

/** Parses and validates an SDF. Never throws for any input text. */
export function parseSdf(text: string, options: SdfParseOptions): SdfParseResult {
  const file = options.file;
  const config: SdfConfig = { ...SDF_DEFAULT_CONFIG, ...options.config };
  const diag = (message: string, line: number, col: number): SdfDiagnostic => ({ file, line, col, message });
  try {
    const root = parseXml(text);
    const { system, warnings } = parseSystem(root, file, options, config);
    return {
      ok: true,
      system,
      warnings: warnings.map((w) => diag(`warning: ${w.message}`, w.loc.line, w.loc.col)),
    };
  } catch (e) {
    if (e instanceof XmlSyntaxError) {
      return { ok: false, errors: [diag(`malformed XML: ${e.message}`, e.line, e.col)], warnings: [] };
    }
    if (e instanceof SdfError)
      return { ok: false, errors: [diag(e.message, e.loc.line, e.loc.col)], warnings: [] };
    // Not expected: a bug in the parser. Still a diagnostic, never a crash.
    const msg = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      errors: [diag(`internal error while checking the system description: ${msg}`, 1, 1)],
      warnings: [],
    };
  }
}
