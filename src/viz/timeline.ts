// The MCS timeline: a track per thread from the same events the Perfetto tracer writes
// (src/system/trace.ts): when the thread ran (and its kernel entries inside), why it was off the
// CPU, its scheduling context's available budget draining and refilling, IPC and signal arrows
// between tracks, faults and SC events marked. Drawn as SVG text for a window of time (the
// playground makes it zoomable, web/src/timeline.ts).

interface TraceEvent {
  name: string;
  ph: string;
  ts?: number;
  dur?: number;
  tid?: number;
  id?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

/**
 * Why a thread is off the CPU between two running intervals, as far as the trace tells: its last
 * kernel entry was a system call that waits (blocked), its SC ran out or was throttled (waiting
 * for a refill), a fault of its own (blocked on its fault handler), or anything else (ready:
 * preempted, or woken and not yet chosen).
 */
export type WaitKind = "blocked" | "refill" | "ready";

export interface Track {
  tid: number;
  name: string;
  running: [number, number][];
  waiting: [number, number, WaitKind][];
  entries: [number, number, string][];
  marks: { t: number; name: string; kind: "fault" | "sched" }[];
  budget: [number, number][];
}

export interface TimelineData {
  tracks: Track[];
  flows: { kind: string; from: [number, number]; to: [number, number] }[];
  end: number;
}

export function parseTrace(json: string): TimelineData {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const tracks = new Map<number, Track>();
  const track = (tid: number): Track => {
    let t = tracks.get(tid);
    if (t === undefined) {
      t = { tid, name: `thread ${tid}`, running: [], waiting: [], entries: [], marks: [], budget: [] };
      tracks.set(tid, t);
    }
    return t;
  };
  const open = new Map<number, number>();
  const starts = new Map<number, { tid: number; ts: number; name: string }>();
  const flows: TimelineData["flows"] = [];
  const budgets = new Map<string, [number, number][]>();
  let end = 0;
  for (const e of events) {
    const ts = e.ts ?? 0;
    if (ts > end) end = ts;
    if (e.ph === "M" && e.name === "thread_name" && e.tid !== undefined) {
      track(e.tid).name = String(e.args?.name ?? e.tid);
    } else if (e.ph === "B" && e.cat === "thread" && e.tid !== undefined) {
      open.set(e.tid, ts);
    } else if (e.ph === "E" && e.cat === "thread" && e.tid !== undefined) {
      const s = open.get(e.tid);
      if (s !== undefined) track(e.tid).running.push([s, ts]);
      open.delete(e.tid);
    } else if (e.ph === "X" && e.tid !== undefined) {
      track(e.tid).entries.push([ts, ts + (e.dur ?? 0), e.name]);
      if (ts + (e.dur ?? 0) > end) end = ts + (e.dur ?? 0);
    } else if (e.ph === "i" && e.tid !== undefined && (e.cat === "fault" || e.cat === "sched")) {
      if (e.name !== "refill charge") track(e.tid).marks.push({ t: ts, name: e.name, kind: e.cat });
    } else if (e.ph === "C" && e.name.startsWith("budget ")) {
      const l = budgets.get(e.name) ?? [];
      l.push([ts, Number(e.args?.us ?? 0)]);
      budgets.set(e.name, l);
    } else if (e.ph === "s" && e.id !== undefined && e.tid !== undefined) {
      starts.set(e.id, { tid: e.tid, ts, name: e.name });
    } else if (e.ph === "f" && e.id !== undefined && e.tid !== undefined) {
      const s = starts.get(e.id);
      if (s !== undefined) flows.push({ kind: s.name, from: [s.tid, s.ts], to: [e.tid, ts] });
    }
  }
  for (const [tid, s] of open) track(tid).running.push([s, end]);
  // A budget counter is named "budget sc@… (thread)": it goes with that thread's track.
  for (const [name, series] of budgets) {
    const m = /\(([^)]*)\)$/.exec(name);
    const t = [...tracks.values()].find((x) => x.name === m?.[1]);
    if (t !== undefined) t.budget = series;
  }
  for (const t of tracks.values()) t.waiting = waits(t);
  const list = [...tracks.values()].filter((t) => t.running.length > 0 || t.marks.length > 0);
  return { tracks: list, flows, end: Math.max(end, 1) };
}

