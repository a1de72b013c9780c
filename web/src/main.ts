// The playground page: pick an example or write a system, edit the SDF and the TypeScript PDs,
// run it in a worker, and see its console, its channels, its capabilities and its timeline.

import { EditorView, basicSetup } from "codemirror";
import { EditorState, type Extension } from "@codemirror/state";
import { xml } from "@codemirror/lang-xml";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { parseSdf, type SdfFileLookup } from "../../src/microkit/sdf.ts";
import type { SdfDiagnostic } from "../../src/microkit/sdf-model.ts";
import { systemToDot } from "../../src/viz/system-graph.ts";
import { renderSvg } from "../../src/viz/render.ts";
import { parseDuration } from "../../src/system/duration.ts";
import { EXAMPLES, type Example } from "./examples.ts";
import { decodeShare, encodeShare } from "./share.ts";
import { parseTrace, showTimeline } from "./timeline.ts";
import { resolvePath } from "./paths.ts";
import type { RunRequest, WorkerMessage } from "./protocol.ts";
import "./style.css";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

interface State {
  system: string;
  files: Record<string, string>;
  binaries: Record<string, string>;
  current: string;
}

const state: State = { system: "", files: {}, binaries: {}, current: "" };
const editorStates = new Map<string, EditorState>();
let view: EditorView;
let worker: Worker | null = null;
let lastTrace: string | null = null;

// ---- the SDF, checked as it is typed (the validator `sel4ts check` uses) ----

function lookup(p: string): SdfFileLookup {
  const full = resolvePath(state.system, p);
  if (full in state.binaries) return { found: true, bytes: new Uint8Array(0) };
  const t = state.files[full];
  return t !== undefined
    ? { found: true, bytes: new TextEncoder().encode(t) }
    : { found: false, reason: "missing" };
}

function checkSdf(text: string): { errors: SdfDiagnostic[]; warnings: SdfDiagnostic[] } {
  const r = parseSdf(text, { file: state.system, readFile: lookup });
  return { errors: r.ok ? [] : r.errors, warnings: r.warnings };
}

function showDiagnostics(list: SdfDiagnostic[]): void {
  const el = $("diagnostics");
  el.innerHTML = "";
  for (const d of list) {
    const li = document.createElement("li");
    li.dataset.line = String(d.line);
    li.textContent = `line ${d.line}:${d.col}: ${d.message}`;
    el.append(li);
  }
}

const sdfLinter = linter(
  (v) => {
    const text = v.state.doc.toString();
    const { errors, warnings } = checkSdf(text);
    showDiagnostics(errors);
    const out: Diagnostic[] = [];
    for (const [list, severity] of [
      [errors, "error"],
      [warnings, "warning"],
    ] as const) {
      for (const d of list) {
        const line = v.state.doc.line(Math.min(Math.max(d.line, 1), v.state.doc.lines));
        const from = Math.min(line.from + Math.max(d.col - 1, 0), line.to);
        out.push({ from, to: Math.max(from, line.to), severity, message: d.message });
      }
    }
    return out;
  },
  { delay: 250 },
);

// ---- editors ----

// TypeScript highlighting is loaded when the first TS file is opened (the page opens the SDF).
let tsLanguage: Extension | null = null;
async function typescriptLanguage(): Promise<Extension> {
  tsLanguage ??= (await import("@codemirror/lang-javascript")).javascript({ typescript: true });
  return tsLanguage;
}

function extensionsFor(path: string): Extension[] {
  const update = EditorView.updateListener.of((u) => {
    if (!u.docChanged) return;
    state.files[path] = u.state.doc.toString();
    if (path === state.system) scheduleChannels();
  });
  if (path.endsWith(".system")) return [basicSetup, xml(), lintGutter(), sdfLinter, update];
  return [basicSetup, tsLanguage ?? [], update];
}

