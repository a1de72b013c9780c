// timer: the driver's protected-procedure interface, shared by the driver and its clients.

/** Reply MR0: the current time in nanoseconds. */
export const TIMER_GET_TIME = 0;
/** MR0: a timeout in nanoseconds, relative to now; the client is notified when it has passed. */
export const TIMER_SET_TIMEOUT = 1;

export const NS_IN_MS = 1_000_000;
export const NS_IN_S = 1_000_000_000;

/** Whole milliseconds: delivery takes microseconds, so a deadline on a whole millisecond prints as that. */
export function formatMs(ns: number): string {
  return `${Math.floor(ns / NS_IN_MS)} ms`;
}
