// External interrupts on a multicore kernel: the PLIC has an S-mode context per hart (2N + 1), and
// seL4 enables a source in the context of the core that runs the invocation making it active
// (setIRQState -> maskInterrupt -> plic_mask_irq on plic_get_current_hart_id), so the interrupt is
// taken on that core; a thread waiting on another core is woken from there by IPI.

import { describe, expect, it } from "vitest";
import { UART0_BASE, UART0_IRQ } from "../../src/abi/index.ts";
import { IER_RDA, LSR_DR, UART_IER, UART_LSR, UART_RBR_THR } from "../../src/machine/uart.ts";
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode as root,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CNode_Mint,
  seL4_IRQControl_Get,
  seL4_IRQHandler_Ack,
  seL4_IRQHandler_SetNotification,
  seL4_NotificationObject,
  seL4_ReadWrite,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Default_VMAttributes,
  seL4_RISCV_Page_Map,
  seL4_Untyped_Retype,
  seL4_Wait,
  sel4ts_read,
  sel4ts_write,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import type { UserGenerator } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import { validateTrace } from "../trace/validate.ts";
import { threadKit, type ThreadKit } from "./thread-helpers.ts";

const UART = 0x100000;
const D = 64;

/** Maps UART0 and returns an IRQ handler cap for it (made active on the core running this). */
function* irqSetup(bi: seL4_BootInfo, k: ThreadKit): UserGenerator<[number, number]> {
  const i = bi.untypedList.findIndex((u) => u.isDevice === 1 && u.paddr === UART0_BASE && u.sizeBits >= 12);
  const frame = k.alloc();
  expect(yield* seL4_Untyped_Retype(bi.untyped.start + i, seL4_RISCV_4K_Page, 0, root, 0, 0, frame, 1)).toBe(
    0,
  );
  expect(
    yield* seL4_RISCV_Page_Map(
      frame,
      seL4_CapInitThreadVSpace,
      UART,
      seL4_ReadWrite,
      seL4_RISCV_Default_VMAttributes,
    ),
  ).toBe(0);
  const n = yield* k.make(seL4_NotificationObject);
  const badged = k.alloc();
  expect(yield* seL4_CNode_Mint(root, badged, D, root, n, D, seL4_AllRights, 1)).toBe(0);
  const h = k.alloc();
  expect(yield* seL4_IRQControl_Get(seL4_CapIRQControl, UART0_IRQ, root, h, D)).toBe(0);
  expect(yield* seL4_IRQHandler_SetNotification(h, badged)).toBe(0);
  yield* sel4ts_write(UART + UART_IER, 1, IER_RDA);
  return [n, h];
}

/** Echoes UART input up to a newline, woken by the notification. */
function* echo(n: number, h: number): UserGenerator<void> {
  for (;;) {
    yield* seL4_Wait(n);
    while ((yield* sel4ts_read(UART + UART_LSR, 1)) & LSR_DR) {
      const c = yield* sel4ts_read(UART + UART_RBR_THR, 1);
      yield* sel4ts_write(UART + UART_RBR_THR, 1, c);
      if (c === 0x0a) return;
    }
    expect(yield* seL4_IRQHandler_Ack(h)).toBe(0);
  }
}

/**
 * A driver on core 2 echoes input. `setupOn` is the core whose thread makes the IRQ active: 2 (the
 * driver itself) or 0 (the root task, before it starts the driver). Returns the output, which PLIC
 * S-mode contexts have the source enabled, and the cores (by track) of the "IRQ 10" kernel entries.
 */
function run(setupOn: 0 | 2) {
  const r = runRoot(
    function* (bi) {
      const k = yield* threadKit(bi);
      let irq: [number, number] | null = setupOn === 0 ? yield* irqSetup(bi, k) : null;
      yield* k.spawn(
        function* () {
          irq ??= yield* irqSetup(bi, k);
          yield* echo(...irq);
        },
        { prio: 100, core: 2 },
      );
    },
    {
      kernelConfig: { numNodes: 4 },
      input: new TextEncoder().encode("hi\n"),
      trace: { processName: "irq" },
      checkInvariants: true,
    },
  );
  const plic = r.system.machine.plic;
  const contexts = [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => plic.isEnabled(UART0_IRQ, c));
  const { problems, trace } = validateTrace(r.system.tracer?.toJSON() ?? "");
  expect(problems).toEqual([]);
  const names = new Map<unknown, string>();
  for (const e of trace?.events ?? [])
    if (e.ph === "M" && e.pid === 1 && e.name === "thread_name")
      names.set(e.tid, String((e.args as { name: string }).name));
  const takenBy = new Set<string>();
  for (const e of trace?.events ?? [])
    if (e.ph === "X" && e.name === `IRQ ${UART0_IRQ}`) takenBy.add(names.get(e.tid) ?? "?");
  return { out: r.out, contexts, takenBy: [...takenBy].sort() };
}

describe("SMP external interrupts (PLIC context per hart)", () => {
  it("an IRQ made active by a thread on core 2 is enabled in hart 2's S-mode context and taken on core 2", () => {
    const r = run(2);
    expect(r.out).toBe("hi\n");
    expect(r.contexts).toEqual([5]);
    expect(r.takenBy.length).toBeGreaterThan(0);
    // Core 2 runs the driver or its idle thread when the line rises; nothing of core 0.
    for (const t of r.takenBy) expect(["child of: 'rootserver'", "idle (CPU 2)"]).toContain(t);
  });

  it("made active by the root task on core 0, it is taken on core 0 and the signal wakes the driver on core 2", () => {
    const r = run(0);
    expect(r.out).toBe("hi\n");
    expect(r.contexts).toEqual([1]);
    expect(r.takenBy.length).toBeGreaterThan(0);
    for (const t of r.takenBy) expect(["rootserver", "idle (CPU 0)"]).toContain(t);
  });
});
