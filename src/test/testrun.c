/* testrun.c - `ftstress test PATH...`: existing test files run concurrently.
 *
 * The flow: collect the files (testrun_collect), then for each file start one
 * interpreter with scenarios/testharness.py under the shims and TSan
 * (engine_runProgram); read what the harness wrote (testrun_results), give
 * each TSan report to the test it belongs to (testrun_findings), judge
 * (testrun_tests) and print (testrun_report, testrun_junit).
 *
 * One interpreter per file: a crash or a hang is then the file's running
 * test's - the last "start" line without an "end" - and the file goes on in a
 * new interpreter from the test after it. A hang is the harness's own
 * watchdog firing (faulthandler, --timeout per test); the engine's watchdog is
 * only a backstop for an interpreter too wedged for that.
 *
 * Exit status: 0 when every test passed or was skipped; 1 when a test failed,
 * was flaky, raced, crashed or hung; otherwise 2 when a file did not import
 * (or its module setup raised) - the other files still run - or when no test
 * was found or selected; 3 when ftstress itself failed. */
#include "testrun.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "exitcode.h"
#include "log.h"
#include "paths.h"
#include "run_findings.h"
#include "run_outputs.h"
#include "runtime.h"
#include "schedule.h"
#include "session.h"
#include "suppress.h"
#include "testrun_collect.h"
#include "testrun_findings.h"
#include "testrun_junit.h"
#include "testrun_keyword.h"
#include "testrun_nodes.h"
#include "testrun_outputs.h"
#include "testrun_report.h"
#include "testrun_results.h"
#include "testrun_tests.h"
#include "util.h"
#include "workdir.h"

/* pytest-run-parallel's --iterations default is 1; three iterations make
 * "failed in some iterations only" (flaky) observable at a modest cost under
 * TSan. --iterations overrides it (the scenarios' default of 200 does not
 * apply to tests). */
#define TESTRUN_DEFAULT_ITERATIONS 3

/* What every file's run shares. */
struct testrun_plan {
    const struct ftstress_config *cfg;
    double engine_timeout; /* the backstop: a whole file's process without progress */
    struct session ss;     /* runtime, suppressions, work dir, reports; owned */
    char *harness;
    char *keyword; /* the compiled -k program, "" for none */
    int threads;
    long iterations;
    struct scenario_verdict **verdicts; /* this round's tests as report entries; owned */
    char *rerun_args;                   /* the options that run a test again; owned */
    size_t nverdicts;
    struct testrun_nodes nodes; /* pytest node ids given as paths; owned */
};

static void testrun_freeVerdicts(struct testrun_plan *p) {
    for (size_t i = 0; i < p->nverdicts; i++) {
        verdict_free(p->verdicts[i]);
        free(p->verdicts[i]);
    }
    free(p->verdicts);
    p->verdicts = NULL;
    p->nverdicts = 0;
}

/* The interpreter's stderr from its first line starting with marker, or all
 * of it when marker is absent; NULL when there is none. Caller frees. */
static char *testrun_stderrFrom(const char *dir, const char *marker) {
    char *path = util_asprintf("%s/stderr", dir);
    char *err = util_readFile(path, NULL);
    free(path);
    if (err == NULL || marker == NULL) {
        return err;
    }
    size_t n = strlen(marker);
    for (char *line = err; line != NULL && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, marker, n) == 0) {
            char *from = strdup(line);
            free(err);
            return from;
        }
    }
    return err;
}

/* True when the harness's watchdog fired: faulthandler's "Timeout (H:MM:SS)!". */
static bool testrun_watchdogFired(const char *dir) {
    char *path = util_asprintf("%s/stderr", dir);
    char *err = util_readFile(path, NULL);
    free(path);
    bool fired =
        err != NULL && (strncmp(err, "Timeout (", 9) == 0 || strstr(err, "\nTimeout (") != NULL);
    free(err);
    return fired;
}

/* Adds the hang finding of t: every thread's Python stack from the watchdog,
 * and C stacks when the engine's backstop took them. */