/** System calls after which a thread that leaves the CPU is waiting for another thread. */
const BLOCKING = new Set([
  "seL4_Recv",
  "seL4_Wait",
  "seL4_Call",
  "seL4_ReplyRecv",
  "seL4_NBSendRecv",
  "seL4_NBSendWait",
  "seL4_Send",
]);

function waits(t: Track): [number, number, WaitKind][] {
  const out: [number, number, WaitKind][] = [];
  for (let i = 0; i + 1 < t.running.length; i++) {
    const from = t.running[i][1];
    const to = t.running[i + 1][0];
    if (to <= from) continue;
    const start = t.running[i][0];
    // The last kernel entry and SC/fault event inside the interval that just ended.
    let entry = "";
    for (const e of t.entries) if (e[0] >= start && e[0] <= from) entry = e[2];
    let mark = "";
    for (const m of t.marks) if (m.t >= start && m.t <= from) mark = m.kind === "fault" ? "fault" : m.name;
    const kind: WaitKind =
      mark === "budget exhausted" || mark === "throttled"
        ? "refill"
        : mark === "fault" || BLOCKING.has(entry)
          ? "blocked"
          : "ready";
    out.push([from, to, kind]);
  }
  return out;
}

export const LABEL = 120;
const ROW = 38;
const TOP = 26;
const COLORS: Record<string, string> = {
  send: "#1f5fa8",
  call: "#1f5fa8",
  reply: "#6a3d9a",
  signal: "#2d7a2d",
  fault: "#b03030",
};

const WAIT_STYLE: Record<WaitKind, [string, string, number]> = {
  blocked: ["#b8b8b8", "", 2],
  ready: ["#f2c14e", "", 4],
  refill: ["#e8792b", ' fill-opacity="0.7"', 6],
};
const WAIT_TEXT: Record<WaitKind, string> = {
  blocked: "blocked (waiting for IPC, a signal or its fault handler)",
  ready: "ready (preempted or not yet chosen)",
  refill: "waiting for a budget refill",
};

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}

