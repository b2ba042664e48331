/* Integration tests of `ftstress fuzz`: the real binary on the default
 * instrumented runtime. Both directions: io.BytesIO's races (it has no
 * locking in 3.13) are found within the budget, the same operations under a
 * lock stay quiet; automatic mode, bad targets, case replay and the
 * readiness report work end to end. About three minutes in all. */
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

#define TARGETS SOURCE_DIR "/scenarios/fuzz_targets"
#define DATA TEST_DATA_DIR "/fuzz"
/* Seconds of fuzzing for the BytesIO pair: its races show in the first
 * iterations, the rest is margin for a loaded machine. */
#define BYTESIO_BUDGET "15"

static char corpus[] = "/tmp/ftstress-test-fuzz-XXXXXX";

#define ftstress(out, ...) cli_ftstress(out, corpus, __VA_ARGS__)

/* A case saved by the BytesIO run, for the replay test. */
static char *bytesio_case;

/* The case of a data race from a fuzz report: one minimized if there is
 * one, else the first data race's, else the first case at all. Caller frees. */
static char *race_case(const char *out) {
    const char *key = "replay: ftstress replay ";
    const char *best = NULL, *race = NULL, *any = NULL;
    for (const char *b = strstr(out, "NEW finding "); b != NULL;) {
        const char *next = strstr(b + 1, "NEW finding ");
        const char *end = next ? next : out + strlen(out);
        const char *replay = strstr(b, key);
        if (replay != NULL && replay < end) {
            const char *eol = strchr(b, '\n');
            const char *title_race = strstr(b, "data race in");
            bool is_race = title_race != NULL && eol != NULL && title_race < eol;
            const char *minimized = strstr(b, "minimized from");
            any = any ? any : replay;
            race = race ? race : is_race ? replay : NULL;
            if (best == NULL && is_race && minimized != NULL && minimized < end) {
                best = replay;
            }
        }
        b = next;
    }
    const char *p = best ? best : race ? race : any;
    if (p == NULL) {
        return NULL;
    }
    p += strlen(key);
    return util_strndup(p, strcspn(p, "\n"));
}

static void test_bytesio_races_are_found_within_the_budget(void **state) {
    char *out;
    char *json = util_asprintf("%s/bytesio.json", corpus);
    int status =
        ftstress(&out, "fuzz %s/bytesio.py --time " BYTESIO_BUDGET " --json %s", TARGETS, json);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "[FAIL] bytesio"));
    assert_non_null(strstr(out, "data race in"));
    assert_non_null(strstr(out, "Modules/_io/bytesio.c"));
    double first = cli_numberAfter(out, "first finding after ");
    assert_true(first >= 0 && first < 60);
    assert_true(cli_numberAfter(out, " ops in ") > 0);
    assert_non_null(strstr(out, "case: "));
    bytesio_case = race_case(out);
    assert_non_null(bytesio_case);
    assert_true(util_isFile(bytesio_case));
    free(out);

    /* The JSON report is the run-report schema (merge and campaigns read it):
     * one entry of kind fuzz, its findings with what replays them. */
    char *doc = util_readFile(json, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"name\": \"bytesio\",\n      \"kind\": \"fuzz\""));
    assert_non_null(strstr(doc, "\"verdict\": \"fail\""));
    assert_non_null(strstr(doc, "\"signature\": \"data-race:"));
    assert_non_null(strstr(doc, "\\nreplay: ftstress replay "));
    /* the race's Python side: the target's operation that ran into it */
    assert_non_null(strstr(doc, "\"python_stack\": \"  File \\\"/"));
    assert_non_null(strstr(doc, "bytesio.py\\\", line "));
    free(doc);
    status = ftstress(&out, "merge %s --json %s/merged.json", json, corpus);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "[FAIL] bytesio"));
    free(out);
    free(json);
}

