/* results.c - the harness results file; see results.h and scenarios/README.md. */
#include "results.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define RESULTS_MAX_FIELDS 4

/* Every count read from a results file is clamped to [0, RESULTS_MAX_COUNT],
 * and sums over runs saturate there: a corrupted or hostile file can then make
 * no count negative, overflow no sum, and no report that merge (which reads
 * counts up to 2^53) would refuse. */
#define RESULTS_MAX_COUNT (1LL << 53)
#define RESULTS_MAX_THREADS (1 << 20)

static long long results_count(const char *text, long long max) {
    long long v = strtoll(text, NULL, 10); /* saturates at LLONG_MIN/MAX, unlike atol */
    return v < 0 ? 0 : v > max ? max : v;
}

/* a + b for counts within [0, RESULTS_MAX_COUNT]. */
static long long results_sum(long long a, long long b) {
    return a > RESULTS_MAX_COUNT - b ? RESULTS_MAX_COUNT : a + b;
}

struct declared {
    enum outcome_class cls;
    char *result;
    char *description;
};

static const char *const class_names[] = {"expected", "acceptable", "interesting", "forbidden",
                                          "unexpected"};

const char *results_className(enum outcome_class cls) {
    return class_names[cls];
}

static enum outcome_class results_parseClass(const char *name) {
    for (int i = 0; i < OUTCOME_UNEXPECTED; i++) {
        if (strcmp(name, class_names[i]) == 0) {
            return (enum outcome_class)i;
        }
    }
    return OUTCOME_UNEXPECTED;
}

/* Splits line in place at tabs; returns the number of fields (at most max). The
 * last field keeps any further tabs. */
static int results_split(char *line, char **fields, int max) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

static struct outcome *results_find(struct outcome *list, size_t n, const char *result) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].result, result) == 0) {
            return &list[i];
        }
    }
    return NULL;
}

static void results_addOutcome(struct outcome **list, size_t *n, const char *result, long samples,
                               enum outcome_class cls, const char *description) {
    *list = util_grow(*list, *n, sizeof(**list));
    (*list)[*n] = (struct outcome){.result = strdup(result),
                                   .samples = samples,
                                   .cls = cls,
                                   .description = strdup(description)};
    (*n)++;
}

static void results_freeOutcomes(struct outcome *list, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(list[i].result);
        free(list[i].description);
    }
    free(list);
}

/* One snapshot being read; committed into r at its "end" line. */
struct snapshot {
    long done;
    double seconds;
    struct outcome *outcomes;
    size_t noutcomes;
    bool has_counts;
    long long expected, observed, lossy;
    bool has_first_failure;
    double ff_seconds;
    long ff_iteration;
    bool open;
};

static void results_commit(struct results *r, struct snapshot *s, const struct declared *decl,
                           size_t ndecl, bool final) {
    results_freeOutcomes(r->outcomes, r->noutcomes);
    r->outcomes = s->outcomes;
    r->noutcomes = s->noutcomes;
    for (size_t i = 0; i < r->noutcomes; i++) {
        for (size_t d = 0; d < ndecl; d++) {
            if (strcmp(decl[d].result, r->outcomes[i].result) == 0) {
                r->outcomes[i].cls = decl[d].cls;
                free(r->outcomes[i].description);
                r->outcomes[i].description = strdup(decl[d].description);
            }
        }
    }
    r->done = s->done;
    r->seconds = s->seconds;
    r->has_counts = s->has_counts;
    r->expected = s->expected;
    r->observed = s->observed;
    r->lossy_states = s->lossy;
    r->has_first_failure = s->has_first_failure;
    r->first_failure_seconds = s->ff_seconds;
    r->first_failure_iteration = s->ff_iteration;
    r->final = final;
    memset(s, 0, sizeof(*s));
}

