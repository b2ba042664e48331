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

#endif
