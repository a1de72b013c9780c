// shared_memory: the producer writes length-prefixed messages into the shared region and
// notifies the consumer (which runs at once: it has the higher priority).
import { sel4ts_write, sel4ts_write_bytes } from "sel4ts/libsel4";
import { microkit_dbg_puts, microkit_notify, microkit_var } from "sel4ts/microkit";

const CONSUMER = 1;
let sent = 0;

function* send(text: string) {
  const buffer = microkit_var("buffer");
  const bytes = new TextEncoder().encode(text);
  yield* sel4ts_write(buffer, 4, bytes.length);
  yield* sel4ts_write_bytes(Number(buffer) + 4, bytes);
  yield* microkit_dbg_puts(`producer: sending '${text}'\n`);
  yield* microkit_notify(CONSUMER);
}

export default {
  *init() {
    yield* send("hello through shared memory");
  },
  *notified(ch: number) {
    if (ch !== CONSUMER) return;
    sent++;
    if (sent < 2) yield* send(`message ${sent + 1}`);
    else yield* microkit_dbg_puts("producer: done\n");
  },
};
