// Property test: random sequences of CNode and Untyped_Retype invocations, with random and
// adversarial arguments, issued by a TS root task, with the kernel invariant checker after every
// kernel entry (runRoot). The properties: no JavaScript exception ever escapes the kernel, the
// invariant checker never fires (objects never overlap, every cap refers to a live object, the
// derivation tree is well formed, untyped watermarks are consistent), and every invocation answers
// with an seL4_Error. Commands are data (fuzz-commands.ts), so a failure reports the command list.
// The planted-corruption tests of the checker itself are in invariants.test.ts. Threads running
// random IPC programs, and random mapping across several VSpaces, are the properties of
// property-threads.test.ts and property-vspace.test.ts (commands in property-world*.ts).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seL4_CapInitThreadCNode, seL4_EndpointObject } from "../../src/user/libsel4.ts";
import { finaliseObjectHooks } from "../../src/kernel/object/finalise.ts";
import { type Cmd, checkAnswers, commands, runCommands, SCALE, SEED } from "./fuzz-commands.ts";

describe("property: random CNode / Retype sequences keep the kernel consistent", () => {
  it("PROP no kernel exception, invariants after every entry, every answer an seL4_Error (100 x <= 60)", () => {
    fc.assert(
      fc.property(commands(1, 60), (cmds) => {
        const { answers } = runCommands(cmds);
        checkAnswers(cmds, answers);
      }),
      { seed: SEED, numRuns: 100 * SCALE },
    );
  });

  it("PROP the same over long sequences (15 x 250), which do real work of every kind", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(commands(250, 250), (cmds) => {
        const { answers } = runCommands(cmds);
        checkAnswers(cmds, answers, seen);
      }),
      { seed: SEED + 1, numRuns: 15 * SCALE },
    );
    for (const op of ["Retype", "Copy", "Mint", "Move", "Mutate", "Rotate", "Delete", "Revoke", "Call"])
      expect(seen.get(op) ?? 0, op).toBeGreaterThan(0);
  });
});

describe("the harness can fail", () => {
  it("PROP a JS exception inside the kernel escapes System.run and the property reports the commands", () => {
    const cmds: Cmd[] = [
      {
        op: "Retype",
        ut: { ram: 0 },
        type: seL4_EndpointObject,
        size: 0,
        root: { abs: seL4_CapInitThreadCNode },
        index: { abs: 0 },
        depth: 0,
        offset: { win: 0 },
        count: 1,
      },
      { op: "Delete", node: { abs: seL4_CapInitThreadCNode }, index: { win: 0 }, depth: 64 },
    ];
    // Plant a kernel bug the invariant checker cannot see: finalising an endpoint throws.
    const original = finaliseObjectHooks.endpoint;
    finaliseObjectHooks.endpoint = () => {
      throw new TypeError("planted kernel bug");
    };
    try {
      // The very exception object escapes: it is not turned into a user program error.
      let thrown: unknown = null;
      try {
        runCommands(cmds);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/^planted kernel bug\n {2}after 1 of 2 commands/);
      const out = fc.check(
        fc.property(fc.constant(cmds), (c) => {
          runCommands(c);
        }),
        { numRuns: 1 },
      );
      expect(out.failed).toBe(true);
      expect(String(out.errorInstance)).toMatch(/planted kernel bug/);
      expect(String(out.errorInstance)).toMatch(/after 1 of 2 commands/);
      expect(String(out.errorInstance)).toMatch(/Delete/);
      expect(fc.stringify(out.counterexample)).toMatch(/Delete/);
    } finally {
      finaliseObjectHooks.endpoint = original;
    }
  });
});
