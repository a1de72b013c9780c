// SchedContext invocations (seL4 src/object/schedcontext.c): Bind, Unbind, UnbindObject,
// Consumed and YieldTo (SCH-19..SCH-24). The binding logic itself is in ../schedcontext.ts.

import {
  cap_notification_cap,
  cap_thread_cap,
  SchedContextBind,
  SchedContextConsumed,
  SchedContextUnbind,
  SchedContextUnbindObject,
  SchedContextYieldTo,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_TruncatedMessage,
  ThreadState_Restart,
  ThreadState_Running,
} from "../../abi/index.ts";
import { inv } from "../msg.ts";
import { scReleased } from "../sched.ts";
import {
  schedContextBindNtfn,
  schedContextBindTCB,
  schedContextCompleteYieldTo,
  schedContextResume,
  schedContextUnbindAllTCBs,
  schedContextUnbindNtfn,
  schedContextUnbindReply,
  schedContextUnbindTCB,
  setConsumed,
} from "../schedcontext.ts";
import {
  current_extra_caps,
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import type { Cte, Notification, SchedContext, Tcb } from "../structures.ts";
import {
  isBlocked,
  isSchedulable,
  rescheduleRequired,
  schedEnqueue,
  setThreadState,
  tcbSchedDequeue,
  tcbSchedEnqueue,
} from "../thread.ts";
import * as UE from "../usererror.ts";
import { userError } from "../usererror.ts";

/** A syscall error of `type`, reported as user error `site`. */

function error(type: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = type;
  return EXCEPTION_SYSCALL_ERROR;
}

function invalidCap(n: number, site: number): Exception {
  userError(site);
  current_syscall_error.type = seL4_InvalidCapability;
  current_syscall_error.invalidCapNumber = n;
  return EXCEPTION_SYSCALL_ERROR;
}

export function decodeSchedContextInvocation(
  label: number,
  _length: number,
  cap: Cte,
  _slot: Cte,
  call: boolean,
): Exception {
  const sc = cap.obj as SchedContext;
  switch (label) {
    case SchedContextConsumed:
      setThreadState(inv.thread, ThreadState_Restart);
      setConsumed(sc, ks.curThread, call);
      setThreadState(ks.curThread, ThreadState_Running);
      return EXCEPTION_NONE;
    case SchedContextBind:
      return decodeBind(sc);
    case SchedContextUnbindObject:
      return decodeUnbindObject(sc);
    case SchedContextUnbind:
      if (sc.tcb === ks.curThread) return error(seL4_IllegalOperation, UE.UE_schedcontext_286);
      setThreadState(inv.thread, ThreadState_Restart);
      schedContextUnbindAllTCBs(sc);
      schedContextUnbindNtfn(sc);
      schedContextUnbindReply(sc);
      return EXCEPTION_NONE;
    case SchedContextYieldTo:
      return decodeYieldTo(sc, call);
    default:
      return error(seL4_IllegalOperation, UE.UE_schedcontext_295);
  }
}

/** SCH-19, SCH-20. */
function decodeBind(sc: SchedContext): Exception {
  const slot = current_extra_caps.slots[0];
  if (slot === null) return error(seL4_TruncatedMessage, UE.UE_schedcontext_90);
  switch (slot.type) {
    case cap_thread_cap: {
      const t = slot.obj as Tcb;
      if (sc.tcb !== null) return error(seL4_IllegalOperation, UE.UE_schedcontext_100);
      if (t.sc !== null) return error(seL4_IllegalOperation, UE.UE_schedcontext_106);
      if (isBlocked(t) && !scReleased(sc)) return error(seL4_IllegalOperation, UE.UE_schedcontext_112);
      setThreadState(inv.thread, ThreadState_Restart);
      schedContextBindTCB(sc, t);
      return EXCEPTION_NONE;
    }
    case cap_notification_cap: {
      const n = slot.obj as Notification;
      if (sc.notification !== null) return error(seL4_IllegalOperation, UE.UE_schedcontext_120);
      if (n.sc !== null) return error(seL4_IllegalOperation, UE.UE_schedcontext_126);
      setThreadState(inv.thread, ThreadState_Restart);
      schedContextBindNtfn(sc, n);
      return EXCEPTION_NONE;
    }
    default:
      return invalidCap(1, UE.UE_schedcontext_132);
  }
}

/** SCH-21. */
function decodeUnbindObject(sc: SchedContext): Exception {
  const slot = current_extra_caps.slots[0];
  if (slot === null) return error(seL4_TruncatedMessage, UE.UE_schedcontext_32);
  switch (slot.type) {
    case cap_thread_cap:
      if (sc.tcb !== slot.obj) return error(seL4_IllegalOperation, UE.UE_schedcontext_41);
      if (sc.tcb === ks.curThread) return error(seL4_IllegalOperation, UE.UE_schedcontext_46);
      setThreadState(inv.thread, ThreadState_Restart);
      schedContextUnbindTCB(sc);
      return EXCEPTION_NONE;
    case cap_notification_cap:
      if (sc.notification !== slot.obj) return error(seL4_IllegalOperation, UE.UE_schedcontext_53);
      setThreadState(inv.thread, ThreadState_Restart);
      schedContextUnbindNtfn(sc);
      return EXCEPTION_NONE;
    default:
      return invalidCap(1, UE.UE_schedcontext_60);
  }
}

/** SCH-24. */
function decodeYieldTo(sc: SchedContext, call: boolean): Exception {
  const t = sc.tcb;
  const cur = ks.curThread;
  if (t === null) return error(seL4_IllegalOperation, UE.UE_schedcontext_236);
  if (t === cur) return error(seL4_IllegalOperation, UE.UE_schedcontext_244);
  if (t.priority > cur.mcp) {
    userError(UE.UE_schedcontext_250, cur.mcp, t.priority);
    return error(seL4_IllegalOperation, UE.UE_NONE);
  }
  if (cur.yieldTo !== null) return error(seL4_IllegalOperation, UE.UE_schedcontext_261);
  setThreadState(inv.thread, ThreadState_Restart);
  invokeYieldTo(sc, call);
  return EXCEPTION_NONE;
}

/**
 * invokeSchedContext_YieldTo: a lower-priority target moves to the head of its queue and the
 * caller gets the consumed time at once; otherwise caller and target go to the heads of their
 * queues (target in front), the target runs, and the caller gets its reply when it next runs.
 */
function invokeYieldTo(sc: SchedContext, call: boolean): void {
  const cur = ks.curThread;
  if (sc.yieldFrom !== null) schedContextCompleteYieldTo(sc.yieldFrom);
  schedContextResume(sc);
  const t = sc.tcb as Tcb;
  let returnNow = true;
  if (isSchedulable(t)) {
    if (t.priority < cur.priority) {
      tcbSchedDequeue(t);
      schedEnqueue(t);
    } else {
      cur.yieldTo = sc;
      sc.yieldFrom = cur;
      tcbSchedDequeue(t);
      tcbSchedEnqueue(cur);
      tcbSchedEnqueue(t);
      rescheduleRequired();
      returnNow = false;
    }
  }
  if (returnNow) {
    setConsumed(sc, cur, call);
    setThreadState(cur, ThreadState_Running);
  }
}
