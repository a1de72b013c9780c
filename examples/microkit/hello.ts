// The Microkit "hello" example in TypeScript.
import { microkit_dbg_puts } from "sel4ts/microkit";

export default {
  *init() {
    yield* microkit_dbg_puts("hello, world\n");
  },
  notified() {},
};
