// Chaining of WebAssembly traces: a small "runner" module calls a trace, and when the trace leaves
// for code another trace was entered at before, calls that one next without coming back to
// JavaScript. On sel4test a trace runs about 30 instructions before it leaves (a return, a branch
// out of its region), and the way back through the JavaScript dispatcher cost as much as the
// generated code itself.
//
// The runner knows nothing the dispatcher (translate.ts) has not told it. Each trace the
// dispatcher makes has a slot: its function and its verify function in the table, the RAM page
// it was made from, and the run ("epoch") it was last verified in. Each (pc, slot) the dispatcher
// enters goes into the jump cache, stamped with the generation, which changes whenever the
// dispatcher may decide differently for a pc (code written, translations dropped). A hit needs
// the current generation, and the pc's page in the current TLB set's execute entries mapping to
// the slot's RAM page: the very test the dispatcher makes before it looks at that page's traces.
// A slot not yet verified in this run is verified first, as the dispatcher would. So the runner
// enters exactly the trace the dispatcher would have, with the same n and limit, and chained runs
// are instruction for instruction the dispatcher's. It goes back to JavaScript on any other
// result, when the window is used up (n ≥ limit), after a device access (the dispatcher then
// starts a fresh window), on a miss and when a verification fails; it then leaves the page of
// the last trace at CTL_PAGEV. At the start of a run the dispatcher lets the runner look up the
// first trace too (slot -1), so that a run resuming at a pc entered before (after a system call,
// most often) costs JavaScript one call and no lookups of its own.

import { TRACE_JUMP, TRACE_NEXT } from "./codegen.ts";

/** The runner's result when the trace it was to enter was made from code that has changed since. */
export const TRACE_STALE = -5;
/**
 * The runner's result when it was asked to find the trace for a pc itself (slot -1) and the
 * jump cache has none: nothing ran, the dispatcher decides.
 */
export const TRACE_MISS = -6;
import { TLB_SIZE } from "./memory-access.ts";
import { joinHalves, tlbHit } from "./wasm-frame.ts";
import { Code, encodeModule, I32, I64, Op } from "./wasm-encode.ts";

/** Words of the control block (see wasm-codegen.ts for the first three fields). */
export const CTL_WORDS = 16;
/** Byte offset in the control block of the page the last trace ran in (f64). */
export const CTL_PAGEV = 24;
/** Byte offsets of int32 fields: the device flag (set when a trace touched a device), the jump
 * cache's generation, and the current run. */
export const CTL_DEVICE = 32;
export const CTL_GEN = 36;
export const CTL_EPOCH = 40;
/** Byte offset of the count of chained entries (int32, wrapping; for tests and the bench). */
export const CTL_CHAINS = 44;
/** Entries of the jump cache (a power of two), 4 words each: pc (i64), slot, generation. */
export const JUMP_CACHE = 4096;
export const JUMP_WORDS = 4;
/** Trace slots (table entries 2k and 2k+1: trace and verify function). */
export const SLOTS = 32768;

// Runner parameters and locals.
const P_IDX = 0;
const P_ENTRY = 1;
const P_N = 2;
const P_LIMIT = 3;
const P_PVLO = 4;
const P_PVHI = 5;
const P_TLB = 6;
const L_CODE = 7;
const L_PV = 8;
const L_PC = 9;
const L_SLOT = 10;
const L_IDX4 = 11;
const L_VPN = 12;
const L_TI = 13;
/** Byte offsets of the execute tags and bases from a TLB set's start (memory-access.ts's layout). */
const XTAG = 4 * 4 * TLB_SIZE;
const XBASE = 5 * 4 * TLB_SIZE;

const LBL_OUT = 1;
const LBL_NEXT = 2;

/** Byte addresses of what the runner reads. */
export interface ChainLayout {
  ctl: number;
  cache: number;
  /** Per slot: the run it was last verified in. */
  verified: number;
  /** Per slot: the RAM byte offset of its page. */
  base: number;
}

/**
 * The runner module for the arrays of `lay`: it exports "run"(slot, entry, n, limit, pageV low,
 * pageV high, tlb) → code, calling traces through the imported table.
 */
