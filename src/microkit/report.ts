// The Microkit tool's report (`microkit ... --report report.txt`, tool/microkit/src/report.rs):
// the same sections, in the same format, written from our builder's CapDL spec. The IRQs, every
// TCB with its bound objects, every CNode's slots (object, rights, badge) and the kernel objects
// with their physical addresses. The real tool knows the addresses by emulating the allocation;
// we know them after the initialiser has run (`sel4ts run --report`), or for objects at a fixed
// address; `sel4ts check --report` says the others are placed at boot.

import type { CapDLCap, CapDLObject, CapDLSpec, CapRights } from "../capdl/spec.ts";

function human(o: CapDLObject): string {
  switch (o.kind) {
    case "ep":
      return "Endpoint";
    case "notification":
      return "Notification";
    case "cnode":
      return "CNode";
    case "tcb":
      return "TCB";
    case "frame":
      return o.sizeBits === 12
        ? "Page(4 KiB)"
        : o.sizeBits === 21
          ? "Page(2 MiB)"
          : `Page(2^${o.sizeBits} B)`;
    case "pt":
      return "PageTable";
    case "irq":
      return "RISC-V IRQ";
    case "sc":
      return "SchedContext";
    case "reply":
      return "Reply";
  }
}

function rightsHuman(r: CapRights): string {
  const parts: string[] = [];
  if (r.read) parts.push("Read");
  if (r.write) parts.push("Write");
  if (r.grant) parts.push("Grant");
  if (r.grantReply) parts.push("Grant Reply");
  return parts.join(", ");
}

function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/**
 * The report text. `paddrs` gives the physical address of each object (by index in
 * `spec.objects`) where known; objects at a fixed address need none.
 */
export function microkitReport(spec: CapDLSpec, paddrs: ReadonlyMap<number, number> = new Map()): string {
  const out: string[] = [];
  const w = (s: string): void => {
    out.push(s);
  };
  const name = (i: number): string => spec.objects[i].name;
  w("# Initial Task (CapDL Initialiser) Details\n");

  w("\n# IRQ Details\n");
  for (const [irq, idx] of spec.irqs) {
    const o = spec.objects[idx];
    w(`\t- IRQ: '${o.name}'\n`);
    w(`\t\t* Number: ${irq}\n`);
    w(`\t\t* Trigger: ${o.irq?.trigger ?? "level"}\n`);
    w("\n");
  }

  w("\n# TCB Details\n");
  for (const o of spec.objects) {
    if (o.kind !== "tcb" || o.tcb === undefined) continue;
    const t = o.tcb;
    w(`\t- TCB: '${o.name}'\n`);
    w(`\t\t* IP: ${hex(t.ip)}\n`);
    w(`\t\t* SP: ${hex(t.sp)}\n`);
    w(`\t\t* IPC Buffer: ${hex(t.ipcBufferAddr)}\n`);
    w(`\t\t* Priority: ${t.priority}\n`);
    w(`\t\t* CPU Affinity: ${t.affinity}\n`);
    w("\t\t* Bound Objects:\n");
    // In the order of the TCB's capDL slots (CSpace 0, VSpace 1, IPC buffer 4, fault EP 5, SC 6,
    // bound notification 8).
    const bound: [string, CapDLCap | null][] = [
      ["CSpace", t.cspace],
      ["VSpace", t.vspace],
      ["IPC Buffer", t.ipcBuffer],
      ["Fault Endpoint", t.faultEp],
      ["Scheduling Context", t.sc],
      ["Notification", t.boundNotification],
    ];
    for (const [what, cap] of bound) if (cap !== null) w(`\t\t\t-> ${what}: '${name(cap.obj)}'\n`);
    w("\n");
  }

  w("\n# CNode Details\n");
  for (const o of spec.objects) {
    if (o.kind !== "cnode") continue;
    w(`\t- CNode: '${o.name}'\n`);
    const slots = [...(o.slots ?? new Map<number, CapDLCap>())].sort((a, b) => a[0] - b[0]);
    for (const [slot, cap] of slots) {
      const target = spec.objects[cap.obj];
      w(`\t\t* Slot: ${slot}\n`);
      w(`\t\t\t-> Object: '${target.name}'\n`);
      const k = target.kind;
      if (k === "ep" || k === "notification" || k === "frame")
        w(`\t\t\t-> Rights: ${rightsHuman(cap.rights)}\n`);
      if (k === "ep" || k === "notification") w(`\t\t\t-> Badge: ${hex(cap.badge ?? 0n)}\n`);
    }
    w("\n");
  }

  // Nothing architecture-specific is reported for RISC-V.
  w("\n# Architecture Specific Details\n");

  w("\n# Kernel Objects Details: ID, Type, Name, Physical Address\n");
  spec.objects.forEach((o, id) => {
    if (o.kind === "irq") return; // no physical size: the real tool leaves these out too
    const p = o.paddr !== undefined ? Number(o.paddr) : paddrs.get(id);
    const at =
      p !== undefined
        ? `0x${p.toString(16).padStart(12, "0")}`
        : "<placed at boot by the initialiser: see sel4ts run --report>";
    w(`\t${id} - ${human(o)}: '${o.name}' @ ${at}\n`);
  });
  return out.join("");
}
