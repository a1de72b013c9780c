// The emitter of the domains example: notifies the collector 100,000 times, all from init.
import { microkit_dbg_puts, microkit_notify } from "sel4ts/microkit";

const COLLECTOR = 0;

export default {
  *init() {
    yield* microkit_dbg_puts("emitter: starting to emit events...\n");
    for (let i = 1; i <= 100_000; i++) {
      yield* microkit_notify(COLLECTOR);
      if (i % 10_000 === 0) yield* microkit_dbg_puts("emitter: still emitting events...\n");
    }
    yield* microkit_dbg_puts("emitter: done emitting events\n");
  },
  notified() {},
};
