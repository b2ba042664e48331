/* Unit tests of src/findings/suppress.c: the suppressions file, pattern matching, counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "suppress.h"
#include "tsan_report.h"
#include "util.h"

#define SUPP TEST_DATA_DIR "/suppress/"

static void test_good_file_loads_tsan_and_pattern_rules(void **state) {
    struct suppress_set set = {0};
    char err[512] = "";
    assert_true(suppress_load(&set, SUPP "good.supp", true, err, sizeof(err)));
    assert_int_equal(set.count, 5);
    assert_int_equal(set.rules[0].target, SUPPRESS_TSAN);
    assert_string_equal(set.rules[1].text, "race_top:bar");
    assert_int_equal(set.rules[3].target, SUPPRESS_FUNCTION);
    assert_int_equal(set.rules[4].target, SUPPRESS_SIGNATURE);
    assert_non_null(strstr(set.rules[3].origin, "good.supp:6"));
    suppress_free(&set);
}

static void test_invalid_pattern_names_line_and_column(void **state) {
    struct suppress_set set = {0};
    char err[512] = "";
    assert_false(suppress_load(&set, SUPP "bad_regex.supp", true, err, sizeof(err)));
    assert_non_null(
        strstr(err, "bad_regex.supp:2:23: invalid pattern: missing closing parenthesis"));
    suppress_free(&set);
}

static void test_unknown_type_names_line_and_column(void **state) {
    struct suppress_set set = {0};
    char err[512] = "";
    assert_false(suppress_load(&set, SUPP "bad_type.supp", true, err, sizeof(err)));
    assert_non_null(strstr(err, "bad_type.supp:2:1: unknown suppression type 'rcae'"));
    suppress_free(&set);
}

static void test_function_pattern_suppresses_a_report_and_counts_it(void **state) {
    struct suppress_set set = {0};
    char err[512];
    assert_true(suppress_load(&set, SUPP "good.supp", true, err, sizeof(err)));
    struct tsanreport_parser *p = tsanreport_parserNew();
    struct tsanreport_list races = {0}, leaks = {0};
    assert_int_equal(tsanreport_parseFile(p, TEST_DATA_DIR "/tsan/data_race.log", &races), 0);
    assert_int_equal(
        tsanreport_parseFile(p, TEST_DATA_DIR "/tsan/lock_order_inversion.log", &leaks), 0);
    assert_true(suppress_matchReport(&set, &races.reports[0]));
    assert_false(suppress_matchReport(&set, &leaks.reports[0]));
    assert_int_equal(set.rules[3].matched, 1);
    assert_true(suppress_matchSignature(&set, "thread-leak:x.c:main"));
    assert_false(suppress_matchSignature(&set, "data-race:x.c:a,x.c:b"));
    assert_int_equal(set.rules[4].matched, 1);
    tsanreport_listFree(&races);
    tsanreport_listFree(&leaks);
    tsanreport_parserFree(p);
    suppress_free(&set);
}

static void test_tsan_matched_counts_are_added_to_their_rules(void **state) {
    struct suppress_set set = {0};
    char err[512];
    assert_true(suppress_load(&set, SUPP "good.supp", true, err, sizeof(err)));
    char *log = util_readFile(SUPP "matched.log", NULL);
    suppress_countTsanLog(&set, log);
    suppress_countTsanLog(&set, log);
    assert_int_equal(set.rules[0].matched, 10);
    assert_int_equal(set.rules[1].matched, 4);
    assert_int_equal(set.rules[2].matched, 0);
    free(log);
    suppress_free(&set);
}

static void test_tsan_file_holds_only_tsan_rules(void **state) {
    struct suppress_set set = {0};
    char err[512];
    assert_true(suppress_load(&set, SUPP "good.supp", true, err, sizeof(err)));
    char path[] = "/tmp/ftstress-supp-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(suppress_writeTsanFile(&set, path));
    char *text = util_readFile(path, NULL);
    assert_non_null(strstr(text, "\nrace:foo\nrace_top:bar\ncalled_from_lib:libx.so\n"));
    assert_null(strstr(text, "function:"));
    free(text);
    unlink(path);
    suppress_free(&set);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_loads_tsan_and_pattern_rules),
        cmocka_unit_test(test_invalid_pattern_names_line_and_column),
        cmocka_unit_test(test_unknown_type_names_line_and_column),
        cmocka_unit_test(test_function_pattern_suppresses_a_report_and_counts_it),
        cmocka_unit_test(test_tsan_matched_counts_are_added_to_their_rules),
        cmocka_unit_test(test_tsan_file_holds_only_tsan_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
