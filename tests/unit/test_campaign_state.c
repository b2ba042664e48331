/* Unit tests of src/campaign/campaign_state.c and src/campaign/campaign_progress.c: the state
 * directory (what counts as done, resetting a half-done item, the lock, the
 * plan's shard) and the progress file. Also the --shard / --shards options
 * (cmdline.c) and their resolution (campaign.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "campaign.h"
#include "campaign_config.h"
#include "campaign_plan.h"
#include "campaign_progress.h"
#include "campaign_state.h"
#include "cmdline.h"
#include "manifest.h"
#include "util.h"

struct fixture {
    char *dir;
    struct campaign_plan plan;
};

static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = strdup("/tmp/ftstress-test-campaign-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    struct ftstress_config cfg;
    config_setDefaults(&cfg);
    struct campaign_config c;
    char *error = NULL;
    assert_true(campaign_configParse("s.conf",
                                     "scenario crash_segv.py\nscenario hang_deadlock.py\n",
                                     TEST_DATA_DIR "/scenarios", &c, &error));
    assert_true(campaign_planBuild(&c, &cfg, 1, &f->plan, &error));
    campaign_configFree(&c);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    char *cmd = util_asprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    campaign_planFree(&f->plan);
    free(f->dir);
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text) {
    assert_true(util_writeFileAtomic(path, text, strlen(text)));
}

static void test_opening_creates_the_layout_and_locks_the_directory(void **state) {
    struct fixture *f = *state;
    char *dir = util_asprintf("%s/state", f->dir);
    struct campaign_state s;
    char *error = NULL;
    assert_true(campaign_stateOpen(dir, &s, &error));
    assert_true(util_isDir(s.items));
    assert_true(util_isDir(s.corpus));
    assert_int_equal(s.corpus[0], '/');
    /* a second campaign on the same directory (another process: flock
     * is per open file) is refused */
    pid_t pid = fork();
    if (pid == 0) {
        struct campaign_state other;
        char *err = NULL;
        bool ok = campaign_stateOpen(dir, &other, &err);
        _exit(!ok && err && strstr(err, "in use by another campaign") ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    campaign_stateClose(&s);
    /* closed: it opens again */
    assert_true(campaign_stateOpen(dir, &s, &error));
    campaign_stateClose(&s);
    free(dir);
}

static void test_a_saved_result_makes_the_item_done(void **state) {
    struct fixture *f = *state;
    struct campaign_state s;
    char *error = NULL;
    assert_true(campaign_stateOpen(f->dir, &s, &error));
    const struct campaign_item *it = &f->plan.items[0];
    struct campaign_result r;
    assert_false(campaign_stateLoadResult(&s, it, &r));
    assert_true(campaign_stateResetItem(&s, it));
    char *report = campaign_statePath(&s, it, "report.json");
    write_file(report, "{}");
    struct campaign_result saved = {.status = CAMPAIGN_FINDINGS,
                                    .exit_code = 1,
                                    .seconds = 2.5,
                                    .has_report = true,
                                    .finished = "2025-01-31T12:00:00Z"};
    assert_true(campaign_stateSaveResult(&s, it, &saved));
    assert_true(campaign_stateLoadResult(&s, it, &r));
    assert_int_equal(r.status, CAMPAIGN_FINDINGS);
    assert_int_equal(r.exit_code, 1);
    assert_true(r.has_report);
    assert_true(r.seconds == 2.5);
    assert_string_equal(r.finished, "2025-01-31T12:00:00Z");
    campaign_resultFree(&r);
    /* the other item is not done */
    assert_false(campaign_stateLoadResult(&s, &f->plan.items[1], &r));
    /* a result whose report went missing is not a completed item */
    unlink(report);
    assert_false(campaign_stateLoadResult(&s, it, &r));
    free(report);
    campaign_stateClose(&s);
}

static void test_a_result_for_another_seed_or_spec_is_not_done(void **state) {
    struct fixture *f = *state;
    struct campaign_state s;
    char *error = NULL;
    assert_true(campaign_stateOpen(f->dir, &s, &error));
    struct campaign_item it = f->plan.items[0];
    assert_true(campaign_stateResetItem(&s, &it));
    struct campaign_result saved = {.status = CAMPAIGN_CLEAN, .exit_code = 0};
    assert_true(campaign_stateSaveResult(&s, &it, &saved));
    struct campaign_result r;
    assert_true(campaign_stateLoadResult(&s, &it, &r));
    campaign_resultFree(&r);
    it.seed++;
    assert_false(campaign_stateLoadResult(&s, &it, &r));
    it.seed--;
    it.spec = "other parameters";
    assert_false(campaign_stateLoadResult(&s, &it, &r));
    campaign_stateClose(&s);
}

static void test_resetting_an_item_removes_what_a_killed_attempt_left(void **state) {
    struct fixture *f = *state;
    struct campaign_state s;
    char *error = NULL;
    assert_true(campaign_stateOpen(f->dir, &s, &error));
    const struct campaign_item *it = &f->plan.items[1];
    assert_true(campaign_stateResetItem(&s, it));
    char *files[] = {
        campaign_statePath(&s, it, "result"), campaign_statePath(&s, it, "report.json"),
        campaign_statePath(&s, it, "attempt-123.json"), campaign_statePath(&s, it, "output.log")};
    for (size_t i = 0; i < 4; i++) {
        write_file(files[i], "x=1\n");
    }
    assert_true(campaign_stateResetItem(&s, it));
    assert_false(util_isFile(files[0]));
    assert_false(util_isFile(files[1]));
    assert_false(util_isFile(files[2]));
    assert_true(util_isFile(files[3])); /* the log is overwritten by the next attempt */
    for (size_t i = 0; i < 4; i++) {
        free(files[i]);
    }
    campaign_stateClose(&s);
}

static void test_a_directory_of_another_shard_is_refused(void **state) {
    struct fixture *f = *state;
    struct campaign_state s;
    char *error = NULL;
    assert_true(campaign_stateOpen(f->dir, &s, &error));
    assert_true(campaign_stateWritePlan(&s, &f->plan, "s.conf", 1, &error));
    char *path = util_asprintf("%s/plan", f->dir);
    struct manifest m;
    char err[256];
    assert_true(manifest_load(path, &m, err, sizeof(err)));
    assert_string_equal(manifest_get(&m, "shard"), "0/1");
    assert_string_equal(manifest_get(&m, "items"), "2");
    assert_non_null(strstr(manifest_get(&m, "item.0"), "scenario:crash_segv seed="));
    manifest_free(&m);
    /* the same shard again is fine; another is not */
    assert_true(campaign_stateWritePlan(&s, &f->plan, "s.conf", 1, &error));
    f->plan.shards = 2;
    f->plan.shard = 1;
    assert_false(campaign_stateWritePlan(&s, &f->plan, "s.conf", 1, &error));
    assert_non_null(strstr(error, "holds shard 0/1 of a campaign, not shard 1/2"));
    free(error);
    free(path);
    campaign_stateClose(&s);
}

static void test_the_progress_file_holds_counts_and_time_left(void **state) {
    struct fixture *f = *state;
    FILE *out = tmpfile();
    struct campaign_progress p;
    campaign_progressInit(&p, out, util_now() + 725);
    assert_false(p.tty);
    p.total = 5;
    p.done = 2;
    p.resumed = 1;
    p.findings = 3;
    p.new_findings = 1;
    p.known_findings = 2;
    p.current = "scenario:x";
    char *path = util_asprintf("%s/progress", f->dir);
    assert_true(campaign_progressWrite(&p, path, "running", "item.0=scenario:x running\n"));
    struct manifest m;
    char err[256];
    assert_true(manifest_load(path, &m, err, sizeof(err)));
    assert_string_equal(manifest_get(&m, "state"), "running");
    assert_string_equal(manifest_get(&m, "done"), "2");
    assert_string_equal(manifest_get(&m, "pending"), "3");
    assert_string_equal(manifest_get(&m, "new"), "1");
    assert_string_equal(manifest_get(&m, "known"), "2");
    assert_string_equal(manifest_get(&m, "current"), "scenario:x");
    assert_string_equal(manifest_get(&m, "item.0"), "scenario:x running");
    assert_true(atof(manifest_get(&m, "time_left")) > 700);
    manifest_free(&m);
    /* plain lines carry a UTC timestamp */
    campaign_progressLine(&p, "hello %d", 7);
    rewind(out);
    char line[128];
    assert_non_null(fgets(line, sizeof(line), out));
    assert_int_equal(line[4], '-');
    assert_int_equal(line[19], 'Z');
    assert_string_equal(line + 21, "hello 7\n");
    char summary[256];
    campaign_progressSummary(&p, summary, sizeof(summary));
    assert_non_null(strstr(summary, "2/5 items done, 3 findings (1 new, 2 known), 12m0"));
    fclose(out);
    free(path);
}

static void test_durations_read_as_people_write_them(void **state) {
    char buf[32];
    assert_string_equal(campaign_duration(45, buf), "45s");
    assert_string_equal(campaign_duration(724, buf), "12m04s");
    assert_string_equal(campaign_duration(7500, buf), "2h05m");
    assert_string_equal(campaign_duration(-3, buf), "0s");
}

static int parse(struct ftstress_config *cfg, const char *a, const char *b, const char *c) {
    char *argv[] = {"ftstress", "campaign", (char *)a, (char *)b, (char *)c, NULL};
    int argc = c ? 5 : b ? 4 : 3;
    return cmdline_parse(argc, argv, cfg);
}

static void test_shard_options_and_job_completion_index(void **state) {
    struct ftstress_config cfg;
    int k, n;
    assert_int_equal(parse(&cfg, "--shard", "2/4", NULL), -1);
    assert_int_equal(cfg.command, CMD_CAMPAIGN);
    assert_true(campaign_resolveShard(&cfg, &k, &n));
    assert_int_equal(k, 2);
    assert_int_equal(n, 4);
    assert_int_equal(parse(&cfg, "--shard", "4/4", NULL), EXIT_USAGE);
    assert_int_equal(parse(&cfg, "--shard", "1", NULL), EXIT_USAGE);
    assert_int_equal(parse(&cfg, "--shard", "a/3", NULL), EXIT_USAGE);
    assert_int_equal(parse(&cfg, "--shard=1/3", "--shards", "4"), EXIT_USAGE);
    /* unsharded */
    assert_int_equal(parse(&cfg, "--budget", "90m", NULL), -1);
    assert_true(cfg.budget == 5400);
    assert_true(campaign_resolveShard(&cfg, &k, &n));
    assert_int_equal(k, 0);
    assert_int_equal(n, 1);
    assert_int_equal(parse(&cfg, "--budget", "0", NULL), EXIT_USAGE);
    /* --shards N: K from Kubernetes' $JOB_COMPLETION_INDEX */
    assert_int_equal(parse(&cfg, "--shards", "3", NULL), -1);
    unsetenv("JOB_COMPLETION_INDEX");
    assert_false(campaign_resolveShard(&cfg, &k, &n));
    setenv("JOB_COMPLETION_INDEX", "2", 1);
    assert_true(campaign_resolveShard(&cfg, &k, &n));
    assert_int_equal(k, 2);
    assert_int_equal(n, 3);
    setenv("JOB_COMPLETION_INDEX", "3", 1);
    assert_false(campaign_resolveShard(&cfg, &k, &n));
    /* an explicit --shard wins over the environment */
    assert_int_equal(parse(&cfg, "--shards", "3", "--shard=1/3"), -1);
    assert_true(campaign_resolveShard(&cfg, &k, &n));
    assert_int_equal(k, 1);
    unsetenv("JOB_COMPLETION_INDEX");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_opening_creates_the_layout_and_locks_the_directory,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_saved_result_makes_the_item_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_result_for_another_seed_or_spec_is_not_done, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resetting_an_item_removes_what_a_killed_attempt_left,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_directory_of_another_shard_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_progress_file_holds_counts_and_time_left, setup,
                                        teardown),
        cmocka_unit_test(test_durations_read_as_people_write_them),
        cmocka_unit_test(test_shard_options_and_job_completion_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
