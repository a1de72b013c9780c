// Durations as people write them ("500us", "10ms", "2s") as timer ticks at 10 MHz: the CLI's
// --max-time and the playground's max time field.

const UNIT_TICKS: Record<string, number> = { ns: 0.01, us: 10, ms: 10_000, s: 10_000_000 };

export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s)$/.exec(text.trim());
  if (m === null) return null;
  const ticks = Math.round(Number(m[1]) * UNIT_TICKS[m[2]]);
  return Number.isFinite(ticks) ? ticks : null;
}
