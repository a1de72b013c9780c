// spsc on 4 cores: the starter, on core 0 below the monitor's priority, runs once the monitor has
// printed its line and waits for faults, and tells the producer to begin. Every line of the
// example is printed while no other PD prints, so its output does not depend on how the cores
// interleave: the same bytes from the TypeScript PDs and from their C twins.
import { microkit_dbg_puts, microkit_notify } from "sel4ts/microkit";

const PRODUCER_CH = 0;

export default {
  *init() {
    yield* microkit_dbg_puts("starter: core 0; producer on core 1, consumer on core 2, reporter on core 3\n");
    yield* microkit_notify(PRODUCER_CH);
  },
  notified() {},
};
