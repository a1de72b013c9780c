// Kernel-aware `monitor …` commands of the debugger: what seL4 knows about threads, capabilities
// and scheduling contexts, read from the kernel state (never changing it). They work for every
// thread, TS threads included.

import { cap_cnode_cap, cap_endpoint_cap, cap_notification_cap, capTypeName } from "../../abi/captypes.ts";
import { tcbCTable } from "../../abi/thread.ts";
import { CNode, Endpoint, Notification, Tcb, type Cte } from "../../kernel/structures.ts";
import { pcOfTcb, type Debugger } from "./debugger.ts";
import { rt } from "../../user/runtime.ts";
import { errorByName, resolveCptr, syscallByName, type EventBreak } from "./events.ts";

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

/**
 * Whether `t` runs TypeScript: it is parked in the TS engine, or starts at a registered TS entry
 * where its address space holds no instruction (as System.run decides).
 */
function isTsThread(dbg: Debugger, t: Tcb): boolean {
  if (dbg.sys.engine.owns(t)) return true;
  const pc = pcOfTcb(t);
  if (!rt.entries.has(pc)) return false;
  const code = dbg.readMemory(t, pc, 4);
  return code === null || code.length < 4 || code.every((b) => b === 0);
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
  threads            every thread: TS or RV64, state, priority, core, SC, what it is blocked on, pc
  caps [thread]      the thread's CSpace (its root CNode's non-empty slots)
  sc [thread]        the thread's scheduling context
  time               simulated time and the debugger's position (instructions since boot)
  focus [thread]     later breakpoints apply only in that thread's address space (none: all)
  snapshot-every <n> snapshot the system every n instructions for reverse execution (0: never)
  break-on fault [thread]       stop when a thread (any, or this one) faults
  break-on syscall <name>       stop when a thread makes this system call (seL4_SysCall, Send, ...)
  break-on error [seL4_Error]   stop when an invocation fails (with any error, or this one)
  break-on ipc <object>         stop on a Send/Call/Signal to this endpoint or notification:
                                <thread>:<cptr> as \`caps\` lists it, or the object's address
  break-list                    the kernel-event breakpoints
  break-delete <n>              delete one
`;

/** Calls `f` with each non-empty slot reachable from CNode cap `node` and the cptr naming it. */
function listCaps(
  node: Cte,
  bits: bigint,
  prefix: bigint,
  seen: Set<CNode>,
  f: (cptr: bigint, c: Cte) => void,
): void {
  const cn = node.obj as CNode;
  const level = BigInt(node.guardSize + node.sizeBits);
  if (seen.has(cn) || level > bits || seen.size > 64) return;
  seen.add(cn);
  const rest = bits - level;
  const guard = (BigInt(node.dataHi) << 32n) | BigInt(node.dataLo);
  const base = prefix | ((guard & ((1n << BigInt(node.guardSize)) - 1n)) << (rest + BigInt(node.sizeBits)));
  cn.slotsMade.forEach((c, i) => {
    if (c === null || c.type === 0) return;
    const cptr = base | (BigInt(i) << rest);
    if (c.type === cap_cnode_cap && rest > 0n) listCaps(c, rest, cptr, seen, f);
    else f(cptr, c);
  });
}

