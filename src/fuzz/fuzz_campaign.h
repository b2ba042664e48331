/* fuzz_campaign.h - fuzzing one target: independent harness processes with
 * derived seeds until the time budget (or iteration count) is spent, the
 * distinct findings with the iteration that showed each, minimization of each
 * failing sequence (bounded time), and the cases that replay them. */
#ifndef FTSTRESS_FUZZ_CAMPAIGN_H
#define FTSTRESS_FUZZ_CAMPAIGN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "finding.h"
#include "fuzz_exec.h"
#include "fuzz_plan.h"

/* Cases saved per campaign for new outcomes (not findings): enough to seed a
 * regression corpus, few enough not to flood it. */
#define FUZZ_CAMPAIGN_MAX_OUTCOME_CASES 8

struct fuzz_campaignOptions {
    double budget;          /* seconds of fuzzing; 0: iterations mode */
    long iterations;        /* per process in iterations mode */
    int runs;               /* processes the budget is split over (more after a crash) */
    bool minimize;          /* minimize each failing sequence */
    double minimize_budget; /* seconds for all minimization */
    bool save_cases;        /* write cases to the corpus */
    FILE *progress;         /* progress lines, or NULL */
};

/* One distinct finding of a campaign and what replays it. */
struct fuzz_found {
    char *signature;       /* owned */
    char *kind;            /* owned */
    uint64_t seed;         /* the process seed */
    long iteration;        /* in that process; -1 when unknown */
    int process;           /* 1-based */
    double at;             /* seconds into the campaign, -1 when unknown */
    struct fuzz_plan plan; /* the sequence (minimized when minimized_ops > 0); owned */
    size_t original_ops;   /* before minimization */
    size_t minimized_ops;  /* after, 0 when not minimized */
    int reproduced;        /* -1 not tried, 0 no, 1 yes */
    int min_tests;         /* candidates minimization ran */
    bool min_done;         /* minimization finished (1-minimal), not cut short by time */
    char *case_path;       /* owned, NULL when not saved */
};

struct fuzz_campaign {
    char *spec, *label;   /* owned */
    char *mode;           /* "file", "auto" or "function" (the harness says); owned */
    size_t nops;          /* the target's operations */
    int threads, ops;     /* threads, operations per thread */
    char *error;          /* the target is bad input: the harness's message; owned */
    char *harness_error;  /* could not fuzz: the harness's own code failed (fuzz_crash.h); owned */
    char *harness_detail; /* its traceback; owned, may be NULL */
    struct fuzz_skip *skipped; /* methods left out: they act on the process; owned */
    size_t nskipped;
    /* pool mode's op-pair coverage, from the process that covered the most */
    long pairs_seen, pairs_possible;
    struct fuzz_pair *pair_hits, *pair_top; /* owned */
    size_t npair_hits, npair_top;
    int processes, crashes, hangs;
    long iterations, ops_done, lin_checked, lin_undecided;
    double seconds;      /* wall time, minimization included */
    double fuzz_seconds; /* time in the harnesses' fuzzing loops */
    double minimize_seconds;
    struct finding_set findings; /* owned */
    struct fuzz_found *found;    /* owned, one per finding, same order */
    size_t nfound;
    size_t outcomes, outcome_cases; /* distinct new outcomes; cases saved for them */
    char **outcome_keys;            /* owned */
};

/* Fuzzes spec (a file's absolute path or module:factory), its findings
 * attributed to label. Returns false only on an internal error; a bad target
 * is c->error. stop, when set by a signal handler, ends the campaign early. */
bool fuzz_campaignRun(const struct fuzz_env *env, const char *spec, const char *label,
                      const struct fuzz_campaignOptions *opt, volatile sig_atomic_t *stop,
                      struct fuzz_campaign *c);

/* What replays the finding with signature (c->found holds one per finding),
 * or NULL. Owned by c. */
const struct fuzz_found *fuzz_campaignFound(const struct fuzz_campaign *c, const char *signature);

/* The campaign's verdict for a person: "no finding", or the kinds found
 * ("races", "crash", "hang", "wrong results") joined by ", "; "skipped" for a
 * bad target; "could not fuzz" when the harness failed. Caller frees. */
char *fuzz_campaignVerdict(const struct fuzz_campaign *c);

/* The sequence of plan run repeatedly by a process, to check a finding
 * (signature, kind) shows: returns 1 if it did, 0 if not, -1 on an internal
 * error. Used by minimization and replay. out (may be NULL) receives the run. */
int fuzz_campaignCheck(const struct fuzz_env *env, const char *spec, const char *label,
                       const struct fuzz_plan *plan, uint64_t seed, int repeat, double seconds,
                       const char *signature, const char *kind, const char *dir,
                       struct fuzz_run *out);

/* Iteration `iteration` of seed (threads, ops per thread) drawn again by the
 * harness without running it, into out. False when it could not be. */
bool fuzz_campaignDrawPlan(const struct fuzz_env *env, const char *spec, const char *label,
                           uint64_t seed, long iteration, int threads, int ops, const char *dir,
                           struct fuzz_plan *out);

/* True when finding f counts as the finding (signature, kind): the same
 * signature, or for crashes, hangs and wrong results the same kind. */
bool fuzz_campaignSame(const struct finding *f, const char *signature, const char *kind);

/* The harness's --stop-when for a finding: "tsan:F1,F2" (the functions of
 * its signature's sites) for TSan findings, "exception:OP:TYPE",
 * "invariant", "linearizability", "any" without a signature, "none" for
 * what ends the process by itself or shows only afterwards (crashes, hangs,
 * refcount anomalies). Caller frees. */
char *fuzz_campaignStopWhen(const char *signature, const char *kind);

void fuzz_campaignFree(struct fuzz_campaign *c);

#endif
