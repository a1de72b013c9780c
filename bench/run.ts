// `npm run bench`: how fast is the invocation path, and does it allocate?
//
// A deliberately tiny harness of our own instead of a benchmark library: we need a custom
// measurement (copy+delete pairs issued by a TS root task inside the simulated system, plus a
// kernel-only driver and a coroutine baseline measured in the same process) and an allocation
// count taken from V8's GC profiler, which no general-purpose bench tool reports; a dependency
// would add install weight for a loop and performance.now(). Host time is read only here in
// bench/, never in src/kernel.
//
// What it prints (and with --json, as the last line, one JSON object):
//   ipc_roundtrip_ns, coroutine_floor_ns, ipc_ratio  bench/ipc.ts (Call + ReplyRecv against two
//       generators handing a value back and forth);
//   notify_ns, retype_revoke_per_s  bench/ops.ts;  boot_63pd_ms, boot_63pd_checked_ratio  bench/boot.ts;
//   emulated_mips / emulated_mips_mem  bench/mips.ts (RV64 interpreter: tight loop, memory loop),
//       and _jit the same translated, _wasm translated into WebAssembly;
//   mixed_mips_interp / _jit / _qemu, mixed_jit_speedup, mixed_qemu_ratio  bench/mixed.ts (a mixed C
//       workload on sel4ts interpreted and translated, and under qemu-riscv64 when installed);
//       mixed_mips_wasm, mixed_wasm_speedup (/ interpreted), mixed_wasm_vs_jit (/ JavaScript),
//       mixed_qemu_ratio_wasm: the same translated into WebAssembly;
//   sel4test_sel4ts_s / _wasm_s / sel4test_qemu_s  bench/sel4test.ts, only with SEL4TS_BENCH_SEL4TEST=1;
//   c_ppcall_roundtrip_ns (_sim_ns, _jit_ns, _wasm_ns)  bench/ppcall.ts (C PDs from bench/c; on
//       the interpreter, translated, and translated into WebAssembly; the steady state, each the
//       median of 3 runs taken in turn, in a process of their own);
//   sim_speedup_idle / _busy  bench/time.ts;
//   copy_delete_pairs_per_s / copy_delete_pair_ns  seL4_CNode_Copy + seL4_CNode_Delete of an
//       endpoint cap, issued by a TS root task through libsel4, the TS engine and the kernel;
//   copy_delete_floor_ns  a bare generator ping-pong of the same count (two round trips a pair),
//       the cost floor of running user code as coroutines;
//   ratio  pair_ns / copy_delete_floor_ns;
//   heap_growth_bytes_per_pair  bytes allocated per pair on the full path, counted as the
//       growth of the used heap across the loop with every GC in between added back (V8
//       GCProfiler), so garbage counts too: 0 means the path allocates nothing;
//   kernel_pair_ns / kernel_heap_bytes_per_pair  the same pair driven straight into the kernel's
//       trap entry with the registers written by hand (no coroutine engine, no libsel4).
//
// Options: --json; --pairs N (default 200000); --profile-alloc (sampling heap profile of the
// full path: which functions allocate). Run with --expose-gc (the npm script does) for stable
// heap numbers.

import { Session } from "node:inspector";
import v8 from "node:v8";
import {
  BI_empty,
  BI_untyped,
  BI_untypedList,
  UNTYPED_DESC_BYTES,
  seL4_CapBootInfoFrame,
  tcbCTable,
  IPCBUF_CAPS_OR_BADGES,
  IPCBUF_MSG,
  msgInfoLabel,
  msgInfoLo,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_EndpointObject,
  seL4_SysCall,
  CNodeCopy,
  CNodeDelete,
  UntypedRetype,
  tcbBuffer,
} from "../src/abi/index.ts";
import { a0, a1, a2, a3, a4, a5, a7, NextIP } from "../src/abi/registers.ts";
import { System } from "../src/system/system.ts";
import { coroutineFloor as pingPongFloor, ipcRoundTrip } from "./ipc.ts";
import { simSpeedup } from "./time.ts";
import { notifyNs, retypeRevokePerS } from "./ops.ts";
import { boot63, BOOT_PDS } from "./boot.ts";
import { emulatedMips } from "./mips.ts";
import { mixedWorkload } from "./mixed.ts";
import { sel4testAvailable, sel4testQemu, sel4testSel4ts } from "./sel4test.ts";
import { ppcallRoundTripsApart } from "./ppcall.ts";
import type { CNode, Tcb } from "../src/kernel/structures.ts";
import {
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_Untyped_Retype,
  type seL4_BootInfo,
} from "../src/user/libsel4.ts";