function parseNumber(s: string): number | null {
  const n = Number(s);
  return s !== "" && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The object an IPC breakpoint names: `<thread>:<cptr>` (a cap, as \`caps\` lists it) or an address. */
function ipcObject(dbg: Debugger, spec: string): { ptr: number; text: string } | string {
  const colon = spec.lastIndexOf(":");
  if (colon > 0) {
    const t = findThread(dbg, spec.slice(0, colon), null);
    const cptr = parseNumber(spec.slice(colon + 1));
    if (t === null || cptr === null) return `no thread or cptr in ${spec}\n`;
    const slot = resolveCptr(t, BigInt(cptr));
    if (slot === null || (slot.type !== cap_endpoint_cap && slot.type !== cap_notification_cap))
      return `${spec} is not an endpoint or notification cap\n`;
    return { ptr: slot.ptr, text: `${capTypeName(slot.type)} ${hex(slot.ptr)} (${spec})` };
  }
  const ptr = parseNumber(spec);
  const o = ptr === null ? undefined : dbg.sys.kernel.state.objects.get(ptr);
  if (ptr === null || !(o instanceof Endpoint || o instanceof Notification))
    return `no endpoint or notification at ${spec}\n`;
  return { ptr, text: `${o instanceof Endpoint ? "endpoint" : "notification"} ${hex(ptr)}` };
}

function breakOn(dbg: Debugger, args: string[]): string {
  const [kind = "", what = ""] = args;
  let b: Omit<EventBreak, "id"> | string;
  switch (kind) {
    case "fault": {
      const t = what === "" ? null : findThread(dbg, what, null);
      b =
        what !== "" && t === null
          ? `no thread ${what}\n`
          : {
              kind,
              thread: t?.ptr ?? -1,
              value: 0,
              text: `fault of ${t === null ? "any thread" : threadName(t)}`,
            };
      break;
    }
    case "syscall": {
      const n = syscallByName(what);
      b = n === null ? `no system call ${what}\n` : { kind, thread: -1, value: n, text: `syscall ${what}` };
      break;
    }
    case "error": {
      const e = what === "" ? -1 : errorByName(what);
      b =
        e === null
          ? `no seL4_Error ${what}\n`
          : { kind, thread: -1, value: e, text: `invocation error ${e < 0 ? "(any)" : what}` };
      break;
    }
    case "ipc": {
      const o = ipcObject(dbg, what);
      b = typeof o === "string" ? o : { kind, thread: -1, value: o.ptr, text: `ipc to ${o.text}` };
      break;
    }
    default:
      return "break-on fault [thread] | syscall <name> | error [seL4_Error] | ipc <object>\n";
  }
  if (typeof b === "string") return b;
  const id = dbg.nextEventBreak++;
  dbg.eventBreaks.push({ id, ...b });
  return `kernel-event breakpoint ${id}: ${b.text}\n`;
}

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
        const kind = isTsThread(dbg, t) ? "TS" : "RV64";
        const core = sys.kernel.numNodes > 1 ? `, core ${t.affinity}` : "";
        s += `${hex(t.ptr)} ${threadName(t)} [${kind}]: ${st}${blockedOn(t)}, prio ${t.priority}${core}, ${sc}, pc ${hex(pcOfTcb(t))}\n`;
      }
      return s;
    }
    case "caps": {
      const t = findThread(dbg, arg, cur);
      if (t === null) return `no thread ${arg}\n`;
      const root = t.cte[tcbCTable];
      if (!(root.obj instanceof CNode)) return `${threadName(t)} has no CSpace\n`;
      let s = `${threadName(t)}: CSpace root CNode ${hex(root.ptr)}; caps by cptr (name one as ${threadName(t)}:<cptr>)\n`;
      listCaps(root, 64n, 0n, new Set(), (cptr, c) => {
        const badge = c.dataHi !== 0 || c.dataLo !== 0 ? ` badge ${hex(c.dataHi * 2 ** 32 + c.dataLo)}` : "";
        const name = c.obj instanceof Tcb ? ` (${threadName(c.obj)})` : "";
        s += `  ${hex(Number(cptr))}: ${capTypeName(c.type)} ${hex(c.ptr)}${name}${badge}\n`;
      });
      return s;
    }
    case "sc": {
      const t = findThread(dbg, arg, cur);
      return t === null ? `no thread ${arg}\n` : `${threadName(t)}: ${scLine(t)}\n`;
    }
    case "time": {
      const ticks = sys.machine.clock.now;
      const st = dbg.snapshotStats;
      const snaps =
        st.count > 0
          ? `${st.count} snapshots (every ${st.every} instructions, ${(st.bytes / 2 ** 20).toFixed(1)} MiB)`
          : "no snapshots (reverse execution replays from boot)";
      return `simulated time ${(ticks / 10).toFixed(1)} us (${ticks} ticks), ${sys.kernel.state.entries} kernel entries, position ${dbg.steps}; ${snaps}\n`;
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
    case "snapshot-every": {
      const n = parseNumber(arg);
      if (n === null) return "snapshot-every <instructions> (0: none)\n";
      dbg.setSnapshotEvery(n);
      return n > 0 ? `a snapshot every ${n} instructions\n` : "no more snapshots\n";
    }
    case "break-on":
      return breakOn(dbg, rest);
    case "break-list": {
      if (dbg.eventBreaks.length === 0) return "no kernel-event breakpoints\n";
      return dbg.eventBreaks.map((b) => `${b.id}: ${b.text}\n`).join("");
    }
    case "break-delete": {
      const n = Number(arg);
      const i = dbg.eventBreaks.findIndex((b) => b.id === n);
      if (i < 0) return `no kernel-event breakpoint ${arg}\n`;
      dbg.eventBreaks.splice(i, 1);
      return `deleted kernel-event breakpoint ${n}\n`;
    }
    default:
      return HELP;
  }
}
