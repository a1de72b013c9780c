// BOOT-1..BOOT-6 and BOOT-9 (sel4-semantics.md §15; BOOT-7/8/10 are in boot-untyped.test.ts) and
// the boot info layout (ABI sheet §11), checked as the root task sees them: the seL4_BootInfo it is handed, the raw bytes of the boot info frame, the
// caps in its CNode (DebugCapIdentify), what its mappings allow, and what its first invocations do.
// Kernel state is inspected only where no invocation can show a fact yet (marked "internal").

import { describe, expect, it } from "vitest";
import {
  BI_empty,
  BI_extraBIPages,
  BI_extraLen,
  BI_initThreadCNodeSizeBits,
  BI_initThreadDomain,
  BI_ioSpaceCaps,
  BI_ipcBuffer,
  BI_nodeID,
  BI_numIOPTLevels,
  BI_numNodes,
  BI_schedcontrol,
  BI_sharedFrames,
  BI_size,
  BI_untyped,
  BI_untypedList,
  BI_userImageFrames,
  BI_userImagePaging,
  CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
  UNTYPED_DESC_BYTES,
  cap_asid_control_cap,
  cap_asid_pool_cap,
  cap_cnode_cap,
  cap_domain_cap,
  cap_frame_cap,
  cap_irq_control_cap,
  cap_null_cap,
  cap_page_table_cap,
  cap_sched_context_cap,
  cap_sched_control_cap,
  cap_thread_cap,
  cap_untyped_cap,
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_DepthMismatch,
  seL4_GuardMismatch,
  seL4_TruncatedMessage,
  sel4ts_read,
  sel4ts_write,
  ThreadState_Inactive,
  ThreadState_Running,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import { a0, NextIP, ra, sp, tp } from "../../src/abi/registers.ts";
import { ROOT_IMAGE_VADDR } from "../../src/kernel/boot.ts";
import { SchedContext } from "../../src/kernel/structures.ts";
import { System } from "../../src/system/system.ts";
import { rt } from "../../src/user/runtime.ts";
import { runRoot } from "../harness.ts";
import { bootInfo, CNODE_BITS, NUM_SLOTS, PAGE, RAM_SIZE, rootCNode, rootTcb } from "./boot-helpers.ts";

const GUARD = 64 - CNODE_BITS;

describe("BOOT-9 boot info contents", () => {
  it("BOOT-9 node, IO-PT, CNode size, domain, shared frames and IO space fields", () => {
    const { bi } = bootInfo();
    expect(bi.nodeID).toBe(0);
    expect(bi.numNodes).toBe(1);
    expect(bi.numIOPTLevels).toBe(0);
    expect(bi.initThreadCNodeSizeBits).toBe(CNODE_BITS);
    expect(bi.initThreadDomain).toBe(0);
    expect(bi.sharedFrames).toEqual({ start: 0, end: 0 });
    expect(bi.ioSpaceCaps).toEqual({ start: 0, end: 0 });
    // The device tree as extra boot info: a 16-byte header and QEMU virt's 4421-byte DTB, in the
    // two pages of an 8 KiB region (as the real kernel gives sel4test).
    expect(bi.extraLen).toBe(16 + 4421);
    expect(bi.extraBIPages.end - bi.extraBIPages.start).toBe(2);
    expect(bi.ipcBuffer % PAGE).toBe(0);
  });

  it("BOOT-9 §11.2 every field sits at its byte offset of the frame at a0; padding and unused entries are zero", () => {
    const words: Record<number, bigint> = {};
    let biVaddr = -1;
    let descBytes: number[][] = [];
    let tailNonZero = -1;
    let info: seL4_BootInfo | null = null;
    runRoot(function* (bi) {
      info = bi;
      biVaddr = bi.ipcBuffer + PAGE; // BOOT-5
      for (let off = 0; off < BI_untypedList; off += 8) words[off] = yield* sel4ts_read(biVaddr + off, 8);
      descBytes = [];
      for (let i = 0; i < CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS; i++) {
        const bytes: number[] = [];
        for (let b = 0; b < UNTYPED_DESC_BYTES; b++)
          bytes.push(yield* sel4ts_read(biVaddr + BI_untypedList + i * UNTYPED_DESC_BYTES + b, 1));
        descBytes.push(bytes);
      }
      for (let off = BI_size; off < PAGE; off += 8)
        if ((yield* sel4ts_read(biVaddr + off, 8)) !== 0n && tailNonZero < 0) tailNonZero = off;
    });
    const bi = info as unknown as seL4_BootInfo;
    expect(BI_size).toBe(3864);
    const w = (off: number): number => Number(words[off]);
    expect(w(BI_extraLen)).toBe(bi.extraLen);
    expect(w(BI_nodeID)).toBe(0);
    expect(w(BI_numNodes)).toBe(1);
    expect(w(BI_numIOPTLevels)).toBe(0);
    expect(w(BI_ipcBuffer)).toBe(bi.ipcBuffer);
    const region = (off: number): { start: number; end: number } => ({ start: w(off), end: w(off + 8) });
    expect(region(BI_empty)).toEqual(bi.empty);
    expect(region(BI_sharedFrames)).toEqual({ start: 0, end: 0 });
    expect(region(BI_userImageFrames)).toEqual(bi.userImageFrames);
    expect(region(BI_userImagePaging)).toEqual(bi.userImagePaging);
    expect(region(BI_ioSpaceCaps)).toEqual({ start: 0, end: 0 });
    expect(region(BI_extraBIPages)).toEqual(bi.extraBIPages);
    expect(w(BI_initThreadCNodeSizeBits)).toBe(CNODE_BITS);
    expect(w(BI_initThreadDomain)).toBe(0);
    expect(region(BI_schedcontrol)).toEqual(bi.schedcontrol);
    expect(region(BI_untyped)).toEqual(bi.untyped);
    const n = bi.untyped.end - bi.untyped.start;
    expect(n).toBeGreaterThan(0);
    descBytes.forEach((bytes, i) => {
      if (i < n) {
        const u = bi.untypedList[i];
        let paddr = 0;
        for (let b = 7; b >= 0; b--) paddr = paddr * 256 + bytes[b];
        expect(paddr).toBe(u.paddr);
        expect(bytes[8]).toBe(u.sizeBits);
        expect(bytes[9]).toBe(u.isDevice);
        expect(bytes.slice(10)).toEqual([0, 0, 0, 0, 0, 0]);
      } else {
        expect(bytes).toEqual(new Array(UNTYPED_DESC_BYTES).fill(0));
      }
    });
    expect(tailNonZero).toBe(-1);
  });
});

describe("BOOT-1 root thread", () => {
  it("BOOT-1 a0 = boot info vaddr, pc = image entry, every other register 0 (sp and tp included)", () => {
    let regsAtEntry: Uint32Array | null = null;
    let ipcBuffer = 0;
    let imagePages = 0;
    runRoot(function* (bi) {
      regsAtEntry = rt.regs.slice();
      ipcBuffer = bi.ipcBuffer;
      imagePages = bi.userImageFrames.end - bi.userImageFrames.start;
      yield* [];
    });
    const r = regsAtEntry as unknown as Uint32Array;
    const word = (i: number): number => r[2 * i + 1] * 2 ** 32 + r[2 * i];
    expect(word(a0)).toBe(ipcBuffer + PAGE);
    expect(word(NextIP)).toBe(ROOT_IMAGE_VADDR);
    expect(ipcBuffer).toBe(ROOT_IMAGE_VADDR + imagePages * PAGE);
    for (let i = ra; i <= 30; i++) if (i !== a0) expect(word(i), `register ${i}`).toBe(0);
    expect(word(sp)).toBe(0);
    expect(word(tp)).toBe(0);
  });

  // Priority and MCP are visible only through TCB invocations (SetPriority against the MCP,
  // ReadRegisters...), which the kernel does not implement yet: internal check.
  it("BOOT-1 (internal) priority 255, MCP 255, domain 0, Running, no fault or timeout handler", () => {
    const system = new System({ ramSize: RAM_SIZE });
    system.boot(function* () {
      yield* [];
    });
    const t = rootTcb(system);
    expect(t.priority).toBe(255);
    expect(t.mcp).toBe(255);
    expect(t.domain).toBe(0);
    expect(t.state).toBe(ThreadState_Running);
    expect(t.cte[3].type).toBe(cap_null_cap); // tcbFaultHandler
    expect(t.cte[4].type).toBe(cap_null_cap); // tcbTimeoutHandler
    expect(system.kernel.currentThread).toBe(t);
  });

  it("BOOT-1 with no fault handler a cap fault makes the root thread Inactive", () => {
    let after = false;
    const { system, result } = runRoot(function* () {
      // Service cptr 2^12 + 2: bit 12 lies in the 52-bit guard, so the lookup fails -> cap fault.
      yield* seL4_CNode_Delete(NUM_SLOTS + seL4_CapInitThreadCNode, 20, 64);
      after = true;
    });
    expect(after).toBe(false);
    expect(result.reason).toBe("idle");
    expect(rootTcb(system).state).toBe(ThreadState_Inactive);
  });
});

describe("BOOT-2/3/4/5 initial objects", () => {
  it("§11.1 slots 0..15 hold the initial caps (DebugCapIdentify), nulls included", () => {
    const types: number[] = [];
    runRoot(function* () {
      for (let s = 0; s < 16; s++) types.push(yield* seL4_DebugCapIdentify(s));
    });
    expect(types).toEqual([
      cap_null_cap,
      cap_thread_cap,
      cap_cnode_cap,
      cap_page_table_cap,
      cap_irq_control_cap,
      cap_asid_control_cap,
      cap_asid_pool_cap,
      cap_null_cap,
      cap_null_cap,
      cap_frame_cap,
      cap_frame_cap,
      cap_domain_cap,
      cap_null_cap,
      cap_null_cap,
      cap_sched_context_cap,
      cap_null_cap,
    ]);
  });

  it("BOOT-2 (internal) root SC: 2^7 bytes, round robin (period 0), 5 ms = 50000 ticks, 2 refills", () => {
    const system = new System({ ramSize: RAM_SIZE });
    system.boot(function* () {
      yield* [];
    });
    const cap = rootCNode(system).slots[14];
    expect(cap.sizeBits).toBe(7);
    const sc = cap.obj as SchedContext;
    expect(sc).toBeInstanceOf(SchedContext);
    expect(sc.sizeBits).toBe(7);
    expect(sc.tcb).toBe(rootTcb(system));
    expect(sc.period).toBe(0);
    expect(sc.refillMax).toBe(2);
    expect(sc.refills[sc.refillHead].rAmount).toBe(50_000);
  });

  it("BOOT-3 guard 52 bits of 0, radix 12 (the harness's root CNode): the lookup failure MRs name them", () => {
    const seen: number[][] = [];
    let identified: number[] = [];
    runRoot(function* (bi) {
      const free = bi.empty.start;
      const probe = function* (index: number | bigint, depth: number) {
        const err = yield* seL4_CNode_Delete(seL4_CapInitThreadCNode, index, depth);
        seen.push([err, ...[0, 1, 2, 3, 4].map((i) => Number(seL4_GetMR(i)))]);
      };
      yield* probe(NUM_SLOTS + free, 64); // bit 12 is guard: mismatch with 64 bits left
      yield* probe(2n ** 63n + BigInt(free), 64); // top bit set
      yield* probe(free, 12); // 12 bits < 52-bit guard
      yield* probe(free, 63); // guard matches, 64 bits of level > 63
      identified = [
        yield* seL4_DebugCapIdentify(NUM_SLOTS + seL4_CapInitThreadCNode),
        yield* seL4_DebugCapIdentify(2n ** 64n - 1n),
        yield* seL4_DebugCapIdentify(seL4_CapInitThreadCNode),
      ];
    });
    // [error, failedLookupWasSource, lookup failure type, bitsLeft, guardFound / bitsFound, bitsFound]
    expect(seen[0]).toEqual([seL4_FailedLookup, 0, seL4_GuardMismatch, 64, 0, GUARD]);
    expect(seen[1]).toEqual([seL4_FailedLookup, 0, seL4_GuardMismatch, 64, 0, GUARD]);
    expect(seen[2]).toEqual([seL4_FailedLookup, 0, seL4_GuardMismatch, 12, 0, GUARD]);
    expect(seen[3].slice(0, 5)).toEqual([seL4_FailedLookup, 0, seL4_DepthMismatch, 63, 64]);
    expect(identified).toEqual([cap_null_cap, cap_null_cap, cap_cnode_cap]);
  });

  it("BOOT-3 the TCB's CSpace root is a child of slot 2: revoking slot 2 leaves the thread without a CSpace", () => {
    let before = -1;
    let after = -1;
    let reached = false;
    const { system } = runRoot(function* () {
      before = yield* seL4_DebugCapIdentify(seL4_CapInitThreadCNode);
      const err = yield* seL4_CNode_Revoke(seL4_CapInitThreadCNode, seL4_CapInitThreadCNode, 64);
      expect(err).toBe(0);
      after = yield* seL4_DebugCapIdentify(seL4_CapInitThreadCNode); // no CSpace root: lookup fails
      yield* seL4_CNode_Delete(seL4_CapInitThreadCNode, 20, 64); // cap fault, no handler
      reached = true;
    });
    expect(before).toBe(cap_cnode_cap);
    expect(after).toBe(cap_null_cap);
    expect(reached).toBe(false);
    expect(rootCNode(system).slots[seL4_CapInitThreadCNode].type).toBe(cap_cnode_cap);
  });

  it("BOOT-4 image pages are mapped user read/write; nothing is mapped just below the image", () => {
    const readBack: number[] = [];
    let reachedAfterFault = false;
    runRoot(function* (bi) {
      const pages = bi.userImageFrames.end - bi.userImageFrames.start;
      const imageStart = bi.ipcBuffer - pages * PAGE;
      for (let p = 0; p < pages; p++) {
        const v = imageStart + p * PAGE + 8 * p;
        yield* sel4ts_write(v, 4, 0x5eed0000 + p);
        readBack.push(yield* sel4ts_read(v, 4));
      }
      yield* sel4ts_read(imageStart - 8, 8);
      reachedAfterFault = true;
    });
    expect(readBack).toEqual(readBack.map((_, p) => 0x5eed0000 + p));
    expect(readBack.length).toBe(16);
    expect(reachedAfterFault).toBe(false);
  });

  it("BOOT-4 (internal) root VSpace is ASID 1 of pool 0, the pool cap in slot 6 has base 0", () => {
    const { system } = runRoot(function* () {
      yield* [];
    });
    const ks = system.kernel.state;
    const cn = rootCNode(system);
    const pool = ks.asidTable[0];
    expect(pool).not.toBeNull();
    expect(pool?.entries[1]).toBe(cn.slots[3].ptr);
    expect(cn.slots[6].obj).toBe(pool);
    expect(cn.slots[6].extra).toBe(0);
    expect(cn.slots[3].mappedASID).toBe(1);
  });

  it("BOOT-5 IPC buffer right after the image, boot info the next page (both writable), then the extra boot info, nothing after it", () => {
    let ok: number[] = [];
    let reached = false;
    runRoot(function* (bi) {
      yield* sel4ts_write(bi.ipcBuffer + 4088, 8, 0x1234);
      yield* sel4ts_write(bi.ipcBuffer + PAGE + 4088, 8, 0x5678);
      ok = [
        Number(yield* sel4ts_read(bi.ipcBuffer + 4088, 8)),
        Number(yield* sel4ts_read(bi.ipcBuffer + PAGE + 4088, 8)),
      ];
      ok.push(Number(yield* sel4ts_read(bi.ipcBuffer + 2 * PAGE, 8))); // SEL4_BOOTINFO_HEADER_FDT
      ok.push(Number(yield* sel4ts_read(bi.ipcBuffer + 2 * PAGE + 8, 8))); // its length
      yield* sel4ts_read(bi.ipcBuffer + 4 * PAGE, 8); // past the 8 KiB extra boot info: fault
      reached = true;
    });
    expect(ok).toEqual([0x1234, 0x5678, 6, 16 + 4421]);
    expect(reached).toBe(false);
  });

  it("BOOT-5 the TCB's IPC buffer cap is a derived copy: revoking slot 10 removes it but keeps the mapping", () => {
    let revoke = -1;
    let copyErr = -1;
    let stillReadable = -1;
    let deleteErr = -1;
    runRoot(function* (bi) {
      yield* sel4ts_write(bi.ipcBuffer + 4000, 8, 77);
      revoke = yield* seL4_CNode_Revoke(seL4_CapInitThreadCNode, 10, 64);
      // The kernel no longer finds an IPC buffer: no extra caps reach it -> TruncatedMessage.
      copyErr = yield* seL4_CNode_Copy(
        seL4_CapInitThreadCNode,
        bi.empty.start,
        64,
        seL4_CapInitThreadCNode,
        11,
        64,
        seL4_AllRights,
      );
      stillReadable = Number(yield* sel4ts_read(bi.ipcBuffer + 4000, 8));
      deleteErr = yield* seL4_CNode_Delete(seL4_CapInitThreadCNode, bi.empty.start, 64);
    });
    expect(revoke).toBe(0);
    expect(copyErr).toBe(seL4_TruncatedMessage);
    expect(stillReadable).toBe(77);
    expect(deleteErr).toBe(0);
  });
});

describe("BOOT-6 slot regions", () => {
  it("BOOT-6 §11.3 paging, extra BI pages, schedcontrol, image frames, untyped, empty: consecutive from 16", () => {
    const { bi } = bootInfo();
    expect(bi.userImagePaging.start).toBe(16);
    expect(bi.extraBIPages.start).toBe(bi.userImagePaging.end);
    expect(bi.schedcontrol.start).toBe(bi.extraBIPages.end);
    expect(bi.schedcontrol.end - bi.schedcontrol.start).toBe(1);
    expect(bi.userImageFrames.start).toBe(bi.schedcontrol.end);
    expect(bi.untyped.start).toBe(bi.userImageFrames.end);
    expect(bi.empty.start).toBe(bi.untyped.end);
    expect(bi.empty.end).toBe(NUM_SLOTS);
    // One table per 1 GiB and one per 2 MiB touched by [image, boot info frame]: 2 here.
    expect(bi.userImagePaging.end - bi.userImagePaging.start).toBe(2);
    expect(bi.userImageFrames.end - bi.userImageFrames.start).toBe(16);
    expect(bi.untypedList.length).toBe(bi.untyped.end - bi.untyped.start);
  });

  it("BOOT-6 each region holds caps of its type and every empty slot is null", () => {
    const types = new Map<number, number>();
    let info: seL4_BootInfo | null = null;
    runRoot(function* (bi) {
      info = bi;
      for (let s = 16; s < NUM_SLOTS; s++) types.set(s, yield* seL4_DebugCapIdentify(s));
    });
    const bi = info as unknown as seL4_BootInfo;
    const expectRegion = (r: { start: number; end: number }, t: number): void => {
      for (let s = r.start; s < r.end; s++) expect(types.get(s), `slot ${s}`).toBe(t);
    };
    expectRegion(bi.userImagePaging, cap_page_table_cap);
    expectRegion(bi.schedcontrol, cap_sched_control_cap);
    expectRegion(bi.userImageFrames, cap_frame_cap);
    expectRegion(bi.untyped, cap_untyped_cap);
    expectRegion(bi.empty, cap_null_cap);
  });
});
