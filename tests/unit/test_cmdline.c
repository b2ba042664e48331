/* Unit tests of src/cmdline.c: commands, options, defaults and usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"

#define ARGV(...) ((char *[]){"ftstress", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"ftstress", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(cfg, ...) cmdline_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), cfg)

static void test_run_with_no_paths_uses_defaults(void **state) {
    struct ftstress_config cfg;
    assert_int_equal(PARSE(&cfg, "run"), -1);
    assert_int_equal(cfg.command, CMD_RUN);
    assert_int_equal(cfg.npaths, 0);
    assert_int_equal(cfg.threads, 2);
    assert_int_equal(cfg.noise, NOISE_LOW);
    assert_string_equal(cfg.flavour, "tsan");
    assert_false(cfg.seed_given);
}

static void test_options_before_and_after_the_command_are_taken(void **state) {
    struct ftstress_config cfg;
    assert_int_equal(PARSE(&cfg, "-t", "4", "run", "a.py", "--seed", "0x2a", "--noise", "high",
                           "b.py", "--time", "2m"),
                     -1);
    assert_int_equal(cfg.threads, 4);
    assert_int_equal(cfg.seed, 42);
    assert_true(cfg.seed_given);
    assert_int_equal(cfg.noise, NOISE_HIGH);
    assert_true(cfg.time_budget == 120.0);
    assert_int_equal(cfg.npaths, 2);
    assert_string_equal(cfg.paths[0], "a.py");
    assert_string_equal(cfg.paths[1], "b.py");
}

static void test_runtime_subcommands_are_recognised(void **state) {
    struct ftstress_config cfg;
    assert_int_equal(PARSE(&cfg, "runtime", "info"), -1);
    assert_int_equal(cfg.command, CMD_RUNTIME_INFO);
    assert_int_equal(PARSE(&cfg, "runtime", "build", "--flavour", "release", "--source", "/s"), -1);
    assert_int_equal(cfg.command, CMD_RUNTIME_BUILD);
    assert_string_equal(cfg.flavour, "release");
    assert_string_equal(cfg.source, "/s");
}

static void test_usage_errors_exit_2(void **state) {
    struct ftstress_config cfg;
    assert_int_equal(PARSE(&cfg, "frobnicate"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--threads", "0"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--threads", "two"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--noise", "loud"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--seed", "-1"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--bogus"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "run", "--threads"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "replay"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "runtime", "frob"), EXIT_USAGE);
    assert_int_equal(PARSE(&cfg, "--flavour", "debug", "run"), EXIT_USAGE);
}

static void test_help_and_version_end_the_program_cleanly(void **state) {
    struct ftstress_config cfg;
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    int help = PARSE(&cfg, "--help");
    int version = PARSE(&cfg, "run", "--version");
    fclose(stdout);
    stdout = saved;
    assert_int_equal(help, EXIT_CLEAN);
    assert_int_equal(version, EXIT_CLEAN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_with_no_paths_uses_defaults),
        cmocka_unit_test(test_options_before_and_after_the_command_are_taken),
        cmocka_unit_test(test_runtime_subcommands_are_recognised),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_help_and_version_end_the_program_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
