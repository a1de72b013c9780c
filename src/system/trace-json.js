// @ts-check
// The text of a trace file (Chrome / Perfetto trace-event JSON) from its parts: the Tracer writes
// it at the end of a run, and the CLI writes it from the events streamed to it (TraceSink) when a
// run had to be ended by force. JavaScript without imports: the CLI's thread uses it without
// loading the TypeScript loader or the simulator.

/** The trace's one process. */
export const TRACE_PID = 1;

/** What the trace says about itself (otherData). */
export const TRACE_CLOCK = "simulated: 10 MHz timer, 1 GHz core; ts in microseconds, 1 ns resolution";

/**
 * The trace document: the process and thread names (as metadata events), then `body` (event
 * objects as JSON text), then otherData.
 * @param {string} processName
 * @param {readonly (readonly [number, string])[]} threads  [tid, name] of each thread track.
 * @param {readonly string[]} body
 * @param {Record<string, unknown>} other
 * @returns {string}
 */
export function traceDocument(processName, threads, body, other) {
  const meta = [
    JSON.stringify({ name: "process_name", ph: "M", pid: TRACE_PID, args: { name: processName } }),
  ];
  for (const [tid, name] of threads) {
    meta.push(
      JSON.stringify({ name: "thread_name", ph: "M", pid: TRACE_PID, tid, args: { name } }),
      JSON.stringify({ name: "thread_sort_index", ph: "M", pid: TRACE_PID, tid, args: { sort_index: tid } }),
    );
  }
  return (
    `{"traceEvents":[\n${[...meta, ...body].join(",\n")}\n],\n` +
    `"displayTimeUnit":"ns",\n"otherData":${JSON.stringify({ generator: "sel4ts", clock: TRACE_CLOCK, ...other })}}\n`
  );
}
