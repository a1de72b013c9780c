// The SDF XML parser: structure, entities, and the position of every kind of malformation.

import { describe, expect, it } from "vitest";
import { XmlSyntaxError, parseXml, xmlAttr, xmlChildElements } from "../../src/microkit/sdf-xml.ts";
import { formatDiagnostic, parseSdf } from "../../src/microkit/sdf.ts";

function errorAt(text: string): { line: number; col: number; message: string } {
  try {
    parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { line: e.line, col: e.col, message: e.message };
    throw e;
  }
  throw new Error("expected a syntax error");
}

describe("parseXml", () => {
  it("parses elements, attributes, positions, prolog, comments, PIs, DOCTYPE and CDATA", () => {
    const doc = [
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>',
      "<!DOCTYPE system [ <!-- internal > subset --> ]>",
      "<!-- a comment -->",
      "<system a='1'>",
      '  <pd name="x &amp; y &lt;&gt;&quot;&apos; &#65;&#x42;"/>',
      "  <?pi stuff?><![CDATA[<raw & text>]]>",
      '\t<e\n   b = "v" ></e>',
      "</system>",
      "<!-- trailing -->",
      "",
    ].join("\r\n");
    const root = parseXml(doc);
    expect(root.name).toBe("system");
    expect([root.line, root.col]).toEqual([4, 1]);
    expect(xmlAttr(root, "a")).toBe("1");
    const [pd, e] = xmlChildElements(root);
    expect(pd?.name).toBe("pd");
    expect([pd?.line, pd?.col]).toEqual([5, 3]);
    expect(pd === undefined ? undefined : xmlAttr(pd, "name")).toBe("x & y <>\"' AB");
    expect([e?.line, e?.col]).toEqual([7, 2]);
    expect(e?.attributes[0]).toMatchObject({ name: "b", value: "v", line: 8, col: 4 });
    const text = root.children
      .filter((c) => c.kind === "text")
      .map((c) => (c.kind === "text" ? c.value : ""));
    expect(text.join("")).toContain("<raw & text>");
  });

  it("normalises whitespace in attribute values and counts columns in code points", () => {
    const root = parseXml('<s v="a\tb\nc">\n<😀x/><y/></s>');
    expect(xmlAttr(root, "v")).toBe("a b c");
    const kids = xmlChildElements(root);
    expect(kids.map((k) => [k.name, k.line, k.col])).toEqual([
      ["😀x", 3, 1],
      ["y", 3, 6],
    ]);
  });

  const cases: [string, string, number, number, RegExp][] = [
    ["unclosed root", "<system>\n  <a/>\n", 1, 1, /'system' is never closed/],
    [
      "mismatched close",
      "<system>\n  <a>\n  </b>\n</system>",
      3,
      3,
      /'<\/b>' does not match start tag '<a>' at 2:3/,
    ],
    ["stray close", "<s/>\n</t>", 2, 1, /no matching start tag/],
    ["unquoted attribute", '<s a=1 b="2"/>', 1, 6, /must be quoted/],
    ["missing =", "<s a '1'/>", 1, 6, /expected '='/],
    ["duplicate attribute", '<s a="1"\n   a="2"/>', 2, 4, /duplicate attribute 'a'/],
    ["< in attribute", '<s a="x<y"/>', 1, 8, /'<' is not allowed/],
    ["unknown entity", "<s>\n  &nbsp;</s>", 2, 3, /unknown entity '&nbsp;'/],
    ["bare ampersand", '<s a="x & y"/>', 1, 9, /bare '&'/],
    ["bad char ref", "<s>&#0;</s>", 1, 4, /invalid character reference/],
    ["unterminated comment", "<s>\n<!-- oops\n</s>", 2, 1, /comment is never closed/],
    ["double hyphen in comment", "<s><!-- a -- b --></s>", 1, 11, /'--' is not allowed/],
    ["text before root", "  hello <s/>", 1, 3, /before the root element/],
    ["text after root", "<s/>\n\n  junk", 3, 3, /after the root element/],
    ["two roots", "<s/>\n<t/>", 2, 1, /only one root element/],
    ["late xml declaration", '<s/>\n<?xml version="1.0"?>', 2, 1, /only allowed at the very start/],
    ["no root", "<!-- nothing -->\n", 2, 1, /no root element/],
    ["bad name", "<s>< a/></s>", 1, 5, /expected an element name/],
    ["junk in tag", '<s a="1"b="2"/>', 1, 9, /expected whitespace/],
    ["unclosed start tag", '<s a="1"', 1, 1, /start tag of 's' is never closed/],
    ["unclosed attribute", '<s a="1/>', 1, 6, /attribute value is never closed/],
    ["unclosed CDATA", "<s><![CDATA[x</s>", 1, 4, /CDATA section is never closed/],
    ["control character", "<s>\u0001</s>", 1, 4, /U\+0001 is not allowed/],
  ];
  for (const [name, text, line, col, re] of cases) {
    it(`reports ${name} at ${line}:${col}`, () => {
      const e = errorAt(text);
      expect([e.line, e.col]).toEqual([line, col]);
      expect(e.message).toMatch(re);
    });
  }
});

describe("parseSdf on malformed input", () => {
  it("turns XML errors into FILE:LINE:COL diagnostics", () => {
    const r = parseSdf("<system>\n  <protection_domain name='a'>\n</system>", { file: "bad.system" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatDiagnostic(r.errors[0] ?? { file: "", line: 0, col: 0, message: "" })).toBe(
      "bad.system:3:1: malformed XML: closing tag '</system>' does not match start tag '<protection_domain>' at 2:3",
    );
  });

  it("never throws, whatever the input", () => {
    const samples = [
      "",
      "<",
      "<system",
      "<system/>",
      "&",
      "<?xml",
      "<!DOCTYPE",
      "<system><a b='&#xFFFFFF;'/></system>",
    ];
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = [
      "<",
      ">",
      "/",
      "=",
      '"',
      "'",
      "&",
      ";",
      "#",
      "x",
      "a",
      " ",
      "\n",
      "!",
      "-",
      "?",
      "[",
      "]",
    ];
    for (let i = 0; i < 300; i++) {
      let s = "<system>";
      for (let j = 0; j < 30; j++) s += alphabet[Math.floor(rand() * alphabet.length)] ?? "";
      samples.push(s);
    }
    for (const s of samples) {
      const r = parseSdf(s, { file: "f.system" });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]?.line).toBeGreaterThanOrEqual(1);
    }
  });

  it("rejects a root element other than system", () => {
    const r = parseSdf("<sys/>", { file: "f.system" });
    expect(r.ok ? "" : r.errors[0]?.message).toMatch(/root element must be 'system', found 'sys'/);
  });
});
