/* fuzz_minimize.h - delta debugging over an operation sequence: fewer threads
 * first, then fewer operations (ddmin over the complements of ever smaller
 * chunks), until no single removal keeps the failure (1-minimal) or the
 * caller's time runs out.
 *
 * Pure bookkeeping: the caller runs the candidates (in one process, in the
 * order given, stopping at the first that fails) and reports back how many it
 * ran and which one failed. */
#ifndef FTSTRESS_FUZZ_MINIMIZE_H
#define FTSTRESS_FUZZ_MINIMIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz_plan.h"

struct fuzz_min {
    struct fuzz_plan best; /* the smallest plan known to fail; owned */
    struct fuzz_plan hint; /* best cut to the operations the finding's stacks name; owned */
    bool hint_stage;       /* the hinted plan is still to be tried */
    size_t min_threads;    /* never go below this many threads */
    bool threads_stage;    /* still trying to drop whole threads */
    size_t chunks;         /* ddmin granularity: the plan is cut into this many chunks */
    size_t next;           /* the next candidate of the current round */
    bool done;
    size_t *batch; /* round index of each candidate last handed out; owned */
    size_t nbatch;
    int tested;   /* candidates run so far */
    int accepted; /* candidates that kept the failure */
};

/* Starts from failing, which must keep at least min_threads threads with
 * operations (2 for a data race, 1 for what one thread can show). */
void fuzz_minInit(struct fuzz_min *m, const struct fuzz_plan *failing, size_t min_threads);

/* Gives minimization a head start: text (the finding's stacks) names
 * functions, and an operation whose name (or, for "a.b", b) occurs in it,
 * case-insensitively and at least 3 characters long, is probably one of the
 * racing ones. The plan cut to those operations is tried first. */
void fuzz_minSetHint(struct fuzz_min *m, const char *text);

/* Whether op name occurs in text the way fuzz_minSetHint means. */
bool fuzz_minNameIn(const char *name, const char *text);

/* Up to max next candidates, smallest-first within the round, into *out (an
 * array the caller frees with fuzz_minFreeCandidates). Returns how many; 0
 * when minimization is done. */
size_t fuzz_minNext(struct fuzz_min *m, struct fuzz_plan **out, size_t max);

/* The caller ran the first `tested` of the n candidates fuzz_minNext gave; the
 * one at index failed (it kept the failure), or index is -1 when none did. */
void fuzz_minReport(struct fuzz_min *m, const struct fuzz_plan *cands, size_t n, size_t tested,
                    long failed);

void fuzz_minFreeCandidates(struct fuzz_plan *cands, size_t n);
void fuzz_minFree(struct fuzz_min *m);

#endif
