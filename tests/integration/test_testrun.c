/* Integration tests of `ftstress test`: the real binary running the sample
 * test files of tests/data/pytests, and CPython's own
 * Lib/test/test_free_threading, on the default instrumented runtime. Each
 * test asserts on what a user (or CI) reads: verdicts, the table, the
 * not-in-parallel list, the closing summary line and the exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_helpers.h"
#include "util.h"

#define PYTESTS TEST_DATA_DIR "/pytests"

static char scratch[] = "/tmp/ftstress-test-testrun-XXXXXX";

#define ftstress(out, ...) cli_ftstress(out, NULL, __VA_ARGS__)

/* The table row of test id (the line starting with it after the table's
 * header), or NULL. Caller frees. */
static char *row(const char *out, const char *id) {
    size_t n = strlen(id);
    const char *table = strstr(out, " tests ====");
    if (table == NULL) {
        return NULL;
    }
    for (const char *line = table; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, id, n) == 0 && line[n] == ' ') {
            return util_strndup(line, strcspn(line, "\n"));
        }
    }
    return NULL;
}

/* Asserts that id's row names verdict and the threads x iterations shape. */
static void assert_row(const char *out, const char *id, const char *verdict, const char *shape) {
    char *r = row(out, id);
    if (r == NULL) {
        fail_msg("no table row for %s", id);
    }
    char *want = util_asprintf(" %s ", verdict);
    if (strstr(r, want) == NULL || (shape != NULL && strstr(r, shape) == NULL)) {
        fail_msg("row '%s': expected verdict %s and %s", r, verdict, shape ? shape : "any shape");
    }
    free(want);
    free(r);
}

/* The output's last line (without its newline). Caller frees. */
static char *last_line(const char *out) {
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '\n') {
        n--;
    }
    const char *start = out + n;
    while (start > out && start[-1] != '\n') {
        start--;
    }
    return util_strndup(start, (size_t)(out + n - start));
}

/* Asserts the closing line has the form CI reads: "N passed, N failed", then
 * other counts, then " in S.Ss". */
static void assert_summary_last(const char *out, const char *prefix) {
    char *last = last_line(out);
    int passed, failed, used = 0;
    if (sscanf(last, "%d passed, %d failed%n", &passed, &failed, &used) != 2 || used == 0 ||
        strncmp(last, prefix, strlen(prefix)) != 0) {
        fail_msg("last line '%s' is not a summary starting '%s'", last, prefix);
    }
    const char *in = strstr(last, " in ");
    assert_non_null(in);
    assert_int_equal(in[strlen(in) - 1], 's');
    free(last);
}

/* Builds tests/data/ext/racyext.c against the runtime for test_racyext.py. */
static void build_racyext(void) {
    char *include = cli_runtimeInfo("include");
    char *dir = util_asprintf("%s/racyext", scratch);
    char *cmd = util_asprintf("bash %s/ext/build.sh %s %s", TEST_DATA_DIR, include, dir);
    assert_int_equal(system(cmd), 0);
    setenv("RACYEXT_DIR", dir, 1);
    free(cmd);
    free(dir);
    free(include);
}

