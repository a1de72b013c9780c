// libmicrokit for TypeScript, driven by a hand-made PD: the root task plays the Microkit
// initialiser for one protection domain (Microkit CNode layout, patched-symbols page at the
// program image's start, input notification, reply object) and then signals it.

import { describe, expect, it } from "vitest";
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CNode_CapData_new,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_NotificationObject,
  seL4_ReadWrite,
  seL4_ReplyObject,
  seL4_RISCV_4K_Page,
  seL4_RISCV_Page_Map,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTableObject,
  seL4_CapTableObject,
  seL4_SchedContextObject,
  seL4_SchedControl_Configure,
  seL4_Signal,
  seL4_TCB_Configure,
  seL4_TCB_SetSchedParams,
  seL4_TCB_WriteRegisters,
  seL4_TCBObject,
  seL4_Untyped_Retype,
  sel4ts_entry,
  sel4ts_write,
  sel4ts_write_bytes,
} from "../../src/user/libsel4.ts";
import {
  INPUT_CAP,
  MICROKIT_SYMBOLS_NAME,
  MICROKIT_SYMBOLS_NOTIFICATIONS,
  MICROKIT_SYMBOLS_NVARS,
  MICROKIT_SYMBOLS_VADDR,
  MICROKIT_SYMBOLS_VARS,
  REPLY_CAP,
  microkit_dbg_puts,
  microkit_name,
  microkit_notify,
  microkit_var,
  microkitMain,
  type MicrokitProgram,
} from "../../src/user/microkit.ts";
import { findUntyped, runRoot } from "../harness.ts";

const W = 64;

describe("libmicrokit", () => {
  it("runs init, then notified(ch) once per set badge bit, lowest first; name and setvar from the patched symbols", () => {
    const prog: MicrokitProgram = {
      *init() {
        yield* microkit_dbg_puts(
          `${microkit_name}: init, buffer at 0x${microkit_var("buffer").toString(16)}\n`,
        );
      },
      *notified(ch: number) {
        yield* microkit_dbg_puts(`${microkit_name}: notified ${ch}\n`);
        if (ch === 5) yield* microkit_notify(7); // not an output channel of this PD: diagnosed
      },
    };
    const { out } = runRoot(function* (bi) {
      const ut = findUntyped(bi, 20).cptr;
      let slot = bi.empty.start;
      const make = function* (type: number, size = 0) {
        const s = slot++;
        expect(yield* seL4_Untyped_Retype(ut, type, size, seL4_CapInitThreadCNode, 0, 0, s, 1)).toBe(0);
        return s;
      };
      const cnode = yield* make(seL4_CapTableObject, 9);
      const ntfn = yield* make(seL4_NotificationObject);
      const reply = yield* make(seL4_ReplyObject);
      const tcb = yield* make(seL4_TCBObject);
      const sc = yield* make(seL4_SchedContextObject, 8);
      const pt = yield* make(seL4_RISCV_PageTableObject);
      const symbols = yield* make(seL4_RISCV_4K_Page);
      // The Microkit CNode: input notification in slot 1, reply object in slot 4.
      expect(
        yield* seL4_CNode_Copy(cnode, INPUT_CAP, 9, seL4_CapInitThreadCNode, ntfn, W, seL4_AllRights),
      ).toBe(0);
      expect(
        yield* seL4_CNode_Copy(cnode, REPLY_CAP, 9, seL4_CapInitThreadCNode, reply, W, seL4_AllRights),
      ).toBe(0);
      // The patched symbols at the start of the program image.
      expect(yield* seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, MICROKIT_SYMBOLS_VADDR, 0)).toBe(
        0,
      );
      expect(
        yield* seL4_RISCV_Page_Map(
          symbols,
          seL4_CapInitThreadVSpace,
          MICROKIT_SYMBOLS_VADDR,
          seL4_ReadWrite,
          0,
        ),
      ).toBe(0);
      const base = MICROKIT_SYMBOLS_VADDR;
      yield* sel4ts_write_bytes(base + MICROKIT_SYMBOLS_NAME, new TextEncoder().encode("hello"));
      yield* sel4ts_write(base + MICROKIT_SYMBOLS_NOTIFICATIONS, 8, 1n << 2n);
      yield* sel4ts_write(base + MICROKIT_SYMBOLS_NVARS, 8, 1n);
      yield* sel4ts_write_bytes(base + MICROKIT_SYMBOLS_VARS, new TextEncoder().encode("buffer"));
      yield* sel4ts_write(base + MICROKIT_SYMBOLS_VARS + 32, 8, 0x4000000n);
      // The PD's thread: CSpace = the Microkit CNode with a 55-bit guard, so cptr n < 512 is slot n.
      const frame = bi.userImageFrames.start + 1;
      expect(
        yield* seL4_TCB_Configure(
          tcb,
          cnode,
          seL4_CNode_CapData_new(0, 55),
          seL4_CapInitThreadVSpace,
          0,
          0x11000,
          frame,
        ),
      ).toBe(0);
      expect(yield* seL4_SchedControl_Configure(bi.schedcontrol.start, sc, 1000, 1000, 0, 0)).toBe(0);
      expect(yield* seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 100, 100, sc, 0)).toBe(0);
      expect(yield* seL4_TCB_WriteRegisters(tcb, true, 0, 1, { pc: sel4ts_entry(microkitMain(prog)) })).toBe(
        0,
      );
      // Two channels signalled before the PD runs merge into one receive: notified(3), notified(5).
      const badged = slot++;
      expect(
        yield* seL4_CNode_Mint(
          seL4_CapInitThreadCNode,
          badged,
          W,
          seL4_CapInitThreadCNode,
          ntfn,
          W,
          seL4_AllRights,
          (1 << 3) | (1 << 5),
        ),
      ).toBe(0);
      yield* seL4_Signal(badged);
    });
    expect(out).toBe(
      "hello: init, buffer at 0x4000000\nhello: notified 3\nhello: notified 5\nhello microkit_notify: invalid channel given '7'\n",
    );
  });
});
