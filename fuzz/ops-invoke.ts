// The fuzzer's object invocations: CNode, Untyped, TCB, SchedControl, SchedContext, DomainSet,
// IRQ, Page, PageTable, ASID pool and ASID control, each with structure-aware arguments.

import {
  seL4_CNode_CancelBadgedSends,
  seL4_CNode_Copy,
  seL4_CNode_Delete,
  seL4_CNode_Mint,
  seL4_CNode_Move,
  seL4_CNode_Mutate,
  seL4_CNode_Revoke,
  seL4_CNode_Rotate,
  seL4_DomainSet_ScheduleConfigure,
  seL4_DomainSet_Set,
  seL4_IRQControl_Get,
  seL4_IRQHandler_Ack,
  seL4_IRQHandler_Clear,
  seL4_IRQHandler_SetNotification,
  seL4_RISCV_ASIDControl_MakePool,
  seL4_RISCV_ASIDPool_Assign,
  seL4_RISCV_Page_GetAddress,
  seL4_RISCV_Page_Map,
  seL4_RISCV_Page_Unmap,
  seL4_RISCV_PageTable_Map,
  seL4_RISCV_PageTable_Unmap,
  seL4_SchedContext_Bind,
  seL4_SchedContext_Consumed,
  seL4_SchedContext_Unbind,
  seL4_SchedContext_UnbindObject,
  seL4_SchedContext_YieldTo,
  seL4_SchedControl_ConfigureFlags,
  seL4_TCB_BindNotification,
  seL4_TCB_Configure,
  seL4_TCB_CopyRegisters,
  seL4_TCB_ReadRegisters,
  seL4_TCB_Resume,
  seL4_TCB_SetFlags,
  seL4_TCB_SetIPCBuffer,
  seL4_TCB_SetMCPriority,
  seL4_TCB_SetPriority,
  seL4_TCB_SetSchedParams,
  seL4_TCB_SetSpace,
  seL4_TCB_SetTimeoutEndpoint,
  seL4_TCB_SetTLSBase,
  seL4_TCB_Suspend,
  seL4_TCB_UnbindNotification,
  seL4_TCB_WriteRegisters,
  seL4_Untyped_Retype,
} from "../src/user/libsel4.ts";

import { cptr, depth, destSlot, time, vaddr, word } from "./gen.ts";
import {
  R_EP,
  R_FRAME,
  R_NTFN,
  R_PT,
  R_TCB,
  R_UT,
  R_VSPACE,
  S_ASIDCTL,
  S_ASIDPOOL,
  S_DOMAIN,
  S_IRQCTL,
  S_SCHEDCTL,
  S_VSPACE,
} from "./layout.ts";
import type { Rng } from "./prng.ts";
import {
  type Op,
  ipcCap,
  tcb,
  sc,
  cnode,
  slotArg,
  fixed,
  role,
  bool,
  cdata,
  err,
  simple,
  notHalting,
  RAW_SYSCALLS,
} from "./op-kit.ts";

