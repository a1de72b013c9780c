// IRQControl and IRQHandler invocations (seL4 src/object/interrupt.c, src/arch/riscv/object/
// interrupt.c): issuing handler caps, registering a notification, Ack and Clear (IRQ-2..IRQ-6).
// Checks run in seL4's order; each invoke step cannot fail.

import {
  cap_irq_handler_cap,
  cap_notification_cap,
  IRQAckIRQ,
  IRQClearIRQHandler,
  IRQIssueIRQHandler,
  IRQSetIRQHandler,
  maxIRQ,
  RISCVIRQIssueIRQHandlerTrigger,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_RangeError,
  seL4_RevokeFirst,
  seL4_TruncatedMessage,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { seL4_CapRights_Write } from "../../abi/rights.ts";
import { IPCBUF_CAPS_OR_BADGES } from "../../abi/ipcbuffer.ts";
import { cteInsert, ensureEmptySlot } from "../cdt.ts";
import { lookupResult, lookupTargetSlot } from "../cspace.ts";
import { cteDeleteOne } from "../delete.ts";
import { initIRQNode, IRQSignal, irqSlot, isIRQActive, setIRQState } from "../interrupt.ts";
import { argHi, argLo, argNum, inv } from "../msg.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  setRangeError,
  type Exception,
} from "../state.ts";
import { clearCap, copyCap, Cte } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import * as UE from "../usererror.ts";
import { userError, wordArg } from "../usererror.ts";

// Caps in flight (no allocation per invocation).

const handlerCap = new Cte(null, -1);
const ntfnCap = new Cte(null, -1);

/** A syscall error of `type`, reported as user error `site`. */
function error(type: number, site: number = UE.UE_NONE): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

/** getExtraCPtr(buffer, 0): the cptr the caller gave for its first extra cap (for messages). */
function firstExtraCPtr(): bigint {
  const w = inv.buffer + 2 * IPCBUF_CAPS_OR_BADGES;
  const u32 = ks.machine.memory.u32;
  return inv.buffer < 0 ? 0n : wordArg(u32[w + 1], u32[w]);
}

// The user errors of IRQIssueIRQHandler (src/object/interrupt.c) and of the trigger variant
// (src/arch/riscv/object/interrupt.c): already active, target slot invalid, target slot not empty.
const GENERIC_SITES = [UE.UE_interrupt_52, UE.UE_interrupt_58, UE.UE_interrupt_66] as const;
const TRIGGER_SITES = [UE.UE_riscv_interrupt_63, UE.UE_riscv_interrupt_69, UE.UE_riscv_interrupt_78] as const;

/** Arch_checkIRQ: 1 <= irq <= maxIRQ, else RangeError(1, maxIRQ). */
function checkIRQ(irq: number): Exception {
  if (irq > maxIRQ || irq === 0) {
    userError(UE.UE_riscv_interrupt_19, irq, maxIRQ);
    current_syscall_error.type = seL4_RangeError;
    setRangeError(1, maxIRQ);
    return EXCEPTION_SYSCALL_ERROR;
  }
  return EXCEPTION_NONE;
}

/**
 * The checks IRQControl_Get and IRQControl_GetTrigger share once their arguments are read: the IRQ
 * range, the IRQ not already issued (the timer never is free), the destination slot, which must be
 * empty. On success the caller is set to Restart and the handler cap issued.
 */
function issueIRQHandler(
  irq: number,
  cnodeCap: Cte,
  indexHi: number,
  indexLo: number,
  depth: number,
  controlSlot: Cte,
  sites: readonly [number, number, number],
): Exception {
  let status = checkIRQ(irq);
  if (status !== EXCEPTION_NONE) return status;
  if (isIRQActive(irq)) {
    userError(sites[0], irq);
    return error(seL4_RevokeFirst);
  }
  status = lookupTargetSlot(cnodeCap, indexHi, indexLo, depth);
  if (status !== EXCEPTION_NONE) {
    userError(sites[1], firstExtraCPtr(), irq);
    return status;
  }
  const destSlot = lookupResult.slot as Cte;
  status = ensureEmptySlot(destSlot);
  if (status !== EXCEPTION_NONE) {
    userError(sites[2], firstExtraCPtr(), irq);
    return status;
  }
  setThreadState(inv.thread, ThreadState_Restart);
  invokeIRQControl(irq, destSlot, controlSlot);
  return EXCEPTION_NONE;
}

