// Interrupts (semantics §13, IRQ-1..IRQ-9, DEL-10) observed from the root task: IRQControl_Get /
// GetTrigger errors in seL4's order, handler invocations, delivery of PLIC sources through
// notifications and the QEMU virt claim quirk. A "device" is the test raising a PLIC line from user
// code (system.machine.plic.raise), as a device would when driven through its registers.

import { describe, expect, it } from "vitest";
import {
  cap_irq_handler_cap,
  cap_null_cap,
  IRQAckIRQ,
  IRQIssueIRQHandler,
  IRQSetIRQHandler,
  KERNEL_TIMER_IRQ,
  RISCVIRQIssueIRQHandlerTrigger,
  seL4_AllRights,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapIRQControl,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_IRQControl_Get,
  seL4_IRQControl_GetTrigger,
  seL4_IRQHandler_Ack,
  seL4_IRQHandler_Clear,
  seL4_IRQHandler_SetNotification,
  seL4_Poll,
  seL4_RangeError,
  seL4_ReadWrite,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Default_VMAttributes,
  seL4_RISCV_Page_Map,
  seL4_CapInitThreadVSpace,
  seL4_Untyped_Retype,
  sel4ts_read,
  sel4ts_write,
  UART0_BASE,
  UART0_IRQ,
  seL4_RevokeFirst,
  seL4_TruncatedMessage,
  seL4_Wait,
  seL4_Yield,
  sel4ts_busy,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import { IRQInactive, IRQSignal, IRQTimer, PLIC_SOURCE_PRIORITY } from "../../src/kernel/interrupt.ts";
import { System, type SystemOptions } from "../../src/system/system.ts";
import { IER_RDA, LSR_DR, UART_IER, UART_LSR, UART_RBR_THR } from "../../src/machine/uart.ts";
import { runRoot, HARNESS_ROOT_CNODE_BITS } from "../harness.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { call, D } from "./cnode-helpers.ts";
import { seL4_EndpointObject, seL4_NotificationObject, threadKit, type ThreadKit } from "./thread-helpers.ts";

const root = seL4_CapInitThreadCNode;
const CTRL = seL4_CapIRQControl;

/** Like runRoot, but the root task sees the System (to play a device on the machine). */
function runWith(main: (bi: seL4_BootInfo, sys: System) => UserGenerator<unknown>): System {
  const diagnostics: string[] = [];
  const sys = new System({
    checkInvariants: true,
    ramSize: 64 * 1024 * 1024,
    kernelConfig: { rootCNodeSizeBits: HARNESS_ROOT_CNODE_BITS },
    maxTicks: 10_000_000_000,
    onDiagnostic: (t) => diagnostics.push(t),
  });
  sys.boot(function* (bi) {
    return yield* main(bi, sys);
  });
  const result = sys.run();
  expect(result.reason, result.message).not.toBe("invariant");
  const errors = diagnostics.filter((d) => d.startsWith("user program error"));
  expect(errors, errors.join("\n")).toEqual([]);
  return sys;
}

/** A notification and a cap to it with `badge` (signals carry the badge; badge 0 would read as 0). */
function* badgedNotification(k: ThreadKit, badge = 1): UserGenerator<[number, number]> {
  const n = yield* k.make(seL4_NotificationObject);
  const b = k.alloc();
  expect(yield* seL4_CNode_Mint(root, b, D, root, n, D, seL4_AllRights, badge)).toBe(0);
  return [n, b];
}

/** IRQControl_Get into a fresh slot; returns [error, slot]. */
function* get(bi: seL4_BootInfo, irq: number, slot = bi.empty.start): UserGenerator<[number, number]> {
  return [yield* seL4_IRQControl_Get(CTRL, irq, root, slot, D), slot];
}

describe("IRQ-1 boot state", () => {
  it("IRQ-1 every IRQ is Inactive except the timer; the PLIC has every source masked at priority 2, threshold 0", () => {
    const sys = runWith(function* () {
      yield* [];
    });
    const st = sys.kernel.state.irqState;
    st.forEach((s, i) => expect(s, `irq ${i}`).toBe(i === KERNEL_TIMER_IRQ ? IRQTimer : IRQInactive));
    const plic = sys.machine.plic;
    for (let i = 1; i < KERNEL_TIMER_IRQ; i++) {
      expect(plic.isEnabled(i), `source ${i}`).toBe(false);
      expect(plic.getPriority(i), `source ${i}`).toBe(PLIC_SOURCE_PRIORITY);
    }
    expect(plic.threshold).toBe(0);
  });
});

describe("IRQ-2 IRQControl_Get", () => {
  it("IRQ-2 check order: truncation, range (1..96), RevokeFirst (timer, issued), slot lookup, DeleteFirst", () => {
    const got: unknown[] = [];
    runWith(function* (bi) {
      const s = bi.empty.start;
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [5, s], [root])).label); // length 2
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [5, s, D], [])).label); // no cap
      for (const irq of [0, 97, 2n ** 64n - 1n]) {
        const r = yield* call(CTRL, IRQIssueIRQHandler, [irq, s, D], [root]);
        got.push([r.label, ...r.mrs]);
      }
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [KERNEL_TIMER_IRQ, s, D], [root])).label);
      // A bad depth is only found after the IRQ checks.
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [KERNEL_TIMER_IRQ, s, 0], [root])).label);
      const bad = yield* call(CTRL, IRQIssueIRQHandler, [5, s, 0], [root]);
      got.push([bad.label, ...bad.mrs]);
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [5, s, D], [CTRL])).label); // root not a CNode
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [5, 1, D], [root])).label); // slot 1 holds the TCB
      got.push((yield* get(bi, 5))[0]);
      // Issued: RevokeFirst even with a bad destination.
      got.push((yield* call(CTRL, IRQIssueIRQHandler, [5, 1, 0], [root])).label);
    });
    expect(got).toEqual([
      seL4_TruncatedMessage,
      seL4_TruncatedMessage,
      [seL4_RangeError, 1, 96],
      [seL4_RangeError, 1, 96],
      [seL4_RangeError, 1, 96],
      seL4_RevokeFirst,
      seL4_RevokeFirst,
      [seL4_RangeError, 1, 64],
      seL4_FailedLookup,
      seL4_DeleteFirst,
      0,
      seL4_RevokeFirst,
    ]);
  });

  it("IRQ-2 success: the IRQ is Signal and its source unmasked; the handler cap is a child of IRQControl", () => {
    let type = -1;
    let afterRevoke = -1;
    const states: number[] = [];
    const enabled: boolean[] = [];
    runWith(function* (bi, sys) {
      const [err, slot] = yield* get(bi, 7);
      expect(err).toBe(0);
      type = yield* seL4_DebugCapIdentify(slot);
      states.push(sys.kernel.state.irqState[7]);
      enabled.push(sys.machine.plic.isEnabled(7));
      expect(yield* seL4_CNode_Revoke(root, CTRL, D)).toBe(0);
      afterRevoke = yield* seL4_DebugCapIdentify(slot);
      states.push(sys.kernel.state.irqState[7]);
    });
    expect(type).toBe(cap_irq_handler_cap);
    expect(afterRevoke).toBe(cap_null_cap);
    expect(states).toEqual([IRQSignal, IRQInactive]);
    expect(enabled).toEqual([true]);
  });
});