static void testrun_addHang(const char *dir, struct testrun_test *t, bool at_exit, uint64_t seed,
                            double timeout) {
    char *hang_path = util_asprintf("%s/hang-stacks", dir);
    char *c_stacks = util_readFile(hang_path, NULL);
    free(hang_path);
    struct finding f = {0};
    f.signature = util_asprintf("hang:%s%s", t->id, at_exit ? ":exit" : "");
    f.kind = strdup("hang");
    f.title = at_exit
                  ? util_asprintf("hang: the interpreter did not exit within %gs after the last "
                                  "test (a thread still running?)",
                                  timeout)
                  : util_asprintf("hang: %s did not finish within %gs", t->id, timeout);
    f.detail = c_stacks ? util_asprintf("C stacks of every thread:\n%s", c_stacks) : strdup("");
    f.python_stack = testrun_stderrFrom(dir, "Timeout (");
    f.scenario = strdup(t->id);
    finding_add(&t->findings, &f, seed);
    free(c_stacks);
}

/* Adds the crash finding of t, its Python stacks cut to faulthandler's part. */
static void testrun_addCrash(const char *dir, struct testrun_test *t, const char *reason,
                             uint64_t seed) {
    size_t before = t->findings.count;
    run_findings_addCrashOrHang(dir, t->id, seed, reason, &t->findings);
    if (t->findings.count > before) {
        struct finding *f = &t->findings.items[t->findings.count - 1];
        char *fatal = f->python_stack ? strstr(f->python_stack, "Fatal Python error") : NULL;
        if (fatal != NULL) {
            char *cut = strdup(fatal);
            free(f->python_stack);
            f->python_stack = cut;
        }
    }
}

/* Where a restarted harness goes on in its file. */
struct testrun_resume {
    char *name; /* owned; NULL: from the start */
    bool at;    /* run name again (its run wedged the TSan runtime), else go on after it */
    bool again; /* there is more to run */
};

/* The test of f named name, or f itself for NULL. */
static struct testrun_test *testrun_testNamed(struct testrun_file *f, const char *name) {
    for (size_t i = 0; name != NULL && i < f->ntests; i++) {
        if (strcmp(f->tests[i].run.name, name) == 0) {
            return &f->tests[i];
        }
    }
    return &f->entry;
}

/* Settles a run that wedged inside the TSan runtime itself (every thread's C
 * stack in TSan: its report machinery deadlocked, not the code under test):
 * the running test is run once more; a second time it is skipped with the
 * reason, not judged. Returns where to go on. */
static struct testrun_resume testrun_runtimeHang(struct testrun_file *f, char *running_name,
                                                 bool remaining) {
    struct testrun_resume next = {0};
    struct testrun_test *t = testrun_testNamed(f, running_name);
    f->runtime_hangs++;
    t->runtime_hangs++;
    LOG_W("%s: the TSan runtime deadlocked internally%s%s; %s", f->display,
          running_name ? " during " : "", running_name ? running_name : "",
          t->runtime_hangs == 1 ? "running it again" : "giving up on it");
    if (t->runtime_hangs == 1) {
        next.name = running_name; /* NULL for the file itself: from the start */
        next.at = running_name != NULL;
        next.again = true;
        return next;
    }
    if (t != &f->entry) {
        free(t->run.outcome);
        free(t->run.reason);
        t->run.outcome = strdup("skipped");
        t->run.reason = strdup("the TSan runtime deadlocked internally twice while it ran "
                               "(not the test's doing); not judged");
        t->run.ended = true;
    } else {
        free(t->error);
        t->error = strdup("the TSan runtime deadlocked internally twice outside any test");
    }
    if (running_name != NULL && remaining) {
        next.name = running_name;
        next.again = true;
        return next;
    }
    free(running_name);
    return next;
}

/* Records seed as that of every test process pid ran (and of the file when
 * pid was its first process). */
