// sel4ts/microkit: libmicrokit for TypeScript (names letter for letter with libmicrokit), and the
// protection domain's start-up and event loop (libmicrokit/src/main.c, handler_loop).
//
// A PD's configuration reaches it the way the Microkit tool patches it into a C PD's ELF: the
// builder writes the "patched symbols" into the first page of the PD's program image, which the
// PD reads through its own VSpace (layout: MICROKIT_SYMBOLS_* below). Per-PD state lives in the
// thread's TLS (rt.tls), so one module may serve several PDs.

import {
  IRQAckIRQ,
  seL4_DebugPutChar,
  seL4_GetMR,
  seL4_IRQHandler_Ack,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_get_length,
  seL4_MessageInfo_new,
  seL4_NBSendRecv,
  seL4_Recv,
  seL4_ReplyRecv,
  seL4_Send,
  seL4_SetMR,
  seL4_Signal,
  seL4_TCB_Resume,
  seL4_TCB_Suspend,
  seL4_TCB_WriteRegisters,
  seL4_Call,
  sel4ts_read,
  sel4ts_read_bytes,
  type seL4_MessageInfo_t,
  type seL4_Word,
} from "./libsel4.ts";
import { rt, type UserGenerator } from "./runtime.ts";

export type microkit_channel = number;
export type microkit_child = number;
export type microkit_msginfo = seL4_MessageInfo_t;

export const MICROKIT_MAX_CHANNELS = 62;
export const MICROKIT_MAX_CHANNEL_ID = 61;
export const MICROKIT_PD_NAME_LENGTH = 64;

/** Microkit CNode slots (microkit.md §3.3). */
export const INPUT_CAP = 1;
export const FAULT_EP_CAP = 2;
export const VSPACE_CAP = 3;
export const REPLY_CAP = 4;
export const MONITOR_EP = 5;
export const BASE_OUTPUT_NOTIFICATION_CAP = 10;
export const BASE_ENDPOINT_CAP = 74;
export const BASE_IRQ_CAP = 138;
export const BASE_TCB_CAP = 202;

/** Where the builder writes a PD's patched symbols: the first page of its program image. */
export const MICROKIT_SYMBOLS_VADDR = 0x200000;
// The page starts with a zero word: as an instruction that is illegal, so the page can never be
// mistaken for machine code (the system runs a thread whose pc holds 0 there as TypeScript).
export const MICROKIT_SYMBOLS_NAME = 8; // char[64]
export const MICROKIT_SYMBOLS_PASSIVE = 72; // u8
export const MICROKIT_SYMBOLS_IRQS = 80; // u64
export const MICROKIT_SYMBOLS_NOTIFICATIONS = 88; // u64
export const MICROKIT_SYMBOLS_PPS = 96; // u64
export const MICROKIT_SYMBOLS_IOPORTS = 104; // u64
export const MICROKIT_SYMBOLS_NVARS = 112; // u64: number of setvar entries that follow
export const MICROKIT_SYMBOLS_VARS = 120; // entries: name char[32], value u64
export const MICROKIT_SYMBOLS_VAR_BYTES = 40;

const PPC_BADGE = 1n << 63n;
const FAULT_BADGE = 1n << 62n;

/** What a PD module provides (as methods of its default export or as named exports). */
export interface MicrokitProgram {
  init?: () => Generator<unknown, unknown, unknown> | unknown;
  notified?: (ch: microkit_channel) => Generator<unknown, unknown, unknown> | unknown;
  protected?: (
    ch: microkit_channel,
    msginfo: microkit_msginfo,
  ) => Generator<unknown, unknown, unknown> | unknown;
  fault?: (
    child: microkit_child,
    msginfo: microkit_msginfo,
  ) => Generator<unknown, unknown, unknown> | unknown;
}

interface PdState {
  name: string;
  passive: boolean;
  irqs: bigint;
  notifications: bigint;
  pps: bigint;
  vars: Map<string, number | bigint>;
  haveSignal: boolean;
  signalCap: number;
  signalMsg: seL4_MessageInfo_t;
}

/** The PD's name (microkit_name); valid whenever PD code runs. */
export let microkit_name = "";

function pd(): PdState {
  const s = rt.tls as PdState | null;
  if (s === null) throw new Error("libmicrokit used outside a protection domain");
  return s;
}

const previousResume = rt.onResume;
rt.onResume = () => {
  const s = rt.tls as PdState | null;
  microkit_name = s !== null && "signalCap" in s ? s.name : "";
  if (previousResume !== null) previousResume();
};

function bit(mask: bigint, ch: number): boolean {
  return ch >= 0 && ch <= MICROKIT_MAX_CHANNEL_ID && ((mask >> BigInt(ch)) & 1n) === 1n;
}

function* dbg(s: string): UserGenerator<void> {
  for (let i = 0; i < s.length; i++) yield* seL4_DebugPutChar(s.charCodeAt(i) & 0xff);
}

