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

#include "baseline.h"
#include "cmdline.h"
#include "corpus.h"
#include "engine.h"
#include "fuzz.h"
#include "fuzz_case.h"
#include "log.h"
#include "output_json.h"
#include "output_junit.h"
#include "output_sarif.h"
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
                            const char *tsan_supp_path, struct suppress_set *supp, const char *path,
                            const char *work, struct scenario_verdict *v) {
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
    struct baseline baseline;           /* empty without --baseline; owned */
    struct scenario_verdict **verdicts; /* in the order run; owned */
    size_t nverdicts;
    struct finding_set findings; /* over every scenario, baseline-marked; owned */
};

static int runner_setUp(const struct ftstress_config *cfg, const struct runtime *rt,
                        struct runner_state *st) {
    memset(st, 0, sizeof(*st));
    if (cfg->baseline != NULL) {
        char *error = NULL;
        if (!baseline_load(cfg->baseline, &st->baseline, &error)) {
            LOG_E("%s", error);
            free(error);
            return EXIT_USAGE;
        }
    }
    st->work = runner_workDir(cfg);
    if (st->work == NULL) {
        return EXIT_INTERNAL;
    }
    st->tsan_supp = util_asprintf("%s/tsan.supp", st->work);
    if (!suppress_loadAll(&st->supp, rt, cfg->suppressions)) {
        return EXIT_USAGE;
    }
    return suppress_writeTsanFile(&st->supp, st->tsan_supp) ? EXIT_CLEAN : EXIT_INTERNAL;
}

/* Writes the requested machine-readable reports of everything so far: after
 * every scenario, so a killed run still leaves its results (each write is
 * atomic, the last complete one stays). */
static bool runner_writeReports(const struct ftstress_config *cfg, const struct runtime *rt,
                                struct runner_state *st) {
    finding_setFree(&st->findings);
    for (size_t i = 0; i < st->nverdicts; i++) {
        finding_merge(&st->findings, &st->verdicts[i]->findings);
    }
    baseline_mark(&st->baseline, &st->findings);
    char cwd[4096];
    struct output_run run = {
        .tool_version = FTSTRESS_VERSION,
        .runtime_version = rt->version,
        .runtime_flavour = rt->flavour,
        .runtime_key = manifest_get(&rt->manifest, "key"),
        .threads = cfg->threads,
        .iterations = cfg->iterations,
        .runs = cfg->runs,
        .seed = cfg->seed,
        .noise = config_noiseName(cfg->noise),
        .scenarios = (const struct scenario_verdict *const *)st->verdicts,
        .nscenarios = st->nverdicts,
        .findings = &st->findings,
        .source_root = getcwd(cwd, sizeof(cwd)),
    };
    bool ok = true;
    if (cfg->json_path != NULL && !output_jsonWrite(cfg->json_path, &run)) {
        LOG_P("cannot write %s", cfg->json_path);
        ok = false;
    }
    if (cfg->junit_path != NULL && !output_junitWrite(cfg->junit_path, &run)) {
        LOG_P("cannot write %s", cfg->junit_path);
        ok = false;
    }
    if (cfg->sarif_path != NULL && !output_sarifWrite(cfg->sarif_path, &run)) {
        LOG_P("cannot write %s", cfg->sarif_path);
        ok = false;
    }
    return ok;
}

/* The baseline's verdict on this run, printed; the update written on request. */
static bool runner_baselineSummary(const struct ftstress_config *cfg, struct runner_state *st) {
    if (cfg->baseline != NULL) {
        size_t nunseen = 0;
        const struct baseline_entry **unseen =
            baseline_unseen(&st->baseline, &st->findings, &nunseen);
        printf("baseline %s: %zu known finding%s, %zu new\n", cfg->baseline,
               st->findings.count - finding_countNew(&st->findings),
               st->findings.count - finding_countNew(&st->findings) == 1 ? "" : "s",
               finding_countNew(&st->findings));
        for (size_t i = 0; i < st->findings.count; i++) {
            if (!st->findings.items[i].known) {
                printf("  new: %s  %s\n", st->findings.items[i].id,
                       st->findings.items[i].signature);
            }
        }
        for (size_t i = 0; i < nunseen; i++) {
            printf("  not seen again (a candidate to prune): %s (line %d)\n", unseen[i]->signature,
                   unseen[i]->line);
        }
        free(unseen);
    }
    if (cfg->update_baseline != NULL) {
        if (!baseline_write(cfg->update_baseline, &st->findings)) {
            LOG_P("cannot write the baseline %s", cfg->update_baseline);
            return false;
        }
        printf("baseline written: %s (%zu signatures)\n", cfg->update_baseline, st->findings.count);
    }
    return true;
}

static void runner_tearDown(const struct ftstress_config *cfg, struct runner_state *st) {
    if (st->work != NULL && cfg->keep_dir == NULL) {
        nftw(st->work, runner_rmEntry, 16, FTW_DEPTH | FTW_PHYS);
    } else if (st->work != NULL) {
        LOG_I("run logs kept in %s", st->work);
    }
    for (size_t i = 0; i < st->nverdicts; i++) {
        verdict_free(st->verdicts[i]);
        free(st->verdicts[i]);
    }
    free(st->verdicts);
    finding_setFree(&st->findings);
    baseline_free(&st->baseline);
    suppress_free(&st->supp);
    free(st->work);
    free(st->tsan_supp);
}

static int runner_scenarios(struct ftstress_config *cfg, const struct scenario_list *list,
                            const struct runtime *rt) {
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
        if (!runner_scenario(cfg, rt, st.tsan_supp, &st.supp, list->paths[i], st.work, v)) {
            status = EXIT_INTERNAL;
            break;
        }
        verdict_addOutcomeFindings(v);
        baseline_mark(&st.baseline, &v->findings);
        report_textScenario(stdout, cfg, v);
        fflush(stdout);
        if (v->error != NULL) {
            errors++;
        } else if (verdict_isFinding(v)) {
            failed++;
        } else {
            passed++;
        }
        if (!runner_writeReports(cfg, rt, &st)) {
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
    if (!runner_baselineSummary(cfg, &st)) {
        status = EXIT_INTERNAL;
    }
    /* With a baseline only new findings fail the run; without one, any does. */
    size_t failing = cfg->baseline != NULL ? finding_countNew(&st.findings) : st.findings.count;
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
    int status = runner_scenarios(cfg, &list, &rt);
    runtime_close(&rt);
    scenario_listFree(&list);
    return status;
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
    int status = runner_scenarios(cfg, &list, &rt);
    printf("%s\n", status == EXIT_FINDINGS ? "replay: the failure reproduced"
                                           : "replay: the failure did not show this time");
    runtime_close(&rt);
    corpus_caseFree(&c);
    return status;
}
