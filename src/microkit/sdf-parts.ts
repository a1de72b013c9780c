// Parsing of the other top-level SDF elements: <memory_region>, <channel>/<end> and <domains> with
// its <domain_schedule>, following the Microkit tool's checks and messages.

import {
  PAGE_SIZES,
  PD_MAX_ID,
  SMALL_PAGE,
  type SdfChannel,
  type SdfChannelEnd,
  type SdfConfig,
  type SdfDomains,
  type SdfFileLookup,
  type SdfLocation,
  type SdfMemoryRegion,
  type SdfScheduleEntry,
} from "./sdf-model.ts";
import {
  boolAttr,
  checkAttributes,
  fail,
  hex,
  locOf,
  optionalAttr,
  parseChannelId,
  parseSdfNumber,
  requiredAttr,
  small,
  valueError,
} from "./sdf-util.ts";
import { xmlChildElements, type XmlElement } from "./sdf-xml.ts";

const BOOTINFO_TYPES = ["x86_vbe", "x86_mbmmap", "x86_acpi_rsdp", "x86_framebuffer", "x86_tsc_freq", "fdt"];

export function parseMemoryRegion(
  el: XmlElement,
  readFile: ((path: string) => SdfFileLookup) | undefined,
): SdfMemoryRegion {
  checkAttributes(el, ["name", "size", "page_size", "phys_addr", "prefill_path", "prefill_bootinfo"]);
  const name = requiredAttr(el, "name");
  const psStr = optionalAttr(el, "page_size");
  const pageSize = psStr === undefined ? BigInt(SMALL_PAGE) : parseSdfNumber(psStr, el);
  if (!PAGE_SIZES.some((p) => BigInt(p) === pageSize))
    valueError(el, `page size ${hex(pageSize)} not supported`);

  let prefill: { path: string; bytes: Uint8Array } | null = null;
  const prefillPath = optionalAttr(el, "prefill_path");
  if (prefillPath !== undefined) {
    const r = readFile === undefined ? ({ found: false, reason: "missing" } as const) : readFile(prefillPath);
    if (!r.found) {
      if (r.reason === "missing") valueError(el, `unable to find prefill file: '${prefillPath}'`);
      valueError(el, `failed to read file '${prefillPath}' at prefill_path`);
    }
    if (r.bytes.length === 0) valueError(el, `prefill file '${prefillPath}' is empty`);
    prefill = { path: prefillPath, bytes: r.bytes };
  }
  const bootinfo = optionalAttr(el, "prefill_bootinfo");
  if (bootinfo !== undefined) {
    if (!BOOTINFO_TYPES.includes(bootinfo))
      valueError(el, `BootInfoMap type: '${bootinfo}' is not supported`);
    if (prefill !== null) valueError(el, "prefill_path and prefill_bootinfo cannot be both specified");
    // The riscv64 loader hands no boot information (neither x86 tables nor a DTB) to user level.
    fail(
      `prefill_bootinfo '${bootinfo}' is not supported on riscv64 (no boot information reaches user level)`,
      el,
    );
  }

  let size: bigint;
  const sizeStr = optionalAttr(el, "size");
  if (sizeStr !== undefined) {
    size = parseSdfNumber(sizeStr, el);
    if (size % pageSize !== 0n) valueError(el, "size is not a multiple of the page size");
    if (prefill !== null && BigInt(prefill.bytes.length) > size) {
      valueError(
        el,
        `size of prefill file exceeds memory region size: ${prefill.bytes.length.toString(16)} > ${size.toString(16)}`,
      );
    }
  } else if (prefill !== null) {
    const len = BigInt(prefill.bytes.length);
    size = ((len + pageSize - 1n) / pageSize) * pageSize;
  } else {
    return valueError(el, "size must be specified if memory region is not prefilled");
  }

  const paStr = optionalAttr(el, "phys_addr");
  let physAddr: SdfMemoryRegion["physAddr"] = { kind: "unspecified" };
  if (paStr !== undefined) {
    const paddr = parseSdfNumber(paStr, el);
    if (paddr % pageSize !== 0n) valueError(el, "phys_addr is not aligned to the page size");
    physAddr = { kind: "specified", paddr };
  }
  return {
    name,
    size,
    pageSize: small(pageSize),
    pageSizeSpecified: psStr !== undefined,
    pageCount: small(size / pageSize),
    physAddr,
    prefill,
    loc: locOf(el),
  };
}

/** A PD as channels see it: its global index and name. */
export interface PdRef {
  name: string;
}

function parseEnd(el: XmlElement, pds: readonly PdRef[]): SdfChannelEnd {
  if (el.name !== "end") fail(`invalid XML element '${el.name}' in a channel`, el);
  checkAttributes(el, ["pd", "id", "pp", "notify", "setvar_id"]);
  const pdName = requiredAttr(el, "pd");
  const id = parseChannelId(el, PD_MAX_ID);
  const notify = boolAttr(el, "notify", true);
  const pp = boolAttr(el, "pp", false);
  const pd = pds.findIndex((p) => p.name === pdName);
  if (pd < 0) valueError(el, `invalid PD name '${pdName}'`);
  return { pd, pdName, id, pp, notify, setvarId: optionalAttr(el, "setvar_id") ?? null, loc: locOf(el) };
}

