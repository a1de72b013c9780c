// Deletion, zombies and revocation (seL4 src/object/cnode.c: cteDelete, finaliseSlot,
// reduceZombie, cteRevoke, cteDeleteOne) and the preemption point that makes them long
// operations with incremental consistency (DEL-1..DEL-20, INV-15).
//
// Every step leaves the CSpace consistent: a preempted delete leaves a Zombie whose countdown the
// restarted syscall resumes; a preempted revoke has simply deleted some children already.

import { cap_null_cap, cap_zombie_cap } from "../abi/index.ts";
import { capSwapForDelete, isFinalCapability, isMDBParentOf, mdbUnlinkAndClear } from "./cdt.ts";
import { finaliseCap, finaliseResult, zombieSlot, zombieSlotIfMade } from "./object/objecttype.ts";
import { deletedIRQHandler } from "./interrupt.ts";
import { refillSufficient, scActive, updateTimestamp } from "./sched.ts";
import { EXCEPTION_NONE, EXCEPTION_PREEMPTED, ks, type Exception } from "./state.ts";
import { copyCap, Cte } from "./structures.ts";
import { touchSlot } from "./touched.ts";

/** CONFIG_MAX_NUM_WORK_UNITS_PER_PREEMPTION. */
export const MAX_WORK_UNITS_PER_PREEMPTION = 100;
/** Modelled CPU cost of one unit of preemptible kernel work, in cycles. */
export const WORK_UNIT_CYCLES = 200;

/**
 * preemptionPoint: count a unit of work; every 100 units, take a pending interrupt or an
 * exhausted budget as the reason to stop here (MCS).
 */
export function preemptionPoint(): Exception {
  ks.workUnitsCompleted++;
  ks.machine.clock.charge(WORK_UNIT_CYCLES);
  if (ks.workUnitsCompleted >= MAX_WORK_UNITS_PER_PREEMPTION) {
    ks.workUnitsCompleted = 0;
    updateTimestamp();
    if (ks.machine.interruptPending() || !(scActive(ks.curSC) && refillSufficient(ks.curSC, ks.consumed))) {
      ks.events?.preempted?.(ks.curThread);
      return EXCEPTION_PREEMPTED;
    }
  }
  return EXCEPTION_NONE;
}

/** emptySlot: unlink and clear, then the post-deletion cleanup (an IRQ returns to Inactive). */
function emptySlot(slot: Cte, cleanupIRQ: number): void {
  if (slot.type === cap_null_cap) return;
  mdbUnlinkAndClear(slot);
  if (cleanupIRQ >= 0) deletedIRQHandler(cleanupIRQ);
}

/** capRemovable: finaliseCap only ever leaves null or a Zombie in the slot. */
function capRemovable(rem: Cte, slot: Cte): boolean {
  if (rem.type === cap_null_cap) return true;
  const n = rem.extra;
  return n === 0 || (n === 1 && zombieSlotIfMade(rem, 0) === slot);
}

function capCyclicZombie(rem: Cte, slot: Cte): boolean {
  return rem.type === cap_zombie_cap && zombieSlotIfMade(rem, 0) === slot;
}

// finaliseSlot's results (it recurses, so callers copy what they need at once).
let fsSuccess = false;
let fsCleanupIRQ = -1;

function finaliseSlot(slot: Cte, immediate: boolean): Exception {
  while (slot.type !== cap_null_cap) {
    const final = isFinalCapability(slot);
    finaliseCap(slot, final, false);
    const rem = finaliseResult.remainder;
    if (capRemovable(rem, slot)) {
      fsSuccess = true;
      fsCleanupIRQ = finaliseResult.cleanupIRQ;
      return EXCEPTION_NONE;
    }
    // The slot now holds a Zombie; its MDB node is unchanged.
    touchSlot(slot);
    copyCap(slot, rem);
    if (!immediate && capCyclicZombie(slot, slot)) {
      fsSuccess = false;
      fsCleanupIRQ = -1;
      return EXCEPTION_NONE;
    }
    let status = reduceZombie(slot, immediate);
    if (status !== EXCEPTION_NONE) {
      fsSuccess = false;
      fsCleanupIRQ = -1;
      return status;
    }
    status = preemptionPoint();
    if (status !== EXCEPTION_NONE) {
      fsSuccess = false;
      fsCleanupIRQ = -1;
      return status;
    }
  }
  fsSuccess = true;
  fsCleanupIRQ = -1;
  return EXCEPTION_NONE;
}

/** reduceZombie (DEL-13, DEL-15): clear the Zombie's highest remaining slot, or move it aside. */
function reduceZombie(slot: Cte, immediate: boolean): Exception {
  const obj = slot.obj;
  const n = slot.extra;
  const type = slot.sizeBits;
  if (immediate) {
    // A slot never made is empty: deleting it would change nothing.
    const endSlot = zombieSlotIfMade(slot, n - 1);
    if (endSlot !== null) {
      const status = cteDelete(endSlot, false);
      if (status !== EXCEPTION_NONE) return status;
    }
    if (slot.type === cap_zombie_cap && slot.obj === obj && slot.extra === n && slot.sizeBits === type) {
      touchSlot(slot);
      slot.extra = n - 1;
    }
    // Otherwise the recursion swapped a self-referential Zombie into this slot; leave it.
  } else {
    capSwapForDelete(zombieSlot(slot, 0), slot);
  }
  return EXCEPTION_NONE;
}

/** cteDelete: delete the cap in `slot`; `exposed` is true for user-requested deletions. */
export function cteDelete(slot: Cte, exposed: boolean): Exception {
  const status = finaliseSlot(slot, exposed);
  if (status !== EXCEPTION_NONE) return status;
  if (exposed || fsSuccess) emptySlot(slot, fsCleanupIRQ);
  return EXCEPTION_NONE;
}

/** cteDeleteOne: delete a cap known to finalise immediately (no zombies, no preemption). */
export function cteDeleteOne(slot: Cte): void {
  if (slot.type === cap_null_cap) return;
  const final = isFinalCapability(slot);
  finaliseCap(slot, final, true);
  emptySlot(slot, -1);
}

/** cteRevoke (DEL-17, DEL-18): delete every child, newest first, preemptibly. */
export function cteRevoke(slot: Cte): Exception {
  for (let next = slot.next; next !== null && isMDBParentOf(slot, next); next = slot.next) {
    let status = cteDelete(next, true);
    if (status !== EXCEPTION_NONE) return status;
    status = preemptionPoint();
    if (status !== EXCEPTION_NONE) return status;
  }
  return EXCEPTION_NONE;
}

export const scratchDeleteCap = new Cte(null, -1);
