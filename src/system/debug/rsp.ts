// The GDB remote serial protocol on top of the Debugger, without I/O: `handle` takes one packet's
// payload and returns the reply payload, or RESUME when the target must run (the transport then
// calls `runSlice` until it returns the stop reply, so a Ctrl-C can arrive between slices).
// Every seL4 thread is a GDB thread, its id the TCB's physical address.

import { FpuState } from "../../machine/riscv/fpregs.ts";
import type { Tcb } from "../../kernel/structures.ts";
import { NextIP } from "../../abi/registers.ts";
import { Debugger, pcOfTcb, type ExitEvent, type StopEvent } from "./debugger.ts";
import { monitorCommand } from "./monitor.ts";

export const RESUME = Symbol("resume");
export type Reply = string | typeof RESUME;

const SLICE = 200_000;

function hex64(lo: number, hi: number): string {
  let s = "";
  for (const w of [lo, hi])
    for (let b = 0; b < 4; b++) s += ((w >>> (8 * b)) & 0xff).toString(16).padStart(2, "0");
  return s;
}

function bytesToHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const X_NAMES = [
  "zero",
  "ra",
  "sp",
  "gp",
  "tp",
  "t0",
  "t1",
  "t2",
  "fp",
  "s1",
  "a0",
  "a1",
  "a2",
  "a3",
  "a4",
  "a5",
  "a6",
  "a7",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "s8",
  "s9",
  "s10",
  "s11",
  "t3",
  "t4",
  "t5",
  "t6",
];

