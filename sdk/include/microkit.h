/*
 * sel4ts C SDK: libmicrokit, the Microkit protection-domain library.
 *
 * A PD provides init() and notified(), and protected() / fault() when it
 * serves protected procedure calls / has children. The library's main()
 * (sdk/libmicrokit/main.c) runs init(), then the event loop that dispatches on
 * the badge of each message. The API, the capability slots and the patched
 * symbols follow the Microkit tool's conventions (microkit.md §2, §3).
 */
#pragma once

#include <sel4/sel4.h>

typedef unsigned int microkit_channel;
typedef unsigned int microkit_child;
typedef unsigned int microkit_ioport;
typedef seL4_MessageInfo_t microkit_msginfo;

/* Slots of the PD's CNode (microkit.md §3.3). */
#define MONITOR_EP 5
#define TCB_CAP 6
#define ARM_SMC_CAP 7
#define BASE_OUTPUT_NOTIFICATION_CAP 10
#define BASE_ENDPOINT_CAP 74
#define BASE_IRQ_CAP 138
#define BASE_TCB_CAP 202
#define BASE_VM_TCB_CAP 266
#define BASE_VCPU_CAP 330
#define BASE_IOPORT_CAP 394
#define BASE_USER_CAPS 458

/* The PD's root CNode: 64 slots, the Microkit CNode in slot 0, <cspace> caps in 1..63. */
#define PD_ROOT_CAP_BITS 6
#define PD_ROOT_CAP_SIZE (1ULL << PD_ROOT_CAP_BITS)

#define MICROKIT_MAX_USER_CAPS 128
#define MICROKIT_MAX_CHANNELS 62
#define MICROKIT_MAX_CHANNEL_ID (MICROKIT_MAX_CHANNELS - 1)
#define MICROKIT_MAX_IOPORT_ID MICROKIT_MAX_CHANNELS
#define MICROKIT_PD_NAME_LENGTH 64

/* Entry points the PD provides. */
void init(void);
void notified(microkit_channel ch);
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo);
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);

/* Written into the ELF by the Microkit tool (sel4ts run patches them by symbol). */
extern char microkit_name[MICROKIT_PD_NAME_LENGTH];
extern seL4_Word microkit_irqs;
extern seL4_Word microkit_notifications;
extern seL4_Word microkit_pps;
extern seL4_Word microkit_ioports;

/* One signal (notification or IRQ acknowledgement) deferred to the next receive. */
extern seL4_Bool microkit_have_signal;
extern seL4_CPtr microkit_signal_cap;
extern seL4_MessageInfo_t microkit_signal_msg;

/* Debug output (does nothing without CONFIG_PRINTING). put8 and put32 print in decimal. */
void microkit_dbg_putc(int c);
void microkit_dbg_puts(const char *s);
void microkit_dbg_put8(seL4_Uint8 x);
void microkit_dbg_put32(seL4_Uint32 x);

/* Stops the PD with a VM fault at address `err`, which its fault handler reports. */
static inline void microkit_internal_crash(seL4_Error err)
{
    volatile int *at = (volatile int *)(seL4_Word)err;
    *at = 0;
}

/* Whether `ch` is a channel id whose bit is set in `mask`; prints the complaint otherwise. */
static inline seL4_Bool microkit_internal_check(seL4_Word mask, microkit_channel ch, const char *func)
{
    if (ch <= MICROKIT_MAX_CHANNEL_ID && (mask & (1ULL << ch)) != 0) {
        return seL4_True;
    }
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(func);
    microkit_dbg_puts(": invalid channel given '");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("'\n");
    return seL4_False;
}

static inline void microkit_notify(microkit_channel ch)
{
    if (microkit_internal_check(microkit_notifications, ch, "microkit_notify")) {
        seL4_Signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
    }
}

static inline void microkit_irq_ack(microkit_channel ch)
{
    if (microkit_internal_check(microkit_irqs, ch, "microkit_irq_ack")) {
        seL4_IRQHandler_Ack(BASE_IRQ_CAP + ch);
    }
}

/* Restarts a child PD at `entry_point`: only its pc is written. */
static inline void microkit_pd_restart(microkit_child pd, seL4_Word entry_point)
{
    seL4_UserContext ctxt = {0};
    ctxt.pc = entry_point;
    seL4_Error err = seL4_TCB_WriteRegisters(BASE_TCB_CAP + pd, seL4_True, 0, 1, &ctxt);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_restart: error writing TCB registers\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_pd_stop(microkit_child pd)
{
    seL4_Error err = seL4_TCB_Suspend(BASE_TCB_CAP + pd);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_stop: error stopping TCB '");
        microkit_dbg_put32(pd);
        microkit_dbg_puts("'\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_pd_resume(microkit_child pd)
{
    seL4_Error err = seL4_TCB_Resume(BASE_TCB_CAP + pd);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_pd_resume: error resuming TCB '");
        microkit_dbg_put32(pd);
        microkit_dbg_puts("'\n");
        microkit_internal_crash(err);
    }
}

/* A protected procedure call on channel `ch`; the reply's data is in the MRs. */
static inline microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo)
{
    if (!microkit_internal_check(microkit_pps, ch, "microkit_ppcall")) {
        return seL4_MessageInfo_new(0, 0, 0, 0);
    }
    return seL4_Call(BASE_ENDPOINT_CAP + ch, msginfo);
}

static inline microkit_msginfo microkit_msginfo_new(seL4_Word label, seL4_Uint16 count)
{
    return seL4_MessageInfo_new(label, 0, 0, count);
}

static inline seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_label(msginfo);
}

static inline seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_length(msginfo);
}

static inline void microkit_mr_set(seL4_Uint8 mr, seL4_Word value)
{
    seL4_SetMR(mr, value);
}

static inline seL4_Word microkit_mr_get(seL4_Uint8 mr)
{
    return seL4_GetMR(mr);
}

/* Signal `ch` together with the next receive of the event loop (one deferred signal at most). */
static inline void microkit_deferred_notify(microkit_channel ch)
{
    if (microkit_internal_check(microkit_notifications, ch, "microkit_deferred_notify")) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
        microkit_signal_cap = BASE_OUTPUT_NOTIFICATION_CAP + ch;
    }
}

/* Acknowledge IRQ `ch` together with the next receive: an IRQHandler_Ack sent as a message. */
static inline void microkit_deferred_irq_ack(microkit_channel ch)
{
    if (microkit_internal_check(microkit_irqs, ch, "microkit_deferred_irq_ack")) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(IRQAckIRQ, 0, 0, 0);
        microkit_signal_cap = BASE_IRQ_CAP + ch;
    }
}

/* The cptr of root CNode slot `slot` (<cspace> caps), or seL4_CapNull when out of range. */
static inline seL4_CPtr microkit_cspace_root_slot_to_cptr(seL4_Word slot)
{
    if (slot == 0 || slot >= PD_ROOT_CAP_SIZE) {
        return seL4_CapNull;
    }
    return slot << (seL4_WordBits - PD_ROOT_CAP_BITS);
}
