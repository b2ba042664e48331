/* fuzz_exec.h - one fuzz harness process: run scenarios/fuzzharness.py
 * through the engine (shims, TSan, watchdog), read its results file, turn
 * what its own checks saw into findings, and tell which iteration each
 * finding came from (TSan reports by the log bytes each iteration added). */
#ifndef FTSTRESS_FUZZ_EXEC_H
#define FTSTRESS_FUZZ_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "finding.h"
#include "fuzz_results.h"
#include "runtime.h"
#include "suppress.h"

/* What every process of a fuzz command shares. */
struct fuzz_env {
    const struct ftstress_config *cfg;
    const struct runtime *rt;
    const char *tsan_supp_path; /* the joined TSan suppressions */
    struct suppress_set *supp;
    const char *work; /* where run directories go */
};

/* One process to run. Unset numbers mean the harness's defaults. */
struct fuzz_request {
    const char *target;      /* --target: a file's absolute path or module:factory */
    const char *label;       /* findings are attributed to it */
    const char *list_module; /* --list MODULE instead of fuzzing */
    uint64_t seed;
    int threads;
    int ops; /* per thread; 0: the target's default */
    long first_iteration;
    long iterations;          /* 0: until the time budget */
    double time_budget;       /* seconds; 0: none */
    const char *sequences;    /* run these candidates instead of random iterations */
    int repeat;               /* repetitions per candidate */
    double candidate_seconds; /* at most this long per candidate; 0: no limit */
    const char *stop_when;    /* stop at the first candidate showing this (fuzz_campaignStopWhen) */
    bool stop_candidate_only; /* ... only that candidate's repetitions, then go on */
    bool plan_only;           /* write the plans of the iterations, run nothing */
    double timeout;           /* watchdog: seconds without a new results line */
    const char *dir;          /* the run directory (created) */
};

/* Where one finding of a run came from. */
struct fuzz_origin {
    char *signature; /* owned */
    char *label;     /* the iteration or candidate; owned, NULL when unknown */
    double seconds;  /* into the harness's fuzzing, -1 when unknown */
};

struct fuzz_run {
    struct run_record rec;       /* the engine's record; rec.findings holds every finding */
    struct fuzz_results res;     /* the results file */
    struct fuzz_origin *origins; /* owned */
    size_t norigins;
    bool target_error;     /* the harness refused the target (res.error says why) */
    bool harness_error;    /* the harness's own code failed (fuzz_crash.h): ftstress's error */
    char *harness_message; /* what failed, one line; owned, NULL unless harness_error */
    char *harness_detail;  /* its traceback or stderr tail; owned, NULL unless harness_error */
    bool tool_stall;       /* the watchdog ended it stuck in TSan's report hook, not a hang */
};

/* Runs req. Returns false only when ftstress failed (no process started);
 * crashes, hangs and target errors are recorded in run. */
bool fuzz_execRun(const struct fuzz_env *env, const struct fuzz_request *req, struct fuzz_run *run);

/* The origin of the finding with signature, or NULL. */
const struct fuzz_origin *fuzz_execOrigin(const struct fuzz_run *run, const char *signature);

/* The finding a harness "finding" event stands for, attributed to label. */
struct finding fuzz_execFinding(const struct fuzz_event *e, const char *label);

/* Whether a hang's C stacks (hang.h: "thread TID (NAME):" blocks of frame
 * lines) show a thread blocked on one of TSan's own locks (FutexWait,
 * Semaphore::Wait) inside the runtime's report hook: TSan deadlocked on
 * itself while printing a report, which is not the target's hang. */
bool fuzz_execStuckInReportHook(const char *stacks);

void fuzz_runFree(struct fuzz_run *run);

#endif
