/* Unit tests of src/campaign/campaign_plan.c: work items, keys, seeds, shards, time
 * shares and the subprocesses' command lines. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "campaign_config.h"
#include "campaign_plan.h"
#include "config.h"
#include "engine.h"
#include "scenario.h"
#include "util.h"

#define SCENARIOS TEST_DATA_DIR "/scenarios"

static void build(const char *text, uint64_t seed, struct campaign_plan *p) {
    struct ftstress_config cfg;
    config_setDefaults(&cfg);
    struct campaign_config c;
    char *error = NULL;
    if (!campaign_configParse("t.conf", text, SCENARIOS, &c, &error)) {
        print_error("%s\n", error);
        fail();
    }
    if (!campaign_planBuild(&c, &cfg, seed, p, &error)) {
        print_error("%s\n", error);
        fail();
    }
    campaign_configFree(&c);
}

static const struct campaign_item *find(const struct campaign_plan *p, const char *key) {
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i].key, key) == 0) {
            return &p->items[i];
        }
    }
    return NULL;
}

static void test_builtin_and_directories_expand_to_one_item_per_scenario(void **state) {
    struct campaign_plan p;
    build("scenarios builtin\nscenario " SCENARIOS "\n", 1, &p);
    struct scenario_list builtin, data;
    assert_true(scenario_collect(NULL, 0, &builtin));
    const char *dir = SCENARIOS;
    assert_true(scenario_collect(&dir, 1, &data));
    assert_int_equal(p.count, builtin.count + data.count);
    assert_int_equal(p.total, p.count);
    assert_non_null(find(&p, "scenario:counter_global"));
    assert_non_null(find(&p, "scenario:crash_segv"));
    /* sorted by key, bytewise */
    for (size_t i = 1; i < p.count; i++) {
        assert_true(strcmp(p.items[i - 1].key, p.items[i].key) < 0);
    }
    scenario_listFree(&builtin);
    scenario_listFree(&data);
    campaign_planFree(&p);
}

static void test_seeds_depend_on_the_campaign_seed_and_the_key_only(void **state) {
    struct campaign_plan a, b, c;
    build("scenario crash_segv.py\nscenario racyext_bump.py\ntest " TEST_DATA_DIR
          "/pytests/test_pass.py\n",
          7, &a);
    /* other order, other options: same keys, same seeds */
    build("test " TEST_DATA_DIR "/pytests/test_pass.py threads=3\nscenario racyext_bump.py "
          "runs=4\nscenario crash_segv.py\n",
          7, &b);
    build("scenario crash_segv.py\nscenario racyext_bump.py\ntest " TEST_DATA_DIR
          "/pytests/test_pass.py\n",
          8, &c);
    assert_int_equal(a.count, 3);
    for (size_t i = 0; i < a.count; i++) {
        assert_string_equal(a.items[i].key, b.items[i].key);
        assert_true(a.items[i].seed == b.items[i].seed);
        assert_true(a.items[i].seed == engine_runSeed(7, a.items[i].key, 0));
        assert_true(a.items[i].seed != c.items[i].seed);
    }
    /* the spec changes with what an item runs, so a saved result of other
     * parameters is not taken for this one */
    const struct campaign_item *ra = find(&a, "scenario:racyext_bump");
    const struct campaign_item *rb = find(&b, "scenario:racyext_bump");
    assert_string_not_equal(ra->spec, rb->spec);
    assert_string_equal(find(&a, "scenario:crash_segv")->spec,
                        find(&b, "scenario:crash_segv")->spec);
    campaign_planFree(&a);
    campaign_planFree(&b);
    campaign_planFree(&c);
}

static void test_shards_partition_the_items_and_keep_their_seeds(void **state) {
    struct campaign_plan whole;
    build("scenarios builtin\nscenario " SCENARIOS "\n", 3, &whole);
    for (int n = 1; n <= 5; n++) {
        size_t seen = 0;
        for (int k = 0; k < n; k++) {
            struct campaign_plan part;
            build("scenario " SCENARIOS "\nscenarios builtin\n", 3, &part);
            campaign_planShard(&part, k, n);
            assert_int_equal(part.total, whole.count);
            assert_int_equal(part.shard, k);
            assert_int_equal(part.shards, n);
            for (size_t i = 0; i < part.count; i++) {
                /* item i of the sorted whole goes to shard i mod n */
                const struct campaign_item *w = find(&whole, part.items[i].key);
                assert_non_null(w);
                assert_int_equal((size_t)(w - whole.items) % (size_t)n, k);
                assert_true(w->seed == part.items[i].seed);
                assert_string_equal(w->dirname, part.items[i].dirname);
            }
            seen += part.count;
            campaign_planFree(&part);
        }
        assert_int_equal(seen, whole.count);
    }
    campaign_planFree(&whole);
}

