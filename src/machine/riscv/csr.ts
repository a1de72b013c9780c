// Zicsr from user mode. The only CSRs a U-mode program may touch on this platform would be the
// counters (cycle, time, instret), and only when scounteren allows; seL4 leaves scounteren at 0
// on RISC-V, so by default every CSR instruction is an illegal instruction. The floating-point
// CSRs (fflags, frm, fcsr) do not exist here since F/D are not implemented.

const CSR_CYCLE = 0xc00;
const CSR_TIME = 0xc01;
const CSR_INSTRET = 0xc02;

export interface CounterSource {
  readonly counterEnable: number;
  readonly instret: number;
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
  hart: CounterSource,
  xlo: Int32Array,
  xhi: Int32Array,
  rd: number,
  src: number,
  f3: number,
  csr: number,
): boolean {
  const writes = (f3 & 3) === 1 || src !== 0;
  if (writes) return false;
  let v: number;
  if (csr === CSR_CYCLE && (hart.counterEnable & 1) !== 0) v = hart.cycles();
  else if (csr === CSR_TIME && (hart.counterEnable & 2) !== 0) v = hart.time();
  else if (csr === CSR_INSTRET && (hart.counterEnable & 4) !== 0) v = hart.instret;
  else return false;
  xlo[rd] = v | 0;
  xhi[rd] = Math.floor(v / 4294967296) | 0;
  return true;
}
