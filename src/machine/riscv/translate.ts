// The translating RV64 machine: hot user code becomes WebAssembly (wasm-codegen.ts) or JavaScript
// functions (codegen.ts), the interpreter (cpu.ts) stays the reference and runs everything else.
// This file is the dispatcher; region.ts reads the code, the backends make the functions. (It is
// longer than most: run() is the measured hot loop and stays one function, with its state in
// locals.)
//
// A trace starts at a pc that has been reached often enough (HOT times) and covers the region of
// its 4 KiB page reachable from there through fall-through, both ways of conditional branches,
// direct jumps (jal) and the return points of calls, up to MAX_TRACE instructions; it ends before
// an instruction the translator leaves to the interpreter (CSRs, atomics, anything unknown) and
// after a jalr, ecall, ebreak, illegal instruction or fence.i. Branches inside the region stay
// inside the function (a loop over a switch on the page offset), others leave it, and the
// function may be entered at any of its basic blocks, so one translation serves every hot entry
// it covers. Traces are cached per physical page (every mapping of the page shares them); the
// virtual page is looked up in the hart's TLB as the interpreter's fetch does, so satp, ASID and
// TLB flushes are respected the same way. WebAssembly traces are entered through the runner
// (wasm-chain.ts), which goes on from one trace to the next where this dispatcher would have
// entered the same trace, without coming back here.
//
// When to compile: V8 needs tens of milliseconds (more on a busy machine) to optimise a trace,
// as long as the interpreter takes for millions of instructions, so new code is compiled after
// the interpreter has run COMPILE_AFTER instructions in its page (the cost is then at most what
// was already spent); code compiled before (the same program in another process, as sel4test
// starts one per test) is used at once. Pages without translations are interpreted COLD_RUN
// instructions at a time, the dispatcher sampling where they go; pages with some run block by
// block between their traces.
//
// Exactness: a trace counts each basic block's instructions before running it and runs it only
// if they all fit before the machine's next event, so the interpreter runs the last few
// instructions before an event and the event comes at the same instruction. A faulting access
// leaves the trace with the count, registers and pc of the faulting instruction. Code written
// after translation: pages holding translations leave the write TLB (memory-access.ts), so every
// store into them is seen; a store into a word translated code was made from drops the page's
// translations (and ends the running trace), a store beside them changes nothing. The kernel
// (or anything else outside the hart) may write memory only between runs, and the machine counts
// those stores that land in pages holding translated code (PhysicalMemory.codeStores): after
// any, each trace checks its instruction bits again before it next runs (a new "epoch") and is
// made again if they changed.

import type { Machine } from "../machine.ts";
import * as cpu from "./cpu.ts";
import type { Hart } from "./cpu.ts";
import type { FpuState } from "./fpu.ts";
import * as cg from "./codegen.ts";
import type { TInst } from "./codegen.ts";
import * as ma from "./memory-access.ts";
import type { UserMemory } from "./memory-access.ts";
import * as O from "./ops.ts";
import { canTranslate, JsBackend } from "./js-backend.ts";
import { WasmBackend, type TraceFn, type WasmTrace, type WasmVerify } from "./wasm-backend.ts";
import { generateWasm, wasmTranslatable } from "./wasm-codegen.ts";
import { CTL_FPU } from "./wasm-frame.ts";
import { CodePage, CodeReader, Trace } from "./region.ts";
import {
  CTL_DEVICE,
  CTL_EPOCH,
  CTL_GEN,
  JUMP_CACHE,
  JUMP_WORDS,
  TRACE_MISS,
  TRACE_STALE,
} from "./wasm-chain.ts";

// Module-local copies of the imports used on the hot path (a transpiled ES module may reach an
// imported binding through a getter on every use; see cpu.ts).
const { CPU_EVENT, CPU_FAULT } = cpu;
const { TRACE_BUDGET, TRACE_CODE_WRITE, TRACE_JUMP, TRACE_NEXT, TRACE_PC_SET } = cg;
const { MEM_FAULT, TLB_MASK } = ma;
const { OP_LB, OP_LW } = O;

