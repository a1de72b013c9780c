// Notifications (seL4 src/object/notification.c): signalling. Waiting, polling and bound
// notifications arrive with the IPC work; a signal already wakes a thread waiting in the queue.

import { ThreadState_Running } from "../abi/index.ts";
import { a0 } from "../abi/registers.ts";
import { queueRemove } from "./ipc.ts";
import { setReg } from "./msg.ts";
import { type Notification, NtfnState_Active, NtfnState_Idle, NtfnState_Waiting } from "./structures.ts";
import { possibleSwitchTo, setThreadState } from "./thread.ts";

export function sendSignal(n: Notification, badgeHi: number, badgeLo: number): void {
  switch (n.state) {
    case NtfnState_Idle:
      n.msgHi = badgeHi;
      n.msgLo = badgeLo;
      n.state = NtfnState_Active;
      return;
    case NtfnState_Waiting: {
      const t = n.head;
      if (t === null) return;
      queueRemove(n, t);
      if (n.head === null) n.state = NtfnState_Idle;
      t.blockingObject = null;
      setThreadState(t, ThreadState_Running);
      setReg(t, a0, badgeHi, badgeLo);
      possibleSwitchTo(t);
      return;
    }
    default:
      n.msgHi = (n.msgHi | badgeHi) >>> 0;
      n.msgLo = (n.msgLo | badgeLo) >>> 0;
      return;
  }
}