export function CNODE_OPS(): Op[] {
  const two = (extra: [string, (r: Rng) => number][]): [string, (r: Rng) => number][] => [
    ["cnode", cnode],
    ["dest", destSlot],
    ["destDepth", depth],
    ["srcRoot", cnode],
    ["src", slotArg],
    ["srcDepth", depth],
    ...extra,
  ];
  return [
    simple("CNode_Copy", two([["rights", (r) => r.int(16)]]), (a) =>
      seL4_CNode_Copy(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
    ),
    simple(
      "CNode_Mint",
      two([
        ["rights", (r) => r.int(16)],
        ["badge", word],
      ]),
      (a) => seL4_CNode_Mint(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]),
    ),
    simple("CNode_Move", two([]), (a) => seL4_CNode_Move(a[0], a[1], a[2], a[3], a[4], a[5])),
    simple("CNode_Mutate", two([["badge", word]]), (a) =>
      seL4_CNode_Mutate(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
    ),
    simple(
      "CNode_Rotate",
      [
        ["cnode", cnode],
        ["dest", destSlot],
        ["destDepth", depth],
        ["destBadge", word],
        ["pivotRoot", cnode],
        ["pivot", slotArg],
        ["pivotDepth", depth],
        ["pivotBadge", word],
        ["srcRoot", cnode],
        ["src", slotArg],
        ["srcDepth", depth],
      ],
      (a) => seL4_CNode_Rotate(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]),
    ),
    simple(
      "CNode_Delete",
      [
        ["cnode", cnode],
        ["slot", slotArg],
        ["depth", depth],
      ],
      (a) => seL4_CNode_Delete(a[0], a[1], a[2]),
    ),
    simple(
      "CNode_Revoke",
      [
        ["cnode", cnode],
        ["slot", slotArg],
        ["depth", depth],
      ],
      (a) => seL4_CNode_Revoke(a[0], a[1], a[2]),
    ),
    simple(
      "CNode_CancelBadgedSends",
      [
        ["cnode", cnode],
        ["slot", role(R_EP)],
        ["depth", depth],
      ],
      (a) => seL4_CNode_CancelBadgedSends(a[0], a[1], a[2]),
    ),
    simple(
      "Untyped_Retype",
      [
        ["untyped", role(R_UT)],
        ["type", (r) => (r.chance(0.9) ? r.int(11) : word(r))],
        ["sizeBits", (r) => r.pick([0, 0, 1, 2, 4, 7, 8, 10, 12, 13, 14, 21, 30, 64, r.int(70)])],
        ["root", cnode],
        ["index", (r) => (r.chance(0.85) ? 0 : slotArg(r))],
        ["depth", (r) => (r.chance(0.85) ? 0 : depth(r))],
        ["offset", destSlot],
        ["count", (r) => r.pick([1, 1, 1, 2, 3, 0, 256, word(r)])],
      ],
      (a) => seL4_Untyped_Retype(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]),
    ),
  ];
}

