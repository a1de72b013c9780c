// timer: a driver PD for QEMU virt's Goldfish RTC, in the style of an sDDF timer driver. It owns
// the device registers (a fixed-physical-address memory region) and the RTC's interrupt, and
// serves its clients over protected procedure calls: GET_TIME answers the current time in
// nanoseconds, SET_TIMEOUT (MR0 = a relative timeout in ns) asks for a notification on the
// client's channel once that much time has passed. One pending timeout per client.
import { sel4ts_read, sel4ts_write } from "sel4ts/libsel4";
import {
  microkit_dbg_puts,
  microkit_irq_ack,
  microkit_mr_get,
  microkit_mr_set,
  microkit_msginfo_get_label,
  microkit_msginfo_new,
  microkit_notify,
  microkit_var,
  type microkit_channel,
  type microkit_msginfo,
} from "sel4ts/microkit";
import { TIMER_GET_TIME, TIMER_SET_TIMEOUT, formatMs } from "./timer_protocol.ts";

const IRQ_CH = 0;

// Goldfish RTC register offsets.
const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_INTERRUPT = 0x1c;

const TWO_32 = 2 ** 32;

/** Absolute deadline (ns) of each client channel with a timeout pending. */
const deadlines = new Map<microkit_channel, number>();

function regs(): number {
  return Number(microkit_var("timer_regs"));
}

function* now() {
  // TIME_LOW first: reading it latches the matching high half.
  const lo = yield* sel4ts_read(regs() + TIME_LOW, 4);
  const hi = yield* sel4ts_read(regs() + TIME_HIGH, 4);
  return hi * TWO_32 + lo;
}

/** Programs the alarm for the earliest pending deadline (nothing to do when there is none). */
function* program() {
  let next = Infinity;
  for (const d of deadlines.values()) next = Math.min(next, d);
  if (next === Infinity) return;
  // ALARM_HIGH only takes effect with the ALARM_LOW write that arms the alarm.
  yield* sel4ts_write(regs() + ALARM_HIGH, 4, Math.floor(next / TWO_32));
  yield* sel4ts_write(regs() + ALARM_LOW, 4, next % TWO_32);
}

export default {
  *init() {
    deadlines.clear();
    yield* sel4ts_write(regs() + IRQ_ENABLED, 4, 1);
    const paddr = microkit_var("timer_paddr").toString(16);
    yield* microkit_dbg_puts(
      `TIMER: Goldfish RTC driver started, registers at 0x${paddr} mapped at 0x${regs().toString(16)}\n`,
    );
  },

  *notified(ch: microkit_channel) {
    if (ch !== IRQ_CH) {
      yield* microkit_dbg_puts(`TIMER: unexpected notification on channel ${ch}\n`);
      return;
    }
    // The line is level: lower it in the device before re-enabling the IRQ in the kernel.
    yield* sel4ts_write(regs() + CLEAR_INTERRUPT, 4, 1);
    yield* microkit_irq_ack(IRQ_CH);
    const t = yield* now();
    yield* microkit_dbg_puts(`TIMER: got a timeout! Current time is ${formatMs(t)}\n`);
    for (const [client, d] of [...deadlines]) {
      if (d <= t) {
        deadlines.delete(client);
        yield* microkit_notify(client);
      }
    }
    yield* program();
  },

  *protected(ch: microkit_channel, msginfo: microkit_msginfo) {
    switch (microkit_msginfo_get_label(msginfo)) {
      case TIMER_GET_TIME:
        microkit_mr_set(0, yield* now());
        return microkit_msginfo_new(0, 1);
      case TIMER_SET_TIMEOUT: {
        const timeout = Number(microkit_mr_get(0));
        deadlines.set(ch, (yield* now()) + timeout);
        yield* program();
        return microkit_msginfo_new(0, 0);
      }
      default:
        yield* microkit_dbg_puts(`TIMER: unknown request ${microkit_msginfo_get_label(msginfo)}\n`);
        return microkit_msginfo_new(1, 0);
    }
  },
};
