/* Unit tests of src/fuzz/fuzz_plan.c: operation sequences in text and cut down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz_plan.h"
#include "util.h"

/* A plan of two threads: "a:1 b:2 c:3" and "d:4 e:5". */
static void two_threads(struct fuzz_plan *p) {
    char err[128];
    memset(p, 0, sizeof(*p));
    assert_true(fuzz_planSetThread(p, 0, "a:1 b:2 c:3", err, sizeof(err)));
    assert_true(fuzz_planSetThread(p, 1, "d:4 e:5", err, sizeof(err)));
}

static char *thread_text(const struct fuzz_plan *p, size_t t) {
    return fuzz_planFormatThread(&p->threads[t]);
}

static void test_thread_text_round_trips(void **state) {
    struct fuzz_thread t;
    char err[128];
    assert_true(fuzz_planParseThread("  write:12  get.maxlen:4294967295 list.append:0\n", &t, err,
                                     sizeof(err)));
    assert_int_equal(t.count, 3);
    assert_string_equal(t.ops[1].name, "get.maxlen");
    assert_int_equal(t.ops[1].argseed, 4294967295u);
    char *text = fuzz_planFormatThread(&t);
    assert_string_equal(text, "write:12 get.maxlen:4294967295 list.append:0");
    free(text);
    fuzz_planThreadFree(&t);
}

static void test_name_may_hold_colons_the_seed_is_after_the_last(void **state) {
    struct fuzz_thread t;
    char err[128];
    assert_true(fuzz_planParseThread("a:b:7", &t, err, sizeof(err)));
    assert_string_equal(t.ops[0].name, "a:b");
    assert_int_equal(t.ops[0].argseed, 7);
    fuzz_planThreadFree(&t);
}

static void test_bad_words_are_named(void **state) {
    struct fuzz_thread t;
    char err[128];
    const char *bad[] = {"pop", "pop:", ":5", "pop:-1", "pop:4294967296", "pop:12x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = util_asprintf("ok:1 %s", bad[i]);
        assert_false(fuzz_planParseThread(text, &t, err, sizeof(err)));
        assert_non_null(strstr(err, bad[i]));
        assert_non_null(strstr(err, "is not NAME:ARGSEED"));
        free(text);
    }
}

static void test_empty_text_is_an_empty_thread(void **state) {
    struct fuzz_thread t;
    char err[128];
    assert_true(fuzz_planParseThread("   ", &t, err, sizeof(err)));
    assert_int_equal(t.count, 0);
    fuzz_planThreadFree(&t);
}

static void test_set_thread_grows_the_plan_with_empty_threads(void **state) {
    struct fuzz_plan p = {0};
    char err[128];
    assert_true(fuzz_planSetThread(&p, 2, "x:1", err, sizeof(err)));
    assert_int_equal(p.nthreads, 3);
    assert_int_equal(fuzz_planOps(&p), 1);
    assert_int_equal(fuzz_planActiveThreads(&p), 1);
    fuzz_planFree(&p);
}

/* Found by the fuzzer: "plan 1 312345678 x:1" in a results file made the
 * plan allocate 7 GB of empty threads. */
static void test_set_thread_refuses_a_thread_beyond_the_bound(void **state) {
    struct fuzz_plan p = {0};
    char err[128];
    assert_true(fuzz_planSetThread(&p, FUZZ_PLAN_MAX_THREADS - 1, "x:1", err, sizeof(err)));
    assert_false(fuzz_planSetThread(&p, FUZZ_PLAN_MAX_THREADS, "x:1", err, sizeof(err)));
    assert_string_equal(err, "thread 256 is beyond the 256 a plan holds");
    assert_false(fuzz_planSetThread(&p, 312345678, "x:1", err, sizeof(err)));
    assert_int_equal(p.nthreads, FUZZ_PLAN_MAX_THREADS);
    fuzz_planFree(&p);
}

static void test_without_a_range_of_flat_indices_drops_emptied_threads(void **state) {
    struct fuzz_plan p, q;
    two_threads(&p);
    fuzz_planWithout(&p, 1, 3, &q); /* drops b, c */
    assert_int_equal(q.nthreads, 2);
    char *t0 = thread_text(&q, 0), *t1 = thread_text(&q, 1);
    assert_string_equal(t0, "a:1");
    assert_string_equal(t1, "d:4 e:5");
    free(t0);
    free(t1);
    fuzz_planFree(&q);
    fuzz_planWithout(&p, 0, 3, &q); /* all of thread 0 */
    assert_int_equal(q.nthreads, 1);
    t0 = thread_text(&q, 0);
    assert_string_equal(t0, "d:4 e:5");
    free(t0);
    fuzz_planFree(&q);
    fuzz_planFree(&p);
}

static void test_without_thread_removes_exactly_that_thread(void **state) {
    struct fuzz_plan p, q;
    two_threads(&p);
    fuzz_planWithoutThread(&p, 1, &q);
    assert_int_equal(q.nthreads, 1);
    assert_int_equal(fuzz_planOps(&q), 3);
    fuzz_planFree(&q);
    fuzz_planFree(&p);
}

static void test_copy_is_deep_and_equal(void **state) {
    struct fuzz_plan p, q;
    two_threads(&p);
    fuzz_planCopy(&q, &p);
    assert_true(fuzz_planEqual(&p, &q));
    q.threads[0].ops[0].argseed = 99;
    assert_false(fuzz_planEqual(&p, &q));
    assert_int_equal(p.threads[0].ops[0].argseed, 1);
    fuzz_planFree(&q);
    fuzz_planFree(&p);
}

static void test_sequences_file_lists_candidates_and_threads(void **state) {
    struct fuzz_plan cands[2];
    two_threads(&cands[0]);
    fuzz_planWithoutThread(&cands[0], 0, &cands[1]);
    char path[] = "/tmp/ftstress-test-seq-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_true(fuzz_planWriteSequences(path, cands, 2));
    char *text = util_readFile(path, NULL);
    assert_non_null(strstr(text, "candidate 0\nthread a:1 b:2 c:3\nthread d:4 e:5\n"
                                 "candidate 1\nthread d:4 e:5\n"));
    free(text);
    unlink(path);
    fuzz_planFree(&cands[0]);
    fuzz_planFree(&cands[1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_text_round_trips),
        cmocka_unit_test(test_name_may_hold_colons_the_seed_is_after_the_last),
        cmocka_unit_test(test_bad_words_are_named),
        cmocka_unit_test(test_empty_text_is_an_empty_thread),
        cmocka_unit_test(test_set_thread_grows_the_plan_with_empty_threads),
        cmocka_unit_test(test_set_thread_refuses_a_thread_beyond_the_bound),
        cmocka_unit_test(test_without_a_range_of_flat_indices_drops_emptied_threads),
        cmocka_unit_test(test_without_thread_removes_exactly_that_thread),
        cmocka_unit_test(test_copy_is_deep_and_equal),
        cmocka_unit_test(test_sequences_file_lists_candidates_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
