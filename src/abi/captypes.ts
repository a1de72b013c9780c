// Capability type tags (ABI sheet §16.1): what seL4_DebugCapIdentify returns.
// Names follow the kernel's cap_*_cap tags.

export const cap_null_cap = 0;
export const cap_frame_cap = 1;
export const cap_untyped_cap = 2;
export const cap_page_table_cap = 3;
export const cap_endpoint_cap = 4;
export const cap_notification_cap = 6;
export const cap_reply_cap = 8;
export const cap_cnode_cap = 10;
export const cap_asid_control_cap = 11;
export const cap_thread_cap = 12;
export const cap_asid_pool_cap = 13;
export const cap_irq_control_cap = 14;
export const cap_irq_handler_cap = 16;
export const cap_zombie_cap = 18;
export const cap_domain_cap = 20;
export const cap_sched_context_cap = 22;
export const cap_sched_control_cap = 24;

export function capTypeName(tag: number): string {
  switch (tag) {
    case cap_null_cap:
      return "null";
    case cap_frame_cap:
      return "frame";
    case cap_untyped_cap:
      return "untyped";
    case cap_page_table_cap:
      return "page_table";
    case cap_endpoint_cap:
      return "endpoint";
    case cap_notification_cap:
      return "notification";
    case cap_reply_cap:
      return "reply";
    case cap_cnode_cap:
      return "cnode";
    case cap_asid_control_cap:
      return "asid_control";
    case cap_thread_cap:
      return "thread";
    case cap_asid_pool_cap:
      return "asid_pool";
    case cap_irq_control_cap:
      return "irq_control";
    case cap_irq_handler_cap:
      return "irq_handler";
    case cap_zombie_cap:
      return "zombie";
    case cap_domain_cap:
      return "domain";
    case cap_sched_context_cap:
      return "sched_context";
    case cap_sched_control_cap:
      return "sched_control";
    default:
      return `unknown(${tag})`;
  }
}
