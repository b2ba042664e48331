/* Unit tests of src/fuzz/fuzz_case.c: fuzz case files written, read back and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz_case.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/fuzz/"

static void test_minimized_case_loads_with_its_sequence(void **state) {
    struct fuzz_case c;
    assert_true(fuzz_caseLoad(DATA "minimized.case", &c));
    assert_string_equal(c.target, "/work/main/scenarios/fuzz_targets/bytesio.py");
    assert_string_equal(c.label, "bytesio");
    assert_int_equal(c.seed, 281239898307455ULL);
    assert_int_equal(c.iteration, 48);
    assert_int_equal(c.threads, 2);
    assert_int_equal(c.ops, 16);
    assert_int_equal(c.noise, NOISE_HIGH);
    assert_string_equal(c.kind, "data-race");
    assert_string_equal(
        c.signature, "data-race:bytesio.c:_io_BytesIO_seek_impl,bytesio.c:_io_BytesIO_tell_impl");
    assert_int_equal(c.original_ops, 32);
    assert_int_equal(c.reproduced, 1);
    assert_int_equal(c.plan.nthreads, 2);
    assert_int_equal(fuzz_planOps(&c.plan), 5);
    assert_string_equal(c.plan.threads[1].ops[2].name, "read");
    assert_int_equal(c.plan.threads[1].ops[2].argseed, 2035794159u);
    fuzz_caseFree(&c);
}

static void test_case_without_sequence_keeps_seed_and_iteration(void **state) {
    struct fuzz_case c;
    assert_true(fuzz_caseLoad(DATA "seed_only.case", &c));
    assert_string_equal(c.target, "collections:deque");
    assert_string_equal(c.label, "collections:deque"); /* defaults to the target */
    assert_int_equal(c.seed, 7);
    assert_int_equal(c.iteration, 12);
    assert_int_equal(c.threads, 3);
    assert_int_equal(c.plan.nthreads, 0);
    assert_null(c.signature);
    assert_int_equal(c.reproduced, -1);
    fuzz_caseFree(&c);
}

static void test_bad_thread_line_names_file_and_field(void **state) {
    struct fuzz_case c;
    char err[256];
    char *text = util_readFile(DATA "bad_thread.case", NULL);
    assert_false(fuzz_caseParse("bad_thread.case", text, strlen(text), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "bad_thread.case: field 'thread.0': 'pop' is not NAME:ARGSEED"));
    free(text);
}

static void test_scenario_case_is_not_a_fuzz_case(void **state) {
    struct fuzz_case c;
    char err[256];
    const char *text = "kind=scenario\nscenario=/x.py\nseed=1\n";
    assert_false(fuzz_caseParse("s.case", text, strlen(text), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "not a fuzz case (kind=scenario)"));
    assert_false(fuzz_caseIsFuzz(DATA "scenario.case"));
    assert_true(fuzz_caseIsFuzz(DATA "minimized.case"));
    assert_false(fuzz_caseIsFuzz(DATA "list_ops.py"));
    assert_false(fuzz_caseIsFuzz(DATA "missing.case"));
}

static void test_missing_and_malformed_fields_are_named(void **state) {
    struct fuzz_case c;
    char err[256];
    const char *no_target = "kind=fuzz\nseed=1\niteration=0\n";
    assert_false(fuzz_caseParse("a.case", no_target, strlen(no_target), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "field 'target' is missing"));
    const char *bad_seed = "kind=fuzz\ntarget=m:f\nseed=x1\niteration=0\n";
    assert_false(fuzz_caseParse("b.case", bad_seed, strlen(bad_seed), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "field 'seed' is malformed"));
    const char *bad_threads = "kind=fuzz\ntarget=m:f\nseed=1\niteration=0\nthreads=0\n";
    assert_false(fuzz_caseParse("c.case", bad_threads, strlen(bad_threads), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "field 'threads' is '0'"));
    const char *nothing = "kind=fuzz\ntarget=m:f\nseed=1\n";
    assert_false(fuzz_caseParse("d.case", nothing, strlen(nothing), &c, err, sizeof(err)));
    assert_non_null(strstr(err, "neither thread.N lines nor an iteration"));
}

