// The playground's timeline view: src/viz/timeline.ts drawn for a window of time that the wheel
// zooms around the pointer, dragging pans, and a double click resets.

import { LABEL, timelineSvg, type TimelineData } from "../../src/viz/timeline.ts";

export { parseTrace } from "../../src/viz/timeline.ts";

/** Draw `d` into `el`, zoomable (wheel), pannable (drag), reset by a double click. */
export function showTimeline(el: HTMLElement, d: TimelineData): void {
  let v0 = 0;
  let v1 = d.end;
  const draw = (): void => {
    const width = Math.max(el.clientWidth - 16, 600);
    el.innerHTML =
      `<p class="hint">${d.tracks.length} threads · ${+(v1 - v0).toFixed(3)} µs shown · wheel to zoom, drag to pan, double-click to reset</p>` +
      `<p class="hint legend"><span style="background:#7fb0e0"></span>running (dark: in the kernel) <span style="background:#b8b8b8"></span>blocked <span style="background:#f2c14e"></span>ready <span style="background:#e8792b"></span>waiting for a refill <span style="background:#8a6fbf;height:2px"></span>SC budget · arrows: IPC (blue), reply (purple), signal (green) · ▼ fault (red), SC event (orange)</p>` +
      timelineSvg(d, v0, v1, width);
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
