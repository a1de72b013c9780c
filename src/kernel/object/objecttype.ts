// Cap-type generic operations (seL4 src/object/objecttype.c and its RISC-V counterpart):
// regions, identity, derivation, badges, rights masking, object creation and finalisation.
// Caps are `Cte` values; functions that "return a cap" rewrite a scratch `Cte` in place.

import {
  cap_asid_control_cap,
  cap_asid_pool_cap,
  cap_cnode_cap,
  cap_domain_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_irq_control_cap,
  cap_irq_handler_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_reply_cap,
  cap_sched_context_cap,
  cap_sched_control_cap,
  cap_thread_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  seL4_CapRights_Grant,
  seL4_CapRights_GrantReply,
  seL4_CapRights_Read,
  seL4_CapRights_Write,
  seL4_CapTableObject,
  seL4_EndpointBits,
  seL4_EndpointObject,
  seL4_HugePageBits,
  seL4_IllegalOperation,
  seL4_LargePageBits,
  seL4_NotificationBits,
  seL4_NotificationObject,
  seL4_PageBits,
  seL4_ReplyBits,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Giga_Page,
  seL4_RISCV_Mega_Page,
  seL4_RISCV_PageTableObject,
  seL4_SchedContextObject,
  seL4_SlotBits,
  seL4_TCBObject,
  seL4_UntypedObject,
  SCHED_CONTEXT_HEADER_BYTES,
  seL4_RefillSizeBytes,
  VMKernelOnly,
  VMReadOnly,
  VMReadWrite,
} from "../../abi/index.ts";
import { SSTATUS, SSTATUS_SPIE } from "../../abi/registers.ts";
import { ensureNoChildren } from "../cdt.ts";
import {
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import {
  clearCap,
  CNode,
  Cte,
  Endpoint,
  Notification,
  Reply,
  SchedContext,
  Tcb,
  ZombieType_ZombieTCB,
} from "../structures.ts";
import { finaliseObjectHooks } from "./finalise.ts";
import { UE_riscv_objecttype_27, UE_riscv_vspace_649, userError } from "../usererror.ts";

/** Size in bits of the memory a physical cap covers (cap_get_capSizeBits). */
export function capSizeBits(c: Cte): number {
  switch (c.type) {
    case cap_untyped_cap:
    case cap_frame_cap:
    case cap_sched_context_cap:
      return c.sizeBits;
    case cap_endpoint_cap:
      return seL4_EndpointBits;
    case cap_notification_cap:
      return seL4_NotificationBits;
    case cap_cnode_cap:
      return c.sizeBits + seL4_SlotBits;
    case cap_thread_cap:
      return ks.tcbBits;
    case cap_zombie_cap:
      return c.sizeBits === ZombieType_ZombieTCB ? ks.tcbBits : c.sizeBits + seL4_SlotBits;
    case cap_reply_cap:
      return seL4_ReplyBits;
    case cap_page_table_cap:
    case cap_asid_pool_cap:
      return seL4_PageBits;
    default:
      return 0;
  }
}

/** cap_get_capIsPhysical: the cap names memory. */
export function capIsPhysical(c: Cte): boolean {
  switch (c.type) {
    case cap_untyped_cap:
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_cnode_cap:
    case cap_thread_cap:
    case cap_sched_context_cap:
    case cap_zombie_cap:
    case cap_reply_cap:
    case cap_frame_cap:
    case cap_page_table_cap:
    case cap_asid_pool_cap:
      return true;
    default:
      return false;
  }
}

/** sameRegionAs (MDB-10). */
export function sameRegionAs(a: Cte, b: Cte): boolean {
  switch (a.type) {
    case cap_untyped_cap:
      if (capIsPhysical(b)) {
        const aBase = a.ptr;
        const bBase = b.ptr;
        const aTop = aBase + 2 ** a.sizeBits - 1;
        const bTop = bBase + 2 ** capSizeBits(b) - 1;
        return aBase <= bBase && bTop <= aTop && bBase <= bTop;
      }
      return false;
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_thread_cap:
    case cap_reply_cap:
    case cap_page_table_cap:
    case cap_asid_pool_cap:
      return b.type === a.type && a.ptr === b.ptr;
    case cap_cnode_cap:
    case cap_sched_context_cap:
      return b.type === a.type && a.ptr === b.ptr && a.sizeBits === b.sizeBits;
    case cap_domain_cap:
    case cap_sched_control_cap:
    case cap_asid_control_cap:
      return b.type === a.type;
    case cap_irq_control_cap:
      return b.type === cap_irq_control_cap || b.type === cap_irq_handler_cap;
    case cap_irq_handler_cap:
      return b.type === cap_irq_handler_cap && a.extra === b.extra;
    case cap_frame_cap:
      if (b.type === cap_frame_cap) {
        const botA = a.ptr;
        const botB = b.ptr;
        const topA = botA + 2 ** a.sizeBits - 1;
        const topB = botB + 2 ** b.sizeBits - 1;
        return botA <= botB && topA >= topB && botB <= topB;
      }
      return false;
    default:
      return false;
  }
}

/**
 * sameObjectAs (MDB-11). Untyped and IRQControl caps are never the same object as anything
 * (seL4 at 1326364bc; older releases excluded only IRQControl vs IRQHandler).
 */
export function sameObjectAs(a: Cte, b: Cte): boolean {
  if (a.type === cap_untyped_cap || a.type === cap_irq_control_cap) return false;
  if (a.type === cap_frame_cap && b.type === cap_frame_cap) {
    return a.ptr === b.ptr && a.sizeBits === b.sizeBits && a.isDevice === b.isDevice;
  }
  return sameRegionAs(a, b);
}

/** isCapRevocable (MDB-5). */
export function isCapRevocable(derived: Cte, src: Cte): boolean {
  switch (derived.type) {
    case cap_endpoint_cap:
    case cap_notification_cap:
      return derived.dataHi !== src.dataHi || derived.dataLo !== src.dataLo;
    case cap_irq_handler_cap:
      return src.type === cap_irq_control_cap;
    case cap_untyped_cap:
      return true;
    default:
      return false;
  }
}

/**
 * deriveCap (MDB-13..MDB-17) applied in place to `cap` (a copy of the cap in `slot`). Zombie and
 * IRQControl caps become null; an untyped with children fails with RevokeFirst.
 */
export function deriveCap(slot: Cte, cap: Cte): Exception {
  switch (cap.type) {
    case cap_zombie_cap:
    case cap_irq_control_cap:
      clearCap(cap);
      return EXCEPTION_NONE;
    case cap_untyped_cap: {
      const status = ensureNoChildren(slot);
      if (status !== EXCEPTION_NONE) clearCap(cap);
      return status;
    }
    case cap_page_table_cap:
      if (!cap.isMapped) {
        userError(UE_riscv_objecttype_27);
        current_syscall_error.type = seL4_IllegalOperation;
        clearCap(cap);
        return EXCEPTION_SYSCALL_ERROR;
      }
      return EXCEPTION_NONE;
    case cap_frame_cap:
      cap.mappedAddr = 0;
      cap.mappedASID = 0;
      return EXCEPTION_NONE;
    default:
      return EXCEPTION_NONE;
  }
}

/** updateCapData (MDB-18..MDB-21) in place; a cap that becomes invalid turns into the null cap. */
export function updateCapData(preserve: boolean, dataHi: number, dataLo: number, cap: Cte): void {
  switch (cap.type) {
    case cap_endpoint_cap:
    case cap_notification_cap:
      if (!preserve && cap.dataHi === 0 && cap.dataLo === 0) {
        cap.dataHi = dataHi;
        cap.dataLo = dataLo;
      } else {
        clearCap(cap);
      }
      return;
    case cap_cnode_cap: {
      const guardSize = dataLo & 0x3f;
      if (guardSize + cap.sizeBits > 64) {
        clearCap(cap);
        return;
      }
      // guard = data >> 6, masked to guardSize bits.
      let gLo = ((dataLo >>> 6) | (dataHi << 26)) >>> 0;
      let gHi = dataHi >>> 6;
      if (guardSize < 64) {
        if (guardSize >= 32) gHi = guardSize === 32 ? 0 : (gHi & (0xffffffff >>> (64 - guardSize))) >>> 0;
        else {
          gHi = 0;
          gLo = guardSize === 0 ? 0 : (gLo & (0xffffffff >>> (32 - guardSize))) >>> 0;
        }
      }
      cap.dataHi = gHi;
      cap.dataLo = gLo;
      cap.guardSize = guardSize;
      return;
    }
    default:
      return;
  }
}

function maskVMRights(vm: number, mask: number): number {
  if (vm === VMReadOnly && mask & seL4_CapRights_Read) return VMReadOnly;
  if (vm === VMReadWrite && mask & seL4_CapRights_Read) {
    return mask & seL4_CapRights_Write ? VMReadWrite : VMReadOnly;
  }
  if (vm === VMReadWrite && mask & seL4_CapRights_Write) userError(UE_riscv_vspace_649);
  return VMKernelOnly;
}

/** maskCapRights (MDB-23) in place. */
export function maskCapRights(mask: number, cap: Cte): void {
  switch (cap.type) {
    case cap_endpoint_cap:
      cap.rights &= mask & 0xf;
      return;
    case cap_notification_cap:
      cap.rights &= mask & (seL4_CapRights_Write | seL4_CapRights_Read);
      return;
    case cap_reply_cap:
      cap.rights &= mask & seL4_CapRights_Grant;
      return;
    case cap_frame_cap:
      cap.rights = maskVMRights(cap.rights, mask);
      return;
    default:
      return;
  }
}

export function hasCancelSendRights(cap: Cte): boolean {
  const all = seL4_CapRights_Write | seL4_CapRights_Read | seL4_CapRights_Grant | seL4_CapRights_GrantReply;
  return cap.type === cap_endpoint_cap && (cap.rights & all) === all;
}

/** getObjectSize (UT-4): log2 bytes of an object of type `t`; -1 for an unknown type. */
export function getObjectSize(t: number, userSize: number): number {
  switch (t) {
    case seL4_TCBObject:
      return ks.tcbBits;
    case seL4_EndpointObject:
      return seL4_EndpointBits;
    case seL4_NotificationObject:
      return seL4_NotificationBits;
    case seL4_CapTableObject:
      return seL4_SlotBits + userSize;
    case seL4_UntypedObject:
    case seL4_SchedContextObject:
      return userSize;
    case seL4_ReplyObject:
      return seL4_ReplyBits;
    case seL4_RISCV_4K_Page:
    case seL4_RISCV_PageTableObject:
      return seL4_PageBits;
    case seL4_RISCV_Mega_Page:
      return seL4_LargePageBits;
    case seL4_RISCV_Giga_Page:
      return seL4_HugePageBits;
    default:
      return -1;
  }
}

export function isFrameType(t: number): boolean {
  return t === seL4_RISCV_4K_Page || t === seL4_RISCV_Mega_Page || t === seL4_RISCV_Giga_Page;
}

/**
 * createObject: make the object of type `t` at `base` and write its original cap into `cap`
 * (UT-17). Memory below is already zero (UT-18).
 */
export function createObject(t: number, base: number, userSize: number, isDevice: boolean, cap: Cte): void {
  clearCap(cap);
  cap.ptr = base;
  switch (t) {
    case seL4_TCBObject: {
      const tcb = new Tcb(base);
      tcb.regs[2 * SSTATUS] = SSTATUS_SPIE;
      tcb.domain = ks.curDomain;
      tcb.name = `child of: '${ks.curThread ? ks.curThread.name : ""}'`;
      register(base, tcb);
      cap.type = cap_thread_cap;
      cap.obj = tcb;
      return;
    }
    case seL4_EndpointObject: {
      const ep = new Endpoint(base);
      register(base, ep);
      cap.type = cap_endpoint_cap;
      cap.obj = ep;
      cap.rights = 0xf;
      return;
    }
    case seL4_NotificationObject: {
      const ntfn = new Notification(base);
      register(base, ntfn);
      cap.type = cap_notification_cap;
      cap.obj = ntfn;
      cap.rights = seL4_CapRights_Write | seL4_CapRights_Read;
      return;
    }
    case seL4_CapTableObject: {
      const cn = new CNode(base, userSize);
      register(base, cn);
      cap.type = cap_cnode_cap;
      cap.obj = cn;
      cap.sizeBits = userSize;
      return;
    }
    case seL4_UntypedObject:
      cap.type = cap_untyped_cap;
      cap.sizeBits = userSize;
      cap.isDevice = isDevice;
      return;
    case seL4_SchedContextObject: {
      const maxRefills = Math.floor((2 ** userSize - SCHED_CONTEXT_HEADER_BYTES) / seL4_RefillSizeBytes);
      const sc = new SchedContext(base, userSize, maxRefills);
      register(base, sc);
      cap.type = cap_sched_context_cap;
      cap.obj = sc;
      cap.sizeBits = userSize;
      return;
    }
    case seL4_ReplyObject: {
      const reply = new Reply(base);
      register(base, reply);
      cap.type = cap_reply_cap;
      cap.obj = reply;
      cap.rights = seL4_CapRights_Grant;
      return;
    }
    case seL4_RISCV_PageTableObject:
      cap.type = cap_page_table_cap;
      return;
    default:
      // Frames: 4K, Mega, Giga.
      cap.type = cap_frame_cap;
      cap.sizeBits = getObjectSize(t, 0);
      cap.rights = VMReadWrite;
      cap.isDevice = isDevice;
      return;
  }
}

function register(base: number, obj: Tcb | Endpoint | Notification | CNode | SchedContext | Reply): void {
  ks.objects.set(base, obj);
}

export const finaliseResult = {
  /** The cap that remains in the slot: null, or a Zombie (written into `remainder`). */
  remainder: new Cte(null, -1),
  /** IRQ to clean up after the slot is emptied (deletingIRQHandler's post-deletion part), or -1. */
  cleanupIRQ: -1,
};

/**
 * finaliseCap (DEL-2..DEL-12): object-specific cleanup when a cap is deleted. The remainder is a
 * Zombie for the final cap of a CNode or TCB, whose slots must then be emptied, else null.
 */
export function finaliseCap(cap: Cte, final: boolean, exposed: boolean): void {
  const r = finaliseResult.remainder;
  clearCap(r);
  finaliseResult.cleanupIRQ = -1;
  const hooks = finaliseObjectHooks;
  switch (cap.type) {
    case cap_endpoint_cap:
      if (final) hooks.endpoint(cap.obj as Endpoint);
      return;
    case cap_notification_cap:
      if (final) hooks.notification(cap.obj as Notification);
      return;
    case cap_reply_cap:
      if (final) hooks.reply(cap.obj as Reply);
      return;
    case cap_null_cap:
    case cap_domain_cap:
      return;
    case cap_frame_cap:
      if (cap.mappedASID !== 0) hooks.unmapFrame(cap);
      return;
    case cap_page_table_cap:
      if (final && cap.isMapped) hooks.unmapPageTable(cap);
      return;
    case cap_asid_pool_cap:
      if (final) hooks.deleteASIDPool(cap);
      return;
  }
  if (exposed) return;
  switch (cap.type) {
    case cap_cnode_cap:
      if (final) {
        r.type = cap_zombie_cap;
        r.obj = cap.obj;
        r.ptr = cap.ptr;
        r.sizeBits = cap.sizeBits;
        r.extra = 2 ** cap.sizeBits;
      }
      return;
    case cap_thread_cap:
      if (final) {
        hooks.tcb(cap.obj as Tcb);
        r.type = cap_zombie_cap;
        r.obj = cap.obj;
        r.ptr = cap.ptr;
        r.sizeBits = ZombieType_ZombieTCB;
        r.extra = 5;
      }
      return;
    case cap_sched_context_cap:
      if (final) hooks.schedContext(cap.obj as SchedContext);
      return;
    case cap_zombie_cap:
      copyZombie(r, cap);
      return;
    case cap_irq_handler_cap:
      if (final) {
        hooks.irqHandler(cap.extra);
        finaliseResult.cleanupIRQ = cap.extra;
      }
      return;
  }
}

function copyZombie(dst: Cte, src: Cte): void {
  dst.type = cap_zombie_cap;
  dst.obj = src.obj;
  dst.ptr = src.ptr;
  dst.sizeBits = src.sizeBits;
  dst.extra = src.extra;
}

/** Slot `i` of the slots a zombie covers (capZombiePtr): a CNode's slots or a TCB's five. */
export function zombieSlot(z: Cte, i: number): Cte {
  const o = z.obj;
  return o instanceof CNode ? o.slot(i) : (o as Tcb).cte[i];
}

/** Like zombieSlot, but null for a CNode slot never used (it is empty: nothing to delete). */
export function zombieSlotIfMade(z: Cte, i: number): Cte | null {
  const o = z.obj;
  return o instanceof CNode ? o.slotsMade[i] : (o as Tcb).cte[i];
}
