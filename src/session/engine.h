/* engine.h - one run: one fresh interpreter process executing one harness
 * program (a scenario, a test file, a fuzz target: the engine knows none of
 * them) with one seed, under the shims and (on a tsan runtime) ThreadSanitizer.
 *
 * Each run gets its own directory holding what it wrote:
 *   results        the harness results file (its format is the harness's own)
 *   stdout, stderr the interpreter's output (faulthandler stacks land in stderr)
 *   tsan.PID       ThreadSanitizer's log (log_path), one per process
 *   shim-stats.PID the shims' event counters (key=value), one per process
 *   shim-anomalies refcount anomalies the shims caught, with stacks
 *   shim-crash     the crashing thread's C stack, when it crashed
 *   hang-stacks    every thread's C stack, when the watchdog fired
 *   crash-stacks   every thread's C stack, taken while the crashing process was stopped
 *   pystacks       the Python stack of each TSan report (the runtime's hook) */
#ifndef FTSTRESS_ENGINE_H
#define FTSTRESS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "finding.h"
#include "run_findings.h"
#include "runtime.h"
#include "shimstats.h"
#include "spawn.h"

struct run_record {
    uint64_t seed;
    char *dir; /* the run's directory; owned */
    struct spawn_result proc;
    bool crashed;                   /* died (a signal) or stopped before finishing */
    char *crash_reason;             /* e.g. "Segmentation fault"; owned or NULL */
    bool hung;                      /* the watchdog ended it */
    bool runtime_hang;              /* it hung, but every thread was stuck inside the TSan runtime
                                       itself, not in the code under test: not a finding */
    bool scenario_error;            /* the harness refused its input (exit status 3) */
    struct finding_set findings;    /* TSan reports, the crash or the hang; owned */
    struct run_findings_stats tsan; /* what parsing its TSan logs counted */
    struct shimstats shim;          /* the shims' counters of every process of the run; owned */
};

/* The seed of run number index of a campaign started with base: independent
 * runs must not share a schedule, and the same base must give the same seeds. */
uint64_t engine_runSeed(uint64_t base, const char *scenario, int index);

/* The exit status with which a harness says its input was bad (a scenario or
 * test file that does not load); 0 and 1 mean it finished. */
#define ENGINE_EXIT_BAD_INPUT 3
#define ENGINE_MAX_ARGS 48
#define ENGINE_MAX_ENV 12

/* One interpreter process to run under the shims and TSan. */
struct engine_program {
    enum noise_level noise; /* the shims' schedule noise */
    bool gil_off;           /* PYTHON_GIL=0: keep the GIL off past an import enabling it */
    double timeout;         /* seconds without progress before it is a hang */
    const struct runtime *rt;
    const char *tsan_supp_path; /* the joined TSan suppressions file */
    struct suppress_set *supp;  /* ftstress's own filtering and counting */
    const char *const *args;    /* after "python -X faulthandler", NULL-terminated */
    const char *label;          /* the scenario or test file findings are attributed to */
    uint64_t seed;
    const char *dir;           /* its run directory (created) */
    const char *progress_path; /* a file it rewrites while making progress, or NULL */
    const char *const
        *extra_env;    /* more environment entries (a controlled schedule's:
                          schedule.h), NULL-terminated, at most ENGINE_MAX_ENV; or NULL */
    bool own_findings; /* the caller collects the TSan reports and anomalies itself
                          (with a router, once its results say where each belongs):
                          the engine does not read them */
};

/* Runs prog to completion and collects its TSan and refcount-anomaly findings
 * into rec; sets crashed (signal, or an exit status other than 0, 1 and
 * ENGINE_EXIT_BAD_INPUT), hung and scenario_error. The crash or hang itself
 * becomes a finding only through engine_settle, once the caller agrees with
 * that verdict. Returns false only when no process could be started. */
bool engine_runProgram(const struct engine_program *prog, struct run_record *rec);

/* The first "Fatal Python error: ..." of dir's stderr, else the signal's name,
 * else "the interpreter stopped before the harness finished". Caller frees. */
char *engine_crashReason(const char *dir, int signal);

/* Adds rec's crash or hang (if any) to its findings, attributed to label. */
void engine_settle(struct run_record *rec, const char *label);

/* The TSAN_OPTIONS=... environment entry of a run writing its log under dir
 * and reading the joined suppressions supp. Caller frees. */
char *engine_tsanOptions(const char *supp, const char *dir);

/* Frees what rec owns. */
void engine_recordFree(struct run_record *rec);

#endif
