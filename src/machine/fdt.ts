// The flattened device tree (FDT, Devicetree Specification v0.4 chapter 5) of the simulated
// QEMU virt machine: the blob a bootloader hands the kernel in a1, and that seL4 passes on to the
// root task in its extra boot info (SEL4_BOOTINFO_HEADER_FDT). It has the nodes, properties and
// order of the DTB seL4's qemu-riscv-virt build embeds (QEMU's own tree for `-m 3072`, with the
// kernel-devices overlay), with the memory node and the CPUs following the machine's RAM size
// and number of harts; a blob for 3 GiB and one hart is the same byte for byte.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const FDT_VERSION = 17;
const FDT_LAST_COMP_VERSION = 16;
const HEADER_BYTES = 40;

/** A property value: cells (big-endian u32), a string list, raw bytes, or empty (a boolean). */
export type FdtValue = number[] | string[] | Uint8Array | null;

export interface FdtNode {
  name: string;
  props: [string, FdtValue][];
  children: FdtNode[];
}

function node(name: string, props: [string, FdtValue][], children: FdtNode[] = []): FdtNode {
  return { name, props, children };
}

function valueBytes(v: FdtValue): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (v.length > 0 && typeof v[0] === "string") {
    const text = (v as string[]).map((s) => `${s}\0`).join("");
    return new TextEncoder().encode(text);
  }
  const cells = v as number[];
  const out = new Uint8Array(cells.length * 4);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0, false));
  return out;
}

/** Serialise a tree: header, an empty memory reservation map, the structure block, the strings. */
export function encodeFdt(root: FdtNode, bootCpuId = 0): Uint8Array {
  const strings: string[] = [];
  const stringOffsets = new Map<string, number>();
  let stringsSize = 0;
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = stringsSize;
      stringOffsets.set(name, off);
      strings.push(name);
      stringsSize += new TextEncoder().encode(name).length + 1;
    }
    return off;
  };
  const words: number[] = [];
  const pushBytes = (b: Uint8Array): void => {
    const padded = new Uint8Array(Math.ceil(b.length / 4) * 4);
    padded.set(b);
    const dv = new DataView(padded.buffer);
    for (let i = 0; i < padded.length; i += 4) words.push(dv.getUint32(i, false));
  };
  const emit = (n: FdtNode): void => {
    words.push(FDT_BEGIN_NODE);
    pushBytes(new TextEncoder().encode(`${n.name}\0`));
    for (const [name, value] of n.props) {
      const bytes = valueBytes(value);
      words.push(FDT_PROP, bytes.length, nameOffset(name));
      pushBytes(bytes);
    }
    for (const c of n.children) emit(c);
    words.push(FDT_END_NODE);
  };
  emit(root);
  words.push(FDT_END);

  const rsvOff = HEADER_BYTES;
  const structOff = rsvOff + 16; // one terminating (0, 0) reservation entry
  const structSize = words.length * 4;
  const stringsOff = structOff + structSize;
  const total = stringsOff + stringsSize;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [
    FDT_MAGIC,
    total,
    structOff,
    stringsOff,
    rsvOff,
    FDT_VERSION,
    FDT_LAST_COMP_VERSION,
    bootCpuId,
    stringsSize,
    structSize,
  ];
  header.forEach((h, i) => dv.setUint32(i * 4, h, false));
  words.forEach((w, i) => dv.setUint32(structOff + i * 4, w, false));
  out.set(new TextEncoder().encode(strings.map((s) => `${s}\0`).join("")), stringsOff);
  return out;
}

export interface VirtTreeOptions {
  ramBase: number;
  ramBytes: number;
  numHarts: number;
}

const hi = (v: number): number => Math.floor(v / 2 ** 32) >>> 0;
const lo = (v: number): number => v >>> 0;
/** A reg entry with #address-cells = #size-cells = 2. */
const reg2 = (base: number, size: number): number[] => [hi(base), lo(base), hi(size), lo(size)];

