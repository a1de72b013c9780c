// CONTRACT.md: everything that enters the kernel is a generator function used with `yield*`. The
// IPC stubs are written as iterators for speed; to a program they must look and act the same.

import { describe, expect, it } from "vitest";
import * as libsel4 from "../../src/user/libsel4.ts";

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as FunctionConstructor;
const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())) as object;

const stubs = [
  "seL4_Send",
  "seL4_NBSend",
  "seL4_Call",
  "seL4_Recv",
  "seL4_NBRecv",
  "seL4_Wait",
  "seL4_NBWait",
  "seL4_Poll",
  "seL4_ReplyRecv",
  "seL4_NBSendRecv",
  "seL4_NBSendWait",
  "seL4_Signal",
  "seL4_Yield",
  "seL4_DebugPutChar",
  "seL4_Untyped_Retype",
  "seL4_TCB_Resume",
] as const;

describe("libsel4 system call stubs are generator functions", () => {
  for (const name of stubs) {
    it(`${name} is a generator function returning a generator`, () => {
      const f = libsel4[name] as unknown as (...a: unknown[]) => Generator;
      expect(f instanceof GeneratorFunction).toBe(true);
      expect(Object.prototype.toString.call(f)).toBe("[object GeneratorFunction]");
      const g = f(1, 0, 0, 0);
      expect(Object.prototype.toString.call(g)).toBe("[object Generator]");
      expect(
        g instanceof (GeneratorPrototype.constructor as FunctionConstructor) ||
          GeneratorPrototype.isPrototypeOf(g),
      ).toBe(true);
      expect(typeof g.next).toBe("function");
      expect(g[Symbol.iterator]()).toBe(g);
      // Not started: nothing has happened yet, and return() finishes it without entering the kernel.
      expect(g.return(undefined)).toEqual({ value: undefined, done: true });
      expect(g.next()).toEqual({ value: undefined, done: true });
    });
  }
});
