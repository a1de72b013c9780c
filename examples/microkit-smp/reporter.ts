// spsc on 4 cores: the reporter (core 3) maps the ring read-only and, told by the consumer that
// the stream has ended, reads both indices: every item queued was taken.
import { microkit_dbg_puts, microkit_var, type microkit_channel } from "sel4ts/microkit";
import { sel4ts_read } from "sel4ts/libsel4";

const CONSUMER_CH = 0;

export default {
  init() {},
  *notified(ch: microkit_channel) {
    if (ch !== CONSUMER_CH) return;
    const q = Number(microkit_var("queue"));
    const tail = yield* sel4ts_read(q, 4);
    const head = yield* sel4ts_read(q + 4, 4);
    yield* microkit_dbg_puts(
      `reporter: core 3, ring tail ${tail}, head ${head}: ${tail === head ? "empty" : "not empty"}\n`,
    );
  },
};