static void test_an_item_named_twice_is_an_error_naming_both_lines(void **state) {
    struct ftstress_config cfg;
    config_setDefaults(&cfg);
    struct campaign_config c;
    char *error = NULL;
    /* the builtin counter_global and a file of the same name */
    char *text = util_asprintf("scenarios builtin\n# x\nscenario %s/../../../scenarios/builtin/"
                               "counter_global.py\n",
                               SCENARIOS);
    assert_true(campaign_configParse("dup.conf", text, SCENARIOS, &c, &error));
    struct campaign_plan p;
    assert_false(campaign_planBuild(&c, &cfg, 1, &p, &error));
    assert_string_equal(error, "dup.conf:3: scenario:counter_global is already in the campaign "
                               "(line 1)");
    assert_int_equal(p.count, 0);
    free(error);
    free(text);
    campaign_configFree(&c);
}

static void test_item_directories_are_safe_names_with_a_hash(void **state) {
    struct campaign_plan p;
    build("fuzz tinymod:Box\ntest " TEST_DATA_DIR "/pytests\n", 1, &p);
    const struct campaign_item *f = find(&p, "fuzz:tinymod:Box");
    assert_non_null(f);
    assert_int_equal(strlen(f->dirname), strlen("fuzz-tinymod-Box") + 9);
    assert_memory_equal(f->dirname, "fuzz-tinymod-Box-", 17);
    const struct campaign_item *t = p.items[0].kind == CAMPAIGN_TEST ? &p.items[0] : &p.items[1];
    assert_null(strchr(t->dirname, '/'));
    assert_true(strlen(t->dirname) <= 48 + 9);
    campaign_planFree(&p);
}

static void test_shares_split_by_weight_after_fixed_times(void **state) {
    struct campaign_plan p;
    build("scenario crash_segv.py weight=3\nscenario racyext_bump.py\nfuzz tinymod:Box "
          "time=100\n",
          1, &p);
    /* keys: fuzz:tinymod:Box, scenario:crash_segv, scenario:racyext_bump */
    bool pending[3] = {true, true, true};
    assert_true(campaign_planShare(&p, pending, 0, 1000) == 100);
    assert_true(campaign_planShare(&p, pending, 1, 1000) == 900.0 * 3 / 4);
    assert_true(campaign_planShare(&p, pending, 2, 1000) == 900.0 / 4);
    /* done items no longer share; the one asked about always does */
    pending[0] = pending[1] = false;
    assert_true(campaign_planShare(&p, pending, 2, 500) == 500);
    pending[2] = false;
    assert_true(campaign_planShare(&p, pending, 2, 500) == 500);
    /* too little for every fixed time plus CAMPAIGN_MIN_SHARE per weight:
     * everything scaled down together (100 + 4 * 10 = 140 asked, 70 there) */
    pending[0] = pending[1] = pending[2] = true;
    assert_true(campaign_planShare(&p, pending, 0, 70) == 50);
    assert_true(campaign_planShare(&p, pending, 1, 70) == 15);
    assert_true(campaign_planShare(&p, pending, 2, 70) == 5);
    assert_true(campaign_planShare(&p, pending, 2, 0) == 0);
    campaign_planFree(&p);
}

static bool has_args(char **argv, const char *a, const char *b) {
    for (size_t i = 0; argv[i] != NULL; i++) {
        if (strcmp(argv[i], a) == 0 &&
            (b == NULL || (argv[i + 1] && strcmp(argv[i + 1], b) == 0))) {
            return true;
        }
    }
    return false;
}

static size_t argc_of(char **argv) {
    size_t n = 0;
    while (argv[n] != NULL) {
        n++;
    }
    return n;
}

