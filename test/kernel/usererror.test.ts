// What a debug kernel prints for user errors (seL4's userError): the line, its C function and
// source line, the message with its arguments, the thread label; nothing with printing off.

import { describe, expect, it } from "vitest";
import {
  CNodeRevoke,
  DomainSetSet,
  seL4_CapDomain,
  seL4_CapInitThreadTCB,
  seL4_DebugNameThread,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_MessageInfo_new,
  seL4_NBSendRecv,
  seL4_NotificationObject,
  seL4_Signal,
  seL4_InvalidCapability,
  seL4_RangeError,
  seL4_TCB_SetPriority,
  seL4_Untyped_Retype,
  seL4_UntypedObject,
  type seL4_BootInfo,
} from "../../src/user/libsel4.ts";
import { formatMessage, USER_ERROR_SITES } from "../../src/kernel/usererror.ts";
import { runRoot } from "../harness.ts";
import { call, err, root } from "./cnode-helpers.ts";
import { findUntyped } from "../harness.ts";
import type { SystemOptions } from "../../src/system/system.ts";

function logged(main: (bi: seL4_BootInfo) => Generator<unknown, unknown, unknown>, opts: SystemOptions = {}) {
  const lines: string[] = [];
  const r = runRoot(main, { onKernelLog: (l) => lines.push(l), ...opts });
  return { lines, out: r.out };
}

/** The line without the thread label: `[function/line]: message`. */
function bare(line: string): string {
  return line.replace(/ T0x[0-9a-f]{16} "[^"]*" @[0-9a-f]+\]/, "]");
}

const LINE = /^<<seL4\(CPU 0\) \[(\w+)\/(\d+) T0x(ffffffc[0-9a-f]{9}) "([^"]*)" @([0-9a-f]+)\]: (.*)>>$/;

