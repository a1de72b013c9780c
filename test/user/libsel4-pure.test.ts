// libsel4 for TypeScript without a kernel: the pure helpers, and the registers and IPC buffer
// words the stubs produce, checked against a fake `rt` (a small ram32 holding just the IPC buffer,
// and a fake memory for the byte-level accessors).

import { beforeEach, describe, expect, it } from "vitest";
import * as R from "../../src/abi/registers.ts";
import {
  ENTRY_PC_BASE,
  ENTRY_PC_STRIDE,
  rt,
  TRAP_BUSY,
  TRAP_SYSCALL,
  TRAP_VMFAULT,
  UserFault,
  type UserGenerator,
  type UserMemoryAccess,
} from "../../src/user/runtime.ts";
import {
  BI_schedcontrol,
  BI_untyped,
  BI_untypedList,
  CNodeCopy,
  seL4_AllRights,
  seL4_CanGrantReply,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapRights_get_capAllowGrant,
  seL4_CapRights_get_capAllowGrantReply,
  seL4_CapRights_get_capAllowRead,
  seL4_CapRights_get_capAllowWrite,
  seL4_CapRights_new,
  seL4_CapRights_set_capAllowRead,
  seL4_Call,
  seL4_CNode_CapData_get_guard,
  seL4_CNode_CapData_get_guardSize,
  seL4_CNode_CapData_new,
  seL4_CNode_Copy,
  seL4_CNode_Rotate,
  seL4_DebugCapIdentify,
  seL4_DebugNameThread,
  seL4_DebugPutString,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_GetBadge,
  seL4_GetCap,
  seL4_GetCapReceivePath,
  seL4_GetIPCBuffer,
  seL4_GetMR,
  seL4_GetUserData,
  seL4_IllegalOperation,
  seL4_MessageInfo_get_capsUnwrapped,
  seL4_MessageInfo_get_extraCaps,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_MessageInfo_set_extraCaps,
  seL4_MessageInfo_set_label,
  seL4_MessageInfo_set_length,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_NoError,
  seL4_NoRead,
  seL4_NoWrite,
  seL4_ReadWrite,
  seL4_Recv,
  seL4_RISCV_Page_GetAddress,
  seL4_SchedControl_Configure,
  seL4_Send,
  seL4_SetCap,
  seL4_SetCapReceivePath,
  seL4_SetIPCBuffer,
  seL4_SetMR,
  seL4_SetUserData,
  seL4_Signal,
  seL4_SysCall,
  seL4_SysDebugPutChar,
  seL4_SysNBSendRecv,
  seL4_SysNBSendWait,
  seL4_SysRecv,
  seL4_SysSend,
  seL4_TCB_ReadRegisters,
  seL4_TCB_SetFlags,
  seL4_TCB_WriteRegisters,
  seL4_Untyped_Retype,
  sel4ts_bootinfo_read,
  sel4ts_busy,
  sel4ts_entry,
  sel4ts_read,
  sel4ts_write,
  SchedControlConfigureFlags,
  TCBWriteRegisters,
  UntypedRetype,
} from "../../src/user/libsel4.ts";

const IPC_VADDR = 0x40_0000;
const DATA_VADDR = 0x50_0000;
let data: Uint8Array;

/** Byte view of a vaddr: the IPC buffer lives in rt.ram32[0..255], the data page in `data`. */
function locate(vaddr: number, len: number, write: boolean): { bytes: Uint8Array; off: number } {
  if (vaddr >= IPC_VADDR && vaddr + len <= IPC_VADDR + 1024) {
    return { bytes: new Uint8Array(rt.ram32.buffer), off: vaddr - IPC_VADDR };
  }
  if (vaddr >= DATA_VADDR && vaddr + len <= DATA_VADDR + data.length)
    return { bytes: data, off: vaddr - DATA_VADDR };
  throw new UserFault(vaddr, write);
}

