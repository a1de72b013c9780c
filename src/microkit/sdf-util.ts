// Shared helpers of the SDF parser: the error type, attribute access with the Microkit tool's
// messages, and the tool's number and boolean syntaxes.

import type { SdfLocation, SdfSetVar } from "./sdf-model.ts";
import type { XmlElement } from "./sdf-xml.ts";

/** A validation failure at a position; caught by parseSdf and turned into a diagnostic. */
export class SdfError extends Error {
  readonly loc: SdfLocation;
  constructor(message: string, loc: SdfLocation) {
    super(message);
    this.name = "SdfError";
    this.loc = { line: loc.line, col: loc.col };
  }
}

export function locOf(el: XmlElement): SdfLocation {
  return { line: el.line, col: el.col };
}

export function fail(message: string, at: SdfLocation): never {
  throw new SdfError(message, { line: at.line, col: at.col });
}

/** A problem with an element's value: "<message> on element '<tag>'", located at the element. */
export function valueError(el: XmlElement, message: string): never {
  return fail(`${message} on element '${el.name}'`, el);
}

/** Rejects any attribute not in the allow-list (namespace declarations are not attributes). */
export function checkAttributes(el: XmlElement, allowed: readonly string[]): void {
  for (const a of el.attributes) {
    if (a.name === "xmlns" || a.name.startsWith("xmlns:")) continue;
    if (!allowed.includes(a.name)) valueError(el, `invalid attribute '${a.name}'`);
  }
}

export function optionalAttr(el: XmlElement, name: string): string | undefined {
  for (const a of el.attributes) if (a.name === name) return a.value;
  return undefined;
}

export function requiredAttr(el: XmlElement, name: string): string {
  const v = optionalAttr(el, name);
  if (v === undefined) fail(`Missing required attribute '${name}' on element '${el.name}'`, el);
  return v;
}

export const U64_MAX = (1n << 64n) - 1n;
export const I64_MAX = (1n << 63n) - 1n;
export const I64_MIN = -(1n << 63n);

/**
 * Parses digits the way Rust's integer parsing does, returning the value or the reason it failed
 * (Rust's own wording, which the Microkit tool passes through).
 */
function parseDigits(s: string, radix: 10 | 16, signed: boolean): bigint | string {
  if (s === "") return "cannot parse integer from empty string";
  let body = s;
  let negative = false;
  if (body[0] === "+" || (signed && body[0] === "-")) {
    negative = body[0] === "-";
    body = body.slice(1);
    if (body === "") return "invalid digit found in string";
  }
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/;
  if (!re.test(body)) return "invalid digit found in string";
  const magnitude = BigInt(radix === 16 ? `0x${body}` : body);
  const value = negative ? -magnitude : magnitude;
  if (signed) {
    if (value > I64_MAX) return "number too large to fit in target type";
    if (value < I64_MIN) return "number too small to fit in target type";
  } else if (value > U64_MAX) {
    return "number too large to fit in target type";
  }
  return value;
}

/**
 * The tool's general number syntax (sdf_parse_number): '_' characters are ignored, a leading
 * lowercase "0x" selects hexadecimal, anything else is decimal; the value is an unsigned 64-bit
 * integer.
 */
export function parseSdfNumber(s: string, el: XmlElement): bigint {
  const cleaned = s.replace(/_/g, "");
  const hex = cleaned.startsWith("0x");
  const r = parseDigits(hex ? cleaned.slice(2) : cleaned, hex ? 16 : 10, false);
  if (typeof r === "string") fail(`failed to parse integer '${s}' on element '${el.name}': ${r}`, el);
  return r;
}

/**
 * A plain decimal integer (no '_', no "0x"), as the tool reads irq and channel-end ids and irq
 * numbers. The tool panics on a malformed value; here it is an ordinary error.
 */
export function parseDecimal(s: string, el: XmlElement, signed: boolean): bigint {
  const r = parseDigits(s, 10, signed);
  if (typeof r === "string") fail(`failed to parse integer '${s}' on element '${el.name}': ${r}`, el);
  return r;
}

/** A channel/IRQ id: decimal, 0..=61. */
export function parseChannelId(el: XmlElement, maxId: number): number {
  const id = parseDecimal(requiredAttr(el, "id"), el, true);
  if (id > BigInt(maxId)) valueError(el, `id must be < ${maxId + 1}`);
  if (id < 0n) valueError(el, "id must be >= 0");
  return Number(id);
}

/** An optional boolean attribute: exactly "true" or "false". */
export function boolAttr(el: XmlElement, name: string, dflt: boolean): boolean {
  const v = optionalAttr(el, name);
  if (v === undefined) return dflt;
  if (v === "true") return true;
  if (v === "false") return false;
  return valueError(el, `${name} must be 'true' or 'false'`);
}

/** A bigint known to be small enough (checked by the caller) as a number. */
export function small(v: bigint): number {
  return Number(v);
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** Adds a setvar to a PD's list; a symbol may be written only once per PD. */
export function addSetVar(setvars: SdfSetVar[], setvar: SdfSetVar, el: XmlElement): void {
  if (setvars.some((s) => s.symbol === setvar.symbol)) {
    valueError(el, `setvar on symbol '${setvar.symbol}' already exists`);
  }
  setvars.push(setvar);
}