const args = process.argv.slice(2);
const json = args.includes("--json");
const profileAlloc = args.includes("--profile-alloc");
const pairsArg = args.indexOf("--pairs");
const PAIRS = pairsArg >= 0 ? Number(args[pairsArg + 1]) : 200_000;
const WARMUP = Math.min(50_000, PAIRS);
const HEAP_PAIRS = Math.min(100_000, PAIRS);
const RAM = 64 * 1024 * 1024;
/** Timed repetitions of each loop; the best one is reported (least disturbed by GC and JIT). */
const REPS = 3;

/** Best wall time of REPS runs of `fn`, in ns. */
function best(fn: () => void): number {
  let min = Infinity;
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t0) * 1e6);
  }
  return min;
}

const gc = (globalThis as { gc?: () => void }).gc;
function collect(): void {
  gc?.();
  gc?.();
}

/**
 * Start counting allocation: returns a function that stops and gives the bytes allocated since,
 * i.e. the growth of the used heap plus what every GC in between reclaimed.
 */
function countAllocation(): () => number {
  collect();
  const profiler = new v8.GCProfiler();
  const start = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  return () => {
    const end = v8.getHeapStatistics().used_heap_size;
    const stats = profiler.stop()?.statistics ?? [];
    let total = 0;
    let last = start;
    for (const s of stats) {
      total += s.beforeGC.heapStatistics.usedHeapSize - last;
      last = s.afterGC.heapStatistics.usedHeapSize;
    }
    return total + end - last;
  };
}

function firstRamUntyped(bi: seL4_BootInfo): number {
  const i = bi.untypedList.findIndex((u) => u.isDevice === 0 && u.sizeBits >= 12);
  return bi.untyped.start + i;
}

// ---- 1. The full path: a TS root task through libsel4, the engine and the kernel ----

interface FullResult {
  pairNs: number;
  heapBytesPerPair: number;
  failures: number;
}

function fullPath(): FullResult {
  const r: FullResult = { pairNs: 0, heapBytesPerPair: 0, failures: 0 };
  const system = new System({ ramSize: RAM, onDiagnostic: (t) => console.error(t) });
  system.boot(function* (bi) {
    const root = seL4_CapInitThreadCNode;
    const ep = bi.empty.start;
    const copy = ep + 1;
    r.failures += yield* seL4_Untyped_Retype(firstRamUntyped(bi), seL4_EndpointObject, 0, root, 0, 0, ep, 1);
    // The same loop body for warm-up, timing and the heap count.
    const loop = function* (n: number) {
      let errors = 0;
      for (let i = 0; i < n; i++) {
        errors |= yield* seL4_CNode_Copy(root, copy, 64, root, ep, 64, seL4_AllRights);
        errors |= yield* seL4_CNode_Delete(root, copy, 64);
      }
      return errors;
    };
    r.failures += yield* loop(WARMUP);
    r.pairNs = Infinity;
    for (let rep = 0; rep < REPS; rep++) {
      const t0 = performance.now();
      r.failures += yield* loop(PAIRS);
      r.pairNs = Math.min(r.pairNs, ((performance.now() - t0) * 1e6) / PAIRS);
    }

    // Heap: the count brackets a loop that runs inside this generator, System loop included.
    const stop = countAllocation();
    r.failures += yield* loop(HEAP_PAIRS);
    r.heapBytesPerPair = stop() / HEAP_PAIRS;
  });
  const result = system.run();
  if (result.reason !== "idle")
    throw new Error(`full-path run ended with ${result.reason}: ${result.message}`);
  return r;
}