static void test_locked_bytesio_stays_quiet_with_the_same_budget(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz %s/bytesio_locked.py --time " BYTESIO_BUDGET, TARGETS);
    cli_show(out);
    assert_int_equal(status, 0);
    const char *pass = strstr(out, "[PASS] bytesio_locked  no finding");
    assert_non_null(pass);
    /* It did run: thousands of operations, not an empty pass. */
    assert_true(cli_numberAfter(pass, "iterations, ") > 1000);
    free(out);
}

static void test_saved_case_replays_its_sequence(void **state) {
    assert_non_null(bytesio_case);
    char *out;
    /* Up to 5000 repetitions within replay's 30 s: BytesIO's sequence shows
     * several races, and TSan reports each pair once per process, so the
     * case's own may come after others (200, the default, missed it once). */
    int status = ftstress(&out, "replay -n 5000 %s", bytesio_case);
    cli_show(out);
    if (strstr(out, "not a scenario case") != NULL) {
        /* `replay` does not dispatch fuzz cases yet: the fuzz command replays them. */
        free(out);
        status = ftstress(&out, "fuzz %s", bytesio_case);
        cli_show(out);
    }
    assert_non_null(strstr(out, "replaying "));
    /* The same sequence ran again, op by op, as the case lists it. */
    char *text = util_readFile(bytesio_case, NULL);
    const char *t0 = strstr(text, "thread.0=");
    assert_non_null(t0);
    char *ops = util_strndup(t0 + 9, strcspn(t0 + 9, "\n"));
    char *line = util_asprintf("thread 0: %s\n", ops);
    assert_non_null(strstr(out, line));
    /* A data race sequence shows the race again (TSan needs no lucky
     * timing), unless the heap corruption BytesIO's races cause crashes the
     * interpreter first: that is a finding of the same sequence too. */
    bool reproduced = strstr(out, "replay: the failure reproduced") != NULL;
    bool crashed = strstr(out, "crash (") != NULL ||
                   strstr(out, "crash: the interpreter ended") != NULL; /* no frame to name */
    assert_true(reproduced || crashed);
    if (!crashed) {
        assert_true(cli_numberAfter(out, "-op sequence ") >= 1);
    }
    assert_int_equal(status, 1);
    free(line);
    free(ops);
    free(text);
    free(out);
}

/* The summary line of an automatic target: "pool mode, " (the default) or
 * "auto mode, " (--auto-mode methods); NULL when there is none. */
static const char *automatic_summary(const char *out) {
    const char *pool = strstr(out, "pool mode, ");
    return pool != NULL ? pool : strstr(out, "auto mode, ");
}

static void test_automatic_mode_fuzzes_deque_methods(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz collections:deque --time 5");
    cli_show(out);
    assert_true(status == 0 || status == 1);
    assert_non_null(strstr(out, "collections:deque  "));
    assert_non_null(automatic_summary(out));
    assert_null(strstr(out, "error:"));
    assert_null(strstr(out, "target error"));
    const char *summary = automatic_summary(out);
    assert_non_null(summary);
    assert_true(cli_numberAfter(summary, "iterations, ") > 100); /* operations run */
    free(out);
    /* today's automatic mode, for comparison (ci/bench-fuzz-sweep) */
    status = ftstress(&out, "fuzz collections:deque --time 3 --auto-mode methods");
    cli_show(out);
    assert_true(status == 0 || status == 1);
    assert_non_null(strstr(out, "auto mode, "));
    free(out);
}

/* A type a user names is fuzzed, never refused: a list or a dict acts on
 * nothing but itself (issue: builtins was refused as "acting on the process"). */
static void test_named_builtin_types_are_fuzzed(void **state) {
    const char *types[] = {"builtins:list", "builtins:dict"};
    for (size_t i = 0; i < 2; i++) {
        char *out;
        int status = ftstress(&out, "fuzz %s --time 3", types[i]);
        cli_show(out);
        assert_true(status == 0 || status == 1);
        assert_null(strstr(out, "refusing"));
        const char *summary = automatic_summary(out);
        assert_non_null(summary);
        assert_true(cli_numberAfter(summary, "iterations, ") > 50);
        free(out);
    }
}

