// timer: a client of the timer driver. It asks for a notification at each of the next whole
// seconds of the RTC's clock, reading the time and setting each timeout through protected
// procedure calls, and stops after a few.
import {
  microkit_dbg_puts,
  microkit_mr_get,
  microkit_mr_set,
  microkit_msginfo_new,
  microkit_ppcall,
  type microkit_channel,
} from "sel4ts/microkit";
import { NS_IN_S, TIMER_GET_TIME, TIMER_SET_TIMEOUT, formatMs } from "./timer_protocol.ts";

const TIMER_CH = 0;
const TIMEOUTS = 5;

let received = 0;
let target = 0;

function* timeNow() {
  yield* microkit_ppcall(TIMER_CH, microkit_msginfo_new(TIMER_GET_TIME, 0));
  return Number(microkit_mr_get(0));
}

/** Asks for a notification at the next whole second after `after`. */
function* setTimeout(after: number) {
  target = (Math.floor(after / NS_IN_S) + 1) * NS_IN_S;
  const now = yield* timeNow();
  microkit_mr_set(0, target - now);
  yield* microkit_ppcall(TIMER_CH, microkit_msginfo_new(TIMER_SET_TIMEOUT, 1));
}

export default {
  *init() {
    received = 0;
    const now = yield* timeNow();
    yield* microkit_dbg_puts(`CLIENT: setting a timeout for the next whole second\n`);
    yield* setTimeout(now);
  },

  *notified(ch: microkit_channel) {
    if (ch !== TIMER_CH) return;
    received++;
    const now = yield* timeNow();
    yield* microkit_dbg_puts(
      `CLIENT: timeout ${received} for ${formatMs(target)}, arrived at ${formatMs(now)}\n`,
    );
    if (received < TIMEOUTS) yield* setTimeout(target);
    else yield* microkit_dbg_puts("CLIENT: done\n");
  },
};