const fakeMem: UserMemoryAccess = {
  wordIndex: (vaddr) => (vaddr === IPC_VADDR ? 0 : -1),
  read(vaddr, size) {
    const { bytes, off } = locate(vaddr, size, false);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]);
    return size === 8 ? v : Number(v);
  },
  write(vaddr, size, value) {
    const { bytes, off } = locate(vaddr, size, true);
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < size; i++, v >>= 8n) bytes[off + i] = Number(v & 0xffn);
  },
  readBytes(vaddr, len) {
    const { bytes, off } = locate(vaddr, len, false);
    return bytes.slice(off, off + len);
  },
  writeBytes(vaddr, src) {
    const { bytes, off } = locate(vaddr, src.length, true);
    bytes.set(src, off);
  },
};

beforeEach(() => {
  rt.regs = new Uint32Array(2 * R.n_contextRegisters);
  rt.ram32 = new Uint32Array(256);
  rt.ipcBuffer = IPC_VADDR;
  rt.ipcIndex = -1;
  rt.mem = fakeMem;
  rt.busyTicks = 0;
  rt.entries = new Map();
  data = new Uint8Array(8192);
});

const U64 = (1n << 64n) - 1n;

/** Register r as an unsigned bigint. */
function reg(r: number): bigint {
  return (BigInt(rt.regs[2 * r + 1]) << 32n) | BigInt(rt.regs[2 * r]);
}
function setReg(r: number, v: bigint): void {
  rt.regs[2 * r] = Number(v & 0xffff_ffffn);
  rt.regs[2 * r + 1] = Number((v >> 32n) & 0xffff_ffffn);
}
/** IPC buffer word w as an unsigned bigint. */
function ipcWord(w: number): bigint {
  return (BigInt(rt.ram32[2 * w + 1]) << 32n) | BigInt(rt.ram32[2 * w]);
}
function setIpcWord(w: number, v: bigint): void {
  rt.ram32[2 * w] = Number(v & 0xffff_ffffn);
  rt.ram32[2 * w + 1] = Number(v >> 32n);
}
const msg = (i: number): bigint => ipcWord(1 + i);

/** Drive a stub through one system call; `reply` plays the kernel. */
function syscall<T>(g: UserGenerator<T>, reply: () => void = () => {}): T {
  expect(g.next()).toEqual({ value: TRAP_SYSCALL, done: false });
  reply();
  const r = g.next();
  expect(r.done).toBe(true);
  return r.value as T;
}

describe("seL4_MessageInfo_t", () => {
  it("packs label, capsUnwrapped, extraCaps and length like the bitfield generator", () => {
    const info = seL4_MessageInfo_new(0x15, 5, 1, 5);
    expect(info).toBe(0x15 * 4096 + (5 << 9) + (1 << 7) + 5);
    expect(seL4_MessageInfo_get_label(info)).toBe(0x15);
    expect(seL4_MessageInfo_get_capsUnwrapped(info)).toBe(5);
    expect(seL4_MessageInfo_get_extraCaps(info)).toBe(1);
    expect(seL4_MessageInfo_get_length(info)).toBe(5);
    // Each field is masked to its width.
    expect(seL4_MessageInfo_new(1, 8, 4, 128)).toBe(4096);
  });

  it("is a number up to label 2^41 - 1 and a bigint beyond, with all 52 label bits", () => {
    expect(seL4_MessageInfo_new(2 ** 41 - 1, 7, 3, 127)).toBe(Number.MAX_SAFE_INTEGER);
    expect(seL4_MessageInfo_new(2 ** 41, 0, 0, 0)).toBe(2n ** 53n);
    const max = seL4_MessageInfo_new(2 ** 52 - 1, 7, 3, 127);
    expect(max).toBe(U64);
    expect(seL4_MessageInfo_new(2n ** 52n - 1n, 7, 3, 127)).toBe(U64);
    expect(seL4_MessageInfo_get_label(max)).toBe(2 ** 52 - 1);
    expect(seL4_MessageInfo_get_capsUnwrapped(max)).toBe(7);
    expect(seL4_MessageInfo_get_extraCaps(max)).toBe(3);
    expect(seL4_MessageInfo_get_length(max)).toBe(127);
    // Labels are taken modulo 2^52, as the C constructor masks them.
    expect(seL4_MessageInfo_new(-1, 0, 0, 0)).toBe((2n ** 52n - 1n) << 12n);
    expect(seL4_MessageInfo_new(2 ** 52 + 3, 0, 0, 0)).toBe(3 * 4096);
  });

  it("setters return a new word and keep the other fields", () => {
    const info = seL4_MessageInfo_new(7, 1, 2, 3);
    const big = seL4_MessageInfo_set_label(info, 2 ** 50);
    expect(big).toBe(((2n ** 50n) << 12n) | BigInt(seL4_MessageInfo_new(0, 1, 2, 3)));
    expect(seL4_MessageInfo_get_length(seL4_MessageInfo_set_length(big, 100))).toBe(100);
    expect(seL4_MessageInfo_get_label(seL4_MessageInfo_set_length(big, 100))).toBe(2 ** 50);
    expect(seL4_MessageInfo_set_label(big, 7)).toBe(info);
    expect(seL4_MessageInfo_set_extraCaps(info, 0)).toBe(seL4_MessageInfo_new(7, 1, 0, 3));
  });
});

