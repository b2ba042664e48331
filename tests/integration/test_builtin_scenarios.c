/* Integration tests: every built-in scenario gives its documented verdict on
 * the default runtime (scenarios/builtin/README.md). Both directions: each
 * racy scenario is reported (exit 1) at the defaults, each correct twin and
 * must-pass check stays quiet (exit 0) over 1000 iterations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "util.h"

#define BUILTIN SOURCE_DIR "/scenarios/builtin"

static char corpus[] = "/tmp/ftstress-builtin-corpus-XXXXXX";

/* Exit status of `ftstress ARGS`; the output is printed when it is not the expected one. */
static int ftstress(int expected, const char *args) {
    char *cmd = util_asprintf("%s --corpus %s %s 2>&1", FTSTRESS_BIN, corpus, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
        fwrite(buf, 1, n, mem);
    }
    fclose(mem);
    int status = pclose(p);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (code != expected) {
        print_message("---- %s ----\n%s\n", cmd, out);
    }
    free(out);
    free(cmd);
    return code;
}

/* Racy: reported at the defaults (2 threads, 200 iterations, 2 runs). */
static const char *const racy[] = {
    "counter_global",          "counter_attr",     "counter_dict",       "counter_list",
    "counter_update",          "lazy_init",        "dict_get_or_create", "bytesio_write",
    "counter_update_iterable", "generator_shared",
};

/* Quiet: correct twins and must-pass checks, over 1000 iterations. */
static const char *const quiet[] = {
    "counter_global_locked",
    "counter_attr_locked",
    "counter_dict_locked",
    "counter_list_locked",
    "counter_update_locked",
    "counter_update_iterable_locked",
    "lazy_init_locked",
    "dict_get_or_create_safe",
    "bytesio_write_locked",
    "generator_shared_locked",
    "list_append",
    "set_add_discard",
    "deque_append_pop",
    "queue_handoff",
    "itertools_count_shared",
};

static void test_every_racy_builtin_scenario_is_reported(void **state) {
    int missed = 0;
    for (size_t i = 0; i < sizeof(racy) / sizeof(racy[0]); i++) {
        /* A crash that wedges the interpreter is a hang: found, but no need to wait long. */
        char *args = util_asprintf("run --timeout 30 %s/%s.py", BUILTIN, racy[i]);
        if (ftstress(1, args) != 1) {
            print_message("not reported: %s\n", racy[i]);
            missed++;
        }
        free(args);
    }
    assert_int_equal(missed, 0);
}

static void test_every_correct_twin_stays_quiet_over_1000_iterations(void **state) {
    int noisy = 0;
    for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
        char *args = util_asprintf("run -n 1000 -r 1 %s/%s.py", BUILTIN, quiet[i]);
        if (ftstress(0, args) != 0) {
            print_message("not quiet: %s\n", quiet[i]);
            noisy++;
        }
        free(args);
    }
    assert_int_equal(noisy, 0);
}

static void test_every_builtin_scenario_is_in_one_of_the_lists(void **state) {
    char *cmd = util_asprintf("%s scenarios", FTSTRESS_BIN);
    FILE *p = popen(cmd, "r");
    char line[1024];
    int listed = 0;
    while (fgets(line, sizeof(line), p) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
        bool known = false;
        for (size_t i = 0; i < sizeof(racy) / sizeof(racy[0]); i++) {
            char *name = util_asprintf("%s.py", racy[i]);
            known |= strcmp(base, name) == 0;
            free(name);
        }
        for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
            char *name = util_asprintf("%s.py", quiet[i]);
            known |= strcmp(base, name) == 0;
            free(name);
        }
        if (!known) {
            print_message("a built-in scenario no test covers: %s\n", base);
        }
        listed += known;
        assert_true(known);
    }
    pclose(p);
    free(cmd);
    assert_int_equal(listed,
                     (int)(sizeof(racy) / sizeof(racy[0]) + sizeof(quiet) / sizeof(quiet[0])));
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
        cmocka_unit_test(test_every_builtin_scenario_is_in_one_of_the_lists),
        cmocka_unit_test(test_every_racy_builtin_scenario_is_reported),
        cmocka_unit_test(test_every_correct_twin_stays_quiet_over_1000_iterations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
