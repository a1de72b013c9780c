// The WebAssembly backend of the translator: compiles the modules of wasm-codegen.ts against the
// machine's memory and wraps each in a function with the contract of a JavaScript trace
// (translate.ts), so the dispatcher does not tell them apart.

import type { PhysicalMemory } from "../memory.ts";
import { wasmApi, type WasmMemory, type WasmTable } from "../wasm-api.ts";
import { TRACE_PC_SET } from "./codegen.ts";
import { execFp, type FpuState } from "./fpu.ts";
import type { UserMemory } from "./memory-access.ts";
import type { WasmLayout } from "./wasm-codegen.ts";
import {
  CTL_DEVICE,
  CTL_GEN,
  CTL_WORDS,
  generateRunner,
  JUMP_CACHE,
  JUMP_WORDS,
  SLOTS,
  CTL_CHAINS,
} from "./wasm-chain.ts";

/** What a trace needs of the translator (its fields and helpers, see translate.ts). */
export interface TraceHost {
  n: number;
  limit: number;
  entry: number;
  off: number;
  vlo: number;
  vhi: number;
  readonly mem: UserMemory;
  readonly fpu: FpuState;
  fpMem(store: boolean, size: number, rs1: number, fr: number, imm: number, count: number): number;
  loadSlow(op: number, lo: number, hi: number, count: number): number;
  storeSlow(size: number, lo: number, hi: number, vlo: number, vhi: number, count: number): number;
  memFault(): number;
  trap(code: number, cause: number, off: number, tlo: number, thi: number): number;
  ebreak(off: number): number;
  jalrFault(tlo: number, thi: number): number;
}

export type TraceFn = (xlo: Int32Array, xhi: Int32Array, pageV: number) => number;

/** A trace's WebAssembly export: (entry, n, limit, pageV low and high halves, TLB set address) → code. */
export type WasmTrace = (
  entry: number,
  n: number,
  limit: number,
  pvlo: number,
  pvhi: number,
  tlb: number,
) => number;

/** A trace module's verify export: (RAM byte offset of a page) → 1 if its code is unchanged. */
export type WasmVerify = (base: number) => number;

/** The runner's export (wasm-chain.ts): (trace slot, then a trace's arguments) → code. */
export type WasmRunner = (idx: number, ...trace: Parameters<WasmTrace>) => number;

export class WasmBackend {
  readonly layout: WasmLayout;
  /**
   * The control block: n at [0] (Int32), the next page offset at [1] (Float64), the page the
   * last chained trace ran in at [3] (Float64), then the int32 fields of wasm-chain.ts.
   */
  readonly ctl: Int32Array;
  readonly ctlF: Float64Array;
  /** The jump cache: per entry pc low, pc high, slot, generation, TLB serial (wasm-chain.ts). */
  readonly cache: Int32Array;
  /** Per slot: the run it was last verified in, and the RAM offset of its page. */
  readonly verified: Int32Array;
  private readonly base: Int32Array;
  /** Runs a trace and the traces it chains to (null until create() has made it). */
  run: WasmRunner | null = null;
  /** Slots in use (the next trace's slot). */
  private used = 0;
  private readonly imports: Record<string, Record<string, unknown>>;
  private readonly table: WasmTable;

  private constructor(
    private readonly J: TraceHost,
    memory: WasmMemory,
    ctl: Int32Array,
    cache: Int32Array,
    verified: Int32Array,
    base: Int32Array,
    xlo: Int32Array,
    xhi: Int32Array,
  ) {
    this.ctl = ctl;
    this.cache = cache;
    this.verified = verified;
    this.base = base;
    this.ctlF = new Float64Array(ctl.buffer, ctl.byteOffset, 4);
    this.table = new wasmApi!.Table({ element: "anyfunc", initial: 512 });
    ctl[CTL_GEN / 4] = 1; // cache entries start at generation 0: never valid
    this.layout = {
      xlo: xlo.byteOffset,
      xhi: xhi.byteOffset,
      ctl: ctl.byteOffset,
      fregs: J.fpu.i32.byteOffset,
    };
    this.imports = {
      j: {
        m: memory,
        tab: this.table,
        loadSlow: (op: number, lo: number, hi: number, count: number): number => {
          const r = J.loadSlow(op, lo, hi, count);
          ctl[4] = J.vlo;
          ctl[5] = J.vhi;
          return r;
        },
        storeSlow: (size: number, lo: number, hi: number, vlo: number, vhi: number, count: number): number =>
          J.storeSlow(size, lo, hi, vlo, vhi, count),
        memFault: (): number => J.memFault(),
        trap: (code: number, cause: number, off: number, tlo: number, thi: number): number =>
          J.trap(code, cause, off, tlo, thi),
        ebreak: (off: number): number => J.ebreak(off),
        jalrFault: (tlo: number, thi: number): number => J.jalrFault(tlo, thi),
        fp: (w: number): number => (J.fpu.enabled && execFp(J.fpu, xlo, xhi, w) ? 1 : 0),
        fpMem: (store: number, size: number, rs1: number, fr: number, imm: number, count: number): number =>
          J.fpMem(store !== 0, size, rs1, fr, imm, count),
      },
    };
  }