const TWO_32 = 4294967296;
const JUMP_MASK = JUMP_CACHE - 1;
const CTL_GEN_WORD = CTL_GEN / 4;
const CTL_DEVICE_WORD = CTL_DEVICE / 4;
const CTL_EPOCH_WORD = CTL_EPOCH / 4;
const CTL_FPU_WORD = CTL_FPU / 4;
const JUMP_SHIFT = Math.log2(JUMP_WORDS);
const USER_TOP = 2 ** 38;
/** Times a pc is reached (by the interpreter) before a trace is made there. */
const HOT = 4;
/** See Translator.compileAfter. */
const COMPILE_AFTER = 2_000_000;
/**
 * The same for the WebAssembly backend: a module is compiled (Liftoff) in a few milliseconds and
 * runs at full baseline speed at once, so it is repaid sooner (measured: the mixed workload's
 * 1,000 rounds 1.3-1.5× faster, sel4test's first 2 s 20-30 % less CPU than at COMPILE_AFTER).
 */
const COMPILE_AFTER_WASM = 200_000;
/** Instructions the interpreter runs at a time in a page with no translation. */
const COLD_RUN = 1000;
/** Pages whose traces are kept before all are dropped (as the interpreter's decode cache). */
const MAX_PAGES = 4096;
/** Generated functions kept (by source) before all are dropped. */
const MAX_FNS = 8192;

/** Which code traces become: JavaScript functions, or WebAssembly (falling back to JavaScript). */
export type Backend = "js" | "wasm";

/**
 * A compiled region: its function, its WebAssembly exports if it is WebAssembly (the trace and
 * the check that its code is unchanged), and its unit starts.
 */
interface Made {
  fn: TraceFn;
  wasm: WasmTrace | null;
  verify: WasmVerify | null;
  starts: number[];
}

export { canTranslate };

export class Translator {
  // Shared with the generated code (fields read and written by traces).
  n = 0;
  limit = 0;
  off = 0;
  entry = 0;
  pageV = 0;
  vlo = 0;
  vhi = 0;
  readonly mem: UserMemory;
  /** The hart's F/D state (traces run F/D instructions through fpu.ts on it). */
  readonly fpu: FpuState;
  /**
   * Instructions the interpreter must have run in a page before new code of it is compiled: V8
   * takes tens of milliseconds to optimise a trace, which code that runs briefly never repays.
   * 0 (tests) translates at HOT hits, block by block, as soon as possible.
   */
  compileAfter = COMPILE_AFTER;
  /** Traces made (for tests and the bench). */
  made = 0;
  private epoch = 0;
  // PhysicalMemory.codeStores when the epoch last moved.
  private stores = -1;
  private codeWrites = 0;
  private readonly pages = new Map<number, CodePage>();
  private readonly fns = new Map<string, Made>();
  private readonly code: CodeReader;
  private readonly i32: Int32Array;
  private readonly js: JsBackend;
  private deviceTouched = false;
  // hart.instret before the instruction that last touched a device.
  private deviceAt = 0;
  /** The WebAssembly backend, or null when traces are JavaScript. */
  private readonly wasm: WasmBackend | null;
  /** Traces whose WebAssembly did not compile (then made in JavaScript): 0 unless something is wrong. */
  wasmFailed = 0;

  constructor(
    private readonly hart: Hart,
    private readonly machine: Machine,
    backend: Backend = "js",
  ) {
    this.mem = hart.mem;
    this.fpu = hart.fpu;
    this.wasm = backend === "wasm" ? WasmBackend.create(this, machine.memory, hart.xlo, hart.xhi) : null;
    if (this.wasm !== null) this.compileAfter = COMPILE_AFTER_WASM;
    const buf = machine.memory.u8.buffer;
    this.code = new CodeReader(buf);
    this.i32 = new Int32Array(buf);
    this.js = new JsBackend(this, buf, hart.xlo, hart.xhi);
    const before = this.mem.beforeDevice;
    this.mem.beforeDevice = () => {
      before();
      this.wasm?.deviceTouched();
      this.deviceTouched = true;
      this.deviceAt = this.hart.instret;
    };
  }

  /** Traces the WebAssembly runner entered by itself, chained from another (wasm-chain.ts). */
  get chained(): number {
    return this.wasm?.chained ?? 0;
  }

  /** Lowers the number of WebAssembly trace slots before every trace is dropped (tests). */
  limitSlots(n: number): void {
    if (this.wasm !== null) this.wasm.slotLimit = n;
  }

  /** True when traces are made in WebAssembly. */
  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  /** Drops every translation (tests; and when the cache is full). */
  flush(): void {
    this.pages.clear();
    this.mem.clearCode();
    this.wasm?.invalidate();
  }

