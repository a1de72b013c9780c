// sel4/faults.h: seL4_Fault_t and its accessors, generated from the fault labels and message
// register indices of src/abi/faults.ts (ABI sheet §9). seL4_getFault reads a fault message
// from the message registers into a seL4_Fault_t, as libsel4 does.

import * as faults from "../../src/abi/faults.ts";
import { GENERATED } from "./emit-constants.ts";

const F = faults as unknown as Record<string, number>;

interface Fault {
  name: string;
  /** The seL4_is<name>_tag helper's name part. */
  is: string;
  /** Field name (libsel4's) and the constant of its message register. */
  fields: readonly (readonly [string, string])[];
}

const same = (prefix: string, names: string[]) => names.map((n) => [n, `${prefix}${n}`] as const);

const FAULTS: readonly Fault[] = [
  { name: "NullFault", is: "NullFault", fields: [] },
  {
    name: "CapFault",
    is: "CapFault",
    fields: [
      ...same("seL4_CapFault_", ["IP", "Addr", "InRecvPhase", "LookupFailureType"]),
      ["MR4", "seL4_CapFault_BitsLeft"],
      ["MR5", "seL4_CapFault_GuardMismatch_GuardFound"],
      ["MR6", "seL4_CapFault_GuardMismatch_BitsFound"],
    ],
  },
  {
    name: "UnknownSyscall",
    is: "UnknownSyscall",
    fields: same("seL4_UnknownSyscall_", [
      "FaultIP",
      "SP",
      "RA",
      "A0",
      "A1",
      "A2",
      "A3",
      "A4",
      "A5",
      "A6",
      "Syscall",
    ]),
  },
  {
    name: "UserException",
    is: "UserException",
    fields: same("seL4_UserException_", ["FaultIP", "SP", "Number", "Code"]),
  },
  {
    name: "Timeout",
    is: "TimeoutFault",
    fields: [
      ["data", "seL4_Timeout_Data"],
      ["consumed", "seL4_Timeout_Consumed"],
    ],
  },
  { name: "VMFault", is: "VMFault", fields: same("seL4_VMFault_", ["IP", "Addr", "PrefetchFault", "FSR"]) },
];

/** Words of seL4_Fault_t: the tag, then one per field. */
const WORDS = 1 + Math.max(...FAULTS.map((f) => f.fields.length));

function accessors(f: Fault): string {
  const t = `seL4_Fault_${f.name}`;
  const params = f.fields.map(([n]) => `seL4_Word ${n}`).join(", ") || "void";
  const out: string[] = [];
  out.push(`LIBSEL4_INLINE_FUNC seL4_Fault_t
${t}_new(${params})
{
    seL4_Fault_t f = {{0}};
    f.words[0] = ${t};
${f.fields.map(([n], i) => `    f.words[${i + 1}] = ${n};`).join("\n")}
    return f;
}`);
  f.fields.forEach(([n], i) => {
    const w = `words[${i + 1}]`;
    out.push(`LIBSEL4_INLINE_FUNC seL4_Word ${t}_get_${n}(seL4_Fault_t f) { return f.${w}; }
LIBSEL4_INLINE_FUNC seL4_Word ${t}_ptr_get_${n}(seL4_Fault_t *f) { return f->${w}; }
LIBSEL4_INLINE_FUNC seL4_Fault_t ${t}_set_${n}(seL4_Fault_t f, seL4_Word v) { f.${w} = v; return f; }
LIBSEL4_INLINE_FUNC void ${t}_ptr_set_${n}(seL4_Fault_t *f, seL4_Word v) { f->${w} = v; }`);
  });
  out.push(`LIBSEL4_INLINE_FUNC seL4_Bool seL4_is${f.is}_tag(seL4_MessageInfo_t tag)
{
    return seL4_MessageInfo_get_label(tag) == ${t};
}`);
  return out.join("\n");
}

function fromMRs(f: Fault): string {
  const args = f.fields.map(([, mr]) => {
    if (typeof F[mr] !== "number") throw new Error(`src/abi/faults.ts has no ${mr}`);
    return `seL4_GetMR(${mr})`;
  });
  return `    case seL4_Fault_${f.name}:
        return seL4_Fault_${f.name}_new(${args.join(", ")});`;
}

export function faultsH(): string {
  const tags = FAULTS.map((f) => `    seL4_Fault_${f.name} = ${F[`seL4_Fault_${f.name}`]},`).join("\n");
  return `${GENERATED}
/* Fault messages (ABI sheet §9): labels, seL4_Fault_t accessors, seL4_getFault. */
#pragma once

#include <sel4/types.h>
#include <sel4/functions.h>

enum seL4_Fault_tag {
${tags}
    SEL4_FORCE_LONG_ENUM(seL4_Fault_tag),
};
typedef enum seL4_Fault_tag seL4_Fault_tag_t;

/* A fault as a value: word 0 holds the tag, the words after it the fields in message order. */
typedef struct seL4_Fault {
    seL4_Uint64 words[${WORDS}];
} seL4_Fault_t;

LIBSEL4_INLINE_FUNC seL4_Word seL4_Fault_get_seL4_FaultType(seL4_Fault_t f) { return f.words[0]; }
LIBSEL4_INLINE_FUNC seL4_Word seL4_Fault_ptr_get_seL4_FaultType(seL4_Fault_t *f) { return f->words[0]; }

${FAULTS.map(accessors).join("\n\n")}

/* The fault described by a fault message just received (label = fault type, data in the MRs). */
LIBSEL4_INLINE_FUNC seL4_Fault_t seL4_getFault(seL4_MessageInfo_t tag)
{
    switch (seL4_MessageInfo_get_label(tag)) {
${FAULTS.filter((f) => f.fields.length > 0)
  .map(fromMRs)
  .join("\n")}
    default:
        return seL4_Fault_NullFault_new();
    }
}

LIBSEL4_INLINE_FUNC seL4_Fault_t seL4_getArchFault(seL4_MessageInfo_t tag)
{
    return seL4_getFault(tag);
}

/* The reply to a timeout fault: label 0 resumes the thread with the first \`length\` registers. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_TimeoutReply_new(seL4_Bool resume, seL4_UserContext regs, seL4_Word length)
{
    const seL4_Word *words = (const seL4_Word *)&regs;
    for (seL4_Word i = 0; i < length; i++) {
        seL4_SetMR((int)i, words[i]);
    }
    return seL4_MessageInfo_new(resume ? 0 : 1, 0, 0, length);
}
`;
}