static void test_scenario_items_run_ftstress_run_with_seed_time_and_report(void **state) {
    struct campaign_plan p;
    build("scenario crash_segv.py runs=2 noise=high\nscenario racyext_bump.py iterations=50 "
          "timeout=30\n",
          5, &p);
    struct campaign_invocation inv = {
        .exe = "/bin/ftstress", .corpus = "/s/corpus", .runtime = "/rt", .timeout = 120};
    const struct campaign_item *crash = find(&p, "scenario:crash_segv");
    char **argv = campaign_planArgv(crash, &inv, 91, "/s/items/x/attempt-1.json");
    char *line = campaign_argvJoin(argv);
    char *seed = util_asprintf("%" PRIu64, crash->seed);
    /* share 91: margin 91/3, per run (91 - 1 - 30.3) / 2 - 2 = 27.8 */
    char *expected = util_asprintf("/bin/ftstress run --json /s/items/x/attempt-1.json --corpus "
                                   "/s/corpus --seed %s --noise high --runs 2 --iterations %ld "
                                   "--time 27.8 --timeout 58.2 --runtime /rt -- %s",
                                   seed, CAMPAIGN_UNBOUNDED_ITERATIONS, crash->target);
    assert_string_equal(line, expected);
    free(line);
    free(expected);
    free(seed);
    campaign_argvFree(argv);

    const struct campaign_item *race = find(&p, "scenario:racyext_bump");
    argv = campaign_planArgv(race, &inv, 91, "j.json");
    assert_true(has_args(argv, "--iterations", "50"));
    assert_true(has_args(argv, "--runs", "2")); /* the command line's default */
    /* an explicit timeout is the hang margin: per run (91 - 1 - 30) / 2 - 2 */
    assert_true(has_args(argv, "--time", "28.0"));
    assert_true(has_args(argv, "--timeout", "58.0"));
    assert_string_equal(argv[argc_of(argv) - 2], "--");
    campaign_argvFree(argv);
    campaign_planFree(&p);
}

static void test_test_and_fuzz_items_run_their_commands(void **state) {
    struct campaign_plan p;
    build("test " TEST_DATA_DIR "/pytests/test_pass.py k=\"racy or x\" until-failure threads=3 "
          "iterations=7\nfuzz tinymod:Box ops=5\n",
          5, &p);
    struct campaign_invocation inv = {
        .exe = "ftstress", .corpus = "c", .flavour = "release", .timeout = 120, .verbose = true};
    const struct campaign_item *t = find(&p, "test:" TEST_DATA_DIR "/pytests/test_pass.py");
    assert_non_null(t);
    char **argv = campaign_planArgv(t, &inv, 60, "j.json");
    assert_string_equal(argv[1], "test");
    assert_true(has_args(argv, "--json", "j.json"));
    assert_true(has_args(argv, "-k", "racy or x"));
    assert_true(has_args(argv, "--until-failure", NULL));
    assert_true(has_args(argv, "--threads", "3"));
    assert_true(has_args(argv, "--iterations", "7"));
    assert_true(has_args(argv, "--time", "57.0"));
    assert_true(has_args(argv, "--flavour", "release"));
    assert_true(has_args(argv, "--verbose", NULL));
    assert_false(has_args(argv, "--timeout", NULL)); /* test's own per-test default */
    assert_false(has_args(argv, "--runs", NULL));
    campaign_argvFree(argv);

    const struct campaign_item *f = find(&p, "fuzz:tinymod:Box");
    argv = campaign_planArgv(f, &inv, 91, "j.json");
    assert_string_equal(argv[1], "fuzz");
    assert_true(has_args(argv, "--ops", "5"));
    /* fuzz minimises for up to half its time after it: (91 - 1) / 1.5 */
    assert_true(has_args(argv, "--time", "60.0"));
    assert_string_equal(argv[argc_of(argv) - 1], "tinymod:Box");
    campaign_argvFree(argv);
    campaign_planFree(&p);
}

static void test_command_lines_quote_words_for_the_log(void **state) {
    char *argv[] = {"a", "b c", "it's", "", "$x", NULL};
    char *line = campaign_argvJoin(argv);
    assert_string_equal(line, "a 'b c' 'it'\\''s' '' '$x'");
    free(line);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_and_directories_expand_to_one_item_per_scenario),
        cmocka_unit_test(test_seeds_depend_on_the_campaign_seed_and_the_key_only),
        cmocka_unit_test(test_shards_partition_the_items_and_keep_their_seeds),
        cmocka_unit_test(test_an_item_named_twice_is_an_error_naming_both_lines),
        cmocka_unit_test(test_item_directories_are_safe_names_with_a_hash),
        cmocka_unit_test(test_shares_split_by_weight_after_fixed_times),
        cmocka_unit_test(test_scenario_items_run_ftstress_run_with_seed_time_and_report),
        cmocka_unit_test(test_test_and_fuzz_items_run_their_commands),
        cmocka_unit_test(test_command_lines_quote_words_for_the_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