describe("IRQ-3 IRQControl_GetTrigger and other labels", () => {
  it("IRQ-3 needs 4 words and a cap, then checks as Get; the trigger is accepted (a no-op at the QEMU PLIC)", () => {
    const got: unknown[] = [];
    runWith(function* (bi) {
      const s = bi.empty.start;
      got.push((yield* call(CTRL, RISCVIRQIssueIRQHandlerTrigger, [5, 1, s], [root])).label);
      got.push((yield* call(CTRL, RISCVIRQIssueIRQHandlerTrigger, [5, 1, s, D], [])).label);
      const r = yield* call(CTRL, RISCVIRQIssueIRQHandlerTrigger, [0, 1, s, D], [root]);
      got.push([r.label, ...r.mrs]);
      got.push(yield* seL4_IRQControl_GetTrigger(CTRL, KERNEL_TIMER_IRQ, 1, root, s, D));
      got.push(yield* seL4_IRQControl_GetTrigger(CTRL, 5, 1, root, s, D)); // edge
      got.push(yield* seL4_IRQControl_GetTrigger(CTRL, 6, 0, root, s + 1, D)); // level
      got.push(yield* seL4_IRQControl_GetTrigger(CTRL, 5, 0, root, s + 2, D));
      got.push(yield* seL4_DebugCapIdentify(s));
    });
    expect(got).toEqual([
      seL4_TruncatedMessage,
      seL4_TruncatedMessage,
      [seL4_RangeError, 1, 96],
      seL4_RevokeFirst,
      0,
      0,
      seL4_RevokeFirst,
      cap_irq_handler_cap,
    ]);
  });

  it("IRQ-3 any other IRQControl label is IllegalOperation; so is an unknown IRQHandler label", () => {
    const got: number[] = [];
    runWith(function* (bi) {
      for (const label of [0, IRQAckIRQ, 45, 47])
        got.push((yield* call(CTRL, label, [5, bi.empty.start, D], [root])).label);
      const [, h] = yield* get(bi, 5);
      for (const label of [0, IRQIssueIRQHandler, 30]) got.push((yield* call(h, label, [])).label);
    });
    expect(got).toEqual(Array(7).fill(seL4_IllegalOperation));
  });
});