// ---- 2. Kernel only: the same pair, registers written by hand, trapping straight in ----

function kernelOnly(): { pairNs: number; heapBytesPerPair: number; failures: number } {
  const system = new System({ ramSize: RAM });
  system.boot(function* () {
    yield* [];
  });
  const k = system.kernel;
  const m = system.machine;
  const mem = m.memory;
  const tcb: Tcb = k.currentThread;
  const regs = tcb.regs;
  const ipc = tcb.cte[tcbBuffer].ptr + (tcb.ipcBuffer % 4096);
  const setWord = (w: number, v: number): void => mem.writeWordHiLo(ipc + 8 * w, 0, v);
  const set = (r: number, v: number): void => {
    regs[2 * r] = v >>> 0;
    regs[2 * r + 1] = v < 0 ? 0xffffffff : 0;
  };
  // Run the trap as the System loop would: take interrupts, idle until the root thread runs
  // again, and re-issue a syscall the kernel restarted (out of budget).
  const trap = (): number => {
    for (;;) {
      const pc = regs[2 * NextIP];
      k.syscallTrap();
      while (k.currentThread !== tcb || m.interruptPending()) {
        if (m.interruptPending()) k.interruptTrap();
        else m.clock.advanceTo(m.nextEventTime());
      }
      if (regs[2 * NextIP] !== pc) return msgInfoLabel(regs[2 * a1], regs[2 * a1 + 1]);
    }
  };
  const invoke = (
    label: number,
    len: number,
    caps: number,
    w0: number,
    w1: number,
    w2: number,
    w3: number,
  ) => {
    set(a7, seL4_SysCall);
    set(a0, seL4_CapInitThreadCNode);
    set(a1, msgInfoLo(label, 0, caps, len));
    set(a2, w0);
    set(a3, w1);
    set(a4, w2);
    set(a5, w3);
    return trap();
  };

  // The boot info frame (slot 9 of the root CNode) gives the slot numbers we need.
  const rootCNode = tcb.cte[tcbCTable].obj as CNode;
  const biPaddr = rootCNode.slots[seL4_CapBootInfoFrame].ptr;
  const emptyStart = mem.readWordLo(biPaddr + BI_empty);
  const untypedStart = mem.readWordLo(biPaddr + BI_untyped);
  let ut = -1;
  for (let i = 0; ut < 0; i++) {
    const d = biPaddr + BI_untypedList + UNTYPED_DESC_BYTES * i;
    if (mem.read8(d + 9) === 0 && mem.read8(d + 8) >= 12) ut = untypedStart + i;
  }
  const ep = emptyStart;
  const copy = ep + 1;
  setWord(IPCBUF_CAPS_OR_BADGES, seL4_CapInitThreadCNode);
  setWord(IPCBUF_MSG + 4, ep); // Retype: node_offset
  setWord(IPCBUF_MSG + 5, 1); // Retype: num_objects
  let failures = 0;
  // Retype(ut): type, size_bits, node_index, node_depth | node_offset, num_objects in msg[4..5].
  set(a0, ut);
  set(a7, seL4_SysCall);
  set(a1, msgInfoLo(UntypedRetype, 0, 1, 6));
  set(a2, seL4_EndpointObject);
  set(a3, 0);
  set(a4, 0);
  set(a5, 0);
  failures |= trap();
  setWord(IPCBUF_MSG + 4, seL4_AllRights); // Copy: rights in msg[4]

  const loop = (n: number): void => {
    for (let i = 0; i < n; i++) {
      failures |= invoke(CNodeCopy, 5, 1, copy, 64, ep, 64);
      failures |= invoke(CNodeDelete, 2, 0, copy, 64, 0, 0);
    }
  };
  loop(WARMUP);
  const pairNs = best(() => loop(PAIRS)) / PAIRS;
  const stop = countAllocation();
  loop(HEAP_PAIRS);
  return { pairNs, heapBytesPerPair: stop() / HEAP_PAIRS, failures };
}

