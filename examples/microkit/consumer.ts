// shared_memory: the consumer reads each message from its read-only mapping of the region.
import { sel4ts_read, sel4ts_read_bytes } from "sel4ts/libsel4";
import { microkit_dbg_puts, microkit_notify, microkit_var } from "sel4ts/microkit";

const PRODUCER = 2;

export default {
  *init() {
    yield* microkit_dbg_puts(`consumer: buffer mapped at 0x${microkit_var("buffer").toString(16)}\n`);
  },
  *notified(ch: number) {
    if (ch !== PRODUCER) return;
    const buffer = Number(microkit_var("buffer"));
    const len = yield* sel4ts_read(buffer, 4);
    const text = new TextDecoder().decode(yield* sel4ts_read_bytes(buffer + 4, len));
    yield* microkit_dbg_puts(`consumer: received '${text}'\n`);
    yield* microkit_notify(PRODUCER);
  },
};
