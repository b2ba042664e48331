/* Unit tests of src/test/testrun_results.c and src/test/testrun_tests.c: reading the
 * test harness's results files, merging the processes of one file, giving
 * TSan reports to tests, and judging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testrun_results.h"
#include "testrun_tests.h"

#define RESULTS TEST_DATA_DIR "/pytests/results"

static struct testrun_record *find(struct testrun_results *r, const char *name) {
    for (size_t i = 0; i < r->ntests; i++) {
        if (strcmp(r->tests[i].name, name) == 0) {
            return &r->tests[i];
        }
    }
    fail_msg("no test %s", name);
    return NULL;
}

static struct testrun_test *test_of(struct testrun_file *f, const char *name) {
    for (size_t i = 0; i < f->ntests; i++) {
        if (strcmp(f->tests[i].run.name, name) == 0) {
            return &f->tests[i];
        }
    }
    fail_msg("no test %s", name);
    return NULL;
}

static void test_results_of_a_finished_file(void **state) {
    struct testrun_results r;
    assert_true(testrun_resultsLoad(RESULTS "/complete.txt", &r));
    assert_true(r.format_ok);
    assert_true(r.done);
    assert_false(r.stopped);
    assert_int_equal(r.pid, 4242);
    assert_string_equal(r.module, "test_sample");
    assert_string_equal(r.module_path, "/src/test_sample.py");
    assert_int_equal(r.ntests, 3);
    assert_int_equal(r.deselected, 1);
    assert_string_equal(r.tests[0].name, "test_ok");
    assert_string_equal(r.tests[1].name, "Case::test_flaky");

    struct testrun_record *ok = find(&r, "test_ok");
    assert_true(ok->started && ok->ended);
    assert_string_equal(ok->outcome, "passed");
    assert_int_equal(ok->threads, 2);
    assert_int_equal(ok->iterations, 3);
    assert_int_equal(ok->iterations_run, 3);
    assert_true(ok->seconds > 0.12 && ok->seconds < 0.13);
    assert_null(ok->reason);

    struct testrun_record *flaky = find(&r, "Case::test_flaky");
    assert_int_equal(flaky->failed_iterations, 1);
    assert_int_equal(flaky->seq_start, 0);
    assert_int_equal(flaky->seq_end, 2);
    assert_int_equal(flaky->nfailures, 1);
    assert_int_equal(flaky->failures[0].iteration, 2);
    assert_string_equal(flaky->failures[0].who, "thread 1 of 2 (native id 7)");
    assert_non_null(strstr(flaky->failures[0].text, "line 9, in test_flaky\n    assert x\n"));
    /* Escapes undone: a tab, a backslash. */
    assert_non_null(
        strstr(flaky->failures[0].text, "AssertionError: tab\there, backslash \\ kept"));

    assert_string_equal(find(&r, "test_skip")->reason, "not on Tuesdays");
    assert_null(testrun_resultsRunning(&r));
    testrun_resultsFree(&r);
}

static void test_a_cut_off_file_names_the_running_test(void **state) {
    struct testrun_results r;
    assert_true(testrun_resultsLoad(RESULTS "/crashed.txt", &r));
    assert_false(r.done);
    struct testrun_record *running = testrun_resultsRunning(&r);
    assert_non_null(running);
    assert_string_equal(running->name, "test_segfault");
    assert_int_equal(running->seq_start, 1);
    /* The last line has no newline: it was cut off, and is not taken. */
    assert_int_equal(running->nfailures, 0);
    assert_true(testrun_resultsHasRemaining(&r));
    testrun_resultsFree(&r);
}

static void test_an_import_error_is_the_files(void **state) {
    struct testrun_results r;
    assert_true(testrun_resultsLoad(RESULTS "/import_error.txt", &r));
    assert_true(r.done);
    assert_int_equal(r.ntests, 0);
    assert_non_null(r.import_error);
    assert_non_null(strstr(r.import_error, "does not import: ModuleNotFoundError"));
    assert_non_null(strstr(r.import_error, "\n  File \"/src/test_bad.py\", line 1"));

    struct testrun_file f;
    testrun_fileInit(&f, "/src/test_bad.py", "test_bad.py");
    testrun_fileAddResults(&f, &r);
    testrun_judgeFile(&f);
    assert_int_equal(f.entry.verdict, TESTRUN_ERROR);
    assert_true(testrun_isFailure(f.entry.verdict));
    testrun_resultsFree(&r);
    testrun_fileFree(&f);
}

static void test_unescape_handles_every_escape(void **state) {
    char s[] = "a\\tb\\nc\\rd\\\\e\\qf\\";
    assert_string_equal(testrun_unescape(s), "a\tb\nc\rd\\eqf\\");
}