// ---- 3. The coroutine floor: a bare generator ping-pong, two round trips per pair ----

function coroutineFloor(): number {
  function* pingPong(n: number): Generator<number, void, void> {
    for (let i = 0; i < n; i++) yield i;
  }
  const run = (pairs: number): number => {
    let sink = 0;
    const it = pingPong(2 * pairs);
    for (let r = it.next(); r.done !== true; r = it.next()) sink ^= r.value;
    return sink;
  };
  run(WARMUP);
  let sink = 0;
  const ns = best(() => {
    sink ^= run(PAIRS);
  });
  if (sink === -1) console.log(sink);
  return ns / PAIRS;
}

// ---- allocation profile (optional) ----

async function profileAllocations(): Promise<void> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
  interface Node {
    callFrame: { functionName: string; url: string; lineNumber: number };
    selfSize: number;
    children: Node[];
  }
  {
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: 32,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    fullPath();
    const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: { head: Node } };
    const by = new Map<string, number>();
    const walk = (n: Node): void => {
      const f = n.callFrame;
      const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/work\/main\//, "")}:${f.lineNumber + 1}`;
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
      n.children.forEach(walk);
    };
    walk(profile.head);
    const total = [...by.values()].reduce((a, b) => a + b, 0);
    console.log(`\nSampled allocations of one full-path run (${(total / 1e6).toFixed(1)} MB sampled):`);
    for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
  session.disconnect();
}

// ---- main ----

const full = fullPath();
const kern = kernelOnly();
const floor = coroutineFloor();
const ipc = ipcRoundTrip(Math.max(10_000, Math.floor(PAIRS / 2)), 5);
const pingPong = pingPongFloor(1_000_000, 5);
const speedupIdle = simSpeedup("idle", 100);
const speedupBusy = simSpeedup("busy", 2);
const notify = notifyNs(Math.max(10_000, Math.floor(PAIRS / 2)), 5);
const retypeRevoke = retypeRevokePerS(Math.max(10_000, Math.floor(PAIRS / 4)), 5);
const boot = boot63();
const bootChecked = boot63(5, 2, true);
const mips = emulatedMips(50_000_000, 0);
const mipsMem = emulatedMips(1, 50_000);
const mipsJit = emulatedMips(200_000_000, 0, "js");
const mipsMemJit = emulatedMips(1, 200_000, "js");
const mipsWasm = emulatedMips(200_000_000, 0, "wasm");
const mipsMemWasm = emulatedMips(1, 200_000, "wasm");
const mixed = mixedWorkload();
const sel4test =
  process.env.SEL4TS_BENCH_SEL4TEST !== undefined && sel4testAvailable()
    ? { sel4ts: sel4testSel4ts(false), wasm: sel4testSel4ts("wasm"), qemu: await sel4testQemu() }
    : null;
const ppcalls = ppcallRoundTripsApart();
const ppcall = ppcalls.get(false)!;
const ppcallJit = ppcalls.get("js")!;
const ppcallWasm = ppcalls.get("wasm")!;
if (boot.inits !== BOOT_PDS) throw new Error(`only ${boot.inits} of ${BOOT_PDS} inits ran`);
if (full.failures !== 0 || kern.failures !== 0) throw new Error("an invocation in the loop failed");

