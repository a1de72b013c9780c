// @ts-check
// The trace of a run that had to be ended by force (a TypeScript loop without a system call, under
// --timeout or Ctrl-C): the worker streamed every event to the CLI's thread as it was recorded
// (TraceSink, the trace ring of channel.js), and this writes them as the trace file the run would
// have written, with the slices still open at that moment left open and otherData saying so.

import { writeFileSync } from "node:fs";
import { metaEvents, TRACE_PID, traceDocument } from "../system/trace-json.js";

/**
 * The events' `ts` (µs), to order them by time as the Tracer does.
 * @param {string} json
 */
function tsOf(json) {
  const m = /"ts":(-?[0-9.e+-]+)/.exec(json);
  return m !== null ? Number(m[1]) : 0;
}

/**
 * Write the trace held in `records` (the ring's bytes, in order) to `path`; returns the line for
 * stderr (written, or why not).
 * @param {string} path
 * @param {string} processName
 * @param {readonly Uint8Array[]} records
 * @returns {string}
 */
export function writeRescuedTrace(path, processName, records) {
  /** @type {Map<number, string>} */
  const threads = new Map();
  /** @type {string[]} */
  const events = [];
  const text = Buffer.concat(records).toString("utf8");
  for (const rec of text.split("\n")) {
    if (rec.startsWith("E")) events.push(rec.slice(1));
    else if (rec.startsWith("T")) {
      const sp = rec.indexOf(" ");
      try {
        threads.set(Number(rec.slice(1, sp)), String(JSON.parse(rec.slice(sp + 1))));
      } catch {
        // a record cut short: cannot happen with a whole ring, and a name is not worth failing for
      }
    }
  }
  const times = events.map(tsOf);
  const idx = events.map((_, i) => i);
  idx.sort((a, b) => times[a] - times[b] || a - b);
  try {
    writeFileSync(
      path,
      traceDocument(
        metaEvents(
          TRACE_PID,
          processName,
          [...threads].sort((a, b) => a[0] - b[0]),
        ),
        idx.map((i) => events[i]),
        { truncated: false, incomplete: "the run was ended by force; slices still open then have no end" },
      ),
    );
    return `sel4ts: trace ${path} holds the ${events.length} events recorded before the run was ended`;
  } catch (e) {
    return `sel4ts: cannot write trace ${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
