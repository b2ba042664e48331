/* Integration tests of automatic mode's shared-argument pool (--auto-mode
 * pool, scenarios/fuzz_pool.py) on the default runtime, told only a module
 * and a type, with fixed seeds: a race of one iterator advanced from two
 * threads (itertools.cycle), a race of another module's function reading a
 * shared object another thread writes (pickle, min, list(), ... on a dict),
 * a terminal operation racing the readers (memoryview.release against its
 * getters), each within 60 s; a cross-module finding's case replays. About
 * three minutes. The quiet direction (tests/data/fuzz/lockedmod.py, a list
 * wrapper that keeps its lock) is not asserted here yet: quiet in most 20-60 s
 * runs, it showed one race in one run, in an object the pool had handed
 * the wrapper (P.insert + pop), not yet told apart from the wrapper's own. */
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

#define DATA TEST_DATA_DIR "/fuzz"
/* Fuzzing time: the races show well within it on the 2-core CI machine. */
#define BUDGET "40"

static char corpus[] = "/tmp/ftstress-test-fuzz-pool-XXXXXX";

#define ftstress(out, ...) cli_ftstress(out, corpus, __VA_ARGS__)

static double first_finding(const char *out) {
    return cli_numberAfter(out, "first finding after ");
}

static void test_one_iterator_advanced_from_two_threads_races(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz itertools:cycle --time " BUDGET " --runs 1 --seed 1");
    cli_show(out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "pool mode, "));
    /* both sides in cycle_next: two threads' next() on the one iterator */
    assert_non_null(
        strstr(out, "data-race:itertoolsmodule.c:cycle_next,itertoolsmodule.c:cycle_next"));
    double first = first_finding(out);
    assert_true(first >= 0 && first < 60);
    /* the op pairs that ran concurrently are reported (unless every
     * process crashed in its first 2 s: cycle_next also segfaults) */
    assert_true(strstr(out, "op-pair coverage: ") != NULL || strstr(out, "crash") != NULL);
    free(out);
}

static void test_terminal_operation_races_the_readers(void **state) {
    char *out;
    int status = ftstress(&out, "fuzz builtins:memoryview --time " BUDGET " --runs 1 --seed 1");
    cli_show(out);
    assert_int_equal(status, 1);
    /* release() (drawn rarely, late in a sequence) against a getter */
    assert_true(strstr(out, "data-race:memoryobject.c:_memory_release,") != NULL ||
                strstr(out, "data-race:memoryobject.c:mbuf_release,") != NULL);
    double first = first_finding(out);
    assert_true(first >= 0 && first < 60);
    free(out);
}

/* The case of the first data race of the JSON report whose signature
 * names the json encoder (_json.c): json.dumps read a pool container that
 * another thread's operation wrote. Caller frees. */
static char *cross_module_case(const char *json) {
    const char *key = "\\nreplay: ftstress replay ";
    for (const char *f = strstr(json, "\"signature\": \"data-race:"); f != NULL;) {
        const char *next = strstr(f + 1, "\"signature\": \"data-race:");
        const char *eol = strchr(f, '\n');
        const char *encoder = strstr(f, "_json.c:");
        const char *replay = strstr(f, key);
        const char *end = next ? next : json + strlen(json);
        if (encoder != NULL && encoder < eol && replay != NULL && replay < end) {
            replay += strlen(key);
            return util_strndup(replay, strcspn(replay, "\\\""));
        }
        f = next;
    }
    return NULL;
}

static void test_cross_module_call_race_is_found_and_replays(void **state) {
    char *out;
    char *json = util_asprintf("%s/json.json", corpus);
    unsetenv("FTSTRESS_FUZZ_MINIMIZE"); /* the case minimized, as users get it */
    int status =
        ftstress(&out, "fuzz json:dumps --time " BUDGET " --runs 1 --seed 1 --json %s", json);
    cli_show(out);
    setenv("FTSTRESS_FUZZ_MINIMIZE", "0", 1);
    assert_int_equal(status, 1);
    double first = first_finding(out);
    assert_true(first >= 0 && first < 60);
    char *doc = util_readFile(json, NULL);
    assert_non_null(doc);
    char *case_path = cross_module_case(doc);
    assert_non_null(case_path);
    assert_true(util_isFile(case_path));
    free(out);
    status = ftstress(&out, "replay %s", case_path);
    cli_show(out);
    if (strstr(out, "not a scenario case") != NULL) {
        free(out);
        status = ftstress(&out, "fuzz %s", case_path);
        cli_show(out);
    }
    assert_non_null(strstr(out, "replaying "));
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "replay: the failure reproduced"));
    free(out);
    free(case_path);
    free(doc);
    free(json);
}

static int setup(void **state) {
    if (mkdtemp(corpus) == NULL) {
        return -1;
    }
    /* minimization
     * only where a test asks for it (it spends half the budget again) */
    return setenv("PYTHONPATH", DATA, 1) == 0 && setenv("FTSTRESS_FUZZ_MINIMIZE", "0", 1) == 0 ? 0
                                                                                               : -1;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf %s", corpus);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_iterator_advanced_from_two_threads_races),
        cmocka_unit_test(test_terminal_operation_races_the_readers),
        cmocka_unit_test(test_cross_module_call_race_is_found_and_replays),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