describe("seL4_CapRights_t and seL4_CNode_CapData", () => {
  it("orders the rights as (grantReply, grant, read, write) from bit 3 down", () => {
    expect(seL4_CapRights_new(1, 0, 0, 0)).toBe(seL4_CanGrantReply);
    expect(seL4_CapRights_new(0, 0, 1, 0)).toBe(seL4_CanRead);
    expect(seL4_CapRights_new(0, 0, 0, 1)).toBe(seL4_CanWrite);
    expect(seL4_CapRights_new(0, 0, 1, 1)).toBe(seL4_ReadWrite);
    expect(seL4_CapRights_new(true, true, true, true)).toBe(seL4_AllRights);
    expect(seL4_CapRights_new(true, true, true, false)).toBe(seL4_NoWrite);
    expect(seL4_CapRights_get_capAllowGrantReply(seL4_NoRead)).toBe(1);
    expect(seL4_CapRights_get_capAllowGrant(seL4_NoRead)).toBe(1);
    expect(seL4_CapRights_get_capAllowRead(seL4_NoRead)).toBe(0);
    expect(seL4_CapRights_get_capAllowWrite(seL4_NoRead)).toBe(1);
    expect(seL4_CapRights_set_capAllowRead(seL4_NoRead, true)).toBe(seL4_AllRights);
  });

  it("packs guard << 6 | guardSize, exact up to 58 guard bits", () => {
    expect(seL4_CNode_CapData_new(0, 52)).toBe(52);
    expect(seL4_CNode_CapData_new(5, 3)).toBe(5 * 64 + 3);
    expect(seL4_CNode_CapData_get_guard(5 * 64 + 3)).toBe(5);
    expect(seL4_CNode_CapData_get_guardSize(5 * 64 + 3)).toBe(3);
    expect(seL4_CNode_CapData_new(2 ** 47, 1)).toBe(2n ** 53n + 1n);
    const big = seL4_CNode_CapData_new(2n ** 57n, 6);
    expect(big).toBe((1n << 63n) | 6n);
    expect(seL4_CNode_CapData_get_guard(big)).toBe(2n ** 57n);
    expect(seL4_CNode_CapData_new(-1, 0)).toBe(U64 - 63n);
  });
});

