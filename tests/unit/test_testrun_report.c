/* Unit tests of src/test/testrun_report.c, src/test/testrun_junit.c and
 * src/test/testrun_outputs.c: the summary line CI reads, the progress letters, the
 * table, the not-in-parallel list, the JUnit XML of a test run, and its tests
 * as entries of the run report (--json, --sarif, --baseline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"
#include "testrun_junit.h"
#include "testrun_outputs.h"
#include "testrun_report.h"
#include "testrun_tests.h"
#include "util.h"

static char *capture(void (*print)(FILE *, const struct testrun_file *, size_t),
                     const struct testrun_file *files, size_t n) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    print(out, files, n);
    fclose(out);
    return buf;
}

static void test_summary_has_passed_and_failed_always_and_the_rest_when_not_zero(void **state) {
    struct testrun_counts c = {0};
    char *line = testrun_summaryLine(&c, 0.04);
    assert_string_equal(line, "0 passed, 0 failed in 0.0s");
    free(line);

    c.verdicts[TESTRUN_PASSED] = 12;
    c.verdicts[TESTRUN_FAILED] = 1;
    c.verdicts[TESTRUN_RACE] = 2;
    c.verdicts[TESTRUN_SKIPPED] = 1;
    line = testrun_summaryLine(&c, 34.23);
    assert_string_equal(line, "12 passed, 1 failed, 2 races, 1 skipped in 34.2s");
    free(line);

    memset(&c, 0, sizeof(c));
    c.verdicts[TESTRUN_PASSED] = 1;
    c.verdicts[TESTRUN_FLAKY] = 3;
    c.verdicts[TESTRUN_CRASH] = 1;
    c.verdicts[TESTRUN_HANG] = 2;
    c.verdicts[TESTRUN_ERROR] = 1;
    c.deselected = 7;
    line = testrun_summaryLine(&c, 2);
    assert_string_equal(
        line, "1 passed, 0 failed, 3 flaky, 1 crash, 2 hangs, 1 error, 7 deselected in 2.0s");
    free(line);
}

static void test_summary_is_the_last_line_after_the_serial_note(void **state) {
    struct testrun_counts c = {0};
    c.verdicts[TESTRUN_PASSED] = 3;
    c.serial = 2;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    testrun_reportSummary(out, &c, 1.5);
    fclose(out);
    assert_non_null(strstr(buf, "note: 2 tests ran in one thread only, not in parallel"));
    const char *last = strstr(buf, "3 passed, 0 failed in 1.5s\n");
    assert_non_null(last);
    assert_string_equal(last, "3 passed, 0 failed in 1.5s\n");
    free(buf);
}

/* A file of four tests: passed, failed (with a traceback), race (with a
 * finding), and passed in one thread. */
static void make_file(struct testrun_file *f) {
    char text[] =
        "ftstress-testresults 1\npid\t10\nmodule\ttest_x\t/src/test_x.py\n"
        "collect\ttest_ok\ncollect\tCase::test_bad\ncollect\ttest_racy\ncollect\ttest_mock\n"
        "start\ttest_ok\t2\t3\t0\nend\ttest_ok\tpassed\t3\t0\t0\t0.25\t0\t\n"
        "start\tCase::test_bad\t2\t3\t0\n"
        "failure\tCase::test_bad\t1\tthread 2 of 2 (native id 99)\tTraceback (most recent call "
        "last):\\n"
        "  File \"/src/test_x.py\", line 7, in test_bad\\n    assert 1 == 2\\nAssertionError: <&>\n"
        "end\tCase::test_bad\tfailed\t3\t3\t3\t0.5\t0\t\n"
        "start\ttest_racy\t2\t3\t0\nend\ttest_racy\tpassed\t3\t0\t0\t1.0\t1\t\n"
        "start\ttest_mock\t1\t3\t1\nserial\ttest_mock\tuses unittest.mock.patch (patches are "
        "process-wide)\n"
        "end\ttest_mock\tpassed\t3\t0\t0\t0.1\t1\t\ndone\t1\n";
    struct testrun_results r;
    testrun_resultsParse(text, &r);
    testrun_fileInit(f, "/src/test_x.py", "tests/test_x.py");
    testrun_fileAddResults(f, &r);
    testrun_resultsFree(&r);
    struct finding fd = {0};
    fd.signature = strdup("data-race:racy.c:bump,racy.c:bump");
    fd.kind = strdup("data-race");
    fd.title = strdup("data race in bump");
    fd.detail = strdup("WARNING: data race");
    struct testrun_test *racy = testrun_attribute(f, 10, 1, NULL);
    assert_non_null(racy);
    assert_string_equal(racy->run.name, "test_racy");
    fd.scenario = strdup(racy->id);
    finding_add(&racy->findings, &fd, 1);
    testrun_judgeFile(f);
}

