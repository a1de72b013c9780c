// One test per SDF validation rule (Microkit reference §1.3–§1.16), plus the resolved model.

import { describe, expect, it } from "vitest";
import {
  formatDiagnostic,
  parseSdf,
  type SdfFileLookup,
  type SdfParseResult,
} from "../../src/microkit/sdf.ts";

const PD = (name: string, attrs = "", body = ""): string =>
  `<protection_domain name="${name}" ${attrs}><program_image path="${name}.elf"/>${body}</protection_domain>`;

const files: Record<string, Uint8Array> = { "four.bin": new Uint8Array(4), "empty.bin": new Uint8Array(0) };
const readFile = (p: string): SdfFileLookup => {
  const bytes = files[p];
  if (p === "dir") return { found: false, reason: "unreadable" };
  return bytes === undefined ? { found: false, reason: "missing" } : { found: true, bytes };
};

function run(body: string): SdfParseResult {
  return parseSdf(`<system>\n${body}\n</system>`, { file: "t.system", readFile });
}

function err(body: string): string {
  const r = run(body);
  if (r.ok) return "(accepted)";
  const e = r.errors[0];
  return e === undefined ? "(no error)" : formatDiagnostic(e);
}

const rejects: [string, string, RegExp][] = [
  // general
  ["text in system", `hello ${PD("a")}`, /t\.system:2:1: unexpected text found in element 'system'/],
  ["unknown system child", `<foo/>${PD("a")}`, /2:1: invalid XML element 'foo'/],
  [
    "vm under system",
    `<virtual_machine name="v"/>`,
    /virtual machine must be a child of a protection domain/,
  ],
  [
    "io_address_space",
    `<io_address_space name="x"/>`,
    /io address space requires seL4 to be built with IOMMU support/,
  ],
  // numbers and booleans
  [
    "bad number",
    PD("a", 'priority="12z"'),
    /failed to parse integer '12z' on element 'protection_domain': invalid digit/,
  ],
  [
    "empty number",
    PD("a", 'budget=""'),
    /failed to parse integer '' .*cannot parse integer from empty string/,
  ],
  ["u64 overflow", PD("a", 'budget="0x1_0000_0000_0000_0000"'), /number too large to fit in target type/],
  ["uppercase 0X is not hex", PD("a", 'priority="0X10"'), /failed to parse integer '0X10'/],
  ["bad bool", PD("a", 'passive="yes"'), /passive must be 'true' or 'false'/],
  ["bad fpu", PD("a", 'fpu="1"'), /fpu must be 'true' or 'false'/],
  // protection_domain
  ["pd invalid attr", PD("a", 'foo="1"'), /invalid attribute 'foo' on element 'protection_domain'/],
  [
    "pd missing name",
    `<protection_domain><program_image path="x"/></protection_domain>`,
    /Missing required attribute 'name' on element 'protection_domain'/,
  ],
  ["priority range", PD("a", 'priority="255"'), /priority must be between 0 and 254/],
  [
    "budget > period",
    PD("a", 'budget="1000" period="100"'),
    /budget \(1000\) must be less than, or equal to, period \(100\)/,
  ],
  [
    "stack too small",
    PD("a", 'stack_size="0x800"'),
    /stack size must be between 0x1000 bytes and 0x1000000 bytes/,
  ],
  ["stack too big", PD("a", 'stack_size="0x2000000"'), /stack size must be between/],
  [
    "stack unaligned",
    PD("a", 'stack_size="0x1800"'),
    /stack size must be aligned to the smallest page size, 4096 bytes/,
  ],
  ["cpu", PD("a", 'cpu="10"'), /cpu core must be less than 1, got 10/],
  ["smc", PD("a", 'smc="true"'), /ARM SMC forwarding support is not available/],
  [
    "no program image",
    `<protection_domain name="a"/>`,
    /missing 'program_image' element on protection_domain: 'a'/,
  ],
  [
    "two program images",
    PD("a", "", '<program_image path="b"/>'),
    /program_image must only be specified once/,
  ],
  [
    "program image attrs",
    `<protection_domain name="a"><program_image path="x" foo="1"/></protection_domain>`,
    /invalid attribute 'foo' on element 'program_image'/,
  ],
  [
    "program image path",
    `<protection_domain name="a"><program_image/></protection_domain>`,
    /Missing required attribute 'path' on element 'program_image'/,
  ],
  ["unknown pd child", PD("a", "", "<bogus/>"), /Invalid XML element 'bogus'/],
  ["ioport", PD("a", "", '<ioport id="0" addr="0x3f8" size="8"/>'), /I\/O ports are only available on x86/],
  [
    "vm",
    PD("a", "", '<virtual_machine name="vm"><vcpu id="0"/></virtual_machine>'),
    /virtual machine 'vm' .*not supported on riscv64/,
  ],
  ["two cspaces", PD("a", "", "<cspace/><cspace/>"), /cspace must only be specified once/],
  ["pd named monitor", PD("monitor"), /the PD name 'monitor' is reserved/],
  ["duplicate pd name", PD("a") + "\n" + PD("a"), /3:1: duplicate protection domain name 'a'\./],
  ["duplicate child pd name", PD("a", "", PD("a", 'id="1"')), /duplicate protection domain name 'a'/],
  ["no pds", `<memory_region name="m" size="0x1000"/>`, /at least one protection domain must be defined/],
  [
    "too many pds",
    Array.from({ length: 64 }, (_, i) => PD(`p${i}`)).join("\n"),
    /too many protection domains \(64\) defined\. Maximum is 63\./,
  ],
  // child PDs
  ["root pd with id", PD("a", 'id="1"'), /invalid attribute 'id' on element 'protection_domain'/],
  [
    "child without id",
    PD("a", "", PD("b")),
    /Missing required attribute 'id' on element 'protection_domain'/,
  ],
  [
    "duplicate child id",
    PD("a", "", PD("b", 'id="1"') + PD("c", 'id="1"')),
    /duplicate id: 1 in protection domain: 'a'/,
  ],
  ["child id range", PD("a", "", PD("b", 'id="62"')), /id must be < 62 on element 'protection_domain'/],
  // map
  [
    "map missing mr",
    PD("a", "", '<map vaddr="0x1000"/>'),
    /Missing required attribute 'mr' on element 'map'/,
  ],
  [
    "map missing vaddr",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m"/>'),
    /Missing required attribute 'vaddr'/,
  ],
  [
    "map unknown mr",
    PD("a", "", '<map mr="nope" vaddr="0x1000"/>'),
    /invalid memory region name 'nope' on 'map'/,
  ],
  [
    "map too high",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m" vaddr="0x3fffffb000"/>'),
    /vaddr \(0x3fffffb000\) must be less than 0x3fffffb000 on element 'map'/,
  ],
  [
    "map limit follows stack size",
    `<memory_region name="m" size="0x1000"/>` +
      PD("a", 'stack_size="0x3000"', '<map mr="m" vaddr="0x3fffffa000"/>'),
    /must be less than 0x3fffffa000/,
  ],
  [
    "map range too high",
    `<memory_region name="m" size="0x2000"/>` + PD("a", "", '<map mr="m" vaddr="0x3fffffa000"/>'),
    /virtual address range \[0x3fffffa000\.\.0x3fffffc000\) which exceeds valid address space \[0x0\.\.0x3fffffb000\)/,
  ],
  [
    "map misaligned",
    `<memory_region name="m" size="0x200000" page_size="0x200000"/>` +
      PD("a", "", '<map mr="m" vaddr="0x1000"/>'),
    /invalid vaddr alignment on 'map'/,
  ],
  [
    "maps overlap",
    `<memory_region name="m1" size="0x1000"/><memory_region name="m2" size="0x1000"/>` +
      PD("p", "", '<map mr="m1" vaddr="0x1000000"/><map mr="m2" vaddr="0x1000000"/>'),
    /map for 'm2' has virtual address range \[0x1000000\.\.0x1001000\) which overlaps with map for 'm1' \[0x1000000\.\.0x1001000\) in protection domain 'p'/,
  ],
  [
    "bad perms",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m" vaddr="0x1000" perms="rq"/>'),
    /perms must only be a combination of 'r', 'w', and 'x'/,
  ],
  [
    "write-only",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m" vaddr="0x1000" perms="w"/>'),
    /perms must not be 'w', write-only mappings are not allowed/,
  ],
  [
    "bad cached",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m" vaddr="0x1000" cached="no"/>'),
    /cached must be 'true' or 'false'/,
  ],
  [
    "setvar attr on map ok only in PD",
    `<memory_region name="m" size="0x1000"/>` + PD("a", "", '<map mr="m" vaddr="0x1000" setvar_foo="x"/>'),
    /invalid attribute 'setvar_foo' on element 'map'/,
  ],
  // irq
  ["irq missing irq", PD("a", "", '<irq id="1"/>'), /Missing required attribute 'irq' on element 'irq'/],
  ["irq missing id", PD("a", "", '<irq irq="5"/>'), /Missing required attribute 'id' on element 'irq'/],
  ["irq id too big", PD("a", "", '<irq irq="5" id="62"/>'), /id must be < 62 on element 'irq'/],
  ["irq id negative", PD("a", "", '<irq irq="5" id="-1"/>'), /id must be >= 0 on element 'irq'/],
  ["irq id hex", PD("a", "", '<irq irq="5" id="0x1"/>'), /failed to parse integer '0x1' on element 'irq'/],
  [
    "irq number not decimal",
    PD("a", "", '<irq irq="0x10" id="1"/>'),
    /failed to parse integer '0x10' on element 'irq'/,
  ],
  [
    "irq trigger",
    PD("a", "", '<irq irq="5" id="1" trigger="rising"/>'),
    /trigger must be either 'level' or 'edge'/,
  ],
  ["irq attrs", PD("a", "", '<irq irq="5" id="1" pin="3"/>'), /invalid attribute 'pin' on element 'irq'/],
  [
    "ioapic irq",
    PD("a", "", '<irq id="1" pin="3" vector="4"/>'),
    /x86 I\/O APIC IRQ isn't supported on ARM and RISC-V/,
  ],
  [
    "msi irq",
    PD("a", "", '<irq id="1" pcidev="0:1.0" handle="0" vector="4"/>'),
    /x86 MSI IRQ isn't supported on ARM and RISC-V/,
  ],
  [
    "duplicate irq number",
    PD("a", "", '<irq irq="7" id="1"/>') + PD("b", "", '<irq irq="7" id="1"/>'),
    /duplicate irq: 7 in protection domain: 'b'/,
  ],
  [
    "duplicate irq id",
    PD("a", "", '<irq irq="7" id="1"/><irq irq="8" id="1"/>'),
    /duplicate channel id: 1 in protection domain: 'a'/,
  ],
  // setvar
  [
    "setvar missing symbol",
    PD("a", "", '<setvar region_paddr="m"/>'),
    /Missing required attribute 'symbol' on element 'setvar'/,
  ],
  [
    "setvar missing region",
    PD("a", "", '<setvar symbol="s"/>'),
    /Missing required attribute 'region_paddr' on element 'setvar'/,
  ],
  [
    "setvar unknown region",
    PD("a", "", '<setvar symbol="s" region_paddr="nope"/>'),
    /unknown memory region 'nope'/,
  ],
  [
    "duplicate setvar",
    `<memory_region name="m" size="0x1000"/>` +
      PD("a", "", '<setvar symbol="s" region_paddr="m"/><setvar symbol="s" region_paddr="m"/>'),
    /setvar on symbol 's' already exists on element 'setvar'/,
  ],
  [
    "duplicate setvar via map",
    `<memory_region name="m" size="0x1000"/>` +
      PD("a", "", '<irq irq="5" id="1" setvar_id="s"/><map mr="m" vaddr="0x1000" setvar_vaddr="s"/>'),
    /setvar on symbol 's' already exists on element 'map'/,
  ],
  [
    "duplicate setvar via channel",
    PD("a", "", '<irq irq="5" id="1" setvar_id="s"/>') +
      PD("b") +
      '<channel><end pd="a" id="2" setvar_id="s"/><end pd="b" id="0"/></channel>',
    /setvar on symbol 's' already exists on element 'channel'/,
  ],
  [
    "prefill size without prefill",
    `<memory_region name="m" size="0x1000"/>` +
      PD("a", "", '<map mr="m" vaddr="0x1000" setvar_prefill_size="n"/>'),
    /'setvar_prefill_size' used for MR without a `prefill_path`/,
  ],
  // cspace
  [
    "cap slot 0",
    PD("a", "", '<cspace><cap_tcb slot="0" pd="a"/></cspace>'),
    /The destination slot 0 has been reserved for Microkit CNode on element 'cap_tcb'/,
  ],
  [
    "cap slot 128",
    PD("a", "", '<cspace><cap_sc slot="128" pd="a"/></cspace>'),
    /There are only 128 destination cspace slots available/,
  ],
  ["cap unknown pd", PD("a", "", '<cspace><cap_vspace slot="1" pd="zz"/></cspace>'), /unknown PD name 'zz'/],
  [
    "cap unknown type",
    PD("a", "", '<cspace><cap_gerbils slot="1" pd="a"/></cspace>'),
    /Cap type: 'gerbils' is not supported/,
  ],
  [
    "cspace unknown element",
    PD("a", "", "<cspace><frob/></cspace>"),
    /Element 'frob' is not supported in a <cspace> element/,
  ],
  [
    "cap overlap",
    PD("a", "", '<cspace><cap_tcb slot="3" pd="a"/><cap_sc slot="3" pd="a"/></cspace>'),
    /overlapping user caps in slot 3 of protection domain 'a': tcb of 'a' at .*, sc of 'a' at/,
  ],
  // memory_region
  [
    "mr missing name",
    `<memory_region size="0x1000"/>`,
    /Missing required attribute 'name' on element 'memory_region'/,
  ],
  [
    "mr bad attr",
    `<memory_region name="m" page_count="1"/>`,
    /invalid attribute 'page_count' on element 'memory_region'/,
  ],
  [
    "mr page size",
    `<memory_region name="m" size="0x1000" page_size="0x200001"/>`,
    /page size 0x200001 not supported on element 'memory_region'/,
  ],
  ["mr size multiple", `<memory_region name="m" size="0x1001"/>`, /size is not a multiple of the page size/],
  [
    "mr size missing",
    `<memory_region name="m"/>`,
    /size must be specified if memory region is not prefilled/,
  ],
  [
    "mr paddr aligned",
    `<memory_region name="m" size="0x1000" phys_addr="0x1001"/>`,
    /phys_addr is not aligned to the page size/,
  ],
  [
    "mr duplicate",
    `<memory_region name="m" size="0x1000"/><memory_region name="m" size="0x1000"/>` + PD("a"),
    /duplicate memory region name 'm'\./,
  ],
  [
    "mr phys overlap",
    `<memory_region name="m1" size="0x2000" phys_addr="0x9000000"/><memory_region name="m2" size="0x1000" phys_addr="0x9001000"/>` +
      PD("a"),
    /memory region 'm2' physical address range \[0x9001000\.\.0x9002000\) overlaps with another memory region 'm1' \[0x9000000\.\.0x9002000\)/,
  ],
  [
    "prefill missing",
    `<memory_region name="m" prefill_path="nope.bin"/>`,
    /unable to find prefill file: 'nope\.bin'/,
  ],
  [
    "prefill unreadable",
    `<memory_region name="m" prefill_path="dir"/>`,
    /failed to read file 'dir' at prefill_path/,
  ],
  [
    "prefill empty",
    `<memory_region name="m" prefill_path="empty.bin"/>`,
    /prefill file 'empty\.bin' is empty/,
  ],
  [
    "prefill too big",
    `<memory_region name="m" size="0x0" prefill_path="four.bin"/>`,
    /size of prefill file exceeds memory region size: 4 > 0/,
  ],
  [
    "bootinfo type",
    `<memory_region name="m" prefill_bootinfo="x86_invalid"/>`,
    /BootInfoMap type: 'x86_invalid' is not supported/,
  ],
  [
    "bootinfo and path",
    `<memory_region name="m" prefill_bootinfo="fdt" prefill_path="four.bin"/>`,
    /prefill_path and prefill_bootinfo cannot be both specified/,
  ],
  [
    "bootinfo on riscv",
    `<memory_region name="m" prefill_bootinfo="fdt"/>`,
    /prefill_bootinfo 'fdt' is not supported on riscv64/,
  ],
  // channels
  ["channel attrs", `<channel foo="1"/>`, /invalid attribute 'foo' on element 'channel'/],
  ["channel element", PD("a") + `<channel><ending pd="a" id="0"/></channel>`, /invalid XML element 'ending'/],
  [
    "one end",
    PD("a") + `<channel><end pd="a" id="0"/></channel>`,
    /exactly two end elements must be specified on element 'channel'/,
  ],
  [
    "end missing pd",
    PD("a") + `<channel><end id="0"/><end pd="a" id="1"/></channel>`,
    /Missing required attribute 'pd' on element 'end'/,
  ],
  [
    "end missing id",
    PD("a") + `<channel><end pd="a"/><end pd="a" id="1"/></channel>`,
    /Missing required attribute 'id' on element 'end'/,
  ],
  [
    "end bad pd",
    PD("a") + `<channel><end pd="zz" id="0"/><end pd="a" id="1"/></channel>`,
    /invalid PD name 'zz' on element 'end'/,
  ],
  [
    "end id range",
    PD("a") + PD("b") + `<channel><end pd="a" id="62"/><end pd="b" id="1"/></channel>`,
    /id must be < 62 on element 'end'/,
  ],
  [
    "end id negative",
    PD("a") + PD("b") + `<channel><end pd="a" id="-3"/><end pd="b" id="1"/></channel>`,
    /id must be >= 0 on element 'end'/,
  ],
  [
    "end pp bool",
    PD("a") + PD("b") + `<channel><end pd="a" id="0" pp="yes"/><end pd="b" id="1"/></channel>`,
    /pp must be 'true' or 'false' on element 'end'/,
  ],
  [
    "end notify bool",
    PD("a") + PD("b") + `<channel><end pd="a" id="0" notify="1"/><end pd="b" id="1"/></channel>`,
    /notify must be 'true' or 'false' on element 'end'/,
  ],
  [
    "bidirectional pp",
    PD("a") + PD("b") + `<channel><end pd="a" id="0" pp="true"/><end pd="b" id="1" pp="true"/></channel>`,
    /cannot ppc bidirectionally on element 'channel'/,
  ],
  [
    "pp priority",
    PD("a", 'priority="5"') +
      PD("b", 'priority="5"') +
      `<channel><end pd="a" id="0" pp="true"/><end pd="b" id="1"/></channel>`,
    /PPCs must be to protection domains of strictly higher priorities; channel with PPC exists from pd a \(priority: 5\) to pd b \(priority: 5\)/,
  ],
  [
    "duplicate end id",
    PD("a") +
      PD("b") +
      `<channel><end pd="a" id="5"/><end pd="b" id="1"/></channel><channel><end pd="a" id="5"/><end pd="b" id="2"/></channel>`,
    /duplicate channel id: 5 in protection domain: 'a'/,
  ],
  [
    "end id clashes with irq",
    PD("a", "", '<irq irq="3" id="4"/>') +
      PD("b") +
      `<channel><end pd="b" id="0"/><end pd="a" id="4"/></channel>`,
    /duplicate channel id: 4 in protection domain: 'a'/,
  ],
  [
    "self channel same id",
    PD("a") + `<channel><end pd="a" id="1"/><end pd="a" id="1"/></channel>`,
    /duplicate channel id: 1 in protection domain: 'a'/,
  ],
  // domains
  [
    "domain unknown",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>` +
      PD("a", 'domain="x"'),
    /domain 'x' not declared in <domains> on element 'protection_domain'/,
  ],
  [
    "domain missing",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>` +
      PD("a"),
    /Missing required attribute 'domain' on element 'protection_domain'/,
  ],
  [
    "domain without schedule",
    PD("a", 'domain="d"'),
    /Specifying a domain 'd' without declaring a domain schedule is not allowed/,
  ],
  [
    "domain declared after pd",
    PD("a", 'domain="d"') +
      `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>`,
    /without declaring a domain schedule/,
  ],
  [
    "domains twice",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>`.repeat(
      2,
    ),
    /domains must only be specified once/,
  ],
  [
    "domain id range",
    `<domains><domain name="d" id="16"/></domains>`,
    /domain id 16 should be less than the configured KernelNumDomains value of 16/,
  ],
  [
    "domain too many",
    `<domains>${Array.from({ length: 17 }, (_, i) => `<domain name="d${i}"/>`).join("")}<domain_schedule><schedule_entry domain="d0" duration="1 us"/></domain_schedule></domains>`,
    /Number of domains exceeds 16 on element 'domains'/,
  ],
  [
    "domain dup name",
    `<domains><domain name="d"/><domain name="d"/></domains>`,
    /name must be unique: domain 'd'/,
  ],
  [
    "domain dup id",
    `<domains><domain name="d" id="1"/><domain name="e" id="1"/></domains>`,
    /id must be unique: domain 'd' already has id '1'/,
  ],
  ["no schedule", `<domains><domain name="d"/></domains>`, /The <domain_schedule> element must appear once/],
  [
    "two schedules",
    `<domains><domain name="d"/><domain_schedule/><domain_schedule/></domains>`,
    /The <domain_schedule> element can only appear once/,
  ],
  ["bad domains child", `<domains><x/></domains>`, /invalid XML element as child of <domains> 'x'/],
  [
    "bad schedule child",
    `<domains><domain name="d"/><domain_schedule><x/></domain_schedule></domains>`,
    /invalid XML element as child of <domain_schedule> 'x'/,
  ],
  [
    "bad start index",
    `<domains><domain name="d"/><domain_schedule start_index="zzzz"/></domains>`,
    /failed to parse integer 'zzzz' on element 'domain_schedule'/,
  ],
  [
    "start index bound",
    `<domains><domain name="d"/><domain_schedule start_index="1"><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>`,
    /schedule_start_index '1' is greater than the length of the schedule '1'/,
  ],
  [
    "shift bound",
    `<domains><domain name="d"/><domain_schedule index_shift="99"><schedule_entry domain="d" duration="1 us"/></domain_schedule></domains>`,
    /schedule_index_shift '99' on top of the schedule length '1' would exceed the configured KernelNumDomainSchedules 100/,
  ],
  [
    "too many entries",
    `<domains><domain name="d"/><domain_schedule>${"<schedule_end_marker/>".repeat(100)}</domain_schedule></domains>`,
    /More than configured KernelNumDomainSchedules 100/,
  ],
  [
    "entry unknown domain",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="e" duration="1 us"/></domain_schedule></domains>`,
    /domain 'e' does not exist/,
  ],
  [
    "duration unit",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1000 kilometres"/></domain_schedule></domains>`,
    /The duration '1000 kilometres' must be in either 'ticks' or 'us'/,
  ],
  [
    "duration no unit",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="1000"/></domain_schedule></domains>`,
    /must contain a value and a unit/,
  ],
  [
    "duration zero",
    `<domains><domain name="d"/><domain_schedule><schedule_entry domain="d" duration="0 ticks"/></domain_schedule></domains>`,
    /The duration '0 ticks' must be non-zero/,
  ],
  [
    "end marker attrs",
    `<domains><domain name="d"/><domain_schedule><schedule_end_marker x="1"/></domain_schedule></domains>`,
    /invalid attribute 'x' on element 'schedule_end_marker'/,
  ],
];

describe("SDF validation rules", () => {
  for (const [name, body, re] of rejects) {
    it(`rejects: ${name}`, () => {
      expect(err(body)).toMatch(re);
    });
  }

  it("reports positions at the offending element", () => {
    expect(err(`${PD("a")}\n  <memory_region name="m" size="0x1001"/>`)).toMatch(/^t\.system:3:3: /);
    expect(err(PD("a", "", '\n  <irq irq="5" id="99"/>'))).toMatch(/^t\.system:3:3: /);
  });

  it("reports multicore builds with domains", () => {
    const r = parseSdf(`<system><domains/></system>`, { file: "t.system", config: { numCores: 4 } });
    expect(r.ok ? "" : r.errors[0]?.message).toMatch(/not supported in multicore builds/);
  });
});