static void test_verdicts_from_outcomes(void **state) {
    struct testrun_results r;
    assert_true(testrun_resultsLoad(RESULTS "/complete.txt", &r));
    struct testrun_file f;
    testrun_fileInit(&f, "/src/test_sample.py", "test_sample.py");
    testrun_fileAddResults(&f, &r);
    testrun_resultsFree(&r);
    testrun_judgeFile(&f);
    assert_int_equal(test_of(&f, "test_ok")->verdict, TESTRUN_PASSED);
    /* Failed in 1 of 3 iterations: flaky. */
    assert_int_equal(test_of(&f, "Case::test_flaky")->verdict, TESTRUN_FLAKY);
    assert_int_equal(test_of(&f, "test_skip")->verdict, TESTRUN_SKIPPED);
    assert_int_equal(f.entry.verdict, TESTRUN_PASSED);
    assert_string_equal(test_of(&f, "Case::test_flaky")->id, "test_sample.py::Case::test_flaky");

    /* Failing in every iteration is failed; a crash outranks everything. */
    struct testrun_test *flaky = test_of(&f, "Case::test_flaky");
    flaky->run.failed_iterations = 3;
    testrun_judge(flaky);
    assert_int_equal(flaky->verdict, TESTRUN_FAILED);
    flaky->crashed = true;
    testrun_judge(flaky);
    assert_int_equal(flaky->verdict, TESTRUN_CRASH);
    testrun_fileFree(&f);
}

static void test_reports_go_to_the_test_that_ran_when_they_were_made(void **state) {
    struct testrun_results r;
    assert_true(testrun_resultsLoad(RESULTS "/complete.txt", &r));
    struct testrun_file f;
    testrun_fileInit(&f, "/src/test_sample.py", "test_sample.py");
    testrun_fileAddResults(&f, &r);
    testrun_resultsFree(&r);
    /* Reports 1 and 2 of process 4242 were made during Case::test_flaky. */
    assert_ptr_equal(testrun_attribute(&f, 4242, 1, NULL), test_of(&f, "Case::test_flaky"));
    assert_ptr_equal(testrun_attribute(&f, 4242, 2, NULL), test_of(&f, "Case::test_flaky"));
    /* Report 3 came after every test (at exit): the file's own. */
    assert_null(testrun_attribute(&f, 4242, 3, NULL));
    /* Another process (a subprocess): its Python stack decides. */
    const char *stack = "  File \"/usr/lib/helper.py\", line 3 in work\n"
                        "  File \"/src/test_sample.py\", line 5 in test_ok\n";
    assert_ptr_equal(testrun_attribute(&f, 777, 1, stack), test_of(&f, "test_ok"));
    assert_null(testrun_attribute(&f, 777, 1, "  File \"/src/other.py\", line 5 in test_ok\n"));
    assert_null(testrun_attribute(&f, 777, 1, NULL));
    testrun_fileFree(&f);
}

static void test_a_restarted_file_keeps_every_processes_tests(void **state) {
    struct testrun_file f;
    testrun_fileInit(&f, "/src/test_crash.py", "test_crash.py");
    struct testrun_results first;
    assert_true(testrun_resultsLoad(RESULTS "/crashed.txt", &first));
    testrun_fileAddResults(&f, &first);
    testrun_resultsFree(&first);
    /* A report after test_segfault started, in the process that died, is its. */
    assert_ptr_equal(testrun_attribute(&f, 5151, 2, NULL), test_of(&f, "test_segfault"));
    assert_ptr_equal(testrun_attribute(&f, 5151, 1, NULL), test_of(&f, "test_before"));
    test_of(&f, "test_segfault")->crashed = true;

    /* The next process goes on after test_segfault: collects test_after only. */
    char text[] =
        "ftstress-testresults 1\npid\t6161\ncollect\ttest_after\n"
        "start\ttest_after\t2\t3\t0\nend\ttest_after\tpassed\t3\t0\t0\t0.1\t0\t\ndone\t0\n";
    struct testrun_results second;
    testrun_resultsParse(text, &second);
    testrun_fileAddResults(&f, &second);
    testrun_resultsFree(&second);
    testrun_judgeFile(&f);
    assert_int_equal(f.ntests, 3);
    assert_int_equal(f.processes, 2);
    assert_int_equal(test_of(&f, "test_before")->verdict, TESTRUN_PASSED);
    assert_int_equal(test_of(&f, "test_segfault")->verdict, TESTRUN_CRASH);
    assert_int_equal(test_of(&f, "test_after")->verdict, TESTRUN_PASSED);
    assert_int_equal(test_of(&f, "test_after")->pid, 6161);

    struct testrun_counts c = {0};
    testrun_count(&f, 2, &c);
    assert_int_equal(c.verdicts[TESTRUN_PASSED], 2);
    assert_int_equal(c.verdicts[TESTRUN_CRASH], 1);
    testrun_fileFree(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_of_a_finished_file),
        cmocka_unit_test(test_a_cut_off_file_names_the_running_test),
        cmocka_unit_test(test_an_import_error_is_the_files),
        cmocka_unit_test(test_unescape_handles_every_escape),
        cmocka_unit_test(test_verdicts_from_outcomes),
        cmocka_unit_test(test_reports_go_to_the_test_that_ran_when_they_were_made),
        cmocka_unit_test(test_a_restarted_file_keeps_every_processes_tests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
