// passive_server: the client PD (priority 99) calls the passive server with label 1, count 1.
import { microkit_dbg_puts, microkit_mr_set, microkit_msginfo_new, microkit_ppcall } from "sel4ts/microkit";

const SERVER_CHANNEL = 0;

export default {
  *init() {
    yield* microkit_dbg_puts("CLIENT|INFO: init function running\n");
    microkit_mr_set(0, 0);
    yield* microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(1, 1));
  },
  notified() {},
};