/** QEMU's rng-seed in the reference DTB: kept so that the default blob is the real one. */
const RNG_SEED = [
  0xa8ce4fe4, 0xa9db0e78, 0xe72844c9, 0x06fd8f41, 0xe0b347e7, 0xbd8c37b8, 0x9f33b8ec, 0xe3412c45,
];

/** The device tree of the virt machine (see the file comment). */
export function virtDeviceTree(o: VirtTreeOptions): FdtNode {
  const n = o.numHarts;
  // Phandles as QEMU hands them out: each hart and its interrupt controller, then the PLIC, then
  // the test device.
  const cpuPhandle = (i: number): number => 1 + 2 * i;
  const intcPhandle = (i: number): number => 2 + 2 * i;
  const plicPhandle = 2 * n + 1;
  const testPhandle = 2 * n + 2;
  const perHart = (a: number, b: number): number[] => {
    const cells: number[] = [];
    for (let i = 0; i < n; i++) cells.push(intcPhandle(i), a, intcPhandle(i), b);
    return cells;
  };
  const cpus: FdtNode[] = [];
  for (let i = n - 1; i >= 0; i--) {
    cpus.push(
      node(
        `cpu@${i}`,
        [
          ["phandle", [cpuPhandle(i)]],
          ["device_type", ["cpu"]],
          ["reg", [i]],
          ["status", ["okay"]],
          ["compatible", ["riscv"]],
          ["riscv,isa", ["rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"]],
          ["mmu-type", ["riscv,sv48"]],
        ],
        [
          node("interrupt-controller", [
            ["#interrupt-cells", [1]],
            ["interrupt-controller", null],
            ["compatible", ["riscv,cpu-intc"]],
            ["phandle", [intcPhandle(i)]],
          ]),
        ],
      ),
    );
  }
  const cores: FdtNode[] = [];
  for (let i = 0; i < n; i++) cores.push(node(`core${i}`, [["cpu", [cpuPhandle(i)]]]));
  const virtio: FdtNode[] = [];
  for (let i = 8; i >= 1; i--) {
    virtio.push(
      node(`virtio_mmio@${(0x10000000 + i * 0x1000).toString(16)}`, [
        ["interrupts", [i]],
        ["interrupt-parent", [plicPhandle]],
        ["reg", reg2(0x10000000 + i * 0x1000, 0x1000)],
        ["compatible", ["virtio,mmio"]],
      ]),
    );
  }
  const pciMap: number[] = [];
  for (let slot = 0; slot < 4; slot++) {
    for (let pin = 1; pin <= 4; pin++) {
      pciMap.push(slot * 0x800, 0, 0, pin, plicPhandle, 0x20 + ((slot + pin - 1) % 4));
    }
  }
  return node(
    "",
    [
      ["#address-cells", [2]],
      ["#size-cells", [2]],
      ["compatible", ["riscv-virtio"]],
      ["model", ["riscv-virtio,qemu"]],
    ],
    [
      node("pmu", [
        [
          "riscv,event-to-mhpmcounters",
          [
            0x01, 0x01, 0x7fff9, 0x02, 0x02, 0x7fffc, 0x10019, 0x10019, 0x7fff8, 0x1001b, 0x1001b, 0x7fff8,
            0x10021, 0x10021, 0x7fff8, 0, 0, 0, 0, 0,
          ],
        ],
        ["compatible", ["riscv,pmu"]],
      ]),
      node("fw-cfg@10100000", [
        ["dma-coherent", null],
        ["reg", reg2(0x10100000, 0x18)],
        ["compatible", ["qemu,fw-cfg-mmio"]],
      ]),
      node("flash@20000000", [
        ["bank-width", [4]],
        ["reg", [...reg2(0x20000000, 0x2000000), ...reg2(0x22000000, 0x2000000)]],
        ["compatible", ["cfi-flash"]],
      ]),
      node("chosen", [
        ["rng-seed", RNG_SEED],
        ["stdout-path", ["/soc/serial@10000000"]],
        // seL4's overlay: the devices the kernel keeps for itself.
        ["seL4,kernel-devices", ["/soc/clint@2000000", "/soc/plic@c000000"]],
      ]),
      node("poweroff", [
        ["value", [0x5555]],
        ["offset", [0]],
        ["regmap", [testPhandle]],
        ["compatible", ["syscon-poweroff"]],
      ]),
      node("reboot", [
        ["value", [0x7777]],
        ["offset", [0]],
        ["regmap", [testPhandle]],
        ["compatible", ["syscon-reboot"]],
      ]),
      node("platform-bus@4000000", [
        ["interrupt-parent", [plicPhandle]],
        ["ranges", [0, 0, 0x4000000, 0x2000000]],
        ["#address-cells", [1]],
        ["#size-cells", [1]],
        ["compatible", ["qemu,platform", "simple-bus"]],
      ]),
      node(`memory@${o.ramBase.toString(16)}`, [
        ["device_type", ["memory"]],
        ["reg", reg2(o.ramBase, o.ramBytes)],
      ]),
      node(
        "cpus",
        [
          ["#address-cells", [1]],
          ["#size-cells", [0]],
          ["timebase-frequency", [10_000_000]],
        ],
        [...cpus, node("cpu-map", [], [node("cluster0", [], cores)])],
      ),
      node(
        "soc",
        [
          ["#address-cells", [2]],
          ["#size-cells", [2]],
          ["compatible", ["simple-bus"]],
          ["ranges", null],
        ],
        [
          node("rtc@101000", [
            ["interrupts", [0x0b]],
            ["interrupt-parent", [plicPhandle]],
            ["reg", reg2(0x101000, 0x1000)],
            ["compatible", ["google,goldfish-rtc"]],
          ]),
          node("serial@10000000", [
            ["interrupts", [0x0a]],
            ["interrupt-parent", [plicPhandle]],
            ["clock-frequency", [3686400]],
            ["reg", reg2(0x10000000, 0x100)],
            ["compatible", ["ns16550a"]],
          ]),
          node("test@100000", [
            ["phandle", [testPhandle]],
            ["reg", reg2(0x100000, 0x1000)],
            ["compatible", ["sifive,test1", "sifive,test0", "syscon"]],
          ]),
          node("pci@30000000", [
            ["interrupt-map-mask", [0x1800, 0, 0, 7]],
            ["interrupt-map", pciMap],
            [
              "ranges",
              [
                0x1000000, 0, 0, 0, 0x3000000, 0, 0x10000, 0x2000000, 0, 0x40000000, 0, 0x40000000, 0,
                0x40000000, 0x3000000, 4, 0, 4, 0, 4, 0,
              ],
            ],
            ["reg", reg2(0x30000000, 0x10000000)],
            ["dma-coherent", null],
            ["bus-range", [0, 0xff]],
            ["linux,pci-domain", [0]],
            ["device_type", ["pci"]],
            ["compatible", ["pci-host-ecam-generic"]],
            ["#size-cells", [2]],
            ["#interrupt-cells", [1]],
            ["#address-cells", [3]],
          ]),
          ...virtio,
          node("plic@c000000", [
            ["phandle", [plicPhandle]],
            ["riscv,ndev", [0x60]],
            ["reg", reg2(0xc000000, 0x600000)],
            ["interrupts-extended", perHart(0x0b, 0x09)],
            ["interrupt-controller", null],
            ["compatible", ["sifive,plic-1.0.0", "riscv,plic0"]],
            ["#address-cells", [0]],
            ["#interrupt-cells", [1]],
          ]),
          node("clint@2000000", [
            ["interrupts-extended", perHart(0x03, 0x07)],
            ["reg", reg2(0x2000000, 0x10000)],
            ["compatible", ["riscv,cpu-intc"]],
          ]),
        ],
      ),
      node(
        "reserved-memory",
        [
          ["#address-cells", [2]],
          ["#size-cells", [2]],
          ["ranges", null],
        ],
        [
          node("sbi@80000000", [
            ["reg", reg2(0x80000000, 0x200000)],
            ["no-map", null],
          ]),
        ],
      ),
    ],
  );
}

/** The DTB of the virt machine with this RAM and number of harts. */
export function virtDtb(o: VirtTreeOptions): Uint8Array {
  return encodeFdt(virtDeviceTree(o));
}
