/* timer: the driver's protected-procedure interface, shared by the driver and its clients. */
#pragma once

/* Reply MR0: the current time in nanoseconds. */
#define TIMER_GET_TIME 0
/* MR0: a timeout in nanoseconds, relative to now; the client is notified when it has passed. */
#define TIMER_SET_TIMEOUT 1

#define NS_IN_MS 1000000ull
#define NS_IN_S 1000000000ull
