// riscv64 register conventions (ABI sheet §2, §10.1, §16.3).

/** Kernel register-context indices (registerset.h order). */
export const ra = 0;
export const sp = 1;
export const gp = 2;
export const tp = 3;
export const t0 = 4;
export const t1 = 5;
export const t2 = 6;
export const s0 = 7;
export const s1 = 8;
export const a0 = 9;
export const a1 = 10;
export const a2 = 11;
export const a3 = 12;
export const a4 = 13;
export const a5 = 14;
export const a6 = 15;
export const a7 = 16;
export const s2 = 17;
export const s3 = 18;
export const s4 = 19;
export const s5 = 20;
export const s6 = 21;
export const s7 = 22;
export const s8 = 23;
export const s9 = 24;
export const s10 = 25;
export const s11 = 26;
export const t3 = 27;
export const t4 = 28;
export const t5 = 29;
export const t6 = 30;
export const SCAUSE = 31;
export const SSTATUS = 32;
export const FaultIP = 33;
export const NextIP = 34;
export const n_contextRegisters = 35;

export const capRegister = a0;
export const badgeRegister = a0;
export const msgInfoRegister = a1;
export const replyRegister = a6;
export const nbsendRecvDest = t0;
export const syscallRegister = a7;
/** MR0..MR3 travel in a2..a5. */
export const msgRegisters: readonly number[] = [a2, a3, a4, a5];

/** SSTATUS.SPIE: the only bit a fresh TCB's context has set. */
export const SSTATUS_SPIE = 0x20;

/** seL4_UserContext field names in their word order (Read/Write/CopyRegisters). */
export const seL4_UserContext_fields: readonly string[] = [
  "pc",
  "ra",
  "sp",
  "gp",
  "s0",
  "s1",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "s8",
  "s9",
  "s10",
  "s11",
  "a0",
  "a1",
  "a2",
  "a3",
  "a4",
  "a5",
  "a6",
  "a7",
  "t0",
  "t1",
  "t2",
  "t3",
  "t4",
  "t5",
  "t6",
  "tp",
];
export const seL4_UserContext_words = 32;

/** Kernel register index for each seL4_UserContext word; pc maps to FaultIP. */
export const userContextToKernel: readonly number[] = [
  FaultIP,
  ra,
  sp,
  gp,
  s0,
  s1,
  s2,
  s3,
  s4,
  s5,
  s6,
  s7,
  s8,
  s9,
  s10,
  s11,
  a0,
  a1,
  a2,
  a3,
  a4,
  a5,
  a6,
  a7,
  t0,
  t1,
  t2,
  t3,
  t4,
  t5,
  t6,
  tp,
];
/** CopyRegisters: words 0..15 are the frame registers, 16..31 the integer registers. */
export const n_frameRegisters = 16;
export const n_gpRegisters = 16;
