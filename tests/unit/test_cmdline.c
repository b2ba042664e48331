/* Unit tests of src/cli/cmdline.c: commands, options, defaults and usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Runs PARSE with stderr (and stdout) captured into buf. */
#define PARSE_CAPTURED(status, buf, cfg, ...)                                                      \
    do {                                                                                           \
        fflush(stderr);                                                                            \
        FILE *tmp_ = tmpfile();                                                                    \
        int saved_ = dup(2);                                                                       \
        dup2(fileno(tmp_), 2);                                                                     \
        status = PARSE(cfg, __VA_ARGS__);                                                          \
        fflush(stderr);                                                                            \
        dup2(saved_, 2);                                                                           \
        close(saved_);                                                                             \
        rewind(tmp_);                                                                              \
        size_t n_ = fread(buf, 1, sizeof(buf) - 1, tmp_);                                          \
        buf[n_] = '\0';                                                                            \
        fclose(tmp_);                                                                              \
    } while (0)

static void test_an_option_the_command_does_not_take_is_refused_by_name(void **state) {
    struct ftstress_config cfg;
    char err[1024];
    int status;
    PARSE_CAPTURED(status, err, &cfg, "scenarios", "--ops", "5");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "'scenarios' takes no option --ops"));
    assert_non_null(strstr(err, "fuzz"));
    PARSE_CAPTURED(status, err, &cfg, "scenarios", "-k", "foo");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "takes no option -k"));
    PARSE_CAPTURED(status, err, &cfg, "run", "--html", "x.html");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "'run' takes no option --html"));
    PARSE_CAPTURED(status, err, &cfg, "--shard", "1/2", "scenarios");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "--shard"));
    PARSE_CAPTURED(status, err, &cfg, "fuzz", "x:y", "--schedule", "pct");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "'fuzz' takes no option --schedule"));
    PARSE_CAPTURED(status, err, &cfg, "runtime", "info", "--ops", "3");
    assert_int_equal(status, EXIT_USAGE);
    assert_non_null(strstr(err, "'runtime info' takes no option --ops"));
}