describe("userError lines (debug kernel)", () => {
  it("an unknown CNode label: decodeCNodeInvocation/54, with the thread's TCB pointer, name and pc", () => {
    const { lines } = logged(function* () {
      expect(yield* call(root, 0, [0, 64])).toEqual(err(seL4_IllegalOperation));
    });
    expect(lines).toHaveLength(1);
    const m = LINE.exec(lines[0]);
    expect(m, lines[0]).not.toBeNull();
    const [, fn, line, tcb, name, pc, msg] = m as RegExpExecArray;
    expect([fn, line, msg]).toEqual([
      "decodeCNodeInvocation",
      "54",
      "CNodeCap: Illegal Operation attempted.",
    ]);
    expect(name).toBe("rootserver");
    // The TCB object is 2^11 bytes; the tcb_t lies in its upper half (TCB_OFFSET).
    expect(BigInt(`0x${tcb}`) & 0x7ffn).toBe(0x400n);
    expect(Number.parseInt(pc, 16)).toBeGreaterThan(0);
  });

  it("invoking an empty slot names the cptr (decodeInvocation/643); the name set by DebugNameThread", () => {
    const { lines } = logged(function* () {
      yield* seL4_DebugNameThread(seL4_CapInitThreadTCB, "my-root");
      expect(yield* call(1000, 0, [])).toEqual(err(seL4_InvalidCapability, 0));
    });
    expect(lines.map(bare)).toEqual([
      "<<seL4(CPU 0) [decodeInvocation/643]: Attempted to invoke a null cap #1000.>>",
    ]);
    expect(lines[0]).toContain('"my-root"');
  });

  it("Untyped_Retype: bad size, object count as a signed int, slot not empty, too little memory", () => {
    const { lines } = logged(function* (bi) {
      const ut = findUntyped(bi, 16);
      const slot = bi.empty.start;
      expect(yield* seL4_Untyped_Retype(ut.cptr, seL4_EndpointObject, 0, root, 0, 0, slot, 0)).toBe(
        seL4_RangeError,
      );
      expect(yield* seL4_Untyped_Retype(ut.cptr, seL4_EndpointObject, 0, root, 0, 0, slot, 0x80000000)).toBe(
        seL4_RangeError,
      );
      expect(yield* seL4_Untyped_Retype(ut.cptr, seL4_UntypedObject, 64, root, 0, 0, slot, 1)).toBe(
        seL4_RangeError,
      );
      expect(
        yield* seL4_Untyped_Retype(ut.cptr, seL4_EndpointObject, 0, root, 0, 0, seL4_CapInitThreadTCB, 1),
      ).not.toBe(0);
      expect(
        yield* seL4_Untyped_Retype(ut.cptr, seL4_UntypedObject, ut.sizeBits + 1, root, 0, 0, slot, 1),
      ).not.toBe(0);
    });
    expect(lines.map(bare)).toEqual([
      "<<seL4(CPU 0) [decodeUntypedInvocation/145]: Untyped Retype: Number of requested objects (0) too small or large.>>",
      "<<seL4(CPU 0) [decodeUntypedInvocation/145]: Untyped Retype: Number of requested objects (18446744071562067968) too small or large.>>",
      "<<seL4(CPU 0) [decodeUntypedInvocation/80]: Untyped Retype: Invalid object size.>>",
      "<<seL4(CPU 0) [decodeUntypedInvocation/165]: Untyped Retype: Slot #1 in destination window non-empty.>>",
      expect.stringMatching(
        /^<<seL4\(CPU 0\) \[decodeUntypedInvocation\/204\]: Untyped Retype: Insufficient memory \(1 \* \d+ bytes needed, \d+ bytes available\)\.>>$/,
      ),
    ]);
  });

  it("TCB SetPriority above the MCP and DomainSet_Set with a bad domain print their numbers", () => {
    const { lines } = logged(function* () {
      expect(yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 256)).toBe(
        seL4_RangeError,
      );
      expect(yield* call(seL4_CapDomain, DomainSetSet, [11], [seL4_CapInitThreadTCB])).not.toEqual(err(0));
    });
    expect(lines.map(bare)).toEqual([
      "<<seL4(CPU 0) [decodeSetPriority/1235]: TCB SetPriority: Requested priority 256 too high (max 255).>>",
      "<<seL4(CPU 0) [decodeDomainSetSetInvocation/36]: Domain Configure: invalid domain (11 >= 1).>>",
    ]);
  });

  it("a CNode cap invoked in the first phase of NBSendRecv: decodeInvocation/742", () => {
    const { lines } = logged(function* (bi) {
      const nt = bi.empty.start;
      expect(
        yield* seL4_Untyped_Retype(findUntyped(bi, 16).cptr, seL4_NotificationObject, 0, root, 0, 0, nt, 1),
      ).toBe(0);
      yield* seL4_Signal(nt);
      yield* seL4_NBSendRecv(root, seL4_MessageInfo_new(CNodeRevoke, 0, 0, 2), nt, 0);
    });
    expect(lines.map(bare)).toEqual([
      "<<seL4(CPU 0) [decodeInvocation/742]: Cannot invoke cnode capabilities in the first phase of an invocation>>",
    ]);
  });

  it("prints nothing with KernelPrinting off", () => {
    const { lines } = logged(
      function* () {
        expect(yield* call(root, 0, [0, 64])).toEqual(err(seL4_IllegalOperation));
      },
      { kernelConfig: { printing: false } },
    );
    expect(lines).toEqual([]);
  });
});

describe("the message formats", () => {
  it("convert as the kernel's printf reads its arguments", () => {
    expect(formatMessage("(%d)", [-2147483648])).toBe("(18446744071562067968)");
    expect(formatMessage("(%d)", [0x1_0000_0005])).toBe("(5)");
    expect(formatMessage("%u/%u", [0x1_0000_0007, 3])).toBe("7/3");
    expect(formatMessage("%lu", [-1])).toBe("18446744073709551615");
    expect(formatMessage("0x%x", [0x12345678abcn])).toBe("0x45678abc");
    expect(formatMessage("(0x%lx) %%", [0xffffffffffffffffn])).toBe("(0xffffffffffffffff) %");
  });

  it("every site names a C function, a positive line and a message", () => {
    expect(USER_ERROR_SITES.length).toBeGreaterThan(150);
    for (const [fn, line, msg] of USER_ERROR_SITES) {
      expect(fn).toMatch(/^\w+$/);
      expect(line).toBeGreaterThan(0);
      expect(msg.length).toBeGreaterThan(0);
    }
  });
});