static void print_progress(FILE *out, const struct testrun_file *files, size_t n) {
    testrun_reportFileStart(out, &files[0]);
    testrun_reportFileDone(out, &files[0]);
}

static void test_progress_line_has_a_letter_per_test(void **state) {
    struct testrun_file f;
    make_file(&f);
    f.seconds = 3.21;
    char *out = capture(print_progress, &f, 1);
    assert_string_equal(out, "tests/test_x.py .FR.  [3.2s]\n");
    free(out);
    testrun_fileFree(&f);
}

static void test_table_and_details_name_verdicts_threads_and_reasons(void **state) {
    struct testrun_file f;
    make_file(&f);
    char *table = capture(testrun_reportTable, &f, 1);
    assert_non_null(strstr(table, "threads x iter"));
    assert_non_null(
        strstr(table, "tests/test_x.py::test_ok         passed            2 x 3     0.25s\n"));
    assert_non_null(
        strstr(table, "tests/test_x.py::Case::test_bad  failed            2 x 3     0.50s\n"));
    assert_non_null(
        strstr(table, "tests/test_x.py::test_racy       race              2 x 3     1.00s\n"));
    assert_non_null(strstr(
        table,
        "tests/test_x.py::test_mock       passed            1 x 3     0.10s  not in parallel\n"));
    free(table);

    char *details = capture(testrun_reportDetails, &f, 1);
    assert_non_null(strstr(details, " FAILURES "));
    assert_non_null(
        strstr(details, "failed: failed in 3 of 3 iterations (2 threads x 3 iterations"));
    assert_non_null(strstr(details, "  iteration 1, thread 2 of 2 (native id 99):\n    Traceback"));
    assert_non_null(strstr(details, "race: 1 ThreadSanitizer finding while it ran"));
    assert_non_null(strstr(details, "data race in bump"));
    assert_null(strstr(details, "test_ok"));
    free(details);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    testrun_reportSerial(out, &f, 1, 2);
    fclose(out);
    assert_non_null(strstr(buf, " not run in parallel "));
    assert_non_null(strstr(
        buf, "tests/test_x.py::test_mock: uses unittest.mock.patch (patches are process-wide)\n"));
    free(buf);

    struct testrun_counts c = {0};
    testrun_count(&f, 2, &c);
    assert_int_equal(c.verdicts[TESTRUN_PASSED], 2);
    assert_int_equal(c.verdicts[TESTRUN_FAILED], 1);
    assert_int_equal(c.verdicts[TESTRUN_RACE], 1);
    assert_int_equal(c.serial, 1);
    testrun_fileFree(&f);
}

static void test_junit_has_a_testcase_per_test_with_failures_escaped(void **state) {
    struct testrun_file f;
    make_file(&f);
    size_t len;
    char *xml = testrun_junitRender(&f, 1, 4.5, &len);
    assert_int_equal(strlen(xml), len);
    assert_non_null(strstr(xml, "<testsuites name=\"ftstress test\" tests=\"4\" failures=\"2\" "
                                "errors=\"0\" skipped=\"0\""));
    /* A passing test is a bare testcase, as in every ftstress JUnit report (junit.h). */
    assert_non_null(strstr(xml, "<testcase classname=\"tests.test_x\" name=\"test_ok\" "
                                "file=\"tests/test_x.py\" time=\"0.250\"/>"));
    assert_non_null(strstr(xml, "<testcase classname=\"tests.test_x.Case\" name=\"test_bad\""));
    assert_non_null(strstr(xml, "<failure message=\"failed in 3 of 3 iterations: AssertionError: "
                                "&lt;&amp;&gt;\" type=\"ftstress.failed\">"));
    assert_non_null(strstr(xml, "type=\"ftstress.race\">"));
    assert_non_null(strstr(xml, "data race in bump"));
    assert_non_null(strstr(xml, "<system-out>not run in parallel: uses unittest.mock.patch"));
    free(xml);

    char path[] = "/tmp/ftstress-junit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(testrun_junitWrite(path, &f, 1, 4.5));
    char *written = util_readFile(path, NULL);
    assert_non_null(strstr(written, "</testsuites>\n"));
    free(written);
    remove(path);
    testrun_fileFree(&f);
}

static const struct outcome *outcome_named(const struct scenario_verdict *v, const char *result) {
    for (size_t i = 0; i < v->merged.noutcomes; i++) {
        if (strcmp(v->merged.outcomes[i].result, result) == 0) {
            return &v->merged.outcomes[i];
        }
    }
    return NULL;
}