  private page(base: number): CodePage {
    let p = this.pages.get(base);
    if (p === undefined) {
      if (this.pages.size >= MAX_PAGES) this.flush();
      p = new CodePage();
      this.pages.set(base, p);
    }
    return p;
  }

  /**
   * Makes the trace entered at `off` of the RAM page `base`: the region of the page reachable
   * from there through fall-through, branches (both ways) and direct jumps, up to MAX_TRACE
   * instructions, each ending before an instruction the interpreter keeps; null if the first
   * instruction is the interpreter's.
   */
  private translate(base: number, off: number, cp: CodePage, compile: boolean): Trace | null {
    const reg = this.code.region(base, off);
    if (reg === null) return null;
    const { insts, spans, bits } = reg;
    // The same code elsewhere (another process's copy of a program, another mapping, code
    // translated again after the cache was dropped) gives the same function: the source depends
    // only on the entry, the instructions' offsets and their bits, so those are the cache key,
    // and V8 compiles and optimises each function once.
    const key = `${off}|${insts.map((t) => t.off).join(",")}|${bits.join(",")}`;
    let made = this.fns.get(key);
    if (made === undefined) {
      if (!compile) return null;
      // (work stays: once a page has earned compilation, its other hot entries have too)
      if (this.fns.size >= MAX_FNS) this.fns.clear();
      const m =
        (this.wasm !== null ? this.wasmMade(insts, off, spans, bits) : null) ?? this.jsMade(insts, off);
      if (m === null) return null;
      made = m;
      this.fns.set(key, made);
    }
    const w = this.wasm;
    // No slot left: nothing is made until the next run starts with every trace dropped (not
    // here: the dispatcher may still hold this page's traces, whose slots would be given out
    // again).
    if (w !== null && w.full) return null;
    this.mem.markCode(base, spans);
    this.made++;
    const idx = w !== null && made.wasm !== null ? w.register(made.wasm, made.verify!, base) : -1;
    const tr = new Trace(made.fn, made.wasm, idx, made.verify, spans, bits);
    cp.traced = true;
    for (const t of insts) cp.covered[t.off >>> 1] = 1;
    // The function may be entered at any unit start: those not yet covered use it too.
    for (const u of made.starts) if (cp.traces[u >>> 1] === undefined) cp.traces[u >>> 1] = tr;
    return tr;
  }

  /** The region compiled into a JavaScript function; null where `new Function` is forbidden. */
  private jsMade(insts: readonly TInst[], off: number): Made | null {
    const m = this.js.make(insts, off);
    return m === null ? null : { fn: m.fn, wasm: null, verify: null, starts: m.starts };
  }

  /** The region compiled into a WebAssembly module; null if it does not compile. */
  private wasmMade(insts: readonly TInst[], off: number, spans: Int32Array, bits: Int32Array): Made | null {
    const b = this.wasm!;
    if (!insts.every((t) => wasmTranslatable(t.op))) return null;
    const starts = new Set<number>();
    let bytes: Uint8Array;
    try {
      bytes = generateWasm(insts, off, starts, b.layout, spans, bits);
    } catch {
      // An op the WebAssembly emitter does not know yet (see wasmTranslatable): JavaScript.
      this.wasmFailed++;
      return null;
    }
    const w = b.compile(bytes);
    if (w === null) {
      this.wasmFailed++;
      return null;
    }
    return { fn: b.wrap(w.t), wasm: w.t, verify: w.v, starts: [...starts] };
  }

  /**
   * The page has earned compilation: every hot entry, in address order, so that a region made
   * from an early entry (a function's start) covers the later ones it reaches instead of each
   * sampled entry getting a function of its own.
   */
  private translatePage(base: number, cp: CodePage): void {
    for (let u = 0; u < 2048; u++) {
      if (cp.hits[u] < HOT || cp.traces[u] !== undefined || cp.covered[u] !== 0) continue;
      const t = this.translate(base, 2 * u, cp, true);
      if (t === null) continue;
      this.stamp(t);
      cp.traces[u] = t;
    }
  }

  /** Notes that the trace was verified (or made) in this run, for the dispatcher and the runner. */
  private stamp(tr: Trace): void {
    tr.epoch = this.epoch;
    if (tr.idx >= 0) this.wasm!.verified[tr.idx] = this.epoch;
  }

