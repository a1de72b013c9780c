// The object methods of libsel4 for riscv64 MCS: interface, method name, invocation label (a
// key of src/abi/invocation.ts) and parameters in libsel4's order. The C stub generator
// (gen-sdk.ts) marshals them as libsel4's stub generator does (ABI sheet §6.3): capability
// parameters go to caps_or_badges[] in order, the others are packed left to right into message
// words, each aligned to its own size (a seL4_Bool takes one bit, a seL4_Uint8 eight).

import type * as labels from "../../src/abi/invocation.ts";

/** Parameter types of the object API; `cap` types travel as extra caps, the others in MRs. */
export type ParamType =
  | "seL4_Word"
  | "seL4_Time"
  | "seL4_Bool"
  | "seL4_Uint8"
  | "seL4_Uint16"
  | "seL4_CapRights_t"
  | "seL4_RISCV_VMAttributes"
  | "seL4_UserContext"
  | CapType;

export type CapType =
  "seL4_CPtr" | "seL4_CNode" | "seL4_TCB" | "seL4_Untyped" | "seL4_SchedContext" | "seL4_RISCV_PageTable";

export const CAP_TYPES: readonly string[] = [
  "seL4_CPtr",
  "seL4_CNode",
  "seL4_TCB",
  "seL4_Untyped",
  "seL4_SchedContext",
  "seL4_RISCV_PageTable",
];

export interface Param {
  name: string;
  type: ParamType;
  /** "out" parameters are results: fields of the returned struct, or a seL4_UserContext pointer. */
  dir?: "in" | "out";
}

export interface Method {
  /** The interface (the type of the invoked cap), e.g. "seL4_TCB". */
  iface: string;
  name: string;
  label: keyof typeof labels;
  params: Param[];
}

const w = (name: string): Param => ({ name, type: "seL4_Word" });
const u8 = (name: string): Param => ({ name, type: "seL4_Uint8" });
const b = (name: string): Param => ({ name, type: "seL4_Bool" });
const t = (name: string): Param => ({ name, type: "seL4_Time" });
const cap = (name: string, type: CapType = "seL4_CPtr"): Param => ({ name, type });
const out = (name: string, type: ParamType): Param => ({ name, type, dir: "out" });

