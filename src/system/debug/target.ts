// What the debugger sees of a system and marks in it, whatever runs it: every thread, memory
// through a thread's VSpace, breakpoints and watchpoints. The Debugger (debugger.ts) adds running,
// stopping and going back.

import { NextIP } from "../../abi/registers.ts";
import { tcbVTable } from "../../abi/thread.ts";
import { cap_page_table_cap } from "../../abi/captypes.ts";
import { ACCESS_READ, sv39Translate } from "../../machine/mmu.ts";
import { Tcb } from "../../kernel/structures.ts";
import type { System } from "../system.ts";
import { nextAccess } from "./access.ts";

/** GDB's watchpoint kinds: Z2 write, Z3 read, Z4 access. */
export type WatchKind = "write" | "read" | "access";

export interface Watch {
  vaddr: number;
  len: number;
  kind: WatchKind;
  /** Physical address of each watched byte (a watch follows memory, whoever maps it). */
  paddrs: number[];
}

const TWO_32 = 4294967296;

export function pcOfTcb(t: Tcb): number {
  return t.regs[2 * NextIP + 1] * TWO_32 + t.regs[2 * NextIP];
}

/** The physical address of a thread's VSpace root, or 0 when it has none. */
export function vspaceRoot(t: Tcb): number {
  const c = t.cte[tcbVTable];
  return c !== undefined && c.type === cap_page_table_cap ? c.ptr : 0;
}

export abstract class DebugTarget {
  abstract sys: System;
  /** Software breakpoints: virtual pc → VSpace root it applies to (0 = every address space). */
  readonly breakpoints = new Map<number, number>();
  readonly watches: Watch[] = [];
  // The focus thread by address: a replay from boot re-creates every object, and the thread may
  // not exist yet at the replay's start (a Microkit PD is made by the initialiser).
  private focusPtr = -1;

  /** Breakpoints set from now on apply to this thread's address space only (monitor focus). */
  get focus(): Tcb | null {
    return this.focusPtr < 0 ? null : this.threadById(this.focusPtr);
  }
  set focus(t: Tcb | null) {
    this.focusPtr = t === null ? -1 : t.ptr;
  }

  /** The user changed registers or memory (the run from here on is a new one). */
  abstract diverged(): void;

  // ---- threads ----

  /** Every thread (TCB) of the system but the idle thread, in address order. */
  threads(): Tcb[] {
    const ks = this.sys.kernel.state;
    // Each core has its own idle thread (ks.idleThread is the selected core's).
    const idle = new Set<Tcb>([ks.idleThread]);
    for (const n of ks.nodes) idle.add(n.idleThread);
    const out: Tcb[] = [];
    for (const o of ks.objects.values()) {
      if (o instanceof Tcb && !idle.has(o)) out.push(o);
    }
    out.sort((a, b) => a.ptr - b.ptr);
    return out;
  }

  threadById(id: number): Tcb | null {
    const o = this.sys.kernel.state.objects.get(id);
    return o instanceof Tcb ? o : null;
  }

  // ---- memory through a thread's VSpace ----

  /** Physical address of `vaddr` in `t`'s VSpace, or -1 if unmapped or not RAM. */
  translate(t: Tcb, vaddr: number): number {
    const root = vspaceRoot(t);
    const mem = this.sys.machine.memory;
    const p = sv39Translate(mem, root, vaddr, ACCESS_READ);
    return p >= 0 && mem.isRam(p, 1) ? p : -1;
  }

  /** Bytes at vaddr in t's VSpace, or null if any of them is unmapped. */
  readMemory(t: Tcb, vaddr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    const mem = this.sys.machine.memory;
    for (let i = 0; i < len; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return i === 0 ? null : out.subarray(0, i);
      out[i] = mem.read8(p);
    }
    return out;
  }

  writeMemory(t: Tcb, vaddr: number, bytes: Uint8Array): boolean {
    const ps: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return false;
      ps.push(p);
    }
    const mem = this.sys.machine.memory;
    for (let i = 0; i < bytes.length; i++) mem.u8[ps[i] - mem.ramBase] = bytes[i];
    for (const p of ps) mem.markWritten(p, 1);
    this.diverged();
    return true;
  }

  // ---- breakpoints and watchpoints ----

  addBreakpoint(vaddr: number): void {
    this.breakpoints.set(vaddr, this.focus === null ? 0 : vspaceRoot(this.focus));
  }

  /** Whether a breakpoint at `pc` applies to `t` (set for every address space, or for t's). */
  breakpointFor(t: Tcb, pc: number): boolean {
    const root = this.breakpoints.get(pc);
    return root !== undefined && (root === 0 || root === vspaceRoot(t));
  }

  removeBreakpoint(vaddr: number): void {
    this.breakpoints.delete(vaddr);
  }

  /** A write watchpoint on [vaddr, vaddr+len) as mapped in t's VSpace; false if unmapped. */
  addWatch(t: Tcb, vaddr: number, len: number, kind: WatchKind = "write"): boolean {
    const paddrs: number[] = [];
    for (let i = 0; i < len; i++) {
      const p = this.translate(t, vaddr + i);
      if (p < 0) return false;
      paddrs.push(p);
    }
    this.watches.push({ vaddr, len, kind, paddrs });
    return true;
  }

  removeWatch(vaddr: number, len: number, kind: WatchKind = "write"): void {
    const i = this.watches.findIndex((w) => w.vaddr === vaddr && w.len === len && w.kind === kind);
    if (i >= 0) this.watches.splice(i, 1);
  }

  /** The watchpoint the next instruction of `t` would access, if any. */
  protected accessedWatch(t: Tcb): Watch | null {
    const a = nextAccess(this, t);
    if (a === null) return null;
    for (const w of this.watches) {
      if (w.kind === "write" && !a.write) continue;
      if (w.kind === "read" && !a.read) continue;
      for (let i = 0; i < a.size; i++) {
        const p = this.translate(t, a.addr + i);
        if (p >= 0 && w.paddrs.includes(p)) return w;
      }
    }
    return null;
  }
}
