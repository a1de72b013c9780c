// Kernel entry, the send-type invocation path and kernel replies (semantics §2, INV-1..INV-15),
// observed from the root task: reply registers, error MRs, cap-fault diagnostics, and effects.
// Only the root thread runs for now, so a fault simply stops it (no handler): the run then ends
// "idle" with the kernel's "no fault handler" diagnostic.

import { describe, expect, it } from "vitest";
import {
  cap_endpoint_cap,
  cap_null_cap,
  CNodeCopy,
  CNodeDelete,
  CNodeMint,
  seL4_AllRights,
  seL4_CapDomain,
  seL4_CapInitThreadSC,
  seL4_CapInitThreadTCB,
  seL4_DebugCapIdentify,
  seL4_DebugPutChar,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_GuardMismatch,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_InvalidRoot,
  seL4_MessageInfo_new,
  seL4_NBSend,
  seL4_NBSendRecv,
  seL4_NBSendWait,
  seL4_NotEnoughMemory,
  seL4_NotificationObject,
  seL4_Poll,
  seL4_RangeError,
  seL4_ReplyObject,
  seL4_RevokeFirst,
  seL4_Send,
  seL4_SetCap,
  seL4_SetMR,
  seL4_Signal,
  seL4_SysCall,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
  seL4_Yield,
  sel4ts_busy,
  sel4ts_read,
  tcbBuffer,
  UntypedRetype,
  VMKernelOnly,
  VMReadOnly,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import * as R from "../../src/abi/registers.ts";
import { ks } from "../../src/kernel/state.ts";
import { setReg } from "../../src/user/libsel4/word.ts";
import { TRAP_SYSCALL, type UserGenerator } from "../../src/user/runtime.ts";
import { findUntyped, runRoot } from "../harness.ts";
import { call, D, err, ok, type Reply, reg, retype, root, Slots } from "./cnode-helpers.ts";

const e = err;
const hex = (v: seL4_Word): string => "0x" + v.toString(16);
/** The pc of the next ecall (the engine parks a thread at its NextIP). */
const pc = (): seL4_Word => reg(R.NextIP);
/** Registers a0..a5 as the user sees them. */
const userRegs = (): seL4_Word[] => [R.a0, R.a1, R.a2, R.a3, R.a4, R.a5].map(reg);

/** A raw trap with a7 = sys and the given registers. */
function* trap(sys: seL4_Word, regs: [number, seL4_Word][] = []): UserGenerator<void> {
  setReg(R.a7, sys);
  for (const [r, v] of regs) setReg(r, v);
  yield TRAP_SYSCALL;
}

/** Copy-invocation message: dest, src, rights in MR0..MR4 and the boot CNode as cap 0. */
function copyMsg(dest: number, src: seL4_Word): seL4_Word {
  [dest, D, src, D, seL4_AllRights].forEach((m, i) => seL4_SetMR(i, m));
  seL4_SetCap(0, root);
  return seL4_MessageInfo_new(CNodeCopy, 0, 1, 5);
}

/** Make the root thread's kernel-side IPC buffer unusable or read-only (no TCB_SetIPCBuffer yet). */
function setBufferRights(rights: number): void {
  ks.curThread.cte[tcbBuffer].rights = rights;
}

describe("INV: kernel entry, invocation path, replies", () => {
  it("INV-1 a syscall records FaultIP = the ecall and NextIP = ecall + 4", () => {
    const seen: seL4_Word[] = [];
    runRoot(function* (bi) {
      const at = pc();
      yield* call(root, CNodeCopy, [bi.empty.start, D, seL4_CapInitThreadTCB, D, seL4_AllRights], [root]);
      seen.push(at, reg(R.FaultIP), reg(R.NextIP));
    });
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe((seen[0] as number) + 4);
  });

  it("INV-1 a cap fault reports the ecall address; a VM fault reports the faulting pc itself", () => {
    let at: seL4_Word = 0;
    const a = runRoot(function* () {
      at = pc();
      yield* seL4_Send(4096, 0);
    });
    expect(a.diagnostics.join("\n")).toContain(
      `cap fault in send phase at address 0x1000\nin thread "rootserver" at address ${hex(at)}`,
    );
    const b = runRoot(function* () {
      at = pc();
      yield* sel4ts_read(0x1000, 8);
    });
    expect(b.diagnostics.join("\n")).toContain(`at address ${hex(at)}`);
  });

  it.each([
    [0, "0x0"],
    [1, "0x1"],
    [-18, "0xffffffffffffffee"],
    [2 ** 40, "0x10000000000"],
    [2 ** 32 - 1, "0xffffffff"], // -1 only in 32 bits: the kernel compares the whole word
    [-(2 ** 33), "0xfffffffe00000000"],
  ])("INV-2 syscall number %d is unknown -> UnknownSyscall fault (the thread stops)", (sys, text) => {
    const got: number[] = [];
    const { diagnostics, result } = runRoot(function* () {
      yield* trap(sys);
      got.push(1);
    });
    expect(got).toEqual([]);
    expect(diagnostics.join("\n")).toContain(`unknown syscall ${text}`);
    expect(result.reason).toBe("idle");
  });

  it("INV-2 numbers below -11 that are configured debug syscalls are served", () => {
    const { out, diagnostics } = runRoot(function* () {
      yield* seL4_DebugPutChar(0x41); // -12
      yield* trap(-15, [[R.a0, 1]]); // DebugCapIdentify
      expect(reg(R.a0)).toBe(12);
    });
    expect(out).toBe("A");
    expect(diagnostics).toEqual([]);
  });

  it("INV-3 a syscall made without MIN_BUDGET left is not performed but re-issued after the recharge", () => {
    const entries: number[] = [];
    for (const spent of [4000, 4990]) {
      const got: (Reply | number)[] = [];
      const { result } = runRoot(function* (bi) {
        yield* seL4_Yield(); // start a fresh 5 ms timeslice
        yield* sel4ts_busy(spent);
        got.push(yield* call(root, CNodeCopy, [bi.empty.start, D, 1, D, seL4_AllRights], [root]));
        got.push(yield* seL4_DebugCapIdentify(bi.empty.start));
      });
      expect(got).toEqual([ok, 12]); // done exactly once either way
      entries.push(result.kernelEntries);
    }
    expect(entries[1] - entries[0]).toBe(1); // one refused entry, then the same ecall again
  });

  it("INV-4 a bad invoked cptr: Send and Call cap-fault (address = cptr), NBSend and first phases ignore it", () => {
    const got: seL4_Word[] = [];
    const a = runRoot(function* (bi) {
      const s = new Slots(bi);
      const nt = s.alloc();
      expect(yield* retype(bi, seL4_NotificationObject, 0, nt)).toBe(0);
      yield* seL4_NBSend(4096, 0);
      yield* seL4_NBSend(2n ** 64n - 1n, copyMsg(s.alloc(), 1));
      yield* seL4_Signal(nt);
      got.push((yield* seL4_NBSendRecv(4096, 0, nt, 0)).info); // receive phase still runs
      got.push(yield* seL4_DebugCapIdentify(bi.empty.start + 1));
      yield* seL4_Send(2n ** 63n + 7n, 0);
      got.push(-1);
    });
    expect(got).toEqual([0, cap_null_cap]);
    expect(a.diagnostics.join("\n")).toContain("cap fault in send phase at address 0x8000000000000007");
    expect(a.diagnostics).toHaveLength(1);
    expect(a.result.reason).toBe("idle");
    const b = runRoot(function* () {
      yield* call(4096 + 1, CNodeDelete, [5, D]);
      got.push(-2);
    });
    expect(got).not.toContain(-2);
    expect(b.diagnostics.join("\n")).toContain("cap fault in send phase at address 0x1001");
  });

  it("INV-5 the IPC buffer is the TCB's frame cap: read-only serves for sending only; no rights = no buffer", () => {
    const got: (Reply | seL4_Word)[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [d1, d2, d3] = [s.alloc(), s.alloc(), s.alloc()];
      setBufferRights(VMReadOnly);
      got.push(yield* call(root, CNodeCopy, [d1, D, 1, D, seL4_AllRights], [root])); // MR4, cap from buffer
      // GuardMismatch writes MR0..MR4; MR4 cannot be written to a read-only buffer.
      got.push(yield* call(root, CNodeCopy, [d2, D, 4096, D, 0x7777], [root]));
      got.push(seL4_GetMR(4));
      setBufferRights(VMKernelOnly);
      // No buffer: extra caps are not seen (even a bad cptr does not fault) and length -> 4.
      got.push(yield* call(root, CNodeCopy, [d3, D, 1, D, seL4_AllRights], [4096]));
      got.push(yield* call(root, CNodeDelete, [d1, D, 0, 0, 0, 0, 0], [], 120));
      got.push(yield* seL4_DebugCapIdentify(d1));
    });
    expect(got).toEqual([
      ok,
      { label: seL4_FailedLookup, length: 4, mrs: [1, seL4_GuardMismatch, 64, 0], badge: 0 },
      0x7777,
      e(seL4_TruncatedMessage),
      ok,
      cap_null_cap,
    ]);
  });

  it("INV-6 extra caps: an empty slot is passed on (null cap); a bad cptr faults blocking calls only", () => {
    const got: (Reply | seL4_Word)[] = [];
    const a = runRoot(function* (bi) {
      const s = new Slots(bi);
      const [d, empty] = [s.alloc(), s.alloc()];
      got.push(yield* call(root, CNodeCopy, [d, D, 1, D, seL4_AllRights], [empty]));
      // NBSend: the lookup failure is dropped and the invocation is not performed.
      yield* seL4_NBSend(root, copyMsg(d, 1));
      seL4_SetCap(0, 4096);
      yield* seL4_NBSend(root, seL4_MessageInfo_new(CNodeCopy, 0, 1, 5));
      got.push(yield* seL4_DebugCapIdentify(d));
      // Extra cap 2 is bad although Copy uses only cap 0: still a fault, no error reply.
      copyMsg(d, 1);
      seL4_SetCap(1, empty);
      seL4_SetCap(2, 2n ** 52n + 3n);
      yield* seL4_Send(root, seL4_MessageInfo_new(CNodeCopy, 0, 3, 5));
      got.push(-1);
    });
    expect(got).toEqual([e(seL4_FailedLookup, 1, seL4_InvalidRoot), 12]);
    expect(a.diagnostics.join("\n")).toContain("cap fault in send phase at address 0x10000000000003");
    const b = runRoot(function* (bi) {
      got.length = 0;
      got.push(yield* call(root, CNodeCopy, [bi.empty.start, D, 1, D, seL4_AllRights], [4097, 4098]));
    });
    expect(got).toEqual([]);
    expect(b.diagnostics.join("\n")).toContain("cap fault in send phase at address 0x1001");
  });

  it("INV-8 invoking an empty slot -> InvalidCapability(0) for Call, silently nothing for Send", () => {
    const got: (Reply | seL4_Word[])[] = [];
    let empty = 0;
    runRoot(function* (bi) {
      empty = bi.empty.start;
      got.push(yield* call(empty, CNodeCopy, [0, 0, 0, 0, 0], [root]));
      yield* seL4_Send(empty, seL4_MessageInfo_new(CNodeCopy, 0, 0, 0));
      got.push(userRegs().slice(0, 2)); // no reply: a0 and a1 are what the stub set
    });
    expect(got).toEqual([e(seL4_InvalidCapability, 0), [empty, seL4_MessageInfo_new(CNodeCopy, 0, 0, 0)]]);
  });

  it("INV-9 the label selects the method for kernel objects; Notification and Reply caps ignore it", () => {
    const got: (Reply | seL4_Word)[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [nt, nb, rp] = [s.alloc(), s.alloc(), s.alloc()];
      expect(yield* retype(bi, seL4_NotificationObject, 0, nt)).toBe(0);
      expect(yield* retype(bi, seL4_ReplyObject, 0, rp)).toBe(0);
      got.push(yield* call(root, CNodeMint, [nb, D, nt, D, seL4_AllRights, 0x55], [root]));
      got.push(yield* call(root, 0, [nb, D]));
      got.push(yield* call(root, 0xabcde, [nb, D]));
      got.push(yield* call(nb, 0xabcde, [1, 2, 3]));
      got.push((yield* seL4_Poll(nt)).sender);
      got.push(yield* call(rp, CNodeDelete, [nb, D]));
      got.push(yield* seL4_DebugCapIdentify(nb));
    });
    const ill = e(seL4_IllegalOperation);
    expect(got).toEqual([ok, ill, ill, ok, 0x55, ok, 6]);
  });

  it("INV-10 argument i is MR i: MR0..3 from a2..a5 (not the buffer), MR4.. from the IPC buffer", () => {
    const got: (seL4_Word | Reply)[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [nt, nb] = [s.alloc(), s.alloc()];
      expect(yield* retype(bi, seL4_NotificationObject, 0, nt)).toBe(0);
      // Buffer words for MR0..3 hold junk; the registers hold the real arguments.
      for (let i = 0; i < 4; i++) seL4_SetMR(i, 4096 + i);
      seL4_SetMR(4, seL4_AllRights);
      seL4_SetMR(5, 2n ** 64n - 2n); // badge
      seL4_SetCap(0, root);
      yield* trap(seL4_SysCall, [
        [R.a0, root],
        [R.a1, seL4_MessageInfo_new(CNodeMint, 0, 1, 6)],
        [R.a2, nb],
        [R.a3, D],
        [R.a4, nt],
        [R.a5, D],
      ]);
      got.push(reg(R.a1));
      yield* seL4_Signal(nb);
      got.push((yield* seL4_Poll(nt)).sender);
      // Length 127 is read as 120 (seL4_MsgMaxLength): the call still decodes normally.
      got.push(yield* call(root, CNodeDelete, [nb, D], [], 127));
    });
    expect(got).toEqual([0, 2n ** 64n - 2n, ok]);
  });

  it("INV-11 error replies: badge 0, label = error, length = MRs written, per-error MR contents", () => {
    const got: Reply[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [ut, d, o] = [s.alloc(), s.alloc(), s.alloc()];
      expect(yield* retype(bi, seL4_UntypedObject, 12, ut)).toBe(0);
      const retypeArgs = (type: number, bits: number, n: number): seL4_Word[] => [type, bits, 0, 0, o, n];
      got.push(yield* call(ut, UntypedRetype, retypeArgs(99, 0, 1), [root])); // InvalidArgument
      got.push(yield* call(s.alloc(), 0, [])); // InvalidCapability
      got.push(yield* call(root, 0, [])); // IllegalOperation
      got.push(yield* call(root, CNodeDelete, [d, 0])); // RangeError
      got.push(yield* call(root, CNodeDelete, [4096, D])); // FailedLookup
      got.push(yield* call(root, CNodeDelete, [d])); // TruncatedMessage
      got.push(yield* call(root, CNodeCopy, [1, D, 2, D, 0xf], [root])); // DeleteFirst
      got.push(yield* call(ut, UntypedRetype, retypeArgs(seL4_UntypedObject, 12, 2), [root])); // NEM
      expect((yield* call(ut, UntypedRetype, retypeArgs(seL4_EndpointObject, 0, 1), [root])).label).toBe(0);
      got.push(yield* call(root, CNodeCopy, [d, D, ut, D, 0xf], [root])); // RevokeFirst
    });
    expect(got).toEqual([
      e(seL4_InvalidArgument, 0),
      e(seL4_InvalidCapability, 0),
      e(seL4_IllegalOperation),
      e(seL4_RangeError, 1, 64),
      e(seL4_FailedLookup, 0, seL4_GuardMismatch, 64, 0, 52),
      e(seL4_TruncatedMessage),
      e(seL4_DeleteFirst),
      e(seL4_NotEnoughMemory, 4096),
      e(seL4_RevokeFirst),
    ]);
  });

  it("INV-12 a successful Call gets badge 0, label 0, length 0; MR registers are left as they were", () => {
    const got: seL4_Word[][] = [];
    let d = 0;
    runRoot(function* (bi) {
      d = bi.empty.start;
      const info = copyMsg(d, seL4_CapInitThreadTCB);
      yield* trap(seL4_SysCall, [
        [R.a0, root],
        [R.a1, info],
        [R.a2, bi.empty.start],
        [R.a3, D],
        [R.a4, seL4_CapInitThreadTCB],
        [R.a5, D],
      ]);
      got.push(userRegs());
    });
    expect(got).toEqual([[0, 0, d, D, seL4_CapInitThreadTCB, D]]);
  });

  it("INV-13 Send/NBSend: a failing invocation gives no reply and leaves every register; a good one still acts", () => {
    const got: (seL4_Word[] | number)[] = [];
    let d = 0;
    runRoot(function* (bi) {
      d = bi.empty.start;
      for (const send of [seL4_Send, seL4_NBSend]) {
        const info = copyMsg(d, 4096); // source lookup fails
        yield* send(root, info);
        got.push(userRegs());
        const info2 = seL4_MessageInfo_new(0, 0, 0, 0); // IllegalOperation
        yield* send(root, info2);
        got.push(userRegs().slice(0, 2));
      }
      const info = copyMsg(d, 1);
      yield* seL4_Send(root, info);
      got.push(userRegs().slice(0, 2));
      got.push(yield* seL4_DebugCapIdentify(d));
      yield* seL4_NBSend(root, copyMsg(d, 1)); // now DeleteFirst: silently dropped
      got.push(yield* seL4_DebugCapIdentify(d));
    });
    const fail = [root, seL4_MessageInfo_new(CNodeCopy, 0, 1, 5), d, D, 4096, D];
    const ill = [root, 0];
    expect(got).toEqual([fail, ill, fail, ill, [root, seL4_MessageInfo_new(CNodeCopy, 0, 1, 5)], 12, 12]);
  });

  it("INV-14 first phases refuse TCB/CNode/Domain/SchedContext/SchedControl caps but run Untyped and Notification invocations", () => {
    const got: seL4_Word[] = [];
    runRoot(function* (bi) {
      const s = new Slots(bi);
      const [nt, nb, o1, o2] = [s.alloc(), s.alloc(), s.alloc(), s.alloc()];
      expect(yield* retype(bi, seL4_NotificationObject, 0, nt)).toBe(0);
      expect((yield* call(root, CNodeMint, [nb, D, nt, D, seL4_AllRights, 9], [root])).label).toBe(0);
      const refused = [
        seL4_CapInitThreadTCB,
        root,
        seL4_CapDomain,
        seL4_CapInitThreadSC,
        bi.schedcontrol.start,
      ];
      for (const cap of refused) {
        yield* seL4_Signal(nb);
        copyMsg(o1, seL4_CapInitThreadTCB);
        got.push((yield* seL4_NBSendWait(cap, seL4_MessageInfo_new(CNodeCopy, 0, 1, 5), nt)).sender);
      }
      got.push(yield* seL4_DebugCapIdentify(o1));
      // Untyped in the first phase: the retype happens, then the wait runs.
      const ut = findUntyped(bi, 16).cptr;
      yield* seL4_Signal(nb);
      [seL4_EndpointObject, 0, 0, 0, o2, 1].forEach((m, i) => seL4_SetMR(i, m));
      seL4_SetCap(0, root);
      got.push((yield* seL4_NBSendWait(ut, seL4_MessageInfo_new(UntypedRetype, 0, 1, 6), nt)).sender);
      got.push(yield* seL4_DebugCapIdentify(o2));
      // Notification in the first phase: the signal sent is the one the wait then receives.
      got.push((yield* seL4_NBSendRecv(nb, 0, nt, 0)).sender);
    });
    expect(got).toEqual([9, 9, 9, 9, 9, cap_null_cap, 9, cap_endpoint_cap, 9]);
  });

  it("INV-15 a long Revoke is preempted at a preemption point and completes when the syscall is re-issued", () => {
    const got: (Reply | number)[] = [];
    const { system } = runRoot(function* (bi) {
      const s = new Slots(bi);
      const ut = s.alloc();
      const first = bi.empty.start + 1;
      expect(yield* retype(bi, seL4_UntypedObject, 16, ut, 1, 17)).toBe(0);
      for (let k = 0; k < 3; k++) {
        const r = yield* call(
          ut,
          UntypedRetype,
          [seL4_EndpointObject, 0, 0, 0, first + 256 * k, 256],
          [root],
        );
        expect(r.label).toBe(0);
      }
      yield* seL4_Yield();
      yield* sel4ts_busy(4950); // leave about 50 us of the 5 ms timeslice
      got.push(yield* call(root, 18 /* Revoke */, [ut, D]));
      for (const k of [0, 255, 256, 767]) got.push(yield* seL4_DebugCapIdentify(first + k));
    });
    expect(got).toEqual([ok, 0, 0, 0, 0]);
    expect(system.preemptions).toBeGreaterThan(0);
  });
});