static void test_sample_files_get_their_verdicts(void **state) {
    build_racyext();
    char *junit = util_asprintf("%s/junit.xml", scratch);
    char *out;
    int status = ftstress(&out, "test -n 2 --junit %s %s", junit, PYTESTS);
    cli_show(out);
    assert_int_equal(status, 1);
    /* A progress line per file, a letter per test. */
    assert_non_null(strstr(out, "pytests/test_pass.py ...  ["));
    assert_non_null(strstr(out, "pytests/test_import_error.py E  ["));
    /* Thread-safe tests pass; failing asserts fail, with the thread. */
    assert_row(out, "pytests/test_pass.py::test_locked_shared_counter", "passed", "2 x 2");
    assert_row(out, "pytests/test_fail.py::test_fails_in_every_second_thread", "failed", "2 x 2");
    assert_row(out, "pytests/test_fail.py::test_wrong_everywhere", "failed", "2 x 2");
    assert_row(out, "pytests/test_fail.py::test_passes_after_the_failure", "passed", NULL);
    assert_non_null(strstr(out, "AssertionError: arrived as number 2"));
    assert_non_null(strstr(out, ", thread 2 of 2 (native id ") ||
                    strstr(out, ", thread 1 of 2 (native id "));
    /* The lost-update test fails in every iteration or some of them. */
    char *racy = row(out, "pytests/test_racy.py::test_unlocked_counter_keeps_every_increment");
    assert_non_null(racy);
    assert_true(strstr(racy, " failed ") != NULL || strstr(racy, " flaky ") != NULL);
    free(racy);
    assert_non_null(strstr(out, "increments"));
    /* The C race is the unlocked test's, not its locked twin's. */
    assert_row(out, "pytests/test_racyext.py::test_bump_unlocked", "race", "2 x 20");
    assert_row(out, "pytests/test_racyext.py::test_bump_locked", "passed", "2 x 20");
    assert_non_null(strstr(out, "data race in bump_counter"));
    /* unittest: setUp/tearDown and class fixtures honoured, skips reported. */
    assert_row(out, "pytests/test_unittest_case.py::FixtureTest::test_reads_class_fixture",
               "passed", NULL);
    assert_row(out,
               "pytests/test_unittest_case.py::FixtureTest::test_appends_under_the_fixture_lock",
               "passed", NULL);
    assert_row(out, "pytests/test_unittest_case.py::FixtureTest::test_skipped_by_decorator",
               "skipped", NULL);
    assert_row(out, "pytests/test_unittest_case.py::FixtureTest::test_skipped_at_run_time",
               "skipped", NULL);
    /* Markers. */
    assert_row(out, "pytests/test_marked.py::test_exclusive_flag", "passed", "1 x 2");
    assert_row(out, "pytests/test_marked.py::test_three_threads_two_iterations", "passed", "3 x 2");
    assert_row(out, "pytests/test_marked.py::TestMarkedClass::test_in_marked_class", "passed",
               "1 x 2");
    assert_row(out, "pytests/test_unsafe_module.py::test_chdir_and_back", "passed", "1 x 2");
    assert_non_null(strstr(out,
                           "pytests/test_unsafe_module.py::test_reads_cwd: the module is marked "
                           "FTSTRESS_THREAD_UNSAFE: every test changes"));
    /* pytest-style module and function fixtures (teardown_module checks them). */
    assert_row(out, "pytests/test_module_fixtures.py::test_module_was_set_up", "passed", "2 x 2");
    assert_row(out, "pytests/test_module_fixtures.py::test_function_was_set_up", "passed", "2 x 2");
    /* mock.patch: run in one thread, and said so. */
    assert_row(out, "pytests/test_mock.py::test_patched_clock", "passed", "1 x 2");
    assert_row(out, "pytests/test_mock.py::test_without_mock", "passed", "2 x 2");
    assert_non_null(strstr(out, " not run in parallel "));
    assert_non_null(
        strstr(out, "pytests/test_mock.py::test_patched_clock: uses unittest.mock.patch"));
    assert_non_null(strstr(out,
                           "pytests/test_marked.py::test_exclusive_flag: marked thread_unsafe: "
                           "uses a module-global busy flag"));
    /* The file that does not import is an error of that file. */
    assert_non_null(strstr(out, " ERRORS "));
    assert_non_null(strstr(out, "ModuleNotFoundError: No module named 'ftstress_no_such_module'"));
    assert_row(out, "pytests/test_import_error.py", "error", NULL);
    assert_non_null(strstr(out, "note: 7 tests ran in one thread only, not in parallel"));
    assert_summary_last(out, "18 passed, ");
    assert_non_null(strstr(out, ", 1 race, 2 skipped, 1 error in "));

    char *xml = util_readFile(junit, NULL);
    assert_non_null(xml);
    assert_non_null(
        strstr(xml, "<testcase classname=\"pytests.test_racyext\" name=\"test_bump_unlocked\""));
    assert_non_null(strstr(xml, "type=\"ftstress.race\""));
    assert_non_null(strstr(xml, "<skipped message=\"shows a skipped test\"/>"));
    assert_non_null(strstr(xml, "type=\"ftstress.error\""));
    assert_non_null(strstr(xml, "<system-out>not run in parallel: uses unittest.mock.patch"));
    free(xml);
    free(junit);
    free(out);
}

