// Interrupts (seL4 src/object/interrupt.c handleInterrupt / setIRQState, src/api/syscall.c
// checkInterrupt, src/arch/riscv/machine/hardware.c getActiveIRQ / maskInterrupt / ackInterrupt,
// include/drivers/irq/riscv_plic0.h): the IRQ state table, the kernel's IRQ node, PLIC set-up and
// delivery of PLIC sources to user level (IRQ-1, IRQ-7, IRQ-8, IRQ-9).
//
// QEMU virt quirk (IRQ-8): seL4 completes the PLIC claim right after claiming it, so a source can
// fire again as soon as its device requests the line again; nothing is masked between delivery and
// IRQHandler_Ack, which does nothing on this platform.

import { cap_notification_cap, KERNEL_ELF_PADDR, KERNEL_TIMER_IRQ, maxIRQ } from "../abi/index.ts";
import { seL4_CapRights_Write } from "../abi/rights.ts";
import { sendSignal } from "./notification.ts";
import { rescheduleRequired } from "./thread.ts";
import { type KernelState, ks } from "./state.ts";
import { CNode, type Cte, type Notification } from "./structures.ts";

/** seL4's irq_state_t. */
export const IRQInactive = 0;
export const IRQSignal = 1;
export const IRQTimer = 2;
export const IRQReserved = 3;

/** irqInvalid: PLIC source 0 means "nothing pending". */
export const irqInvalid = 0;

/**
 * irq_reschedule_ipi: the software interrupt another core raised (SMP only). A number past the
 * timer's, never a PLIC source and never a user-visible IRQ.
 */
export const IRQ_RESCHEDULE_IPI = KERNEL_TIMER_IRQ + 1;

/** Highest PLIC source seL4 drives on qemu-riscv-virt (MAX_IRQ 95; the timer is maxIRQ = 96). */
export const PLIC_MAX_IRQ = KERNEL_TIMER_IRQ - 1;

/** Priority plic_init_controller gives every source (its comment says 1, the code writes 2). */
export const PLIC_SOURCE_PRIORITY = 2;

/**
 * The PLIC context of core `c`'s S-mode (hart id = core index on qemu-riscv-virt): seL4's
 * plic_enable_offset is PLIC_EN + hart * PLIC_EN_PER_HART (0x100) + PLIC_SVC_CONTEXT (1) * 0x80,
 * i.e. context 2 * hart + 1.
 */
function sContext(c: number): number {
  return 2 * c + 1;
}

/**
 * intStateIRQNode: one slot per IRQ, holding the notification cap registered for it. seL4 keeps it in
 * the kernel's BSS aligned to its size (2^IRQ_CNODE_SLOT_BITS slots of 32 bytes); here it is a CNode
 * object at a kernel-image address, so that its slots take part in the MDB like any other slot and
 * the invariant checker covers them. No cap ever names it.
 */
export const IRQ_CNODE_SLOT_BITS = 7;
export const IRQ_NODE_PADDR = KERNEL_ELF_PADDR + 0x24000;

/**
 * Boot-time interrupt set-up for one kernel: the IRQ node, then the PLIC as initLocalIRQController
 * (plic_init_hart: every source masked, threshold 0) and initIRQController (plic_init_controller:
 * pending sources claimed and completed, every priority 2) leave it. The IRQ state table itself is
 * init_irqs' work (boot.ts). Idempotent.
 */
export function initIRQController(state: KernelState): void {
  initIRQNode(state);
  const plic = state.machine.plic;
  // Every core runs initLocalIRQController for its own hart's S-mode context.
  for (let c = 0; c < state.numNodes; c++) {
    for (let i = 1; i <= PLIC_MAX_IRQ; i++) plic.setEnabled(i, false, sContext(c));
    plic.setThreshold(0, sContext(c));
  }
  // plic_init_controller claims through PLIC_HART_ID's (the boot hart's) context.
  for (let i = 1; i <= PLIC_MAX_IRQ; i++) {
    if (plic.isPending(i)) {
      plic.claim(sContext(0));
      plic.complete(i);
    }
  }
  for (let i = 1; i <= PLIC_MAX_IRQ; i++) plic.setPriority(i, PLIC_SOURCE_PRIORITY);
}