const result = {
  ipc_roundtrip_ns: Math.round(ipc.roundTripNs),
  coroutine_floor_ns: Number(pingPong.toFixed(1)),
  ipc_ratio: Number((ipc.roundTripNs / pingPong).toFixed(1)),
  ipc_fastpath_share: Number((ipc.fastpaths / (2 * ipc.roundTrips)).toFixed(3)),
  notify_ns: Math.round(notify),
  retype_revoke_per_s: Math.round(retypeRevoke),
  boot_63pd_ms: Number(boot.ms.toFixed(1)),
  boot_63pd_checked_ratio: Number((bootChecked.ms / boot.ms).toFixed(2)),
  emulated_mips: Number(mips.toFixed(1)),
  emulated_mips_mem: Number(mipsMem.toFixed(1)),
  emulated_mips_jit: Number(mipsJit.toFixed(1)),
  emulated_mips_mem_jit: Number(mipsMemJit.toFixed(1)),
  emulated_mips_wasm: Number(mipsWasm.toFixed(1)),
  emulated_mips_mem_wasm: Number(mipsMemWasm.toFixed(1)),
  mixed_mips_interp: Number(mixed.interp.mips.toFixed(1)),
  mixed_mips_jit: Number(mixed.jit.mips.toFixed(1)),
  mixed_jit_speedup: Number((mixed.jit.mips / mixed.interp.mips).toFixed(2)),
  mixed_mips_qemu: mixed.qemuMips === null ? null : Math.round(mixed.qemuMips),
  mixed_qemu_ratio: mixed.qemuMips === null ? null : Number((mixed.qemuMips / mixed.jit.mips).toFixed(1)),
  mixed_mips_wasm: Number(mixed.wasm.mips.toFixed(1)),
  mixed_wasm_speedup: Number((mixed.wasm.mips / mixed.interp.mips).toFixed(2)),
  mixed_wasm_vs_jit: Number((mixed.wasm.mips / mixed.jit.mips).toFixed(2)),
  mixed_qemu_ratio_wasm:
    mixed.qemuMips === null ? null : Number((mixed.qemuMips / mixed.wasm.mips).toFixed(1)),
  sel4test_sel4ts_s: sel4test?.sel4ts == null ? null : Number(sel4test.sel4ts.toFixed(1)),
  sel4test_sel4ts_wasm_s: sel4test?.wasm == null ? null : Number(sel4test.wasm.toFixed(1)),
  sel4test_qemu_s: sel4test?.qemu == null ? null : Number(sel4test.qemu.toFixed(1)),
  c_ppcall_roundtrip_ns: Math.round(ppcall.ns),
  c_ppcall_roundtrip_sim_ns: Math.round(ppcall.simNs),
  c_ppcall_roundtrip_jit_ns: Math.round(ppcallJit.ns),
  c_ppcall_roundtrip_wasm_ns: Math.round(ppcallWasm.ns),
  sim_speedup_idle: Math.round(speedupIdle),
  sim_speedup_busy: Number(speedupBusy.toFixed(1)),
  copy_delete_pairs_per_s: Math.round(1e9 / full.pairNs),
  copy_delete_pair_ns: Math.round(full.pairNs),
  copy_delete_floor_ns: Number(floor.toFixed(1)),
  ratio: Number((full.pairNs / floor).toFixed(1)),
  heap_growth_bytes_per_pair: Number(full.heapBytesPerPair.toFixed(1)),
  kernel_pair_ns: Math.round(kern.pairNs),
  kernel_heap_bytes_per_pair: Number(kern.heapBytesPerPair.toFixed(1)),
};