  /**
   * True if the words holding the trace's instructions are still what it was made from: the
   * runner may have checked already in this run, else its module's check does (several times
   * faster than this loop).
   */
  private verify(tr: Trace, base: number): boolean {
    if (tr.idx >= 0) return this.wasm!.verified[tr.idx] === this.epoch || tr.check!(base) === 1;
    const i32 = this.i32;
    const b = base >>> 2;
    const spans = tr.spans;
    const bits = tr.bits;
    let h = 0;
    for (let r = 0; r < spans.length; r += 2) {
      const end = b + spans[r] + spans[r + 1];
      for (let w = b + spans[r]; w < end; w++) if (i32[w] !== bits[h++]) return false;
    }
    return true;
  }

  /**
   * Runs the hart from its pc until a trap or the next machine event: the same contract, state
   * and CPU_* result as Hart.run(), instruction for instruction.
   */
  run(): number {
    const hart = this.hart;
    const mem = this.mem;
    const clock = this.machine.clock;
    const cpi = hart.cpi;
    mem.sync();
    hart.clearReservation();
    if (hart.pcHi >>> 6 !== 0) return hart.run();
    // Traces are checked against their code again only when something outside the hart may
    // have stored into a page holding some (PhysicalMemory.codeStores): the hart's own stores
    // into translated code are seen as they happen.
    const stores = this.machine.memory.codeStores;
    if (stores !== this.stores) {
      this.stores = stores;
      this.epoch++;
    }
    if (this.wasm?.full === true) {
      // Every trace goes, so that the runner's slots can be given out again.
      this.flush();
      this.wasm.reset();
    }
    this.noteCodeWrites();
    this.deviceTouched = false;
    const xlo = hart.xlo;
    const xhi = hart.xhi;
    const wctl = this.wasm?.ctl;
    const wctlF = this.wasm?.ctlF;
    const wcache = this.wasm?.cache;
    const runner = this.wasm?.run;
    if (wctl !== undefined) {
      // Traces are verified again in this run (by the runner too); F/D accesses go straight to
      // RAM only while the unit is on (the kernel changes that only between runs).
      wctl[CTL_EPOCH_WORD] = this.epoch;
      wctl[CTL_FPU_WORD] = this.fpu.enabled ? 1 : 0;
    }
    let pc = hart.pcHi * TWO_32 + (hart.pcLo >>> 0);
    let limit = hart.limit();
    let n = 0;
    let pageV = NaN;
    let base = 0;
    let cp: CodePage | null = null;
    // The pc may be any instruction (where the last run or a cold run of the interpreter ended).
    let lastCold = true;
    // The runner found the trace at pc made from changed code: verify (and drop) it here.
    let stale = false;
    // A run resuming where the dispatcher has entered a trace before (after a system call, most
    // often) starts in the runner, which looks the trace up in its jump cache itself.
    let resume = runner !== undefined && runner !== null && pc < USER_TOP;
    for (;;) {
      if (n >= limit) {
        hart.pcLo = pc | 0;
        hart.pcHi = Math.floor(pc / TWO_32) | 0;
        return this.finish(CPU_EVENT, n);
      }
      // How many instructions the interpreter runs if no trace does.
      let k = 1;
      // What the trace (or the runner) returned; TRACE_MISS while none ran.
      let r = TRACE_MISS;
      let ranWasm = false;
      if (resume) {
        // The first round only: the runner finds the trace at pc as this loop would below, and
        // runs nothing on a miss (then the loop looks it up itself).
        resume = false;
        const off = (pc | 0) & 4095;
        const pv = pc - off;
        this.n = n;
        this.limit = limit;
        this.entry = off;
        this.pageV = pv;
        wctl![CTL_DEVICE_WORD] = 0;
        r = runner!(-1, off, n, limit, pv | 0, (pv / TWO_32) | 0, mem.rtag.byteOffset);
        ranWasm = r !== TRACE_MISS;
      }
      if (r === TRACE_MISS) {
        let off = pc - pageV;
        if (!(off >= 0 && off < 4096)) {
          cp = null;
          off = 0;
          if (pc >= 0 && pc < USER_TOP) {
            off = (pc | 0) & 4095; // (pc % 4096 is a floating-point remainder: slower)
            pageV = pc - off;
            const vpn = pageV / 4096;
            const ti = vpn & TLB_MASK;
            // xbase holds RAM offsets as int32 (RAM may exceed 2 GiB): read back unsigned.
            base =
              mem.xtag[ti] === vpn ? mem.xbase[ti] >>> 0 : mem.fetchPage(pc | 0, Math.floor(pc / TWO_32));
            if (base >= 0) cp = this.page(base);
          } else pageV = NaN;
        }
        const cold = lastCold;
        lastCold = false;
        if (cp !== null) {
          const s = off >>> 1;
          let tr = cp.traces[s];
          // (The runner verifies WebAssembly traces itself; stale says it found this one changed.)
          if (tr !== undefined && tr.epoch !== this.epoch && (tr.idx < 0 || stale)) {
            stale = false;
            if (this.verify(tr, base)) this.stamp(tr);
            else {
              cp.traces[s] = tr = undefined;
              cp.hits[s] = 0;
              cp.blockLen[s] = 0;
            }
          }
          // At HOT hits the region is made if the same code is compiled already (another copy of
          // the program); new code is compiled only once the page has earned it (compileAfter).
          const h = cp.hits[s];
          const earned = cp.work >= this.compileAfter;
          // A cold run may end anywhere: where it ends inside a trace but not at one of its
          // blocks, the block is run to its end and the trace entered there.
          if (tr === undefined && (!cold || cp.covered[s] === 0) && (h === HOT || (h > HOT && earned))) {
            if (earned && !cp.traced) {
              this.translatePage(base, cp);
              tr = cp.traces[s];
            }
            const t = tr === undefined ? this.translate(base, off, cp, earned) : null;
            if (t !== null) {
              this.stamp(t);
              cp.traces[s] = tr = t;
            }
          }
          if (tr !== undefined) {
            this.n = n;
            this.limit = limit;
            this.entry = off;
            this.pageV = pageV;
            if (tr.wasm !== null) {
              // WebAssembly, through the runner, which follows the traces this window has
              // entered (see wasm-chain.ts): so it may enter this one from elsewhere from now on.
              const slot = jumpSlot(pc | 0);
              wcache![slot] = pc | 0;
              wcache![slot + 1] = (pc / TWO_32) | 0;
              wcache![slot + 2] = tr.idx;
              wcache![slot + 3] = wctl![CTL_GEN_WORD];
              wctl![CTL_DEVICE_WORD] = 0;
              r = runner!(tr.idx, off, n, limit, pageV | 0, (pageV / TWO_32) | 0, mem.rtag.byteOffset);
              ranWasm = true;
            } else {
              r = tr.fn(xlo, xhi, pageV);
              n = this.n;
              pc = pageV + this.off;
            }
          } else {
            if (cp.hits[s] < 65535) cp.hits[s]++;
            if (cp.traced || this.compileAfter === 0) {
              k = cp.blockLen[s];
              if (k === 0) k = cp.blockLen[s] = this.code.blockLength(base, off);
            } else {
              k = COLD_RUN; // nothing translated here: the interpreter keeps going (sampled)
              lastCold = true;
            }
            cp.work += k;
          }
        }
      } else lastCold = false;
      if (ranWasm) {
        // n, the page and the offset where the runner stopped come back in the control block.
        n = wctl![0];
        if (r !== TRACE_PC_SET) {
          this.off = wctlF![1];
          const pv = wctlF![3];
          if (pv !== pageV) {
            pc = pv + this.off;
            pageV = NaN; // another page: the loop looks it up
          } else pc = pageV + this.off;
        }
        if (r === TRACE_STALE) {
          stale = true;
          continue;
        }
      }
      if (r !== TRACE_MISS) {
        if (r === TRACE_NEXT || r === TRACE_JUMP) {
          if (this.deviceTouched) {
            // As the interpreter after a device access: n = 1 (that instruction), a fresh limit.
            this.deviceTouched = false;
            limit = hart.limit();
          }
          continue;
        }
        if (r === TRACE_CODE_WRITE) {
          this.noteCodeWrites();
          pageV = NaN; // the page's CodePage may be gone
          continue;
        }
        if (r === TRACE_PC_SET) return this.finish(CPU_FAULT, n);
        if (r !== TRACE_BUDGET) {
          hart.pcLo = pc | 0;
          hart.pcHi = Math.floor(pc / TWO_32) | 0;
          return this.finish(r, n);
        }
        // Fewer instructions left than the next block has: the interpreter runs them.
        k = limit;
      }
      // The interpreter runs k instructions (the rest of a basic block, or one it keeps).
      clock.charge(n * cpi);
      hart.instret += n;
      limit -= n;
      n = 0;
      if (k > limit) k = limit;
      hart.pcLo = pc | 0;
      hart.pcHi = Math.floor(pc / TWO_32) | 0;
      const before = hart.instret;
      this.deviceTouched = false;
      const c = hart.step(k);
      if (c !== CPU_EVENT) return this.finish(c, 0);
      pc = hart.pcHi * TWO_32 + (hart.pcLo >>> 0);
      if (this.deviceTouched) {
        // The interpreter's window restarted at the device access, d instructions ago.
        this.deviceTouched = false;
        const d = hart.instret - this.deviceAt;
        const fresh = hart.limit();
        limit = fresh < hart.maxSlice - d ? fresh : hart.maxSlice - d;
      } else limit -= hart.instret - before;
      if (mem.codeWrites !== this.codeWrites) {
        this.noteCodeWrites();
        pageV = NaN;
      }
    }
  }

