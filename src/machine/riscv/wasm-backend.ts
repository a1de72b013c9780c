// The WebAssembly backend of the translator: compiles the modules of wasm-codegen.ts against the
// machine's memory and wraps each in a function with the contract of a JavaScript trace
// (translate.ts), so the dispatcher does not tell them apart.

import type { PhysicalMemory } from "../memory.ts";
import { wasmApi, type WasmMemory } from "../wasm-api.ts";
import { TRACE_PC_SET } from "./codegen.ts";
import { execFp, type FpuState } from "./fpu.ts";
import type { UserMemory } from "./memory-access.ts";
import type { WasmLayout } from "./wasm-codegen.ts";

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

export class WasmBackend {
  readonly layout: WasmLayout;
  /** The control block: n at [0] (Int32), the next page offset at [1] (Float64). */
  readonly ctl: Int32Array;
  readonly ctlF: Float64Array;
  private readonly imports: Record<string, Record<string, unknown>>;

  private constructor(
    private readonly J: TraceHost,
    memory: WasmMemory,
    ctl: Int32Array,
    xlo: Int32Array,
    xhi: Int32Array,
  ) {
    this.ctl = ctl;
    this.ctlF = new Float64Array(ctl.buffer, ctl.byteOffset, 3);
    this.layout = { xlo: xlo.byteOffset, xhi: xhi.byteOffset, ctl: ctl.byteOffset };
    this.imports = {
      j: {
        m: memory,
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
    const ctl = memory.side(8);
    if (!memory.sideOk()) return null;
    const b = new WasmBackend(J, memory.wasm, ctl, xlo, xhi);
    // The smallest module there is: compiling may be forbidden.
    try {
      new wasmApi.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    } catch {
      return null;
    }
    return b;
  }

  /** The export of a module from generateWasm, or null if it does not compile. */
  compile(bytes: Uint8Array): WasmTrace | null {
    try {
      const m = new wasmApi!.Module(bytes);
      return new wasmApi!.Instance(m, this.imports).exports.t as WasmTrace;
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