function niceStep(span: number): number {
  const raw = span / 8;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function timelineSvg(d: TimelineData, v0: number, v1: number, width: number): string {
  const w = Math.max(width - LABEL - 10, 200);
  const x = (t: number): number => LABEL + ((t - v0) / (v1 - v0)) * w;
  const vis = (a: number, b: number): boolean => b >= v0 && a <= v1;
  const rowOf = new Map(d.tracks.map((t, i) => [t.tid, i]));
  const h = TOP + d.tracks.length * ROW + 10;
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" class="timeline" data-from="${v0}" data-to="${v1}">`,
    `<defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="context-stroke"/></marker></defs>`,
  ];
  const step = niceStep(v1 - v0);
  for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
    p.push(`<line x1="${x(t)}" y1="${TOP - 6}" x2="${x(t)}" y2="${h}" stroke="#eee"/>`);
    p.push(`<text x="${x(t) + 2}" y="${TOP - 10}" font-size="10" fill="#666">${+t.toFixed(3)} µs</text>`);
  }
  d.tracks.forEach((t, i) => {
    const y = TOP + i * ROW;
    p.push(`<g class="track" data-name="${esc(t.name)}" data-tid="${t.tid}">`);
    p.push(`<text x="4" y="${y + 14}" font-size="11">${esc(t.name)}</text>`);
    p.push(
      `<line x1="${LABEL}" y1="${y + 9}" x2="${LABEL + w}" y2="${y + 9}" stroke="#ddd" stroke-dasharray="2,3"/>`,
    );
    for (const [a, b, kind] of t.waiting) {
      if (!vis(a, b)) continue;
      const xa = Math.max(x(a), LABEL);
      const xb = Math.min(x(b), LABEL + w);
      const [color, extra, hgt] = WAIT_STYLE[kind];
      p.push(
        `<rect class="wait ${kind}" data-start="${a}" data-end="${b}" x="${xa}" y="${y + 9 - hgt / 2}" width="${Math.max(xb - xa, 0.5)}" height="${hgt}" fill="${color}"${extra}><title>${esc(t.name)} ${WAIT_TEXT[kind]} ${a}–${b} µs</title></rect>`,
      );
    }
    for (const [a, b] of t.running) {
      if (!vis(a, b)) continue;
      const xa = Math.max(x(a), LABEL);
      const xb = Math.min(x(b), LABEL + w);
      p.push(
        `<rect class="run" data-start="${a}" data-end="${b}" x="${xa}" y="${y + 3}" width="${Math.max(xb - xa, 0.5)}" height="12" fill="#7fb0e0"><title>${esc(t.name)} running ${a}–${b} µs</title></rect>`,
      );
    }
    for (const [a, b, name] of t.entries) {
      if (!vis(a, b)) continue;
      const xa = Math.max(x(a), LABEL);
      p.push(
        `<rect class="entry" x="${xa}" y="${y + 5}" width="${Math.max(Math.min(x(b), LABEL + w) - xa, 0.5)}" height="8" fill="#1d3f66"><title>${esc(name)} ${a} µs</title></rect>`,
      );
    }
    if (t.budget.length > 0) {
      const max = Math.max(...t.budget.map((b) => b[1]), 1);
      const pts: string[] = [];
      let last = t.budget[0][1];
      pts.push(`${LABEL},${y + 32 - (last / max) * 14}`);
      for (const [ts, us] of t.budget) {
        if (ts < v0) {
          last = us;
          pts[0] = `${LABEL},${y + 32 - (last / max) * 14}`;
          continue;
        }
        if (ts > v1) break;
        pts.push(`${x(ts)},${y + 32 - (last / max) * 14}`, `${x(ts)},${y + 32 - (us / max) * 14}`);
        last = us;
      }
      pts.push(`${LABEL + w},${y + 32 - (last / max) * 14}`);
      p.push(
        `<polyline class="budget" points="${pts.join(" ")}" fill="none" stroke="#8a6fbf" stroke-width="1"><title>${esc(t.name)}: SC budget available (max ${max} µs)</title></polyline>`,
      );
    }
    for (const m of t.marks) {
      if (m.t < v0 || m.t > v1) continue;
      const c = m.kind === "fault" ? "#d02020" : "#e08a00";
      p.push(
        `<path class="mark ${m.kind}" d="M${x(m.t)},${y + 2} l-4,-6 h8 z" fill="${c}"><title>${esc(m.name)} at ${m.t} µs</title></path>`,
      );
    }
    p.push("</g>");
  });
  for (const f of d.flows) {
    const ra = rowOf.get(f.from[0]);
    const rb = rowOf.get(f.to[0]);
    if (
      ra === undefined ||
      rb === undefined ||
      !vis(Math.min(f.from[1], f.to[1]), Math.max(f.from[1], f.to[1]))
    )
      continue;
    const c = COLORS[f.kind] ?? "#555";
    p.push(
      `<line class="flow ${esc(f.kind)}" x1="${x(f.from[1])}" y1="${TOP + ra * ROW + 9}" x2="${x(f.to[1])}" y2="${TOP + rb * ROW + 9}" stroke="${c}" stroke-width="1" marker-end="url(#arrow)"><title>${esc(f.kind)}</title></line>`,
    );
  }
  p.push("</svg>");
  return p.join("");
}