static void testrun_setSeed(struct testrun_file *f, long pid, uint64_t seed) {
    if (f->entry.pid == pid) {
        f->entry.seed = seed;
    }
    for (size_t i = 0; i < f->ntests; i++) {
        if (f->tests[i].pid == pid) {
            f->tests[i].seed = seed;
        }
    }
}

/* Runs one harness process on f, from resume; returns false on an internal
 * error. Sets *next to where the file goes on (next->again) when the process
 * ended in the middle of it. */
static bool testrun_process(struct testrun_plan *p, struct testrun_file *f, const char *dir,
                            uint64_t seed, const struct testrun_resume *resume,
                            struct testrun_resume *next) {
    const struct ftstress_config *cfg = p->cfg;
    memset(next, 0, sizeof(*next));
    char *results = util_asprintf("%s/results", dir);
    char *threads = util_asprintf("%d", p->threads);
    char *iterations = util_asprintf("%ld", p->iterations);
    char *seed_arg = util_asprintf("%" PRIu64, seed);
    char *timeout = util_asprintf("%g", cfg->timeout);
    const char *args[ENGINE_MAX_ARGS] = {
        p->harness, "--file",    f->path, "--display",    f->display, "--results",
        results,    "--threads", threads, "--iterations", iterations, "--seed",
        seed_arg,   "--timeout", timeout, "--keyword",    p->keyword};
    int argc = 17;
    if (resume->name != NULL) {
        args[argc++] = resume->at ? "--resume-at" : "--resume-after";
        args[argc++] = resume->name;
    }
    if (cfg->exitfirst) {
        args[argc++] = "--exitfirst";
    }
    /* pytest's collection, when the interpreter has pytest */
    args[argc++] = "--runner";
    args[argc++] = cfg->test_runner;
    if (cfg->keyword != NULL) {
        args[argc++] = "--keyword-text";
        args[argc++] = cfg->keyword;
    }
    if (cfg->markexpr != NULL) {
        args[argc++] = "--markexpr";
        args[argc++] = cfg->markexpr;
    }
    if (cfg->fixtures_per_thread) {
        args[argc++] = "--fixtures-per-thread";
    }
    testrun_nodesArgs(&p->nodes, f->path, args, &argc, ENGINE_MAX_ARGS - 1);
    args[argc] = NULL;
    /* The harness writes a results line as each test starts and ends: the
     * engine's watchdog counts from the last one. */
    /* A controlled schedule's strategy and files (schedule.h), for the shim. */
    char *sched_env[ENGINE_MAX_ENV + 1] = {0};
    schedule_env(cfg, dir, sched_env, ENGINE_MAX_ENV);
    struct engine_program prog = {.noise = p->cfg->noise,
                                  .extra_env = (const char *const *)sched_env,
                                  .gil_off = p->cfg->gil_off,
                                  .timeout = p->engine_timeout,
                                  .rt = &p->ss.rt,
                                  .tsan_supp_path = p->ss.tsan_supp,
                                  .supp = &p->ss.supp,
                                  .own_findings = true,
                                  .args = args,
                                  .label = f->display,
                                  .seed = seed,
                                  .dir = dir,
                                  .progress_path = results};
    struct run_record rec;
    bool ok = engine_runProgram(&prog, &rec);
    if (ok) {
        struct testrun_results res;
        testrun_resultsLoad(results, &res);
        const struct testrun_record *running = testrun_resultsRunning(&res);
        char *running_name = running ? strdup(running->name) : NULL;
        bool remaining = testrun_resultsHasRemaining(&res);
        bool done = res.done;
        bool fired = testrun_watchdogFired(dir);
        long pid = res.pid;
        testrun_fileAddResults(f, &res);
        testrun_setSeed(f, pid, seed);
        testrun_resultsFree(&res);
        struct run_findings_stats stats = {0};
        ok = testrun_findingsCollect(dir, f, &p->ss.supp, seed, &stats);
        if (stats.failed_restores > 0) {
            LOG_D("%s: TSan could not restore %d stacks", f->display, stats.failed_restores);
        }
        if (session_stopping()) {
            /* Killed on the user's request: neither a crash nor a hang. */
        } else if (rec.runtime_hang && done) {
            /* Wedged while exiting, every test done: nothing to run again. */
            f->runtime_hangs++;
            LOG_W("%s: the TSan runtime deadlocked internally at exit", f->display);
        } else if (rec.runtime_hang) {
            *next = testrun_runtimeHang(f, running_name, remaining);
            running_name = NULL;
        } else if (!done) {
            struct testrun_test *t = testrun_testNamed(f, running_name);
            if (rec.hung || fired) {
                t->hung = true;
                testrun_addHang(dir, t, false, seed, cfg->timeout);
            } else {
                t->crashed = true;
                char *reason = rec.crash_reason
                                   ? strdup(rec.crash_reason)
                                   : util_asprintf("the interpreter exited with status %d before "
                                                   "the harness finished",
                                                   rec.proc.exit_code);
                testrun_addCrash(dir, t, reason, seed);
                free(reason);
            }
            if (running_name != NULL && remaining) {
                next->name = running_name;
                next->again = true;
                running_name = NULL;
            }
        } else if (rec.hung || fired) {
            f->entry.hung = true;
            testrun_addHang(dir, &f->entry, true, seed, cfg->timeout);
        } else if (rec.crashed) {
            f->entry.crashed = true;
            testrun_addCrash(dir, &f->entry, rec.crash_reason ? rec.crash_reason : "crash at exit",
                             seed);
        }
        free(running_name);
    }
    engine_recordFree(&rec);
    free(results);
    free(threads);
    free(iterations);
    free(seed_arg);
    free(timeout);
    return ok;
}

