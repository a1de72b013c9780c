// TCB invocations, part 3 (semantics §8, TH-20..TH-26): registers, notification binding, TLS
// base and flags, observed through real threads.

import { describe, expect, it } from "vitest";
import {
  seL4_CanWrite,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_NotificationObject,
  seL4_RangeError,
  seL4_Signal,
  seL4_TCB_BindNotification,
  seL4_TCB_CopyRegisters,
  seL4_TCB_ReadRegisters,
  seL4_TCB_SetPriority,
  seL4_TCB_SetTLSBase,
  seL4_TCB_Suspend,
  seL4_TCB_UnbindNotification,
  seL4_TCB_WriteRegisters,
  seL4_TruncatedMessage,
  seL4_Wait,
  sel4ts_entry,
  TCBBindNotification,
  TCBCopyRegisters,
  TCBReadRegisters,
  TCBSetFlags,
  TCBSetTLSBase,
  TCBUnbindNotification,
  TCBWriteRegisters,
  ThreadState_Inactive,
  type seL4_UserContext,
  type seL4_Word,
} from "../../src/user/libsel4.ts";
import { seL4_UserContext_fields } from "../../src/abi/registers.ts";
import { runRoot } from "../harness.ts";
import { call, err, ok } from "./cnode-helpers.ts";
import { kit, put, rootTCB, copyRights, kObj, kTcb } from "./tcb-helpers.ts";

const fields = seL4_UserContext_fields as readonly (keyof seL4_UserContext)[];

/** 32 distinct context values, some of them above 2^53. */
function contextValues(pc: number): seL4_Word[] {
  return fields.map((_, i) => (i === 0 ? pc : i % 3 === 0 ? (0xfedcba98n << 32n) | BigInt(i) : 0x1111 * i));
}

describe("TH-20 ReadRegisters", () => {
  it("TH-20 truncated; count outside [1, 32] is RangeError(1, 32); reading yourself is IllegalOperation", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBReadRegisters, [0])).toEqual(err(seL4_TruncatedMessage));
      for (const n of [0, 33, 2 ** 32 + 1]) {
        expect(yield* call(t.tcb, TCBReadRegisters, [0, n])).toEqual(err(seL4_RangeError, 1, 32));
      }
      // The range comes before the self check.
      expect(yield* call(rootTCB, TCBReadRegisters, [0, 0])).toEqual(err(seL4_RangeError, 1, 32));
      expect(yield* call(rootTCB, TCBReadRegisters, [0, 1])).toEqual(err(seL4_IllegalOperation));
    });
  });

  it("TH-20/TH-21 what WriteRegisters wrote comes back exactly, pc first (FaultIP); n words only", () => {
    let all: seL4_Word[] = [];
    let five: { label: number; length: number } = { label: -1, length: -1 };
    const pc = 0x2_0000_1230;
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      const vals = contextValues(pc);
      expect(yield* call(t.tcb, TCBWriteRegisters, [0, 32, ...vals])).toEqual(ok);
      const r = yield* call(t.tcb, TCBReadRegisters, [0, 32]);
      expect(r.label).toBe(0);
      expect(r.length).toBe(32);
      all = r.mrs;
      five = yield* call(t.tcb, TCBReadRegisters, [0, 5]);
      expect(all).toEqual(vals);
    });
    expect(all[0]).toBe(pc);
    expect(five.length).toBe(5);
  });

  it("TH-20 the suspend flag suspends the source first", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("T");
      });
      expect((yield* seL4_TCB_ReadRegisters(t.tcb, 1, 0, 1)).error).toBe(0);
      expect(kTcb(t.tcb).state).toBe(ThreadState_Inactive);
      yield* seL4_Signal(n);
      yield* put("R");
    });
    expect(out).toBe("R");
  });
});

