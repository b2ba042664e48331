/* runner.c - run and replay; see runner.h. */
#include "runner.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "corpus.h"
#include "engine.h"
#include "fuzz.h"
#include "fuzz_case.h"
#include "log.h"
#include "report_text.h"
#include "run_outputs.h"
#include "runtime.h"
#include "scenario.h"
#include "schedule.h"
#include "spawn.h"
#include "suppress.h"
#include "util.h"
#include "verdict.h"
#include "workdir.h"

static volatile sig_atomic_t runner_stopRequested;

static void runner_onSignal(int sig) {
    runner_stopRequested = 1;
    spawn_interrupt();
}

static void runner_installSignals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = runner_onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* What a replay of a controlled schedule compares with its case: the last run's verdict,
 * histogram, finding signatures and schedule file. */
struct runner_observed {
    char *why;        /* owned or NULL */
    char *outcomes;   /* owned */
    char *signatures; /* owned */
    struct schedule_file sched;
};

static void runner_observedFree(struct runner_observed *o) {
    free(o->why);
    free(o->outcomes);
    free(o->signatures);
    schedule_fileFree(&o->sched);
    memset(o, 0, sizeof(*o));
}

/* A controlled schedule's run: keep the first failing interleaving, and what a replay
 * compares (obs, when replaying). */
static void runner_noteSchedule(const struct ftstress_config *cfg, const struct run_record *rec,
                                const char *why, struct scenario_verdict *v,
                                struct runner_observed *obs) {
    if (cfg->schedule == SCHEDULE_FREE) {
        return;
    }
    if (why != NULL && v->interleaving == NULL) {
        v->interleaving = schedule_interleaving(rec->dir);
    }
    if (obs != NULL) {
        runner_observedFree(obs);
        obs->why = util_dup(why);
        obs->outcomes = schedule_outcomes(&rec->results);
        obs->signatures = schedule_signatures(&rec->findings);
        schedule_load(rec->dir, &obs->sched);
    }
}

/* Runs one scenario cfg->runs times; fills v. Returns false on an internal error. */
static bool runner_scenario(const struct ftstress_config *cfg, const struct runtime *rt,
                            const char *tsan_supp_path, struct suppress_set *supp, const char *path,
                            const char *work, struct scenario_verdict *v,
                            struct runner_observed *obs) {
    memset(v, 0, sizeof(*v));
    v->path = strdup(path);
    v->name = scenario_name(path);
    for (int i = 0; i < cfg->runs && !runner_stopRequested; i++) {
        /* With an explicit seed and one run, that seed is the run's seed, so
         * a seed printed as failing can be passed back as --seed. */
        uint64_t seed =
            cfg->runs == 1 && cfg->seed_given ? cfg->seed : engine_runSeed(cfg->seed, v->name, i);
        char *dir = util_asprintf("%s/%s/run-%03d-%" PRIu64, work, v->name, i, seed);
        struct run_record rec;
        if (!engine_runOnce(cfg, rt, tsan_supp_path, supp, path, seed, dir, &rec)) {
            free(dir);
            engine_recordFree(&rec);
            return false;
        }
        if (rec.runtime_hang) {
            /* The instrument deadlocked, not the scenario: once more, same seed. */
            LOG_W("%s run %d: the TSan runtime deadlocked internally; running it again", v->name,
                  i);
            v->runtime_hangs++;
            engine_recordFree(&rec);
            char *again = util_asprintf("%s-again", dir);
            bool started = engine_runOnce(cfg, rt, tsan_supp_path, supp, path, seed, again, &rec);
            free(again);
            if (!started) {
                free(dir);
                engine_recordFree(&rec);
                return false;
            }
        }
        free(dir);
        verdict_addRun(v, &rec);
        char *why = verdict_ofRun(&rec);
        if (why != NULL) {
            LOG_D("%s run %d seed %" PRIu64 ": %s", v->name, i, seed, why);
            if (v->case_path == NULL) {
                v->case_path = corpus_save(cfg, rt, path, &rec, why);
            }
        }
        runner_noteSchedule(cfg, &rec, why, v, obs);
        free(why);
        bool bad_input = rec.scenario_error;
        engine_recordFree(&rec);
        if (bad_input) {
            break; /* the same file fails the same way on every run */
        }
    }
    return true;
}

/* Everything one `run` or `replay` holds from start to end. */
struct runner_state {
    char *work;                         /* run directories; owned */
    char *tsan_supp;                    /* the joined TSan suppressions file; owned */
    struct suppress_set supp;           /* owned */
    struct run_outputs outputs;         /* reports and baseline; owned */
    struct scenario_verdict **verdicts; /* in the order run; owned */
    size_t nverdicts;
};

