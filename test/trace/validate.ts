// A structural validator for the Chrome trace-event JSON object format, as far as Perfetto and the
// legacy trace viewer rely on it: required fields per phase, per-track time order, B/E balance,
// X slices nested in their parents, every flow start matched by exactly one end, and names for
// every process and thread that has events. Returns the problems found (empty when valid).

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface ParsedTrace {
  events: Obj[];
  threadNames: Map<string, string>;
  processNames: Map<number, string>;
}

const PHASES = new Set(["B", "E", "X", "i", "I", "s", "t", "f", "M", "C"]);
const EPS = 1e-6;

function isObj(v: Json | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: Json | undefined): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

function isTime(v: Json | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

interface Open {
  name: string;
  end: number; // Infinity for a B slice
}

export function validateTrace(text: string): { problems: string[]; trace: ParsedTrace | null } {
  const problems: string[] = [];
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    return { problems: [`not JSON: ${String(e)}`], trace: null };
  }
  if (!isObj(root)) return { problems: ["the top level is not an object"], trace: null };
  const evs = root.traceEvents;
  if (!Array.isArray(evs)) return { problems: ["traceEvents is not an array"], trace: null };
  const unit = root.displayTimeUnit;
  if (unit !== undefined && unit !== "ms" && unit !== "ns")
    problems.push(`bad displayTimeUnit ${String(unit)}`);

  const events: Obj[] = [];
  const threadNames = new Map<string, string>();
  const processNames = new Map<number, string>();
  const stacks = new Map<string, Open[]>();
  const lastTs = new Map<string, number>();
  const usedTracks = new Set<string>();
  const usedPids = new Set<number>();
  const flowStarts = new Map<string, { ts: number; ends: number }>();
  const flowEnds: { key: string; ts: number; at: string }[] = [];

  const trackOf = (e: Obj): string => `${String(e.pid)}/${String(e.tid)}`;
  // Pops the X slices that have ended by `ts`.
  const settle = (stack: Open[], ts: number): void => {
    while (stack.length > 0 && stack[stack.length - 1].end <= ts + EPS) stack.pop();
  };

  evs.forEach((ev, i) => {
    const at = `event ${i}`;
    if (!isObj(ev)) {
      problems.push(`${at}: not an object`);
      return;
    }
    events.push(ev);
    const ph = ev.ph;
    if (typeof ph !== "string" || !PHASES.has(ph)) {
      problems.push(`${at}: unknown ph ${JSON.stringify(ph)}`);
      return;
    }
    if (typeof ev.name !== "string") problems.push(`${at} (${ph}): no name`);
    if (!isInt(ev.pid)) problems.push(`${at} (${ph}): pid is not an integer`);
    else usedPids.add(ev.pid);
    if (ev.args !== undefined && !isObj(ev.args)) problems.push(`${at}: args is not an object`);

    if (ph === "M") {
      const args = ev.args;
      if (ev.name === "process_name" || ev.name === "thread_name") {
        if (!isObj(args) || typeof args.name !== "string" || args.name === "")
          problems.push(`${at}: ${String(ev.name)} without args.name`);
        else if (ev.name === "process_name" && isInt(ev.pid)) processNames.set(ev.pid, args.name);
        else if (isInt(ev.tid)) threadNames.set(trackOf(ev), args.name);
        else problems.push(`${at}: thread_name without tid`);
      }
      return;
    }

    if (!isTime(ev.ts)) {
      problems.push(`${at} (${ph}): ts is not a non-negative number`);
      return;
    }
    const ts = ev.ts;
    if (ph === "C") {
      if (!isObj(ev.args) || Object.values(ev.args).some((v) => typeof v !== "number"))
        problems.push(`${at}: counter args must be numbers`);
      return;
    }
    if (ph === "i" || ph === "I") {
      const s = ev.s ?? "t";
      if (s !== "t" && s !== "p" && s !== "g") problems.push(`${at}: bad instant scope ${String(s)}`);
      if (s !== "t") return;
    }
    if (!isInt(ev.tid)) {
      problems.push(`${at} (${ph}): tid is not an integer`);
      return;
    }
    const track = trackOf(ev);
    usedTracks.add(track);
    const prev = lastTs.get(track) ?? 0;
    if (ts < prev - EPS) problems.push(`${at} (${ph}): ts ${ts} goes back on track ${track} (was ${prev})`);
    lastTs.set(track, Math.max(prev, ts));
    let stack = stacks.get(track);
    if (stack === undefined) {
      stack = [];
      stacks.set(track, stack);
    }
    settle(stack, ts);

    switch (ph) {
      case "B":
        stack.push({ name: String(ev.name), end: Infinity });
        break;
      case "E": {
        const top = stack[stack.length - 1];
        if (top === undefined || top.end !== Infinity) {
          problems.push(`${at}: E without an open B on track ${track}`);
          break;
        }
        if (ev.name !== undefined && ev.name !== top.name)
          problems.push(`${at}: E "${String(ev.name)}" closes B "${top.name}" on track ${track}`);
        stack.pop();
        break;
      }
      case "X": {
        if (!isTime(ev.dur)) {
          problems.push(`${at}: X without a non-negative dur`);
          break;
        }
        const end = ts + ev.dur;
        const top = stack[stack.length - 1];
        if (top !== undefined && end > top.end + EPS)
          problems.push(
            `${at}: X "${String(ev.name)}" ends after its parent "${top.name}" on track ${track}`,
          );
        stack.push({ name: String(ev.name), end });
        break;
      }
      case "s":
      case "t":
      case "f": {
        if (typeof ev.id !== "number" && typeof ev.id !== "string") {
          problems.push(`${at}: flow event without id`);
          break;
        }
        if (typeof ev.cat !== "string") problems.push(`${at}: flow event without cat`);
        const key = `${String(ev.cat)}|${String(ev.name)}|${String(ev.id)}`;
        if (stack.length === 0) problems.push(`${at}: flow ${ph} outside any slice on track ${track}`);
        if (ph === "s") {
          if (flowStarts.has(key)) problems.push(`${at}: flow ${key} starts twice`);
          flowStarts.set(key, { ts, ends: 0 });
        } else if (ph === "f") {
          flowEnds.push({ key, ts, at });
        }
        break;
      }
    }
  });

  for (const f of flowEnds) {
    const s = flowStarts.get(f.key);
    if (s === undefined) problems.push(`${f.at}: flow end ${f.key} without a start`);
    else {
      s.ends++;
      if (f.ts < s.ts - EPS) problems.push(`${f.at}: flow ${f.key} ends before it starts`);
    }
  }
  for (const [key, s] of flowStarts) if (s.ends !== 1) problems.push(`flow ${key} has ${s.ends} ends`);
  for (const [track, stack] of stacks)
    if (stack.some((o) => o.end === Infinity)) problems.push(`track ${track}: B without E at the end`);
  for (const track of usedTracks)
    if (!threadNames.has(track)) problems.push(`track ${track} has no thread_name`);
  for (const pid of usedPids) if (!processNames.has(pid)) problems.push(`process ${pid} has no process_name`);
  return { problems, trace: { events, threadNames, processNames } };
}

/** The flows of a trace as (name, from thread name, to thread name). */
export function flowsOf(t: ParsedTrace): { name: string; from: string; to: string }[] {
  const starts = new Map<string, string>();
  const out: { name: string; from: string; to: string }[] = [];
  const thread = (e: Obj): string => t.threadNames.get(`${String(e.pid)}/${String(e.tid)}`) ?? "?";
  for (const e of t.events)
    if (e.ph === "s") starts.set(`${String(e.cat)}|${String(e.name)}|${String(e.id)}`, thread(e));
  for (const e of t.events) {
    if (e.ph !== "f") continue;
    const from = starts.get(`${String(e.cat)}|${String(e.name)}|${String(e.id)}`) ?? "?";
    out.push({ name: String(e.name), from, to: thread(e) });
  }
  return out;
}
