// hierarchy: the restarter PD (priority 254) handles its children's faults: it restarts a crashed
// child at the program entry (0x200000) nine times, then stops it.
import {
  microkit_dbg_puts,
  microkit_pd_restart,
  microkit_pd_stop,
  type microkit_msginfo,
} from "sel4ts/microkit";

let restartCount = 0;

export default {
  *init() {
    yield* microkit_dbg_puts("restarter: starting\n");
  },
  notified() {},
  *fault(child: number, _msginfo: microkit_msginfo) {
    yield* microkit_dbg_puts(`restarter: received fault message for child pd: ${child}\n`);
    restartCount++;
    if (restartCount < 10) {
      yield* microkit_pd_restart(child, 0x200000);
      yield* microkit_dbg_puts("restarter: restarted\n");
    } else {
      yield* microkit_pd_stop(child);
      yield* microkit_dbg_puts("restarter: too many restarts - PD stopped\n");
    }
    return false;
  },
};
