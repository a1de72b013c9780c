// sel4test_sel4ts_s / sel4test_qemu_s (opt-in: SEL4TS_BENCH_SEL4TEST=1 or =<dir>, a few minutes):
// the real sel4test driver (sel4test-driver-fpu) booted on sel4ts, and the real kernel image
// (qemu-image-fpu) under qemu-system-riscv64 as the sel4test build's recipe runs it, each timed
// in wall seconds to the line "All is well in the universe". Host wall time, read only in bench/.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { System } from "../src/system/system.ts";

/** The directory of the sel4test files: SEL4TS_BENCH_SEL4TEST if it names one, else the default place. */
const DIR =
  process.env.SEL4TS_BENCH_SEL4TEST !== undefined && process.env.SEL4TS_BENCH_SEL4TEST !== "1"
    ? resolve(process.env.SEL4TS_BENCH_SEL4TEST)
    : resolve(import.meta.dirname, "../../shared/sel4test");
const DONE = "All is well in the universe";

export function sel4testAvailable(): boolean {
  return existsSync(resolve(DIR, "sel4test-driver-fpu"));
}

/** Wall seconds from boot to DONE on sel4ts, or null if it never came. */
export function sel4testSel4ts(jit: boolean | "js" | "wasm"): number | null {
  const elf = new Uint8Array(readFileSync(resolve(DIR, "sel4test-driver-fpu")));
  let out = "";
  let done = -1;
  const t0 = performance.now();
  const sys = new System({
    jit,
    maxTicks: 6_000_000_000,
    onConsole: (b) => {
      out += String.fromCharCode(b);
      if (b === 10) {
        if (done < 0 && out.includes(DONE)) done = performance.now();
        if (out.length > 4096) out = out.slice(-256);
      }
    },
  });
  sys.bootElf(elf);
  sys.run();
  return done < 0 ? null : (done - t0) / 1000;
}

/** Wall seconds from start to DONE under qemu-system-riscv64, or null without it. */
export function sel4testQemu(timeoutS = 300): Promise<number | null> {
  return new Promise((res) => {
    const t0 = performance.now();
    let out = "";
    let settled = false;
    const finish = (v: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      res(v);
    };
    const args = ["-machine", "virt", "-cpu", "rv64", "-nographic", "-m", "size=3072", "-bios", "none"];
    const child = spawn("qemu-system-riscv64", [...args, "-kernel", resolve(DIR, "qemu-image-fpu")], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const timer = setTimeout(() => finish(null), timeoutS * 1000);
    child.on("error", () => finish(null));
    child.on("exit", () => finish(null));
    child.stdout.on("data", (d: Buffer) => {
      out = (out + d.toString("latin1")).slice(-4096);
      if (out.includes(DONE)) finish((performance.now() - t0) / 1000);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const q = await sel4testQemu();
  const s = sel4testSel4ts(false);
  const j = sel4testSel4ts("wasm");
  console.log(
    `sel4test to '${DONE}': sel4ts ${s?.toFixed(1)} s, translated ${j?.toFixed(1)} s, qemu-system-riscv64 ${q?.toFixed(1)} s`,
  );
}