/* A file named on the command line is shown by its base name. */
static void test_keyword_expressions_select_tests(void **state) {
    char *out;
    int status =
        ftstress(&out, "test -n 1 -k 'pass and not locked' %s/test_pass.py %s/test_fail.py",
                 PYTESTS, PYTESTS);
    cli_show(out);
    assert_int_equal(status, 0);
    assert_row(out, "test_pass.py::test_pure_arithmetic", "passed", NULL);
    assert_row(out, "test_fail.py::test_passes_after_the_failure", "passed", NULL);
    assert_null(row(out, "test_pass.py::test_locked_shared_counter"));
    assert_null(row(out, "test_fail.py::test_wrong_everywhere"));
    assert_summary_last(out, "3 passed, 0 failed, 3 deselected in ");
    free(out);

    assert_int_equal(ftstress(&out, "test -k 'pass and' %s/test_pass.py", PYTESTS), 2);
    assert_non_null(strstr(out, "-k 'pass and': column 9: expected not, '(' or a word"));
    free(out);
    assert_int_equal(ftstress(&out, "test -n 1 -k nothing_matches_this %s/test_pass.py", PYTESTS),
                     2);
    assert_non_null(strstr(out, "no test matched -k 'nothing_matches_this' (3 deselected)"));
    free(out);
}

static void test_exitfirst_stops_at_the_first_failure(void **state) {
    char *out;
    int status = ftstress(&out, "test -x -n 1 %s/test_fail.py %s/test_pass.py", PYTESTS, PYTESTS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_row(out, "test_fail.py::test_fails_in_every_second_thread", "failed", NULL);
    assert_non_null(strstr(out, "(stopped: -x)"));
    assert_null(row(out, "test_fail.py::test_passes_after_the_failure"));
    assert_null(strstr(out, "test_pass.py"));
    assert_summary_last(out, "0 passed, 1 failed in ");
    free(out);
}

static void test_crash_and_hang_go_to_their_tests_and_the_file_goes_on(void **state) {
    char *out;
    int status = ftstress(&out, "test -n 1 --timeout 10 %s/sample_crash_hang.py", PYTESTS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "sample_crash_hang.py .CH.  ["));
    assert_non_null(strstr(out, "(3 interpreters: restarted after a crash or hang)"));
    assert_row(out, "sample_crash_hang.py::test_before", "passed", NULL);
    assert_row(out, "sample_crash_hang.py::test_segfault", "crash", NULL);
    assert_row(out, "sample_crash_hang.py::test_deadlock", "hang", NULL);
    assert_row(out, "sample_crash_hang.py::test_after", "passed", NULL);
    assert_non_null(strstr(out, "Fatal Python error: Segmentation fault"));
    assert_non_null(strstr(out, "C stack of the crashing thread"));
    assert_non_null(strstr(out, "Timeout (0:00:10)!"));
    assert_non_null(strstr(out, "sample_crash_hang.py\", line 24 in take"));
    assert_summary_last(out, "2 passed, 0 failed, 1 crash, 1 hang in ");
    free(out);
}

/* --json writes each test as an entry of the run-report schema (what merge
 * and campaigns read), a failed test as the finding outcome:ID:failed; a
 * baseline holding those findings makes the same run exit 0. */