async function openFile(path: string): Promise<void> {
  if (!path.endsWith(".system") && !(path in state.binaries)) await typescriptLanguage();
  if (view !== undefined && state.current !== "" && !(state.current in state.binaries)) {
    editorStates.set(state.current, view.state);
  }
  state.current = path;
  for (const b of $("files").querySelectorAll("button"))
    b.classList.toggle("active", b.dataset.path === path);
  if (path in state.binaries) {
    $("editor").innerHTML =
      `<p class="binary-note">${path}: a prebuilt RV64 ELF (C), run on the emulated hart.</p>`;
    return;
  }
  let st = editorStates.get(path);
  if (st === undefined) {
    st = EditorState.create({ doc: state.files[path], extensions: extensionsFor(path) });
    editorStates.set(path, st);
  }
  $("editor").innerHTML = "";
  view = new EditorView({ state: st, parent: $("editor") });
  if (!path.endsWith(".system")) showDiagnostics(checkSdf(state.files[state.system] ?? "").errors);
}

function load(system: string, files: Record<string, string>, binaries: Record<string, string>): void {
  state.system = system;
  state.files = { ...files };
  state.binaries = { ...binaries };
  state.current = "";
  editorStates.clear();
  const nav = $("files");
  nav.innerHTML = "";
  for (const p of [
    system,
    ...Object.keys(files)
      .filter((f) => f !== system)
      .sort(),
    ...Object.keys(binaries).sort(),
  ]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = p;
    b.dataset.path = p;
    if (p in binaries) b.classList.add("binary");
    b.onclick = () => void openFile(p);
    nav.append(b);
  }
  void openFile(system);
  $("console").textContent = "";
  $("caps").innerHTML = "<p>Run the system to see its capabilities.</p>";
  $("timeline").innerHTML = "<p>Run the system to see its timeline.</p>";
  lastTrace = null;
  ($("download-trace") as HTMLButtonElement).disabled = true;
  // Graphviz (WebAssembly) loads after the editors are up.
  setTimeout(() => void drawChannels(), 0);
}

// ---- pictures ----

let channelsTimer: number | undefined;
function scheduleChannels(): void {
  clearTimeout(channelsTimer);
  channelsTimer = window.setTimeout(() => void drawChannels(), 300);
}

async function drawChannels(): Promise<void> {
  const r = parseSdf(state.files[state.system] ?? "", { file: state.system, readFile: lookup });
  if (!r.ok) return; // keep the last good picture while the SDF has errors
  const svg = await renderSvg(systemToDot(r.system, { title: state.system }));
  $("channels").innerHTML = svg;
}

let capsPending: string | null = null;
let capsBusy = false;
async function drawCaps(dot: string): Promise<void> {
  capsPending = dot;
  if (capsBusy) return;
  capsBusy = true;
  while (capsPending !== null) {
    const d = capsPending;
    capsPending = null;
    $("caps").innerHTML = await renderSvg(d);
  }
  capsBusy = false;
}

function selectView(name: string): void {
  for (const b of $("views").querySelectorAll("button"))
    b.classList.toggle("active", b.dataset.view === name);
  for (const v of document.querySelectorAll(".view")) v.classList.toggle("active", v.id === name);
  if (name === "timeline" && lastTrace !== null && $("timeline").dataset.drawn !== "1") drawTimeline();
}

function drawTimeline(): void {
  if (lastTrace === null) return;
  const el = $("timeline");
  el.dataset.drawn = "1";
  showTimeline(el, parseTrace(lastTrace));
}

// ---- running ----

function setRunning(on: boolean): void {
  ($("run") as HTMLButtonElement).disabled = on;
  ($("stop") as HTMLButtonElement).disabled = !on;
}

