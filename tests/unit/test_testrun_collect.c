/* Unit tests of src/test/testrun_collect.c: which files `ftstress test` runs and
 * the names the report gives them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testrun_collect.h"

#define PYTESTS TEST_DATA_DIR "/pytests"

static void test_test_file_names(void **state) {
    assert_true(testrun_isTestFile("test_x.py"));
    assert_true(testrun_isTestFile("x_test.py"));
    assert_false(testrun_isTestFile("test_x.pyc"));
    assert_false(testrun_isTestFile("testing.py"));
    assert_false(testrun_isTestFile("sample_crash_hang.py"));
    assert_false(testrun_isTestFile("_test.py"));
}

static void test_display_paths(void **state) {
    char *d = testrun_displayPath("/work/repo/tests/test_a.py", "/work/repo", "/elsewhere");
    assert_string_equal(d, "tests/test_a.py");
    free(d);
    d = testrun_displayPath("/src/Lib/test/test_free_threading/test_list.py", "/work/repo",
                            "/src/Lib/test");
    assert_string_equal(d, "test_free_threading/test_list.py");
    free(d);
    d = testrun_displayPath("/a/b/test_c.py", NULL, NULL);
    assert_string_equal(d, "test_c.py");
    free(d);
    /* A prefix must end at a directory boundary. */
    d = testrun_displayPath("/work/repo2/test_a.py", "/work/repo", NULL);
    assert_string_equal(d, "test_a.py");
    free(d);
}

static void test_a_directory_gives_its_test_files_sorted(void **state) {
    struct testrun_fileList list;
    const char *paths[] = {PYTESTS};
    assert_true(testrun_collect(paths, 1, &list));
    assert_true(list.count >= 7);
    for (size_t i = 0; i < list.count; i++) {
        const char *base = strrchr(list.paths[i], '/') + 1;
        assert_true(testrun_isTestFile(base));
        assert_non_null(strstr(list.displays[i], "pytests/"));
        if (i > 0) {
            assert_true(strcmp(list.paths[i - 1], list.paths[i]) < 0);
        }
    }
    testrun_fileListFree(&list);
}

static void test_named_files_are_taken_whatever_their_name_once(void **state) {
    struct testrun_fileList list;
    const char *paths[] = {PYTESTS "/sample_crash_hang.py", PYTESTS "/test_pass.py",
                           PYTESTS "/../pytests/test_pass.py"};
    assert_true(testrun_collect(paths, 3, &list));
    assert_int_equal(list.count, 2);
    assert_non_null(strstr(list.paths[0], "sample_crash_hang.py"));
    testrun_fileListFree(&list);
}

static void test_a_missing_path_is_an_error(void **state) {
    struct testrun_fileList list;
    const char *paths[] = {PYTESTS "/no_such_test.py"};
    assert_false(testrun_collect(paths, 1, &list));
    testrun_fileListFree(&list);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_file_names),
        cmocka_unit_test(test_display_paths),
        cmocka_unit_test(test_a_directory_gives_its_test_files_sorted),
        cmocka_unit_test(test_named_files_are_taken_whatever_their_name_once),
        cmocka_unit_test(test_a_missing_path_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
