/* Unit tests of src/campaign/campaign_config.c: the campaign file. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "campaign_config.h"
#include "config.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/campaign"

static char *real(const char *path) {
    char buf[PATH_MAX];
    assert_non_null(realpath(path, buf));
    return strdup(buf);
}

static void test_campaign_file_reads_every_kind_of_line(void **state) {
    struct campaign_config c;
    char *error = NULL;
    assert_true(campaign_configLoad(DATA "/nightly.conf", &c, &error));
    assert_null(error);
    assert_true(c.seed_given);
    assert_int_equal(c.seed, 42);
    assert_int_equal(c.count, 5);

    const struct campaign_entry *e = &c.entries[0];
    assert_int_equal(e->kind, CAMPAIGN_SCENARIO);
    assert_true(e->builtin);
    assert_int_equal(e->line, 5);
    /* defaults above it, its own options over them */
    assert_int_equal(e->opt.runs, 3);
    assert_int_equal(e->opt.threads, 2);
    assert_int_equal(e->opt.iterations, 100);
    assert_int_equal(e->opt.noise, -1);

    e = &c.entries[1];
    assert_int_equal(e->kind, CAMPAIGN_SCENARIO);
    assert_false(e->builtin);
    assert_string_equal(e->target, "../scenarios/crash_segv.py");
    char *crash = real(TEST_DATA_DIR "/scenarios/crash_segv.py");
    assert_string_equal(e->resolved, crash);
    free(crash);
    assert_int_equal(e->opt.runs, 1);
    assert_int_equal(e->opt.weight, 2);
    assert_int_equal(e->opt.noise, NOISE_HIGH);

    e = &c.entries[2];
    assert_int_equal(e->kind, CAMPAIGN_TEST);
    assert_string_equal(e->opt.keyword, "not slow and racy");
    assert_true(e->opt.until_failure);
    assert_int_equal(e->opt.threads, 4);
    /* runs= of the defaults does not apply to tests */
    assert_int_equal(e->opt.runs, 0);

    e = &c.entries[3];
    assert_int_equal(e->kind, CAMPAIGN_FUZZ);
    assert_true(e->opt.time == 60.0);
    assert_int_equal(e->opt.ops, 8);
    assert_int_equal(e->opt.runs, 3);

    /* a later defaults line adds to the earlier one */
    e = &c.entries[4];
    assert_int_equal(e->kind, CAMPAIGN_FUZZ);
    assert_string_equal(e->target, "tinymod:Box");
    assert_string_equal(e->resolved, "tinymod:Box");
    assert_true(e->opt.timeout == 120.0);
    assert_int_equal(e->opt.noise, NOISE_OFF);
    assert_int_equal(e->opt.threads, 2);
    campaign_configFree(&c);
}

static void test_relative_paths_are_relative_to_the_campaign_file(void **state) {
    struct campaign_config c;
    char *error = NULL;
    assert_true(campaign_configParse("x.conf", "scenario crash_segv.py\n",
                                     TEST_DATA_DIR "/scenarios", &c, &error));
    char *crash = real(TEST_DATA_DIR "/scenarios/crash_segv.py");
    assert_string_equal(c.entries[0].resolved, crash);
    free(crash);
    campaign_configFree(&c);
    /* an absolute path stays as it is, a directory is fine for scenarios */
    assert_true(
        campaign_configParse("x.conf", "scenario " TEST_DATA_DIR "/scenarios\n", "/", &c, &error));
    char *dir = real(TEST_DATA_DIR "/scenarios");
    assert_string_equal(c.entries[0].resolved, dir);
    free(dir);
    campaign_configFree(&c);
}

static void test_comments_quotes_crlf_and_a_bom_are_handled(void **state) {
    struct campaign_config c;
    char *error = NULL;
    const char *text = "\xEF\xBB\xBF# comment\r\n"
                       "  \r\n"
                       "seed 9 # trailing comment\r\n"
                       "test pytests k=\"a # b \\\"c\\\"\" # comment\r\n";
    assert_true(campaign_configParse("q.conf", text, TEST_DATA_DIR, &c, &error));
    assert_int_equal(c.seed, 9);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.entries[0].opt.keyword, "a # b \"c\"");
    assert_int_equal(c.entries[0].line, 4);
    campaign_configFree(&c);
}

/* Each bad text gives an error "bad.conf:LINE: ..." naming what is wrong. */
static void test_bad_lines_are_errors_naming_the_file_and_line(void **state) {
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        {"scenarios builtin\nscenario crash_segv.py iteratons=10\n",
         "bad.conf:2: unknown option 'iteratons'"},
        {"scenarios builtin runs=0\n", "bad.conf:1: runs takes a whole number from 1"},
        {"scenarios builtin\n\nfrobnicate x\n", "bad.conf:3: unknown entry 'frobnicate'"},
        {"scenarios all\n", "bad.conf:1: 'scenarios' takes the word builtin"},
        {"scenario nowhere.py\n", "bad.conf:1: nowhere.py: no such file or directory"},
        {"fuzz nowhere.py\n", "bad.conf:1: nowhere.py: no such target file"},
        {"test crash_segv.py ops=3\n", "bad.conf:1: a test entry takes no option 'ops'"},
        {"scenario crash_segv.py k=x\n", "bad.conf:1: a scenario entry takes no option 'k'"},
        {"scenario crash_segv.py time=soon\n", "bad.conf:1: time takes a duration"},
        {"scenario crash_segv.py noise=loud\n", "bad.conf:1: noise takes off, low or high"},
        {"seed -3\nscenarios builtin\n", "bad.conf:1: 'seed' takes one non-negative"},
        {"seed\n", "bad.conf:1: 'seed' takes one"},
        {"test crash_segv.py k=\"open\n", "bad.conf:1: a quote is not closed"},
        {"test k=x\n", "bad.conf:1: 'test' needs a path first"},
        {"test crash_segv.py until-failure=yes\n", "bad.conf:1: until-failure takes no value"},
        {"scenario crash_segv.py runs=\n", "bad.conf:1: option 'runs' needs a value"},
        {"defaults weight=x\n", "bad.conf:1: weight takes a whole number"},
        {"# nothing\n", "bad.conf: no work items"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct campaign_config c;
        char *error = NULL;
        bool ok =
            campaign_configParse("bad.conf", cases[i].text, TEST_DATA_DIR "/scenarios", &c, &error);
        if (ok || error == NULL || strstr(error, cases[i].error) == NULL) {
            print_error("case %zu: expected '%s', got '%s'\n", i, cases[i].error,
                        error ? error : "(no error)");
            fail();
        }
        assert_null(c.entries);
        free(error);
    }
}

static void test_a_bad_file_on_disk_names_its_path_and_line(void **state) {
    struct campaign_config c;
    char *error = NULL;
    assert_false(campaign_configLoad(DATA "/bad_option.conf", &c, &error));
    assert_non_null(strstr(error, DATA "/bad_option.conf:4: unknown option 'iteratons'"));
    free(error);
    assert_false(campaign_configLoad(DATA "/missing.conf", &c, &error));
    assert_non_null(strstr(error, "missing.conf: No such file"));
    free(error);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_campaign_file_reads_every_kind_of_line),
        cmocka_unit_test(test_relative_paths_are_relative_to_the_campaign_file),
        cmocka_unit_test(test_comments_quotes_crlf_and_a_bom_are_handled),
        cmocka_unit_test(test_bad_lines_are_errors_naming_the_file_and_line),
        cmocka_unit_test(test_a_bad_file_on_disk_names_its_path_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
