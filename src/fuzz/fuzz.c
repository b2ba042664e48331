/* fuzz.c - the fuzz command: classify TARGET, set up the runtime and the
 * suppressions, run the campaign (fuzz_campaign.c) or the readiness report
 * (fuzz_readiness.c) or a case replay, and report; see fuzz.h.
 *
 * The flow of one target, file by file: fuzz_target (what TARGET is) ->
 * fuzz_campaign (processes, findings, minimization) -> fuzz_exec (one harness
 * process through the engine) -> fuzz_results (its results file) ->
 * fuzz_minimize (delta debugging) -> fuzz_case (saved cases) -> fuzz_report. */
#include "fuzz.h"

#include "session.h"
#include "stop.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exitcode.h"
#include "fuzz_campaign.h"
#include "fuzz_case.h"
#include "fuzz_exec.h"
#include "fuzz_outputs.h"
#include "fuzz_readiness.h"
#include "fuzz_report.h"
#include "fuzz_target.h"
#include "log.h"
#include "manifest.h"
#include "report_text.h"
#include "run_outputs.h"
#include "runtime.h"
#include "spawn.h"
#include "suppress.h"
#include "util.h"
#include "workdir.h"

/* Replay: repetitions and seconds of the case's sequence when not given. */
#define FUZZ_REPLAY_REPEAT 200
#define FUZZ_REPLAY_SECONDS 30.0

/* A fuzz command's session, and what its processes are started with. */
struct fuzz_session {
    struct session ss;
    char *python; /* the interpreter wrapper, when the report hook is off; owned */
    struct fuzz_env env;
};

/* Findings carry the reporting thread's Python stack, written by the
 * runtime's TSan report hook (src/runtime/tsan_report_hook.c). The hook runs
 * no instrumented code and no interceptors, so a storm of reports (io.BytesIO
 * gives dozens in its first second) does not wedge TSan; measured on BytesIO,
 * with and without it, the findings and the hangs (heap corruption in
 * mimalloc) are alike. FTSTRESS_FUZZ_PYSTACKS=0 still starts fuzz processes
 * without it, through a two-line wrapper that unsets FTSTRESS_PYSTACKS
 * before the interpreter's constructors read it. Returns false after logging
 * why the wrapper could not be written. */
static bool fuzz_sessionWithoutHook(struct fuzz_session *s) {
    const char *keep = getenv("FTSTRESS_FUZZ_PYSTACKS");
    if (keep == NULL || strcmp(keep, "0") != 0 || strchr(s->ss.rt.python, '\'') != NULL) {
        return true;
    }
    s->python = util_asprintf("%s/python-nohook", s->ss.work);
    char *text =
        util_asprintf("#!/bin/sh\nunset FTSTRESS_PYSTACKS\nexec '%s' \"$@\"\n", s->ss.rt.python);
    bool ok = util_writeFileAtomic(s->python, text, strlen(text)) && chmod(s->python, 0755) == 0;
    free(text);
    if (!ok) {
        LOG_P("cannot write %s", s->python);
        return false;
    }
    s->ss.rt.python = s->python;
    return true;
}

/* Returns EXIT_CLEAN, or the exit code of what failed (already reported). */
static int fuzz_sessionOpen(const struct ftstress_config *cfg, struct fuzz_session *s) {
    memset(s, 0, sizeof(*s));
    int status = session_open(&s->ss, cfg, "ftstress-fuzz");
    if (status != EXIT_CLEAN) {
        return status;
    }
    if (!fuzz_sessionWithoutHook(s)) {
        return EXIT_INTERNAL;
    }
    s->env = (struct fuzz_env){.cfg = cfg,
                               .rt = &s->ss.rt,
                               .tsan_supp_path = s->ss.tsan_supp,
                               .supp = &s->ss.supp,
                               .work = s->ss.work};
    return EXIT_CLEAN;
}

static void fuzz_sessionClose(struct fuzz_session *s) {
    session_close(&s->ss);
    free(s->python);
    memset(s, 0, sizeof(*s));
}