export function* microkit_dbg_putc(c: number | string): UserGenerator<void> {
  yield* seL4_DebugPutChar(typeof c === "string" ? c.charCodeAt(0) : c);
}

export function* microkit_dbg_puts(s: string): UserGenerator<void> {
  yield* dbg(s);
}

export function* microkit_notify(ch: microkit_channel): UserGenerator<void> {
  const s = pd();
  if (!bit(s.notifications, ch)) {
    yield* dbg(`${s.name} microkit_notify: invalid channel given '${ch}'\n`);
    return;
  }
  yield* seL4_Signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
}

export function* microkit_ppcall(
  ch: microkit_channel,
  msginfo: microkit_msginfo,
): UserGenerator<microkit_msginfo> {
  const s = pd();
  if (!bit(s.pps, ch)) {
    yield* dbg(`${s.name} microkit_ppcall: invalid channel given '${ch}'\n`);
    return seL4_MessageInfo_new(0, 0, 0, 0);
  }
  return yield* seL4_Call(BASE_ENDPOINT_CAP + ch, msginfo);
}

export function* microkit_irq_ack(ch: microkit_channel): UserGenerator<void> {
  const s = pd();
  if (!bit(s.irqs, ch)) {
    yield* dbg(`${s.name} microkit_irq_ack: invalid channel given '${ch}'\n`);
    return;
  }
  yield* seL4_IRQHandler_Ack(BASE_IRQ_CAP + ch);
}

// The deferred operations only record what to send (plain functions in libmicrokit); they are
// generators here because a bad channel prints its diagnostic through the kernel.
export function* microkit_deferred_notify(ch: microkit_channel): UserGenerator<void> {
  const s = pd();
  if (!bit(s.notifications, ch)) {
    yield* dbg(`${s.name} microkit_deferred_notify: invalid channel given '${ch}'\n`);
    return;
  }
  s.haveSignal = true;
  s.signalCap = BASE_OUTPUT_NOTIFICATION_CAP + ch;
  s.signalMsg = seL4_MessageInfo_new(0, 0, 0, 0);
}

export function* microkit_deferred_irq_ack(ch: microkit_channel): UserGenerator<void> {
  const s = pd();
  if (!bit(s.irqs, ch)) {
    yield* dbg(`${s.name} microkit_deferred_irq_ack: invalid channel given '${ch}'\n`);
    return;
  }
  s.haveSignal = true;
  s.signalCap = BASE_IRQ_CAP + ch;
  s.signalMsg = seL4_MessageInfo_new(IRQAckIRQ, 0, 0, 0);
}

export function* microkit_pd_restart(pd: microkit_child, entry_point: seL4_Word): UserGenerator<void> {
  const err = yield* seL4_TCB_WriteRegisters(BASE_TCB_CAP + pd, true, 0, 1, { pc: entry_point });
  if (err !== 0) yield* dbg(`microkit_pd_restart: error writing registers\n`);
}

export function* microkit_pd_stop(pd: microkit_child): UserGenerator<void> {
  const err = yield* seL4_TCB_Suspend(BASE_TCB_CAP + pd);
  if (err !== 0) yield* dbg(`microkit_pd_stop: error suspending\n`);
}

export function* microkit_pd_resume(pd: microkit_child): UserGenerator<void> {
  const err = yield* seL4_TCB_Resume(BASE_TCB_CAP + pd);
  if (err !== 0) yield* dbg(`microkit_pd_resume: error resuming\n`);
}

export function microkit_msginfo_new(label: seL4_Word, count: number): microkit_msginfo {
  return seL4_MessageInfo_new(label, 0, 0, count);
}
export function microkit_msginfo_get_label(m: microkit_msginfo): number {
  return seL4_MessageInfo_get_label(m);
}
export function microkit_msginfo_get_count(m: microkit_msginfo): number {
  return seL4_MessageInfo_get_length(m);
}
export function microkit_mr_set(i: number, v: seL4_Word): void {
  seL4_SetMR(i, v);
}
export function microkit_mr_get(i: number): seL4_Word {
  return seL4_GetMR(i);
}

/** The virtual address (or value) the tool patched into a `setvar` symbol of this PD. */
export function microkit_var(name: string): number | bigint {
  const v = pd().vars.get(name);
  if (v === undefined) throw new Error(`${pd().name}: no setvar named '${name}'`);
  return v;
}