export function generateRunner(lay: ChainLayout): Uint8Array {
  const { ctl } = lay;
  const c = new Code();
  // pv = pageV as an i64
  joinHalves(c, P_PVLO, P_PVHI);
  c.set(L_PV);
  c.open(Op.block, LBL_OUT);
  // Slot -1: the dispatcher asks the runner to find the trace at pageV + entry itself (the start
  // of a run at a pc it has entered before); TRACE_MISS, having run nothing, if there is none.
  c.get(P_IDX);
  c.i32(0);
  c.op(Op.i32_lt_s);
  c.open(Op.if);
  c.i32(TRACE_MISS);
  c.set(L_CODE);
  c.get(L_PV);
  c.get(P_ENTRY);
  c.op(Op.i64_extend_i32_u);
  c.op(Op.i64_add);
  c.set(L_PC);
  lookup(c, lay);
  enterFound(c);
  c.end();
  c.open(Op.loop, LBL_NEXT);
  // A slot not verified in this run yet is verified first, as the dispatcher would before
  // entering it (the first one too: the dispatcher leaves that to the runner); if its code
  // changed, the runner leaves with TRACE_STALE, n and the trace's pc, and enters nothing.
  c.get(P_IDX);
  c.i32(2);
  c.op(Op.i32_shl);
  c.tee(L_IDX4);
  c.mem(Op.i32_load, 2, lay.verified);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl + CTL_EPOCH);
  c.op(Op.i32_ne);
  c.open(Op.if);
  c.get(L_IDX4);
  c.mem(Op.i32_load, 2, lay.base);
  c.get(P_IDX);
  c.i32(1);
  c.op(Op.i32_shl);
  c.i32(1);
  c.op(Op.i32_add);
  c.callIndirect(2);
  c.op(Op.i32_eqz);
  c.open(Op.if);
  c.i32(0);
  c.get(P_N);
  c.mem(Op.i32_store, 2, ctl);
  c.i32(0);
  c.get(P_ENTRY);
  c.op(Op.f64_convert_i32_s);
  c.mem(Op.f64_store, 3, ctl + 8);
  c.i32(TRACE_STALE);
  c.set(L_CODE);
  c.br(LBL_OUT);
  c.end();
  c.get(L_IDX4);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl + CTL_EPOCH);
  c.mem(Op.i32_store, 2, lay.verified);
  c.end();
  for (const p of [P_ENTRY, P_N, P_LIMIT, P_PVLO, P_PVHI, P_TLB]) c.get(p);
  c.get(P_IDX);
  c.i32(1);
  c.op(Op.i32_shl);
  c.callIndirect(0);
  c.tee(L_CODE);
  // Only a trace that left for another pc (TRACE_NEXT, TRACE_JUMP) may be followed.
  c.i32(TRACE_NEXT);
  c.op(Op.i32_ne);
  c.get(L_CODE);
  c.i32(TRACE_JUMP);
  c.op(Op.i32_ne);
  c.op(Op.i32_and);
  c.brIf(LBL_OUT);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl);
  c.tee(P_N);
  c.get(P_LIMIT);
  c.op(Op.i32_ge_s);
  c.brIf(LBL_OUT);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl + CTL_DEVICE);
  c.brIf(LBL_OUT);
  // pc = pageV + the page offset the trace left for
  c.get(L_PV);
  c.i32(0);
  c.mem(Op.f64_load, 3, ctl + 8);
  c.op(Op.i64_trunc_f64_s);
  c.op(Op.i64_add);
  c.set(L_PC);
  lookup(c, lay);
  // A hit: the trace the dispatcher entered at this pc in this generation.
  c.i32(0);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl + CTL_CHAINS);
  c.i32(1);
  c.op(Op.i32_add);
  c.mem(Op.i32_store, 2, ctl + CTL_CHAINS);
  enterFound(c);
  c.br(LBL_NEXT);
  c.end(); // loop
  c.end(); // out
  c.i32(0);
  c.get(L_PV);
  c.op(Op.f64_convert_i64_s);
  c.mem(Op.f64_store, 3, ctl + CTL_PAGEV);
  c.get(L_CODE);
  const six = [I32, I32, I32, I32, I32, I32];
  return encodeModule({
    types: [
      { params: six, results: [I32] },
      { params: [...six, I32], results: [I32] },
      { params: [I32], results: [I32] },
    ],
    imports: [],
    funcs: [{ type: 1, locals: [I32, I64, I64, I32, I32, I64, I32], body: c }],
    exports: [{ name: "run", func: 0 }],
    table: true,
  });
}

/**
 * The jump cache's slot for the pc in L_PC, into P_IDX (and 4 × it into L_IDX4), or a branch out
 * of the runner when there is none: an entry for this pc in this generation whose page is in the
 * current TLB set's execute entries and maps to the slot's RAM page, exactly the test the
 * dispatcher makes before it looks at that page's traces.
 */
function lookup(c: Code, lay: ChainLayout): void {
  const { ctl, cache } = lay;
  c.get(L_PC);
  c.op(Op.i32_wrap_i64);
  c.tee(L_SLOT);
  c.i32(1);
  c.op(Op.i32_shr_u);
  c.get(L_SLOT);
  c.i32(13);
  c.op(Op.i32_shr_u);
  c.op(Op.i32_xor);
  c.i32(JUMP_CACHE - 1);
  c.op(Op.i32_and);
  c.i32(Math.log2(4 * JUMP_WORDS));
  c.op(Op.i32_shl);
  c.tee(L_SLOT);
  c.mem(Op.i64_load, 3, cache);
  c.get(L_PC);
  c.op(Op.i64_ne);
  c.brIf(LBL_OUT);
  c.get(L_SLOT);
  c.mem(Op.i32_load, 2, cache + 12);
  c.i32(0);
  c.mem(Op.i32_load, 2, ctl + CTL_GEN);
  c.op(Op.i32_ne);
  c.brIf(LBL_OUT);
  c.get(L_SLOT);
  c.mem(Op.i32_load, 2, cache + 8);
  c.tee(P_IDX);
  c.i32(2);
  c.op(Op.i32_shl);
  c.set(L_IDX4);
  c.get(L_PC);
  tlbHit(c, L_VPN, P_TLB, L_TI, XTAG);
  c.op(Op.i32_eqz);
  c.brIf(LBL_OUT);
  c.get(L_TI);
  c.mem(Op.i32_load, 2, XBASE);
  c.get(L_IDX4);
  c.mem(Op.i32_load, 2, lay.base);
  c.op(Op.i32_ne);
  c.brIf(LBL_OUT);
}

/** Entry offset and page (P_ENTRY, L_PV and its halves) of the pc in L_PC. */
function enterFound(c: Code): void {
  c.get(L_PC);
  c.op(Op.i32_wrap_i64);
  c.i32(4095);
  c.op(Op.i32_and);
  c.set(P_ENTRY);
  c.get(L_PC);
  c.i64(-4096);
  c.op(Op.i64_and);
  c.tee(L_PV);
  c.op(Op.i32_wrap_i64);
  c.set(P_PVLO);
  c.get(L_PV);
  c.i64(32);
  c.op(Op.i64_shr_u);
  c.op(Op.i32_wrap_i64);
  c.set(P_PVHI);
}