describe("IRQ-4..IRQ-8 handler invocations and delivery", () => {
  it("IRQ-4 SetNotification: no cap -> Truncated; not a notification, or no Send right -> InvalidCapability 0", () => {
    const got: unknown[] = [];
    runWith(function* (bi) {
      const k = yield* threadKit(bi);
      const [, h] = yield* get(bi, 3, k.alloc());
      const ep = yield* k.make(seL4_EndpointObject);
      const n = yield* k.make(seL4_NotificationObject);
      const readOnly = k.alloc();
      expect(yield* seL4_CNode_Mint(root, readOnly, D, root, n, D, seL4_CanRead, 0)).toBe(0);
      got.push((yield* call(h, IRQSetIRQHandler, [], [])).label);
      for (const c of [ep, readOnly, h, 40]) {
        const r = yield* call(h, IRQSetIRQHandler, [], [c]);
        got.push([r.label, ...r.mrs]);
      }
      const writeOnly = k.alloc();
      expect(yield* seL4_CNode_Mint(root, writeOnly, D, root, n, D, seL4_CanWrite, 0)).toBe(0);
      got.push(yield* seL4_IRQHandler_SetNotification(h, writeOnly));
    });
    expect(got).toEqual([
      seL4_TruncatedMessage,
      [seL4_InvalidCapability, 0],
      [seL4_InvalidCapability, 0],
      [seL4_InvalidCapability, 0],
      [seL4_InvalidCapability, 0],
      0,
    ]);
  });

  it("IRQ-7 the root task waits on a notification and a device's interrupt wakes it with the cap's badge", () => {
    const log: string[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const badged = k.alloc();
      expect(yield* seL4_CNode_Mint(root, badged, D, root, n, D, seL4_AllRights, 0x30)).toBe(0);
      const [, h] = yield* get(bi, 9, k.alloc());
      expect(yield* seL4_IRQHandler_SetNotification(h, badged)).toBe(0);
      // A low-priority thread plays the device: it computes, raises the line mid-computation and is
      // interrupted there.
      yield* k.spawn(
        function* () {
          log.push("device starts");
          sys.machine.plic.raise(9);
          yield* sel4ts_busy(50);
          log.push("device done");
        },
        { prio: 10 },
      );
      log.push("root waits");
      const { sender } = yield* seL4_Wait(n);
      log.push(`root woken, badge ${String(sender)}, at ${sys.machine.clock.now > 0 ? "t>0" : "t=0"}`);
    });
    expect(log).toEqual(["root waits", "device starts", "root woken, badge 48, at t>0", "device done"]);
  });

  it("IRQ-7 a Signal IRQ without a notification is dropped: registering one later delivers nothing old", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const [n, b] = yield* badgedNotification(k);
      const [, h] = yield* get(bi, 12, k.alloc());
      sys.machine.plic.raise(12);
      yield* seL4_Yield(); // the interrupt is taken at this trap and dropped
      got.push(sys.machine.plic.isPending(12));
      expect(yield* seL4_IRQHandler_SetNotification(h, b)).toBe(0);
      got.push((yield* seL4_Poll(n)).sender);
      sys.machine.plic.raise(12);
      yield* seL4_Yield();
      got.push((yield* seL4_Poll(n)).sender);
    });
    expect(got).toEqual([false, 0, 1]);
  });

  it("IRQ-4 the registration is a copy of the cap as it is: replaced by a later one; independent of the user's slot", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const n = yield* k.make(seL4_NotificationObject);
      const [b1, b2] = [k.alloc(), k.alloc()];
      expect(yield* seL4_CNode_Mint(root, b1, D, root, n, D, seL4_AllRights, 0x1)).toBe(0);
      expect(yield* seL4_CNode_Mint(root, b2, D, root, n, D, seL4_AllRights, 0x2)).toBe(0);
      const [, h] = yield* get(bi, 20, k.alloc());
      expect(yield* seL4_IRQHandler_SetNotification(h, b1)).toBe(0);
      expect(yield* seL4_IRQHandler_SetNotification(h, b2)).toBe(0);
      // MDB-12: the registered copy keeps b2's cap non-final; deleting b2 leaves it in place.
      expect(yield* seL4_CNode_Delete(root, b2, D)).toBe(0);
      sys.machine.plic.raise(20);
      yield* seL4_Yield();
      got.push((yield* seL4_Poll(n)).sender);
      got.push(sys.kernel.state.irqSlots[20].dataLo);
    });
    expect(got).toEqual([2, 2]);
  });

  it("IRQ-5 Clear removes the registration: interrupts then go undelivered", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const [n, b] = yield* badgedNotification(k);
      const [, h] = yield* get(bi, 4, k.alloc());
      expect(yield* seL4_IRQHandler_SetNotification(h, b)).toBe(0);
      expect(yield* seL4_IRQHandler_Clear(h)).toBe(0);
      got.push(sys.kernel.state.irqSlots[4].type);
      sys.machine.plic.raise(4);
      yield* seL4_Yield();
      got.push((yield* seL4_Poll(n)).sender);
      got.push(yield* seL4_IRQHandler_Clear(h)); // clearing again is fine
      got.push(sys.kernel.state.irqState[4]);
    });
    expect(got).toEqual([cap_null_cap, 0, 0, IRQSignal]);
  });

  it("IRQ-6/IRQ-8 QEMU virt: the claim is completed at delivery, so the source fires again before any Ack; Ack always succeeds", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const [n, b] = yield* badgedNotification(k);
      const [, h] = yield* get(bi, 8, k.alloc());
      got.push(yield* seL4_IRQHandler_Ack(h)); // nothing registered, nothing pending: still fine
      expect(yield* seL4_IRQHandler_SetNotification(h, b)).toBe(0);
      const plic = sys.machine.plic;
      plic.raise(8);
      yield* seL4_Yield();
      got.push(plic.isClaimed(8));
      got.push((yield* seL4_Wait(n)).sender);
      plic.raise(8); // no Ack in between
      yield* seL4_Yield();
      got.push((yield* seL4_Wait(n)).sender);
      got.push(yield* seL4_IRQHandler_Ack(h));
      got.push(plic.isEnabled(8));
    });
    expect(got).toEqual([0, false, 1, 1, 0, true]);
  });

  it("IRQ-7 a line raised by running user code is taken before that thread's next syscall", () => {
    // The root raises the line, then Waits: the interrupt is taken at the ecall (before it executes)
    // and signals the notification, so the Wait then returns at once: two kernel entries.
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const [n, b] = yield* badgedNotification(k);
      const [, h] = yield* get(bi, 30, k.alloc());
      expect(yield* seL4_IRQHandler_SetNotification(h, b)).toBe(0);
      sys.machine.plic.raise(30);
      const entries = sys.kernel.state.entries;
      got.push((yield* seL4_Wait(n)).sender);
      got.push(sys.kernel.state.entries - entries);
    });
    expect(got).toEqual([1, 2]);
  });
});