bool results_load(const char *path, struct results *r) {
    memset(r, 0, sizeof(*r));
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        return false;
    }
    struct declared *decl = NULL;
    size_t ndecl = 0;
    struct snapshot snap = {0};
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[RESULTS_MAX_FIELDS + 1] = {0};
        int n = results_split(line, f, RESULTS_MAX_FIELDS);
        const char *tag = f[0];
        if (strcmp(tag, "scenario") == 0 && n >= 2) {
            free(r->scenario);
            free(r->description);
            r->scenario = strdup(f[1]);
            r->description = strdup(n >= 3 ? f[2] : "");
        } else if (strcmp(tag, "param") == 0 && n >= 3) {
            if (strcmp(f[1], "threads") == 0) {
                r->threads = (int)results_count(f[2], RESULTS_MAX_THREADS);
            } else if (strcmp(f[1], "seed") == 0) {
                r->seed = strtoull(f[2], NULL, 10);
            } else if (strcmp(f[1], "iterations") == 0) {
                r->iterations = (long)results_count(f[2], RESULTS_MAX_COUNT);
            }
        } else if (strcmp(tag, "declare") == 0 && n >= 3) {
            decl = util_grow(decl, ndecl, sizeof(*decl));
            decl[ndecl++] = (struct declared){results_parseClass(f[1]), strdup(f[2]),
                                              strdup(n >= 4 ? f[3] : "")};
        } else if (strcmp(tag, "snapshot") == 0 && n >= 3) {
            results_freeOutcomes(snap.outcomes, snap.noutcomes);
            memset(&snap, 0, sizeof(snap));
            snap.open = true;
            snap.done = (long)results_count(f[1], RESULTS_MAX_COUNT);
            snap.seconds = atof(f[2]);
        } else if (strcmp(tag, "outcome") == 0 && n >= 3 && snap.open) {
            results_addOutcome(&snap.outcomes, &snap.noutcomes, f[2],
                               (long)results_count(f[1], RESULTS_MAX_COUNT), OUTCOME_UNEXPECTED,
                               "");
        } else if (strcmp(tag, "counts") == 0 && n >= 4 && snap.open) {
            snap.has_counts = true;
            snap.expected = results_count(f[1], RESULTS_MAX_COUNT);
            snap.observed = results_count(f[2], RESULTS_MAX_COUNT);
            snap.lossy = results_count(f[3], RESULTS_MAX_COUNT);
        } else if (strcmp(tag, "first_failure") == 0 && n >= 3 && snap.open) {
            snap.has_first_failure = true;
            snap.ff_seconds = atof(f[1]);
            snap.ff_iteration = (long)results_count(f[2], RESULTS_MAX_COUNT);
        } else if (strcmp(tag, "end") == 0 && snap.open) {
            results_commit(r, &snap, decl, ndecl, n >= 2 && strcmp(f[1], "final") == 0);
        } else if (strcmp(tag, "error") == 0 && n >= 3 && r->error == NULL) {
            r->error = strdup(f[2]);
        } else if (strcmp(tag, "actor_exception") == 0 && n >= 4 && r->actor_exception == NULL) {
            r->actor_exception = util_asprintf("thread %s at %s: %s", f[1], f[2], f[3]);
        }
    }
    results_freeOutcomes(snap.outcomes, snap.noutcomes);
    /* Declared outcomes never observed still belong in the table (0 samples). */
    for (size_t d = 0; d < ndecl; d++) {
        if (results_find(r->outcomes, r->noutcomes, decl[d].result) == NULL) {
            results_addOutcome(&r->outcomes, &r->noutcomes, decl[d].result, 0, decl[d].cls,
                               decl[d].description);
        }
        free(decl[d].result);
        free(decl[d].description);
    }
    free(decl);
    free(text);
    return true;
}

void results_merge(struct results *dst, const struct results *src) {
    if (dst->scenario == NULL && src->scenario != NULL) {
        dst->scenario = strdup(src->scenario);
        dst->description = strdup(src->description ? src->description : "");
        dst->threads = src->threads;
    }
    for (size_t i = 0; i < src->noutcomes; i++) {
        const struct outcome *o = &src->outcomes[i];
        struct outcome *mine = results_find(dst->outcomes, dst->noutcomes, o->result);
        if (mine != NULL) {
            mine->samples = (long)results_sum(mine->samples, o->samples);
        } else {
            results_addOutcome(&dst->outcomes, &dst->noutcomes, o->result, o->samples, o->cls,
                               o->description);
        }
    }
    if (src->has_first_failure &&
        (!dst->has_first_failure || src->first_failure_seconds < dst->first_failure_seconds)) {
        dst->has_first_failure = true;
        dst->first_failure_seconds = src->first_failure_seconds;
        dst->first_failure_iteration = src->first_failure_iteration;
    }
    dst->iterations = (long)results_sum(dst->iterations, src->iterations);
    dst->done = (long)results_sum(dst->done, src->done);
    dst->seconds += src->seconds;
    if (src->has_counts) {
        dst->has_counts = true;
        dst->expected = results_sum(dst->expected, src->expected);
        dst->observed = results_sum(dst->observed, src->observed);
        dst->lossy_states = results_sum(dst->lossy_states, src->lossy_states);
    }
    if (dst->error == NULL && src->error != NULL) {
        dst->error = strdup(src->error);
    }
    if (dst->actor_exception == NULL && src->actor_exception != NULL) {
        dst->actor_exception = strdup(src->actor_exception);
    }
}

long results_failingSamples(const struct results *r) {
    long n = 0;
    for (size_t i = 0; i < r->noutcomes; i++) {
        if (r->outcomes[i].cls >= OUTCOME_INTERESTING) {
            n = (long)results_sum(n, r->outcomes[i].samples);
        }
    }
    return n;
}

const struct outcome *results_worstOutcome(const struct results *r) {
    const struct outcome *worst = NULL;
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *o = &r->outcomes[i];
        if (o->cls >= OUTCOME_INTERESTING && o->samples > 0 &&
            (worst == NULL || o->cls > worst->cls ||
             (o->cls == worst->cls && o->samples > worst->samples))) {
            worst = o;
        }
    }
    return worst;
}

void results_free(struct results *r) {
    free(r->scenario);
    free(r->description);
    results_freeOutcomes(r->outcomes, r->noutcomes);
    free(r->error);
    free(r->actor_exception);
    memset(r, 0, sizeof(*r));
}
