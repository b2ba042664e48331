/* runner.c - run and replay; see runner.h. */
#include "runner.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "corpus.h"
#include "engine.h"
#include "log.h"
#include "report_text.h"
#include "runtime.h"
#include "scenario.h"
#include "spawn.h"
#include "suppress.h"
#include "util.h"
#include "verdict.h"

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

static int runner_rmEntry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    return remove(path);
}

/* The directory runs write into: --keep's, or a fresh temporary one. */
static char *runner_workDir(const struct ftstress_config *cfg) {
    if (cfg->keep_dir != NULL) {
        if (!util_mkdirs(cfg->keep_dir)) {
            LOG_P("cannot create %s", cfg->keep_dir);
            return NULL;
        }
        return strdup(cfg->keep_dir);
    }
    const char *tmp = getenv("TMPDIR");
    char *dir = util_asprintf("%s/ftstress-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        LOG_P("cannot create a temporary directory %s", dir);
        free(dir);
        return NULL;
    }
    return dir;
}

/* Runs one scenario cfg->runs times; fills v. Returns false on an internal error. */
static bool runner_scenario(const struct ftstress_config *cfg, const struct runtime *rt,
                            const char *tsan_supp_path, struct suppress_set *supp,
                            const char *path, const char *work, struct scenario_verdict *v) {
    memset(v, 0, sizeof(*v));
    v->path = strdup(path);
    v->name = scenario_name(path);
    for (int i = 0; i < cfg->runs && !runner_stopRequested; i++) {
        /* With an explicit seed and one run, that seed is the run's seed, so
         * a seed printed as failing can be passed back as --seed. */
        uint64_t seed = cfg->runs == 1 && cfg->seed_given
                            ? cfg->seed
                            : engine_runSeed(cfg->seed, v->name, i);
        char *dir = util_asprintf("%s/%s/run-%03d-%" PRIu64, work, v->name, i, seed);
        struct run_record rec;
        if (!engine_runOnce(cfg, rt, tsan_supp_path, supp, path, seed, dir, &rec)) {
            free(dir);
            engine_recordFree(&rec);
            return false;
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
        free(why);
        bool bad_input = rec.scenario_error;
        engine_recordFree(&rec);
        if (bad_input) {
            break; /* the same file fails the same way on every run */
        }
    }
    return true;
}

static int runner_scenarios(struct ftstress_config *cfg, const struct scenario_list *list,
                            const struct runtime *rt) {
    char *work = runner_workDir(cfg);
    if (work == NULL) {
        return EXIT_INTERNAL;
    }
    struct suppress_set supp = {0};
    char *tsan_supp = util_asprintf("%s/tsan.supp", work);
    if (!suppress_loadAll(&supp, rt, cfg->suppressions) ||
        !suppress_writeTsanFile(&supp, tsan_supp)) {
        suppress_free(&supp);
        free(tsan_supp);
        free(work);
        return cfg->suppressions ? EXIT_USAGE : EXIT_INTERNAL;
    }
    report_textHeader(stdout, cfg, rt, list->count);
    fflush(stdout);
    int passed = 0, failed = 0, errors = 0, status = EXIT_CLEAN;
    double start = util_now();
    for (size_t i = 0; i < list->count && !runner_stopRequested; i++) {
        struct scenario_verdict v;
        if (!runner_scenario(cfg, rt, tsan_supp, &supp, list->paths[i], work, &v)) {
            verdict_free(&v);
            status = EXIT_INTERNAL;
            break;
        }
        report_textScenario(stdout, cfg, &v);
        fflush(stdout);
        if (v.error != NULL) {
            errors++;
        } else if (verdict_isFinding(&v)) {
            failed++;
        } else {
            passed++;
        }
        verdict_free(&v);
    }
    report_textSummary(stdout, passed, failed, errors, util_now() - start);
    if (runner_stopRequested) {
        LOG_W("interrupted: the summary covers the scenarios finished so far");
    }
    if (cfg->keep_dir == NULL) {
        nftw(work, runner_rmEntry, 16, FTW_DEPTH | FTW_PHYS);
    } else {
        LOG_I("run logs kept in %s", work);
    }
    if (cfg->suppressions != NULL) {
        suppress_printUsage(&supp);
    }
    suppress_free(&supp);
    free(work);
    free(tsan_supp);
    if (status != EXIT_CLEAN) {
        return status;
    }
    /* A bad scenario file is the user's input error; findings outrank it. */
    return failed > 0 ? EXIT_FINDINGS : errors > 0 ? EXIT_USAGE : EXIT_CLEAN;
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
    int status = runner_scenarios(cfg, &list, &rt);
    runtime_close(&rt);
    scenario_listFree(&list);
    return status;
}

int runner_replay(struct ftstress_config *cfg) {
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
    printf("replaying %s: %s with seed %" PRIu64 " (was: %s)\n", cfg->paths[0], c.scenario,
           c.seed, c.verdict);
    /* A replay is not a new finding: its case is not saved again. */
    cfg->corpus_dir = "/dev/null/ftstress-replay";
    struct scenario_list list = {.paths = &c.scenario, .count = 1};
    int status = runner_scenarios(cfg, &list, &rt);
    printf("%s\n", status == EXIT_FINDINGS ? "replay: the failure reproduced"
                                           : "replay: the failure did not show this time");
    runtime_close(&rt);
    corpus_caseFree(&c);
    return status;
}