const rows: [string, string][] = [
  ["IPC round trip: Call + ReplyRecv, passive server, fastpath (median ns)", String(result.ipc_roundtrip_ns)],
  ["coroutine floor: two generators via a driver, ns per round trip", String(result.coroutine_floor_ns)],
  ["ratio IPC round trip / floor", String(result.ipc_ratio)],
  ["share of IPC halves on the fastpath", String(result.ipc_fastpath_share)],
  ["Signal to a waiting higher-priority thread, and its Wait (median ns)", String(result.notify_ns)],
  ["Untyped_Retype + CNode_Revoke pairs per second", result.retype_revoke_per_s.toLocaleString("en")],
  [`boot of ${BOOT_PDS} PDs / 62 channels to every init run (median ms)`, String(result.boot_63pd_ms)],
  ["  the same with the invariant checker after every entry, ratio", String(result.boot_63pd_checked_ratio)],
  ["emulated RV64 MIPS, tight loop (c.addi + c.bnez)", String(result.emulated_mips)],
  ["emulated RV64 MIPS, load/add/store loop over an array", String(result.emulated_mips_mem)],
  ["  the same two, translated: tight loop", String(result.emulated_mips_jit)],
  ["  ... load/add/store loop", String(result.emulated_mips_mem_jit)],
  ["  the same two, translated into WebAssembly: tight loop", String(result.emulated_mips_wasm)],
  ["  ... load/add/store loop", String(result.emulated_mips_mem_wasm)],
  ["mixed C workload (bench/c/mixed-work.c), interpreted MIPS", String(result.mixed_mips_interp)],
  ["  translated MIPS", String(result.mixed_mips_jit)],
  ["  speedup translated / interpreted", String(result.mixed_jit_speedup)],
  ["  qemu-riscv64 MIPS on the same code (- when not installed)", String(result.mixed_mips_qemu ?? "-")],
  ["  ratio qemu-riscv64 / sel4ts translated", String(result.mixed_qemu_ratio ?? "-")],
  ["  translated into WebAssembly (--jit=wasm), MIPS", String(result.mixed_mips_wasm)],
  ["  speedup WebAssembly / interpreted", String(result.mixed_wasm_speedup)],
  ["  speedup WebAssembly / JavaScript", String(result.mixed_wasm_vs_jit)],
  ["  ratio qemu-riscv64 / sel4ts WebAssembly", String(result.mixed_qemu_ratio_wasm ?? "-")],
  [
    "sel4test to 'All is well', sel4ts interpreted s (SEL4TS_BENCH_SEL4TEST=1)",
    String(result.sel4test_sel4ts_s ?? "-"),
  ],
  ["  sel4ts translated into WebAssembly (the default), s", String(result.sel4test_sel4ts_wasm_s ?? "-")],
  ["  qemu-system-riscv64 with the real kernel, s", String(result.sel4test_qemu_s ?? "-")],
  ["C ppcall round trip between two PDs on the RV64 hart (wall ns)", String(result.c_ppcall_roundtrip_ns)],
  ["  the same in simulated time (ns)", String(result.c_ppcall_roundtrip_sim_ns)],
  ["  the same translated (--jit, wall ns)", String(result.c_ppcall_roundtrip_jit_ns)],
  ["  the same translated into WebAssembly (wall ns)", String(result.c_ppcall_roundtrip_wasm_ns)],
  ["simulated s per wall s, idle-heavy (0.5 ms of work per 100 ms)", String(result.sim_speedup_idle)],
  ["simulated s per wall s, busy (two threads computing round robin)", String(result.sim_speedup_busy)],
  ["copy+delete pairs per second (TS root task)", result.copy_delete_pairs_per_s.toLocaleString("en")],
  ["ns per pair (TS root task)", String(result.copy_delete_pair_ns)],
  ["copy+delete floor: generator ping-pong, ns per 2 round trips", String(result.copy_delete_floor_ns)],
  ["ratio pair / floor", String(result.ratio)],
  ["heap bytes allocated per pair (TS root task)", String(result.heap_growth_bytes_per_pair)],
  ["ns per pair (kernel only, registers by hand)", String(result.kernel_pair_ns)],
  ["heap bytes allocated per pair (kernel only)", String(result.kernel_heap_bytes_per_pair)],
];
const w = Math.max(...rows.map(([k]) => k.length));
console.log(
  `sel4ts bench: ${PAIRS.toLocaleString("en")} pairs, node ${process.version}${gc ? "" : " (no --expose-gc)"}`,
);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v.padStart(12)}`);
if (profileAlloc) await profileAllocations();
if (json) console.log(JSON.stringify(result));