describe("TH-21 WriteRegisters", () => {
  it("TH-21 truncated (length < 2, or fewer words than the count); writing yourself is IllegalOperation; counts above 32 are capped", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBWriteRegisters, [0])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.tcb, TCBWriteRegisters, [0, 3, 1, 2])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(rootTCB, TCBWriteRegisters, [0, 3, 1, 2])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(rootTCB, TCBWriteRegisters, [0, 1, 1])).toEqual(err(seL4_IllegalOperation));
      const vals = contextValues(0x4000);
      const extra = [7, 7, 7, 7, 7, 7];
      expect(yield* call(t.tcb, TCBWriteRegisters, [0, 38, ...vals, ...extra])).toEqual(ok);
      expect((yield* call(t.tcb, TCBReadRegisters, [0, 32])).mrs).toEqual(vals);
    });
  });

  it("TH-21 without the resume flag the thread stays put; with it the thread starts at the written pc", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {}, { start: false });
      const body = function* (a0: number | bigint) {
        yield* put(String.fromCharCode(Number(a0)));
      };
      expect(yield* seL4_TCB_WriteRegisters(t.tcb, 0, 0, 17, { pc: sel4ts_entry(body), a0: 0x41 })).toBe(0);
      yield* put("1");
      expect(yield* seL4_TCB_WriteRegisters(t.tcb, 1, 0, 17, { pc: sel4ts_entry(body), a0: 0x42 })).toBe(0);
      yield* put("2");
    });
    expect(out).toBe("1B2");
  });

  it("TH-21 a blocked thread whose pc is rewritten starts the new entry when woken (NextIP := FaultIP), with the badge in a0", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const t = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("old");
      });
      const fresh = function* (a0: number | bigint, a1: number | bigint) {
        yield* put(`new${a0},${a1}`);
      };
      expect(yield* seL4_TCB_WriteRegisters(t.tcb, 0, 0, 18, { pc: sel4ts_entry(fresh), a0: 7, a1: 8 })).toBe(
        0,
      );
      // The signal still completes the Wait: it writes the badge (0) into a0.
      yield* seL4_Signal(n);
      yield* put(".");
    });
    expect(out).toBe("new0,8.");
  });

  it("TH-21 restarting a thread at the entry it is blocked in starts it afresh (the engine never confuses the two)", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const body = function* (a0: number | bigint) {
        yield* put(`<${a0}`);
        yield* seL4_Wait(n);
        yield* put(`${a0}>`);
      };
      const t = yield* k.thread(body, { args: [1, 0, 0] });
      expect(yield* seL4_TCB_Suspend(t.tcb)).toBe(0);
      expect(yield* seL4_TCB_WriteRegisters(t.tcb, 1, 0, 17, { pc: sel4ts_entry(body), a0: 2 })).toBe(0);
      yield* seL4_Signal(n);
    });
    expect(out).toBe("<1<22>");
  });
});

describe("TH-22 CopyRegisters", () => {
  it("TH-22 truncated; a source that is not a TCB is invalidCap(1); copying from yourself is allowed", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBCopyRegisters, [], [t.tcb])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.tcb, TCBCopyRegisters, [0], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.tcb, TCBCopyRegisters, [0], [bi.schedcontrol.start])).toEqual(
        err(seL4_InvalidCapability, 1),
      );
      expect(yield* call(t.tcb, TCBCopyRegisters, [12], [t.tcb])).toEqual(ok);
      // Copying your own frame registers sets NextIP := FaultIP: the caller re-executes its ecall,
      // now with the reply registers (a0 = 0, a1 = 0), i.e. a Call on cptr 0, the null cap.
      expect(yield* call(rootTCB, TCBCopyRegisters, [12], [rootTCB])).toEqual(err(seL4_InvalidCapability, 0));
      expect(yield* call(rootTCB, TCBCopyRegisters, [8], [rootTCB])).toEqual(ok);
    });
  });

  it("TH-22 frame and integer registers are copied separately; the target resumes at the copied pc", () => {
    const seen: string[] = [];
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const body = function* (a0: number | bigint) {
        seen.push(`ran a0=${a0}`);
      };
      const src = yield* k.thread(function* () {}, { start: false });
      expect(yield* seL4_TCB_WriteRegisters(src.tcb, 0, 0, 17, { pc: sel4ts_entry(body), a0: 42 })).toBe(0);
      const d1 = yield* k.thread(function* () {}, { start: false, args: [5, 0, 0] });
      // Frame registers only (pc, ra, sp, gp, s0..s11): a0 stays 5.
      expect(yield* seL4_TCB_CopyRegisters(d1.tcb, src.tcb, 0, 1, 1, 0, 0)).toBe(0);
      const d2 = yield* k.thread(function* () {}, { start: false, args: [5, 0, 0] });
      expect(yield* seL4_TCB_CopyRegisters(d2.tcb, src.tcb, 0, 1, 1, 1, 0)).toBe(0);
    });
    expect(seen).toEqual(["ran a0=5", "ran a0=42"]);
  });

  it("TH-22 the suspend-source flag stops the source", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const src = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("S");
      });
      const d = yield* k.thread(function* () {}, { start: false });
      expect(yield* seL4_TCB_CopyRegisters(d.tcb, src.tcb, 1, 0, 0, 0, 0)).toBe(0);
      expect(kTcb(src.tcb).state).toBe(ThreadState_Inactive);
      yield* seL4_Signal(n);
      yield* put("R");
    });
    expect(out).toBe("R");
  });
});