async function run(): Promise<void> {
  stop("");
  $("status").dataset.state = "starting";
  const maxTicks = parseDuration(($("max-time") as HTMLInputElement).value);
  if (maxTicks === null) {
    $("status").textContent = "max time: a duration such as 500us, 10ms, 2s";
    return;
  }
  const binaries: Record<string, ArrayBuffer> = {};
  for (const [p, url] of Object.entries(state.binaries)) binaries[p] = await (await fetch(url)).arrayBuffer();
  $("console").textContent = "";
  $("timeline").dataset.drawn = "";
  lastTrace = null;
  ($("download-trace") as HTMLButtonElement).disabled = true;
  $("status").textContent = "running…";
  setRunning(true);
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker = w;
  w.onmessage = (e: MessageEvent<WorkerMessage>) => {
    if (worker !== w) return;
    const m = e.data;
    if (m.type === "console") {
      const c = $("console");
      c.textContent += m.text;
      c.scrollTop = c.scrollHeight;
    } else if (m.type === "caps") {
      void drawCaps(m.dot);
    } else if (m.type === "progress") {
      $("status").textContent = `running… ${(m.timeUs / 1000).toFixed(3)} ms simulated`;
    } else if (m.type === "error") {
      $("console").textContent += `${m.text}\n`;
      $("status").textContent = "failed";
      $("status").dataset.state = "error";
      finish();
    } else {
      $("status").textContent =
        `${m.reason} after ${(m.timeUs / 1000).toFixed(3)} ms simulated, ${m.kernelEntries} kernel entries (${m.wallMs.toFixed(0)} ms)`;
      $("status").dataset.state = "done";
      $("status").dataset.wallMs = String(m.wallMs);
      lastTrace = m.trace;
      ($("download-trace") as HTMLButtonElement).disabled = m.trace === null;
      if (document.getElementById("timeline")?.classList.contains("active")) drawTimeline();
      finish();
    }
  };
  w.onerror = (e) => {
    $("console").textContent += `worker error: ${e.message}\n`;
    finish();
  };
  $("status").dataset.state = "running";
  const req: RunRequest = {
    type: "run",
    system: state.system,
    files: state.files,
    binaries,
    maxTicks,
    trace: ($("record") as HTMLInputElement).checked,
  };
  w.postMessage(req, Object.values(binaries));
}

function finish(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
}

function stop(message = "stopped"): void {
  if (worker === null) return;
  finish();
  $("status").textContent = message;
  $("status").dataset.state = "stopped";
}

function downloadTrace(): void {
  if (lastTrace === null) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([lastTrace], { type: "application/json" }));
  a.download = `${state.system.replace(/\.system$/, "")}.trace.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function share(): void {
  const frag = encodeShare({
    system: state.system,
    files: state.files,
    binaries: state.binaries,
    maxTime: ($("max-time") as HTMLInputElement).value,
  });
  history.replaceState(null, "", `#${frag}`);
  const input = $("share-url") as HTMLInputElement;
  input.hidden = false;
  input.value = location.href;
  input.select();
  void navigator.clipboard?.writeText(location.href).catch(() => undefined);
}

// ---- start ----

function init(): void {
  const diag = document.createElement("ul");
  diag.id = "diagnostics";
  $("editor").after(diag);
  const sel = $("example") as HTMLSelectElement;
  for (const ex of EXAMPLES) sel.append(new Option(ex.name, ex.name));
  const byName = new Map<string, Example>(EXAMPLES.map((e) => [e.name, e]));
  sel.onchange = () => {
    const ex = byName.get(sel.value);
    if (ex === undefined) return;
    history.replaceState(null, "", location.pathname + location.search);
    ($("max-time") as HTMLInputElement).value = "1s";
    load(ex.system, ex.files, ex.binaries);
  };
  $("run").onclick = () => void run();
  $("stop").onclick = () => stop();
  $("share").onclick = share;
  $("download-trace").onclick = downloadTrace;
  for (const b of $("views").querySelectorAll("button"))
    (b as HTMLButtonElement).onclick = () => selectView((b as HTMLButtonElement).dataset.view ?? "channels");
  const shared = decodeShare(location.hash);
  if (shared !== null) {
    sel.value = "";
    if (shared.maxTime !== undefined) ($("max-time") as HTMLInputElement).value = shared.maxTime;
    load(shared.system, shared.files, shared.binaries);
  } else {
    const first = EXAMPLES[0];
    sel.value = first.name;
    load(first.system, first.files, first.binaries);
  }
  document.body.dataset.readyMs = performance.now().toFixed(0);
  document.body.dataset.ready = "1";
}

init();
