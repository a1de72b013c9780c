// hierarchy: the crasher PD writes to address 0 in init, a VM fault its parent handles.
import { sel4ts_write } from "sel4ts/libsel4";
import { microkit_dbg_puts } from "sel4ts/microkit";

export default {
  *init() {
    yield* microkit_dbg_puts("crasher, starting\n");
    yield* sel4ts_write(0, 4, 0);
  },
  notified() {},
};
