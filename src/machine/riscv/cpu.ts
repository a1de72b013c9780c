// An RV64IMAFDC (+ Zicsr, Zifencei) hart in user mode: runs from pc until the next trap (ecall,
// exception, page or access fault) or until the machine's next event is due, whichever is first.
//
// Representation: x1..x31 as two Int32Array halves (lo, hi), so that no BigInt is needed; x0 reads
// from slot 0, which is never written (writes to x0 go to a sink slot 32). The pc is a double,
// exact because user pcs are below 2^38; a jump outside that range traps at once with the exact
// 64-bit target as sepc/stval. Decoded instructions are cached per physical code page, and each
// fetch compares the bits in memory with those the cached decode was made from, so code written
// by anyone (the thread, the kernel, another engine) is picked up without explicit invalidation.
//
// Time: every instruction costs `cyclesPerInstruction` cycles of the machine clock (1 by default).
// The run stops at the first instruction boundary at which the machine's next event is due, so a
// timer interrupt preempts at a precise, deterministic instruction count. The clock is brought up
// to date before any device access, so devices see the time of the accessing instruction.

import { CYCLES_PER_TICK } from "../clock.ts";
import type { Machine } from "../machine.ts";
import * as alu from "./alu.ts";
import * as atomics from "./atomics.ts";
import type { Reservation } from "./atomics.ts";
import * as csr from "./csr.ts";
import * as decode from "./decode.ts";
import * as fpu from "./fpu.ts";
import { FpuState } from "./fpu.ts";
import * as ma from "./memory-access.ts";
import { UserMemory } from "./memory-access.ts";
import { OP_ILLEGAL, pack, SLOT_WORDS } from "./ops.ts";

// Module-local copies of the imports used in the interpreter loop: a transpiled ES module may
// reach an imported binding through a getter on every use, which the hot loop cannot afford.
const { divrem, divremw, mul, mulh } = alu;
const { amo, loadReserved, storeConditional } = atomics;
const { csrRead } = csr;
const { decodeInto } = decode;
const { execFp } = fpu;
const { MEM_FAULT, TLB_MASK } = ma;

/** Exit codes of Hart.run(). */
export const CPU_ECALL = 1;
/** The machine's next event is due (or the slice ended): an interrupt may be pending. */
export const CPU_EVENT = 2;
/** A page or access fault: scause 1/5/7/12/13/15, stval the address. */
export const CPU_FAULT = 3;
/** Any other exception: scause 2 (illegal instruction), 3 (breakpoint), 4/6 (misaligned atomic). */
export const CPU_EXCEPTION = 4;

export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;

export interface HartConfig {
  /** Cycles (of the 1 GHz modelled core) charged per instruction; a positive integer, default 1. */
  cyclesPerInstruction?: number;
  /** Most instructions run in one call when no event is due (so a host loop can check limits). */
  maxSlice?: number;
}

const TWO_32 = 4294967296;
const USER_TOP = 2 ** 38;
const PAGE_SLOTS = 2048;
const MAX_CODE_PAGES = 4096;

