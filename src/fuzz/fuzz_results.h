/* fuzz_results.h - the results file scenarios/fuzzharness.py writes
 * (format in scenarios/fuzz_targets/README.md, "The results file").
 *
 * Tab-separated lines, the first field a tag; fields escape backslash, tab,
 * newline and carriage return as \\, \t, \n and \r. Iterations are named by
 * a label: the iteration number (random mode) or the candidate index
 * (sequences mode). */
#ifndef FTSTRESS_FUZZ_RESULTS_H
#define FTSTRESS_FUZZ_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz_plan.h"

enum fuzz_event_type {
    FUZZ_EVENT_TSAN,    /* the TSan log grew during an iteration */
    FUZZ_EVENT_FINDING, /* the harness's own checks failed */
    FUZZ_EVENT_OUTCOME, /* an operation raised an (expected) exception type not seen before */
};

struct fuzz_event {
    enum fuzz_event_type type;
    char *label;             /* the iteration; owned */
    long off_begin, off_end; /* tsan: the log's bytes written during it */
    double seconds;          /* tsan: since the harness started fuzzing */
    char *kind;              /* finding: "exception", "invariant", "linearizability"; owned */
    int tid, opk;            /* finding: thread and operation index, -1 for the whole iteration */
    char *op;                /* finding, outcome: the operation's name; owned */
    char *message;           /* finding: one line; outcome: the exception type; owned */
    char *detail;            /* finding: traceback or histories; owned, may be NULL */
};

struct fuzz_planLine {
    char *label; /* owned */
    int tid;
    char *text; /* "NAME:ARGSEED ..."; owned */
};

struct fuzz_entry {
    char *name; /* owned */
    char *kind; /* "class" or "function"; owned */
};

/* Something the harness left out: a method or a readiness entry that acts on
 * the process (--allow forces it). */
struct fuzz_skip {
    char *name;   /* owned */
    char *reason; /* owned */
};

/* Pool mode's op-pair coverage: two operations that ran in different threads
 * of one iteration ("pairhit": and how often such iterations showed a
 * finding; "pairtop": the most frequent pairs). */
struct fuzz_pair {
    char *a, *b; /* owned */
    long ran;    /* iterations they ran in */
    long hits;   /* of those, the ones that showed a finding (pairtop: 0) */
};

struct fuzz_results {
    bool seen;            /* the file existed and had the format line */
    char *error;          /* "error target MESSAGE": the target is bad input; owned */
    char *harness_error;  /* "error harness MESSAGE DETAIL": the harness's own code failed; owned */
    char *harness_detail; /* its traceback; owned, may be NULL */
    char *target, *mode;  /* owned */
    char **ops;           /* the target's operation names; owned */
    size_t nops;
    int threads, ops_per_thread, linearizable;
    long iterations, ops_done;
    double seconds;
    double started; /* CLOCK_MONOTONIC when fuzzing began (util_now's clock), 0 if unknown */
    long lin_checked, lin_undecided;
    char *last_iter; /* the label of the last iteration begun; owned */
    char *stopped;   /* the candidate a sequences run stopped at; owned */
    long candidates_done;
    bool final;
    char *gil_module;          /* "gil MODULE": loading the target enabled the GIL; owned */
    struct fuzz_event *events; /* in file order; owned */
    size_t nevents;
    struct fuzz_planLine *plans; /* owned */
    size_t nplans;
    struct fuzz_entry *entries; /* --list; owned */
    size_t nentries;
    struct fuzz_skip *skipped; /* "skip NAME REASON" lines; owned */
    size_t nskipped;
    char *last_line; /* the last complete line, escapes undone; owned, NULL if none */
    long pairs_seen, pairs_possible; /* "pairs": op-pair coverage (pool mode), 0 if none */
    struct fuzz_pair *pair_hits;     /* "pairhit" lines; owned */
    size_t npair_hits;
    struct fuzz_pair *pair_top; /* "pairtop" lines; owned */
    size_t npair_top;
};

/* Parses text (len bytes). Malformed lines are skipped: the harness may have
 * died in the middle of one. Returns false only when the format line is missing. */
bool fuzz_resultsParse(const char *text, size_t len, struct fuzz_results *r);

/* Reads and parses path; false when it is missing or not a results file. */
bool fuzz_resultsLoad(const char *path, struct fuzz_results *r);

/* The plan written for label into out (zeroed first); false when none was. */
bool fuzz_resultsPlan(const struct fuzz_results *r, const char *label, struct fuzz_plan *out);

/* A copy of field with the escapes undone. Caller frees. */
char *fuzz_resultsUnescape(const char *field, size_t len);

void fuzz_resultsFree(struct fuzz_results *r);

/* Frees the pairs of an array of n and the array. */
void fuzz_resultsFreePairs(struct fuzz_pair *pairs, size_t n);

#endif