static void test_json_report_and_baseline_cover_every_test(void **state) {
    char *out;
    char *json = util_asprintf("%s/tests.json", scratch);
    char *baseline = util_asprintf("%s/tests.baseline", scratch);
    int status = ftstress(&out,
                          "test -n 1 %s/test_fail.py %s/test_pass.py %s/test_import_error.py "
                          "--json %s --update-baseline %s",
                          PYTESTS, PYTESTS, PYTESTS, json, baseline);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "baseline written: "));
    free(out);
    char *doc = util_readFile(json, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"schema\": 1"));
    assert_non_null(strstr(doc, "\"name\": \"test_fail.py::test_wrong_everywhere\",\n"
                                "      \"kind\": \"test\""));
    assert_non_null(strstr(doc, "\"name\": \"test_pass.py::test_pure_arithmetic\""));
    assert_non_null(
        strstr(doc, "\"signature\": \"outcome:test_fail.py::test_wrong_everywhere:failed\""));
    assert_non_null(strstr(doc, "\"title\": \"test test_fail.py::test_wrong_everywhere failed: "
                                "AssertionError\""));
    /* each finding says how to run its test again */
    assert_non_null(strstr(doc, "rerun: ftstress test '" PYTESTS "/test_fail.py' -k "
                                "'test_wrong_everywhere' -t 2 -n 1 --seed 1 --noise low"));
    const char *bad = strstr(doc, "\"name\": \"test_import_error.py\"");
    assert_non_null(bad);
    assert_non_null(strstr(bad, "\"verdict\": \"error\""));
    free(doc);

    status = ftstress(&out, "test -n 1 %s/test_fail.py %s/test_pass.py --baseline %s", PYTESTS,
                      PYTESTS, baseline);
    cli_show(out);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "known findings, 0 new"));
    free(out);
    free(json);
    free(baseline);
}

static void test_no_test_files_is_a_usage_error(void **state) {
    char *out;
    char *empty = util_asprintf("%s/empty", scratch);
    assert_true(util_mkdirs(empty));
    assert_int_equal(ftstress(&out, "test %s", empty), 2);
    assert_non_null(strstr(out, "no test files (test_*.py, *_test.py) found"));
    free(out);
    assert_int_equal(ftstress(&out, "test %s/no_such_dir", scratch), 2);
    assert_non_null(strstr(out, "no_such_dir: no such file or directory"));
    free(out);
    free(empty);
}

/* CPython's own free-threading tests, unchanged, from the runtime's source
 * tree: package modules of `test`, importing test.support. The whole package
 * takes 3-7 minutes with 2 threads on 2 cores under TSan (test_dict,
 * test_func_annotations, test_list and test_type alone take most of it), so
 * this runs the other eight files. */
static void test_cpython_free_threading_suite_runs_unchanged(void **state) {
    char *tree = cli_runtimeInfo("source_tree");
    char *out;
    int status = ftstress(&out,
                          "test -t 2 -n 1 --timeout 300 -k 'not test_dict.py and not "
                          "test_func_annotations and not test_list.py and not test_type.py' "
                          "%s/Lib/test/test_free_threading",
                          tree);
    cli_show(out);
    /* A race CPython itself has is a finding (1), not a failure of the tool. */
    assert_true(status == 0 || status == 1);
    assert_non_null(strstr(out, "test_free_threading/test_bisect.py "));
    assert_non_null(strstr(out, " tests ===="));
    assert_row(out, "test_free_threading/test_bisect.py::TestPyBisect::test_racing_insert_left",
               "passed", "2 x 1");
    assert_row(out, "test_free_threading/test_code.py::TestCode::test_code_attrs", "passed",
               "2 x 1");
    assert_row(out, "test_free_threading/test_set.py::TestSet::test_repr_clear", "passed", "2 x 1");
    /* Mixins of test methods are not tests of their own. */
    assert_null(strstr(out, "test_bisect.py::TestBase::"));
    assert_null(strstr(out, " ERRORS "));
    assert_summary_last(out, "");
    free(out);
    free(tree);
}

static int setup(void **state) {
    return mkdtemp(scratch) == NULL ? -1 : 0;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf %s", scratch);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_files_get_their_verdicts),
        cmocka_unit_test(test_keyword_expressions_select_tests),
        cmocka_unit_test(test_exitfirst_stops_at_the_first_failure),
        cmocka_unit_test(test_crash_and_hang_go_to_their_tests_and_the_file_goes_on),
        cmocka_unit_test(test_json_report_and_baseline_cover_every_test),
        cmocka_unit_test(test_no_test_files_is_a_usage_error),
        cmocka_unit_test(test_cpython_free_threading_suite_runs_unchanged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