export const METHODS: readonly Method[] = [
  // Untyped
  {
    iface: "seL4_Untyped",
    name: "Retype",
    label: "UntypedRetype",
    params: [
      w("type"),
      w("size_bits"),
      cap("root", "seL4_CNode"),
      w("node_index"),
      w("node_depth"),
      w("node_offset"),
      w("num_objects"),
    ],
  },
  // TCB (MCS signatures)
  {
    iface: "seL4_TCB",
    name: "ReadRegisters",
    label: "TCBReadRegisters",
    params: [b("suspend_source"), u8("arch_flags"), w("count"), out("regs", "seL4_UserContext")],
  },
  {
    iface: "seL4_TCB",
    name: "WriteRegisters",
    label: "TCBWriteRegisters",
    params: [b("resume_target"), u8("arch_flags"), w("count"), { name: "regs", type: "seL4_UserContext" }],
  },
  {
    iface: "seL4_TCB",
    name: "CopyRegisters",
    label: "TCBCopyRegisters",
    params: [
      cap("source", "seL4_TCB"),
      b("suspend_source"),
      b("resume_target"),
      b("transfer_frame"),
      b("transfer_integer"),
      u8("arch_flags"),
    ],
  },
  {
    iface: "seL4_TCB",
    name: "Configure",
    label: "TCBConfigure",
    params: [
      cap("cspace_root", "seL4_CNode"),
      w("cspace_root_data"),
      cap("vspace_root"),
      w("vspace_root_data"),
      w("buffer"),
      cap("bufferFrame"),
    ],
  },
  {
    iface: "seL4_TCB",
    name: "SetPriority",
    label: "TCBSetPriority",
    params: [cap("authority", "seL4_TCB"), w("priority")],
  },
  {
    iface: "seL4_TCB",
    name: "SetMCPriority",
    label: "TCBSetMCPriority",
    params: [cap("authority", "seL4_TCB"), w("mcp")],
  },
  {
    iface: "seL4_TCB",
    name: "SetSchedParams",
    label: "TCBSetSchedParams",
    params: [cap("authority", "seL4_TCB"), w("mcp"), w("priority"), cap("sched_context"), cap("fault_ep")],
  },
  {
    iface: "seL4_TCB",
    name: "SetTimeoutEndpoint",
    label: "TCBSetTimeoutEndpoint",
    params: [cap("timeout_fault_ep")],
  },
  {
    iface: "seL4_TCB",
    name: "SetIPCBuffer",
    label: "TCBSetIPCBuffer",
    params: [w("buffer"), cap("bufferFrame")],
  },
  {
    iface: "seL4_TCB",
    name: "SetSpace",
    label: "TCBSetSpace",
    params: [
      cap("fault_ep"),
      cap("cspace_root", "seL4_CNode"),
      w("cspace_root_data"),
      cap("vspace_root"),
      w("vspace_root_data"),
    ],
  },
  { iface: "seL4_TCB", name: "Suspend", label: "TCBSuspend", params: [] },
  { iface: "seL4_TCB", name: "Resume", label: "TCBResume", params: [] },
  {
    iface: "seL4_TCB",
    name: "BindNotification",
    label: "TCBBindNotification",
    params: [cap("notification")],
  },
  { iface: "seL4_TCB", name: "UnbindNotification", label: "TCBUnbindNotification", params: [] },
  { iface: "seL4_TCB", name: "SetTLSBase", label: "TCBSetTLSBase", params: [w("tls_base")] },
  {
    iface: "seL4_TCB",
    name: "SetFlags",
    label: "TCBSetFlags",
    params: [w("clear"), w("set"), out("flags", "seL4_Word")],
  },
  // CNode
  { iface: "seL4_CNode", name: "Revoke", label: "CNodeRevoke", params: [w("index"), u8("depth")] },
  { iface: "seL4_CNode", name: "Delete", label: "CNodeDelete", params: [w("index"), u8("depth")] },
  {
    iface: "seL4_CNode",
    name: "CancelBadgedSends",
    label: "CNodeCancelBadgedSends",
    params: [w("index"), u8("depth")],
  },
  {
    iface: "seL4_CNode",
    name: "Copy",
    label: "CNodeCopy",
    params: [
      w("dest_index"),
      u8("dest_depth"),
      cap("src_root", "seL4_CNode"),
      w("src_index"),
      u8("src_depth"),
      { name: "rights", type: "seL4_CapRights_t" },
    ],
  },
  {
    iface: "seL4_CNode",
    name: "Mint",
    label: "CNodeMint",
    params: [
      w("dest_index"),
      u8("dest_depth"),
      cap("src_root", "seL4_CNode"),
      w("src_index"),
      u8("src_depth"),
      { name: "rights", type: "seL4_CapRights_t" },
      w("badge"),
    ],
  },
  {
    iface: "seL4_CNode",
    name: "Move",
    label: "CNodeMove",
    params: [
      w("dest_index"),
      u8("dest_depth"),
      cap("src_root", "seL4_CNode"),
      w("src_index"),
      u8("src_depth"),
    ],
  },
  {
    iface: "seL4_CNode",
    name: "Mutate",
    label: "CNodeMutate",
    params: [
      w("dest_index"),
      u8("dest_depth"),
      cap("src_root", "seL4_CNode"),
      w("src_index"),
      u8("src_depth"),
      w("badge"),
    ],
  },
  {
    iface: "seL4_CNode",
    name: "Rotate",
    label: "CNodeRotate",
    params: [
      w("dest_index"),
      u8("dest_depth"),
      w("dest_badge"),
      cap("pivot_root", "seL4_CNode"),
      w("pivot_index"),
      u8("pivot_depth"),
      w("pivot_badge"),
      cap("src_root", "seL4_CNode"),
      w("src_index"),
      u8("src_depth"),
    ],
  },
  // IRQControl / IRQHandler
  {
    iface: "seL4_IRQControl",
    name: "Get",
    label: "IRQIssueIRQHandler",
    params: [w("irq"), cap("root", "seL4_CNode"), w("index"), u8("depth")],
  },
  {
    iface: "seL4_IRQControl",
    name: "GetTrigger",
    label: "RISCVIRQIssueIRQHandlerTrigger",
    params: [w("irq"), w("trigger"), cap("root", "seL4_CNode"), w("index"), u8("depth")],
  },
  { iface: "seL4_IRQHandler", name: "Ack", label: "IRQAckIRQ", params: [] },
  {
    iface: "seL4_IRQHandler",
    name: "SetNotification",
    label: "IRQSetIRQHandler",
    params: [cap("notification")],
  },
  { iface: "seL4_IRQHandler", name: "Clear", label: "IRQClearIRQHandler", params: [] },
  // DomainSet
  {
    iface: "seL4_DomainSet",
    name: "Set",
    label: "DomainSetSet",
    params: [u8("domain"), cap("thread", "seL4_TCB")],
  },
  {
    iface: "seL4_DomainSet",
    name: "ScheduleConfigure",
    label: "DomainScheduleConfigure",
    params: [w("index"), u8("domain"), t("duration")],
  },
  {
    iface: "seL4_DomainSet",
    name: "ScheduleSetStart",
    label: "DomainScheduleSetStart",
    params: [w("index")],
  },
  // SchedControl / SchedContext (MCS)
  {
    iface: "seL4_SchedControl",
    name: "ConfigureFlags",
    label: "SchedControlConfigureFlags",
    params: [
      cap("schedcontext", "seL4_SchedContext"),
      t("budget"),
      t("period"),
      w("extra_refills"),
      w("badge"),
      w("flags"),
    ],
  },
  { iface: "seL4_SchedContext", name: "Bind", label: "SchedContextBind", params: [cap("cap")] },
  { iface: "seL4_SchedContext", name: "Unbind", label: "SchedContextUnbind", params: [] },
  {
    iface: "seL4_SchedContext",
    name: "UnbindObject",
    label: "SchedContextUnbindObject",
    params: [cap("cap")],
  },
  {
    iface: "seL4_SchedContext",
    name: "Consumed",
    label: "SchedContextConsumed",
    params: [out("consumed", "seL4_Time")],
  },
  {
    iface: "seL4_SchedContext",
    name: "YieldTo",
    label: "SchedContextYieldTo",
    params: [out("consumed", "seL4_Time")],
  },
  // RISC-V paging
  {
    iface: "seL4_RISCV_PageTable",
    name: "Map",
    label: "RISCVPageTableMap",
    params: [
      cap("vspace", "seL4_RISCV_PageTable"),
      w("vaddr"),
      { name: "attr", type: "seL4_RISCV_VMAttributes" },
    ],
  },
  { iface: "seL4_RISCV_PageTable", name: "Unmap", label: "RISCVPageTableUnmap", params: [] },
  {
    iface: "seL4_RISCV_Page",
    name: "Map",
    label: "RISCVPageMap",
    params: [
      cap("vspace", "seL4_RISCV_PageTable"),
      w("vaddr"),
      { name: "rights", type: "seL4_CapRights_t" },
      { name: "attr", type: "seL4_RISCV_VMAttributes" },
    ],
  },
  { iface: "seL4_RISCV_Page", name: "Unmap", label: "RISCVPageUnmap", params: [] },
  {
    iface: "seL4_RISCV_Page",
    name: "GetAddress",
    label: "RISCVPageGetAddress",
    params: [out("paddr", "seL4_Word")],
  },
  {
    iface: "seL4_RISCV_ASIDControl",
    name: "MakePool",
    label: "RISCVASIDControlMakePool",
    params: [cap("untyped", "seL4_Untyped"), cap("root", "seL4_CNode"), w("index"), u8("depth")],
  },
  { iface: "seL4_RISCV_ASIDPool", name: "Assign", label: "RISCVASIDPoolAssign", params: [cap("vspace")] },
];
