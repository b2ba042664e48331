/* hang.h - every thread's C stack of a live process, taken from outside.
 *
 * Used by the watchdog on a hung run: the process is stopped with ptrace, each
 * thread unwound with libunwind's remote (ptrace) unwinder, then let go. */
#ifndef FTSTRESS_HANG_H
#define FTSTRESS_HANG_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Writes every thread's stack of pid to out, one block per thread:
 *   thread TID (NAME):
 *     #0 0xIP function+0xoff (module+0xoff)
 * Returns false when the process could not be traced (the reason is written). */
bool hang_writeStacks(pid_t pid, FILE *out);

/* spawn's on_hang callback: hang_writeStacks into the file named by arg. */
void hang_dumpStacks(pid_t pid, void *arg);

/* Reads hang_writeStacks's text: the function of the first thread that is not
 * waiting (on a lock, a semaphore, a condition, a sleep, a join), named by its
 * first frame past the sanitizer's own, or NULL when every thread waits (a
 * deadlock) or there is no thread. A thread busy in a hang is spinning: a
 * livelock, or a loop over a corrupted structure. Caller frees. */
char *hang_busyFunction(const char *stacks);

#endif