describe("IRQ-9 / DEL-10 deleting handler caps", () => {
  it("DEL-10 deleting the final handler cap deletes the registered notification cap and makes the IRQ Inactive; Get works again", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const [n, b] = yield* badgedNotification(k);
      const [, h] = yield* get(bi, 11, k.alloc());
      const h2 = k.alloc();
      expect(yield* seL4_CNode_Copy(root, h2, D, root, h, D, seL4_AllRights)).toBe(0);
      expect(yield* seL4_IRQHandler_SetNotification(h2, b)).toBe(0);
      expect(yield* seL4_CNode_Delete(root, h, D)).toBe(0); // a copy remains: not final
      got.push(sys.kernel.state.irqState[11]);
      got.push((yield* get(bi, 11, k.alloc()))[0]);
      expect(yield* seL4_CNode_Delete(root, h2, D)).toBe(0);
      got.push(sys.kernel.state.irqState[11]);
      got.push(sys.kernel.state.irqSlots[11].type);
      sys.machine.plic.raise(11);
      yield* seL4_Yield();
      got.push((yield* seL4_Poll(n)).sender);
      got.push(sys.machine.plic.isEnabled(11));
      got.push((yield* get(bi, 11, k.alloc()))[0]);
    });
    expect(got).toEqual([IRQSignal, seL4_RevokeFirst, IRQInactive, cap_null_cap, 0, false, 0]);
  });

  it("IRQ-9 revoking IRQControl deletes every handler cap; each IRQ can be issued again", () => {
    const got: unknown[] = [];
    runWith(function* (bi, sys) {
      const k = yield* threadKit(bi);
      const slots: number[] = [];
      for (const irq of [1, 2, 95]) {
        const [err, s] = yield* get(bi, irq, k.alloc());
        got.push(err);
        slots.push(s);
      }
      got.push((yield* get(bi, 2, k.alloc()))[0]);
      expect(yield* seL4_CNode_Revoke(root, CTRL, D)).toBe(0);
      for (const s of slots) got.push(yield* seL4_DebugCapIdentify(s));
      got.push([1, 2, 95].map((i) => sys.kernel.state.irqState[i]));
      for (const irq of [1, 2, 95]) got.push((yield* get(bi, irq, k.alloc()))[0]);
    });
    expect(got).toEqual([0, 0, 0, seL4_RevokeFirst, 0, 0, 0, [0, 0, 0], 0, 0, 0]);
  });

  // delete.ts's emptySlot calls deletedIRQHandler (setIRQState), which masks the source at once.
  it("IRQ-9 the source is masked as soon as its last handler cap goes", () => {
    let enabled: boolean[] = [];
    runWith(function* (bi, sys) {
      const [, h] = yield* get(bi, 13);
      enabled.push(sys.machine.plic.isEnabled(13));
      expect(yield* seL4_CNode_Delete(root, h, D)).toBe(0);
      enabled.push(sys.machine.plic.isEnabled(13));
    });
    expect(enabled).toEqual([true, false]);
    enabled = [];
  });
});

