// boot_63pd_ms: wall time to build and boot a Microkit system at the PD limit — 63 PDs in a chain
// of 62 channels — until the initialiser has finished and every PD's init has run (the system is
// then idle). Everything from the SDF text on is counted: parse, CapDL build, the initialiser's
// system calls (retypes, mappings, cap copies, TCB setup) and the PDs' first run.
// boot_63pd_checked_ratio: the same boot with the invariant checker after every kernel entry
// (--check-invariants), over the boot without it, measured in the same process.

import { parseSdf } from "../src/microkit/sdf.ts";
import { runMicrokit } from "../src/microkit/run.ts";
import type { MicrokitProgram } from "../src/user/microkit.ts";

export const BOOT_PDS = 63;

/** The SDF of a chain of `n` PDs: pd<i> and pd<i+1> share a channel (ids 1 and 0). */
export function chainSdf(n: number): string {
  const pds: string[] = [];
  const chans: string[] = [];
  for (let i = 0; i < n; i++) {
    pds.push(
      `  <protection_domain name="pd${i}" priority="${100 + (i % 100)}">\n` +
        `    <program_image path="pd.ts" />\n  </protection_domain>`,
    );
    if (i + 1 < n)
      chans.push(`  <channel><end pd="pd${i}" id="1" /><end pd="pd${i + 1}" id="0" /></channel>`);
  }
  return `<system>\n${pds.join("\n")}\n${chans.join("\n")}\n</system>\n`;
}

/** One boot of the chain system; returns the wall milliseconds and the number of inits that ran. */
export function bootOnce(n = BOOT_PDS, checkInvariants = false): { ms: number; inits: number } {
  let inits = 0;
  const program: MicrokitProgram = {
    init: function* () {
      inits++;
      yield* [];
    },
    notified: undefined,
    protected: undefined,
    fault: undefined,
  };
  const t0 = performance.now();
  const r = parseSdf(chainSdf(n), { file: "chain.system" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const programs = new Map<string, MicrokitProgram>();
  for (const pd of r.system.protectionDomains) programs.set(pd.name, program);
  const run = runMicrokit(r.system, programs, { maxTicks: 10_000_000, checkInvariants });
  const ms = performance.now() - t0;
  if (run.result.reason !== "idle") throw new Error(`boot ended with ${run.result.reason}`);
  return { ms, inits };
}

/**
 * Median of `runs` boots after `warm` unmeasured ones. With --expose-gc, the garbage of the
 * previous boot (a whole system, 256 MiB of RAM included) is collected before each one, so that
 * a boot is not charged for its predecessor, as a one-boot CLI process never is.
 */
export function boot63(runs = 7, warm = 3, checkInvariants = false): { ms: number; inits: number } {
  for (let i = 0; i < warm; i++) bootOnce(BOOT_PDS, checkInvariants);
  const times: number[] = [];
  let inits = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < runs; i++) {
    gc?.();
    const b = bootOnce(BOOT_PDS, checkInvariants);
    times.push(b.ms);
    inits = b.inits;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], inits };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = boot63();
  console.log(`boot of ${BOOT_PDS} PDs: ${r.ms.toFixed(1)} ms (median), ${r.inits} inits`);
}
