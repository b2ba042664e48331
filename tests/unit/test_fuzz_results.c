/* Unit tests of src/fuzz/fuzz_results.c: the fuzz harness's results file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_results.h"

#define DATA TEST_DATA_DIR "/fuzz/"

static void test_finished_run_has_counts_events_and_plans(void **state) {
    struct fuzz_results r;
    assert_true(fuzz_resultsLoad(DATA "results_final", &r));
    assert_true(r.final);
    assert_null(r.error);
    assert_string_equal(r.target, "bytesio");
    assert_string_equal(r.mode, "file");
    assert_int_equal(r.nops, 3);
    assert_string_equal(r.ops[2], "see\\k"); /* escapes undone */
    assert_int_equal(r.threads, 2);
    assert_int_equal(r.ops_per_thread, 16);
    assert_int_equal(r.linearizable, 1);
    assert_int_equal(r.iterations, 3);
    assert_int_equal(r.ops_done, 96);
    assert_true(r.seconds > 1.49 && r.seconds < 1.51);
    assert_int_equal(r.lin_checked, 3);
    assert_int_equal(r.lin_undecided, 1);
    assert_string_equal(r.last_iter, "2");
    assert_int_equal(r.nevents, 3);
    assert_int_equal(r.events[0].type, FUZZ_EVENT_TSAN);
    assert_string_equal(r.events[0].label, "1");
    assert_int_equal(r.events[0].off_begin, 0);
    assert_int_equal(r.events[0].off_end, 5120);
    assert_int_equal(r.events[1].type, FUZZ_EVENT_FINDING);
    assert_string_equal(r.events[1].kind, "exception");
    assert_int_equal(r.events[1].tid, 0);
    assert_int_equal(r.events[1].opk, 1);
    assert_string_equal(r.events[1].op, "read");
    assert_string_equal(r.events[1].message, "SystemError: bad\targument");
    assert_string_equal(r.events[1].detail, "Traceback:\n  File \"x\", line 1\nSystemError: bad");
    assert_int_equal(r.events[2].type, FUZZ_EVENT_OUTCOME);
    assert_string_equal(r.events[2].op, "write");
    assert_string_equal(r.events[2].message, "ValueError");
    struct fuzz_plan p;
    assert_true(fuzz_resultsPlan(&r, "1", &p));
    assert_int_equal(p.nthreads, 2);
    assert_int_equal(fuzz_planOps(&p), 3);
    fuzz_planFree(&p);
    assert_false(fuzz_resultsPlan(&r, "0", &p));
    fuzz_resultsFree(&r);
}

static void test_crashed_run_keeps_what_it_wrote(void **state) {
    struct fuzz_results r;
    assert_true(fuzz_resultsLoad(DATA "results_crashed", &r));
    assert_false(r.final);
    assert_string_equal(r.last_iter, "2");
    assert_int_equal(r.iterations, 2);
    fuzz_resultsFree(&r);
}

static void test_cut_off_last_line_is_ignored(void **state) {
    struct fuzz_results r;
    const char *text = "ftstress-fuzz 1\niter\t4\nprogress\t5\t80\t1.0\t0\t0\nite";
    assert_true(fuzz_resultsParse(text, strlen(text), &r));
    assert_string_equal(r.last_iter, "4");
    assert_int_equal(r.iterations, 5);
    fuzz_resultsFree(&r);
}

static void test_target_error_is_kept_whole(void **state) {
    struct fuzz_results r;
    assert_true(fuzz_resultsLoad(DATA "results_error", &r));
    assert_string_equal(r.error,
                        "/x/bad.py:3: does not import: NameError: name 'nope' is not defined");
    fuzz_resultsFree(&r);
}

static void test_harness_error_is_told_from_a_target_error_with_its_traceback(void **state) {
    struct fuzz_results r;
    assert_true(fuzz_resultsLoad(DATA "results_harness_error", &r));
    assert_null(r.error);
    assert_non_null(r.harness_error);
    assert_non_null(strstr(r.harness_error, "could not build the shared object"));
    assert_non_null(r.harness_detail);
    assert_non_null(strstr(r.harness_detail, "Traceback (most recent call last):\n  File"));
    assert_false(r.final);
    assert_int_equal(r.nskipped, 2);
    assert_string_equal(r.skipped[0].name, "connect");
    assert_string_equal(r.skipped[1].reason, "acts on the process or outside it");
    /* the last line, for a crash that names no frame */
    assert_non_null(r.last_line);
    assert_int_equal(strncmp(r.last_line, "error\tharness\t", 14), 0);
    fuzz_resultsFree(&r);
}

static void test_pool_mode_op_pair_coverage_is_read(void **state) {
    struct fuzz_results r;
    const char *text = "ftstress-fuzz 1\npairs\t40\t120\npairhit\tpop\tx.pickle.dumps\t12\t3\n"
                       "pairtop\tlen\tpop\t30\nend\tfinal\n";
    assert_true(fuzz_resultsParse(text, strlen(text), &r));
    assert_int_equal(r.pairs_seen, 40);
    assert_int_equal(r.pairs_possible, 120);
    assert_int_equal(r.npair_hits, 1);
    assert_string_equal(r.pair_hits[0].b, "x.pickle.dumps");
    assert_int_equal(r.pair_hits[0].ran, 12);
    assert_int_equal(r.pair_hits[0].hits, 3);
    assert_int_equal(r.npair_top, 1);
    assert_string_equal(r.pair_top[0].a, "len");
    assert_int_equal(r.pair_top[0].ran, 30);
    fuzz_resultsFree(&r);
}

static void test_module_listing_gives_entries(void **state) {
    struct fuzz_results r;
    assert_true(fuzz_resultsLoad(DATA "results_list", &r));
    assert_int_equal(r.nentries, 2);
    assert_string_equal(r.entries[1].name, "namedtuple");
    assert_string_equal(r.entries[1].kind, "function");
    fuzz_resultsFree(&r);
}

static void test_other_files_are_not_results(void **state) {
    struct fuzz_results r;
    const char *text = "ftstress-results 1\nscenario\tx\n";
    assert_false(fuzz_resultsParse(text, strlen(text), &r));
    fuzz_resultsFree(&r);
    assert_false(fuzz_resultsLoad(DATA "does-not-exist", &r));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finished_run_has_counts_events_and_plans),
        cmocka_unit_test(test_crashed_run_keeps_what_it_wrote),
        cmocka_unit_test(test_cut_off_last_line_is_ignored),
        cmocka_unit_test(test_target_error_is_kept_whole),
        cmocka_unit_test(test_harness_error_is_told_from_a_target_error_with_its_traceback),
        cmocka_unit_test(test_pool_mode_op_pair_coverage_is_read),
        cmocka_unit_test(test_module_listing_gives_entries),
        cmocka_unit_test(test_other_files_are_not_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
