// sel4/sel4_client.h: the object invocation stubs, generated from scripts/sdk/methods.ts with
// the labels of src/abi. Marshalling as libsel4's stub generator (ABI sheet §6.3): the first four
// argument words travel in a2..a5 through seL4_CallWithMRs, later ones in msg[i], capability
// arguments in caps_or_badges[]; on an error reply a2..a5 are copied to msg[0..3] so that
// seL4_GetMR shows the details; the result is the reply's label.

import * as labels from "../../src/abi/invocation.ts";
import { seL4_UserContext_fields } from "../../src/abi/registers.ts";
import { GENERATED } from "./emit-constants.ts";
import { CAP_TYPES, METHODS, type Method, type Param } from "./methods.ts";

const BITS: Record<string, number> = { seL4_Bool: 1, seL4_Uint8: 8, seL4_Uint16: 16 };

function isCap(p: Param): boolean {
  return CAP_TYPES.includes(p.type);
}

function cType(p: Param): string {
  if (p.type === "seL4_UserContext") return "seL4_UserContext *";
  return `${p.type} `;
}

/** The value of an input parameter as a word, masked to its width. */
function valueOf(p: Param): string {
  const bits = BITS[p.type];
  if (bits !== undefined) return `(${p.name} & 0x${((1 << bits) - 1).toString(16)}ull)`;
  if (p.type === "seL4_CapRights_t") return `${p.name}.words[0]`;
  if (p.type === "seL4_RISCV_VMAttributes") return `(seL4_Word)${p.name}`;
  return p.name;
}

interface Packed {
  /** Expression of each argument word. */
  words: string[];
  caps: string[];
}

function pack(m: Method): Packed {
  const pieces: { expr: string; shift: number }[][] = [];
  const caps: string[] = [];
  let bit = 0;
  const put = (expr: string, size: number) => {
    bit = Math.ceil(bit / size) * size;
    const word = Math.floor(bit / 64);
    while (pieces.length <= word) pieces.push([]);
    pieces[word].push({ expr, shift: bit % 64 });
    bit += size;
  };
  for (const p of m.params) {
    if (p.dir === "out") continue;
    if (isCap(p)) caps.push(p.name);
    else if (p.type === "seL4_UserContext")
      for (const f of seL4_UserContext_fields) put(`${p.name}->${f}`, 64);
    else put(valueOf(p), BITS[p.type] ?? 64);
  }
  const words = pieces.map((ps) =>
    ps.map(({ expr, shift }) => (shift === 0 ? expr : `((seL4_Word)${expr} << ${shift})`)).join(" | "),
  );
  return { words, caps };
}

function resultStructName(m: Method): string {
  return `${m.iface}_${m.name}`;
}

/** Fields of the struct a method with word results returns (error first, as libsel4). */
function outFields(m: Method): Param[] {
  return m.params.filter((p) => p.dir === "out" && p.type !== "seL4_UserContext");
}

function stub(m: Method): string {
  const label = labels[m.label];
  if (typeof label !== "number") throw new Error(`no label ${m.label}`);
  const { words, caps } = pack(m);
  const outs = outFields(m);
  const outRegs = m.params.find((p) => p.dir === "out" && p.type === "seL4_UserContext");
  const ret = outs.length > 0 ? `${resultStructName(m)}_t` : "seL4_Error";
  const args = [
    `${m.iface} _service`,
    ...m.params.filter((p) => p !== outRegs && p.dir !== "out").map((p) => `${cType(p)}${p.name}`),
  ];
  if (outRegs !== undefined) args.push(`seL4_UserContext *${outRegs.name}`);
  const body: string[] = [];
  body.push(
    `    seL4_MessageInfo_t tag = seL4_MessageInfo_new(${m.label}, 0, ${caps.length}, ${words.length});`,
  );
  body.push(`    seL4_Word mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;`);
  caps.forEach((c, i) => body.push(`    seL4_SetCap(${i}, ${c});`));
  words.forEach((w, i) => body.push(i < 4 ? `    mr${i} = ${w};` : `    seL4_SetMR(${i}, ${w});`));
  body.push(`    seL4_MessageInfo_t reply = seL4_CallWithMRs(_service, tag, &mr0, &mr1, &mr2, &mr3);`);
  const err = outs.length > 0 ? "result.error" : "result";
  if (outs.length > 0) body.push(`    ${ret} result;`);
  else body.push(`    seL4_Error result;`);
  body.push(`    ${err} = (seL4_Error)seL4_MessageInfo_get_label(reply);`);
  body.push(`    if (${err} != seL4_NoError) {`);
  body.push(
    `        seL4_SetMR(0, mr0);`,
    `        seL4_SetMR(1, mr1);`,
    `        seL4_SetMR(2, mr2);`,
    `        seL4_SetMR(3, mr3);`,
  );
  body.push(`    }`);
  const resultWord = (i: number) => (i < 4 ? `mr${i}` : `seL4_GetMR(${i})`);
  outs.forEach((p, i) => body.push(`    result.${p.name} = ${resultWord(i)};`));
  if (outRegs !== undefined) {
    seL4_UserContext_fields.forEach((f, i) => body.push(`    ${outRegs.name}->${f} = ${resultWord(i)};`));
  }
  body.push(`    return result;`);
  return `/* ${m.label} (${label}): ${caps.length} extra cap(s), ${words.length} argument word(s). */
LIBSEL4_INLINE ${ret}
${m.iface}_${m.name}(${args.join(", ")})
{
${body.join("\n")}
}`;
}

function resultStruct(m: Method): string | null {
  const outs = outFields(m);
  if (outs.length === 0) return null;
  const name = resultStructName(m);
  const fields = outs.map((p) => `    ${p.type} ${p.name};`).join("\n");
  return `struct ${name} {\n    int error;\n${fields}\n};\ntypedef struct ${name} ${name}_t;`;
}

export function clientH(): string {
  const structs = METHODS.map(resultStruct).filter((s): s is string => s !== null);
  return `${GENERATED}
/* Object invocation stubs of libsel4 for riscv64 MCS (ABI sheet §6.4). */
#pragma once

#include <sel4/types.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>

${structs.join("\n\n")}

${METHODS.map(stub).join("\n\n")}
`;
}
