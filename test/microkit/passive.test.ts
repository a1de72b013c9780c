// A passive server PD ends up with no SC of its own: protected calls run on the calling client's
// SC (donated over the PPC endpoint and returned with the reply), and the time the server computes
// is charged to that client. The first call is the exception, exactly as on seL4 (see below).

import { describe, expect, it } from "vitest";
import { parseSdf } from "../../src/microkit/sdf.ts";
import { runMicrokit } from "../../src/microkit/run.ts";
import { microkit_msginfo_new, microkit_ppcall, type MicrokitProgram } from "../../src/user/microkit.ts";
import { sel4ts_busy } from "../../src/user/libsel4.ts";
import { ks } from "../../src/kernel/state.ts";
import { Tcb, type SchedContext } from "../../src/kernel/structures.ts";

const SDF = `<system>
  <protection_domain name="server" priority="100" passive="true">
    <program_image path="server.ts" />
  </protection_domain>
  <protection_domain name="client1" priority="90" budget="2000" period="10000">
    <program_image path="client.ts" />
  </protection_domain>
  <protection_domain name="client2" priority="80" budget="2000" period="10000">
    <program_image path="client.ts" />
  </protection_domain>
  <channel><end pd="server" id="0" /><end pd="client1" id="0" pp="true" /></channel>
  <channel><end pd="server" id="1" /><end pd="client2" id="0" pp="true" /></channel>
</system>`;

const none = { notified: undefined, protected: undefined, fault: undefined };

function tcbNamed(name: string): Tcb {
  for (const o of ks.objects.values()) if (o instanceof Tcb && o.name === name) return o;
  throw new Error(`no thread ${name}`);
}

describe("Microkit passive server", () => {
  it("runs with no SC of its own, on each caller's SC, and its work is charged to that caller", () => {
    const r = parseSdf(SDF, { file: "passive.system" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const ranOn: (SchedContext | null)[] = [];
    const server: MicrokitProgram = {
      ...none,
      init: function* () {
        yield* [];
      },
      protected: function* (ch) {
        ranOn.push(ks.curThread.sc);
        yield* sel4ts_busy(ch === 0 ? 300 : 700); // client1's calls cost 300 µs, client2's 700 µs
        return microkit_msginfo_new(0, 0);
      },
    };
    const client: MicrokitProgram = {
      ...none,
      init: function* () {
        for (let i = 0; i < 2; i++) yield* microkit_ppcall(0, microkit_msginfo_new(0, 0));
      },
    };
    const run = runMicrokit(
      r.system,
      new Map([
        ["server", server],
        ["client1", client],
        ["client2", client],
      ]),
      { checkInvariants: true, maxTicks: 1_000_000 },
    );
    expect(run.result.reason).toBe("idle");
    const [srv, c1, c2] = ["server", "client1", "client2"].map(tcbNamed);
    expect(srv.sc).toBeNull();
    const own = srv.boundNotification?.sc;
    const whose = (sc: SchedContext | null) =>
      sc === c1.sc ? "client1" : sc === c2.sc ? "client2" : sc === own ? "server" : "other";
    // As on seL4: the server asks the monitor to bind its SC to its notification (NBSendRecv) and
    // blocks on its endpoint still holding the SC, since the binding comes after. The SC goes back
    // to the notification only when the server next blocks there, after its first reply: the
    // first call runs on the server's own SC, every later one on its caller's.
    expect(ranOn.map(whose)).toEqual(["server", "client1", "client2", "client2"]);
    // Each client's SC carries the server's work done for it on that SC: 300 µs and 2 × 700 µs (in
    // ticks, 10 per µs), plus its own small share of kernel entries.
    const consumed = (t: Tcb) => (t.sc as SchedContext).consumed;
    expect(consumed(c1)).toBeGreaterThanOrEqual(3_000);
    expect(consumed(c1)).toBeLessThan(4_000);
    expect(consumed(c2)).toBeGreaterThanOrEqual(14_000);
    expect(consumed(c2)).toBeLessThan(15_000);
  });
});