/* Readiness still leaves out what acts on the process, and says so; a
 * named function of such a module is refused with the way to force it. */
static void test_readiness_of_os_lists_what_acts_on_the_process_as_skipped(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz 'os:*' --time 1");
    cli_show(out);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "left out, they act on the process (--allow NAME forces one)"));
    assert_non_null(strstr(out, " fork "));
    assert_non_null(strstr(out, " kill "));
    assert_null(strstr(out, "os:fork "));   /* never fuzzed */
    assert_null(strstr(out, "os:system ")); /* never fuzzed */
    free(out);
    status = ftstress(&out, "fuzz os:fork --time 1");
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "refusing to call os.fork"));
    assert_non_null(strstr(out, "--allow os.fork"));
    free(out);
}

static void test_factory_arguments_are_given_in_the_target(void **state) {
    char *out;
    /* without them: the message says how to give them */
    int status = ftstress(&out, "fuzz io:BufferedReader --time 2");
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "needs arguments ftstress cannot guess"));
    assert_non_null(strstr(out, "'io:BufferedReader(ARGS)'"));
    free(out);
    status = ftstress(&out, "fuzz 'io:BufferedReader(io.BytesIO(b\"x\" * 4096))' --time 3");
    cli_show(out);
    assert_true(status == 0 || status == 1);
    assert_non_null(automatic_summary(out));
    free(out);
    /* a bad expression is bad input that names it */
    status = ftstress(&out, "fuzz 'io:BufferedReader(no_such_name.x)' --time 2");
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "BufferedReader(no_such_name.x) raised NameError"));
    free(out);
    status = ftstress(&out, "fuzz 'io:BufferedReader(1 +)' --time 2");
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "are not a Python argument list"));
    free(out);
}

/* FileIO and open() used to get the harness's standard input (FileIO(0));
 * closing it made the next factory call fail inside the harness, reported as
 * a crash of the target. Now they get descriptors of their own. */
static void test_file_objects_fuzz_on_descriptors_of_their_own(void **state) {
    const char *targets[] = {"io:FileIO", "io:open"};
    for (size_t i = 0; i < 2; i++) {
        char *out;
        int status = ftstress(&out, "fuzz %s --time 3", targets[i]);
        cli_show(out);
        assert_true(status == 0 || status == 1);
        assert_null(strstr(out, "stopped before the harness finished"));
        assert_null(strstr(out, "with no C or Python frame"));
        assert_null(strstr(out, "could not fuzz"));
        const char *summary = automatic_summary(out);
        assert_non_null(summary);
        assert_true(cli_numberAfter(summary, "iterations, ") > 20);
        free(out);
    }
}

/* A factory that raises on its second call: the harness cannot go on.
 * That is ftstress's error (exit 3, "could not fuzz" with the traceback),
 * never a crash finding about the target; in readiness the entry says so
 * and the sweep goes on. */
static void test_factory_failing_later_is_an_ftstress_error_not_a_crash(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz %s/factory_fails_later.py --time 3", DATA);
    cli_show(out);
    assert_int_equal(status, 3);
    assert_non_null(strstr(out, "[ERROR] factory_fails_later  could not fuzz"));
    assert_non_null(strstr(out, "factory() raised OSError"));
    assert_non_null(strstr(out, "Traceback (most recent call last):"));
    assert_non_null(strstr(out, "factory_fails_later.py\", line "));
    assert_null(strstr(out, "NEW finding"));
    free(out);
    /* --auto-mode methods: Box's own methods only, which race on nothing; the
     * pool's attribute writes find CPython's own races in a plain instance. */
    status = ftstress(&out, "fuzz 'oncemod:*' --time 2 --auto-mode methods");
    cli_show(out);
    assert_int_equal(status, 0);
    const char *once = strstr(out, "oncemod:Once ");
    assert_non_null(once);
    assert_non_null(strstr(once, "could not fuzz"));
    assert_non_null(strstr(once, "Traceback (most recent call last):"));
    assert_non_null(strstr(out, "oncemod:Box "));
    assert_non_null(strstr(out, "1 could not be fuzzed"));
    assert_null(strstr(out, "crash"));
    free(out);
}