static void test_saved_case_reads_back_the_same(void **state) {
    struct fuzz_case c = {0}, back;
    char err[128];
    c.target = "io:BytesIO";
    c.label = "io:BytesIO";
    c.seed = 18446744073709551615ULL;
    c.iteration = 3;
    c.threads = 2;
    c.ops = 8;
    c.noise = NOISE_OFF;
    c.timeout = 45;
    c.verdict = "unexpected exception from write:\nSystemError"; /* a newline is flattened */
    c.kind = "unexpected-exception";
    c.signature = "unexpected-exception:io:BytesIO:write:SystemError";
    c.original_ops = 16;
    c.reproduced = 1;
    assert_true(fuzz_planSetThread(&c.plan, 0, "write:1 truncate:2", err, sizeof(err)));
    assert_true(fuzz_planSetThread(&c.plan, 1, "getvalue:3", err, sizeof(err)));
    char dir[] = "/tmp/ftstress-test-case-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = fuzz_caseSave(dir, "fuzz-io_BytesIO-x.case", &c);
    assert_non_null(path);
    assert_true(fuzz_caseIsFuzz(path));
    assert_true(fuzz_caseLoad(path, &back));
    assert_string_equal(back.target, "io:BytesIO");
    assert_int_equal(back.seed, 18446744073709551615ULL);
    assert_int_equal(back.noise, NOISE_OFF);
    assert_string_equal(back.verdict, "unexpected exception from write: SystemError");
    assert_string_equal(back.signature, c.signature);
    assert_true(fuzz_planEqual(&back.plan, &c.plan));
    char *text = util_readFile(path, NULL);
    assert_non_null(strstr(text, "# ftstress fuzz case: replay with 'ftstress replay "));
    assert_non_null(strstr(text, "thread.1=getvalue:3\n"));
    free(text);
    unlink(path);
    rmdir(dir);
    free(path);
    fuzz_caseFree(&back);
    fuzz_planFree(&c.plan);
}

static void test_safe_name_keeps_only_file_name_characters(void **state) {
    char *s = fuzz_caseSafeName("collections:deque/x y.z-1");
    assert_string_equal(s, "collections_deque_x_y.z-1");
    free(s);
}

/* Found by the fuzzer: a target ending in CR (read from "target=x\r\r\n")
 * was written back as "target=x\r\n" and read as "x"; a newline in a value
 * would have started a line of its own. */
static void test_format_keeps_every_value_on_its_line(void **state) {
    struct fuzz_case c = {.target = "mod:factory\r",
                          .label = "two\nlines",
                          .seed = 7,
                          .iteration = 1,
                          .threads = 2,
                          .ops = 3,
                          .noise = NOISE_LOW,
                          .timeout = 120,
                          .runtime_key = "rt\r\nkind=scenario",
                          .verdict = "data race",
                          .kind = "data-race\n"};
    char *text = fuzz_caseFormat(&c, "x.case");
    struct fuzz_case back;
    char err[256];
    assert_true(fuzz_caseParse("x.case", text, strlen(text), &back, err, sizeof(err)));
    assert_string_equal(back.target, "mod:factory ");
    assert_string_equal(back.label, "two lines");
    assert_string_equal(back.runtime_key, "rt  kind=scenario");
    assert_string_equal(back.kind, "data-race ");
    char *again = fuzz_caseFormat(&back, "x.case");
    assert_int_equal(strlen(again), strlen(text));
    fuzz_caseFree(&back);
    free(again);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimized_case_loads_with_its_sequence),
        cmocka_unit_test(test_case_without_sequence_keeps_seed_and_iteration),
        cmocka_unit_test(test_bad_thread_line_names_file_and_field),
        cmocka_unit_test(test_scenario_case_is_not_a_fuzz_case),
        cmocka_unit_test(test_missing_and_malformed_fields_are_named),
        cmocka_unit_test(test_saved_case_reads_back_the_same),
        cmocka_unit_test(test_safe_name_keeps_only_file_name_characters),
        cmocka_unit_test(test_format_keeps_every_value_on_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
