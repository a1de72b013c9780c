/*
 * timer: a client of the timer driver. It asks for a notification at each of
 * the next whole seconds of the RTC's clock, reading the time and setting each
 * timeout through protected procedure calls, and stops after a few.
 */
#include <stdint.h>
#include <stdio.h>
#include <microkit.h>
#include "timer_protocol.h"

#define TIMER_CH 0
#define TIMEOUTS 5

static int received;
static uint64_t target;

static uint64_t time_now(void)
{
    microkit_ppcall(TIMER_CH, microkit_msginfo_new(TIMER_GET_TIME, 0));
    return microkit_mr_get(0);
}

/* Asks for a notification at the next whole second after `after`. */
static void set_timeout(uint64_t after)
{
    target = (after / NS_IN_S + 1) * NS_IN_S;
    uint64_t now = time_now();
    microkit_mr_set(0, target - now);
    microkit_ppcall(TIMER_CH, microkit_msginfo_new(TIMER_SET_TIMEOUT, 1));
}

void init(void)
{
    received = 0;
    uint64_t now = time_now();
    microkit_dbg_puts("CLIENT: setting a timeout for the next whole second\n");
    set_timeout(now);
}

void notified(microkit_channel ch)
{
    if (ch != TIMER_CH) {
        return;
    }
    received++;
    uint64_t now = time_now();
    printf("CLIENT: timeout %d for %lu ms, arrived at %lu ms\n", received, (unsigned long)(target / NS_IN_MS),
           (unsigned long)(now / NS_IN_MS));
    if (received < TIMEOUTS) {
        set_timeout(target);
    } else {
        microkit_dbg_puts("CLIENT: done\n");
    }
}
