/* engine.c - spawn one harness run and collect what it left; see engine.h. */
#include "engine.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hang.h"
#include "log.h"
#include "paths.h"
#include "scenario.h"
#include "schedule.h"
#include "util.h"

/* TSan's history of memory accesses per thread, in units of 32K events
 * (history_size=N keeps 2^N of them). The default 2 often cannot restore the
 * previous access's stack in a busy interpreter; 4 keeps it mostly restorable
 * at a moderate memory cost. */
#define ENGINE_TSAN_HISTORY_SIZE 4

uint64_t engine_runSeed(uint64_t base, const char *scenario, int index) {
    uint64_t state = base;
    for (const char *p = scenario; *p; p++) {
        state = state * 131 + (unsigned char)*p;
    }
    state += (uint64_t)index * 0x2545F4914F6CDD1DULL;
    /* Keep seeds within 48 bits so they print and paste comfortably. */
    return util_splitmix64(&state) & 0xFFFFFFFFFFFFULL;
}

char *engine_tsanOptions(const char *supp, const char *dir) {
    /* halt_on_error=0: a race hunt wants every report of a run, not the first.
     * exitcode=0: the process's status stays the harness's own, reports are
     * read from the log. second_deadlock_stack=1: both stacks of a lock-order
     * inversion. print_suppressions=1: how often each suppression matched, so
     * stale ones can be pruned. handle_*=0: a crash goes to faulthandler (Python stacks) and
     * the shim (C stack, libunwind), then kills the process with its signal;
     * TSan's own handler would abort on a "nested bug" halfway through. */
    return util_asprintf(
        "TSAN_OPTIONS=halt_on_error=0 exitcode=0 second_deadlock_stack=1 "
        "print_suppressions=1 history_size=%d handle_segv=0 handle_sigbus=0 handle_sigfpe=0 "
        "handle_sigill=0 handle_abort=0 log_path=%s/tsan suppressions=%s",
        ENGINE_TSAN_HISTORY_SIZE, dir, supp);
}

/* The first "Fatal Python error: ..." of the run's stderr, naming the signal. */
static char *engine_crashReason(const char *dir, int signal) {
    char *path = util_asprintf("%s/stderr", dir);
    char *err = util_readFile(path, NULL);
    free(path);
    const char *fatal = err ? strstr(err, "Fatal Python error: ") : NULL;
    char *reason;
    if (fatal != NULL) {
        fatal += strlen("Fatal Python error: ");
        reason = util_strndup(fatal, strcspn(fatal, "\n"));
    } else if (signal != 0) {
        reason = util_asprintf("%s", strsignal(signal));
    } else {
        reason = util_asprintf("the interpreter stopped before the harness finished");
    }
    free(err);
    return reason;
}

/* True when every thread of a hang-stacks file waits inside the sanitizer
 * runtime (its top frames in __tsan:: or __sanitizer::). LLVM 14's TSan can
 * deadlock internally (slot and trace locks) under heavy load; that is a hang
 * of the instrument, not of the program, and the run is worth repeating. */
static bool engine_isSanitizerHang(const char *dir) {
    char *path = util_asprintf("%s/hang-stacks", dir);
    char *text = util_readFile(path, NULL);
    free(path);
    if (text == NULL) {
        return false;
    }
    int threads = 0, in_runtime = 0, frame = 0;
    bool this_one = false;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "thread ", 7) == 0) {
            in_runtime += this_one;
            threads++;
            this_one = false;
            frame = 0;
        } else if (strstr(line, " #") != NULL && frame++ < 4 &&
                   (strstr(line, "__tsan") != NULL || strstr(line, "__sanitizer") != NULL)) {
            this_one = true;
        }
    }
    in_runtime += this_one;
    free(text);
    return threads > 0 && in_runtime == threads;
}

