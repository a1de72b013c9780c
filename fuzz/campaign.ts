// One fuzzing campaign: boot a System with the invariant checker after every kernel entry, run the
// fuzzed world (world.ts) until N decisions (syscalls) have been handed out, and report either
// statistics or the failure: an invariant violation, a JavaScript exception out of the kernel, a
// user program error (a bug in the fuzzer's own user code), a stall, or a halt nobody asked for.
//
// Deterministic: the seed fixes the world's shape and the decision stream. In replay mode the
// decisions come from a list instead of the PRNG, which is how a failure is shrunk: dropping
// decisions from the list gives another valid run, since decisions do not depend on the state.

import { System } from "../src/system/system.ts";
import { IMAGE_PAGES } from "./layout.ts";
import { type Decision, genDecision } from "./ops.ts";
import { Rng } from "./prng.ts";
import { fuzzRoot, type Source, worldConfig } from "./world.ts";

export interface CampaignOptions {
  seed: number;
  /** Decisions to hand out (ignored in replay mode: the list's length counts). */
  syscalls: number;
  /** Replay these decisions instead of generating them. */
  replay?: readonly Decision[];
  /** Record the decisions (for shrinking); on by default. */
  record?: boolean;
  /** Called once the System exists, before boot (tests plant bugs through it). */
  onSystem?: (system: System) => void;
  /** Progress callback, every `progressEvery` decisions. */
  onProgress?: (consumed: number, system: System) => void;
  progressEvery?: number;
  /** Run the invariant checker after every kernel entry (default); off only to measure its cost. */
  check?: boolean;
}

export type FailureKind = "invariant" | "exception" | "user-error" | "stall" | "halt";

export interface Failure {
  kind: FailureKind;
  message: string;
  /** Decisions handed out when it happened. */
  at: number;
}

export interface CampaignResult {
  seed: number;
  failure: Failure | null;
  /** Decisions handed out (= syscalls issued by the workers). */
  syscalls: number;
  kernelEntries: number;
  ticks: number;
  wallMs: number;
  /** Invocation results by seL4_Error, and the counts of each operation and supervisor event. */
  errors: Map<number, number>;
  ops: Map<string, number>;
  events: Map<string, number>;
  /** The decisions handed out, in order, with the worker that took each. */
  decisions: Decision[];
  takenBy: number[];
}

/** After the last decision, workers compute a little before the run halts, so late effects show. */
const GRACE_DRAWS = 50;
const GRACE: Decision = { o: "Busy", a: [100] };

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export function runCampaign(opts: CampaignOptions): CampaignResult {
  const seed = opts.seed >>> 0;
  const root = new Rng(seed);
  const cfg = worldConfig(root.fork(1));
  const gen = root.fork(2);
  const replay = opts.replay;
  const limit = replay !== undefined ? replay.length : opts.syscalls;
  const record = opts.record !== false;
  const decisions: Decision[] = [];
  const takenBy: number[] = [];
  const errors = new Map<number, number>();
  const ops = new Map<string, number>();
  const events = new Map<string, number>();
  let consumed = 0;
  const perWorker: number[] = [];
  let grace = 0;
  let stalled: string | null = null;
  let userError: string | null = null;
  const every = opts.progressEvery ?? 0;
  let system: System | null = null;

  const src: Source = {
    next(w: number): Decision | null {
      if (consumed >= limit) return grace++ < GRACE_DRAWS ? GRACE : null;
      const d = replay !== undefined ? replay[consumed] : genDecision(gen);
      consumed++;
      if (w >= 0) perWorker[w] = (perWorker[w] ?? 0) + 1;
      if (record) {
        decisions.push(d);
        takenBy.push(w);
      }
      bump(ops, d.o);
      if (every > 0 && consumed % every === 0 && system !== null) opts.onProgress?.(consumed, system);
      return d;
    },
    get consumed() {
      return consumed;
    },
    takenBy(w: number): number {
      return perWorker[w] ?? 0;
    },
    result(_op: string, code: number): void {
      // (A Call that reached an endpoint answers with whatever label the receiver replied.)
      if (code >= 0 && code <= 10) bump(errors, code);
    },
    note(event: string): void {
      bump(events, event);
    },
    stalled(why: string): void {
      stalled = why;
    },
  };

  const start = performance.now();
  system = new System({
    checkInvariants: opts.check !== false,
    ramSize: 64 * 1024 * 1024,
    imagePages: IMAGE_PAGES,
    onConsole: () => undefined,
    onDiagnostic: (t) => {
      if (t.startsWith("user program error")) userError ??= t;
      else if (/^(cap fault|vm fault|unknown syscall|user exception|timeout)/.test(t))
        bump(events, "unhandled fault");
    },
  });
  opts.onSystem?.(system);
  let failure: Failure | null = null;
  try {
    system.boot(fuzzRoot(cfg, src));
    const r = system.run();
    if (r.reason === "invariant") failure = { kind: "invariant", message: r.message ?? "", at: consumed };
    else if (userError !== null) failure = { kind: "user-error", message: userError, at: consumed };
    else if (stalled !== null) failure = { kind: "stall", message: stalled, at: consumed };
    else if (r.reason !== "halt" || consumed < limit)
      failure = {
        kind: "halt",
        message: `run ended (${r.reason}) after ${consumed} of ${limit} decisions`,
        at: consumed,
      };
  } catch (e) {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    failure = { kind: "exception", message, at: consumed };
  }
  const k = system.kernel.state;
  return {
    seed,
    failure,
    syscalls: consumed,
    kernelEntries: k.entries,
    ticks: system.machine.clock.now,
    wallMs: performance.now() - start,
    errors,
    ops,
    events,
    decisions,
    takenBy,
  };
}

/** What makes two failures "the same" while shrinking: kind and message without numbers. */
export function failureSignature(f: Failure): string {
  const first = f.message.split("\n")[0];
  return `${f.kind}: ${first
    .replace(/0x[0-9a-f]+/gi, "#")
    .replace(/\d+/g, "#")
    .replace(/"[^"]*"/g, '"…"')}`;
}
