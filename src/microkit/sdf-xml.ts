// A small, dependency-free XML parser for system description files. It builds an element tree in
// which every element, attribute and text run carries its 1-based line and column (columns count
// Unicode code points, as a text editor does). Malformed input raises XmlSyntaxError with the
// position of the offending character; nothing else escapes.
//
// Supported: the XML declaration and other processing instructions, comments, a DOCTYPE (skipped;
// it may not declare entities that are then used), elements and attributes, CDATA sections (their
// content becomes text), the five predefined entities and numeric character references. Line
// endings are normalised (CRLF and CR become LF) and attribute values are normalised as XML
// requires (literal tab, CR and LF become spaces).

export interface XmlPosition {
  line: number;
  col: number;
}

export interface XmlAttribute extends XmlPosition {
  name: string;
  value: string;
}

export interface XmlText extends XmlPosition {
  kind: "text";
  /** The text with entities expanded (CDATA content included as is). */
  value: string;
}

export interface XmlElement extends XmlPosition {
  kind: "element";
  /** The tag name as written (a namespace prefix, if any, is kept). */
  name: string;
  attributes: XmlAttribute[];
  /** Child elements and text runs in document order (comments and PIs are dropped). */
  children: XmlNode[];
}

export type XmlNode = XmlElement | XmlText;

export class XmlSyntaxError extends Error {
  readonly line: number;
  readonly col: number;
  constructor(message: string, pos: XmlPosition) {
    super(message);
    this.name = "XmlSyntaxError";
    this.line = pos.line;
    this.col = pos.col;
  }
}

/** The attribute's value, or undefined when absent. */
export function xmlAttr(el: XmlElement, name: string): string | undefined {
  for (const a of el.attributes) if (a.name === name) return a.value;
  return undefined;
}

/** The child elements of an element, in order. */
export function xmlChildElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.kind === "element") out.push(c);
  return out;
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isNameStart(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    c === 0x5f ||
    c === 0x3a ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)
  );
}

function isNameChar(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return isNameStart(ch) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7;
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n";
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return "end of input";
  if (ch === "\n") return "a line break";
  if (ch === "\t") return "a tab";
  return `'${ch}'`;
}

class Cursor {
  /** The document as an array of code points (strings of one code point), line endings normalised. */
  private readonly chars: string[];
  private pos = 0;
  private line = 1;
  private col = 1;

  constructor(text: string) {
    const normalised = text.replace(/\r\n?/g, "\n");
    this.chars = Array.from(normalised.startsWith("\ufeff") ? normalised.slice(1) : normalised);
  }

  get eof(): boolean {
    return this.pos >= this.chars.length;
  }

  here(): XmlPosition {
    return { line: this.line, col: this.col };
  }

  peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  startsWith(s: string): boolean {
    // The strings looked for are ASCII, one code point per UTF-16 unit.
    for (let i = 0; i < s.length; i++) if (this.chars[this.pos + i] !== s[i]) return false;
    return true;
  }

  next(): string {
    const ch = this.chars[this.pos];
    if (ch === undefined) throw new XmlSyntaxError("unexpected end of input", this.here());
    const c = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(c)) {
      throw new XmlSyntaxError(
        `character U+${c.toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`,
        this.here(),
      );
    }
    this.pos++;
    if (ch === "\n") {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return ch;
  }

  skip(s: string): void {
    for (let i = 0; i < s.length; i++) this.next();
  }

  expect(s: string, context: string): void {
    if (!this.startsWith(s)) {
      throw new XmlSyntaxError(`expected '${s}' ${context}, found ${describe(this.peek())}`, this.here());
    }
    this.skip(s);
  }

  skipSpace(): boolean {
    let any = false;
    while (!this.eof && isSpace(this.peek() ?? "")) {
      this.next();
      any = true;
    }
    return any;
  }
}

function parseName(cur: Cursor, what: string): string {
  const first = cur.peek();
  if (first === undefined || !isNameStart(first)) {
    throw new XmlSyntaxError(`expected ${what}, found ${describe(first)}`, cur.here());
  }
  let name = "";
  while (!cur.eof && isNameChar(cur.peek() ?? "")) name += cur.next();
  return name;
}