export function parseChannel(el: XmlElement, pds: readonly PdRef[]): SdfChannel {
  checkAttributes(el, []);
  const ends = xmlChildElements(el).map((c) => parseEnd(c, pds));
  const [a, b] = ends;
  if (ends.length !== 2 || a === undefined || b === undefined) {
    return valueError(el, "exactly two end elements must be specified");
  }
  if (a.pp && b.pp) valueError(el, "cannot ppc bidirectionally");
  return { a, b, loc: locOf(el) };
}

function parseDuration(el: XmlElement, s: string): { duration: bigint; unit: "us" | "ticks" } {
  const sp = s.indexOf(" ");
  if (sp < 0) valueError(el, `The duration '${s}' must contain a value and a unit, e.g. '1000 us'`);
  const duration = parseSdfNumber(s.slice(0, sp), el);
  if (duration === 0n) valueError(el, `The duration '${s}' must be non-zero`);
  const unit = s.slice(sp + 1);
  if (unit !== "us" && unit !== "ticks")
    valueError(el, `The duration '${s}' must be in either 'ticks' or 'us'`);
  return { duration, unit };
}

function parseSchedule(el: XmlElement, ids: ReadonlyMap<string, number>, config: SdfConfig): SdfDomains {
  checkAttributes(el, ["index_shift", "start_index"]);
  const startStr = optionalAttr(el, "start_index");
  const startIndex = startStr === undefined ? 0n : parseSdfNumber(startStr, el);
  const shiftStr = optionalAttr(el, "index_shift");
  const indexShift = shiftStr === undefined ? null : parseSdfNumber(shiftStr, el);
  const schedule: SdfScheduleEntry[] = [];
  for (const c of xmlChildElements(el)) {
    if (c.name === "schedule_entry") {
      checkAttributes(c, ["domain", "duration"]);
      const domainName = requiredAttr(c, "domain");
      const durationStr = requiredAttr(c, "duration");
      const domain = ids.get(domainName);
      if (domain === undefined) valueError(c, `domain '${domainName}' does not exist`);
      schedule.push({ kind: "entry", domain, domainName, ...parseDuration(c, durationStr), loc: locOf(c) });
    } else if (c.name === "schedule_end_marker") {
      checkAttributes(c, []);
      schedule.push({ kind: "end_marker", loc: locOf(c) });
    } else {
      fail(`invalid XML element as child of <domain_schedule> '${c.name}'`, c);
    }
  }
  const len = BigInt(schedule.length);
  const max = config.numDomainSchedules;
  if (len >= BigInt(max)) {
    valueError(el, `More than configured KernelNumDomainSchedules ${max} number of schedule entries found`);
  }
  if (startIndex >= len) {
    valueError(
      el,
      `schedule_start_index '${startIndex}' is greater than the length of the schedule '${len}'`,
    );
  }
  if (indexShift !== null && indexShift + len >= BigInt(max)) {
    valueError(
      el,
      `schedule_index_shift '${indexShift}' on top of the schedule length '${len}' would exceed the configured KernelNumDomainSchedules ${max}`,
    );
  }
  const domains = [...ids].map(([name, id]) => ({ name, id }));
  return {
    domains,
    startIndex: small(startIndex),
    indexShift: indexShift === null ? null : small(indexShift),
    schedule,
  };
}

export function parseDomains(el: XmlElement, config: SdfConfig): SdfDomains {
  checkAttributes(el, []);
  if (config.numCores !== 1) fail("The domain scheduler is not supported in multicore builds of seL4", el);
  const declared: { name: string; id: number | null; loc: SdfLocation }[] = [];
  let scheduleEl: XmlElement | null = null;
  for (const c of xmlChildElements(el)) {
    if (c.name === "domain") {
      checkAttributes(c, ["name", "id"]);
      const name = requiredAttr(c, "name");
      const idStr = optionalAttr(c, "id");
      let id: number | null = null;
      if (idStr !== undefined) {
        const v = parseSdfNumber(idStr, c);
        if (v >= BigInt(config.numDomains)) {
          valueError(
            c,
            `domain id ${v} should be less than the configured KernelNumDomains value of ${config.numDomains}`,
          );
        }
        id = small(v);
      }
      const sameName = declared.find((d) => d.name === name);
      if (sameName !== undefined) {
        valueError(c, `Each <domain>'s name must be unique: domain '${name}' is already declared`);
      }
      const sameId = id === null ? undefined : declared.find((d) => d.id === id);
      if (sameId !== undefined) {
        valueError(c, `Each <domain>'s id must be unique: domain '${sameId.name}' already has id '${id}'`);
      }
      declared.push({ name, id, loc: locOf(c) });
    } else if (c.name === "domain_schedule") {
      if (scheduleEl !== null) valueError(c, "The <domain_schedule> element can only appear once");
      scheduleEl = c;
    } else {
      fail(`invalid XML element as child of <domains> '${c.name}'`, c);
    }
  }
  if (scheduleEl === null) return valueError(el, "The <domain_schedule> element must appear once");
  // Domains without an id take the smallest free id, in document order.
  const used = new Set(declared.flatMap((d) => (d.id === null ? [] : [d.id])));
  const ids = new Map<string, number>();
  for (const d of declared) {
    let id = d.id;
    if (id === null) {
      for (let i = 0; i < config.numDomains && id === null; i++) if (!used.has(i)) id = i;
      if (id === null) valueError(el, `Number of domains exceeds ${config.numDomains}`);
      used.add(id);
    }
    ids.set(d.name, id);
  }
  return parseSchedule(scheduleEl, ids, config);
}
