/* test_schedules.c - controlled schedules (--schedule random|pct) end to end on the real
 * runtime: the narrow Python-level races fail fast on every seed and every saved case
 * replays exactly; ThreadSanitizer still reports the C-level races (no happens-before edge
 * from the scheduler) and their locked twins stay quiet; blocking scenarios complete
 * without a watchdog hand-off; a tampered schedule is reported as diverged, never passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli_helpers.h"

#define SCHED_DATA TEST_DATA_DIR "/schedules"
#define SEEDS 20
#define REPLAYS 10

static char *corpus;

static int ftstress(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ftstress(char **out, const char *fmt, ...) {
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    return cli_ftstress(out, corpus, "%s", args);
}

/* The saved case named on the output's "replay: ftstress replay PATH" line. Caller frees. */
static char *case_of(const char *out) {
    const char *p = strstr(out, "replay: ftstress replay ");
    assert_non_null(p);
    p += strlen("replay: ftstress replay ");
    return util_strndup(p, strcspn(p, "\n"));
}

/* Prints the lines of out that start with prefix (cmocka cuts long messages). */
static void show_lines(const char *out, const char *prefix) {
    for (const char *p = out; (p = strstr(p, prefix)) != NULL; p++) {
        if (p == out || p[-1] == '\n') {
            print_message("%.*s\n", (int)strcspn(p, "\n"), p);
        }
    }
}

/* Under strategy, scenario fails within 20 iterations on each of 20 seeds, and each saved
 * case replays exactly 10 times of 10. */
static void fails_fast_and_replays(const char *strategy, const char *scenario) {
    for (int seed = 1; seed <= SEEDS; seed++) {
        char *out;
        int status = ftstress(&out, "run --schedule %s -n 20 --stride 20 -r 1 --seed %d %s/%s.py",
                              strategy, seed, SCHED_DATA, scenario);
        if (status != 1 || strstr(out, "first failure after") == NULL) {
            cli_show(out);
        }
        assert_int_equal(status, 1);
        double iteration = cli_numberAfter(out, "(iteration ");
        assert_true(iteration >= 0 && iteration < 20);
        assert_non_null(strstr(out, "interleaving of the first failing state"));
        char *path = case_of(out);
        free(out);
        for (int r = 0; r < REPLAYS; r++) {
            status = ftstress(&out, "replay %s", path);
            if (strstr(out, "replay: reproduced exactly") == NULL) {
                print_message("%s seed %d: replay %d of %s\n", strategy, seed, r + 1, path);
                show_lines(out, "replay: ");
                show_lines(out, "  schedule: ");
            }
            assert_int_equal(status, 1);
            assert_non_null(strstr(out, "replay: reproduced exactly: same schedule"));
            free(out);
        }
        free(path);
    }
}

static void test_random_one_increment_fails_on_every_seed_and_replays(void **state) {
    fails_fast_and_replays("random", "one_increment");
}
static void test_random_check_then_insert_fails_on_every_seed_and_replays(void **state) {
    fails_fast_and_replays("random", "check_then_insert");
}
static void test_pct_one_increment_fails_on_every_seed_and_replays(void **state) {
    fails_fast_and_replays("pct", "one_increment");
}
static void test_pct_check_then_insert_fails_on_every_seed_and_replays(void **state) {
    fails_fast_and_replays("pct", "check_then_insert");
}

/* The race is reported (signature) and the locked twin is quiet, under strategy. */
static void race_and_twin(const char *strategy, const char *racy, const char *locked,
                          const char *signature) {
    char *out;
    int status = ftstress(&out, "run --schedule %s -n 10 -r 1 --seed 3 %s", strategy, racy);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, signature));
    assert_non_null(strstr(out, "schedule: "));
    free(out);
    status = ftstress(&out, "run --schedule %s -n 10 -r 1 --seed 3 %s", strategy, locked);
    cli_show(out);
    assert_int_equal(status, 0);
    assert_null(strstr(out, "data race"));
    free(out);
}

static void build_racyext(void) {
    char *include = cli_runtimeInfo("include");
    char *dir = util_asprintf("%s/racyext", corpus);
    char *cmd = util_asprintf("bash %s/ext/build.sh %s %s", TEST_DATA_DIR, include, dir);
    assert_int_equal(system(cmd), 0);
    setenv("RACYEXT_DIR", dir, 1);
    free(cmd);
    free(dir);
    free(include);
}

static void test_tsan_races_reported_under_controlled_schedules_and_twins_quiet(void **state) {
    build_racyext();
    const char *strategies[] = {"random", "pct"};
    for (int i = 0; i < 2; i++) {
        race_and_twin(strategies[i], SOURCE_DIR "/scenarios/builtin/bytesio_write.py",
                      SOURCE_DIR "/scenarios/builtin/bytesio_write_locked.py",
                      "signature data-race:bytesio.c:write_bytes,bytesio.c:write_bytes");
        race_and_twin(strategies[i], TEST_DATA_DIR "/scenarios/racyext_bump.py",
                      TEST_DATA_DIR "/scenarios/racyext_bump_locked.py",
                      "signature data-race:racyext.c:bump_counter,racyext.c:bump_counter");
    }
}

