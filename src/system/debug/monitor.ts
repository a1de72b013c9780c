// Kernel-aware `monitor …` commands of the debugger: what seL4 knows about threads, capabilities
// and scheduling contexts, read from the kernel state (never changing it). They work for every
// thread, TS threads included.

import { capTypeName } from "../../abi/captypes.ts";
import { tcbCTable } from "../../abi/thread.ts";
import { CNode, Endpoint, Notification, type Tcb } from "../../kernel/structures.ts";
import { pcOfTcb, type Debugger } from "./debugger.ts";

const STATES = [
  "Inactive",
  "Running",
  "Restart",
  "BlockedOnReceive",
  "BlockedOnSend",
  "BlockedOnReply",
  "BlockedOnNotification",
  "Idle",
];

const hex = (n: number): string => `0x${n.toString(16)}`;

function blockedOn(t: Tcb): string {
  const o = t.blockingObject;
  if (o instanceof Endpoint) return ` on endpoint ${hex(o.ptr)}`;
  if (o instanceof Notification) return ` on notification ${hex(o.ptr)}`;
  return "";
}

function threadName(t: Tcb): string {
  return t.name || `tcb@${hex(t.ptr)}`;
}

function findThread(dbg: Debugger, arg: string, dflt: Tcb | null): Tcb | null {
  if (arg === "") return dflt;
  for (const t of dbg.threads()) if (t.name === arg || hex(t.ptr) === arg) return t;
  return null;
}

function scLine(t: Tcb): string {
  const sc = t.sc;
  if (sc === null) return "no scheduling context (passive)";
  let budget = 0;
  let avail = 0;
  const n = sc.refills.length;
  for (let i = sc.refillHead, k = 0; k < n; i = (i + 1) % n, k++) {
    budget += sc.refills[i].rAmount;
    if (i === sc.refillTail) break;
  }
  avail = sc.refills[sc.refillHead]?.rAmount ?? 0;
  return (
    `sc ${hex(sc.ptr)}: period ${sc.period} ticks, budget ${budget} ticks, head refill ${avail} ticks ` +
    `at ${sc.refills[sc.refillHead]?.rTime ?? 0}, consumed ${sc.consumed}, refills max ${sc.refillMax}` +
    (sc.sporadic ? ", sporadic" : "")
  );
}

const HELP = `sel4ts monitor commands:
  threads            every thread: state, priority, SC, what it is blocked on, pc
  caps [thread]      the thread's CSpace (its root CNode's non-empty slots)
  sc [thread]        the thread's scheduling context
  time               simulated time and the debugger's position (instructions since boot)
  focus [thread]     later breakpoints apply only in that thread's address space (none: all)
`;

/** Runs one monitor command; returns its output text. */
export function monitorCommand(dbg: Debugger, line: string, cur: Tcb | null): string {
  const [cmd = "", ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(" ");
  const sys = dbg.sys;
  switch (cmd) {
    case "threads": {
      let s = "";
      for (const t of dbg.threads()) {
        const st = STATES[t.state] ?? String(t.state);
        const sc = t.sc === null ? "passive" : `sc ${hex(t.sc.ptr)}`;
        s += `${hex(t.ptr)} ${threadName(t)}: ${st}${blockedOn(t)}, prio ${t.priority}, ${sc}, pc ${hex(pcOfTcb(t))}\n`;
      }
      return s;
    }
    case "caps": {
      const t = findThread(dbg, arg, cur);
      if (t === null) return `no thread ${arg}\n`;
      const root = t.cte[tcbCTable];
      const cn = root.obj;
      if (!(cn instanceof CNode)) return `${threadName(t)} has no CSpace\n`;
      let s = `${threadName(t)}: CNode ${hex(cn.ptr)}, ${cn.slotsMade.length} slots\n`;
      cn.slotsMade.forEach((c, i) => {
        if (c === null || c.type === 0) return;
        const name = c.obj instanceof Object && "name" in c.obj ? ` (${String(c.obj.name)})` : "";
        const badge = c.dataHi !== 0 || c.dataLo !== 0 ? ` data ${hex(c.dataHi * 2 ** 32 + c.dataLo)}` : "";
        s += `  ${i}: ${capTypeName(c.type)} ${hex(c.ptr)}${name}${badge}\n`;
      });
      return s;
    }
    case "sc": {
      const t = findThread(dbg, arg, cur);
      return t === null ? `no thread ${arg}\n` : `${threadName(t)}: ${scLine(t)}\n`;
    }
    case "time": {
      const ticks = sys.machine.clock.now;
      return `simulated time ${(ticks / 10).toFixed(1)} us (${ticks} ticks), ${sys.kernel.state.entries} kernel entries, position ${dbg.steps}\n`;
    }
    case "focus": {
      if (arg === "") {
        dbg.focus = null;
        return "breakpoints apply in every address space\n";
      }
      const t = findThread(dbg, arg, null);
      if (t === null) return `no thread ${arg}\n`;
      dbg.focus = t;
      return `breakpoints apply in the address space of ${threadName(t)}\n`;
    }
    default:
      return HELP;
  }
}
