// The timeline's reading of a trace (src/viz/timeline.ts): a track per thread with exactly the
// trace's running intervals, the time off the CPU classified (a client waiting in seL4_Call is
// blocked, a crasher after its fault is blocked), IPC arrows from the trace's flows, faults marked,
// and an SVG with one rect per running interval in view.

import { describe, expect, it } from "vitest";
import { parseTrace, timelineSvg } from "../../src/viz/timeline.ts";
import { traceMicrokit } from "../trace/helpers.ts";

describe("timeline", () => {
  it("passive_server: tracks, running intervals, a blocked client and the call/reply arrows", async () => {
    const { json } = await traceMicrokit("passive_server");
    const d = parseTrace(json);
    expect(d.tracks.map((t) => t.name)).toEqual(["rootserver", "monitor", "server", "client", "idle"]);
    const ev = (JSON.parse(json) as { traceEvents: { ph: string; cat?: string; tid?: number; ts: number }[] })
      .traceEvents;
    for (const t of d.tracks) {
      const begins = ev.filter((e) => e.cat === "thread" && e.ph === "B" && e.tid === t.tid).map((e) => e.ts);
      expect(t.running.map((r) => r[0])).toEqual(begins);
    }
    const client = d.tracks.find((t) => t.name === "client");
    expect(client?.waiting.map((w) => w[2])).toContain("blocked");
    expect(d.flows.some((f) => f.kind === "call")).toBe(true);
    expect(d.flows.some((f) => f.kind === "reply")).toBe(true);
    const svg = timelineSvg(d, 0, d.end, 1000);
    const runs = d.tracks.reduce((n, t) => n + t.running.length, 0);
    expect(svg.match(/<rect class="run"/g)?.length).toBe(runs);
  });

  it("hierarchy: the crasher's faults are marked and it is blocked after each", async () => {
    const { json } = await traceMicrokit("hierarchy");
    const crasher = parseTrace(json).tracks.find((t) => t.name === "crasher");
    expect(crasher?.marks.filter((m) => m.kind === "fault").length).toBeGreaterThan(0);
    expect(crasher?.waiting.every((w) => w[2] === "blocked")).toBe(true);
  });
});