  /**
   * The backend for a hart whose registers and TLB sets lie in RAM's WebAssembly memory, or null
   * (no WebAssembly, RAM not in its memory, or compiling forbidden, e.g. by a
   * Content-Security-Policy without 'wasm-unsafe-eval').
   */
  static create(J: TraceHost, memory: PhysicalMemory, xlo: Int32Array, xhi: Int32Array): WasmBackend | null {
    if (wasmApi === undefined || memory.wasm === null) return null;
    const ctl = memory.side(CTL_WORDS);
    const cache = memory.side(JUMP_WORDS * JUMP_CACHE);
    const verified = memory.side(SLOTS);
    const base = memory.side(SLOTS);
    if (!memory.sideOk()) return null;
    const b = new WasmBackend(J, memory.wasm, ctl, cache, verified, base, xlo, xhi);
    const lay = {
      ctl: ctl.byteOffset,
      cache: cache.byteOffset,
      verified: verified.byteOffset,
      base: base.byteOffset,
    };
    // Compiling may be forbidden (then nothing is made in WebAssembly).
    try {
      const m = new wasmApi.Module(generateRunner(lay));
      b.run = new wasmApi.Instance(m, b.imports).exports.run as WasmRunner;
    } catch {
      return null;
    }
    return b;
  }

  /** Trace entries the runner made without the dispatcher (wrapping at 2^32). */
  get chained(): number {
    return this.ctl[CTL_CHAINS / 4] >>> 0;
  }

  /** Slots given out before reset() is needed (SLOTS; tests lower it). */
  slotLimit = SLOTS;

  /** True when every slot is in use (the translator then drops every trace: reset()). */
  get full(): boolean {
    return this.used >= this.slotLimit;
  }

  /** Gives a trace of the RAM page at `base` a slot (not verified in any run yet): its number. */
  register(t: WasmTrace, v: WasmVerify, base: number): number {
    const k = this.used++;
    if (2 * k + 2 > this.table.length) this.table.grow(this.table.length);
    this.table.set(2 * k, t);
    this.table.set(2 * k + 1, v);
    this.base[k] = base;
    this.verified[k] = -1;
    return k;
  }

  /**
   * Forgets every slot (the translator dropped every trace; slots are given out again, so the
   * jump cache's entries are made invalid too).
   */
  reset(): void {
    for (let i = 0; i < 2 * this.used; i++) this.table.set(i, null);
    this.used = 0;
    this.invalidate();
  }

  /** Makes every jump-cache entry invalid: the dispatcher's decisions may have changed. */
  invalidate(): void {
    this.ctl[CTL_GEN / 4]++;
  }

  /** Notes that a device was touched (the runner then returns to the dispatcher). */
  deviceTouched(): void {
    this.ctl[CTL_DEVICE / 4] = 1;
  }

  /** The exports of a module from generateWasm, or null if it does not compile. */
  compile(bytes: Uint8Array): { t: WasmTrace; v: WasmVerify } | null {
    try {
      const m = new wasmApi!.Module(bytes);
      const e = new wasmApi!.Instance(m, this.imports).exports;
      return { t: e.t as WasmTrace, v: e.v as WasmVerify };
    } catch {
      return null;
    }
  }

  /** `f` with the contract of a JavaScript trace (the dispatcher calls `f` itself where it can). */
  wrap(f: WasmTrace): TraceFn {
    const J = this.J;
    const ctl = this.ctl;
    const ctlF = this.ctlF;
    return (_xlo, _xhi, pageV) => {
      const c = f(J.entry, J.n, J.limit, pageV | 0, (pageV / 4294967296) | 0, J.mem.rtag.byteOffset);
      J.n = ctl[0];
      if (c !== TRACE_PC_SET) J.off = ctlF[1];
      return c;
    };
  }
}
