import { describe, expect, it } from "vitest";
import {
  seL4_CapInitThreadCNode,
  seL4_DebugPutString,
  seL4_EndpointObject,
  seL4_Untyped_Retype,
  seL4_DebugCapIdentify,
  cap_endpoint_cap,
} from "../src/user/libsel4.ts";
import { findUntyped, runRoot } from "./harness.ts";

describe("smoke", () => {
  it("boots a root task that prints and retypes", () => {
    let identified = -1;
    const { out, result } = runRoot(function* (bi) {
      yield* seL4_DebugPutString("hi\n");
      const ut = findUntyped(bi, 12);
      const err = yield* seL4_Untyped_Retype(
        ut.cptr,
        seL4_EndpointObject,
        0,
        seL4_CapInitThreadCNode,
        0,
        0,
        bi.empty.start,
        1,
      );
      expect(err).toBe(0);
      identified = yield* seL4_DebugCapIdentify(bi.empty.start);
    });
    expect(out).toBe("hi\n");
    expect(identified).toBe(cap_endpoint_cap);
    expect(result.reason).toBe("idle");
  });
});
