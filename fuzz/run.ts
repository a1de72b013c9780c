// The syscall fuzzer's command line: `npm run fuzz -- --syscalls N --seed S`.
//
//   --syscalls N     decisions (syscalls) to issue across all workers (default 20000)
//   --seed S         campaign seed (default 1); the same seed gives the same run
//   --seeds K        run K campaigns, seeds S .. S + K - 1
//   --replay FILE    replay a decision list (JSON, as written for a failure) with --seed
//   --shrink-time T  seconds to spend minimising a failure (default 60; 0 = do not shrink)
//   --quiet          no progress lines
//   --plant NAME     plant a kernel bug for the run (fuzz/plants.ts), to see the fuzzer find it
//   --no-check       without the invariant checker (only to measure what it costs)
//
// Exit status 0 when every campaign ran to the end with the invariants intact, 1 on a failure.

import { writeFileSync, readFileSync } from "node:fs";
import { type CampaignResult, failureSignature, runCampaign } from "./campaign.ts";
import { type Decision, formatDecision } from "./ops.ts";
import { type Plant, PLANTS } from "./plants.ts";
import { shrink } from "./shrink.ts";

const ERROR_NAMES = [
  "NoError",
  "InvalidArgument",
  "InvalidCapability",
  "IllegalOperation",
  "RangeError",
  "AlignmentError",
  "FailedLookup",
  "TruncatedMessage",
  "DeleteFirst",
  "RevokeFirst",
  "NotEnoughMemory",
];

interface Args {
  syscalls: number;
  seed: number;
  seeds: number;
  replay: string | null;
  shrinkTime: number;
  quiet: boolean;
  plant: Plant | undefined;
  check: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    syscalls: 20_000,
    seed: 1,
    seeds: 1,
    replay: null,
    shrinkTime: 60,
    quiet: false,
    plant: undefined,
    check: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    const num = (): number => {
      const x = Number(v());
      if (!Number.isSafeInteger(x) || x < 0) throw new Error(`${k} needs a non-negative integer`);
      return x;
    };
    if (k === "--syscalls") a.syscalls = num();
    else if (k === "--seed") a.seed = num();
    else if (k === "--seeds") a.seeds = Math.max(1, num());
    else if (k === "--replay") a.replay = v();
    else if (k === "--shrink-time") a.shrinkTime = num();
    else if (k === "--quiet") a.quiet = true;
    else if (k === "--no-check") a.check = false;
    else if (k === "--plant") {
      const name = v();
      a.plant = PLANTS[name];
      if (a.plant === undefined) throw new Error(`no plant ${name} (${Object.keys(PLANTS).join(", ")})`);
    } else throw new Error(`unknown option ${k}`);
  }
  return a;
}

function summary(r: CampaignResult): string {
  const secs = r.wallMs / 1000;
  const errs = [...r.errors]
    .sort((x, y) => x[0] - y[0])
    .map(([e, n]) => `${ERROR_NAMES[e] ?? e} ${n}`)
    .join(", ");
  const ev = [...r.events].map(([e, n]) => `${e} ${n}`).join(", ");
  return (
    `seed ${r.seed}: ${r.syscalls} syscalls, ${r.kernelEntries} kernel entries, ` +
    `${(r.ticks / 10_000).toFixed(1)} ms simulated, ${secs.toFixed(1)} s, ` +
    `${Math.round(r.syscalls / secs)} syscalls/s, ${Math.round(r.kernelEntries / secs)} entries/s\n` +
    `  invocation results: ${errs}\n  supervisor: ${ev}`
  );
}

function report(r: CampaignResult, args: Args): void {
  const f = r.failure;
  if (f === null) return;
  console.log(`\nFAILURE with seed ${r.seed} after ${f.at} syscalls: ${f.kind}\n${f.message}\n`);
  let list: Decision[] = r.decisions.slice(0, f.at);
  let takenBy = r.takenBy;
  if (args.shrinkTime > 0 && list.length > 0) {
    console.log(`shrinking ${list.length} decisions (up to ${args.shrinkTime} s) ...`);
    const s = shrink({
      seed: r.seed,
      decisions: list,
      signature: failureSignature(f),
      onSystem: args.plant,
      maxMs: args.shrinkTime * 1000,
      onStep: (n, runs) => {
        if (!args.quiet) console.log(`  ${n} decisions still fail (${runs} replays)`);
      },
    });
    if (s === null) {
      console.log("  the replay did not fail the same way; printing the whole list");
    } else {
      list = s.decisions;
      takenBy = s.result.takenBy;
      console.log(
        `  ${s.complete ? "minimal" : "reduced"}: ${list.length} decisions after ${s.runs} replays; ` +
          `it fails with: ${s.result.failure?.message.split("\n")[0] ?? ""}`,
      );
    }
  }
  const file = `fuzz-repro-${r.seed}.json`;
  writeFileSync(file, JSON.stringify(list) + "\n");
  console.log(`\nreproducer (${list.length} decisions; worker that took each in the shrunk run):`);
  const shown = list.length > 200 ? list.slice(list.length - 200) : list;
  if (shown.length < list.length)
    console.log(`  ... ${list.length - shown.length} earlier decisions in ${file}`);
  shown.forEach((d, i) => {
    const idx = list.length - shown.length + i;
    console.log(`  ${idx}: w${takenBy[idx] ?? "?"} ${formatDecision(d)}`);
  });
  const plant = Object.entries(PLANTS).find(([, p]) => p === args.plant)?.[0];
  console.log(
    `\nreproduce: npm run fuzz -- --seed ${r.seed} --replay ${file}${plant !== undefined ? ` --plant ${plant}` : ""}`,
  );
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const replay =
    args.replay !== null ? (JSON.parse(readFileSync(args.replay, "utf8")) as Decision[]) : undefined;
  let failed = false;
  const total = { syscalls: 0, ms: 0 };
  for (let s = 0; s < (replay !== undefined ? 1 : args.seeds); s++) {
    const seed = args.seed + s;
    const every = Math.max(1000, Math.round(args.syscalls / 10));
    const r = runCampaign({
      seed,
      syscalls: args.syscalls,
      replay,
      onSystem: args.plant,
      check: args.check,
      progressEvery: args.quiet ? 0 : every,
      onProgress: (n, system) =>
        console.log(`  seed ${seed}: ${n} syscalls, ${system.kernel.state.entries} kernel entries`),
    });
    console.log(summary(r));
    total.syscalls += r.syscalls;
    total.ms += r.wallMs;
    if (r.failure !== null) {
      failed = true;
      report(r, args);
      break;
    }
  }
  if (!failed && args.seeds > 1)
    console.log(
      `all ${args.seeds} campaigns passed: ${total.syscalls} syscalls, ` +
        `${Math.round(total.syscalls / (total.ms / 1000))} syscalls/s`,
    );
  return failed ? 1 : 0;
}

process.exitCode = main();
