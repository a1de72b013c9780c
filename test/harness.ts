// Running a TypeScript root task on a fresh system inside a test, with the kernel invariant
// checker after every kernel entry.

import { expect } from "vitest";
import { System, type RunResult, type SystemOptions } from "../src/system/system.ts";
import type { seL4_BootInfo } from "../src/user/libsel4.ts";

export interface RootRun {
  out: string;
  diagnostics: string[];
  result: RunResult;
  system: System;
}

/**
 * The kernel unit tests are written against seL4's own default root CNode, 2^12 slots (sel4ts's
 * default is sel4test's 2^13, see src/abi/config.ts); a test may override it.
 */
export const HARNESS_ROOT_CNODE_BITS = 12;

/** Boot `main` as the root task, run to the end, and fail the test on an invariant violation. */
export function runRoot(
  main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>,
  opts: SystemOptions & { fastpath?: boolean } = {},
): RootRun {
  const bytes: number[] = [];
  const diagnostics: string[] = [];
  const system = new System({
    checkInvariants: true,
    ramSize: 64 * 1024 * 1024,
    maxTicks: 10_000_000_000,
    ...opts,
    kernelConfig: { rootCNodeSizeBits: HARNESS_ROOT_CNODE_BITS, ...opts.kernelConfig },
    onConsole: (b) => bytes.push(b),
    onDiagnostic: (t) => diagnostics.push(t),
  });
  if (opts.fastpath !== undefined) system.kernel.fastpath = opts.fastpath;
  system.boot(main);
  const result = system.run();
  const errors = diagnostics.filter((d) => d.startsWith("user program error"));
  expect(result.reason, result.message).not.toBe("invariant");
  expect(errors, errors.join("\n")).toEqual([]);
  return { out: Buffer.from(bytes).toString("latin1"), diagnostics, result, system };
}

/** The first RAM untyped of at least 2^bits bytes, as a cptr and its size. */
export function findUntyped(
  bi: seL4_BootInfo,
  bits: number,
): { cptr: number; sizeBits: number; paddr: number } {
  let best = -1;
  bi.untypedList.forEach((u, i) => {
    if (!u.isDevice && u.sizeBits >= bits && (best < 0 || u.sizeBits < bi.untypedList[best].sizeBits))
      best = i;
  });
  if (best < 0) throw new Error(`no untyped of 2^${bits} bytes`);
  const u = bi.untypedList[best];
  return { cptr: bi.untyped.start + best, sizeBits: u.sizeBits, paddr: u.paddr };
}