/** Reads an entity or character reference; the cursor is on '&'. */
function parseReference(cur: Cursor): string {
  const start = cur.here();
  cur.next(); // '&'
  let body = "";
  while (!cur.eof && cur.peek() !== ";" && body.length < 32) {
    const ch = cur.peek() ?? "";
    if (isSpace(ch) || ch === "<" || ch === "&" || ch === '"' || ch === "'") break;
    body += cur.next();
  }
  if (cur.peek() !== ";") {
    throw new XmlSyntaxError(
      body === ""
        ? "a bare '&' must be written as '&amp;'"
        : `entity reference '&${body}' is not terminated by ';'`,
      start,
    );
  }
  cur.next(); // ';'
  if (body.startsWith("#")) {
    const hex = body.startsWith("#x");
    const digits = body.slice(hex ? 2 : 1);
    const ok = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
    const code = ok ? parseInt(digits, hex ? 16 : 10) : NaN;
    if (!ok || !isXmlChar(code)) {
      throw new XmlSyntaxError(`invalid character reference '&${body};'`, start);
    }
    return String.fromCodePoint(code);
  }
  const v = PREDEFINED[body];
  if (v === undefined) throw new XmlSyntaxError(`unknown entity '&${body};'`, start);
  return v;
}

function parseComment(cur: Cursor): void {
  const start = cur.here();
  cur.skip("<!--");
  for (;;) {
    if (cur.eof) throw new XmlSyntaxError("comment is never closed (missing '-->')", start);
    if (cur.startsWith("--")) {
      if (cur.startsWith("-->")) {
        cur.skip("-->");
        return;
      }
      throw new XmlSyntaxError("'--' is not allowed inside a comment", cur.here());
    }
    cur.next();
  }
}

function parsePI(cur: Cursor, atDocumentStart: boolean): void {
  const start = cur.here();
  cur.skip("<?");
  const target = parseName(cur, "a processing instruction target");
  if (target.toLowerCase() === "xml" && !atDocumentStart) {
    throw new XmlSyntaxError("the XML declaration is only allowed at the very start of the document", start);
  }
  for (;;) {
    if (cur.eof)
      throw new XmlSyntaxError(`processing instruction '${target}' is never closed (missing '?>')`, start);
    if (cur.startsWith("?>")) {
      cur.skip("?>");
      return;
    }
    cur.next();
  }
}

function parseDoctype(cur: Cursor): void {
  const start = cur.here();
  cur.skip("<!DOCTYPE");
  let depth = 0;
  let quote: string | null = null;
  for (;;) {
    if (cur.eof) throw new XmlSyntaxError("DOCTYPE declaration is never closed", start);
    const ch = cur.next();
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "[") {
      depth++;
    } else if (ch === "]") {
      depth--;
    } else if (ch === ">" && depth <= 0) {
      return;
    }
  }
}

function parseCData(cur: Cursor): XmlText {
  const start = cur.here();
  cur.skip("<![CDATA[");
  let value = "";
  for (;;) {
    if (cur.eof) throw new XmlSyntaxError("CDATA section is never closed (missing ']]>')", start);
    if (cur.startsWith("]]>")) {
      cur.skip("]]>");
      return { kind: "text", value, ...start };
    }
    value += cur.next();
  }
}

function parseAttributeValue(cur: Cursor): string {
  const quote = cur.peek();
  if (quote !== '"' && quote !== "'") {
    throw new XmlSyntaxError(`attribute value must be quoted, found ${describe(quote)}`, cur.here());
  }
  const start = cur.here();
  cur.next();
  let value = "";
  for (;;) {
    const ch = cur.peek();
    if (ch === undefined) throw new XmlSyntaxError("attribute value is never closed", start);
    if (ch === quote) {
      cur.next();
      return value;
    }
    if (ch === "<") throw new XmlSyntaxError("'<' is not allowed in an attribute value", cur.here());
    if (ch === "&") {
      value += parseReference(cur);
    } else {
      cur.next();
      value += ch === "\t" || ch === "\n" ? " " : ch;
    }
  }
}