bool engine_runProgram(const struct engine_program *prog, struct run_record *rec) {
    const struct ftstress_config *cfg = prog->cfg;
    const struct runtime *rt = prog->rt;
    const char *dir = prog->dir;
    memset(rec, 0, sizeof(*rec));
    rec->seed = prog->seed;
    rec->dir = strdup(dir);
    if (!util_mkdirs(dir)) {
        LOG_P("cannot create run directory %s", dir);
        return false;
    }
    const char *argv[ENGINE_MAX_ARGS + 4] = {rt->python, "-X", "faulthandler"};
    int argc = 3;
    for (int i = 0; prog->args[i] != NULL && argc < ENGINE_MAX_ARGS + 3; i++) {
        argv[argc++] = prog->args[i];
    }
    argv[argc] = NULL;
    char *out = util_asprintf("%s/stdout", dir);
    char *err = util_asprintf("%s/stderr", dir);

    const char *shim = paths_shim();
    char *env_preload = util_isFile(shim) ? util_asprintf("LD_PRELOAD=%s", shim) : NULL;
    if (env_preload == NULL) {
        LOG_W("shim library %s not found: running without schedule noise", shim);
    }
    char *env_seed = util_asprintf("FTSTRESS_SEED=%" PRIu64, prog->seed);
    char *env_noise = util_asprintf("FTSTRESS_NOISE=%s", config_noiseName(cfg->noise));
    /* %p: the shims write one file per process, subprocesses included. */
    char *env_stats = util_asprintf("FTSTRESS_SHIM_STATS=%s/shim-stats.%%p", dir);
    char *env_anom = util_asprintf("FTSTRESS_SHIM_ANOMALIES=%s/shim-anomalies", dir);
    char *env_crash = util_asprintf("FTSTRESS_SHIM_CRASH=%s/shim-crash", dir);
    char *crash_path = util_asprintf("%s/crash-stacks", dir);
    char *env_pystacks = util_asprintf("FTSTRESS_PYSTACKS=%s/pystacks", dir);
    char *env_tsan = rt->tsan ? engine_tsanOptions(prog->tsan_supp_path, dir) : NULL;
    /* Controlled schedules (schedule.h): the strategy and its files. */
    char *env_sched[8];
    int nsched = schedule_env(cfg, dir, env_sched, 8);
    /* env_tsan and env_preload may be NULL: they end the list early, on purpose last. */
    const char *env[24] = {"PYTHON_GIL=0",
                           "PYTHONDONTWRITEBYTECODE=1",
                           "FTSTRESS_SHIM_CRASH_STOP=1",
                           env_seed,
                           env_noise,
                           env_stats,
                           env_anom,
                           env_crash,
                           env_pystacks};
    int nenv = 9;
    for (int i = 0; i < nsched; i++) {
        env[nenv++] = env_sched[i];
    }
    env[nenv++] = env_preload;
    env[nenv++] = env_tsan;
    env[nenv] = NULL;

    char *hang_path = util_asprintf("%s/hang-stacks", dir);
    struct spawn_request req = {.argv = argv,
                                .env = env,
                                .stdout_path = out,
                                .stderr_path = err,
                                .timeout = cfg->timeout,
                                .progress_path = prog->progress_path,
                                .on_crash_stop = hang_dumpStacks,
                                .on_crash_stop_arg = crash_path,
                                .on_hang = hang_dumpStacks,
                                .on_hang_arg = hang_path};
    LOG_D("run %s seed %" PRIu64 " in %s", prog->label, prog->seed, dir);
    rec->proc = spawn_run(&req);
    bool ok = rec->proc.started;
    if (ok) {
        rec->hung = rec->proc.timed_out;
        if (rec->hung && engine_isSanitizerHang(dir)) {
            rec->hung = false;
            rec->runtime_hang = true;
        }
        /* The harnesses exit 0 or 1 when they finished and 3 for bad input;
         * anything else, or a signal, means the code under test ended them. */
        int code = rec->proc.exit_code;
        rec->scenario_error = !rec->hung && code == ENGINE_EXIT_BAD_INPUT;
        rec->crashed = !rec->hung && (rec->proc.signal != 0 ||
                                      (code != 0 && code != 1 && code != ENGINE_EXIT_BAD_INPUT));
        if (rec->crashed) {
            rec->crash_reason = engine_crashReason(dir, rec->proc.signal);
        }
        ok = run_findings_collectTsan(dir, prog->label, prog->seed, prog->supp, &rec->findings,
                                      &rec->tsan);
        run_findings_addAnomalies(dir, prog->label, prog->seed, prog->supp, &rec->findings);
        shimstats_addDir(&rec->shim, dir);
    }

    free(hang_path);
    free(crash_path);
    free(env_preload);
    free(env_seed);
    free(env_noise);
    free(env_stats);
    free(env_anom);
    free(env_crash);
    free(env_tsan);
    free(env_pystacks);
    for (int i = 0; i < nsched; i++) {
        free(env_sched[i]);
    }
    free(out);
    free(err);
    return ok;
}

void engine_settle(struct run_record *rec, const char *label) {
    if (rec->crashed || rec->hung) {
        run_findings_addCrashOrHang(rec->dir, label, rec->seed,
                                    rec->hung ? NULL : rec->crash_reason, &rec->findings);
    }
}

bool engine_runOnce(const struct ftstress_config *cfg, const struct runtime *rt,
                    const char *tsan_supp_path, struct suppress_set *supp, const char *scenario,
                    uint64_t seed, const char *dir, struct run_record *rec) {
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
    struct engine_program prog = {.cfg = cfg,
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
        results_load(results, &rec->results);
        rec->scenario_error = rec->results.error != NULL;
        /* A harness that ended without its final snapshot was ended by the code
         * under test, whatever its exit status (os._exit, for one). */
        if (!rec->hung && !rec->scenario_error && !rec->crashed && !rec->results.final) {
            rec->crashed = true;
            rec->crash_reason = engine_crashReason(dir, rec->proc.signal);
        }
        if (rec->scenario_error) {
            rec->crashed = false;
        }
        engine_settle(rec, name);
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

void engine_recordFree(struct run_record *rec) {
    free(rec->dir);
    results_free(&rec->results);
    finding_setFree(&rec->findings);
    shimstats_free(&rec->shim);
    free(rec->crash_reason);
    memset(rec, 0, sizeof(*rec));
}