describe("words through the IPC buffer", () => {
  it("stores msg[i] at buffer word i + 1 and round-trips 2^64 - 1", () => {
    seL4_SetMR(0, -1);
    expect([rt.ram32[2], rt.ram32[3]]).toEqual([0xffff_ffff, 0xffff_ffff]);
    expect(seL4_GetMR(0)).toBe(U64);
    seL4_SetMR(1, U64);
    expect(seL4_GetMR(1)).toBe(U64);
    expect(msg(1)).toBe(U64);
  });

  it("takes negative numbers and bigints modulo 2^64 and returns numbers while safe", () => {
    seL4_SetMR(2, -(2n ** 63n));
    expect(seL4_GetMR(2)).toBe(2n ** 63n);
    seL4_SetMR(3, -(2 ** 40));
    expect(seL4_GetMR(3)).toBe(2n ** 64n - 2n ** 40n);
    seL4_SetMR(4, Number.MAX_SAFE_INTEGER);
    expect(seL4_GetMR(4)).toBe(Number.MAX_SAFE_INTEGER);
    seL4_SetMR(5, 2n ** 53n);
    expect(seL4_GetMR(5)).toBe(2n ** 53n);
    seL4_SetMR(6, 12n);
    expect(seL4_GetMR(6)).toBe(12);
    seL4_SetMR(119, 0x1_2345_6789);
    expect(msg(119)).toBe(0x1_2345_6789n);
  });

  it("refuses values that would lose bits and out-of-range indices", () => {
    expect(() => seL4_SetMR(0, 2 ** 53)).toThrow(RangeError);
    expect(() => seL4_SetMR(0, 1.5)).toThrow(RangeError);
    expect(() => seL4_SetMR(0, NaN)).toThrow(RangeError);
    expect(() => seL4_SetMR(0, 2n ** 64n)).toThrow(RangeError);
    expect(() => seL4_SetMR(0, -(2n ** 63n) - 1n)).toThrow(RangeError);
    expect(() => seL4_SetMR(120, 0)).toThrow(RangeError);
    expect(() => seL4_GetMR(-1)).toThrow(RangeError);
    expect(() => seL4_SetCap(3, 0)).toThrow(RangeError);
  });

  it("places caps, badges, the receive path and user data at their words", () => {
    seL4_SetCap(2, 77);
    expect(ipcWord(124)).toBe(77n);
    expect(seL4_GetCap(2)).toBe(77);
    setIpcWord(122, U64);
    expect(seL4_GetBadge(0)).toBe(U64);
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, 300, 64);
    expect([ipcWord(125), ipcWord(126), ipcWord(127)]).toEqual([2n, 300n, 64n]);
    expect(seL4_GetCapReceivePath()).toEqual({ receiveCNode: 2, receiveIndex: 300, receiveDepth: 64 });
    seL4_SetUserData(0xdead_beef_cafen);
    expect(ipcWord(121)).toBe(0xdead_beef_cafen);
    expect(seL4_GetUserData()).toBe(0xdead_beef_cafe);
  });

  it("translates the buffer through rt.mem and faults when it is not mapped", () => {
    expect(seL4_GetIPCBuffer()).toBe(IPC_VADDR);
    seL4_SetMR(0, 1);
    expect(rt.ipcIndex).toBe(0);
    seL4_SetIPCBuffer(0x7000);
    expect(rt.ipcBuffer).toBe(0x7000);
    expect(rt.ipcIndex).toBe(-1);
    expect(() => seL4_GetMR(0)).toThrow(UserFault);
  });
});