/* The campaign's options from the command line. */
static struct fuzz_campaignOptions fuzz_options(const struct ftstress_config *cfg) {
    struct fuzz_campaignOptions opt = {
        .runs = cfg->runs, .minimize = true, .save_cases = true, .progress = stdout};
    if (cfg->time_budget > 0) {
        opt.budget = cfg->time_budget;
    } else if (cfg->iterations_given) {
        opt.iterations = cfg->iterations;
    } else {
        opt.budget = FUZZ_DEFAULT_BUDGET;
    }
    /* Minimization gets half the fuzzing time, within bounds: enough for a
     * handful of delta-debugging rounds, never the bulk of a long campaign. */
    double m = opt.budget > 0 ? opt.budget / 2 : 30;
    opt.minimize_budget = m < 15 ? 15 : m > 120 ? 120 : m;
    /* FTSTRESS_FUZZ_MINIMIZE=0: no minimization, for benchmarks that count
     * what fuzzing finds per CPU-hour (ci/bench-fuzz-sweep). */
    const char *minimize = getenv("FTSTRESS_FUZZ_MINIMIZE");
    opt.minimize = minimize == NULL || strcmp(minimize, "0") != 0;
    return opt;
}

static int fuzz_target(struct ftstress_config *cfg, const struct fuzz_target *t) {
    struct fuzz_session s;
    int status = fuzz_sessionOpen(cfg, &s);
    if (status != EXIT_CLEAN) {
        fuzz_sessionClose(&s);
        return status;
    }
    /* A bad --baseline was reported before anything ran (session_open). */
    struct run_outputs *outputs = &s.ss.outputs;
    if (t->kind == FUZZ_TARGET_MODULE) {
        status = fuzz_readiness(&s.env, t->module, &stop_requested, outputs);
        fuzz_sessionClose(&s);
        return status;
    }
    struct fuzz_campaignOptions opt = fuzz_options(cfg);
    outputs->runs = opt.runs;
    outputs->iterations = opt.iterations; /* per process; 0 when the budget is time */
    fuzz_reportHeader(stdout, cfg, &s.ss.rt, t->label, &opt);
    fflush(stdout);
    struct fuzz_campaign c;
    if (!fuzz_campaignRun(&s.env, t->spec, t->label, &opt, &stop_requested, &c)) {
        fuzz_campaignFree(&c);
        fuzz_sessionClose(&s);
        return EXIT_INTERNAL;
    }
    if (c.error != NULL) {
        LOG_E("%s", c.error);
    } else {
        fputc('\n', stdout);
        fuzz_reportCampaign(stdout, &c);
    }
    if (session_stopping()) {
        LOG_W("interrupted: the report covers what ran so far");
    }
    struct scenario_verdict *v = fuzz_outputsEntry(&c);
    bool written = run_outputsWrite(outputs, &v, 1) && run_outputsBaseline(outputs);
    if (c.harness_error != NULL) {
        LOG_E("%s: could not fuzz: %s (an error of ftstress's harness, not a finding)", t->label,
              c.harness_error);
    }
    /* With a baseline only new findings fail the run; without one, any does.
     * A harness that could not go on is ftstress's error, whatever it found. */
    status = c.error != NULL                   ? EXIT_USAGE
             : c.harness_error != NULL         ? EXIT_INTERNAL
             : run_outputsFailing(outputs) > 0 ? EXIT_FINDINGS
             : written                         ? EXIT_CLEAN
                                               : EXIT_INTERNAL;
    verdict_free(v);
    free(v);
    fuzz_campaignFree(&c);
    fuzz_sessionClose(&s);
    return status;
}