export function TCB_OPS(): Op[] {
  const prio = (r: Rng): number => r.pick([r.range(2, 200), 0, 1, 255, 256, word(r)]);
  return [
    simple(
      "TCB_ReadRegisters",
      [
        ["tcb", tcb],
        ["suspend", bool],
        ["count", (r) => r.pick([0, 1, 13, 35, 36, word(r)])],
      ],
      (a) => err(seL4_TCB_ReadRegisters(a[0], a[1], 0, a[2])),
    ),
    simple(
      "TCB_WriteRegisters",
      [
        ["tcb", tcb],
        ["resume", bool],
        ["count", (r) => r.pick([1, 2, 13, 35, 36, word(r)])],
        ["pc", (r) => r.pick([-1, -1, 0, 0x10004, r.u32(), word(r)])],
        ["a0", word],
        ["sp", word],
        ["a1", word],
        // A thread waiting to restart its syscall re-issues it with this number.
        ["a7", (r) => notHalting(r.chance(0.5) ? r.pick(RAW_SYSCALLS) : word(r))],
      ],
      // pc -1 stands for the worker body's entry: the thread starts afresh as a worker.
      (a, ctx) =>
        seL4_TCB_WriteRegisters(a[0], a[1], 0, a[2], {
          pc: a[3] === -1 ? ctx.entryPc : a[3],
          a0: a[4],
          sp: a[5],
          a1: a[6],
          a7: a[7],
        }),
    ),
    simple(
      "TCB_CopyRegisters",
      [
        ["tcb", tcb],
        ["src", tcb],
        ["flags", (r) => r.int(16)],
      ],
      (a) =>
        seL4_TCB_CopyRegisters(a[0], a[1], a[2] & 1, (a[2] >> 1) & 1, (a[2] >> 2) & 1, (a[2] >> 3) & 1, 0),
    ),
    simple(
      "TCB_Configure",
      [
        ["tcb", tcb],
        ["cspace", cnode],
        ["cdata", cdata],
        ["vspace", (r) => (r.chance(0.6) ? S_VSPACE : cptr(r, R_VSPACE))],
        ["buffer", vaddr],
        ["frame", role(R_FRAME)],
      ],
      (a) => seL4_TCB_Configure(a[0], a[1], a[2], a[3], 0, a[4], a[5]),
    ),
    simple(
      "TCB_SetPriority",
      [
        ["tcb", tcb],
        ["auth", tcb],
        ["prio", prio],
      ],
      (a) => seL4_TCB_SetPriority(a[0], a[1], a[2]),
    ),
    simple(
      "TCB_SetMCPriority",
      [
        ["tcb", tcb],
        ["auth", tcb],
        ["mcp", prio],
      ],
      (a) => seL4_TCB_SetMCPriority(a[0], a[1], a[2]),
    ),
    simple(
      "TCB_SetSchedParams",
      [
        ["tcb", tcb],
        ["auth", tcb],
        ["mcp", prio],
        ["prio", prio],
        ["sc", (r) => (r.chance(0.2) ? 0 : sc(r))],
        ["faultEp", (r) => (r.chance(0.3) ? 0 : ipcCap(r))],
      ],
      (a) => seL4_TCB_SetSchedParams(a[0], a[1], a[2], a[3], a[4], a[5]),
    ),
    simple(
      "TCB_SetTimeoutEndpoint",
      [
        ["tcb", tcb],
        ["ep", (r) => (r.chance(0.3) ? 0 : ipcCap(r))],
      ],
      (a) => seL4_TCB_SetTimeoutEndpoint(a[0], a[1]),
    ),
    simple(
      "TCB_SetIPCBuffer",
      [
        ["tcb", tcb],
        ["buffer", vaddr],
        ["frame", (r) => (r.chance(0.2) ? 0 : cptr(r, R_FRAME))],
      ],
      (a) => seL4_TCB_SetIPCBuffer(a[0], a[1], a[2]),
    ),
    simple(
      "TCB_SetSpace",
      [
        ["tcb", tcb],
        ["faultEp", ipcCap],
        ["cspace", cnode],
        ["cdata", cdata],
        ["vspace", (r) => (r.chance(0.6) ? S_VSPACE : cptr(r, R_VSPACE))],
      ],
      (a) => seL4_TCB_SetSpace(a[0], a[1], a[2], a[3], a[4], 0),
    ),
    simple("TCB_Suspend", [["tcb", tcb]], (a) => seL4_TCB_Suspend(a[0])),
    simple("TCB_Resume", [["tcb", tcb]], (a) => seL4_TCB_Resume(a[0])),
    simple(
      "TCB_BindNotification",
      [
        ["tcb", tcb],
        ["ntfn", role(R_NTFN)],
      ],
      (a) => seL4_TCB_BindNotification(a[0], a[1]),
    ),
    simple("TCB_UnbindNotification", [["tcb", tcb]], (a) => seL4_TCB_UnbindNotification(a[0])),
    simple(
      "TCB_SetTLSBase",
      [
        ["tcb", tcb],
        ["tls", word],
      ],
      (a) => seL4_TCB_SetTLSBase(a[0], a[1]),
    ),
    simple(
      "TCB_SetFlags",
      [
        ["tcb", tcb],
        ["clear", word],
        ["set", word],
      ],
      (a) => err(seL4_TCB_SetFlags(a[0], a[1], a[2])),
    ),
  ];
}

