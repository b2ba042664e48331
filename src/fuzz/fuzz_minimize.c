/* fuzz_minimize.c - delta debugging bookkeeping; see fuzz_minimize.h.
 *
 * Rounds: in the threads stage a round tries each plan without one of its
 * threads; in the ddmin stage a round cuts the plan's operations (flattened,
 * thread by thread) into `chunks` parts and tries the plan without each part.
 * A failing candidate becomes the new best and the round restarts (ddmin also
 * coarsens by one chunk); a round with no failure refines (doubles chunks)
 * until chunks are single operations, which makes the result 1-minimal. */
#include "fuzz_minimize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void fuzz_minInit(struct fuzz_min *m, const struct fuzz_plan *failing, size_t min_threads) {
    memset(m, 0, sizeof(*m));
    fuzz_planCopy(&m->best, failing);
    m->min_threads = min_threads < 1 ? 1 : min_threads;
    m->threads_stage = fuzz_planActiveThreads(&m->best) > m->min_threads;
    m->chunks = 2;
    m->done = fuzz_planOps(&m->best) <= 1;
}

bool fuzz_minNameIn(const char *name, const char *text) {
    const char *dot = strrchr(name, '.');
    const char *want = dot && dot[1] ? dot + 1 : name;
    size_t n = strlen(want);
    if (n < 3 || text == NULL) {
        return false;
    }
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)want[i])) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

void fuzz_minSetHint(struct fuzz_min *m, const char *text) {
    fuzz_planFree(&m->hint);
    m->hint_stage = false;
    struct fuzz_plan cut = {0};
    fuzz_planCopy(&cut, &m->best);
    for (size_t t = 0; t < cut.nthreads; t++) {
        struct fuzz_thread *th = &cut.threads[t];
        size_t kept = 0;
        for (size_t k = 0; k < th->count; k++) {
            if (fuzz_minNameIn(th->ops[k].name, text)) {
                th->ops[kept++] = th->ops[k];
            } else {
                free(th->ops[k].name);
            }
        }
        th->count = kept;
    }
    /* Drop the threads left empty. */
    fuzz_planWithout(&cut, 0, 0, &m->hint);
    fuzz_planFree(&cut);
    size_t ops = fuzz_planOps(&m->hint);
    m->hint_stage = ops > 0 && ops < fuzz_planOps(&m->best) &&
                    fuzz_planActiveThreads(&m->hint) >= m->min_threads;
    if (!m->hint_stage) {
        fuzz_planFree(&m->hint);
    }
}

/* How many candidates the current round has. */
static size_t fuzz_minRoundSize(const struct fuzz_min *m) {
    if (m->threads_stage) {
        return m->best.nthreads;
    }
    size_t n = fuzz_planOps(&m->best);
    return m->chunks < n ? m->chunks : n;
}

/* Candidate i of the current round into out; false if it is not worth running
 * (it empties the plan or drops below the minimum thread count). */
static bool fuzz_minCandidate(const struct fuzz_min *m, size_t i, struct fuzz_plan *out) {
    if (m->threads_stage) {
        fuzz_planWithoutThread(&m->best, i, out);
    } else {
        size_t n = fuzz_planOps(&m->best);
        size_t parts = fuzz_minRoundSize(m);
        fuzz_planWithout(&m->best, i * n / parts, (i + 1) * n / parts, out);
    }
    if (fuzz_planOps(out) == 0 || fuzz_planActiveThreads(out) < m->min_threads) {
        fuzz_planFree(out);
        return false;
    }
    return true;
}

/* The current round found nothing: refine, or finish. */
static void fuzz_minEndRound(struct fuzz_min *m) {
    m->next = 0;
    if (m->threads_stage) {
        m->threads_stage = false;
        m->chunks = 2;
        m->done = fuzz_planOps(&m->best) <= 1;
        return;
    }
    size_t n = fuzz_planOps(&m->best);
    if (m->chunks >= n) {
        m->done = true;
        return;
    }
    m->chunks = m->chunks * 2 < n ? m->chunks * 2 : n;
}

size_t fuzz_minNext(struct fuzz_min *m, struct fuzz_plan **out, size_t max) {
    *out = NULL;
    m->nbatch = 0;
    if (m->hint_stage && !m->done && max > 0) {
        /* The hinted plan alone: a batch of its own, so that its verdict is
         * known before the rounds start. */
        struct fuzz_plan *cands = calloc(1, sizeof(*cands));
        if (cands == NULL) {
            abort();
        }
        fuzz_planCopy(&cands[0], &m->hint);
        *out = cands;
        return 1;
    }
    while (!m->done && max > 0) {
        size_t round = fuzz_minRoundSize(m);
        struct fuzz_plan *cands = calloc(max, sizeof(*cands));
        size_t *batch = realloc(m->batch, max * sizeof(*batch));
        if (cands == NULL || batch == NULL) {
            abort();
        }
        m->batch = batch;
        size_t count = 0;
        for (; m->next < round && count < max; m->next++) {
            if (fuzz_minCandidate(m, m->next, &cands[count])) {
                m->batch[count++] = m->next;
            }
        }
        if (count > 0) {
            m->nbatch = count;
            *out = cands;
            return count;
        }
        free(cands);
        fuzz_minEndRound(m);
    }
    return 0;
}

void fuzz_minReport(struct fuzz_min *m, const struct fuzz_plan *cands, size_t n, size_t tested,
                    long failed) {
    m->tested += (int)(tested < n ? tested : n);
    if (m->hint_stage) {
        if (tested == 0 && failed < 0) {
            return; /* not run: try again */
        }
        m->hint_stage = false;
        fuzz_planFree(&m->hint);
        if (failed == 0 && n > 0) {
            m->accepted++;
            fuzz_planFree(&m->best);
            fuzz_planCopy(&m->best, &cands[0]);
            m->threads_stage = fuzz_planActiveThreads(&m->best) > m->min_threads;
            m->chunks = 2;
            m->next = 0;
            m->done = fuzz_planOps(&m->best) <= 1;
        }
        return;
    }
    if (failed >= 0 && (size_t)failed < n) {
        m->accepted++;
        fuzz_planFree(&m->best);
        fuzz_planCopy(&m->best, &cands[failed]);
        m->next = 0;
        if (m->threads_stage) {
            m->threads_stage = fuzz_planActiveThreads(&m->best) > m->min_threads;
        } else if (m->chunks > 2) {
            m->chunks--;
        }
        m->done = fuzz_planOps(&m->best) <= 1;
        return;
    }
    if (tested < n && tested < m->nbatch) {
        /* Cut short (another finding ended the process): resume at the first
         * candidate of the batch that did not run. */
        m->next = m->batch[tested];
        return;
    }
    if (m->next >= fuzz_minRoundSize(m)) {
        fuzz_minEndRound(m);
    }
}

void fuzz_minFreeCandidates(struct fuzz_plan *cands, size_t n) {
    for (size_t i = 0; i < n; i++) {
        fuzz_planFree(&cands[i]);
    }
    free(cands);
}

void fuzz_minFree(struct fuzz_min *m) {
    fuzz_planFree(&m->best);
    fuzz_planFree(&m->hint);
    free(m->batch);
    memset(m, 0, sizeof(*m));
}
