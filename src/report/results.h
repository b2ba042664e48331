/* results.h - what one harness run wrote (scenarios/README.md, "results file"),
 * and histograms merged over runs.
 *
 * The harness appends a complete snapshot of its histogram every half second;
 * only complete snapshots (ended by an "end" line) are taken, so a run killed
 * mid-write still yields everything up to its last snapshot. Counts are read
 * clamped to [0, 2^53] and summed saturating there, whatever the file says. */
#ifndef FTSTRESS_RESULTS_H
#define FTSTRESS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome classes, as declared by a scenario; UNEXPECTED for an undeclared result. */
enum outcome_class {
    OUTCOME_EXPECTED,
    OUTCOME_ACCEPTABLE,
    OUTCOME_INTERESTING,
    OUTCOME_FORBIDDEN,
    OUTCOME_UNEXPECTED,
};

struct outcome {
    char *result; /* the arbiter's string; owned */
    long samples;
    enum outcome_class cls;
    char *description; /* owned; "" when undeclared */
};

struct results {
    char *scenario;    /* name; owned, NULL if the harness never got that far */
    char *description; /* owned */
    int threads;
    uint64_t seed;
    long iterations;          /* asked for */
    long done;                /* states judged */
    double seconds;           /* harness time at the last snapshot */
    struct outcome *outcomes; /* owned, with classes resolved */
    size_t noutcomes;
    bool has_counts; /* a lost-update scenario */
    long long expected, observed, lossy_states;
    bool has_first_failure;
    double first_failure_seconds;
    long first_failure_iteration;
    char *error;           /* a scenario error ("file:line: reason"); owned or NULL */
    char *actor_exception; /* the first actor exception "tid N at file:line: Type: msg" */
    bool final;            /* the harness finished normally */
};

/* Reads a results file. Returns false only when it cannot be read at all; an
 * empty or cut-off file yields what it had. */
bool results_load(const char *path, struct results *r);

/* Adds src's histogram and counts into dst (matching outcomes by result); dst
 * takes src's declarations for results it did not know. */
void results_merge(struct results *dst, const struct results *src);

/* Samples in classes that make a finding: interesting, forbidden, unexpected. */
long results_failingSamples(const struct results *r);

/* The most frequent failing outcome, or NULL. Owned by r. */
const struct outcome *results_worstOutcome(const struct results *r);

/* "expected", "acceptable", ... */
const char *results_className(enum outcome_class cls);

/* Frees what r owns and zeroes it. */
void results_free(struct results *r);

#endif