  private finish(code: number, n: number): number {
    this.machine.clock.charge(n * this.hart.cpi);
    this.hart.instret += n;
    this.hart.clearReservation();
    return code;
  }

  /** Drops the translations of the pages stores wrote code into (the memory system names them). */
  private noteCodeWrites(): void {
    if (this.codeWrites === this.mem.codeWrites) return;
    this.wasm?.invalidate();
    this.codeWrites = this.mem.codeWrites;
    const dropped = this.mem.droppedCode;
    for (let i = 0; i < dropped.length; i++) this.pages.delete(dropped[i]);
    dropped.length = 0;
  }

  // ---- helpers called by traces ----

  /** A load that missed the fast path: MEM_OK, MEM_DEVICE or MEM_FAULT; the value in vlo/vhi. */
  loadSlow(op: number, lo: number, hi: number, count: number): number {
    this.hart.pending = count;
    const mem = this.mem;
    const size = LOAD_SIZE[op - OP_LB];
    const r = mem.load(lo, hi, size);
    if (r === MEM_FAULT) return r;
    let vlo = mem.vlo;
    let vhi = mem.vhi;
    if (op <= OP_LW) {
      const sh = 32 - 8 * size;
      vlo = (vlo << sh) >> sh;
      vhi = vlo >> 31;
    }
    this.vlo = vlo;
    this.vhi = vhi;
    return r;
  }

