// passive_server: the server PD (passive, priority 100). It runs on its client's SC when called.
import { microkit_dbg_puts, microkit_msginfo_new, microkit_mr_get } from "sel4ts/microkit";
import type { microkit_msginfo } from "sel4ts/microkit";

export default {
  *init() {
    yield* microkit_dbg_puts("SERVER|INFO: init function running\n");
  },
  notified() {},
  *protected(_ch: number, _msginfo: microkit_msginfo) {
    void microkit_mr_get(0);
    yield* microkit_dbg_puts("SERVER|INFO: running on clients scheduling context\n");
    return microkit_msginfo_new(0, 0);
  },
};