describe("system call stubs", () => {
  it("seL4_Call loads msg[0..3], passes the info word and stores the reply MRs back", () => {
    const info = seL4_MessageInfo_new(2 ** 45, 0, 0, 4);
    for (let i = 0; i < 4; i++) seL4_SetMR(i, 10 + i);
    const reply = syscall(seL4_Call(9, info), () => {
      expect(reg(R.a7)).toBe(U64); // seL4_SysCall = -1, sign-extended
      expect(reg(R.a0)).toBe(9n);
      expect(reg(R.a1)).toBe(BigInt(info));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([10n, 11n, 12n, 13n]);
      expect(reg(R.a6)).toBe(0n);
      setReg(R.a0, 0n);
      setReg(R.a1, BigInt(seL4_MessageInfo_new(3, 0, 0, 2)));
      setReg(R.a2, U64);
      setReg(R.a3, 42n);
    });
    expect(reply).toBe(seL4_MessageInfo_new(3, 0, 0, 2));
    expect(seL4_GetMR(0)).toBe(U64);
    expect(seL4_GetMR(1)).toBe(42);
    expect(seL4_SysCall).toBe(-1);
  });

  it("seL4_Send returns nothing and leaves the buffer alone", () => {
    seL4_SetMR(0, 5);
    const r = syscall(seL4_Send(3, seL4_MessageInfo_new(1, 0, 0, 1)), () => {
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysSend)));
      expect(reg(R.a2)).toBe(5n);
      setReg(R.a2, 99n);
    });
    expect(r).toBeUndefined();
    expect(seL4_GetMR(0)).toBe(5);
  });

  it("seL4_Signal sends an empty message", () => {
    syscall(seL4_Signal(12), () => {
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysSend)));
      expect(reg(R.a0)).toBe(12n);
      expect(reg(R.a1)).toBe(0n);
    });
  });

  it("seL4_Recv passes the reply cap in a6 and returns the info and the sender's badge", () => {
    const r = syscall(seL4_Recv(7, 8), () => {
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysRecv)));
      expect([reg(R.a0), reg(R.a6)]).toEqual([7n, 8n]);
      setReg(R.a0, U64 - 15n);
      setReg(R.a1, BigInt(seL4_MessageInfo_new(5, 0, 0, 1)));
      setReg(R.a2, 123n);
    });
    expect(r).toEqual({ info: seL4_MessageInfo_new(5, 0, 0, 1), sender: U64 - 15n });
    expect(seL4_GetMR(0)).toBe(123);
  });

  it("seL4_NBSendRecv sends to t0 and receives on a0; seL4_NBSendWait sends to a6", () => {
    syscall(seL4_NBSendRecv(4, 0, 5, 6), () => {
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysNBSendRecv)));
      expect([reg(R.t0), reg(R.a0), reg(R.a6)]).toEqual([4n, 5n, 6n]);
    });
    setReg(R.t0, 77n);
    syscall(seL4_NBSendWait(4, 0, 5), () => {
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysNBSendWait)));
      expect([reg(R.t0), reg(R.a0), reg(R.a6)]).toEqual([0n, 5n, 4n]);
    });
  });

  it("seL4_DebugPutString makes one PutChar per UTF-8 byte and stops at NUL", () => {
    const g = seL4_DebugPutString("hé\n\0x");
    const out: bigint[] = [];
    for (let r = g.next(); !r.done; r = g.next()) {
      expect(r.value).toBe(TRAP_SYSCALL);
      expect(reg(R.a7)).toBe(BigInt.asUintN(64, BigInt(seL4_SysDebugPutChar)));
      expect(reg(R.a1)).toBe(0n);
      out.push(reg(R.a0));
    }
    expect(out).toEqual([0x68n, 0xc3n, 0xa9n, 0x0an]);
  });

  it("seL4_DebugNameThread writes the NUL-terminated name from msg[0]", () => {
    setIpcWord(1, U64);
    syscall(seL4_DebugNameThread(seL4_CapInitThreadTCB, "worker"), () => {
      expect(reg(R.a0)).toBe(1n);
    });
    const bytes = new Uint8Array(rt.ram32.buffer, 8, 8);
    expect(Array.from(bytes)).toEqual([...Buffer.from("worker"), 0, 0xff]);
  });

  it("seL4_DebugCapIdentify returns a0", () => {
    expect(syscall(seL4_DebugCapIdentify(2), () => setReg(R.a0, 10n))).toBe(10);
  });
});

