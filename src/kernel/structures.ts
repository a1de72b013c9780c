// Kernel objects and capability table entries (seL4's include/object/structures.h).
//
// A cap lives inline in its slot (`Cte`): every field of every cap type is a plain field of one
// monomorphic class, so copying a cap is a field copy and the invocation path allocates nothing.
// Caps that are values in flight (derived, masked, updated) use a few preallocated scratch
// `Cte`s that belong to no CNode. Kernel objects are TypeScript objects, but each one sits at a
// real physical address carved out of untyped memory with seL4's size and alignment.

import { cap_null_cap, seL4_MsgMaxLength, ThreadState_Inactive, tcbCNodeEntries } from "../abi/index.ts";
import { n_contextRegisters } from "../abi/registers.ts";

/** Zombie "type" for a TCB's slots (seL4's ZombieType_ZombieTCB); CNode zombies store the radix. */
export const ZombieType_ZombieTCB = 64;

export class Cte {
  // --- the cap ---
  type = cap_null_cap;
  /** Kernel object the cap names (TCB, endpoint, notification, CNode, SC, reply, ASID pool). */
  obj: KObject | null = null;
  /** Physical address of the object or region. */
  ptr = 0;
  /** Untyped block size, CNode radix, SC size, frame size, zombie type. */
  sizeBits = 0;
  /** Endpoint: seL4_CapRights bits; notification: write/read; reply: grant; frame: VM rights. */
  rights = 0;
  /** Endpoint/notification badge, or CNode guard, as two u32 halves. */
  dataHi = 0;
  dataLo = 0;
  /** CNode guard size. */
  guardSize = 0;
  /** Untyped watermark in bytes from the region base. */
  freeIndex = 0;
  isDevice = false;
  /** Frame / page table mapping record. */
  mappedASID = 0;
  mappedAddr = 0;
  isMapped = false;
  /** Zombie: slots still to clear; IRQ handler: IRQ number. */
  extra = 0;

  // --- its node in the capability derivation tree (MDB) ---
  prev: Cte | null = null;
  next: Cte | null = null;
  revocable = false;
  firstBadged = false;

  constructor(
    /** CNode or TCB that holds this slot (null for scratch caps). */
    readonly owner: CNode | Tcb | null,
    readonly index: number,
  ) {}
}

/** Copy the cap part of `src` into `dst` (not the MDB node). */
export function copyCap(dst: Cte, src: Cte): void {
  dst.type = src.type;
  dst.obj = src.obj;
  dst.ptr = src.ptr;
  dst.sizeBits = src.sizeBits;
  dst.rights = src.rights;
  dst.dataHi = src.dataHi;
  dst.dataLo = src.dataLo;
  dst.guardSize = src.guardSize;
  dst.freeIndex = src.freeIndex;
  dst.isDevice = src.isDevice;
  dst.mappedASID = src.mappedASID;
  dst.mappedAddr = src.mappedAddr;
  dst.isMapped = src.isMapped;
  dst.extra = src.extra;
}

/** Make the cap part of `c` the null cap. */
export function clearCap(c: Cte): void {
  c.type = cap_null_cap;
  c.obj = null;
  c.ptr = 0;
  c.sizeBits = 0;
  c.rights = 0;
  c.dataHi = 0;
  c.dataLo = 0;
  c.guardSize = 0;
  c.freeIndex = 0;
  c.isDevice = false;
  c.mappedASID = 0;
  c.mappedAddr = 0;
  c.isMapped = false;
  c.extra = 0;
}

export const KO_TCB = 1;
export const KO_Endpoint = 2;
export const KO_Notification = 3;
export const KO_CNode = 4;
export const KO_SchedContext = 5;
export const KO_Reply = 6;
export const KO_ASIDPool = 7;

export type KObject = Tcb | Endpoint | Notification | CNode | SchedContext | Reply | ASIDPool;

export const EPState_Idle = 0;
export const EPState_Send = 1;
export const EPState_Recv = 2;

export class Endpoint {
  readonly kind = KO_Endpoint;
  state = EPState_Idle;
  head: Tcb | null = null;
  tail: Tcb | null = null;
  constructor(readonly ptr: number) {}
}

export const NtfnState_Idle = 0;
export const NtfnState_Waiting = 1;
export const NtfnState_Active = 2;

export class Notification {
  readonly kind = KO_Notification;
  state = NtfnState_Idle;
  head: Tcb | null = null;
  tail: Tcb | null = null;
  msgHi = 0;
  msgLo = 0;
  boundTCB: Tcb | null = null;
  sc: SchedContext | null = null;
  constructor(readonly ptr: number) {}
}

/**
 * A CNode's slots are made on first use: a slot never touched holds the null cap and has no MDB
 * links, which is exactly what an absent entry means. Most of a big CNode stays untouched, and
 * creating every slot up front dominated the cost (and garbage) of building large systems.
 */
export class CNode {
  readonly kind = KO_CNode;
  /** The slots made so far; null where a slot was never used (an empty slot). */
  readonly slotsMade: (Cte | null)[];
  constructor(
    readonly ptr: number,
    readonly radix: number,
  ) {
    this.slotsMade = new Array<Cte | null>(2 ** radix).fill(null);
  }

  /** Slot `i`, made if it never was. */
  slot(i: number): Cte {
    const s = this.slotsMade[i];
    if (s !== null) return s;
    const made = new Cte(this, i);
    this.slotsMade[i] = made;
    return made;
  }

