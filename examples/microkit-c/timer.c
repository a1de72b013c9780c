/*
 * timer: a driver PD for QEMU virt's Goldfish RTC, in the style of an sDDF
 * timer driver. It owns the device registers (a fixed-physical-address memory
 * region) and the RTC's interrupt, and serves its clients over protected
 * procedure calls: GET_TIME answers the current time in nanoseconds,
 * SET_TIMEOUT (MR0 = a relative timeout in ns) asks for a notification on the
 * client's channel once that much time has passed. One pending timeout per
 * client. (examples/microkit/timer.ts is its TypeScript twin.)
 */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "timer_protocol.h"

#define IRQ_CH 0

/* Goldfish RTC register offsets. */
#define TIME_LOW 0x00
#define TIME_HIGH 0x04
#define ALARM_LOW 0x08
#define ALARM_HIGH 0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_INTERRUPT 0x1c

/* Patched by the Microkit tool: the registers' virtual and physical addresses. */
uintptr_t timer_regs;
uintptr_t timer_paddr;

/* The absolute deadline (ns) of each client channel with a timeout pending. */
static uint64_t deadline[MICROKIT_MAX_CHANNELS];
static seL4_Bool pending[MICROKIT_MAX_CHANNELS];

static volatile uint32_t *reg(uintptr_t offset)
{
    return (volatile uint32_t *)(timer_regs + offset);
}

static uint64_t now(void)
{
    /* TIME_LOW first: reading it latches the matching high half. */
    uint64_t lo = *reg(TIME_LOW);
    uint64_t hi = *reg(TIME_HIGH);
    return (hi << 32) | lo;
}

/* Programs the alarm for the earliest pending deadline (nothing to do when there is none). */
static void program(void)
{
    seL4_Bool any = seL4_False;
    uint64_t next = 0;
    for (int ch = 0; ch < MICROKIT_MAX_CHANNELS; ch++) {
        if (pending[ch] && (!any || deadline[ch] < next)) {
            next = deadline[ch];
            any = seL4_True;
        }
    }
    if (!any) {
        return;
    }
    /* ALARM_HIGH only takes effect with the ALARM_LOW write that arms the alarm. */
    *reg(ALARM_HIGH) = (uint32_t)(next >> 32);
    *reg(ALARM_LOW) = (uint32_t)next;
}

void init(void)
{
    for (int ch = 0; ch < MICROKIT_MAX_CHANNELS; ch++) {
        pending[ch] = seL4_False;
    }
    *reg(IRQ_ENABLED) = 1;
    printf("TIMER: Goldfish RTC driver started, registers at 0x%lx mapped at 0x%lx\n", (unsigned long)timer_paddr,
           (unsigned long)timer_regs);
}

void notified(microkit_channel ch)
{
    if (ch != IRQ_CH) {
        printf("TIMER: unexpected notification on channel %u\n", ch);
        return;
    }
    /* The line is level: lower it in the device before re-enabling the IRQ in the kernel. */
    *reg(CLEAR_INTERRUPT) = 1;
    microkit_irq_ack(IRQ_CH);
    uint64_t t = now();
    printf("TIMER: got a timeout! Current time is %lu ms\n", (unsigned long)(t / NS_IN_MS));
    for (int client = 0; client < MICROKIT_MAX_CHANNELS; client++) {
        if (pending[client] && deadline[client] <= t) {
            pending[client] = seL4_False;
            microkit_notify(client);
        }
    }
    program();
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    switch (microkit_msginfo_get_label(msginfo)) {
    case TIMER_GET_TIME:
        microkit_mr_set(0, now());
        return microkit_msginfo_new(0, 1);
    case TIMER_SET_TIMEOUT: {
        uint64_t timeout = microkit_mr_get(0);
        deadline[ch] = now() + timeout;
        pending[ch] = seL4_True;
        program();
        return microkit_msginfo_new(0, 0);
    }
    default:
        printf("TIMER: unknown request %lu\n", (unsigned long)microkit_msginfo_get_label(msginfo));
        return microkit_msginfo_new(1, 0);
    }
}
