// Shrinking a failing decision list by delta debugging (ddmin): try the list without one chunk at
// a time, keep any smaller list that still fails the same way (same failure signature), and halve
// the chunk size when no chunk can go. Every try is a deterministic replay of the same seed.

import { type CampaignResult, failureSignature, runCampaign } from "./campaign.ts";
import type { Decision } from "./ops.ts";
import type { System } from "../src/system/system.ts";

export interface ShrinkOptions {
  seed: number;
  decisions: readonly Decision[];
  /** The failure to preserve (failureSignature of the original). */
  signature: string;
  /** Give up after this many replays or this much wall time, keeping the best list so far. */
  maxRuns?: number;
  maxMs?: number;
  onStep?: (size: number, runs: number) => void;
  /** Passed on to every replay (see CampaignOptions). */
  onSystem?: (system: System) => void;
}

export interface ShrinkResult {
  decisions: Decision[];
  result: CampaignResult;
  runs: number;
  /** Whether ddmin reached a 1-minimal list (false: the budget ran out first). */
  complete: boolean;
}

export function shrink(opts: ShrinkOptions): ShrinkResult | null {
  const maxRuns = opts.maxRuns ?? 400;
  const deadline = performance.now() + (opts.maxMs ?? 60_000);
  let runs = 0;
  const fails = (list: readonly Decision[], record = false): CampaignResult | null => {
    runs++;
    const r = runCampaign({
      seed: opts.seed,
      syscalls: list.length,
      replay: list,
      record,
      onSystem: opts.onSystem,
    });
    return r.failure !== null && failureSignature(r.failure) === opts.signature ? r : null;
  };

  // The failure happened at the last decision handed out, at the latest: nothing after matters.
  let best = opts.decisions.slice();
  let bestResult = fails(best);
  if (bestResult === null) return null;
  best = best.slice(0, Math.max(1, bestResult.failure?.at ?? best.length));

  let n = 2;
  let complete = false;
  while (best.length >= 1) {
    if (runs >= maxRuns || performance.now() > deadline) break;
    const chunk = Math.ceil(best.length / n);
    let reduced = false;
    for (let start = 0; start < best.length; start += chunk) {
      if (runs >= maxRuns || performance.now() > deadline) break;
      const candidate = best.slice(0, start).concat(best.slice(start + chunk));
      if (candidate.length === 0) continue;
      const r = fails(candidate);
      if (r !== null) {
        best = candidate.slice(0, Math.max(1, r.failure?.at ?? candidate.length));
        bestResult = r;
        reduced = true;
        opts.onStep?.(best.length, runs);
        break;
      }
    }
    if (reduced) {
      n = Math.max(n - 1, 2);
    } else {
      if (chunk === 1) {
        complete = true;
        break;
      }
      n = Math.min(n * 2, best.length);
    }
  }
  // Once more with the decisions recorded, for the listing of which worker took each.
  const final = fails(best, true) ?? bestResult;
  return { decisions: best, result: final, runs, complete };
}