  /** Every slot, all made (for inspection in tests and tools, not for the kernel's paths). */
  get slots(): Cte[] {
    for (let i = 0; i < this.slotsMade.length; i++) this.slot(i);
    return this.slotsMade as Cte[];
  }
}

export interface Refill {
  /** Release time and amount, in ticks. */
  rTime: number;
  rAmount: number;
}

export class SchedContext {
  readonly kind = KO_SchedContext;
  period = 0;
  /** Consumed ticks since the last SchedContext_Consumed / timeout fault. */
  consumed = 0;
  core = 0;
  tcb: Tcb | null = null;
  reply: Reply | null = null;
  notification: Notification | null = null;
  badgeHi = 0;
  badgeLo = 0;
  yieldFrom: Tcb | null = null;
  sporadic = false;
  /** Maximum number of refills this SC may use (0 = not configured). */
  refillMax = 0;
  /** Circular refill buffer, as many entries as fit in the object. */
  readonly refills: Refill[];
  refillHead = 0;
  refillTail = 0;
  /** Release queue link. */
  releaseNext: SchedContext | null = null;
  constructor(
    readonly ptr: number,
    readonly sizeBits: number,
    maxRefills: number,
  ) {
    this.refills = new Array<Refill>(maxRefills);
    for (let i = 0; i < maxRefills; i++) this.refills[i] = { rTime: 0, rAmount: 0 };
  }
}

export class Reply {
  readonly kind = KO_Reply;
  tcb: Tcb | null = null;
  /** Call stack links (seL4's replyPrev / replyNext, the latter may name an SC). */
  prev: Reply | null = null;
  next: Reply | null = null;
  nextSC: SchedContext | null = null;
  constructor(readonly ptr: number) {}
}

export class ASIDPool {
  readonly kind = KO_ASIDPool;
  /** VSpace root physical address per ASID index; 0 = free. */
  readonly entries = new Array<number>(512).fill(0);
  constructor(readonly ptr: number) {}
}

export class Tcb {
  readonly kind = KO_TCB;
  state = ThreadState_Inactive;
  /** Register file: 64-bit register i is lo = regs[2i], hi = regs[2i+1]. */
  readonly regs = new Uint32Array(2 * n_contextRegisters);
  /** The five TCB cap slots (CSpace, VSpace, IPC buffer frame, fault handler, timeout handler). */
  readonly cte: Cte[];
  priority = 0;
  mcp = 0;
  domain = 0;
  /** tcbAffinity: the core whose queues hold it and which runs it (its SC's core, via migrateTCB). */
  affinity = 0;
  flags = 0;
  /** IPC buffer virtual address. */
  ipcBuffer = 0;
  sc: SchedContext | null = null;
  yieldTo: SchedContext | null = null;
  boundNotification: Notification | null = null;
  /** Ready-queue links. */
  schedPrev: Tcb | null = null;
  schedNext: Tcb | null = null;
  inReadyQueue = false;
  inReleaseQueue = false;
  /** Endpoint/notification queue links. */
  epPrev: Tcb | null = null;
  epNext: Tcb | null = null;
  /** Thread-state payload (seL4's thread_state_t fields). */
  blockingObject: Endpoint | Notification | null = null;
  blockingIPCBadgeHi = 0;
  blockingIPCBadgeLo = 0;
  blockingIPCCanGrant = false;
  blockingIPCCanGrantReply = false;
  blockingIPCIsCall = false;
  replyObject: Reply | null = null;
  /**
   * Pending fault (seL4's tcbFault): label (seL4_Fault_NullFault = none) and payload. Cap fault:
   * w0 = address, w1 = inReceivePhase; unknown syscall: w0 = number; user exception: w1 = number,
   * w2 = code; VM fault: w0 = address, w1 = instruction fault, w2 = FSR; timeout: w0 = badge.
   */
  faultType = 0;
  faultW0Hi = 0;
  faultW0Lo = 0;
  faultW1 = 0;
  faultW2 = 0;
  /** Lookup failure that accompanies a cap fault (tcbLookupFailure), user-visible encoding. */
  lfType = 0;
  lfBitsLeft = 0;
  lfBitsFound = 0;
  lfGuardHi = 0;
  lfGuardLo = 0;
  name = "";
  /** State the engine executing this thread keeps for it (like seL4's tcbArch): opaque here. */
  machineContext: object | null = null;
  /**
   * tcbContext.fpuState: the thread's F/D registers and fcsr while another thread owns the FPU,
   * kept by the RV engine (null: never saved, i.e. all zero as in a fresh TCB).
   */
  fpuState: object | null = null;
  /** Scratch for message words in flight (seL4_MsgMaxLength). */
  readonly scratch = new Uint32Array(2 * seL4_MsgMaxLength);
  constructor(readonly ptr: number) {
    this.cte = new Array<Cte>(tcbCNodeEntries);
    for (let i = 0; i < tcbCNodeEntries; i++) this.cte[i] = new Cte(this, i);
  }
}

export function objectName(o: KObject): string {
  switch (o.kind) {
    case KO_TCB:
      return "tcb";
    case KO_Endpoint:
      return "endpoint";
    case KO_Notification:
      return "notification";
    case KO_CNode:
      return "cnode";
    case KO_SchedContext:
      return "sched_context";
    case KO_Reply:
      return "reply";
    default:
      return "asid_pool";
  }
}