static int runner_setUp(const struct ftstress_config *cfg, const struct runtime *rt,
                        struct runner_state *st) {
    memset(st, 0, sizeof(*st));
    int status = run_outputsOpen(&st->outputs, cfg, rt);
    if (status != EXIT_CLEAN) {
        return status;
    }
    st->work = workdir_open(cfg, "ftstress");
    if (st->work == NULL) {
        return EXIT_INTERNAL;
    }
    st->tsan_supp = util_asprintf("%s/tsan.supp", st->work);
    if (!suppress_loadAll(&st->supp, rt, cfg->suppressions)) {
        return EXIT_USAGE;
    }
    return suppress_writeTsanFile(&st->supp, st->tsan_supp) ? EXIT_CLEAN : EXIT_INTERNAL;
}

static void runner_tearDown(const struct ftstress_config *cfg, struct runner_state *st) {
    workdir_close(cfg, st->work);
    for (size_t i = 0; i < st->nverdicts; i++) {
        verdict_free(st->verdicts[i]);
        free(st->verdicts[i]);
    }
    free(st->verdicts);
    run_outputsClose(&st->outputs);
    suppress_free(&st->supp);
    free(st->tsan_supp);
}

static int runner_scenarios(struct ftstress_config *cfg, const struct scenario_list *list,
                            const struct runtime *rt, struct runner_observed *obs) {
    struct runner_state st;
    int status = runner_setUp(cfg, rt, &st);
    if (status != EXIT_CLEAN) {
        runner_tearDown(cfg, &st);
        return status;
    }
    report_textHeader(stdout, cfg, rt, list->count);
    fflush(stdout);
    int passed = 0, failed = 0, errors = 0;
    double start = util_now();
    for (size_t i = 0; i < list->count && !runner_stopRequested; i++) {
        struct scenario_verdict *v = calloc(1, sizeof(*v));
        struct scenario_verdict **grown =
            realloc(st.verdicts, (st.nverdicts + 1) * sizeof(struct scenario_verdict *));
        if (v == NULL || grown == NULL) {
            abort();
        }
        st.verdicts = grown;
        st.verdicts[st.nverdicts++] = v;
        if (!runner_scenario(cfg, rt, st.tsan_supp, &st.supp, list->paths[i], st.work, v, obs)) {
            status = EXIT_INTERNAL;
            break;
        }
        verdict_addOutcomeFindings(v);
        baseline_mark(&st.outputs.baseline, &v->findings);
        report_textScenario(stdout, cfg, v);
        fflush(stdout);
        if (v->error != NULL) {
            errors++;
        } else if (verdict_isFinding(v)) {
            failed++;
        } else {
            passed++;
        }
        /* After every scenario, so a killed run still leaves its results. */
        if (!run_outputsWrite(&st.outputs, st.verdicts, st.nverdicts)) {
            status = EXIT_INTERNAL;
        }
    }
    report_textSummary(stdout, passed, failed, errors, util_now() - start);
    if (runner_stopRequested) {
        LOG_W("interrupted: the summary covers the scenarios finished so far");
    }
    if (cfg->suppressions != NULL) {
        suppress_printUsage(&st.supp);
    }
    if (!run_outputsBaseline(&st.outputs)) {
        status = EXIT_INTERNAL;
    }
    /* With a baseline only new findings fail the run; without one, any does. */
    size_t failing = run_outputsFailing(&st.outputs);
    runner_tearDown(cfg, &st);
    if (status != EXIT_CLEAN) {
        return status;
    }
    /* A bad scenario file is the user's input error; findings outrank it. */
    return failing > 0 ? EXIT_FINDINGS : errors > 0 ? EXIT_USAGE : EXIT_CLEAN;
}

int runner_run(struct ftstress_config *cfg) {
    runner_installSignals();
    struct scenario_list list;
    if (!scenario_collect(cfg->paths, cfg->npaths, &list)) {
        scenario_listFree(&list);
        return EXIT_USAGE;
    }
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        scenario_listFree(&list);
        return EXIT_INTERNAL;
    }
    int status = runner_scenarios(cfg, &list, &rt, NULL);
    runtime_close(&rt);
    scenario_listFree(&list);
    return status;
}

/* Why the replay obs of case c is not the recorded run, or NULL when it is: the same
 * decisions among the same candidates, the same histogram and the same signatures. */
