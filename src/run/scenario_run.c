/* scenario_run.c - a scenario's run: the harness's command line, its results
 * file, and what a run adds to the scenario's verdict; see scenario_run.h. */
#include "scenario_run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "paths.h"
#include "scenario.h"
#include "schedule.h"
#include "util.h"

bool scenario_runOnce(const struct ftstress_config *cfg, const struct runtime *rt,
                      const char *tsan_supp_path, struct suppress_set *supp, const char *scenario,
                      uint64_t seed, const char *dir, struct scenario_run *run) {
    memset(run, 0, sizeof(*run));
    struct run_record *rec = &run->rec;
    char *harness = paths_inHome("scenarios/harness.py");
    char *results = util_asprintf("%s/results", dir);
    char *seed_arg = util_asprintf("%" PRIu64, seed);
    char *threads_arg = util_asprintf("%d", cfg->threads);
    char *iter_arg = util_asprintf("%ld", cfg->iterations);
    char *stride_arg = util_asprintf("%d", cfg->stride);
    char *budget_arg = util_asprintf("%g", cfg->time_budget);
    const char *args[] = {harness,     "--scenario",    scenario,   "--results",
                          results,     "--seed",        seed_arg,   "--threads",
                          threads_arg, "--iterations",  iter_arg,   "--stride",
                          stride_arg,  "--time-budget", budget_arg, NULL};
    char *name = scenario_name(scenario);
    /* A controlled schedule's strategy and files (schedule.h), for the shim. */
    char *sched_env[ENGINE_MAX_ENV + 1] = {0};
    schedule_env(cfg, dir, sched_env, ENGINE_MAX_ENV);
    struct engine_program prog = {.noise = cfg->noise,
                                  .extra_env = (const char *const *)sched_env,
                                  .gil_off = cfg->gil_off,
                                  .timeout = cfg->timeout,
                                  .rt = rt,
                                  .tsan_supp_path = tsan_supp_path,
                                  .supp = supp,
                                  .args = args,
                                  .label = name,
                                  .seed = seed,
                                  .dir = dir,
                                  .progress_path = results};
    bool ok = engine_runProgram(&prog, rec);
    if (ok) {
        results_load(results, &run->results);
        rec->scenario_error = run->results.error != NULL;
        /* A harness that ended without its final snapshot was ended by the code
         * under test, whatever its exit status (os._exit, for one). */
        if (!rec->hung && !rec->scenario_error && !rec->crashed && !run->results.final) {
            rec->crashed = true;
            rec->crash_reason = engine_crashReason(dir, rec->proc.signal);
        }
        if (rec->scenario_error) {
            rec->crashed = false;
        }
        engine_settle(rec, name);
    }
    for (int i = 0; sched_env[i] != NULL; i++) {
        free(sched_env[i]);
    }
    free(name);
    free(harness);
    free(results);
    free(seed_arg);
    free(threads_arg);
    free(iter_arg);
    free(stride_arg);
    free(budget_arg);
    return ok;
}

char *scenario_runFailure(const struct scenario_run *run) {
    const struct run_record *rec = &run->rec;
    if (rec->hung) {
        return util_asprintf("hang (no progress within the timeout)");
    }
    if (rec->crashed) {
        return util_asprintf("crash: %s", rec->crash_reason ? rec->crash_reason : "?");
    }
    if (rec->scenario_error) {
        return NULL; /* bad input, reported as an error, not a finding */
    }
    const struct outcome *worst = results_worstOutcome(&run->results);
    if (worst != NULL) {
        return util_asprintf("%s outcome '%s'", results_className(worst->cls), worst->result);
    }
    if (rec->tsan.tsan_reports > 0) {
        return util_asprintf("%d ThreadSanitizer report%s", rec->tsan.tsan_reports,
                             rec->tsan.tsan_reports == 1 ? "" : "s");
    }
    if (rec->proc.exit_code != 0) {
        return util_asprintf("interpreter exited with status %d", rec->proc.exit_code);
    }
    return NULL;
}

void scenario_runAddTo(struct scenario_verdict *v, const struct scenario_run *run) {
    const struct run_record *rec = &run->rec;
    v->runs++;
    v->seconds += rec->proc.seconds;
    results_merge(&v->merged, &run->results);
    if (run->results.error != NULL && v->error == NULL) {
        v->error = util_dup(run->results.error);
    }
    v->scenario_errors += rec->scenario_error;
    v->crashes += rec->crashed;
    v->hangs += rec->hung;
    v->tsan_reports += rec->tsan.tsan_reports;
    v->failed_restores += rec->tsan.failed_restores;
    v->tsan_runs += rec->tsan.tsan_reports > 0;
    finding_merge(&v->findings, &rec->findings);
    shimstats_merge(&v->shim, &rec->shim);
    char *why = scenario_runFailure(run);
    if (why != NULL) {
        v->failing_runs++;
        finding_seedsAdd(v->failing_seeds, &v->nfailing_seeds, VERDICT_MAX_SEEDS, rec->seed);
    }
    free(why);
    if (run->results.has_first_failure) {
        v->first_failures =
            util_grow(v->first_failures, (size_t)v->nfirst_failures, sizeof(*v->first_failures));
        v->first_failures[v->nfirst_failures++] = run->results.first_failure_seconds;
    }
}

void scenario_runFree(struct scenario_run *run) {
    engine_recordFree(&run->rec);
    results_free(&run->results);
}
