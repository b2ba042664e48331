/* Integration tests: ftstress end to end on the default instrumented runtime.
 * Each test runs the real binary and asserts on what a user sees: output and
 * exit status. Both directions: racy scenarios are found, correct twins stay
 * quiet. */
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

#define SCENARIOS SOURCE_DIR "/scenarios/builtin"
#define DATA_SCENARIOS TEST_DATA_DIR "/scenarios"

static char corpus[] = "/tmp/ftstress-test-corpus-XXXXXX";

#define ftstress(out, ...) cli_ftstress(out, corpus, __VA_ARGS__)

static void test_help_names_the_commands_and_exit_codes(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "--help"), 0);
    assert_non_null(strstr(out, "run [PATH...]"));
    assert_non_null(strstr(out, "replay CASE"));
    assert_non_null(strstr(out, "runtime info"));
    assert_non_null(strstr(out, "exit status: 0 nothing found, 1 findings"));
    free(out);
}

static void test_usage_error_exits_2_and_names_the_option(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "run --threads lots"), 2);
    assert_non_null(strstr(out, "--threads takes a whole number"));
    assert_non_null(strstr(out, "'lots'"));
    free(out);
}

static void test_runtime_is_free_threaded_with_tsan(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "runtime info"), 0);
    assert_non_null(strstr(out, "gil_disabled 1"));
    assert_non_null(strstr(out, "tsan        1"));
    assert_non_null(strstr(out, "--disable-gil --with-thread-sanitizer --enable-shared"));
    assert_non_null(strstr(out, "suppressions_free_threading.txt"));
    /* Ask the interpreter itself. */
    const char *python = strstr(out, "python      ");
    assert_non_null(python);
    python += strlen("python      ");
    char *exe = util_strndup(python, strcspn(python, "\n"));
    char *cmd = util_asprintf("%s -c 'import sys, sysconfig; print(sys._is_gil_enabled(), "
                              "sysconfig.get_config_var(\"Py_GIL_DISABLED\"))'",
                              exe);
    FILE *p = popen(cmd, "r");
    char line[64] = "";
    assert_non_null(fgets(line, sizeof(line), p));
    pclose(p);
    assert_string_equal(line, "False 1\n");
    /* ThreadSanitizer is linked into the interpreter. */
    char *nm = util_asprintf("nm -D %s | grep -c ' T __tsan_init'", exe);
    p = popen(nm, "r");
    assert_non_null(fgets(line, sizeof(line), p));
    pclose(p);
    assert_string_equal(line, "1\n");
    free(nm);
    free(cmd);
    free(exe);
    free(out);
}

static void test_counter_global_reports_lost_updates(void **state) {
    char *out;
    int status = ftstress(&out, "run -n 100 -r 2 %s/counter_global.py", SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "[FAIL] counter_global"));
    long long expected = (long long)cli_numberAfter(out, "lost updates: expected ");
    long long observed = (long long)cli_numberAfter(out, ", observed ");
    /* 2 runs x 100 states x 2 threads x the scenario's increments per thread. */
    assert_true(expected > 0 && expected % (2 * 100 * 2) == 0);
    assert_true(observed > 0 && observed < expected);
    assert_non_null(strstr(out, "replay: ftstress replay "));
    free(out);
}

static void test_locked_counter_stays_quiet_over_1000_iterations(void **state) {
    char *out;
    int status = ftstress(&out, "run -n 1000 -r 1 %s/counter_global_locked.py", SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "[PASS] counter_global_locked"));
    assert_non_null(strstr(out, "lost 0 (0.00%) in 0 of 1000 states"));
    assert_null(strstr(out, "ThreadSanitizer:"));
    free(out);
}

static void test_replay_of_a_saved_case_reproduces_it(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "run -n 100 -r 1 %s/counter_global.py", SCENARIOS), 1);
    const char *replay = strstr(out, "replay: ftstress replay ");
    assert_non_null(replay);
    replay += strlen("replay: ftstress replay ");
    char *case_path = util_strndup(replay, strcspn(replay, "\n"));
    free(out);
    int status = ftstress(&out, "replay %s", case_path);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "replay: the failure reproduced"));
    free(case_path);
    free(out);
}

static void test_bad_scenarios_name_file_and_line(void **state) {
    char *out;
    assert_int_equal(ftstress(&out, "run -n 2 -r 1 %s/bad_import.py", DATA_SCENARIOS), 2);
    assert_non_null(strstr(out, "bad_import.py:4: does not import: NameError"));
    free(out);
    assert_int_equal(ftstress(&out, "run -n 2 -r 1 %s/bad_no_actor.py", DATA_SCENARIOS), 2);
    assert_non_null(strstr(out, "bad_no_actor.py:1: declares no actors"));
    free(out);
    assert_int_equal(ftstress(&out, "run -n 2 -r 1 %s/bad_arbiter.py", DATA_SCENARIOS), 2);
    assert_non_null(strstr(out, "bad_arbiter.py:13: arbiter raised ZeroDivisionError"));
    free(out);
    assert_int_equal(ftstress(&out, "run %s/no_such_scenario.py", DATA_SCENARIOS), 2);
    assert_non_null(strstr(out, "no_such_scenario.py: no such scenario file"));
    free(out);
}

