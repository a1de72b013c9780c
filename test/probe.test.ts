import { it, expect } from "vitest";
import * as L from "../src/user/libsel4.ts";
import { runRoot, findUntyped } from "../test/harness.ts";
it("probe", () => {
  const t0 = Date.now();
  let info = "";
  const { system } = runRoot(function* (bi) {
    info += `empty ${bi.empty.start}..${bi.empty.end} untyped ${bi.untyped.start}..${bi.untyped.end}\n`;
    bi.untypedList.forEach((u, i) => { info += `${i} 0x${u.paddr.toString(16)} ${u.sizeBits} ${u.isDevice}\n`; });
    const ut = findUntyped(bi, 12);
    let err = yield* L.seL4_Untyped_Retype(ut.cptr, L.seL4_EndpointObject, 0, L.seL4_CapInitThreadCNode, 0, 0, bi.empty.start, 1);
    expect(err).toBe(0);
    const t1 = Date.now();
    for (let i = 0; i < 2000; i++) {
      err = yield* L.seL4_CNode_Copy(L.seL4_CapInitThreadCNode, bi.empty.start + 1, 64, L.seL4_CapInitThreadCNode, bi.empty.start, 64, L.seL4_AllRights);
      err = yield* L.seL4_CNode_Delete(L.seL4_CapInitThreadCNode, bi.empty.start + 1, 64);
    }
    info += `4000 syscalls ${Date.now() - t1} ms\n`;
  }, { checkInvariants: false });
  console.log(info, Date.now() - t0, system.preemptions);
});
