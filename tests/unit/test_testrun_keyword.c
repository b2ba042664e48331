/* Unit tests of src/test/testrun_keyword.c: pytest's -k expressions, compiled to
 * the postfix program the harness evaluates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testrun_keyword.h"

static char err[256];

static bool matches(const char *expr, const char *name) {
    char *program = testrun_keywordCompile(expr, err, sizeof(err));
    assert_non_null(program);
    bool m = testrun_keywordMatch(program, name);
    free(program);
    return m;
}

static void assert_compiles_to(const char *expr, const char *program) {
    char *got = testrun_keywordCompile(expr, err, sizeof(err));
    assert_non_null(got);
    assert_string_equal(got, program);
    free(got);
}

static void assert_rejected(const char *expr, const char *message) {
    assert_null(testrun_keywordCompile(expr, err, sizeof(err)));
    assert_string_equal(err, message);
}

static void test_a_word_is_a_substring_match_ignoring_case(void **state) {
    assert_true(matches("locked", "tests/test_pass.py::test_locked_shared_counter"));
    assert_true(matches("LOCKED", "tests/test_pass.py::test_locked_shared_counter"));
    assert_false(matches("unlocked", "tests/test_pass.py::test_locked_shared_counter"));
    assert_true(
        matches("test_pass.py::test_locked", "tests/test_pass.py::test_locked_shared_counter"));
}

static void test_not_binds_tighter_than_and_than_or(void **state) {
    assert_compiles_to("a or b and not c", "=a =b =c ! & |");
    assert_compiles_to("not a and b", "=a ! =b &");
    assert_compiles_to("(a or b) and c", "=a =b | =c &");
    assert_compiles_to("a and b and c", "=a =b & =c &");
}

static void test_expressions_select_like_pytest(void **state) {
    const char *name = "pkg/test_dict.py::TestDict::test_racing_creation_shared_keys";
    assert_true(matches("creation and not nonmanaged", name));
    assert_false(matches("creation and not shared", name));
    assert_true(matches("set_dict or shared_keys", name));
    assert_true(matches("not (list or set_dict)", name));
    assert_true(matches("TestDict", name));
    assert_false(matches("not not not TestDict", name));
}

static void test_an_empty_expression_matches_everything(void **state) {
    assert_compiles_to("", "");
    assert_compiles_to("   ", "");
    assert_true(matches("", "anything"));
    assert_true(matches(NULL, "anything"));
}

static void test_bad_expressions_name_the_column(void **state) {
    assert_rejected("a and", "column 6: expected not, '(' or a word; got end of input");
    assert_rejected("a b", "column 3: expected and, or or the end; got 'b'");
    assert_rejected("(a or b", "column 8: expected ')'; got end of input");
    assert_rejected("a = b", "column 3: expected and, or or the end; got '='");
    assert_rejected("or", "column 1: expected not, '(' or a word; got 'or'");
}

static void test_words_may_hold_path_and_parametrize_characters(void **state) {
    assert_compiles_to("dir/test_x.py::Case::test[1-2]", "=dir/test_x.py::Case::test[1-2]");
    assert_true(matches("test_x.py::Case", "dir/test_x.py::Case::test_y"));
}

static void test_deep_nesting_is_refused_not_overflowed(void **state) {
    char expr[512] = "";
    for (int i = 0; i < 100; i++) {
        strcat(expr, "(");
    }
    strcat(expr, "a");
    assert_null(testrun_keywordCompile(expr, err, sizeof(err)));
    assert_non_null(strstr(err, "shallower"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_word_is_a_substring_match_ignoring_case),
        cmocka_unit_test(test_not_binds_tighter_than_and_than_or),
        cmocka_unit_test(test_expressions_select_like_pytest),
        cmocka_unit_test(test_an_empty_expression_matches_everything),
        cmocka_unit_test(test_bad_expressions_name_the_column),
        cmocka_unit_test(test_words_may_hold_path_and_parametrize_characters),
        cmocka_unit_test(test_deep_nesting_is_refused_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
