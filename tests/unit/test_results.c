/* Unit tests of src/report/results.c: reading harness results files and merging runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"

static const struct outcome *find(const struct results *r, const char *result) {
    for (size_t i = 0; i < r->noutcomes; i++) {
        if (strcmp(r->outcomes[i].result, result) == 0) {
            return &r->outcomes[i];
        }
    }
    return NULL;
}

static void test_results_takes_the_last_complete_snapshot(void **state) {
    struct results r;
    assert_true(results_load(TEST_DATA_DIR "/results/counter_final.txt", &r));
    assert_string_equal(r.scenario, "counter_global");
    assert_int_equal(r.threads, 2);
    assert_int_equal(r.seed, 77);
    assert_int_equal(r.done, 100);
    assert_true(r.final);
    assert_int_equal(find(&r, "lost updates")->samples, 70);
    assert_int_equal(find(&r, "all kept")->samples, 28);
    assert_true(r.has_counts);
    assert_int_equal(r.expected, 400000);
    assert_int_equal(r.observed, 210000);
    assert_int_equal(r.lossy_states, 70);
    results_free(&r);
}

static void test_results_classes_come_from_declarations_and_undeclared_is_unexpected(void **state) {
    struct results r;
    assert_true(results_load(TEST_DATA_DIR "/results/counter_final.txt", &r));
    assert_int_equal(find(&r, "all kept")->cls, OUTCOME_EXPECTED);
    assert_int_equal(find(&r, "lost updates")->cls, OUTCOME_INTERESTING);
    assert_string_equal(find(&r, "lost updates")->description, "increments lost");
    assert_int_equal(find(&r, "weird")->cls, OUTCOME_UNEXPECTED);
    assert_int_equal(results_failingSamples(&r), 72);
    assert_string_equal(results_worstOutcome(&r)->result, "weird");
    results_free(&r);
}

static void test_results_cut_mid_snapshot_keeps_the_previous_one(void **state) {
    struct results r;
    assert_true(results_load(TEST_DATA_DIR "/results/cut_mid_snapshot.txt", &r));
    assert_false(r.final);
    assert_int_equal(r.done, 40);
    assert_int_equal(find(&r, "all kept")->samples, 40);
    /* Declared but unseen outcomes are listed with 0 samples. */
    assert_int_equal(find(&r, "lost updates")->samples, 0);
    assert_int_equal(results_failingSamples(&r), 0);
    assert_null(results_worstOutcome(&r));
    results_free(&r);
}

static void test_results_scenario_error_is_kept_with_its_location(void **state) {
    struct results r;
    assert_true(results_load(TEST_DATA_DIR "/results/scenario_error.txt", &r));
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "/x/bad.py:3:"));
    results_free(&r);
}

static void test_results_merge_adds_histograms_and_counts(void **state) {
    struct results a, b, sum = {0};
    assert_true(results_load(TEST_DATA_DIR "/results/counter_final.txt", &a));
    assert_true(results_load(TEST_DATA_DIR "/results/cut_mid_snapshot.txt", &b));
    results_merge(&sum, &a);
    results_merge(&sum, &b);
    assert_int_equal(sum.done, 140);
    assert_int_equal(find(&sum, "all kept")->samples, 68);
    assert_int_equal(find(&sum, "lost updates")->samples, 70);
    assert_int_equal(sum.expected, 560000);
    assert_int_equal(sum.observed, 370000);
    assert_true(sum.has_first_failure);
    results_free(&a);
    results_free(&b);
    results_free(&sum);
}

/* Found by the fuzzer: LONG_MAX samples merged twice overflowed a long. */
static void test_results_counts_are_clamped_and_sums_saturate(void **state) {
    const long long max = 1LL << 53;
    struct results r, sum = {0};
    assert_true(results_load(TEST_DATA_DIR "/results/huge_counts.txt", &r));
    assert_int_equal(r.threads, 1 << 20);
    assert_int_equal(r.iterations, 0);
    assert_int_equal(r.done, max);
    assert_int_equal(find(&r, "lost updates")->samples, max);
    assert_int_equal(find(&r, "all kept")->samples, 0);
    assert_int_equal(r.expected, max);
    assert_int_equal(r.observed, 0);
    assert_int_equal(r.lossy_states, max);
    for (int i = 0; i < 3; i++) {
        results_merge(&sum, &r);
    }
    assert_int_equal(sum.done, max);
    assert_int_equal(find(&sum, "lost updates")->samples, max);
    assert_int_equal(sum.expected, max);
    assert_int_equal(results_failingSamples(&sum), max);
    results_free(&r);
    results_free(&sum);
}

static void test_results_missing_file_is_reported(void **state) {
    struct results r;
    assert_false(results_load("/nonexistent/results", &r));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_takes_the_last_complete_snapshot),
        cmocka_unit_test(test_results_classes_come_from_declarations_and_undeclared_is_unexpected),
        cmocka_unit_test(test_results_cut_mid_snapshot_keeps_the_previous_one),
        cmocka_unit_test(test_results_scenario_error_is_kept_with_its_location),
        cmocka_unit_test(test_results_merge_adds_histograms_and_counts),
        cmocka_unit_test(test_results_counts_are_clamped_and_sums_saturate),
        cmocka_unit_test(test_results_missing_file_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