/** Parses a start tag; the cursor is on '<'. Returns the element and whether it was self-closing. */
function parseStartTag(cur: Cursor): { el: XmlElement; empty: boolean } {
  const pos = cur.here();
  cur.next(); // '<'
  const name = parseName(cur, "an element name after '<'");
  const el: XmlElement = { kind: "element", name, attributes: [], children: [], ...pos };
  for (;;) {
    const hadSpace = cur.skipSpace();
    const ch = cur.peek();
    if (ch === "/") {
      cur.next();
      cur.expect(">", `to end the empty element '${name}'`);
      return { el, empty: true };
    }
    if (ch === ">") {
      cur.next();
      return { el, empty: false };
    }
    if (ch === undefined) throw new XmlSyntaxError(`start tag of '${name}' is never closed`, pos);
    if (!hadSpace) {
      throw new XmlSyntaxError(
        `expected whitespace, '>' or '/>' in the tag of '${name}', found ${describe(ch)}`,
        cur.here(),
      );
    }
    const apos = cur.here();
    const aname = parseName(cur, `an attribute name or '>' in the tag of '${name}'`);
    cur.skipSpace();
    cur.expect("=", `after attribute '${aname}'`);
    cur.skipSpace();
    const value = parseAttributeValue(cur);
    if (el.attributes.some((a) => a.name === aname)) {
      throw new XmlSyntaxError(`duplicate attribute '${aname}' on element '${name}'`, apos);
    }
    el.attributes.push({ name: aname, value, ...apos });
  }
}

/** Parses an XML document and returns its root element. Throws XmlSyntaxError when malformed. */
export function parseXml(text: string): XmlElement {
  const cur = new Cursor(text);
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  let textRun: XmlText | null = null;
  let first = true;

  const addText = (ch: string, pos: XmlPosition): void => {
    if (textRun === null) textRun = { kind: "text", value: "", ...pos };
    textRun.value += ch;
  };
  const flushText = (): void => {
    const run = textRun;
    textRun = null;
    if (run === null) return;
    const parent = stack[stack.length - 1];
    if (parent !== undefined) {
      parent.children.push(run);
    } else if (run.value.trim() !== "") {
      const offset = run.value.length - run.value.trimStart().length;
      const lead = run.value.slice(0, offset);
      const nl = lead.lastIndexOf("\n");
      const pos =
        nl < 0
          ? { line: run.line, col: run.col + Array.from(lead).length }
          : { line: run.line + lead.split("\n").length - 1, col: Array.from(lead.slice(nl + 1)).length + 1 };
      throw new XmlSyntaxError(
        root === null
          ? "text is not allowed before the root element"
          : "text is not allowed after the root element",
        pos,
      );
    }
  };

  while (!cur.eof) {
    const atStart = first;
    first = false;
    const ch = cur.peek();
    if (ch !== "<" && ch !== "&") {
      const pos = cur.here();
      addText(cur.next(), pos);
      continue;
    }
    if (ch === "&") {
      const pos = cur.here();
      if (stack.length === 0)
        throw new XmlSyntaxError("a reference is not allowed outside the root element", pos);
      const v = parseReference(cur);
      for (const c of v) addText(c, pos);
      continue;
    }
    flushText();
    if (cur.startsWith("<!--")) {
      parseComment(cur);
    } else if (cur.startsWith("<?")) {
      parsePI(cur, atStart);
    } else if (cur.startsWith("<![CDATA[")) {
      const pos = cur.here();
      const parent = stack[stack.length - 1];
      if (parent === undefined)
        throw new XmlSyntaxError("a CDATA section is not allowed outside the root element", pos);
      parent.children.push(parseCData(cur));
    } else if (cur.startsWith("<!DOCTYPE")) {
      if (root !== null || stack.length > 0) {
        throw new XmlSyntaxError("a DOCTYPE declaration must come before the root element", cur.here());
      }
      parseDoctype(cur);
    } else if (cur.peek(1) === "/") {
      const pos = cur.here();
      cur.skip("</");
      const name = parseName(cur, "an element name after '</'");
      cur.skipSpace();
      cur.expect(">", `to end the closing tag '</${name}'`);
      const open = stack.pop();
      if (open === undefined)
        throw new XmlSyntaxError(`closing tag '</${name}>' has no matching start tag`, pos);
      if (open.name !== name) {
        throw new XmlSyntaxError(
          `closing tag '</${name}>' does not match start tag '<${open.name}>' at ${open.line}:${open.col}`,
          pos,
        );
      }
    } else {
      const pos = cur.here();
      if (root !== null && stack.length === 0) {
        throw new XmlSyntaxError("only one root element is allowed", pos);
      }
      const { el, empty } = parseStartTag(cur);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.children.push(el);
      else root = el;
      if (!empty) stack.push(el);
    }
  }
  flushText();
  const open = stack[stack.length - 1];
  if (open !== undefined) {
    throw new XmlSyntaxError(`element '${open.name}' is never closed (end of input reached)`, open);
  }
  if (root === null) throw new XmlSyntaxError("the document has no root element", cur.here());
  return root;
}
