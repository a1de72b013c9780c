// Which memory the next instruction of a thread will access: decoded with the hart's own decoder
// from the bytes at its pc, the address from its registers. Used by watchpoints, which (as RISC-V
// triggers do) stop before the accessing instruction executes.

import * as O from "../../machine/riscv/ops.ts";
import { decodeInto } from "../../machine/riscv/decode.ts";
import type { Tcb } from "../../kernel/structures.ts";
import { pcOfTcb } from "./debugger.ts";

export interface Access {
  addr: number;
  size: number;
  read: boolean;
  write: boolean;
}

const slot = new Int32Array(O.SLOT_WORDS);
const LOAD_SIZE = [1, 2, 4, 8, 1, 2, 4];
const STORE_SIZE = [1, 2, 4, 8];

interface Reader {
  readMemory(t: Tcb, vaddr: number, len: number): Uint8Array | null;
}

export function nextAccess(d: Reader, t: Tcb): Access | null {
  const pc = pcOfTcb(t);
  const b = d.readMemory(t, pc, 2);
  if (b === null || b.length < 2) return null;
  let w = b[0] | (b[1] << 8);
  if ((w & 3) === 3) {
    const h = d.readMemory(t, pc + 2, 2);
    if (h === null || h.length < 2) return null;
    w |= (h[0] | (h[1] << 8)) << 16;
  }
  slot[0] = ~w;
  decodeInto(slot, 0, w);
  const p = slot[1];
  const op = p & 255;
  const rd = (p >>> 8) & 63;
  const rs1 = (p >>> 16) & 63;
  let size = 0;
  let read = false;
  let write = false;
  let imm = slot[2];
  if (op >= O.OP_LB && op <= O.OP_LWU) {
    size = LOAD_SIZE[op - O.OP_LB];
    read = true;
  } else if (op >= O.OP_SB && op <= O.OP_SD) {
    size = STORE_SIZE[op - O.OP_SB];
    write = true;
  } else if (op === O.OP_FLOAD || op === O.OP_FSTORE) {
    size = rd;
    read = op === O.OP_FLOAD;
    write = !read;
  } else if (op >= O.OP_LR_W && op <= O.OP_AMO_D) {
    size = op === O.OP_LR_W || op === O.OP_SC_W || op === O.OP_AMO_W ? 4 : 8;
    read = op !== O.OP_SC_W && op !== O.OP_SC_D;
    write = op !== O.OP_LR_W && op !== O.OP_LR_D;
    imm = 0;
  } else return null;
  const r = t.regs;
  const base = rs1 === 0 ? 0 : r[2 * rs1 - 1] * 4294967296 + r[2 * rs1 - 2];
  return { addr: base + imm, size, read, write };
}