describe("TH-23, TH-24 notification binding", () => {
  it("TH-23 BindNotification checks in order; an Active notification may be bound", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const n2 = yield* k.make(seL4_NotificationObject);
      const ep = yield* k.make(seL4_EndpointObject);
      const wo = k.alloc();
      expect(yield* copyRights(wo, n, seL4_CanWrite)).toBe(0);
      const t = yield* k.thread(function* () {}, { start: false });
      const u = yield* k.thread(function* () {}, { start: false });
      const bind = (tcb: number, c: number): ReturnType<typeof call> =>
        call(tcb, TCBBindNotification, [], [c]);
      expect(yield* call(t.tcb, TCBBindNotification, [], [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* bind(t.tcb, ep)).toEqual(err(seL4_IllegalOperation));
      expect(yield* bind(t.tcb, wo)).toEqual(err(seL4_IllegalOperation));
      yield* seL4_Signal(n);
      expect(yield* bind(t.tcb, n)).toEqual(ok);
      expect(yield* bind(t.tcb, n2)).toEqual(err(seL4_IllegalOperation));
      expect(yield* bind(u.tcb, n)).toEqual(err(seL4_IllegalOperation));
      expect(kTcb(t.tcb).boundNotification).toBe(kObj(n));
      expect(kTcb(u.tcb).boundNotification).toBeNull();
    });
  });

  it("TH-23 a notification with waiters cannot be bound; only the bound thread may then wait on it", () => {
    const { out, diagnostics } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      const w = yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("W");
      });
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBBindNotification, [], [n])).toEqual(err(seL4_IllegalOperation));
      yield* seL4_Signal(n);
      expect(yield* seL4_TCB_BindNotification(t.tcb, n)).toBe(0);
      // The earlier waiter, now running again, tries to wait on a notification bound to another.
      expect(
        yield* seL4_TCB_WriteRegisters(w.tcb, 1, 0, 17, {
          pc: sel4ts_entry(function* () {
            yield* seL4_Wait(n);
            yield* put("X");
          }),
        }),
      ).toBe(0);
      yield* put("R");
    });
    expect(out).toBe("WR");
    expect(diagnostics.join("\n")).toContain("cap fault in receive phase");
  });

  it("TH-24 UnbindNotification: not bound is IllegalOperation; after unbinding others may wait again", () => {
    const { out } = runRoot(function* (bi) {
      const k = yield* kit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBUnbindNotification, [])).toEqual(err(seL4_IllegalOperation));
      expect(yield* seL4_TCB_BindNotification(t.tcb, n)).toBe(0);
      expect(yield* seL4_TCB_UnbindNotification(t.tcb)).toBe(0);
      expect(kTcb(t.tcb).boundNotification).toBeNull();
      expect(yield* seL4_TCB_SetPriority(rootTCB, rootTCB, 50)).toBe(0);
      yield* k.thread(function* () {
        yield* seL4_Wait(n);
        yield* put("W");
      });
      yield* seL4_Signal(n);
      yield* put("R");
    });
    expect(out).toBe("WR");
  });
});

describe("TH-25, TH-26 TLS base and flags", () => {
  it("TH-25 SetTLSBase: truncated without an argument; writes tp (context word 31) exactly", () => {
    let tp: seL4_Word = -1;
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBSetTLSBase, [])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* seL4_TCB_SetTLSBase(t.tcb, 0xdead_beef_0000_1234n)).toBe(0);
      tp = (yield* call(t.tcb, TCBReadRegisters, [0, 32])).mrs[31];
      expect(yield* seL4_TCB_SetTLSBase(rootTCB, 77)).toBe(0);
    });
    expect(tp).toBe(0xdead_beef_0000_1234n);
  });

  it("TH-26 SetFlags: truncated below 2 arguments; flags = (flags & ~clear) | (set & mask), returned in MR0", () => {
    runRoot(function* (bi) {
      const k = yield* kit(bi);
      const t = yield* k.thread(function* () {}, { start: false });
      expect(yield* call(t.tcb, TCBSetFlags, [0])).toEqual(err(seL4_TruncatedMessage));
      expect(yield* call(t.tcb, TCBSetFlags, [0, 0xff])).toEqual({ label: 0, length: 1, mrs: [1], badge: 0 });
      expect(yield* call(t.tcb, TCBSetFlags, [0, 0])).toEqual({ label: 0, length: 1, mrs: [1], badge: 0 });
      expect(yield* call(t.tcb, TCBSetFlags, [2 ** 40 + 1, 0])).toEqual({
        label: 0,
        length: 1,
        mrs: [0],
        badge: 0,
      });
      expect(kTcb(t.tcb).flags).toBe(0);
    });
  });

  it("TH-26 SetFlags on a kernel built without an FPU: no flag exists (seL4_TCBFlag_MASK is 0)", () => {
    let got: unknown;
    runRoot(
      function* (bi) {
        const k = yield* kit(bi);
        const t = yield* k.thread(function* () {}, { start: false });
        got = yield* call(t.tcb, TCBSetFlags, [0, 0xff]);
        expect(kTcb(t.tcb).flags).toBe(0);
      },
      { kernelConfig: { fpu: false } },
    );
    expect(got).toEqual({ label: 0, length: 1, mrs: [0], badge: 0 });
  });
});