function* readSymbols(): UserGenerator<PdState> {
  const base = MICROKIT_SYMBOLS_VADDR;
  const nameBytes = yield* sel4ts_read_bytes(base + MICROKIT_SYMBOLS_NAME, MICROKIT_PD_NAME_LENGTH);
  let name = "";
  for (const b of nameBytes) {
    if (b === 0) break;
    name += String.fromCharCode(b);
  }
  const passive = (yield* sel4ts_read(base + MICROKIT_SYMBOLS_PASSIVE, 1)) !== 0;
  const irqs = yield* sel4ts_read(base + MICROKIT_SYMBOLS_IRQS, 8);
  const notifications = yield* sel4ts_read(base + MICROKIT_SYMBOLS_NOTIFICATIONS, 8);
  const pps = yield* sel4ts_read(base + MICROKIT_SYMBOLS_PPS, 8);
  const n = Number(yield* sel4ts_read(base + MICROKIT_SYMBOLS_NVARS, 8));
  const vars = new Map<string, number | bigint>();
  for (let i = 0; i < n; i++) {
    const at = base + MICROKIT_SYMBOLS_VARS + i * MICROKIT_SYMBOLS_VAR_BYTES;
    const raw = yield* sel4ts_read_bytes(at, 32);
    let key = "";
    for (const b of raw) {
      if (b === 0) break;
      key += String.fromCharCode(b);
    }
    const value = yield* sel4ts_read(at + 32, 8);
    vars.set(key, value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);
  }
  return {
    name,
    passive,
    irqs,
    notifications,
    pps,
    vars,
    haveSignal: false,
    signalCap: 0,
    signalMsg: 0,
  };
}

/** Run an entry point that may be a generator function or a plain function. */
function* call<T>(v: unknown): UserGenerator<T> {
  if (v !== null && typeof v === "object" && typeof (v as Generator).next === "function") {
    return (yield* v as UserGenerator<unknown>) as T;
  }
  return v as T;
}

/**
 * A PD's main (libmicrokit's main + handler_loop): read the patched symbols, run init, arm the
 * passive request, pre-acknowledge IRQs, then serve events forever.
 */
export function microkitMain(prog: MicrokitProgram): () => UserGenerator {
  return function* (): UserGenerator {
    const s = yield* readSymbols();
    rt.tls = s;
    microkit_name = s.name;
    if (prog.init !== undefined) yield* call(prog.init());
    if (s.passive) {
      s.haveSignal = true;
      s.signalCap = MONITOR_EP;
      s.signalMsg = seL4_MessageInfo_new(0, 0, 0, 0);
    }
    for (let i = 0; i <= MICROKIT_MAX_CHANNEL_ID; i++) {
      if (bit(s.irqs, i)) yield* seL4_IRQHandler_Ack(BASE_IRQ_CAP + i);
    }
    let haveReply = false;
    let replyTag: seL4_MessageInfo_t = 0;
    for (;;) {
      let r: { info: seL4_MessageInfo_t; sender: seL4_Word };
      if (haveReply) {
        if (s.haveSignal) {
          yield* seL4_Send(s.signalCap, s.signalMsg);
          s.haveSignal = false;
        }
        r = yield* seL4_ReplyRecv(INPUT_CAP, replyTag, REPLY_CAP);
      } else if (s.haveSignal) {
        r = yield* seL4_NBSendRecv(s.signalCap, s.signalMsg, INPUT_CAP, REPLY_CAP);
        s.haveSignal = false;
      } else {
        r = yield* seL4_Recv(INPUT_CAP, REPLY_CAP);
      }
      haveReply = false;
      const badge = BigInt(r.sender);
      if ((badge & FAULT_BADGE) !== 0n) {
        const child = Number(badge & 0xffn);
        if (prog.fault === undefined) {
          yield* dbg(`${s.name} is missing the 'fault' entry point\n`);
          continue;
        }
        const res = yield* call<boolean | { reply: boolean; reply_msginfo: seL4_MessageInfo_t }>(
          prog.fault(child, r.info),
        );
        if (typeof res === "object" && res !== null) {
          haveReply = res.reply;
          replyTag = res.reply_msginfo;
        } else {
          haveReply = res === true;
          replyTag = seL4_MessageInfo_new(0, 0, 0, 0);
        }
      } else if ((badge & PPC_BADGE) !== 0n) {
        const ch = Number(badge & 0x3fn);
        if (prog.protected === undefined) {
          yield* dbg(`${s.name} is missing the 'protected' entry point\n`);
          continue;
        }
        replyTag =
          (yield* call<seL4_MessageInfo_t>(prog.protected(ch, r.info))) ?? seL4_MessageInfo_new(0, 0, 0, 0);
        haveReply = true;
      } else {
        for (let i = 0; badge >> BigInt(i) !== 0n && i < 64; i++) {
          if (((badge >> BigInt(i)) & 1n) === 1n && prog.notified !== undefined)
            yield* call(prog.notified(i));
        }
      }
    }
  };
}

/** The entry points of a PD module: its default export object, or its named exports. */
export function microkitProgramOf(mod: Record<string, unknown>): MicrokitProgram {
  const d = mod.default;
  const src = (d !== null && typeof d === "object" ? d : mod) as Record<string, unknown>;
  const fn = (k: string) => (typeof src[k] === "function" ? (src[k] as never) : undefined);
  return { init: fn("init"), notified: fn("notified"), protected: fn("protected"), fault: fn("fault") };
}

export { PPC_BADGE, FAULT_BADGE };
