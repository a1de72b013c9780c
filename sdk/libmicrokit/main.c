/*
 * sel4ts C SDK, libmicrokit: the PD's main and event loop.
 *
 * main() runs the constructors and init(), arms the passive handshake, then
 * serves events forever. The badge of each message says what it is:
 * bit 62 = a fault of child (badge & 0xff), bit 63 = a protected procedure
 * call on channel (badge & 0x3f), anything else = notifications, one bit per
 * channel (microkit.md §3.4, §3.5).
 */
#include <microkit.h>
#include <sel4runtime.h>

#define INPUT_CAP 1
#define REPLY_CAP 4

#define FAULT_BADGE (1ULL << 62)
#define PPC_BADGE (1ULL << 63)
#define CHILD_MASK 0xffULL
#define CHANNEL_MASK 0x3fULL

/*
 * The symbols the Microkit tool patches. They live in .data (the SDK's
 * microkit.ld keeps .bss in the file too), so each has bytes in the ELF image.
 */
char microkit_name[MICROKIT_PD_NAME_LENGTH] = {0};
seL4_Bool microkit_passive = 0;
seL4_Word microkit_irqs = 0;
seL4_Word microkit_notifications = 0;
seL4_Word microkit_pps = 0;
seL4_Word microkit_ioports = 0;

seL4_Bool microkit_have_signal = seL4_False;
seL4_CPtr microkit_signal_cap;
seL4_MessageInfo_t microkit_signal_msg;

/*
 * Every PD's IPC buffer is the last page below seL4_UserTop (microkit.md §3.1). The pointer is
 * thread-local as in real libsel4: main() gives the PD's thread its TLS block first.
 */
__thread seL4_IPCBuffer *__sel4_ipc_buffer = (seL4_IPCBuffer *)(seL4_UserVSpaceTop & ~((1ul << seL4_PageBits) - 1));
static char pd_tls[256] __attribute__((aligned(64)));

_Static_assert(sizeof(seL4_IPCBuffer) <= (1ul << seL4_PageBits), "the IPC buffer fits in its page");

typedef void (*microkit_ctor)(void);
extern microkit_ctor __init_array_start[];
extern microkit_ctor __init_array_end[];

__attribute__((weak)) microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'protected' entry point\n");
    microkit_internal_crash(0);
    return seL4_MessageInfo_new(0, 0, 0, 0);
}

__attribute__((weak)) seL4_Bool fault(microkit_child child, microkit_msginfo msginfo,
                                      microkit_msginfo *reply_msginfo)
{
    (void)child;
    (void)msginfo;
    (void)reply_msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'fault' entry point\n");
    microkit_internal_crash(0);
    return seL4_False;
}

static void flush_deferred_signal(void)
{
    if (microkit_have_signal) {
        seL4_Send(microkit_signal_cap, microkit_signal_msg);
        microkit_have_signal = seL4_False;
    }
}

static void dispatch_notifications(seL4_Word badge)
{
    for (unsigned int ch = 0; badge != 0; ch++, badge >>= 1) {
        if (badge & 1) {
            notified(ch);
        }
    }
}

static void __attribute__((noreturn)) event_loop(void)
{
    seL4_Bool have_reply = seL4_False;
    microkit_msginfo reply_tag = seL4_MessageInfo_new(0, 0, 0, 0);

    /* IRQs start out unacknowledged: acknowledge each once before the first receive. */
    for (unsigned int ch = 0; ch <= MICROKIT_MAX_CHANNEL_ID; ch++) {
        if (microkit_irqs & (1ULL << ch)) {
            microkit_irq_ack(ch);
        }
    }

    for (;;) {
        seL4_Word badge = 0;
        microkit_msginfo tag;
        if (have_reply) {
            flush_deferred_signal();
            tag = seL4_ReplyRecv(INPUT_CAP, reply_tag, &badge, REPLY_CAP);
        } else if (microkit_have_signal) {
            tag = seL4_NBSendRecv(microkit_signal_cap, microkit_signal_msg, INPUT_CAP, &badge, REPLY_CAP);
            microkit_have_signal = seL4_False;
        } else {
            tag = seL4_Recv(INPUT_CAP, &badge, REPLY_CAP);
        }

        have_reply = seL4_False;
        if (badge & FAULT_BADGE) {
            have_reply = fault((microkit_child)(badge & CHILD_MASK), tag, &reply_tag) ? seL4_True : seL4_False;
        } else if (badge & PPC_BADGE) {
            reply_tag = protected((microkit_channel)(badge & CHANNEL_MASK), tag);
            have_reply = seL4_True;
        } else {
            dispatch_notifications(badge);
        }
    }
}

int main(void)
{
    sel4runtime_set_thread_pointer(sel4runtime_write_tls_image(pd_tls));
    for (microkit_ctor *f = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }

    init();

    /*
     * A passive PD asks the monitor (with an empty message on MONITOR_EP, sent
     * with its first receive) to move its scheduling context to its
     * notification; from then on it runs on its callers' time.
     */
    if (microkit_passive) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
        microkit_signal_cap = MONITOR_EP;
    }

    event_loop();
}