/** Creates the IRQ node of `state` if it has none yet. */
export function initIRQNode(state: KernelState): void {
  if (state.irqSlots.length !== 0) return;
  const node = new CNode(IRQ_NODE_PADDR, IRQ_CNODE_SLOT_BITS);
  state.objects.set(IRQ_NODE_PADDR, node);
  state.irqSlots = node.slots; // every IRQ slot made: IRQ caps index them directly
}

/**
 * maskInterrupt: the timer's mask bit (sie.STIE) is not modelled; PLIC sources are (dis)enabled
 * in the S-mode context of the hart this core runs on (plic_mask_irq, plic_get_current_hart_id),
 * so a source is routed to the core that made it active (IRQControl_Get) and masked only there by
 * the core that makes it inactive, as on the real kernel.
 */
export function maskInterrupt(disable: boolean, irq: number): void {
  if (irq === KERNEL_TIMER_IRQ) return;
  ks.machine.plic.setEnabled(irq, !disable, sContext(ks.core));
}

/** setIRQState: record the state; an Inactive IRQ is masked, any other unmasked. */
export function setIRQState(state: number, irq: number): void {
  ks.irqState[irq] = state;
  maskInterrupt(state === IRQInactive, irq);
}

export function isIRQActive(irq: number): boolean {
  return ks.irqState[irq] !== IRQInactive;
}

/**
 * deletedIRQHandler (IRQ-9 / DEL-10): the post-deletion step of the last IRQHandler cap. emptySlot
 * (delete.ts) must call this for its cleanup IRQ, so that the source is masked as well.
 */
export function deletedIRQHandler(irq: number): void {
  setIRQState(IRQInactive, irq);
}

/** The slot of the IRQ node for `irq`; the node exists once initIRQController has run. */
export function irqSlot(irq: number): Cte {
  return ks.irqSlots[irq];
}

/**
 * getActiveIRQ on qemu-riscv-virt: external interrupts first (claimed, and at once completed: the
 * QEMU quirk), then the timer; irqInvalid when neither is pending (a spurious entry).
 */
function getActiveIRQ(): number {
  const m = ks.machine;
  const ctx = sContext(ks.core);
  if (m.plic.hasPending(ctx)) {
    const irq = m.plic.claim(ctx);
    m.plic.complete(irq);
    return irq;
  }
  // SSIP: sbi_clear_ipi, then the IPI this core was sent (only reschedules here; see smp.ts).
  if (m.softPending[ks.core] !== 0) {
    m.softPending[ks.core] = 0;
    return IRQ_RESCHEDULE_IPI;
  }
  if (m.timer.isPending()) return KERNEL_TIMER_IRQ;
  return irqInvalid;
}

/**
 * checkInterrupt + handleInterrupt: take the active IRQ, if any, and act on its state (IRQ-7).
 * A Signal IRQ signals the notification registered for it if that cap has the Send (Write) right;
 * without one the interrupt is dropped. The timer (MCS) only asks for reprogramming: its interrupt
 * stays pending until schedule() sets the next deadline (ackDeadlineIRQ does nothing on RISC-V).
 * On RISC-V a delivered source is not masked; an Inactive one is (it should never fire).
 */
export function handleInterrupt(): void {
  const irq = getActiveIRQ();
  if (irq === irqInvalid) return; // handleSpuriousIRQ does nothing
  if (irq === IRQ_RESCHEDULE_IPI) {
    // handleIPI: irq_reschedule_ipi asks this core to choose again.
    rescheduleRequired();
    return;
  }
  if (ks.trace !== null) ks.trace.irq(irq);
  if (irq > maxIRQ) {
    maskInterrupt(true, irq);
    return;
  }
  switch (ks.irqState[irq]) {
    case IRQSignal: {
      const cap = ks.irqSlots[irq];
      if (
        cap !== undefined &&
        cap.type === cap_notification_cap &&
        (cap.rights & seL4_CapRights_Write) !== 0
      ) {
        sendSignal(cap.obj as Notification, cap.dataHi, cap.dataLo);
      }
      break;
    }
    case IRQTimer:
      ks.reprogram = true;
      break;
    case IRQReserved:
      break;
    default:
      maskInterrupt(true, irq);
      break;
  }
  // ackInterrupt: nothing left to do for a PLIC source (completed above) or the timer.
}
