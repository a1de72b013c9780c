// The MCS timeline: a track per thread from the same events the Perfetto tracer writes
// (src/system/trace.ts): when the thread ran (and its kernel entries inside), its scheduling
// context's available budget draining and refilling, IPC and signal arrows between tracks, faults
// and SC events marked. Wheel zooms around the pointer, dragging pans, a double click shows it all.

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

export interface Track {
  tid: number;
  name: string;
  running: [number, number][];
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
      t = { tid, name: `thread ${tid}`, running: [], entries: [], marks: [], budget: [] };
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
  const list = [...tracks.values()].filter((t) => t.running.length > 0 || t.marks.length > 0);
  return { tracks: list, flows, end: Math.max(end, 1) };
}

const LABEL = 120;
const ROW = 38;
const TOP = 26;
const COLORS: Record<string, string> = {
  send: "#1f5fa8",
  call: "#1f5fa8",
  reply: "#6a3d9a",
  signal: "#2d7a2d",
  fault: "#b03030",
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
      `<line x1="${LABEL}" y1="${y + 9}" x2="${LABEL + w}" y2="${y + 9}" stroke="#ccc" stroke-dasharray="2,3"/>`,
    );
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

/** Draw `d` into `el`, zoomable (wheel), pannable (drag), reset by a double click. */
export function showTimeline(el: HTMLElement, d: TimelineData): void {
  let v0 = 0;
  let v1 = d.end;
  const draw = (): void => {
    const width = Math.max(el.clientWidth - 16, 600);
    el.innerHTML = `<p class="hint">${d.tracks.length} threads · ${+(v1 - v0).toFixed(3)} µs shown · wheel to zoom, drag to pan, double-click to reset</p>${timelineSvg(d, v0, v1, width)}`;
  };
  const timeAt = (clientX: number): number => {
    const svg = el.querySelector("svg");
    if (svg === null) return v0;
    const r = svg.getBoundingClientRect();
    const w = Math.max(r.width - LABEL - 10, 200);
    return v0 + ((clientX - r.left - LABEL) / w) * (v1 - v0);
  };
  el.onwheel = (e) => {
    e.preventDefault();
    const t = Math.min(Math.max(timeAt(e.clientX), v0), v1);
    const k = e.deltaY < 0 ? 0.8 : 1.25;
    v0 = Math.max(0, t - (t - v0) * k);
    v1 = Math.min(d.end, t + (v1 - t) * k);
    if (v1 - v0 < 0.01) v1 = v0 + 0.01;
    draw();
  };
  let drag: { x: number; a: number; b: number } | null = null;
  el.onmousedown = (e) => {
    drag = { x: e.clientX, a: v0, b: v1 };
  };
  el.onmousemove = (e) => {
    if (drag === null) return;
    const svg = el.querySelector("svg");
    const w = Math.max((svg?.getBoundingClientRect().width ?? 800) - LABEL - 10, 200);
    const dt = ((drag.x - e.clientX) / w) * (drag.b - drag.a);
    const span = drag.b - drag.a;
    v0 = Math.min(Math.max(0, drag.a + dt), d.end - span);
    v1 = v0 + span;
    draw();
  };
  el.onmouseup = () => {
    drag = null;
  };
  el.ondblclick = () => {
    v0 = 0;
    v1 = d.end;
    draw();
  };
  draw();
}
