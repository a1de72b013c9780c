// Copies of a thread's integer registers between its TCB (seL4's riscv register context: x1..x31
// as ra = 0 ... t6 = 30, each a (lo, hi) pair of 32-bit words) and the hart's two arrays of low
// and high halves, on every entry into and exit from user code. Written out one register at a
// time on purpose: measured 3-4x faster than the equivalent loop, which V8 does not unroll, and
// this runs twice per kernel entry (a protected call pays four of them).

/** The TCB's registers into the hart's (x1..x31; x0 stays zero). */
export function loadRegs(r: Uint32Array, xlo: Int32Array, xhi: Int32Array): void {
  xlo[1] = r[0];
  xhi[1] = r[1];
  xlo[2] = r[2];
  xhi[2] = r[3];
  xlo[3] = r[4];
  xhi[3] = r[5];
  xlo[4] = r[6];
  xhi[4] = r[7];
  xlo[5] = r[8];
  xhi[5] = r[9];
  xlo[6] = r[10];
  xhi[6] = r[11];
  xlo[7] = r[12];
  xhi[7] = r[13];
  xlo[8] = r[14];
  xhi[8] = r[15];
  xlo[9] = r[16];
  xhi[9] = r[17];
  xlo[10] = r[18];
  xhi[10] = r[19];
  xlo[11] = r[20];
  xhi[11] = r[21];
  xlo[12] = r[22];
  xhi[12] = r[23];
  xlo[13] = r[24];
  xhi[13] = r[25];
  xlo[14] = r[26];
  xhi[14] = r[27];
  xlo[15] = r[28];
  xhi[15] = r[29];
  xlo[16] = r[30];
  xhi[16] = r[31];
  xlo[17] = r[32];
  xhi[17] = r[33];
  xlo[18] = r[34];
  xhi[18] = r[35];
  xlo[19] = r[36];
  xhi[19] = r[37];
  xlo[20] = r[38];
  xhi[20] = r[39];
  xlo[21] = r[40];
  xhi[21] = r[41];
  xlo[22] = r[42];
  xhi[22] = r[43];
  xlo[23] = r[44];
  xhi[23] = r[45];
  xlo[24] = r[46];
  xhi[24] = r[47];
  xlo[25] = r[48];
  xhi[25] = r[49];
  xlo[26] = r[50];
  xhi[26] = r[51];
  xlo[27] = r[52];
  xhi[27] = r[53];
  xlo[28] = r[54];
  xhi[28] = r[55];
  xlo[29] = r[56];
  xhi[29] = r[57];
  xlo[30] = r[58];
  xhi[30] = r[59];
  xlo[31] = r[60];
  xhi[31] = r[61];
}

/** The hart's registers back into the TCB. */
export function storeRegs(r: Uint32Array, xlo: Int32Array, xhi: Int32Array): void {
  r[0] = xlo[1];
  r[1] = xhi[1];
  r[2] = xlo[2];
  r[3] = xhi[2];
  r[4] = xlo[3];
  r[5] = xhi[3];
  r[6] = xlo[4];
  r[7] = xhi[4];
  r[8] = xlo[5];
  r[9] = xhi[5];
  r[10] = xlo[6];
  r[11] = xhi[6];
  r[12] = xlo[7];
  r[13] = xhi[7];
  r[14] = xlo[8];
  r[15] = xhi[8];
  r[16] = xlo[9];
  r[17] = xhi[9];
  r[18] = xlo[10];
  r[19] = xhi[10];
  r[20] = xlo[11];
  r[21] = xhi[11];
  r[22] = xlo[12];
  r[23] = xhi[12];
  r[24] = xlo[13];
  r[25] = xhi[13];
  r[26] = xlo[14];
  r[27] = xhi[14];
  r[28] = xlo[15];
  r[29] = xhi[15];
  r[30] = xlo[16];
  r[31] = xhi[16];
  r[32] = xlo[17];
  r[33] = xhi[17];
  r[34] = xlo[18];
  r[35] = xhi[18];
  r[36] = xlo[19];
  r[37] = xhi[19];
  r[38] = xlo[20];
  r[39] = xhi[20];
  r[40] = xlo[21];
  r[41] = xhi[21];
  r[42] = xlo[22];
  r[43] = xhi[22];
  r[44] = xlo[23];
  r[45] = xhi[23];
  r[46] = xlo[24];
  r[47] = xhi[24];
  r[48] = xlo[25];
  r[49] = xhi[25];
  r[50] = xlo[26];
  r[51] = xhi[26];
  r[52] = xlo[27];
  r[53] = xhi[27];
  r[54] = xlo[28];
  r[55] = xhi[28];
  r[56] = xlo[29];
  r[57] = xhi[29];
  r[58] = xlo[30];
  r[59] = xhi[30];
  r[60] = xlo[31];
  r[61] = xhi[31];
}
