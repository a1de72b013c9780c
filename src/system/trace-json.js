// @ts-check
// The text of a trace file (Chrome / Perfetto trace-event JSON) from its parts: the Tracer writes
// it at the end of a run, and the CLI writes it from the events streamed to it (TraceSink) when a
// run had to be ended by force. JavaScript without imports: the CLI's thread uses it without
// loading the TypeScript loader or the simulator.

/** The process of the thread tracks (a multicore trace adds one for the cores). */
export const TRACE_PID = 1;

/** What the trace says about itself (otherData). */
export const TRACE_CLOCK = "simulated: 10 MHz timer, 1 GHz core; ts in microseconds, 1 ns resolution";

/**
 * The metadata events naming a process and its thread tracks (sorted as given).
 * @param {number} pid
 * @param {string} processName
 * @param {readonly (readonly [number, string])[]} threads  [tid, name] of each thread track.
 * @returns {string[]}
 */
export function metaEvents(pid, processName, threads) {
  const meta = [JSON.stringify({ name: "process_name", ph: "M", pid, args: { name: processName } })];
  for (const [tid, name] of threads) {
    meta.push(
      JSON.stringify({ name: "thread_name", ph: "M", pid, tid, args: { name } }),
      JSON.stringify({ name: "thread_sort_index", ph: "M", pid, tid, args: { sort_index: tid } }),
    );
  }
  return meta;
}

/**
 * The trace document: the metadata events (metaEvents), then `body` (event objects as JSON text),
 * then otherData.
 * @param {readonly string[]} meta
 * @param {readonly string[]} body
 * @param {Record<string, unknown>} other
 * @returns {string}
 */
export function traceDocument(meta, body, other) {
  return (
    `{"traceEvents":[\n${[...meta, ...body].join(",\n")}\n],\n` +
    `"displayTimeUnit":"ns",\n"otherData":${JSON.stringify({ generator: "sel4ts", clock: TRACE_CLOCK, ...other })}}\n`
  );
}
