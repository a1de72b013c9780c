// The collector of the domains example: one line per event it is woken for.
import { microkit_dbg_puts } from "sel4ts/microkit";

export default {
  *init() {
    yield* microkit_dbg_puts("collector: Waiting for an event\n");
  },
  *notified() {
    yield* microkit_dbg_puts("collector: Got an event\n");
  },
};