static void test_bad_target_files_name_file_and_line(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "fuzz %s/bad_syntax.py --time 2", DATA), 2);
    assert_non_null(strstr(out, "bad_syntax.py:5: does not import"));
    free(out);
    assert_int_equal(ftstress(&out, "fuzz %s/no_ops.py --time 2", DATA), 2);
    assert_non_null(strstr(out, "no_ops.py:1: declares no operations"));
    free(out);
    assert_int_equal(ftstress(&out, "fuzz %s/missing.py", DATA), 2);
    assert_non_null(strstr(out, "missing.py: no such target file"));
    free(out);
    assert_int_equal(ftstress(&out, "fuzz no_such_module_here:thing --time 2"), 2);
    assert_non_null(strstr(out, "cannot import module no_such_module_here"));
    free(out);
    assert_int_equal(ftstress(&out, "fuzz deque"), 2);
    assert_non_null(strstr(out, "module:factory"));
    free(out);
}

static void test_readiness_reports_every_entry_in_text_and_json(void **state) {
    char *out;
    char *json = util_asprintf("%s/readiness.json", corpus);
    int status = ftstress(&out, "fuzz 'tinymod:*' --time 2 --json %s", json);
    cli_show(out);
    assert_true(status == 0 || status == 1);
    assert_non_null(strstr(out, "readiness of tinymod: 2 entries"));
    assert_non_null(strstr(out, "tinymod:Box"));
    assert_non_null(strstr(out, "tinymod:total"));
    assert_non_null(strstr(out, "tinymod: "));
    char *doc = util_readFile(json, NULL);
    assert_non_null(doc);
    /* the run-report schema, an entry of kind fuzz per entry fuzzed */
    assert_non_null(strstr(doc, "\"schema\": 1"));
    assert_non_null(strstr(doc, "\"name\": \"tinymod:Box\",\n      \"kind\": \"fuzz\""));
    assert_non_null(strstr(doc, "\"name\": \"tinymod:total\",\n      \"kind\": \"fuzz\""));
    assert_non_null(strstr(doc, "function mode"));
    free(doc);
    free(json);
    free(out);
}

static int setup(void **state) {
    if (mkdtemp(corpus) == NULL) {
        return -1;
    }
    /* The readiness test's module lives with the test data. */
    return setenv("PYTHONPATH", DATA, 1);
}

static int teardown(void **state) {
    free(bytesio_case);
    char *cmd = util_asprintf("rm -rf %s", corpus);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytesio_races_are_found_within_the_budget),
        cmocka_unit_test(test_locked_bytesio_stays_quiet_with_the_same_budget),
        cmocka_unit_test(test_saved_case_replays_its_sequence),
        cmocka_unit_test(test_automatic_mode_fuzzes_deque_methods),
        cmocka_unit_test(test_named_builtin_types_are_fuzzed),
        cmocka_unit_test(test_readiness_of_os_lists_what_acts_on_the_process_as_skipped),
        cmocka_unit_test(test_factory_arguments_are_given_in_the_target),
        cmocka_unit_test(test_file_objects_fuzz_on_descriptors_of_their_own),
        cmocka_unit_test(test_factory_failing_later_is_an_ftstress_error_not_a_crash),
        cmocka_unit_test(test_bad_target_files_name_file_and_line),
        cmocka_unit_test(test_readiness_reports_every_entry_in_text_and_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