export class Hart {
  /** x0..x31 low and high halves; index 32 absorbs writes to x0. */
  readonly xlo: Int32Array;
  readonly xhi: Int32Array;
  /** The pc: where run() starts, and after it returns the trapping (or next) instruction. */
  pcLo = 0;
  pcHi = 0;
  /** Trap state of the last CPU_FAULT / CPU_EXCEPTION, as a hart's scause and stval. */
  scause = 0;
  stvalLo = 0;
  stvalHi = 0;
  /**
   * A tick at which run() stops as if an event were due (the host's time limit), so that a run
   * limited in simulated time ends at an exact instruction boundary. Infinity = none.
   */
  stopAt = Infinity;
  /** Instructions executed (including trapping ones), all threads together. */
  instret = 0;
  readonly cpi: number;
  /**
   * The F/D register file and fcsr of the thread being run, and sstatus.FS (`enabled`): the
   * kernel's context switch saves and restores it (see RvEngine).
   */
  readonly fpu: FpuState;
  private slice: number;
  /** Most instructions per run(); a debugger sets 1 to see every instruction boundary. */
  get maxSlice(): number {
    return this.slice;
  }
  set maxSlice(n: number) {
    this.slice = n;
    this.cap = n;
  }
  /**
   * Set by a debugger that runs a thread one instruction per run(): the LR reservation then
   * survives a run() that ends at a slice boundary (CPU_EVENT), and the debugger drops it itself
   * (clearReservation) at a trap or a switch of thread, as a slice-long run would.
   */
  keepReservation = false;
  readonly mem: UserMemory;
  private readonly resv: Reservation = { valid: false, lo: 0, hi: 0, size: 0 };
  private readonly pages = new Map<number, Int32Array>();
  private readonly scratch = new Int32Array(SLOT_WORDS);
  private readonly i32: Int32Array;
  private readonly u16: Uint16Array;
  private readonly i16: Int16Array;
  private readonly u8: Uint8Array;
  private readonly i8: Int8Array;
  /**
   * Instructions executed but not yet charged to the clock, shared with the device hook (the
   * translator sets it before a slow access, as the loop does).
   */
  pending = 0;
  // At most this many instructions per run() (maxSlice, or the count of a step(k)).
  private cap: number;

  constructor(
    private readonly machine: Machine,
    config: HartConfig = {},
  ) {
    const cpi = config.cyclesPerInstruction ?? 1;
    if (!Number.isInteger(cpi) || cpi < 1)
      throw new RangeError(`cycles per instruction must be ≥ 1, got ${cpi}`);
    this.cpi = cpi;
    this.slice = config.maxSlice ?? 1 << 20;
    this.cap = this.slice;
    // In RAM's side region when it has room, where generated WebAssembly reads them.
    this.xlo = machine.memory.side(33);
    this.xhi = machine.memory.side(33);
    this.fpu = new FpuState(machine.memory.side(64));
    this.mem = new UserMemory(machine);
    const buf = machine.memory.u8.buffer;
    this.i32 = new Int32Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i16 = new Int16Array(buf);
    this.u8 = new Uint8Array(buf);
    this.i8 = new Int8Array(buf);
    this.mem.beforeDevice = () => {
      this.machine.clock.charge((this.pending - 1) * this.cpi);
      this.instret += this.pending - 1;
      this.pending = 1;
    };
  }

  cycles(): number {
    const c = this.machine.clock;
    return c.now * CYCLES_PER_TICK + c.remainder;
  }

  time(): number {
    return this.machine.clock.now;
  }

  /** Forget the LR reservation: every trap and context switch does. */
  clearReservation(): void {
    this.resv.valid = false;
  }

  /** Instructions that may run from now before the machine's next event is due. */
  limit(): number {
    const m = this.machine;
    const event = m.nextEventTime();
    const next = event < this.stopAt ? event : this.stopAt;
    const clock = m.clock;
    if (next <= clock.now) return 0;
    if (next === Infinity) return this.cap;
    const k = Math.ceil(((next - clock.now) * CYCLES_PER_TICK - clock.remainder) / this.cpi);
    return k < this.cap ? k : this.cap;
  }

  /**
   * Runs at most `k` instructions (fewer if a trap comes first or an event is due) without
   * touching the LR reservation: the translator hands the interpreter single instructions it
   * does not translate. Returns as run() does (CPU_EVENT when the k instructions are done).
   */
  step(k: number): number {
    this.cap = k < this.slice ? k : this.slice;
    const c = this.run(true);
    this.cap = this.slice;
    return c;
  }

  /** The LR reservation (the translator's atomics share it). */
  get reservation(): Reservation {
    return this.resv;
  }

  /** The decode cache of the RAM page at byte offset `base`: every slot starts as the decode of 0. */
  private codePage(base: number): Int32Array {
    let cp = this.pages.get(base);
    if (cp === undefined) {
      if (this.pages.size >= MAX_CODE_PAGES) this.pages.clear();
      cp = new Int32Array(PAGE_SLOTS * SLOT_WORDS);
      const zero = pack(OP_ILLEGAL, 0, 0, 0);
      for (let s = 0; s < cp.length; s += SLOT_WORDS) {
        cp[s + 1] = zero;
        cp[s + 3] = 2;
      }
      this.pages.set(base, cp);
    }
    return cp;
  }