/** invokeIRQControl: the IRQ becomes Signal (unmasked); its handler cap is a child of IRQControl. */
function invokeIRQControl(irq: number, handlerSlot: Cte, controlSlot: Cte): void {
  initIRQNode(ks);
  setIRQState(IRQSignal, irq);
  clearCap(handlerCap);
  handlerCap.type = cap_irq_handler_cap;
  handlerCap.extra = irq;
  cteInsert(handlerCap, controlSlot, handlerSlot);
}

export function decodeIRQControlInvocation(
  label: number,
  length: number,
  _cap: Cte,
  slot: Cte,
  _call: boolean,
): Exception {
  if (label === IRQIssueIRQHandler) {
    // IRQ-2: irq, index, depth; extra cap 0 = the CNode to resolve them in.
    const cnodeCap = current_extra_caps.slots[0];
    if (length < 3 || cnodeCap === null) return error(seL4_TruncatedMessage);
    return issueIRQHandler(argNum(0), cnodeCap, argHi(1), argLo(1), argNum(2), slot, GENERIC_SITES);
  }
  if (label === RISCVIRQIssueIRQHandlerTrigger) {
    // IRQ-3: irq, trigger, index, depth. The PLIC driver has set-trigger support (HAVE_SET_TRIGGER),
    // but plic_irq_set_trigger is empty on this platform: the trigger is accepted and ignored.
    const cnodeCap = current_extra_caps.slots[0];
    if (length < 4 || cnodeCap === null) return error(seL4_TruncatedMessage);
    return issueIRQHandler(argNum(0), cnodeCap, argHi(2), argLo(2), argNum(3), slot, TRIGGER_SITES);
  }
  return error(seL4_IllegalOperation);
}

export function decodeIRQHandlerInvocation(
  label: number,
  _length: number,
  cap: Cte,
  _slot: Cte,
  _call: boolean,
): Exception {
  const irq = cap.extra;
  switch (label) {
    case IRQAckIRQ:
      // IRQ-6: on qemu-riscv-virt the claim was completed at delivery, so there is nothing to do.
      setThreadState(inv.thread, ThreadState_Restart);
      return EXCEPTION_NONE;
    case IRQSetIRQHandler: {
      // IRQ-4: a notification cap with the Send (Write) right, else InvalidCapability 0.
      const src = current_extra_caps.slots[0];
      if (src === null) return error(seL4_TruncatedMessage);
      if (src.type !== cap_notification_cap || (src.rights & seL4_CapRights_Write) === 0) {
        current_syscall_error.invalidCapNumber = 0;
        return error(
          seL4_InvalidCapability,
          src.type !== cap_notification_cap ? UE.UE_interrupt_108 : UE.UE_interrupt_110,
        );
      }
      setThreadState(inv.thread, ThreadState_Restart);
      invokeSetIRQHandler(irq, src);
      return EXCEPTION_NONE;
    }
    case IRQClearIRQHandler:
      // IRQ-5
      setThreadState(inv.thread, ThreadState_Restart);
      cteDeleteOne(irqSlot(irq));
      return EXCEPTION_NONE;
    default:
      return error(seL4_IllegalOperation, UE.UE_interrupt_128);
  }
}

/** invokeIRQHandler_SetIRQHandler: replace the registration by a copy of the cap as it is. */
function invokeSetIRQHandler(irq: number, src: Cte): void {
  const dest = irqSlot(irq);
  copyCap(ntfnCap, src);
  cteDeleteOne(dest);
  cteInsert(ntfnCap, src, dest);
}
