/* runner.c - run and replay; see runner.h. */
#include "runner.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "engine.h"
#include "exitcode.h"
#include "log.h"
#include "report_text.h"
#include "run_outputs.h"
#include "runtime.h"
#include "scenario.h"
#include "scenario_run.h"
#include "schedule.h"
#include "session.h"
#include "spawn.h"
#include "suppress.h"
#include "util.h"
#include "verdict.h"
#include "workdir.h"

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
static void runner_noteSchedule(const struct ftstress_config *cfg, const struct scenario_run *run,
                                const char *why, struct scenario_verdict *v,
                                struct runner_observed *obs) {
    if (cfg->schedule == SCHEDULE_FREE) {
        return;
    }
    if (why != NULL && v->interleaving == NULL) {
        v->interleaving = schedule_interleaving(run->rec.dir);
    }
    if (obs != NULL) {
        runner_observedFree(obs);
        obs->why = util_dup(why);
        obs->outcomes = schedule_outcomes(&run->results);
        obs->signatures = schedule_signatures(&run->rec.findings);
        schedule_load(run->rec.dir, &obs->sched);
    }
}

/* Runs one scenario cfg->runs times; fills v; saves the first failing run as
 * a case when save_case. Returns false on an internal error. */
static bool runner_scenario(const struct ftstress_config *cfg, const struct runtime *rt,
                            const char *tsan_supp_path, struct suppress_set *supp, const char *path,
                            const char *work, bool save_case, struct scenario_verdict *v,
                            struct runner_observed *obs) {
    memset(v, 0, sizeof(*v));
    v->path = strdup(path);
    v->name = scenario_name(path);
    for (int i = 0; i < cfg->runs && !session_stopping(); i++) {
        /* With an explicit seed and one run, that seed is the run's seed, so
         * a seed printed as failing can be passed back as --seed. */
        uint64_t seed =
            cfg->runs == 1 && cfg->seed_given ? cfg->seed : engine_runSeed(cfg->seed, v->name, i);
        char *dir = util_asprintf("%s/%s/run-%03d-%" PRIu64, work, v->name, i, seed);
        struct scenario_run run;
        if (!scenario_runOnce(cfg, rt, tsan_supp_path, supp, path, seed, dir, &run)) {
            free(dir);
            scenario_runFree(&run);
            return false;
        }
        if (run.rec.runtime_hang) {
            /* The instrument deadlocked, not the scenario: once more, same seed. */
            LOG_W("%s run %d: the TSan runtime deadlocked internally; running it again", v->name,
                  i);
            v->runtime_hangs++;
            scenario_runFree(&run);
            char *again = util_asprintf("%s-again", dir);
            bool started = scenario_runOnce(cfg, rt, tsan_supp_path, supp, path, seed, again, &run);
            free(again);
            if (!started) {
                free(dir);
                scenario_runFree(&run);
                return false;
            }
        }
        free(dir);
        scenario_runAddTo(v, &run);
        char *why = scenario_runFailure(&run);
        if (why != NULL) {
            LOG_D("%s run %d seed %" PRIu64 ": %s", v->name, i, seed, why);
            if (save_case && v->case_path == NULL) {
                v->case_path = corpus_save(cfg, rt, path, &run.rec, &run.results, why);
            }
        }
        runner_noteSchedule(cfg, &run, why, v, obs);
        free(why);
        bool bad_input = run.rec.scenario_error;
        scenario_runFree(&run);
        if (bad_input) {
            break; /* the same file fails the same way on every run */
        }
    }
    return true;
}

/* What one `run` or `replay` holds besides its session: the verdicts, kept
 * for the reports, which are rewritten after every scenario. */
struct runner_verdicts {
    struct scenario_verdict **v; /* in the order run; owned */
    size_t n;
};

static void runner_verdictsFree(struct runner_verdicts *vs) {
    for (size_t i = 0; i < vs->n; i++) {
        verdict_free(vs->v[i]);
        free(vs->v[i]);
    }
    free(vs->v);
}

/* Runs every scenario of list in one session. replaying: the case being
 * replayed, or NULL; obs: what a replay of a controlled schedule observed, or NULL. */
static int runner_scenarios(struct ftstress_config *cfg, const struct scenario_list *list,
                            const struct corpus_case *replaying, struct runner_observed *obs) {
    struct session ss;
    int status = session_open(&ss, cfg, "ftstress");
    if (status != EXIT_CLEAN) {
        session_close(&ss);
        return status;
    }
    const struct runtime *rt = &ss.rt;
    if (replaying != NULL) {
        const char *key = manifest_get(&rt->manifest, "key");
        if (replaying->runtime_key != NULL && key != NULL &&
            strcmp(replaying->runtime_key, key) != 0) {
            LOG_W("the case was found on runtime %s; replaying on %s", replaying->runtime_key, key);
        }
        printf("replaying %s: %s with seed %" PRIu64 " (was: %s)\n", cfg->paths[0],
               replaying->scenario, replaying->seed, replaying->verdict);
    }
    report_textHeader(stdout, cfg, rt, list->count);
    fflush(stdout);
    struct runner_verdicts vs = {0};
    int passed = 0, failed = 0, errors = 0;
    bool internal_error = false;
    double start = util_now();
    for (size_t i = 0; i < list->count && !session_stopping(); i++) {
        struct scenario_verdict *v = calloc(1, sizeof(*v));
        if (v == NULL) {
            abort();
        }
        vs.v = util_grow(vs.v, vs.n, sizeof(struct scenario_verdict *));
        vs.v[vs.n++] = v;
        if (!runner_scenario(cfg, rt, ss.tsan_supp, &ss.supp, list->paths[i], ss.work,
                             replaying == NULL, v, obs)) {
            internal_error = true;
            break;
        }
        verdict_addOutcomeFindings(v);
        baseline_mark(&ss.outputs.baseline, &v->findings);
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
        if (!run_outputsWrite(&ss.outputs, vs.v, vs.n)) {
            internal_error = true;
        }
    }
    report_textSummary(stdout, passed, failed, errors, util_now() - start);
    if (session_stopping()) {
        LOG_W("interrupted: the summary covers the scenarios finished so far");
    }
    if (!run_outputsBaseline(&ss.outputs)) {
        internal_error = true;
    }
    /* A bad scenario file is the user's input error; findings outrank it. */
    status = session_exitStatus(&ss, internal_error, (size_t)errors);
    session_close(&ss);
    runner_verdictsFree(&vs);
    return status;
}

int runner_run(struct ftstress_config *cfg) {
    struct scenario_list list;
    if (!scenario_collect(cfg->paths, cfg->npaths, &list)) {
        scenario_listFree(&list);
        return EXIT_USAGE;
    }
    int status = runner_scenarios(cfg, &list, NULL, NULL);
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
                                 const struct scenario_list *list) {
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
    int status = runner_scenarios(cfg, list, c, &obs);
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
    struct corpus_case c;
    if (!corpus_load(cfg->paths[0], &c)) {
        return EXIT_USAGE;
    }
    corpus_applyToConfig(&c, cfg);
    /* A replay is not a new finding: its case is not saved again (runner_scenarios). */
    struct scenario_list list = {.paths = &c.scenario, .count = 1};
    int status;
    if (c.schedule != SCHEDULE_FREE) {
        status = runner_replaySchedule(cfg, &c, &list);
    } else {
        status = runner_scenarios(cfg, &list, &c, NULL);
        printf("%s\n", status == EXIT_FINDINGS ? "replay: the failure reproduced"
                                               : "replay: the failure did not show this time");
    }
    corpus_caseFree(&c);
    return status;
}
