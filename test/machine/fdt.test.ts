// The device tree of the virt machine (src/machine/fdt.ts): a well-formed FDT (read back here by
// an independent walker), the memory and CPUs of the configuration, and for 3 GiB and one hart the
// very blob seL4's qemu-riscv-virt build hands the root task (found in the real image when
// ../shared/sel4test is present). dtc, when installed, must decompile it without complaint.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { virtDtb } from "../../src/machine/fdt.ts";

interface Node {
  path: string;
  props: Map<string, Uint8Array>;
}

/** Walks the structure block per the Devicetree Specification §5.4. */
function readFdt(b: Uint8Array): { header: number[]; nodes: Node[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const header = Array.from({ length: 10 }, (_, i) => dv.getUint32(4 * i, false));
  const [, total, offStruct, offStrings] = header;
  expect(total).toBe(b.length);
  const str = (off: number): string => {
    let e = off;
    while (b[e] !== 0) e++;
    return new TextDecoder().decode(b.subarray(off, e));
  };
  const nodes: Node[] = [];
  const stack: Node[] = [];
  let p = offStruct;
  for (;;) {
    const tok = dv.getUint32(p, false);
    p += 4;
    if (tok === 1) {
      const name = str(p);
      p += Math.ceil((name.length + 1) / 4) * 4;
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? "/" : `${parent.path === "/" ? "" : parent.path}/${name}`;
      const n = { path, props: new Map<string, Uint8Array>() };
      nodes.push(n);
      stack.push(n);
    } else if (tok === 3) {
      const len = dv.getUint32(p, false);
      const nameOff = dv.getUint32(p + 4, false);
      stack[stack.length - 1].props.set(str(offStrings + nameOff), b.slice(p + 8, p + 8 + len));
      p += 8 + Math.ceil(len / 4) * 4;
    } else if (tok === 2) stack.pop();
    else if (tok === 4) continue;
    else if (tok === 9) break;
    else throw new Error(`bad token ${tok}`);
  }
  expect(stack.length).toBe(0);
  return { header, nodes };
}

const cells = (v: Uint8Array): number[] => {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(4 * i, false));
};
const text = (v: Uint8Array): string => new TextDecoder().decode(v);

describe("the virt machine's device tree", () => {
  it("is a version 17 FDT with the memory, CPUs, UART, PLIC, CLINT and RTC of the machine", () => {
    const { header, nodes } = readFdt(virtDtb({ ramBase: 0x8000_0000, ramBytes: 3 * 2 ** 30, numHarts: 1 }));
    expect(header[0]).toBe(0xd00dfeed);
    expect(header[5]).toBe(17);
    const at = (path: string): Node => {
      const n = nodes.find((x) => x.path === path);
      if (n === undefined) throw new Error(`no ${path}`);
      return n;
    };
    expect(cells(at("/memory@80000000").props.get("reg")!)).toEqual([0, 0x8000_0000, 0, 0xc000_0000]);
    const uart = at("/soc/serial@10000000").props;
    expect(text(uart.get("compatible")!)).toBe("ns16550a\0");
    expect(cells(uart.get("reg")!)).toEqual([0, 0x1000_0000, 0, 0x100]);
    expect(cells(uart.get("interrupts")!)).toEqual([10]);
    const rtc = at("/soc/rtc@101000").props;
    expect(text(rtc.get("compatible")!)).toBe("google,goldfish-rtc\0");
    expect(cells(rtc.get("interrupts")!)).toEqual([11]);
    const plic = at("/soc/plic@c000000").props;
    expect(cells(plic.get("riscv,ndev")!)).toEqual([96]);
    expect(cells(at("/soc/clint@2000000").props.get("reg")!)).toEqual([0, 0x200_0000, 0, 0x1_0000]);
    expect(cells(at("/cpus").props.get("timebase-frequency")!)).toEqual([10_000_000]);
    expect(nodes.filter((n) => /^\/cpus\/cpu@\d+$/.test(n.path))).toHaveLength(1);
    expect(text(at("/chosen").props.get("stdout-path")!)).toBe("/soc/serial@10000000\0");
  });

  it("follows the RAM size and the number of harts", () => {
    const { nodes } = readFdt(virtDtb({ ramBase: 0x8000_0000, ramBytes: 256 * 2 ** 20, numHarts: 4 }));
    const mem = nodes.find((n) => n.path === "/memory@80000000")!;
    expect(cells(mem.props.get("reg")!)).toEqual([0, 0x8000_0000, 0, 0x1000_0000]);
    const cpus = nodes.filter((n) => /^\/cpus\/cpu@\d+$/.test(n.path)).map((n) => n.path);
    expect(cpus.sort()).toEqual(["/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3"]);
    // Every hart's interrupt controller gets the PLIC's S- and M-mode contexts.
    const plic = nodes.find((n) => n.path === "/soc/plic@c000000")!;
    expect(cells(plic.props.get("interrupts-extended")!)).toHaveLength(16);
  });

  const image = resolve(import.meta.dirname, "../../../shared/sel4test/qemu-image-fpu");
  it.skipIf(!existsSync(image))(
    "for 3 GiB and one hart it is byte for byte the DTB in seL4's qemu-riscv-virt image",
    () => {
      const img = readFileSync(image);
      const at = img.indexOf(Buffer.from([0xd0, 0x0d, 0xfe, 0xed]));
      expect(at).toBeGreaterThan(0);
      const real = img.subarray(at, at + img.readUInt32BE(at + 4));
      const ours = virtDtb({ ramBase: 0x8000_0000, ramBytes: 3072 * 2 ** 20, numHarts: 1 });
      expect(Buffer.from(ours).equals(real)).toBe(true);
    },
  );

  let dtc = false;
  try {
    execFileSync("dtc", ["--version"], { stdio: "ignore" });
    dtc = true;
  } catch {
    dtc = false;
  }
  it.skipIf(!dtc)("dtc decompiles it without an error", () => {
    const f = join(mkdtempSync(join(tmpdir(), "sel4ts-fdt-")), "virt.dtb");
    writeFileSync(f, virtDtb({ ramBase: 0x8000_0000, ramBytes: 2 ** 30, numHarts: 2 }));
    const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", f], { encoding: "utf8" });
    expect(r.status).toBe(0);
    // QEMU's own tree draws dtc warnings (e.g. interrupt providers without #address-cells); no errors.
    expect(r.stderr).not.toMatch(/ERROR/i);
    expect(r.stdout).toContain("memory@80000000");
    expect(r.stdout).toContain("reg = <0x00 0x80000000 0x00 0x40000000>;");
  });
});
