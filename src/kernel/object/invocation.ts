// decodeInvocation (seL4 src/object/objecttype.c): dispatch an invocation by the type of the
// invoked cap. Object types whose invocations are not built yet answer IllegalOperation, which is
// what seL4 answers for a label the object does not understand.

import {
  cap_cnode_cap,
  cap_domain_cap,
  cap_asid_control_cap,
  cap_asid_pool_cap,
  cap_endpoint_cap,
  cap_frame_cap,
  cap_page_table_cap,
  cap_irq_control_cap,
  cap_irq_handler_cap,
  cap_notification_cap,
  cap_null_cap,
  cap_reply_cap,
  cap_sched_context_cap,
  cap_sched_control_cap,
  cap_thread_cap,
  cap_untyped_cap,
  cap_zombie_cap,
  seL4_CapRights_Grant,
  seL4_CapRights_GrantReply,
  seL4_CapRights_Write,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  ThreadState_Restart,
} from "../../abi/index.ts";
import { sendSignal } from "../notification.ts";
import { doReplyTransfer, sendIPC } from "../endpoint.ts";
import {
  current_syscall_error,
  EXCEPTION_NONE,
  EXCEPTION_SYSCALL_ERROR,
  ks,
  type Exception,
} from "../state.ts";
import type { Cte, Endpoint, Notification, Reply } from "../structures.ts";
import { setThreadState } from "../thread.ts";
import { inv } from "../msg.ts";
import { decodeCNodeInvocation } from "./cnode.ts";
import { decodeUntypedInvocation } from "./untyped.ts";
import { decodeTCBInvocation } from "./tcb.ts";
import { decodeDomainInvocation } from "./domain.ts";
import { decodeSchedControlInvocation } from "./schedcontrol.ts";
import { decodeSchedContextInvocation } from "./schedcontext.ts";
import { decodeIRQControlInvocation, decodeIRQHandlerInvocation } from "./irq.ts";
import { decodeRISCVMMUInvocation } from "./vspace-invocations.ts";
import {
  UE_objecttype_643,
  UE_objecttype_649,
  UE_objecttype_656,
  UE_objecttype_680,
  UE_objecttype_720,
  UE_objecttype_731,
  UE_objecttype_742,
  UE_objecttype_763,
  UE_objecttype_772,
  userError,
  wordArg,
} from "../usererror.ts";

/** An InvalidCapability error for the invoked cap, reported at user error `site`. */
function invalidCap(n: number, site: number): Exception {
  userError(site, wordArg(inv.cptrHi, inv.cptrLo));
  current_syscall_error.type = seL4_InvalidCapability;
  current_syscall_error.invalidCapNumber = n;
  return EXCEPTION_SYSCALL_ERROR;
}

export function decodeInvocation(
  label: number,
  length: number,
  slot: Cte,
  cap: Cte,
  block: boolean,
  call: boolean,
  canDonate: boolean,
  firstPhase: boolean,
): Exception {
  const t = cap.type;
  if (t !== cap_endpoint_cap && t !== cap_notification_cap && t !== cap_reply_cap) ks.capsDirty = true;
  switch (t) {
    case cap_null_cap:
      return invalidCap(0, UE_objecttype_643);
    case cap_zombie_cap:
      return invalidCap(0, UE_objecttype_649);
    case cap_endpoint_cap:
      if ((cap.rights & seL4_CapRights_Write) === 0) return invalidCap(0, UE_objecttype_656);
      setThreadState(inv.thread, ThreadState_Restart);
      sendIPC(
        block,
        call,
        cap.dataHi,
        cap.dataLo,
        (cap.rights & seL4_CapRights_Grant) !== 0,
        (cap.rights & seL4_CapRights_GrantReply) !== 0,
        canDonate,
        inv.thread,
        cap.obj as Endpoint,
      );
      return EXCEPTION_NONE;
    case cap_notification_cap:
      if ((cap.rights & seL4_CapRights_Write) === 0) return invalidCap(0, UE_objecttype_680);
      setThreadState(inv.thread, ThreadState_Restart);
      sendSignal(cap.obj as Notification, cap.dataHi, cap.dataLo);
      return EXCEPTION_NONE;
    case cap_reply_cap:
      setThreadState(inv.thread, ThreadState_Restart);
      doReplyTransfer(inv.thread, cap.obj as Reply, (cap.rights & seL4_CapRights_Grant) !== 0);
      return EXCEPTION_NONE;
    case cap_cnode_cap:
      if (firstPhase) return invalidCap(0, UE_objecttype_742);
      return decodeCNodeInvocation(label, length, cap);
    case cap_untyped_cap:
      return decodeUntypedInvocation(label, length, slot);
    case cap_thread_cap:
      if (firstPhase) return invalidCap(0, UE_objecttype_720);
      return decodeTCBInvocation(label, length, cap, slot, call);
    case cap_domain_cap:
      if (firstPhase) return invalidCap(0, UE_objecttype_731);
      return decodeDomainInvocation(label, length, cap, slot, call);
    case cap_sched_control_cap:
      if (firstPhase) return invalidCap(0, UE_objecttype_763);
      return decodeSchedControlInvocation(label, length, cap, slot, call);
    case cap_sched_context_cap:
      if (firstPhase) return invalidCap(0, UE_objecttype_772);
      return decodeSchedContextInvocation(label, length, cap, slot, call);
    case cap_irq_control_cap:
      return decodeIRQControlInvocation(label, length, cap, slot, call);
    case cap_irq_handler_cap:
      return decodeIRQHandlerInvocation(label, length, cap, slot, call);
    case cap_frame_cap:
    case cap_page_table_cap:
    case cap_asid_control_cap:
    case cap_asid_pool_cap:
      return decodeRISCVMMUInvocation(label, length, cap, slot, call);
    default:
      current_syscall_error.type = seL4_IllegalOperation;
      return EXCEPTION_SYSCALL_ERROR;
  }
}
