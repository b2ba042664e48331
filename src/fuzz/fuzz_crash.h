/* fuzz_crash.h - what a fuzz process's end says when it is not the target's
 * crash, or when a crash has no frame to name.
 *
 * The harness exits FUZZ_CRASH_HARNESS_EXIT when its own code failed (a
 * factory that stopped working, its bookkeeping, an unwritable results
 * file): that is ftstress's error, never a finding about the target. A
 * crash whose signature names no frame (crash:REASON:?) gets a title and
 * detail saying what is known instead: the exit status, the last line the
 * harness wrote, the tail of its stderr. */
#ifndef FTSTRESS_FUZZ_CRASH_H
#define FTSTRESS_FUZZ_CRASH_H

#include "finding.h"
#include "fuzz_results.h"
#include "spawn.h"

/* The harness's exit status for an error in its own code (EX_SOFTWARE);
 * scenarios/fuzzharness.py EXIT_HARNESS_ERROR. */
#define FUZZ_CRASH_HARNESS_EXIT 70

/* Bytes of stderr shown at most for a crash without a frame. */
#define FUZZ_CRASH_STDERR_TAIL 1500

/* Whether the process ended on the harness's own error: an "error harness"
 * line in res, or its exit status. */
bool fuzz_crashIsHarnessError(const struct fuzz_results *res, const struct spawn_result *proc);

/* The harness error's message and detail for a person: res's line, else the
 * exit status and the stderr tail of dir. *message and *detail are set,
 * caller frees both. */
void fuzz_crashHarnessError(const struct fuzz_results *res, const struct spawn_result *proc,
                            const char *dir, char **message, char **detail);

/* The reason of a crash that ended the process with no signal before the
 * harness finished: "the interpreter exited with status N before the harness
 * finished". Caller frees. */
char *fuzz_crashReason(const struct spawn_result *proc);

/* Rewrites the title of each crash in set whose signature names no frame
 * (ends in ":?") to say what is known, and puts the stderr tail and the
 * harness's last results line first in its detail. dir is the run's
 * directory (its stderr file). */
void fuzz_crashExplain(struct finding_set *set, const struct fuzz_results *res,
                       const struct spawn_result *proc, const char *dir);

#endif