int fuzz_replayCase(struct ftstress_config *cfg, const char *case_path) {
    struct fuzz_case k;
    if (!fuzz_caseLoad(case_path, &k)) {
        return EXIT_USAGE;
    }
    cfg->noise = k.noise;
    cfg->threads = k.threads;
    struct fuzz_session s;
    int status = fuzz_sessionOpen(cfg, &s);
    if (status != EXIT_CLEAN) {
        fuzz_sessionClose(&s);
        fuzz_caseFree(&k);
        return status;
    }
    const char *key = manifest_get(&s.ss.rt.manifest, "key");
    if (k.runtime_key != NULL && key != NULL && strcmp(k.runtime_key, key) != 0) {
        LOG_W("the case was found on runtime %s; replaying on %s", k.runtime_key, key);
    }
    if (k.plan.nthreads == 0) {
        char *dir = util_asprintf("%s/replay-plan", s.ss.work);
        if (!fuzz_campaignDrawPlan(&s.env, k.target, k.label, k.seed, k.iteration, k.threads, k.ops,
                                   dir, &k.plan)) {
            LOG_E("%s: cannot draw iteration %ld of seed %" PRIu64 " of %s again", case_path,
                  k.iteration, k.seed, k.target);
            free(dir);
            fuzz_sessionClose(&s);
            fuzz_caseFree(&k);
            return EXIT_USAGE;
        }
        free(dir);
    }
    int repeat = cfg->iterations_given
                     ? (int)(cfg->iterations > 1000000 ? 1000000 : cfg->iterations)
                     : FUZZ_REPLAY_REPEAT;
    double seconds = cfg->time_budget > 0 ? cfg->time_budget : FUZZ_REPLAY_SECONDS;
    size_t ops = fuzz_planOps(&k.plan);
    printf("replaying %s: %s, %zu op%s in %zu thread%s", case_path, k.target, ops,
           ops == 1 ? "" : "s", fuzz_planActiveThreads(&k.plan),
           fuzz_planActiveThreads(&k.plan) == 1 ? "" : "s");
    if (k.original_ops > 0) {
        printf(" (minimized from %zu)", k.original_ops);
    }
    printf(", up to %d times or %.0f s (was: %s)\n", repeat, seconds, k.verdict);
    for (size_t t = 0; t < k.plan.nthreads; t++) {
        char *text = fuzz_planFormatThread(&k.plan.threads[t]);
        printf("  thread %zu: %s\n", t, text);
        free(text);
    }
    fflush(stdout);
    char *dir = util_asprintf("%s/replay", s.ss.work);
    struct fuzz_run run;
    bool outcome_case = k.kind != NULL && strcmp(k.kind, "outcome") == 0;
    int shown = fuzz_campaignCheck(&s.env, k.target, k.label, &k.plan, k.seed, repeat, seconds,
                                   k.signature, outcome_case ? NULL : k.kind, dir, &run);
    free(dir);
    if (shown < 0) {
        status = run.target_error ? EXIT_USAGE : EXIT_INTERNAL;
    } else {
        printf("\nexecuted the %zu-op sequence %ld time%s in %.1f s\n", ops, run.res.iterations,
               run.res.iterations == 1 ? "" : "s", run.res.seconds);
        for (size_t i = 0; i < run.rec.findings.count; i++) {
            report_textFinding(stdout, &run.rec.findings.items[i]);
        }
        if (outcome_case) {
            printf("replay: the sequence ran again (an outcome case, not a failure)\n");
        } else {
            printf("%s\n", shown ? "replay: the failure reproduced"
                                 : "replay: the failure did not show this time");
        }
        status = run.rec.findings.count > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    fuzz_runFree(&run);
    fuzz_sessionClose(&s);
    fuzz_caseFree(&k);
    return status;
}

int fuzz_main(struct ftstress_config *cfg) {
    if (cfg->npaths != 1) {
        LOG_E("'fuzz' takes exactly one TARGET: a target file, module:factory, module:* or a "
              "fuzz case");
        return EXIT_USAGE;
    }
    const char *text = cfg->paths[0];
    bool is_file = util_isFile(text);
    bool is_case = is_file && fuzz_caseIsFuzz(text);
    struct fuzz_target t;
    char err[512];
    if (!fuzz_targetParse(text, is_file, is_case, &t, err, sizeof(err))) {
        LOG_E("%s", err);
        return EXIT_USAGE;
    }
    int status = t.kind == FUZZ_TARGET_CASE ? fuzz_replayCase(cfg, t.spec) : fuzz_target(cfg, &t);
    fuzz_targetFree(&t);
    return status;
}