describe("object invocation stubs", () => {
  it("seL4_CNode_Copy marshals words, caps and info, and copies error MRs back", () => {
    const g = seL4_CNode_Copy(
      seL4_CapInitThreadCNode,
      20,
      64,
      seL4_CapInitThreadCNode,
      5,
      64,
      seL4_AllRights,
    );
    const error = syscall(g, () => {
      expect(reg(R.a7)).toBe(U64);
      expect(reg(R.a0)).toBe(2n);
      expect(reg(R.a1)).toBe(BigInt(seL4_MessageInfo_new(CNodeCopy, 0, 1, 5)));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([20n, 64n, 5n, 64n]);
      expect(msg(4)).toBe(BigInt(seL4_AllRights));
      expect(ipcWord(122)).toBe(2n);
      setReg(R.a1, BigInt(seL4_MessageInfo_new(seL4_DeleteFirst, 0, 0, 0)));
      setReg(R.a2, 7n);
    });
    expect(error).toBe(seL4_DeleteFirst);
    expect(seL4_GetMR(0)).toBe(7);
  });

  it("a successful invocation leaves msg[0..3] untouched", () => {
    seL4_SetMR(0, 1234);
    const error = syscall(seL4_Untyped_Retype(20, seL4_EndpointObject, 0, 2, 0, 0, 300, 4), () => {
      expect(reg(R.a1)).toBe(BigInt(seL4_MessageInfo_new(UntypedRetype, 0, 1, 6)));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([2n, 0n, 0n, 0n]);
      expect([msg(4), msg(5), ipcWord(122)]).toEqual([300n, 4n, 2n]);
      setReg(R.a1, 0n);
      setReg(R.a2, 99n);
    });
    expect(error).toBe(seL4_NoError);
    expect(seL4_GetMR(0)).toBe(1234);
  });

  it("seL4_CNode_Rotate puts words 4..7 in msg and two caps", () => {
    syscall(seL4_CNode_Rotate(2, 10, 64, 0, 3, 11, 64, 1n << 63n, 4, 12, 0x140), () => {
      expect(reg(R.a1)).toBe(BigInt(seL4_MessageInfo_new(25, 0, 2, 8)));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([10n, 64n, 0n, 11n]);
      expect([msg(4), msg(5), msg(6), msg(7)]).toEqual([64n, 1n << 63n, 12n, 0x40n]);
      expect([ipcWord(122), ipcWord(123)]).toEqual([3n, 4n]);
    });
  });

  it("seL4_SchedControl_Configure is ConfigureFlags with flags 0", () => {
    seL4_SetMR(4, 99);
    syscall(seL4_SchedControl_Configure(30, 31, 1000, 2000n, 2, U64), () => {
      expect(reg(R.a1)).toBe(BigInt(seL4_MessageInfo_new(SchedControlConfigureFlags, 0, 1, 5)));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([1000n, 2000n, 2n, U64]);
      expect([msg(4), ipcWord(122)]).toEqual([0n, 31n]);
    });
  });

  it("seL4_TCB_WriteRegisters sends 34 words in seL4_UserContext order", () => {
    const pc = ENTRY_PC_BASE;
    syscall(seL4_TCB_WriteRegisters(40, true, 0x1ff, 32, { pc, sp: 1n << 63n, a0: -1, tp: 9 }), () => {
      expect(reg(R.a1)).toBe(BigInt(seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, 34)));
      expect([reg(R.a2), reg(R.a3), reg(R.a4), reg(R.a5)]).toEqual([0xff01n, 32n, BigInt(pc), 0n]);
      expect(msg(4)).toBe(1n << 63n); // sp = context word 2
      expect(msg(18)).toBe(U64); // a0 = context word 16
      expect(msg(33)).toBe(9n); // tp = context word 31
      expect(msg(5)).toBe(0n);
    });
  });

  it("seL4_TCB_ReadRegisters returns the full context from a2..a5 and msg[4..31]", () => {
    const r = syscall(seL4_TCB_ReadRegisters(40, false, 0, 32), () => {
      expect([reg(R.a2), reg(R.a3)]).toEqual([0n, 32n]);
      setReg(R.a1, 0n);
      for (let i = 0; i < 4; i++) setReg(R.msgRegisters[i], BigInt(100 + i));
      for (let i = 4; i < 32; i++) setIpcWord(1 + i, BigInt(100 + i));
      setIpcWord(1 + 16, U64);
    });
    expect(r.error).toBe(seL4_NoError);
    expect(Object.keys(r.regs)).toEqual(R.seL4_UserContext_fields);
    expect(r.regs.pc).toBe(100);
    expect(r.regs.gp).toBe(103);
    expect(r.regs.s0).toBe(104);
    expect(r.regs.a0).toBe(U64);
    expect(r.regs.tp).toBe(131);
  });

  it("methods with results read them on success and report the error otherwise", () => {
    const ok = syscall(seL4_RISCV_Page_GetAddress(50), () => {
      setReg(R.a1, 0n);
      setReg(R.a2, 0x8020_0000n);
    });
    expect(ok).toEqual({ error: 0, paddr: 0x8020_0000 });
    const bad = syscall(seL4_RISCV_Page_GetAddress(51), () => {
      setReg(R.a1, BigInt(seL4_MessageInfo_new(seL4_IllegalOperation, 0, 0, 0)));
    });
    expect(bad).toEqual({ error: seL4_IllegalOperation, paddr: 0 });
    const flags = syscall(seL4_TCB_SetFlags(1, 0, 1), () => {
      setReg(R.a1, 0n);
      setReg(R.a2, 1n);
    });
    expect(flags).toEqual({ error: 0, flags: 1 });
  });
});

