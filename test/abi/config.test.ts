// The kernel configuration object: defaults, ranges, the ABI values derived from it, the seL4
// CMake option names, and what an ELF header says about the build it came from.

import { describe, expect, it } from "vitest";
import {
  CONFIG_PRESETS,
  configFromElfFlags,
  DEFAULT_KERNEL_CONFIG,
  resolveKernelConfig,
  setConfigOption,
  type KernelConfig,
} from "../../src/abi/config.ts";
import { System } from "../../src/system/system.ts";

describe("kernel configuration", () => {
  it("defaults: FPU on, root CNode 2^13 (sel4test's build), one domain, one node, printing, 3 GiB", () => {
    const c = resolveKernelConfig();
    expect(c).toMatchObject({
      fpu: true,
      rootCNodeSizeBits: 13,
      numDomains: 1,
      numDomainSchedules: 2,
      numNodes: 1,
      printing: true,
      ramMiB: 3072,
    });
    expect(DEFAULT_KERNEL_CONFIG.ramMiB).toBe(3072);
  });

  it("derived values: seL4_TCBBits 11 with the FPU and 10 without; slots and guard from the CNode size", () => {
    expect(resolveKernelConfig({ fpu: true }).tcbBits).toBe(11);
    expect(resolveKernelConfig({ fpu: false }).tcbBits).toBe(10);
    const c = resolveKernelConfig({ rootCNodeSizeBits: 12, ramMiB: 256 });
    expect([c.rootCNodeSlots, c.rootCNodeGuardSize, c.ramBytes]).toEqual([4096, 52, 256 << 20]);
    expect(resolveKernelConfig({ numDomains: 4 }).numDomainSchedules).toBe(100);
  });

  it("out-of-range options are RangeErrors naming the CMake option", () => {
    const bad: [KernelConfig, RegExp][] = [
      [{ rootCNodeSizeBits: 6 }, /KernelRootCNodeSizeBits/],
      [{ rootCNodeSizeBits: 27 }, /KernelRootCNodeSizeBits/],
      [{ numDomains: 0 }, /KernelNumDomains/],
      [{ numDomainSchedules: 1 }, /KernelNumDomainSchedules/],
      [{ numNodes: 0 }, /KernelMaxNumNodes/],
      [{ ramMiB: 8 }, /RAM/],
      [{ ramMiB: 5000 }, /RAM/],
    ];
    for (const [c, msg] of bad) expect(() => resolveKernelConfig(c)).toThrow(msg);
  });

  it("CMake-style options: ON/OFF for booleans, numbers otherwise; unknown names and bad values explained", () => {
    const c: KernelConfig = {};
    expect(setConfigOption(c, "KernelRiscvExtF", "OFF")).toBeNull();
    expect(setConfigOption(c, "KernelRootCNodeSizeBits", "12")).toBeNull();
    expect(setConfigOption(c, "KernelPrinting", "off")).toBeNull();
    expect(setConfigOption(c, "KernelMaxNumNodes", "4")).toBeNull();
    expect(setConfigOption(c, "ramMiB", "512")).toBeNull();
    expect(c).toEqual({ fpu: false, rootCNodeSizeBits: 12, printing: false, numNodes: 4, ramMiB: 512 });
    expect(setConfigOption(c, "KernelFoo", "1")).toMatch(/unknown kernel option KernelFoo/);
    expect(setConfigOption(c, "KernelRiscvExtD", "maybe")).toMatch(/ON or OFF/);
    expect(setConfigOption(c, "KernelNumDomains", "four")).toMatch(/a number/);
  });

  it("presets resolve, and nofpu is the F/D-off build", () => {
    for (const p of Object.values(CONFIG_PRESETS)) expect(() => resolveKernelConfig(p)).not.toThrow();
    expect(resolveKernelConfig(CONFIG_PRESETS.nofpu).tcbBits).toBe(10);
  });

  it("an ELF's float ABI: soft-float (lp64) means F/D off, double-float (lp64d) on, others say nothing", () => {
    expect(configFromElfFlags(0x1)).toEqual({ fpu: false }); // RVC, soft
    expect(configFromElfFlags(0x5)).toEqual({ fpu: true }); // RVC, double
    expect(configFromElfFlags(0x3)).toEqual({}); // single
    expect(configFromElfFlags(0x7)).toEqual({}); // quad
  });

  it("a System's kernel and machine follow its configuration (RAM size, TCB size, CNode size)", () => {
    const s = new System({ kernelConfig: { fpu: false, rootCNodeSizeBits: 10, ramMiB: 64 } });
    expect(s.machine.memory.ramSize).toBe(64 << 20);
    expect(s.kernel.state.tcbBits).toBe(10);
    expect(s.kernel.state.config.rootCNodeSlots).toBe(1024);
    expect(new System().machine.memory.ramSize).toBe(3072 * 2 ** 20);
  });
});
