// Zicsr from user mode. A U-mode program may touch two kinds of CSR on this platform:
// - the counters cycle, time and instret, read-only. The OpenSBI in seL4's QEMU image (v0.9,
//   lib/sbi/sbi_hart.c mstatus_init) writes mcounteren and scounteren all ones, and seL4 never
//   writes scounteren (nothing in src/arch/riscv touches it), so user code reads them (OpenSBI 1.8
//   and later leave U-mode only `time`). time is the 10 MHz timebase of the simulated clock,
//   cycle the 1 GHz core's cycles, and instret the instructions the hart has retired.
// - the floating-point CSRs fflags, frm and fcsr, while the FPU is on (fpu.ts).
// Every other CSR is an illegal instruction.

import { fpCsr, type FpuState } from "./fpu.ts";

const CSR_CYCLE = 0xc00;
const CSR_TIME = 0xc01;
const CSR_INSTRET = 0xc02;

export interface CsrHart {
  readonly instret: number;
  readonly fpu: FpuState;
  /** Cycles of the modelled core since power-on. */
  cycles(): number;
  /** The 10 MHz timebase (rdtime). */
  time(): number;
}

/**
 * Executes a CSR instruction (funct3 `f3`, CSR number `csr`, source field `src`); false if it
 * is an illegal instruction. A counter is readable, never writable: CSRRW/CSRRWI always write,
 * CSRRS/CSRRC(I) write unless the source is x0 / the immediate 0.
 */
export function csrRead(
  hart: CsrHart,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  src: number,
  f3: number,
  csr: number,
): boolean {
  if (csr < 0x100) return fpCsr(hart.fpu, xlo, xhi, rd, src, f3, csr);
  const writes = (f3 & 3) === 1 || src !== 0;
  if (writes) return false;
  let v: number;
  if (csr === CSR_CYCLE) v = hart.cycles();
  else if (csr === CSR_TIME) v = hart.time();
  else if (csr === CSR_INSTRET) v = hart.instret;
  else return false;
  xlo[rd] = v | 0;
  xhi[rd] = Math.floor(v / 4294967296) | 0;
  return true;
}