describe("sel4ts_ extensions", () => {
  it("sel4ts_entry hands out pcs in the reserved range, once per function", () => {
    function* a(): UserGenerator<void> {}
    function* b(): UserGenerator<void> {}
    expect(sel4ts_entry(a)).toBe(ENTRY_PC_BASE);
    expect(sel4ts_entry(b)).toBe(ENTRY_PC_BASE + ENTRY_PC_STRIDE);
    expect(sel4ts_entry(a)).toBe(ENTRY_PC_BASE);
    expect(rt.entries.get(ENTRY_PC_BASE + ENTRY_PC_STRIDE)).toBe(b);
  });

  it("sel4ts_busy yields TRAP_BUSY with the duration in ticks", () => {
    const g = sel4ts_busy(5);
    expect(g.next()).toEqual({ value: TRAP_BUSY, done: false });
    expect(rt.busyTicks).toBe(50);
    expect(g.next().done).toBe(true);
  });

  it("sel4ts_read/write access memory through rt.mem with the contract's value types", () => {
    expect(sel4ts_write(DATA_VADDR, 8, -2).next().done).toBe(true);
    expect(sel4ts_read(DATA_VADDR, 8).next().value).toBe(U64 - 1n);
    expect(sel4ts_read(DATA_VADDR + 4, 4).next().value).toBe(0xffff_ffff);
    // A faulting access traps with TRAP_VMFAULT and retries when resumed.
    const g = sel4ts_read(0x1000, 1);
    expect(g.next().value).toBe(TRAP_VMFAULT);
    expect(rt.faultAddr).toBe(0x1000);
  });

  it("sel4ts_bootinfo_read reads the MCS layout into plain numbers", () => {
    const put = (off: number, v: bigint) => fakeMem.write(DATA_VADDR + off, 8, v);
    put(32, BigInt(IPC_VADDR));
    put(40, 30n);
    put(48, 4096n);
    put(BI_schedcontrol, 16n);
    put(BI_schedcontrol + 8, 17n);
    put(BI_untyped, 20n);
    put(BI_untyped + 8, 22n);
    put(BI_untypedList, 0x1_0000_0000n);
    fakeMem.write(DATA_VADDR + BI_untypedList + 8, 1, 30);
    fakeMem.write(DATA_VADDR + BI_untypedList + 9, 1, 1);
    put(BI_untypedList + 16, 0x8040_0000n);
    fakeMem.write(DATA_VADDR + BI_untypedList + 24, 1, 22);
    const bi = sel4ts_bootinfo_read(DATA_VADDR);
    expect(bi.ipcBuffer).toBe(IPC_VADDR);
    expect(bi.empty).toEqual({ start: 30, end: 4096 });
    expect(bi.schedcontrol).toEqual({ start: 16, end: 17 });
    expect(bi.untyped).toEqual({ start: 20, end: 22 });
    expect(bi.untypedList).toEqual([
      { paddr: 0x1_0000_0000, sizeBits: 30, isDevice: 1 },
      { paddr: 0x8040_0000, sizeBits: 22, isDevice: 0 },
    ]);
  });
});