describe("UART input end to end (IRQ-7 with a real device)", () => {
  const UART = 0x100000;

  /** A user-level 16550 driver: maps UART0, takes IRQ 10, echoes input up to a newline. */
  function* echoDriver(bi: seL4_BootInfo, wakeups: number[]): UserGenerator<void> {
    const k = yield* threadKit(bi);
    const i = bi.untypedList.findIndex((u) => u.isDevice === 1 && u.paddr === UART0_BASE && u.sizeBits >= 12);
    expect(i).toBeGreaterThanOrEqual(0);
    const frame = k.alloc();
    expect(
      yield* seL4_Untyped_Retype(bi.untyped.start + i, seL4_RISCV_4K_Page, 0, root, 0, 0, frame, 1),
    ).toBe(0);
    expect(
      yield* seL4_RISCV_Page_Map(
        frame,
        seL4_CapInitThreadVSpace,
        UART,
        seL4_ReadWrite,
        seL4_RISCV_Default_VMAttributes,
      ),
    ).toBe(0);
    const [n, b] = yield* badgedNotification(k);
    const [, h] = yield* get(bi, UART0_IRQ, k.alloc());
    expect(yield* seL4_IRQHandler_SetNotification(h, b)).toBe(0);
    yield* sel4ts_write(UART + UART_IER, 1, IER_RDA);
    for (;;) {
      yield* seL4_Wait(n);
      wakeups[0]++;
      while ((yield* sel4ts_read(UART + UART_LSR, 1)) & LSR_DR) {
        const c = yield* sel4ts_read(UART + UART_RBR_THR, 1);
        yield* sel4ts_write(UART + UART_RBR_THR, 1, c);
        if (c === 0x0a) return;
      }
      expect(yield* seL4_IRQHandler_Ack(h)).toBe(0);
    }
  }

  const run = (opts: SystemOptions): { out: string; wakeups: number } => {
    const wakeups = [0];
    const { out } = runRoot(function* (bi) {
      yield* echoDriver(bi, wakeups);
    }, opts);
    return { out, wakeups: wakeups[0] };
  };

  it("IRQ-7 input given to the System reaches a user-level driver through IRQ 10 (delivered when the system first idles)", () => {
    const r = run({ input: new TextEncoder().encode("hello\nignored") });
    expect(r.out).toBe("hello\n");
    expect(r.wakeups).toBeGreaterThanOrEqual(1);
  });

  it("IRQ-7 paced input: one interrupt per byte when bytes arrive slower than the driver drains them", () => {
    const r = run({ input: new TextEncoder().encode("abc\n"), inputAt: 1_000_000, inputInterval: 870 });
    expect(r.out).toBe("abc\n");
    expect(r.wakeups).toBe(4);
  });
});
