// Snapshots of a whole running system, taken and restored in place, for reverse execution: going
// back to a position restores the nearest snapshot before it and replays from there, instead of
// re-creating the system and replaying from boot.
//
// A snapshot walks every object reachable from the System (kernel state and objects, machine,
// devices, clock, hart, engines) and keeps a shallow copy of each: its own fields, array elements,
// Map and Set entries, typed-array contents. Restoring writes those copies back into the same
// objects, so every identity (and every closure that holds one, such as the console callbacks)
// stays valid; objects made after the snapshot simply become unreachable again. Functions are kept
// by reference and not looked into. RAM is not walked: the machine already knows which 4 KiB pages
// may hold anything but zeros (PhysicalMemory.written), and only those are copied; a page equal to
// the one the previous snapshot kept is shared with it, so consecutive snapshots of a mostly
// unchanged RAM cost little memory.
//
// A generator (a TypeScript thread's suspended code) has state no program can read or restore: it
// is kept by reference and handed to `onGenerator`, so that the caller can tell whether it ran
// between the snapshot and the moment of a restore (then the snapshot cannot be used).

import type { System } from "../system.ts";

type Copy =
  | { k: 0; o: Record<string, unknown>; v: unknown[]; keys: string[] }
  | { k: 1; o: unknown[]; v: unknown[] }
  | { k: 2; o: Map<unknown, unknown>; v: [unknown, unknown][] }
  | { k: 3; o: Set<unknown>; v: unknown[] }
  | { k: 4; o: ArrayBufferView; v: Uint8Array };

export interface Snapshot {
  readonly copies: Copy[];
  /** RAM page index → its bytes, for the pages marked written (PhysicalMemory.written) only. */
  readonly pages: Map<number, Uint8Array>;
  /** Bytes kept for this snapshot (pages shared with an earlier one not counted). */
  readonly bytes: number;
}

const PAGE = 4096;

function isGenerator(o: object): boolean {
  return Object.prototype.toString.call(o) === "[object Generator]";
}

/**
 * Takes a snapshot of everything reachable from `roots`. `opaque` objects are kept by reference and
 * not looked into (the debugger itself, caches that check themselves). `prev` is the previous
 * snapshot of the same system, whose RAM pages are shared where unchanged. Each generator found is
 * passed to `onGenerator`.
 */
export function takeSnapshot(
  sys: System,
  roots: readonly object[],
  opaque: ReadonlySet<object>,
  prev: Snapshot | null,
  onGenerator: (g: Generator) => void,
): Snapshot {
  const mem = sys.machine.memory;
  const ram = mem.u8.buffer;
  // RAM and its `written` map are kept by page below.
  const seen = new Set<object>(opaque).add(mem.written);
  const copies: Copy[] = [];
  const stack: unknown[] = [...roots];
  let bytes = 0;
  while (stack.length > 0) {
    const o = stack.pop();
    if (typeof o !== "object" || o === null || seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      // RAM: copied by page below (arrays after RAM in its buffer are copied as any other).
      if (o.buffer === ram && o.byteOffset < mem.ramSize) continue;
      const v = new Uint8Array(o.buffer, o.byteOffset, o.byteLength).slice();
      bytes += v.length;
      copies.push({ k: 4, o, v });
    } else if (Array.isArray(o)) {
      const v = o.slice();
      for (const x of v) if (typeof x === "object" && x !== null) stack.push(x);
      copies.push({ k: 1, o, v });
    } else if (o instanceof Map) {
      const v = [...o.entries()];
      for (const [a, b] of v) stack.push(a, b);
      copies.push({ k: 2, o, v });
    } else if (o instanceof Set) {
      const v = [...o.values()];
      stack.push(...v);
      copies.push({ k: 3, o, v });
    } else if (o instanceof ArrayBuffer || Object.isFrozen(o)) {
      continue;
    } else if (isGenerator(o)) {
      onGenerator(o as Generator);
    } else {
      const rec = o as Record<string, unknown>;
      const keys = Object.keys(rec);
      const v = keys.map((key) => rec[key]);
      for (const x of v) if (typeof x === "object" && x !== null) stack.push(x);
      copies.push({ k: 0, o: rec, v, keys });
    }
  }
  const pages = new Map<number, Uint8Array>();
  const written = mem.written;
  const u8 = mem.u8;
  for (let p = 0; p < written.length; p++) {
    if (written[p] === 0) continue;
    const off = p * PAGE;
    const old = prev?.pages.get(p);
    if (old !== undefined && samePage(old, u8, off)) pages.set(p, old);
    else {
      pages.set(p, u8.slice(off, off + PAGE));
      bytes += PAGE;
    }
  }
  return { copies, pages, bytes };
}

function samePage(a: Uint8Array, u8: Uint8Array, off: number): boolean {
  const x = new Int32Array(a.buffer, a.byteOffset, PAGE / 4);
  const y = new Int32Array(u8.buffer, u8.byteOffset + off, PAGE / 4);
  for (let i = 0; i < PAGE / 4; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Puts the system back as it was when `s` was taken. */
export function restoreSnapshot(sys: System, s: Snapshot): void {
  for (const c of s.copies) {
    switch (c.k) {
      case 0: {
        const o = c.o;
        const keep = new Set(c.keys);
        for (const key of Object.keys(o)) if (!keep.has(key)) delete o[key];
        for (let i = 0; i < c.keys.length; i++) if (o[c.keys[i]] !== c.v[i]) o[c.keys[i]] = c.v[i];
        break;
      }
      case 1:
        c.o.length = c.v.length;
        for (let i = 0; i < c.v.length; i++) c.o[i] = c.v[i];
        break;
      case 2:
        c.o.clear();
        for (const [a, b] of c.v) c.o.set(a, b);
        break;
      case 3:
        c.o.clear();
        for (const a of c.v) c.o.add(a);
        break;
      case 4:
        new Uint8Array(c.o.buffer, c.o.byteOffset, c.o.byteLength).set(c.v);
        break;
    }
  }
  const mem = sys.machine.memory;
  const u8 = mem.u8;
  const now = mem.written;
  for (let p = 0; p < now.length; p++) {
    const kept = s.pages.get(p);
    if (kept !== undefined) {
      u8.set(kept, p * PAGE);
      now[p] = 1;
    } else if (now[p] !== 0) {
      u8.fill(0, p * PAGE, (p + 1) * PAGE);
      now[p] = 0;
    }
  }
  // RAM changed behind the machine's back: translated code is checked again before it runs.
  mem.noteStores();
}
