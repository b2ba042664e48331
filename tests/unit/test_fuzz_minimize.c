/* Unit tests of src/fuzz/fuzz_minimize.c: delta debugging bookkeeping, driven by
 * fake oracles that stand in for the harness runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_minimize.h"
#include "util.h"

/* An oracle: does plan still show the failure? */
typedef bool (*oracle_fn)(const struct fuzz_plan *plan);

static bool has_op(const struct fuzz_plan *p, size_t t, const char *name) {
    if (t >= p->nthreads) {
        return false;
    }
    for (size_t k = 0; k < p->threads[t].count; k++) {
        if (strcmp(p->threads[t].ops[k].name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* A race between "write" in one thread and "truncate" in another. */
static bool race_write_truncate(const struct fuzz_plan *p) {
    for (size_t a = 0; a < p->nthreads; a++) {
        for (size_t b = 0; b < p->nthreads; b++) {
            if (a != b && has_op(p, a, "write") && has_op(p, b, "truncate")) {
                return true;
            }
        }
    }
    return false;
}

/* A failure one thread shows alone when it runs "pop" after "clear". */
static bool clear_then_pop(const struct fuzz_plan *p) {
    for (size_t t = 0; t < p->nthreads; t++) {
        bool cleared = false;
        for (size_t k = 0; k < p->threads[t].count; k++) {
            cleared |= strcmp(p->threads[t].ops[k].name, "clear") == 0;
            if (cleared && strcmp(p->threads[t].ops[k].name, "pop") == 0) {
                return true;
            }
        }
    }
    return false;
}

/* Plays the caller: each batch runs in order and stops at the first failing
 * candidate, like the harness with a stop condition. Returns batches run. */
static int minimize(struct fuzz_min *m, oracle_fn oracle, size_t batch) {
    int batches = 0;
    for (;;) {
        struct fuzz_plan *cands;
        size_t n = fuzz_minNext(m, &cands, batch);
        if (n == 0) {
            return batches;
        }
        batches++;
        assert_true(batches < 1000);
        long failed = -1;
        size_t tested = n;
        for (size_t i = 0; i < n; i++) {
            if (oracle(&cands[i])) {
                failed = (long)i;
                tested = i + 1;
                break;
            }
        }
        fuzz_minReport(m, cands, n, tested, failed);
        fuzz_minFreeCandidates(cands, n);
    }
}

static void plan_of(struct fuzz_plan *p, const char *t0, const char *t1, const char *t2) {
    char err[128];
    memset(p, 0, sizeof(*p));
    assert_true(fuzz_planSetThread(p, 0, t0, err, sizeof(err)));
    assert_true(fuzz_planSetThread(p, 1, t1, err, sizeof(err)));
    if (t2 != NULL) {
        assert_true(fuzz_planSetThread(p, 2, t2, err, sizeof(err)));
    }
}

static void test_race_shrinks_to_one_op_in_each_of_two_threads(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "read:1 write:2 seek:3 tell:4 read:5 getvalue:6 seek:7 read:8",
            "tell:9 seek:10 read:11 truncate:12 read:13 getvalue:14 tell:15 seek:16",
            "read:17 tell:18 getvalue:19");
    assert_true(race_write_truncate(&p));
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    minimize(&m, race_write_truncate, 8);
    assert_true(m.done);
    assert_int_equal(fuzz_planOps(&m.best), 2);
    assert_int_equal(fuzz_planActiveThreads(&m.best), 2);
    assert_true(race_write_truncate(&m.best));
    /* The kept operations keep their argument seeds. */
    assert_int_equal(m.best.threads[0].ops[0].argseed, 2);
    assert_int_equal(m.best.threads[1].ops[0].argseed, 12);
    assert_true(m.accepted > 0);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_single_thread_failure_drops_the_other_threads(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "append:1 len:2 append:3", "append:4 clear:5 len:6 pop:7 append:8", "len:9");
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 1);
    minimize(&m, clear_then_pop, 8);
    assert_true(m.done);
    assert_int_equal(fuzz_planActiveThreads(&m.best), 1);
    assert_int_equal(fuzz_planOps(&m.best), 2);
    char *text = fuzz_planFormatThread(&m.best.threads[0]);
    assert_string_equal(text, "clear:5 pop:7");
    free(text);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_result_is_one_minimal_with_batches_of_one(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "write:1 write:2 read:3 write:4", "truncate:5 read:6 truncate:7", NULL);
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    minimize(&m, race_write_truncate, 1);
    assert_true(m.done);
    /* Removing any single operation loses the failure. */
    for (size_t i = 0; i < fuzz_planOps(&m.best); i++) {
        struct fuzz_plan q;
        fuzz_planWithout(&m.best, i, i + 1, &q);
        assert_false(race_write_truncate(&q));
        fuzz_planFree(&q);
    }
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_a_batch_cut_short_resumes_at_the_first_candidate_not_run(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "a:1 b:2 c:3 d:4", "e:5 f:6 g:7 h:8", NULL);
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    struct fuzz_plan *first;
    size_t n = fuzz_minNext(&m, &first, 8);
    assert_true(n >= 3);
    /* Another finding ended the process after two candidates. */
    fuzz_minReport(&m, first, n, 2, -1);
    struct fuzz_plan *again;
    size_t n2 = fuzz_minNext(&m, &again, 8);
    assert_int_equal(n2, n - 2);
    assert_true(fuzz_planEqual(&again[0], &first[2]));
    fuzz_minFreeCandidates(first, n);
    fuzz_minFreeCandidates(again, n2);
    assert_int_equal(m.tested, 2);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_candidates_never_go_below_the_minimum_thread_count(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "write:1 read:2", "truncate:3 read:4", NULL);
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    struct fuzz_plan *cands;
    size_t n;
    while ((n = fuzz_minNext(&m, &cands, 4)) > 0) {
        for (size_t i = 0; i < n; i++) {
            assert_true(fuzz_planActiveThreads(&cands[i]) >= 2);
        }
        fuzz_minReport(&m, cands, n, n, -1);
        fuzz_minFreeCandidates(cands, n);
    }
    assert_true(m.done);
    assert_int_equal(fuzz_planOps(&m.best), 4); /* nothing could go */
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_hint_keeps_the_ops_the_stacks_name_and_goes_first(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "tell:1 write:2 seek:3 getvalue:4", "read:5 truncate:6 tell:7", NULL);
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    fuzz_minSetHint(&m, "write_bytes()\n_io_BytesIO_Write\nresize_buffer()\n"
                        "_io_BytesIO_truncate_impl()\n");
    assert_true(m.hint_stage);
    struct fuzz_plan *cands;
    size_t n = fuzz_minNext(&m, &cands, 8);
    assert_int_equal(n, 1);
    char *t0 = fuzz_planFormatThread(&cands[0].threads[0]);
    char *t1 = fuzz_planFormatThread(&cands[0].threads[1]);
    assert_string_equal(t0, "write:2");
    assert_string_equal(t1, "truncate:6");
    free(t0);
    free(t1);
    fuzz_minReport(&m, cands, n, 1, 0);
    fuzz_minFreeCandidates(cands, n);
    assert_false(m.hint_stage);
    assert_int_equal(fuzz_planOps(&m.best), 2);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_hint_that_fails_falls_back_to_the_rounds(void **state) {
    struct fuzz_plan p;
    plan_of(&p, "tell:1 write:2", "read:5 truncate:6", NULL);
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 2);
    fuzz_minSetHint(&m, "_io_BytesIO_tell_impl _io_BytesIO_read_impl");
    struct fuzz_plan *cands;
    size_t n = fuzz_minNext(&m, &cands, 8);
    assert_int_equal(n, 1);
    fuzz_minReport(&m, cands, n, 1, -1);
    fuzz_minFreeCandidates(cands, n);
    minimize(&m, race_write_truncate, 8);
    assert_int_equal(fuzz_planOps(&m.best), 2);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

static void test_names_match_case_insensitively_and_by_their_last_part(void **state) {
    assert_true(fuzz_minNameIn("getvalue", "_io_BytesIO_getValue_impl"));
    assert_true(fuzz_minNameIn("list.append", "list_append()"));
    assert_false(fuzz_minNameIn("ab", "abc")); /* too short to mean anything */
    assert_false(fuzz_minNameIn("pop", "deque_append"));
    assert_false(fuzz_minNameIn("pop", NULL));
}

static void test_a_one_op_plan_is_already_minimal(void **state) {
    struct fuzz_plan p = {0};
    char err[64];
    assert_true(fuzz_planSetThread(&p, 0, "pop:1", err, sizeof(err)));
    struct fuzz_min m;
    fuzz_minInit(&m, &p, 1);
    struct fuzz_plan *cands;
    assert_int_equal(fuzz_minNext(&m, &cands, 8), 0);
    assert_true(m.done);
    fuzz_minFree(&m);
    fuzz_planFree(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_shrinks_to_one_op_in_each_of_two_threads),
        cmocka_unit_test(test_single_thread_failure_drops_the_other_threads),
        cmocka_unit_test(test_result_is_one_minimal_with_batches_of_one),
        cmocka_unit_test(test_a_batch_cut_short_resumes_at_the_first_candidate_not_run),
        cmocka_unit_test(test_candidates_never_go_below_the_minimum_thread_count),
        cmocka_unit_test(test_hint_keeps_the_ops_the_stacks_name_and_goes_first),
        cmocka_unit_test(test_hint_that_fails_falls_back_to_the_rounds),
        cmocka_unit_test(test_names_match_case_insensitively_and_by_their_last_part),
        cmocka_unit_test(test_a_one_op_plan_is_already_minimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
