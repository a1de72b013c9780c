// @ts-check
// The exit statuses of sel4ts: one table, documented in README.md ("Exit codes"). JavaScript (with
// channel.js and supervise.js) so the CLI's thread needs no TypeScript loader.

/** The run ended cleanly: halt, idle, or --max-time (without --fail-on-timeout); check found nothing. */
export const EXIT_OK = 0;
/** Bad input: a system file with errors, a program that does not load, a type error. */
export const EXIT_BAD_INPUT = 1;
/** A command line sel4ts does not understand. */
export const EXIT_USAGE = 2;
/** A kernel invariant was violated (--check-invariants). */
export const EXIT_INVARIANT = 3;
/** With --fail-on-fault: a thread faulted and no handler took the fault. */
export const EXIT_FAULT = 4;
/** With --fail-on-fault: a TypeScript program threw an exception. */
export const EXIT_EXCEPTION = 5;
/** With --fail-on-timeout: the run reached --max-time. */
export const EXIT_MAX_TIME = 6;
/** sel4ts itself failed (a bug): please report it. */
export const EXIT_INTERNAL = 70;
/** --timeout: the wall-clock limit was reached (as timeout(1) says). */
export const EXIT_TIMEOUT = 124;
/** Interrupted (Ctrl-C, SIGINT), as a shell reports it: 128 + 2. */
export const EXIT_INTERRUPTED = 130;