  /** A store that missed the fast path: 0, 1 (fault), 2 (device) or 3 (translated code written). */
  storeSlow(size: number, lo: number, hi: number, vlo: number, vhi: number, count: number): number {
    this.hart.pending = count;
    const r = this.mem.store(lo, hi, size, vlo, vhi);
    if (r !== 0) return r;
    return this.mem.codeWrites !== this.codeWrites ? 3 : 0;
  }

  /** FLW/FLD/FSW/FSD: as the hart's fpMem, and 3 when a store dropped translated code. */
  fpMem(store: boolean, size: number, rs1: number, fr: number, imm: number, count: number): number {
    const r = this.hart.fpMem(store, size, rs1, fr, imm, count);
    if (r !== 0) return r;
    return store && this.mem.codeWrites !== this.codeWrites ? 3 : 0;
  }

  /** The trap of the failed access (cause and address from the memory system). */
  memFault(): number {
    const m = this.mem;
    const h = this.hart;
    h.scause = m.cause;
    h.stvalLo = m.tvalLo;
    h.stvalHi = m.tvalHi;
    return CPU_FAULT;
  }

  trap(code: number, cause: number, _off: number, tlo: number, thi: number): number {
    const h = this.hart;
    h.scause = cause;
    h.stvalLo = tlo;
    h.stvalHi = thi;
    return code;
  }

  ebreak(off: number): number {
    const pc = this.pageV + off;
    return this.trap(4, 3, off, pc | 0, Math.floor(pc / TWO_32) | 0);
  }

  /** jalr to a non-user address: the fetch there faults (scause 12) with the exact target. */
  jalrFault(tlo: number, thi: number): number {
    const h = this.hart;
    h.scause = 12;
    h.stvalLo = tlo;
    h.stvalHi = thi;
    h.pcLo = tlo;
    h.pcHi = thi;
    return TRACE_PC_SET;
  }
}

/** The jump cache entry (its first word) for a pc, from its low 32 bits (as the runner computes it). */
function jumpSlot(lo: number): number {
  return (((lo >>> 1) ^ (lo >>> 13)) & JUMP_MASK) << JUMP_SHIFT;
}

/** Access size of each load op, indexed by op - OP_LB. */
const LOAD_SIZE = [1, 2, 4, 8, 1, 2, 4];
