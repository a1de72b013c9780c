// The commands of the world property tests as data (property-threads / property-vspace): the
// window of root CNode slots they name, by role; the operations of thread programs; the root
// task's commands (those threads may also issue, and the root-only ones). property-world.ts runs
// them, property-world-gen.ts and property-world-scenarios.ts generate them.

import type { seL4_Word } from "../../src/user/libsel4.ts";

// ---- the window of slots (relative to bi.empty.start), by role ----

export const ROLES = {
  ep: [0, 4],
  ntfn: [4, 6],
  reply: [6, 12],
  tcb: [12, 20],
  sc: [20, 28],
  misc: [28, 36],
  vs: [36, 40],
  pt: [40, 48],
  frame: [48, 64],
  ut: [64, 66],
} as const;
export type Role = keyof typeof ROLES;
/** Slots the random commands name. */
export const WIN = 66;
/** Two untypeds the root retypes at setup: kernel objects come from OBJ, frames and tables from VM. */
export const OBJ_UT = 66;
export const VM_UT = 67;
export const OBJ_UT_BITS = 20;
export const VM_UT_BITS = 23;
export const ROOT_PRIO = 100;
/** Badged copies of endpoint 0 (badges 1 and 2) and notification 4 (badge 4) made at setup. */
export const BADGED_EP = [28, 29] as const;
export const BADGED_NTFN = 30;
/** The root task's image frames 1..15 (mapped at 0x10000 + k * 0x1000) serve as IPC buffers. */
export const IMAGE_VADDR = 0x10000;
export const IMAGE_FRAMES = 16;

/** A cap named by window slot, or a raw cptr (init caps, unresolvable values). */
export type Cap = number | { raw: seL4_Word };

// ---- thread programs ----

export type ThreadOp =
  | { op: "Send" | "NBSend" | "Call"; cap: Cap; label: seL4_Word; len: number; caps: Cap[]; mr0: seL4_Word }
  | { op: "Recv" | "NBRecv"; cap: Cap; reply: Cap }
  | { op: "ReplyRecv"; cap: Cap; reply: Cap; label: seL4_Word; len: number; caps: Cap[] }
  | { op: "NBSendRecv"; dest: Cap; cap: Cap; reply: Cap; label: seL4_Word; len: number }
  | { op: "Wait" | "NBWait" | "Poll" | "Signal"; cap: Cap }
  | { op: "Yield" }
  | { op: "Busy"; us: number }
  | { op: "RecvPath"; slot: Cap; depth: number }
  | { op: "Read" | "Write"; vaddr: number; size: 1 | 2 | 4 | 8 }
  /** A kernel invocation as the root does it (from the restricted set `SimpleCmd`). */
  | { op: "Root"; cmd: SimpleCmd };

// ---- root commands ----

export type UtRef = "obj" | "vm" | number;

export type SimpleCmd =
  | { op: "Make"; ut: UtRef; type: number; size: number; slot: number; count: number }
  | { op: "Mint"; dest: number; src: Cap; rights: number; badge: seL4_Word }
  | { op: "Copy" | "Move"; dest: number; src: Cap }
  | { op: "Mutate"; dest: number; src: Cap; badge: seL4_Word }
  | { op: "Delete" | "Revoke" | "CancelBadgedSends"; slot: Cap }
  | { op: "Suspend" | "Resume" | "UnbindNtfn"; tcb: Cap }
  | { op: "SetPriority"; tcb: Cap; prio: number }
  | { op: "SetSchedParams"; tcb: Cap; mcp: number; prio: number; sc: Cap | null; faultEp: Cap | null }
  | { op: "SetTimeoutEp"; tcb: Cap; ep: Cap | null }
  | { op: "BindNtfn"; tcb: Cap; ntfn: Cap }
  | {
      op: "SCConfigure";
      sc: Cap;
      budget: seL4_Word;
      period: seL4_Word;
      refills: number;
      badge: seL4_Word;
      flags: number;
    }
  | { op: "SCBind" | "SCUnbindObject"; sc: Cap; obj: Cap }
  | { op: "SCUnbind" | "SCConsumed" | "SCYieldTo"; sc: Cap }
  /** Assign an ASID from `pool` (null: the root task's pool) to a VSpace root. */
  | { op: "Assign"; pool: Cap | null; vs: Cap }
  | { op: "MakePool"; ut: number; dest: number }
  | { op: "MapPT"; pt: Cap; vs: Cap | null; vaddr: seL4_Word }
  | { op: "Map"; frame: Cap; vs: Cap | null; vaddr: seL4_Word; rights: number; attr: number }
  | { op: "UnmapPT" | "Unmap" | "GetAddress"; cap: Cap }
  | { op: "Invoke"; cap: Cap; label: number; len: number; mrs: seL4_Word[]; caps: Cap[] };

export type Cmd =
  | SimpleCmd
  | {
      op: "Spawn";
      tcb: number;
      sc: number | null;
      budget: number;
      period: number;
      prio: number;
      faultEp: Cap | null;
      /** A timeout fault handler, set before the thread starts. */
      timeoutEp: Cap | null;
      /** null: the root's VSpace, with image frame `buf` as IPC buffer; else a window VSpace root. */
      vs: number | null;
      buf: number;
      bufVaddr: number;
      start: boolean;
      prog: ThreadOp[];
    }
  | { op: "Restart"; tcb: Cap; prog: ThreadOp[] }
  | { op: "NewVSpace"; slot: number; pool: Cap | null }
  | { op: "RevokeUT"; ut: "obj" | "vm" }
  | { op: "RootNBSend"; cap: Cap; label: seL4_Word; len: number; caps: Cap[] }
  | { op: "RootSignal"; cap: Cap }
  | { op: "RootNBRecv"; cap: Cap; reply: Cap }
  | { op: "RootReply"; reply: Cap; label: seL4_Word; len: number }
  | { op: "Yield" }
  | { op: "Let" }
  | { op: "Busy"; us: number };
