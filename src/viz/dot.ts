// Small helpers for writing Graphviz DOT text (the exchange format every picture here uses; the
// layout and drawing are Graphviz's, see render.ts).

/** A DOT double-quoted string (ids and attribute values). */
export function q(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** An attribute list `[k="v", ...]`; undefined values are left out. */
export function attrs(a: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(a)) if (v !== undefined) parts.push(`${k}=${q(String(v))}`);
  return parts.length > 0 ? ` [${parts.join(", ")}]` : "";
}

/** A byte count as people write it: 4 KiB, 2 MiB, 0x1234 bytes otherwise. */
export function sizeText(bytes: bigint | number): string {
  const b = BigInt(bytes);
  if (b !== 0n && b % (1n << 20n) === 0n) return `${b >> 20n} MiB`;
  if (b !== 0n && b % (1n << 10n) === 0n) return `${b >> 10n} KiB`;
  return `${b} B`;
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** Fill colours for domains / groups, picked by index (a qualitative palette, readable on white). */
const PALETTE = ["#dbe9f6", "#fde2c8", "#d9f0d3", "#f6d5e5", "#e6e0f3", "#fff2b3", "#d5eeee", "#eee0d0"];
export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