static void test_blocking_scenario_completes_under_every_strategy_without_watchdog(void **state) {
    const char *options[] = {"--schedule free", "--schedule random", "--schedule pct --depth 1",
                             "--schedule pct --depth 2", "--schedule pct --depth 3"};
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        char *out;
        int status = ftstress(&out, "run %s -n 30 --stride 8 -r 1 --seed 5 %s/blocking.py",
                              options[i], SCHED_DATA);
        cli_show(out);
        assert_int_equal(status, 0);
        assert_non_null(strstr(out, "[PASS] blocking"));
        assert_null(strstr(out, "watchdog"));
        if (i > 0) {
            assert_non_null(strstr(out, "schedule: "));
        }
        free(out);
    }
}

static void test_tampered_schedule_is_reported_as_diverged_not_passed(void **state) {
    char *out;
    int status =
        ftstress(&out, "run --schedule random -n 20 -r 1 --seed 1 %s/one_increment.py", SCHED_DATA);
    assert_int_equal(status, 1);
    char *path = case_of(out);
    free(out);
    /* thread 1 at every decision, far more decisions than the run takes */
    char *tampered = util_asprintf("%s/tampered.case", corpus);
    char *cmd =
        util_asprintf("sed 's/^schedule_seq=.*/schedule_seq=1*100000/' %s > %s", path, tampered);
    assert_int_equal(system(cmd), 0);
    status = ftstress(&out, "replay %s", tampered);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "replay: DIVERGED"));
    assert_null(strstr(out, "reproduced exactly"));
    free(out);
    free(cmd);
    free(tampered);
    free(path);
}

/* The line of the test table (after its "verdict" header) that names the test (name ends with a
 * space). Caller frees. */
static char *verdict_line(const char *out, const char *name) {
    const char *table = strstr(out, " verdict ");
    assert_non_null(table);
    const char *p = strstr(table, name);
    assert_non_null(p);
    while (p > out && p[-1] != '\n') {
        p--;
    }
    return util_strndup(p, strcspn(p, "\n"));
}

/* ftstress test takes the option too: the unlocked test fails, the locked one passes. */
static void test_test_command_runs_tests_under_controlled_schedules(void **state) {
    const char *strategies[] = {"random", "pct"};
    for (int i = 0; i < 2; i++) {
        char *out;
        int status =
            ftstress(&out, "test --schedule %s -t 2 -n 20 --seed 1 %s/test_shared_counter.py",
                     strategies[i], SCHED_DATA);
        cli_show(out);
        assert_int_equal(status, 1);
        /* failed in every iteration, or in some ("flaky") */
        char *racy = verdict_line(out, "::test_one_increment_per_thread ");
        char *locked = verdict_line(out, "::test_one_locked_increment_per_thread ");
        assert_true(strstr(racy, " failed ") != NULL || strstr(racy, " flaky ") != NULL);
        assert_non_null(strstr(locked, " passed "));
        free(racy);
        free(locked);
        free(out);
    }
    char *out;
    assert_int_equal(ftstress(&out, "fuzz --schedule pct %s/../fuzz", SCHED_DATA), 2);
    /* The option table's one rule: fuzz does not take --schedule (yet). */
    assert_non_null(strstr(out, "'fuzz' takes no option --schedule"));
    free(out);
}

static void test_bad_schedule_options_are_usage_errors(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "run --schedule sometimes %s/one_increment.py", SCHED_DATA), 2);
    assert_non_null(strstr(out, "--schedule takes free, random or pct, not 'sometimes'"));
    free(out);
    assert_int_equal(ftstress(&out, "run --schedule pct --depth 0 %s/one_increment.py", SCHED_DATA),
                     2);
    assert_non_null(strstr(out, "--depth takes a whole number from 1 to 16, not '0'"));
    free(out);
}

static int setup(void **state) {
    char tmpl[] = "/tmp/ftstress-schedules-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    corpus = strdup(tmpl);
    return 0;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf %s", corpus);
    (void)!system(cmd);
    free(cmd);
    free(corpus);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_schedule_options_are_usage_errors),
        cmocka_unit_test(test_test_command_runs_tests_under_controlled_schedules),
        cmocka_unit_test(test_blocking_scenario_completes_under_every_strategy_without_watchdog),
        cmocka_unit_test(test_tsan_races_reported_under_controlled_schedules_and_twins_quiet),
        cmocka_unit_test(test_tampered_schedule_is_reported_as_diverged_not_passed),
        cmocka_unit_test(test_random_one_increment_fails_on_every_seed_and_replays),
        cmocka_unit_test(test_random_check_then_insert_fails_on_every_seed_and_replays),
        cmocka_unit_test(test_pct_one_increment_fails_on_every_seed_and_replays),
        cmocka_unit_test(test_pct_check_then_insert_fails_on_every_seed_and_replays),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