export function SCHED_OPS(): Op[] {
  const bindable = (r: Rng): number => cptr(r, r.chance(0.6) ? R_TCB : R_NTFN);
  return [
    simple(
      "SchedControl_ConfigureFlags",
      [
        ["ctl", fixed(S_SCHEDCTL)],
        ["sc", sc],
        ["budget", time],
        ["period", time],
        ["refills", (r) => r.pick([0, 0, 1, 2, 5, 20, 1000, word(r)])],
        ["badge", word],
        ["flags", (r) => r.pick([0, 1, word(r)])],
      ],
      (a) => seL4_SchedControl_ConfigureFlags(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
    ),
    simple(
      "SchedContext_Bind",
      [
        ["sc", sc],
        ["obj", bindable],
      ],
      (a) => seL4_SchedContext_Bind(a[0], a[1]),
    ),
    simple("SchedContext_Unbind", [["sc", sc]], (a) => seL4_SchedContext_Unbind(a[0])),
    simple(
      "SchedContext_UnbindObject",
      [
        ["sc", sc],
        ["obj", bindable],
      ],
      (a) => seL4_SchedContext_UnbindObject(a[0], a[1]),
    ),
    simple("SchedContext_Consumed", [["sc", sc]], (a) => err(seL4_SchedContext_Consumed(a[0]))),
    simple("SchedContext_YieldTo", [["sc", sc]], (a) => err(seL4_SchedContext_YieldTo(a[0]))),
    simple(
      "DomainSet_Set",
      [
        ["domainCap", fixed(S_DOMAIN)],
        ["domain", (r) => r.pick([0, 0, 1, 255])],
        ["tcb", tcb],
      ],
      (a) => seL4_DomainSet_Set(a[0], a[1], a[2]),
    ),
    simple(
      "DomainSet_ScheduleConfigure",
      [
        ["domainCap", fixed(S_DOMAIN)],
        ["index", (r) => r.pick([0, 1, 2, 99, 100, word(r)])],
        ["domain", (r) => r.pick([0, 0, 1, 255])],
        ["duration", time],
      ],
      (a) => seL4_DomainSet_ScheduleConfigure(a[0], a[1], a[2], a[3]),
    ),
    simple(
      "IRQControl_Get",
      [
        ["ctl", fixed(S_IRQCTL)],
        ["irq", (r) => r.pick([0, 1, 5, 10, 11, 96, 97, 1000, word(r)])],
        ["root", cnode],
        ["index", destSlot],
        ["depth", depth],
      ],
      (a) => seL4_IRQControl_Get(a[0], a[1], a[2], a[3], a[4]),
    ),
    simple(
      "IRQHandler_SetNotification",
      [
        ["handler", slotArg],
        ["ntfn", role(R_NTFN)],
      ],
      (a) => seL4_IRQHandler_SetNotification(a[0], a[1]),
    ),
    simple("IRQHandler_Ack", [["handler", slotArg]], (a) => seL4_IRQHandler_Ack(a[0])),
    simple("IRQHandler_Clear", [["handler", slotArg]], (a) => seL4_IRQHandler_Clear(a[0])),
  ];
}

export function VM_OPS(): Op[] {
  const vspace = (r: Rng): number => (r.chance(0.5) ? S_VSPACE : cptr(r, R_VSPACE));
  return [
    simple(
      "Page_Map",
      [
        ["frame", role(R_FRAME)],
        ["vspace", vspace],
        ["vaddr", vaddr],
        ["rights", (r) => r.int(16)],
        ["attr", (r) => r.int(4)],
      ],
      (a) => seL4_RISCV_Page_Map(a[0], a[1], a[2], a[3], a[4]),
    ),
    simple("Page_Unmap", [["frame", role(R_FRAME)]], (a) => seL4_RISCV_Page_Unmap(a[0])),
    simple("Page_GetAddress", [["frame", role(R_FRAME)]], (a) => err(seL4_RISCV_Page_GetAddress(a[0]))),
    simple(
      "PageTable_Map",
      [
        ["pt", role(R_PT)],
        ["vspace", vspace],
        ["vaddr", vaddr],
        ["attr", (r) => r.int(4)],
      ],
      (a) => seL4_RISCV_PageTable_Map(a[0], a[1], a[2], a[3]),
    ),
    simple("PageTable_Unmap", [["pt", role(R_PT)]], (a) => seL4_RISCV_PageTable_Unmap(a[0])),
    simple(
      "ASIDPool_Assign",
      [
        ["pool", fixed(S_ASIDPOOL)],
        ["vspace", (r) => cptr(r, r.chance(0.5) ? R_VSPACE : R_PT)],
      ],
      (a) => seL4_RISCV_ASIDPool_Assign(a[0], a[1]),
    ),
    simple(
      "ASIDControl_MakePool",
      [
        ["ctl", fixed(S_ASIDCTL)],
        ["untyped", role(R_UT)],
        ["root", cnode],
        ["index", destSlot],
        ["depth", depth],
      ],
      (a) => seL4_RISCV_ASIDControl_MakePool(a[0], a[1], a[2], a[3], a[4]),
    ),
  ];
}