/* The file's base name with characters unsafe in a directory name replaced. */
static char *testrun_dirName(const char *display) {
    const char *slash = strrchr(display, '/');
    char *name = strdup(slash ? slash + 1 : display);
    for (char *c = name; *c; c++) {
        if (*c == ' ' || *c == ':') {
            *c = '_';
        }
    }
    return name;
}

/* Runs every test of f, restarting the interpreter after a crash or hang. */
static bool testrun_file(struct testrun_plan *p, struct testrun_file *f, size_t index, int round) {
    double start = util_now();
    char *base = testrun_dirName(f->display);
    struct testrun_resume resume = {0};
    bool ok = true;
    /* Each restart gets past one test, or retries one once: bounded. */
    for (int part = 0; ok && !session_stopping(); part++) {
        uint64_t seed = engine_runSeed(p->cfg->seed, f->display, round * 1000 + part);
        char *dir =
            util_asprintf("%s/%03zu-%s/round-%d-part-%d", p->ss.work, index, base, round, part);
        struct testrun_resume next;
        ok = testrun_process(p, f, dir, seed, &resume, &next);
        free(dir);
        free(resume.name);
        resume = next;
        if (!resume.again) {
            break;
        }
        LOG_D("%s: going on %s %s in a new interpreter", f->display, resume.at ? "at" : "after",
              resume.name ? resume.name : "the start");
    }
    free(resume.name);
    free(base);
    f->seconds = util_now() - start;
    testrun_judgeFile(f);
    return ok;
}

static bool testrun_fileFailed(const struct testrun_file *f) {
    if (testrun_isFailure(f->entry.verdict)) {
        return true;
    }
    for (size_t i = 0; i < f->ntests; i++) {
        if (f->tests[i].run.started && testrun_isFailure(f->tests[i].verdict)) {
            return true;
        }
    }
    return false;
}

/* One pass over every file. Fills files (caller frees each); *nrun is how
 * many ran. Returns false on an internal error. */