function targetXml(fpu: boolean): string {
  let cpu = `<feature name="org.gnu.gdb.riscv.cpu">`;
  X_NAMES.forEach((n, i) => {
    const type = n === "ra" || n === "sp" || n === "fp" ? (n === "ra" ? "code_ptr" : "data_ptr") : "int";
    cpu += `<reg name="${n}" bitsize="64" type="${type}" regnum="${i}"/>`;
  });
  cpu += `<reg name="pc" bitsize="64" type="code_ptr" regnum="32"/></feature>`;
  let fp = "";
  if (fpu) {
    fp = `<feature name="org.gnu.gdb.riscv.fpu">`;
    for (let i = 0; i < 32; i++)
      fp += `<reg name="ft${i}" bitsize="64" type="ieee_double" regnum="${33 + i}"/>`;
    fp = fp.replace(/ft(\d+)"/g, (_m, d: string) => `f${d}"`);
    fp += `<reg name="fflags" bitsize="32" type="int" regnum="65"/>`;
    fp += `<reg name="frm" bitsize="32" type="int" regnum="66"/>`;
    fp += `<reg name="fcsr" bitsize="32" type="int" regnum="67"/></feature>`;
  }
  return `<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0"><architecture>riscv:rv64</architecture>${cpu}${fp}</target>`;
}

export class RspSession {
  /** The thread register and memory packets refer to (Hg). */
  private selected: Tcb | null = null;
  private lastStop: StopEvent | ExitEvent | null = null;
  private resuming: "continue" | "step" | null = null;

  // GDB thread ids are small positive numbers (it reads them as signed 32-bit): each TCB gets the
  // next one when first listed, in address order, so they are stable across replays.
  private readonly ids = new Map<number, number>();
  private readonly byId = new Map<number, number>();

  constructor(readonly dbg: Debugger) {}

  private tid(t: Tcb): string {
    let id = this.ids.get(t.ptr);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(t.ptr, id);
      this.byId.set(id, t.ptr);
    }
    return id.toString(16);
  }

  private listThreads(): Tcb[] {
    const ts = this.dbg.threads();
    for (const t of ts) this.tid(t);
    return ts;
  }

  private threadOf(id: number): Tcb | null {
    const ptr = this.byId.get(id);
    return ptr === undefined ? null : this.dbg.threadById(ptr);
  }

  /** The stop before the first user instruction; call once before serving. */
  begin(): void {
    this.lastStop = this.dbg.start();
  }

  private get fpu(): boolean {
    return this.dbg.sys.rv.fpu;
  }

  private thread(): Tcb | null {
    return this.selected ?? this.dbg.current ?? this.dbg.threads()[0] ?? null;
  }

  stopReply(e: StopEvent | ExitEvent | null): string {
    if (e === null || e.kind === "exited") return "W00";
    const t = e.thread ?? this.dbg.current;
    // An interrupt is SIGINT for GDB ("Program received signal SIGINT"); every other stop SIGTRAP.
    let s = e.kind === "interrupt" ? "T02" : "T05";
    if (t !== null) s += `thread:${this.tid(t)};`;
    if (e.kind === "breakpoint") s += "swbreak:;";
    if (e.kind === "watch" && e.watchAddr !== undefined) {
      const name = e.watchKind === "read" ? "rwatch" : e.watchKind === "access" ? "awatch" : "watch";
      s += `${name}:${e.watchAddr.toString(16)};`;
    }
    if (e.kind === "begin") s += "replaylog:begin;";
    return s;
  }

  private fpState(t: Tcb): FpuState {
    this.dbg.sys.rv.fpuRelease(t);
    let f = t.fpuState as FpuState | null;
    if (f === null) {
      f = new FpuState();
      t.fpuState = f;
    }
    return f;
  }

  private readRegs(t: Tcb): string {
    const r = t.regs;
    let s = hex64(0, 0);
    for (let x = 1; x < 32; x++) s += hex64(r[2 * x - 2], r[2 * x - 1]);
    s += hex64(r[2 * NextIP], r[2 * NextIP + 1]);
    if (this.fpu) {
      const f = this.fpState(t);
      for (let i = 0; i < 32; i++) s += hex64(f.i32[2 * i], f.i32[2 * i + 1]);
      const w32 = (v: number): string => hex64(v, 0).slice(0, 8);
      s += w32(f.fflags) + w32(f.frm) + w32((f.frm << 5) | f.fflags);
    }
    return s;
  }

  private writeReg(t: Tcb, n: number, b: Uint8Array): boolean {
    const lo = le32(b, 0);
    const hi = b.length >= 8 ? le32(b, 4) : 0;
    if (n === 0) return true;
    this.dbg.diverged();
    if (n < 32) {
      t.regs[2 * n - 2] = lo;
      t.regs[2 * n - 1] = hi;
    } else if (n === 32) {
      t.regs[2 * NextIP] = lo;
      t.regs[2 * NextIP + 1] = hi;
    } else if (this.fpu && n < 65) {
      const f = this.fpState(t);
      f.i32[2 * (n - 33)] = lo;
      f.i32[2 * (n - 33) + 1] = hi;
    } else if (this.fpu && n <= 67) {
      const f = this.fpState(t);
      if (n === 65) f.fflags = lo & 31;
      else if (n === 66) f.frm = lo & 7;
      else {
        f.fflags = lo & 31;
        f.frm = (lo >>> 5) & 7;
      }
    } else return false;
    return true;
  }

  /** What GDB shows after a thread's name: on a multicore kernel, the core that runs it. */
  private extraInfo(t: Tcb): string {
    return this.dbg.sys.kernel.numNodes > 1 ? `core ${t.affinity}` : "";
  }

  private threadsXml(): string {
    let s = `<?xml version="1.0"?><threads>`;
    for (const t of this.listThreads()) {
      const name = xmlEscape(t.name || `tcb@${t.ptr.toString(16)}`);
      const extra = this.extraInfo(t);
      s +=
        `<thread id="${this.tid(t)}" name="${name}"` +
        (extra === "" ? "/>" : `>${xmlEscape(extra)}</thread>`);
    }
    return s + "</threads>";
  }

  private xfer(doc: string, args: string): string {
    const [o, l] = args.split(",").map((v) => parseInt(v, 16));
    const part = doc.slice(o, o + l);
    return (o + l >= doc.length ? "l" : "m") + part;
  }

  private parseTid(s: string): Tcb | null | "any" {
    if (s === "-1" || s === "0" || s === "") return "any";
    return this.threadOf(parseInt(s.replace(/^p[0-9a-f]+\./, ""), 16));
  }

  handle(p: string): Reply {
    const dbg = this.dbg;
    if (p.startsWith("qSupported"))
      return "PacketSize=4000;qXfer:features:read+;qXfer:threads:read+;swbreak+;hwbreak+;vContSupported+;ReverseStep+;ReverseContinue+;QStartNoAckMode+";
    if (p === "QStartNoAckMode") return "OK";
    if (p === "?") return this.stopReply(this.lastStop);
    if (p === "qAttached") return "1";
    if (p === "qC") {
      const c = this.thread();
      return c !== null ? `QC${this.tid(c)}` : "";
    }
    if (p === "qfThreadInfo")
      return (
        "m" +
        this.listThreads()
          .map((t) => this.tid(t))
          .join(",")
      );
    if (p === "qsThreadInfo") return "l";
    if (p.startsWith("qXfer:features:read:target.xml:")) return this.xfer(targetXml(this.fpu), p.slice(31));
    if (p.startsWith("qXfer:threads:read::")) return this.xfer(this.threadsXml(), p.slice(20));
    if (p.startsWith("qThreadExtraInfo,")) {
      const t = this.threadOf(parseInt(p.slice(17), 16));
      const extra = t === null ? "" : this.extraInfo(t);
      return bytesToHex(new TextEncoder().encode(extra !== "" ? extra : (t?.name ?? "")));
    }
    if (p.startsWith("H")) {
      const t = this.parseTid(p.slice(2));
      if (t === null) return "E01";
      if (p[1] === "g") this.selected = t === "any" ? null : t;
      return "OK";
    }
    if (p.startsWith("T")) return this.parseTid(p.slice(1)) !== null ? "OK" : "E01";
    if (p.startsWith("qRcmd,")) {
      const cmd = new TextDecoder().decode(hexToBytes(p.slice(6)));
      const out = monitorCommand(dbg, cmd, this.thread());
      return out === "" ? "OK" : bytesToHex(new TextEncoder().encode(out));
    }
    const t = this.thread();
    if (p === "g") return t === null ? "E01" : this.readRegs(t);
    if (p.startsWith("p")) {
      if (t === null) return "E01";
      const n = parseInt(p.slice(1), 16);
      const all = this.readRegs(t);
      const off = n <= 32 ? n * 16 : n <= 64 ? 33 * 16 + (n - 33) * 16 : 65 * 16 + (n - 65) * 8;
      const w = n <= 64 ? 16 : 8;
      return off + w <= all.length ? all.slice(off, off + w) : "E01";
    }
    if (p.startsWith("P")) {
      const [n, v] = p.slice(1).split("=");
      return t !== null && this.writeReg(t, parseInt(n, 16), hexToBytes(v)) ? "OK" : "E01";
    }
    if (p.startsWith("G")) {
      if (t === null) return "E01";
      const b = hexToBytes(p.slice(1));
      for (let n = 0; n <= 32 && 8 * n + 8 <= b.length; n++)
        this.writeReg(t, n, b.subarray(8 * n, 8 * n + 8));
      return "OK";
    }
    if (p.startsWith("m")) {
      const [a, l] = p
        .slice(1)
        .split(",")
        .map((v) => parseInt(v, 16));
      if (t === null) return "E01";
      const b = dbg.readMemory(t, a, l);
      return b === null ? "E14" : bytesToHex(b);
    }
    if (p.startsWith("M")) {
      const [al, data] = p.slice(1).split(":");
      const [a] = al.split(",").map((v) => parseInt(v, 16));
      return t !== null && dbg.writeMemory(t, a, hexToBytes(data)) ? "OK" : "E14";
    }
    if (/^[Zz][0-4],/.test(p)) {
      const insert = p[0] === "Z";
      const type = p[1];
      const [a, k] = p
        .slice(3)
        .split(";")[0]
        .split(",")
        .map((v) => parseInt(v, 16));
      if (type === "0" || type === "1") {
        if (insert) dbg.addBreakpoint(a);
        else dbg.removeBreakpoint(a);
        return "OK";
      }
      const kind = type === "2" ? "write" : type === "3" ? "read" : "access";
      if (!insert) {
        dbg.removeWatch(a, k, kind);
        return "OK";
      }
      return t !== null && dbg.addWatch(t, a, k, kind) ? "OK" : "E14";
    }
    if (p === "vCont?") return "vCont;c;C;s;S";
    if (p.startsWith("vCont;")) {
      // The first action names what happens; one "s" for a thread steps that thread.
      const acts = p.slice(6).split(";");
      const step = acts.find((a) => a[0] === "s" || a[0] === "S");
      // "c:N" alone resumes only thread N (see Debugger.only); a bare "c" resumes every thread.
      const only = acts.length === 1 && acts[0].includes(":") ? this.parseTid(acts[0].split(":")[1]) : "any";
      dbg.only = only === "any" ? null : only;
      if (step !== undefined) {
        const id = step.split(":")[1];
        const st = id !== undefined ? this.parseTid(id) : "any";
        const target = st === "any" || st === null ? t : st;
        if (target === null) return "E01";
        dbg.stepInstruction(target);
        this.resuming = "step";
      } else {
        dbg.resumeAll();
        this.resuming = "continue";
      }
      return RESUME;
    }
    if (p === "c" || p.startsWith("c")) {
      dbg.only = null;
      dbg.resumeAll();
      this.resuming = "continue";
      return RESUME;
    }
    if (p === "s" || p.startsWith("s")) {
      if (t === null) return "E01";
      dbg.only = null;
      dbg.stepInstruction(t);
      this.resuming = "step";
      return RESUME;
    }
    if (p === "bs" || p === "bc") {
      if (t === null) return "E01";
      this.lastStop = p === "bs" ? dbg.reverseStep(t) : dbg.reverseContinue();
      this.selected = null;
      return this.stopReply(this.lastStop);
    }
    if (p === "D") return "OK";
    if (p === "vMustReplyEmpty") return "";
    return "";
  }

  /**
   * Console output for GDB (`O` packets), to send before the next stop reply: why a kernel-event
   * breakpoint stopped.
   */
  readonly output: string[] = [];

  /** Runs the target for one slice; the stop reply when it stopped, else null (call again). */
  runSlice(): string | null {
    const e = this.dbg.run(SLICE);
    if (e === null) return null;
    if (e.kind === "event" && e.message !== undefined)
      this.output.push("O" + bytesToHex(new TextEncoder().encode(`sel4ts: ${e.message}\n`)));
    this.lastStop = e;
    this.resuming = null;
    this.selected = null;
    return this.stopReply(e);
  }

  /** Ctrl-C: stop at the next instruction boundary. */
  interrupt(): void {
    this.dbg.interruptRequested = true;
  }

  get running(): boolean {
    return this.resuming !== null;
  }
}

export { pcOfTcb };
