// Interrupt handling (seL4 src/object/interrupt.c: handleInterrupt): the kernel timer, and PLIC
// sources delivered to user level. User-level IRQ delivery is not built yet: a claimed source is
// completed and dropped.

import { KERNEL_TIMER_IRQ } from "../abi/index.ts";
import { ks } from "./state.ts";

export function handleInterrupt(): void {
  const m = ks.machine;
  if (m.timer.isPending()) {
    m.timer.clear();
    ks.reprogram = true;
    return;
  }
  const irq = m.plic.claim();
  if (irq !== 0 && irq !== KERNEL_TIMER_IRQ) m.plic.complete(irq);
}