static bool testrun_round(struct testrun_plan *p, const struct testrun_fileList *list, int round,
                          struct testrun_file *files, size_t *nrun) {
    *nrun = 0;
    testrun_freeVerdicts(p);
    for (size_t i = 0; i < list->count && !session_stopping(); i++) {
        struct testrun_file *f = &files[i];
        testrun_fileInit(f, list->paths[i], list->displays[i]);
        (*nrun)++;
        testrun_reportFileStart(stdout, f);
        if (!testrun_file(p, f, i, round)) {
            fputc('\n', stdout);
            return false;
        }
        testrun_reportFileDone(stdout, f);
        /* After every file, so a killed run still leaves its results. */
        testrun_outputsAdd(f, p->rerun_args, &p->verdicts, &p->nverdicts);
        if (!run_outputsWrite(&p->ss.outputs, p->verdicts, p->nverdicts)) {
            return false;
        }
        if (p->cfg->exitfirst && testrun_fileFailed(f)) {
            break;
        }
    }
    return true;
}

/* Prepares what every file's run shares; returns EXIT_CLEAN or the exit
 * status to stop with. */
static int testrun_setUp(struct testrun_plan *p, const struct ftstress_config *cfg) {
    p->cfg = cfg;
    int status = session_open(&p->ss, cfg, "ftstress-test");
    if (status != EXIT_CLEAN) {
        return status;
    }
    /* The harness's own watchdog (faulthandler) ends a test after --timeout
     * with every thread's Python stack. The engine's fires a little later,
     * counting from the harness's last results line: it catches an
     * interpreter too wedged for faulthandler (the TSan runtime deadlocked,
     * say), and takes every thread's C stack. */
    p->engine_timeout = cfg->timeout * 1.25 + 10;
    p->threads = cfg->threads;
    p->iterations = cfg->iterations_given ? cfg->iterations : TESTRUN_DEFAULT_ITERATIONS;
    /* The reports name what a test ran with; the JUnit report is test's own. */
    p->ss.outputs.iterations = p->iterations;
    p->ss.outputs.runs = 1;
    p->ss.outputs.junit = false;
    p->rerun_args = util_asprintf("-t %d -n %ld --seed %" PRIu64 " --noise %s", p->threads,
                                  p->iterations, cfg->seed, config_noiseName(cfg->noise));
    p->harness = paths_inHome("scenarios/testharness.py");
    if (!util_isFile(p->harness)) {
        LOG_E("the test harness %s is missing (is FTSTRESS_HOME right?)", p->harness);
        return EXIT_INTERNAL;
    }
    return EXIT_CLEAN;
}

static void testrun_tearDown(struct testrun_plan *p) {
    session_close(&p->ss);
    testrun_freeVerdicts(p);
    free(p->rerun_args);
    free(p->harness);
    free(p->keyword);
    testrun_nodesFree(&p->nodes);
}

static void testrun_freeFiles(struct testrun_file *files, size_t n) {
    for (size_t i = 0; i < n; i++) {
        testrun_fileFree(&files[i]);
    }
}