/* Numbers parse strictly, and each error names the option and the value. */
static void test_bad_numbers_are_usage_errors_naming_the_option(void **state) {
    static struct {
        char *cmd, *opt, *value;
        const char *expect;
    } cases[] = {
        {"run", "--timeout", "nan", "--timeout takes a duration"},
        {"run", "--timeout", "inf", "--timeout takes a duration"},
        {"run", "--time", "1e999", "--time takes a duration"},
        {"run", "--time", "-1", "--time takes a duration"},
        {"run", "--time", "5q", "--time takes a duration"},
        {"run", "--time", "", "--time takes a duration"},
        {"run", "--timeout", "0", "--timeout takes a duration of more than 0"},
        {"campaign", "--budget", "nan", "--budget takes a duration"},
        {"run", "--threads", "-2", "--threads takes a whole number from 1 to 256"},
        {"run", "--threads", " 2", "--threads takes a whole number"},
        {"run", "--threads", "+2", "--threads takes a whole number"},
        {"run", "--iterations", "10x", "--iterations takes a whole number"},
        {"run", "--iterations", "", "--iterations takes a whole number"},
        {"run", "--runs", "99999999999999999999", "--runs takes a whole number"},
        {"run", "--seed", "18446744073709551616", "--seed takes a non-negative"},
        {"run", "--seed", "0x", "--seed takes a non-negative"},
        {"run", "--seed", "-0", "--seed takes a non-negative"},
        {"fuzz", "--ops", "nan", "--ops takes a whole number"},
        {"campaign", "--shards", "0", "--shards takes a whole number from 1"},
        {"campaign", "--shard", "2/2", "--shard 2/2: K must be less than N"},
        {"run", "--json", "", "option '--json' needs a value"},
        {"run", "--depth", "17", "--depth takes a whole number from 1 to 16"},
        {"run", "--depth", "0", "--depth takes a whole number from 1 to 16"},
        {"run", "--schedule", "sometimes", "--schedule takes free, random or pct"},
        {"test", "--runner", "nose", "--runner takes auto, pytest or unittest"},
        {"venv", "--deps", "pypi", "--deps takes auto, index, debian or none"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ftstress_config cfg;
        char err[1024];
        int status;
        PARSE_CAPTURED(status, err, &cfg, cases[i].cmd, cases[i].opt, cases[i].value);
        if (status != EXIT_USAGE || strstr(err, cases[i].expect) == NULL ||
            strstr(err, cases[i].value) == NULL) {
            fail_msg("%s %s '%s': status %d, message '%s' (expected '%s')", cases[i].cmd,
                     cases[i].opt, cases[i].value, status, err, cases[i].expect);
        }
    }
}

static void test_good_values_of_every_kind_are_taken(void **state) {
    struct ftstress_config cfg;
    assert_int_equal(PARSE(&cfg, "campaign", "--budget", "1.5h", "--shard", "3/4", "--seed", "0xff",
                           "--timeout", "90s"),
                     -1);
    assert_true(cfg.budget == 5400.0);
    assert_int_equal(cfg.shard, 3);
    assert_int_equal(cfg.shards, 4);
    assert_int_equal(cfg.seed, 255);
    assert_true(cfg.timeout == 90.0);
    assert_int_equal(PARSE(&cfg, "test", "x.py", "--parallel-threads", "8", "-k", "a and not b",
                           "-x", "--until-failure", "--time", ".5"),
                     -1);
    assert_int_equal(cfg.threads, 8);
    assert_true(cfg.threads_given);
    assert_string_equal(cfg.keyword, "a and not b");
    assert_true(cfg.exitfirst && cfg.until_failure);
    assert_true(cfg.time_budget == 0.5);
    assert_int_equal(PARSE(&cfg, "run", "--schedule", "pct", "--depth", "16"), -1);
    assert_int_equal(cfg.schedule, 2);
    assert_int_equal(cfg.depth, 16);
    assert_int_equal(PARSE(&cfg, "venv", "d", "--deps", "debian", "--check"), -1);
    assert_string_equal(cfg.venv_deps, "debian");
    assert_true(cfg.venv_check);
}

/* Reads what cmdline_printCommandHelp prints for cmd. */
static char *command_help(enum ftstress_command cmd) {
    static char buf[16384];
    FILE *f = tmpfile();
    cmdline_printCommandHelp(f, cmd);
    rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_each_command_help_lists_its_own_options_only(void **state) {
    char *fuzz = command_help(CMD_FUZZ);
    assert_non_null(strstr(fuzz, "usage: ftstress fuzz [OPTIONS] TARGET"));
    assert_non_null(strstr(fuzz, "--ops N"));
    assert_non_null(strstr(fuzz, "--threads N"));
    assert_null(strstr(fuzz, "--shard"));
    assert_null(strstr(fuzz, "--exitfirst"));
    char *campaign = command_help(CMD_CAMPAIGN);
    assert_non_null(strstr(campaign, "--budget DURATION"));
    assert_null(strstr(campaign, "--ops"));
    char *build = command_help(CMD_RUNTIME_BUILD);
    assert_non_null(strstr(build, "usage: ftstress runtime build"));
    assert_non_null(strstr(build, "--source PATH"));
    assert_null(strstr(build, "--threads"));
}

static void test_every_option_applies_somewhere_and_its_help_fits_the_terminal(void **state) {
    for (size_t i = 0; i < cmdline_noptions; i++) {
        const struct opt_spec *o = &cmdline_options[i];
        assert_true(o->commands != 0 || o->items != 0);
        assert_int_equal(o->id, (int)i);
        for (const char *line = o->help; line != NULL; line = strchr(line, '\n')) {
            line += line[0] == '\n';
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            if (len > 55) {
                fail_msg("--%s: a help line of %zu characters: '%.*s'", o->name, len, (int)len,
                         line);
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_with_no_paths_uses_defaults),
        cmocka_unit_test(test_options_before_and_after_the_command_are_taken),
        cmocka_unit_test(test_runtime_subcommands_are_recognised),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_help_and_version_end_the_program_cleanly),
        cmocka_unit_test(test_an_option_the_command_does_not_take_is_refused_by_name),
        cmocka_unit_test(test_bad_numbers_are_usage_errors_naming_the_option),
        cmocka_unit_test(test_good_values_of_every_kind_are_taken),
        cmocka_unit_test(test_each_command_help_lists_its_own_options_only),
        cmocka_unit_test(test_every_option_applies_somewhere_and_its_help_fits_the_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