  private setTrap(code: number, cause: number, pc: number, tlo: number, thi: number): number {
    this.scause = cause;
    this.stvalLo = tlo;
    this.stvalHi = thi;
    this.pcLo = pc | 0;
    this.pcHi = Math.floor(pc / TWO_32) | 0;
    return code;
  }

  /** A load that missed the TLB fast path (device, misaligned, page-crossing, unmapped). */
  private loadSlow(op: number, lo: number, hi: number, rd: number, n: number): number {
    this.pending = n;
    const mem = this.mem;
    const size = LOAD_SIZE[op - 11];
    const r = mem.load(lo, hi, size);
    if (r === MEM_FAULT) return r;
    let vlo = mem.vlo;
    let vhi = mem.vhi;
    if (op <= 13) {
      // Sign-extend the narrow signed loads.
      const sh = 32 - 8 * size;
      vlo = (vlo << sh) >> sh;
      vhi = vlo >> 31;
    }
    this.xlo[rd] = vlo;
    this.xhi[rd] = vhi;
    return r;
  }

  private storeSlow(size: number, lo: number, hi: number, rs2: number, n: number): number {
    this.pending = n;
    return this.mem.store(lo, hi, size, this.xlo[rs2], this.xhi[rs2]);
  }

  /**
   * FLW/FLD/FSW/FSD (and the compressed forms): 0 done, MEM_FAULT / MEM_DEVICE as for the
   * integer slow paths, or -1 when the FPU is off (an illegal instruction). The translator's
   * traces call it too.
   */
  fpMem(store: boolean, size: number, rs1: number, fr: number, imm: number, n: number): number {
    const f = this.fpu;
    if (!f.enabled) return -1;
    this.pending = n;
    const t = (this.xlo[rs1] >>> 0) + imm;
    const lo = t | 0;
    const hi = (this.xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
    const fi = f.i32;
    // Aligned and in the TLB: straight to RAM, as the integer loads and stores do.
    if ((lo & (size - 1)) === 0 && hi >>> 6 === 0) {
      const mem = this.mem;
      const vpn = (hi << 20) | (lo >>> 12);
      const ti = vpn & TLB_MASK;
      if (store ? mem.wtag[ti] === vpn : mem.rtag[ti] === vpn) {
        const a = ((store ? mem.wbase[ti] : mem.rbase[ti]) + (lo & 4095)) >>> 2;
        const ram = this.i32;
        if (store) {
          ram[a] = fi[2 * fr];
          if (size === 8) ram[a + 1] = fi[2 * fr + 1];
        } else {
          fi[2 * fr] = ram[a];
          fi[2 * fr + 1] = size === 4 ? -1 : ram[a + 1];
        }
        return 0;
      }
    }
    if (store) return this.mem.store(lo, hi, size, fi[2 * fr], size === 4 ? 0 : fi[2 * fr + 1]);
    const r = this.mem.load(lo, hi, size);
    if (r === MEM_FAULT) return r;
    fi[2 * fr] = this.mem.vlo;
    // A single is NaN-boxed: the upper half all ones.
    fi[2 * fr + 1] = size === 4 ? -1 : this.mem.vhi;
    return r;
  }

  /** The trap of a failed memory access by the instruction at pc. */
  private memTrap(pc: number): number {
    const mem = this.mem;
    return this.setTrap(CPU_FAULT, mem.cause, pc, mem.tvalLo, mem.tvalHi);
  }

  /**
   * Runs until a trap or the next machine event; returns a CPU_* code. One long function on
   * purpose (the measured hot path): the dispatch switch and the register arrays stay in locals.
   */
  run(stepping = false): number {
    const mem = this.mem;
    mem.sync();
    if (!stepping && !this.keepReservation) this.resv.valid = false;
    if (this.pcHi >>> 6 !== 0) {
      // Not a user address (at or above 2^38): the fetch faults before anything runs.
      this.scause = 12;
      this.stvalLo = this.pcLo;
      this.stvalHi = this.pcHi;
      return CPU_FAULT;
    }
    const xlo = this.xlo;
    const xhi = this.xhi;
    const i32 = this.i32;
    const u16 = this.u16;
    const i16 = this.i16;
    const u8 = this.u8;
    const i8 = this.i8;
    const rtag = mem.rtag;
    const rbase = mem.rbase;
    const wtag = mem.wtag;
    const wbase = mem.wbase;
    const xtag = mem.xtag;
    const xbase = mem.xbase;
    let limit = this.limit();
    let n = 0;
    // pc = pageV + off; off outside [0, 4096) means "translate the pc's page before fetching".
    let pageV = this.pcHi * TWO_32 + (this.pcLo >>> 0) - 4096;
    let off = 4096;
    let codeRam = 0;
    let cp: Int32Array = this.scratch;
    let code = 0;
    loop: for (;;) {
      if (n >= limit) {
        code = CPU_EVENT;
        const pc = pageV + off;
        this.pcLo = pc | 0;
        this.pcHi = Math.floor(pc / TWO_32) | 0;
        break;
      }
      if (off >>> 12 !== 0) {
        const npc = pageV + off;
        if (!(npc >= 0 && npc < USER_TOP)) {
          const lo = npc | 0;
          const hi = Math.floor(npc / TWO_32) | 0;
          code = this.setTrap(CPU_FAULT, 12, npc, lo, hi);
          break;
        }
        off = (npc % 4096) | 0;
        pageV = npc - off;
        const vpn = pageV / 4096;
        const ti = vpn & TLB_MASK;
        if (xtag[ti] === vpn) codeRam = xbase[ti];
        else {
          const base = mem.fetchPage(npc | 0, Math.floor(npc / TWO_32));
          if (base < 0) {
            code = this.setTrap(CPU_FAULT, mem.cause, npc, mem.tvalLo, mem.tvalHi);
            break;
          }
          // The int32 bit pattern, as the TLB keeps it (users apply >>> 0, >>> 1 or >>> 2).
          codeRam = base | 0;
        }
        cp = this.codePage(codeRam);
      }
      const ro = (codeRam + off) | 0;
      let w: number;
      let c: Int32Array = cp;
      let s = off << 1;
      if ((off & 2) === 0) w = i32[ro >>> 2];
      else if (off !== 4094) w = u16[ro >>> 1] | (u16[(ro >>> 1) + 1] << 16);
      else {
        w = u16[ro >>> 1];
        if ((w & 3) === 3) {
          // A 32-bit instruction straddling two pages: decoded afresh each time, never cached.
          const nextPc = pageV + 4096;
          const base = mem.fetchPage(nextPc | 0, Math.floor(nextPc / TWO_32));
          if (base < 0) {
            code = this.setTrap(CPU_FAULT, mem.cause, pageV + off, mem.tvalLo, mem.tvalHi);
            break;
          }
          w |= u16[base >>> 1] << 16;
          c = this.scratch;
          s = 0;
          c[0] = ~w;
        }
      }
      if (c[s] !== w) decodeInto(c, s, w);
      const p = c[s + 1];
      const imm = c[s + 2];
      const rd = (p >>> 8) & 63;
      const rs1 = (p >>> 16) & 63;
      const rs2 = (p >>> 24) & 31;
      // Instruction length: 2, or 4 when bit 29 (ops.LEN4) is set.
      const len = 2 + ((p >>> 28) & 2);
      n++;
      switch (p & 255) {
        case 0: // ILLEGAL
          code = this.setTrap(
            CPU_EXCEPTION,
            CAUSE_ILLEGAL_INSTRUCTION,
            pageV + off,
            len === 2 ? w & 0xffff : w,
            0,
          );
          break loop;
        case 1: // LUI
          xlo[rd] = imm;
          xhi[rd] = imm >> 31;
          break;
        case 2: {
          // AUIPC
          const v = pageV + off + imm;
          xlo[rd] = v | 0;
          xhi[rd] = Math.floor(v / TWO_32) | 0;
          break;
        }
        case 3: {
          // JAL
          const v = pageV + off + len;
          xlo[rd] = v | 0;
          xhi[rd] = (v / TWO_32) | 0;
          off += imm;
          continue;
        }
        case 4: {
          // JALR
          const t = (xlo[rs1] >>> 0) + imm;
          const tlo = t & ~1;
          const thi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const v = pageV + off + len;
          xlo[rd] = v | 0;
          xhi[rd] = (v / TWO_32) | 0;
          if (thi >>> 6 !== 0) {
            code = this.setTrap(CPU_FAULT, 12, 0, tlo, thi);
            this.pcLo = tlo;
            this.pcHi = thi;
            break loop;
          }
          const target = thi * TWO_32 + (tlo >>> 0);
          const d = target - pageV;
          if (d >= 0 && d < 4096) off = d;
          else {
            pageV = target - 4096;
            off = 4096;
          }
          continue;
        }
        case 5: // BEQ
          if (xlo[rs1] === xlo[rs2] && xhi[rs1] === xhi[rs2]) {
            off += imm;
            continue;
          }
          break;
        case 6: // BNE
          if (xlo[rs1] !== xlo[rs2] || xhi[rs1] !== xhi[rs2]) {
            off += imm;
            continue;
          }
          break;
        case 7: {
          // BLT
          const ah = xhi[rs1];
          const bh = xhi[rs2];
          if (ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0)) {
            off += imm;
            continue;
          }
          break;
        }
        case 8: {
          // BGE
          const ah = xhi[rs1];
          const bh = xhi[rs2];
          if (!(ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0))) {
            off += imm;
            continue;
          }
          break;
        }
        case 9: {
          // BLTU
          const ah = xhi[rs1] >>> 0;
          const bh = xhi[rs2] >>> 0;
          if (ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0)) {
            off += imm;
            continue;
          }
          break;
        }
        case 10: {
          // BGEU
          const ah = xhi[rs1] >>> 0;
          const bh = xhi[rs2] >>> 0;
          if (!(ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0))) {
            off += imm;
            continue;
          }
          break;
        }
        case 11: {
          // LB
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if (rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = i8[a >>> 0];
            xhi[rd] = xlo[rd] >> 31;
            break;
          }
          const r = this.loadSlow(11, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 12: {
          // LH
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 1) === 0 && rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = i16[a >>> 1];
            xhi[rd] = xlo[rd] >> 31;
            break;
          }
          const r = this.loadSlow(12, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 13: {
          // LW
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 3) === 0 && rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = i32[a >>> 2];
            xhi[rd] = xlo[rd] >> 31;
            break;
          }
          const r = this.loadSlow(13, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 14: {
          // LD
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 7) === 0 && rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = i32[a >>> 2];
            xhi[rd] = i32[(a >>> 2) + 1];
            break;
          }
          const r = this.loadSlow(14, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 15: {
          // LBU
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if (rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = u8[a >>> 0];
            xhi[rd] = 0;
            break;
          }
          const r = this.loadSlow(15, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 16: {
          // LHU
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 1) === 0 && rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = u16[a >>> 1];
            xhi[rd] = 0;
            break;
          }
          const r = this.loadSlow(16, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 17: {
          // LWU
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 3) === 0 && rtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (rbase[ti] + (lo & 4095)) | 0;
            xlo[rd] = i32[a >>> 2];
            xhi[rd] = 0;
            break;
          }
          const r = this.loadSlow(17, lo, hi, rd, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 18: {
          // SB
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if (wtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (wbase[ti] + (lo & 4095)) | 0;
            u8[a >>> 0] = xlo[rs2];
            break;
          }
          const r = this.storeSlow(1, lo, hi, rs2, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 19: {
          // SH
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 1) === 0 && wtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (wbase[ti] + (lo & 4095)) | 0;
            u16[a >>> 1] = xlo[rs2];
            break;
          }
          const r = this.storeSlow(2, lo, hi, rs2, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 20: {
          // SW
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 3) === 0 && wtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (wbase[ti] + (lo & 4095)) | 0;
            i32[a >>> 2] = xlo[rs2];
            break;
          }
          const r = this.storeSlow(4, lo, hi, rs2, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 21: {
          // SD
          const t = (xlo[rs1] >>> 0) + imm;
          const lo = t | 0;
          const hi = (xhi[rs1] + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;
          const vpn = (hi << 20) | (lo >>> 12);
          const ti = vpn & TLB_MASK;
          if ((lo & 7) === 0 && wtag[ti] === vpn && hi >>> 6 === 0) {
            const a = (wbase[ti] + (lo & 4095)) | 0;
            i32[a >>> 2] = xlo[rs2];
            i32[(a >>> 2) + 1] = xhi[rs2];
            break;
          }
          const r = this.storeSlow(8, lo, hi, rs2, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 22: {
          // ADDI
          const a = xlo[rs1];
          const t = (a >>> 0) + (imm >>> 0);
          xlo[rd] = t | 0;
          xhi[rd] = (xhi[rs1] + (imm >> 31) + (t > 4294967295 ? 1 : 0)) | 0;
          break;
        }
        case 23: {
          // SLTI
          const ah = xhi[rs1];
          const bh = imm >> 31;
          xlo[rd] = ah < bh || (ah === bh && xlo[rs1] >>> 0 < imm >>> 0) ? 1 : 0;
          xhi[rd] = 0;
          break;
        }
        case 24: {
          // SLTIU
          const ah = xhi[rs1] >>> 0;
          const bh = (imm >> 31) >>> 0;
          xlo[rd] = ah < bh || (ah === bh && xlo[rs1] >>> 0 < imm >>> 0) ? 1 : 0;
          xhi[rd] = 0;
          break;
        }
        case 25: // XORI
          xlo[rd] = xlo[rs1] ^ imm;
          xhi[rd] = xhi[rs1] ^ (imm >> 31);
          break;
        case 26: // ORI
          xlo[rd] = xlo[rs1] | imm;
          xhi[rd] = xhi[rs1] | (imm >> 31);
          break;
        case 27: // ANDI
          xlo[rd] = xlo[rs1] & imm;
          xhi[rd] = xhi[rs1] & (imm >> 31);
          break;
        case 28: // SLLI
          shl(xlo, xhi, rd, xlo[rs1], xhi[rs1], imm);
          break;
        case 29: // SRLI
          shr(xlo, xhi, rd, xlo[rs1], xhi[rs1], imm, false);
          break;
        case 30: // SRAI
          shr(xlo, xhi, rd, xlo[rs1], xhi[rs1], imm, true);
          break;
        case 31: {
          // ADD
          const t = (xlo[rs1] >>> 0) + (xlo[rs2] >>> 0);
          xlo[rd] = t | 0;
          xhi[rd] = (xhi[rs1] + xhi[rs2] + (t > 4294967295 ? 1 : 0)) | 0;
          break;
        }
        case 32: {
          // SUB
          const t = (xlo[rs1] >>> 0) - (xlo[rs2] >>> 0);
          xlo[rd] = t | 0;
          xhi[rd] = (xhi[rs1] - xhi[rs2] - (t < 0 ? 1 : 0)) | 0;
          break;
        }
        case 33: // SLL
          shl(xlo, xhi, rd, xlo[rs1], xhi[rs1], xlo[rs2] & 63);
          break;
        case 34: {
          // SLT
          const ah = xhi[rs1];
          const bh = xhi[rs2];
          xlo[rd] = ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0) ? 1 : 0;
          xhi[rd] = 0;
          break;
        }
        case 35: {
          // SLTU
          const ah = xhi[rs1] >>> 0;
          const bh = xhi[rs2] >>> 0;
          xlo[rd] = ah < bh || (ah === bh && xlo[rs1] >>> 0 < xlo[rs2] >>> 0) ? 1 : 0;
          xhi[rd] = 0;
          break;
        }
        case 36: // XOR
          xlo[rd] = xlo[rs1] ^ xlo[rs2];
          xhi[rd] = xhi[rs1] ^ xhi[rs2];
          break;
        case 37: // SRL
          shr(xlo, xhi, rd, xlo[rs1], xhi[rs1], xlo[rs2] & 63, false);
          break;
        case 38: // SRA
          shr(xlo, xhi, rd, xlo[rs1], xhi[rs1], xlo[rs2] & 63, true);
          break;
        case 39: // OR
          xlo[rd] = xlo[rs1] | xlo[rs2];
          xhi[rd] = xhi[rs1] | xhi[rs2];
          break;
        case 40: // AND
          xlo[rd] = xlo[rs1] & xlo[rs2];
          xhi[rd] = xhi[rs1] & xhi[rs2];
          break;
        case 41: {
          // ADDIW
          const v = (xlo[rs1] + imm) | 0;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 42: {
          // SLLIW
          const v = xlo[rs1] << imm;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 43: {
          // SRLIW
          const v = (xlo[rs1] >>> imm) | 0;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 44: {
          // SRAIW
          const v = xlo[rs1] >> imm;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 45: {
          // ADDW
          const v = (xlo[rs1] + xlo[rs2]) | 0;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 46: {
          // SUBW
          const v = (xlo[rs1] - xlo[rs2]) | 0;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 47: {
          // SLLW
          const v = xlo[rs1] << (xlo[rs2] & 31);
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 48: {
          // SRLW
          const v = (xlo[rs1] >>> (xlo[rs2] & 31)) | 0;
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 49: {
          // SRAW
          const v = xlo[rs1] >> (xlo[rs2] & 31);
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 50: // FENCE
        case 51: // FENCE.I
          break;
        case 52: // ECALL
          code = CPU_ECALL;
          {
            const pc = pageV + off;
            this.pcLo = pc | 0;
            this.pcHi = (pc / TWO_32) | 0;
          }
          break loop;
        case 53: // EBREAK
          code = this.setTrap(CPU_EXCEPTION, CAUSE_BREAKPOINT, pageV + off, 0, 0);
          this.stvalLo = this.pcLo;
          this.stvalHi = this.pcHi;
          break loop;
        case 54: {
          // CSRRW/S/C and their immediate forms
          this.machine.clock.charge((n - 1) * this.cpi);
          this.instret += n - 1;
          limit -= n - 1;
          n = 1;
          if (!csrRead(this, xlo, xhi, rd, rs1, rs2, imm)) {
            code = this.setTrap(CPU_EXCEPTION, CAUSE_ILLEGAL_INSTRUCTION, pageV + off, w, 0);
            break loop;
          }
          break;
        }
        case 55: // MUL
          mul(xlo, xhi, rd, rs1, rs2);
          break;
        case 56: // MULH
          mulh(xlo, xhi, rd, rs1, rs2, 0);
          break;
        case 57: // MULHSU
          mulh(xlo, xhi, rd, rs1, rs2, 1);
          break;
        case 58: // MULHU
          mulh(xlo, xhi, rd, rs1, rs2, 2);
          break;
        case 59: // DIV
        case 60: // DIVU
        case 61: // REM
        case 62: // REMU
          divrem(xlo, xhi, rd, rs1, rs2, (p & 255) - 59);
          break;
        case 63: {
          // MULW
          const v = Math.imul(xlo[rs1], xlo[rs2]);
          xlo[rd] = v;
          xhi[rd] = v >> 31;
          break;
        }
        case 64: // DIVW
        case 65: // DIVUW
        case 66: // REMW
        case 67: // REMUW
          divremw(xlo, xhi, rd, rs1, rs2, (p & 255) - 64);
          break;
        case 68: // LR.W
        case 70: // LR.D
          if (!loadReserved(mem, this.resv, xlo, xhi, rd, rs1, (p & 255) === 68 ? 4 : 8, i32)) {
            code = this.setTrap(memTrapCode(mem.cause), mem.cause, pageV + off, mem.tvalLo, mem.tvalHi);
            break loop;
          }
          break;
        case 69: // SC.W
        case 71: // SC.D
          if (!storeConditional(mem, this.resv, xlo, xhi, rd, rs1, rs2, (p & 255) === 69 ? 4 : 8, i32)) {
            code = this.setTrap(memTrapCode(mem.cause), mem.cause, pageV + off, mem.tvalLo, mem.tvalHi);
            break loop;
          }
          break;
        case 72: // AMO*.W
        case 73: // AMO*.D
          if (!amo(mem, xlo, xhi, rd, rs1, rs2, (p & 255) === 72 ? 4 : 8, imm, i32)) {
            code = this.setTrap(memTrapCode(mem.cause), mem.cause, pageV + off, mem.tvalLo, mem.tvalHi);
            break loop;
          }
          break;
        case 74: // LI
          xlo[rd] = imm;
          xhi[rd] = imm >> 31;
          break;
        case 75: // MV
          xlo[rd] = xlo[rs1];
          xhi[rd] = xhi[rs1];
          break;
        case 76: // FLW, FLD, C.FLD, C.FLDSP
        case 77: {
          // FSW, FSD, C.FSD, C.FSDSP
          const r = this.fpMem((p & 255) === 77, (p >>> 8) & 63, rs1, rs2, imm, n);
          if (r !== 0) {
            if (r === MEM_FAULT) {
              code = this.memTrap(pageV + off);
              break loop;
            }
            if (r < 0) {
              code = this.setTrap(
                CPU_EXCEPTION,
                CAUSE_ILLEGAL_INSTRUCTION,
                pageV + off,
                len === 2 ? w & 0xffff : w,
                0,
              );
              break loop;
            }
            n = this.pending;
            limit = this.limit();
          }
          break;
        }
        case 78: // OP-FP, FMADD/FMSUB/FNMSUB/FNMADD
          if (!this.fpu.enabled || !execFp(this.fpu, xlo, xhi, imm)) {
            code = this.setTrap(CPU_EXCEPTION, CAUSE_ILLEGAL_INSTRUCTION, pageV + off, w, 0);
            break loop;
          }
          break;
        default:
          code = this.setTrap(CPU_EXCEPTION, CAUSE_ILLEGAL_INSTRUCTION, pageV + off, w, 0);
          break loop;
      }
      off += len;
    }
    this.machine.clock.charge(n * this.cpi);
    this.instret += n;
    if (!stepping && (code !== CPU_EVENT || !this.keepReservation)) this.resv.valid = false;
    return code;
  }
}

/** Access size of each load op, indexed by op - OP_LB. */
const LOAD_SIZE = [1, 2, 4, 8, 1, 2, 4];

/** Misaligned atomics are exceptions (UserException); everything else from memory is a VM fault. */
function memTrapCode(cause: number): number {
  return cause === 4 || cause === 6 ? CPU_EXCEPTION : CPU_FAULT;
}

function shl(xlo: Int32Array, xhi: Int32Array, rd: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    xlo[rd] = lo;
    xhi[rd] = hi;
  } else if (sh < 32) {
    xhi[rd] = (hi << sh) | (lo >>> (32 - sh));
    xlo[rd] = lo << sh;
  } else {
    xhi[rd] = lo << (sh - 32);
    xlo[rd] = 0;
  }
}

function shr(
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  lo: number,
  hi: number,
  sh: number,
  arith: boolean,
): void {
  if (sh === 0) {
    xlo[rd] = lo;
    xhi[rd] = hi;
  } else if (sh < 32) {
    xlo[rd] = (lo >>> sh) | (hi << (32 - sh));
    xhi[rd] = arith ? hi >> sh : hi >>> sh;
  } else {
    xlo[rd] = arith ? hi >> (sh - 32) : hi >>> (sh - 32);
    xhi[rd] = arith ? hi >> 31 : 0;
  }
}
