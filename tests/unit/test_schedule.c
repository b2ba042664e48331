/* Unit tests of src/report/schedule.c: the --schedule and --depth values, the shim's environment
 * of a run, the schedule file a run leaves, and the fingerprints a case records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "schedule.h"
#include "util.h"

static void test_schedule_names_parse_back(void **state) {
    int s = -1;
    for (int k = SCHEDULE_FREE; k <= SCHEDULE_PCT; k++) {
        assert_true(schedule_parse(schedule_name(k), &s));
        assert_int_equal(s, k);
    }
    assert_false(schedule_parse("sometimes", &s));
    assert_false(schedule_parse("", &s));
}

/* The command line's --schedule table (src/cli/cmdline.c) lists the strategies in
 * enum order: free, random, pct. */
static void test_strategies_are_named_in_the_command_lines_order(void **state) {
    assert_string_equal(schedule_name(SCHEDULE_FREE), "free");
    assert_string_equal(schedule_name(SCHEDULE_RANDOM), "random");
    assert_string_equal(schedule_name(SCHEDULE_PCT), "pct");
}

static void test_free_sets_only_the_strategy_and_pct_fixes_the_hash_seed(void **state) {
    struct ftstress_config cfg;
    config_setDefaults(&cfg);
    char *env[8];
    int n = schedule_env(&cfg, "/r", env, 8);
    assert_int_equal(n, 1);
    assert_string_equal(env[0], "FTSTRESS_SCHEDULE=free");
    free(env[0]);

    cfg.schedule = SCHEDULE_PCT;
    cfg.depth = 3;
    cfg.schedule_replay = "/c/replay.schedule";
    n = schedule_env(&cfg, "/r", env, 8);
    assert_int_equal(n, 6);
    assert_string_equal(env[0], "FTSTRESS_SCHEDULE=pct");
    assert_string_equal(env[1], "FTSTRESS_SCHED_DEPTH=3");
    assert_string_equal(env[2], "FTSTRESS_SCHED_OUT=/r/schedule");
    assert_string_equal(env[3], "PYTHONHASHSEED=0");
    assert_string_equal(env[4], "FTSTRESS_NOISE_KINDS=list,dict,set,number,object");
    assert_string_equal(env[5], "FTSTRESS_SCHED_REPLAY=/c/replay.schedule");
    for (int i = 0; i < n; i++) {
        free(env[i]);
    }
}

static void test_schedule_file_is_read_and_a_missing_one_is_absent(void **state) {
    char dir[] = "/tmp/ftstress-schedule-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct schedule_file f;
    assert_false(schedule_load(dir, &f));
    assert_false(f.present);
    char *path = util_asprintf("%s/schedule", dir);
    const char *text = "ftshim_schedule=1\nstrategy=random\ndepth=2\nseed=7\ndecisions=12\n"
                       "hash=0xabc\nwatchdog=1\ntruncated=0\nreplay=1\nreplay_diverged_at=5\n"
                       "replay_recorded=12\nseq=0*3,1,0*8\n";
    assert_true(util_writeFileAtomic(path, text, strlen(text)));
    assert_true(schedule_load(dir, &f));
    assert_true(f.present);
    assert_string_equal(f.strategy, "random");
    assert_int_equal(f.depth, 2);
    assert_int_equal(f.decisions, 12);
    assert_int_equal(f.watchdog, 1);
    assert_false(f.truncated);
    assert_true(f.replay);
    assert_int_equal(f.diverged_at, 5);
    assert_string_equal(f.hash, "0xabc");
    assert_string_equal(f.seq, "0*3,1,0*8");
    schedule_fileFree(&f);

    char *replay = util_asprintf("%s/replay", dir);
    assert_true(schedule_writeReplay(replay, "1*4,0"));
    char *back = util_readFile(replay, NULL);
    assert_string_equal(back, "seq=1*4,0\n");
    free(back);
    unlink(replay);
    unlink(path);
    rmdir(dir);
    free(replay);
    free(path);
}

static void test_signatures_are_sorted_and_unique(void **state) {
    struct finding items[3] = {{.signature = "data-race:b.c:f,b.c:f"},
                               {.signature = "crash:SIGSEGV:a.c:g"},
                               {.signature = "data-race:b.c:f,b.c:f"}};
    struct finding_set set = {.items = items, .count = 3};
    char *s = schedule_signatures(&set);
    assert_string_equal(s, "crash:SIGSEGV:a.c:g,data-race:b.c:f,b.c:f");
    free(s);
    struct finding_set none = {0};
    s = schedule_signatures(&none);
    assert_string_equal(s, "");
    free(s);
}

static void test_outcomes_keep_the_harness_order(void **state) {
    struct outcome o[2] = {{.result = "all kept", .samples = 13},
                           {.result = "lost update", .samples = 7}};
    struct results r = {.outcomes = o, .noutcomes = 2};
    char *s = schedule_outcomes(&r);
    assert_string_equal(s, "all kept:13;lost update:7");
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_names_parse_back),
        cmocka_unit_test(test_strategies_are_named_in_the_command_lines_order),
        cmocka_unit_test(test_free_sets_only_the_strategy_and_pct_fixes_the_hash_seed),
        cmocka_unit_test(test_schedule_file_is_read_and_a_missing_one_is_absent),
        cmocka_unit_test(test_signatures_are_sorted_and_unique),
        cmocka_unit_test(test_outcomes_keep_the_harness_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