static void test_crash_is_a_finding_with_stacks_and_the_run_goes_on(void **state) {
    char *out;
    int status = ftstress(&out, "run -n 5 -r 1 %s/crash_segv.py %s/counter_global_locked.py",
                          DATA_SCENARIOS, SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "[FAIL] crash_segv"));
    assert_non_null(strstr(out, "1 crash, 0 hangs"));
    assert_non_null(strstr(out, "Fatal Python error: Segmentation fault"));
    assert_non_null(strstr(out, "crash_segv.py\", line 12 in actor")); /* Python frame */
    assert_non_null(strstr(out, "C stack of the crashing thread"));
    assert_non_null(strstr(out, "Simple_get_value"));              /* C frame inside _ctypes */
    assert_non_null(strstr(out, "at Modules/_ctypes/_ctypes.c:")); /* symbolized to file:line */
    /* The process stopped itself for the runner: every thread's C stack,
     * the crashing one (in the shim's handler) among them. */
    const char *all = strstr(out, "C stacks of every thread");
    assert_non_null(all);
    assert_non_null(strstr(all, "crash_handler"));
    assert_non_null(strstr(all, "Py_RunMain")); /* the main thread too */
    assert_non_null(strstr(out, "[PASS] counter_global_locked"));
    free(out);
}

static void test_hang_is_a_finding_with_every_threads_stacks(void **state) {
    char *out;
    int status =
        ftstress(&out, "run -n 5 -r 1 --timeout 5 %s/hang_deadlock.py %s/counter_global_locked.py",
                 DATA_SCENARIOS, SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "[FAIL] hang_deadlock"));
    assert_non_null(strstr(out, "0 crashes, 1 hang"));
    /* a deadlock: nobody spins */
    assert_non_null(strstr(out, "no progress within the timeout, every thread waiting"));
    assert_non_null(strstr(out, "in take_ab"));
    assert_non_null(strstr(out, "in take_ba"));
    assert_non_null(strstr(out, "C stacks of every thread"));
    assert_non_null(strstr(out, "_PyMutex_LockTimed"));
    assert_non_null(strstr(out, "[PASS] counter_global_locked"));
    free(out);
}

/* The 1-based number of the first line of path containing text, or -1. */
static int line_of(const char *path, const char *text) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int n = 0, found = -1;
    while (found < 0 && fgets(line, sizeof(line), f) != NULL) {
        n++;
        if (strstr(line, text) != NULL) {
            found = n;
        }
    }
    fclose(f);
    return found;
}

/* Builds tests/data/ext/racyext.c against the runtime once; its directory goes
 * to the scenarios through RACYEXT_DIR. */
static void build_racyext(void) {
    static bool built;
    if (built) {
        return;
    }
    char *include = cli_runtimeInfo("include");
    char *dir = util_asprintf("%s/racyext", corpus);
    char *cmd = util_asprintf("bash %s/ext/build.sh %s %s", TEST_DATA_DIR, include, dir);
    assert_int_equal(system(cmd), 0);
    setenv("RACYEXT_DIR", dir, 1);
    built = true;
    free(cmd);
    free(dir);
    free(include);
}

static void test_racy_extension_is_reported_with_its_c_function_and_python_caller(void **state) {
    build_racyext();
    char *out;
    int status = ftstress(&out, "run -n 20 -r 1 %s/racyext_bump.py", DATA_SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "data race in bump_counter"));
    assert_non_null(
        strstr(out, "signature data-race:racyext.c:bump_counter,racyext.c:bump_counter"));
    /* The frame names the very line of the unlocked increment. */
    char *where = util_asprintf("tests/data/ext/racyext.c:%d",
                                line_of(TEST_DATA_DIR "/ext/racyext.c", "racy_counter++;"));
    assert_non_null(strstr(out, where));
    free(where);
    assert_non_null(strstr(out, "Location: global 'racy_counter'"));
    /* The Python caller, from the runtime's report hook. */
    assert_non_null(strstr(out, "racyext_bump.py\", line 15 in actor"));
    assert_non_null(strstr(out, "scenario racyext_bump"));
    free(out);
}

static void test_lock_protected_extension_twin_stays_quiet(void **state) {
    build_racyext();
    char *out;
    int status = ftstress(&out, "run -n 20 -r 2 %s/racyext_bump_locked.py", DATA_SCENARIOS);
    cli_show(out);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "[PASS] racyext_bump_locked"));
    assert_null(strstr(out, "ThreadSanitizer:"));
    free(out);
}

static int setup(void **state) {
    return mkdtemp(corpus) == NULL ? -1 : 0;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf %s", corpus);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_names_the_commands_and_exit_codes),
        cmocka_unit_test(test_usage_error_exits_2_and_names_the_option),
        cmocka_unit_test(test_runtime_is_free_threaded_with_tsan),
        cmocka_unit_test(test_counter_global_reports_lost_updates),
        cmocka_unit_test(test_locked_counter_stays_quiet_over_1000_iterations),
        cmocka_unit_test(test_replay_of_a_saved_case_reproduces_it),
        cmocka_unit_test(test_bad_scenarios_name_file_and_line),
        cmocka_unit_test(test_crash_is_a_finding_with_stacks_and_the_run_goes_on),
        cmocka_unit_test(test_hang_is_a_finding_with_every_threads_stacks),
        cmocka_unit_test(test_racy_extension_is_reported_with_its_c_function_and_python_caller),
        cmocka_unit_test(test_lock_protected_extension_twin_stays_quiet),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