static void test_each_test_is_a_report_entry_and_a_failure_its_finding(void **state) {
    struct testrun_file f;
    make_file(&f);
    struct scenario_verdict **v = NULL;
    size_t n = 0;
    testrun_outputsAdd(&f, "-t 2 -n 3 --seed 1 --noise low", &v, &n);
    assert_int_equal(n, 4); /* the file itself passed: no entry of its own */

    assert_int_equal(v[0]->kind, VERDICT_TEST);
    assert_string_equal(v[0]->name, "tests/test_x.py::test_ok");
    assert_string_equal(v[0]->path, "tests/test_x.py");
    assert_string_equal(output_verdictName(v[0]), "pass");
    assert_int_equal(outcome_named(v[0], "passed")->samples, 3);
    assert_int_equal(v[0]->findings.count, 0);

    /* failed in all 3 iterations: the forbidden outcome and its finding,
     * titled by the exception, detailed by the first traceback */
    assert_string_equal(output_verdictName(v[1]), "fail");
    const struct outcome *failed = outcome_named(v[1], "failed");
    assert_int_equal(failed->samples, 3);
    assert_int_equal(failed->cls, OUTCOME_FORBIDDEN);
    assert_null(outcome_named(v[1], "passed"));
    assert_int_equal(v[1]->findings.count, 1);
    const struct finding *fd = &v[1]->findings.items[0];
    assert_string_equal(fd->signature, "outcome:tests/test_x.py::Case::test_bad:failed");
    assert_string_equal(fd->title,
                        "test tests/test_x.py::Case::test_bad failed: AssertionError: <&>");
    assert_true(strncmp(fd->detail, "iteration 1, thread 2 of 2 (native id 99):\nTraceback", 52) ==
                0);
    /* and how to run it again */
    assert_non_null(strstr(fd->detail, "\n\nrerun: ftstress test '/src/test_x.py' -k "
                                       "'Case::test_bad' -t 2 -n 3 --seed 1 --noise low"));

    /* the race's finding, counted as a ThreadSanitizer report */
    assert_string_equal(output_verdictName(v[2]), "fail");
    const struct finding *race = finding_find(&v[2]->findings, "data-race:racy.c:bump,racy.c:bump");
    assert_non_null(race);
    assert_non_null(strstr(race->detail, "rerun: ftstress test '/src/test_x.py' -k 'test_racy' "));
    assert_int_equal(v[2]->tsan_reports, 1);

    /* run in one thread: the description says why */
    assert_string_equal(output_verdictName(v[3]), "pass");
    assert_non_null(strstr(v[3]->merged.description, "in one thread (uses unittest.mock.patch"));

    for (size_t i = 0; i < n; i++) {
        verdict_free(v[i]);
        free(v[i]);
    }
    free(v);
    testrun_fileFree(&f);
}

static void test_a_file_that_did_not_import_is_an_error_entry(void **state) {
    char text[] = "ftstress-testresults 1\npid\t11\nerror\timport\tModuleNotFoundError: no x\n"
                  "done\t1\n";
    struct testrun_results r;
    testrun_resultsParse(text, &r);
    struct testrun_file f;
    testrun_fileInit(&f, "/src/test_y.py", "tests/test_y.py");
    testrun_fileAddResults(&f, &r);
    testrun_resultsFree(&r);
    testrun_judgeFile(&f);
    struct scenario_verdict **v = NULL;
    size_t n = 0;
    testrun_outputsAdd(&f, "-t 2 -n 3 --seed 1 --noise low", &v, &n);
    assert_int_equal(n, 1);
    assert_string_equal(v[0]->name, "tests/test_y.py");
    assert_string_equal(output_verdictName(v[0]), "error");
    assert_non_null(strstr(v[0]->error, "ModuleNotFoundError: no x"));
    verdict_free(v[0]);
    free(v[0]);
    free(v);
    testrun_fileFree(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_has_passed_and_failed_always_and_the_rest_when_not_zero),
        cmocka_unit_test(test_summary_is_the_last_line_after_the_serial_note),
        cmocka_unit_test(test_progress_line_has_a_letter_per_test),
        cmocka_unit_test(test_table_and_details_name_verdicts_threads_and_reasons),
        cmocka_unit_test(test_junit_has_a_testcase_per_test_with_failures_escaped),
        cmocka_unit_test(test_each_test_is_a_report_entry_and_a_failure_its_finding),
        cmocka_unit_test(test_a_file_that_did_not_import_is_an_error_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