static char *runner_divergence(const struct corpus_case *c, const struct runner_observed *obs) {
    const struct schedule_file *f = &obs->sched;
    if (!f->present) {
        return util_asprintf("the run left no schedule (it died before its exit handlers)");
    }
    if (!c->schedule_exact) {
        return util_asprintf("the recorded run was not deterministic (a watchdog hand-off)");
    }
    if (f->diverged_at != 0) {
        return util_asprintf("the schedule could not be followed from decision %" PRIu64
                             " of %" PRIu64,
                             f->diverged_at, c->schedule_decisions);
    }
    if (f->watchdog > 0) {
        return util_asprintf("%" PRIu64 " watchdog hand-off%s", f->watchdog,
                             f->watchdog == 1 ? "" : "s");
    }
    if (c->schedule_hash == NULL || f->hash == NULL || strcmp(c->schedule_hash, f->hash) != 0) {
        return util_asprintf("the decisions differ from the recorded ones (hash %s, was %s)",
                             f->hash ? f->hash : "?", c->schedule_hash ? c->schedule_hash : "?");
    }
    if (c->outcomes == NULL || strcmp(c->outcomes, obs->outcomes) != 0) {
        return util_asprintf("same schedule, other outcomes: %s (was %s)", obs->outcomes,
                             c->outcomes ? c->outcomes : "?");
    }
    if (c->signatures == NULL || strcmp(c->signatures, obs->signatures) != 0) {
        return util_asprintf("same schedule, other findings: %s (was %s)",
                             *obs->signatures ? obs->signatures : "none",
                             c->signatures && *c->signatures ? c->signatures : "none");
    }
    return NULL;
}

/* Replays a case's recorded decisions. Either it reproduces the run exactly (exit 1: the
 * failure is there), or it says how it diverged (exit 1 too: a diverged replay is never a
 * pass). */
static int runner_replaySchedule(struct ftstress_config *cfg, const struct corpus_case *c,
                                 const struct scenario_list *list, const struct runtime *rt) {
    const char *tmp = getenv("TMPDIR");
    char *path = util_asprintf("%s/ftstress-replay-%ld.schedule", tmp && *tmp ? tmp : "/tmp",
                               (long)getpid());
    if (!schedule_writeReplay(path, c->schedule_seq)) {
        LOG_P("cannot write %s", path);
        free(path);
        return EXIT_INTERNAL;
    }
    cfg->schedule_replay = path;
    struct runner_observed obs = {0};
    int status = runner_scenarios(cfg, list, rt, &obs);
    unlink(path);
    free(path);
    cfg->schedule_replay = NULL;
    if (status != EXIT_CLEAN && status != EXIT_FINDINGS) {
        runner_observedFree(&obs);
        return status;
    }
    char *why = runner_divergence(c, &obs);
    if (why == NULL) {
        printf("replay: reproduced exactly: same schedule (%s, %" PRIu64
               " decisions, hash %s), same outcome (%s), same signatures (%s)\n",
               schedule_name(c->schedule), c->schedule_decisions, c->schedule_hash,
               obs.why ? obs.why : "none", *obs.signatures ? obs.signatures : "none");
    } else {
        printf("replay: DIVERGED: %s\n", why);
    }
    free(why);
    runner_observedFree(&obs);
    return EXIT_FINDINGS;
}

int runner_replay(struct ftstress_config *cfg) {
    if (fuzz_caseIsFuzz(cfg->paths[0])) {
        return fuzz_replayCase(cfg, cfg->paths[0]);
    }
    runner_installSignals();
    struct corpus_case c;
    if (!corpus_load(cfg->paths[0], &c)) {
        return EXIT_USAGE;
    }
    corpus_applyToConfig(&c, cfg);
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        corpus_caseFree(&c);
        return EXIT_INTERNAL;
    }
    const char *key = manifest_get(&rt.manifest, "key");
    if (c.runtime_key != NULL && key != NULL && strcmp(c.runtime_key, key) != 0) {
        LOG_W("the case was found on runtime %s; replaying on %s", c.runtime_key, key);
    }
    printf("replaying %s: %s with seed %" PRIu64 " (was: %s)\n", cfg->paths[0], c.scenario, c.seed,
           c.verdict);
    /* A replay is not a new finding: its case is not saved again. */
    cfg->corpus_dir = "/dev/null/ftstress-replay";
    struct scenario_list list = {.paths = &c.scenario, .count = 1};
    int status;
    if (c.schedule != SCHEDULE_FREE) {
        status = runner_replaySchedule(cfg, &c, &list, &rt);
    } else {
        status = runner_scenarios(cfg, &list, &rt, NULL);
        printf("%s\n", status == EXIT_FINDINGS ? "replay: the failure reproduced"
                                               : "replay: the failure did not show this time");
    }
    runtime_close(&rt);
    corpus_caseFree(&c);
    return status;
}