/* Prints the report of the last round and returns the exit status. */
static int testrun_finish(struct testrun_plan *p, const struct testrun_file *files, size_t n,
                          double seconds, int rounds) {
    const struct ftstress_config *cfg = p->cfg;
    struct testrun_counts counts = {0};
    for (size_t i = 0; i < n; i++) {
        testrun_count(&files[i], p->threads, &counts);
    }
    testrun_reportDetails(stdout, files, n);
    testrun_reportSerial(stdout, files, n, p->threads);
    testrun_reportTable(stdout, files, n);
    testrun_reportGil(stdout, files, n); /* last, so that it is seen */
    if (cfg->junit_path != NULL && !testrun_junitWrite(cfg->junit_path, files, n, seconds)) {
        LOG_P("cannot write %s", cfg->junit_path);
    }
    if (rounds > 1) {
        printf("\n--until-failure: %d rounds; the report is of the last, the %d before it passed\n",
               rounds, rounds - 1);
    }
    int ran = 0, failures = 0;
    for (int v = 0; v < TESTRUN_NVERDICTS; v++) {
        ran += counts.verdicts[v];
        if (testrun_isFailure((enum testrun_verdict)v) && v != TESTRUN_ERROR) {
            failures += counts.verdicts[v];
        }
    }
    testrun_reportSummary(stdout, &counts, seconds);
    if (session_stopping()) {
        LOG_W("interrupted: the report covers the tests finished so far");
    }
    if (!run_outputsBaseline(&p->ss.outputs)) {
        return EXIT_INTERNAL;
    }
    /* With a baseline only new findings fail the run (a failed test is the
     * finding outcome:ID:failed); without one, any failing test does. */
    if (cfg->baseline != NULL) {
        failures = (int)run_outputsFailing(&p->ss.outputs);
    }
    if (failures > 0) {
        return EXIT_FINDINGS;
    }
    if (counts.verdicts[TESTRUN_ERROR] > 0) {
        return EXIT_USAGE;
    }
    if (ran == 0) {
        if (counts.deselected > 0) {
            LOG_E("no test matched -k '%s' (%ld deselected)", cfg->keyword, counts.deselected);
        } else {
            LOG_E("no tests found");
        }
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

static int testrun_run(struct testrun_plan *p, const struct testrun_fileList *list) {
    const struct ftstress_config *cfg = p->cfg;
    testrun_reportHeader(stdout, cfg, &p->ss.rt, list->count, p->threads, p->iterations);
    fflush(stdout);
    struct testrun_file *files = calloc(list->count, sizeof(*files));
    if (files == NULL) {
        return EXIT_INTERNAL;
    }
    double start = util_now();
    size_t n = 0;
    int round = 0;
    bool ok = true;
    for (;;) {
        round++;
        if (cfg->until_failure) {
            printf("%s--until-failure: round %d\n", round > 1 ? "\n" : "", round);
        }
        ok = testrun_round(p, list, round, files, &n);
        if (!ok || !cfg->until_failure || session_stopping()) {
            break;
        }
        bool failed = false;
        for (size_t i = 0; i < n; i++) {
            failed = failed || testrun_fileFailed(&files[i]);
        }
        if (failed || (cfg->time_budget > 0 && util_now() - start >= cfg->time_budget)) {
            break;
        }
        testrun_freeFiles(files, n);
        n = 0;
    }
    int status = ok ? testrun_finish(p, files, n, util_now() - start, round) : EXIT_INTERNAL;
    testrun_freeFiles(files, n);
    free(files);
    return status;
}

int testrun_main(struct ftstress_config *cfg) {
    if (cfg->npaths == 0) {
        LOG_E("'test' takes one or more test files or directories");
        return EXIT_USAGE;
    }
    struct testrun_plan plan = {0};
    char err[256];
    plan.keyword = testrun_keywordCompile(cfg->keyword, err, sizeof(err));
    if (plan.keyword == NULL) {
        LOG_E("-k '%s': %s", cfg->keyword, err);
        return EXIT_USAGE;
    }
    struct testrun_fileList list;
    /* FILE::NAME node ids select tests as under pytest */
    if (!testrun_nodesSplit(cfg->paths, cfg->npaths, &plan.nodes)) {
        testrun_nodesFree(&plan.nodes);
        free(plan.keyword);
        return EXIT_USAGE;
    }
    if (!testrun_collect(plan.nodes.paths, plan.nodes.npaths, &list)) {
        testrun_fileListFree(&list);
        testrun_nodesFree(&plan.nodes);
        free(plan.keyword);
        return EXIT_USAGE;
    }
    if (list.count == 0) {
        LOG_E("no test files (test_*.py, *_test.py) found in the paths given");
        testrun_fileListFree(&list);
        testrun_nodesFree(&plan.nodes);
        free(plan.keyword);
        return EXIT_USAGE;
    }
    int status = testrun_setUp(&plan, cfg);
    if (status == EXIT_CLEAN) {
        status = testrun_run(&plan, &list);
    }
    testrun_tearDown(&plan);
    testrun_fileListFree(&list);
    return status;
}
