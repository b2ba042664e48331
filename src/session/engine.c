/* engine.c - spawn one interpreter process under the shims and collect what it left; see
 * engine.h. */
#include "engine.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hang.h"
#include "log.h"
#include "paths.h"
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

char *engine_crashReason(const char *dir, int signal) {
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
    char *env_noise = util_asprintf("FTSTRESS_NOISE=%s", config_noiseName(prog->noise));
    /* %p: the shims write one file per process, subprocesses included. */
    char *env_stats = util_asprintf("FTSTRESS_SHIM_STATS=%s/shim-stats.%%p", dir);
    char *env_anom = util_asprintf("FTSTRESS_SHIM_ANOMALIES=%s/shim-anomalies", dir);
    char *env_crash = util_asprintf("FTSTRESS_SHIM_CRASH=%s/shim-crash", dir);
    char *crash_path = util_asprintf("%s/crash-stacks", dir);
    char *env_pystacks = util_asprintf("FTSTRESS_PYSTACKS=%s/pystacks", dir);
    char *env_tsan = rt->tsan ? engine_tsanOptions(prog->tsan_supp_path, dir) : NULL;
    /* The GIL is left to the interpreter, so that an import that enables it
     * is seen (the harnesses check); --gil-off forces it off. */
    const char *env[ENGINE_MAX_ENV + 12] = {prog->gil_off ? "PYTHON_GIL=0" : "FTSTRESS_GIL_OFF=0",
                                            "PYTHONDONTWRITEBYTECODE=1",
                                            "FTSTRESS_SHIM_CRASH_STOP=1",
                                            env_seed,
                                            env_noise,
                                            env_stats,
                                            env_anom,
                                            env_crash,
                                            env_pystacks};
    int nenv = 9;
    for (int i = 0; prog->extra_env != NULL && prog->extra_env[i] != NULL && i < ENGINE_MAX_ENV;
         i++) {
        env[nenv++] = prog->extra_env[i];
    }
    /* env_preload and env_tsan may be NULL: they end the list early, on purpose last. */
    env[nenv++] = env_preload;
    env[nenv++] = env_tsan;
    env[nenv] = NULL;

    char *hang_path = util_asprintf("%s/hang-stacks", dir);
    struct spawn_request req = {.argv = argv,
                                .env = env,
                                .stdout_path = out,
                                .stderr_path = err,
                                .timeout = prog->timeout,
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
        if (!prog->own_findings) {
            ok = run_findings_collectTsan(dir, prog->label, prog->seed, prog->supp, &rec->findings,
                                          &rec->tsan);
            run_findings_addAnomalies(dir, prog->label, prog->seed, prog->supp, &rec->findings);
        }
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

void engine_recordFree(struct run_record *rec) {
    free(rec->dir);
    finding_setFree(&rec->findings);
    shimstats_free(&rec->shim);
    free(rec->crash_reason);
    memset(rec, 0, sizeof(*rec));
}
