/* Integration tests of `ftstress campaign` on the real runtime: sharding is
 * invisible in the merged result, a campaign killed with SIGKILL and started
 * again loses nothing and keeps its budget, and a baseline fails the job on
 * new findings only. The campaign files are the .conf files of
 * tests/data/campaign; each keeps its items small (seconds each). */
#include <glob.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_helpers.h"
#include "json_reader.h"
#include "util.h"

#define CAMPAIGNS TEST_DATA_DIR "/campaign"

static char work[] = "/tmp/ftstress-test-campaign-XXXXXX";

/* Runs `ftstress ARGS` (stderr merged into stdout); returns its exit status,
 * its output in *out (caller frees) and its wall time in *seconds. */
static int ftstress(char **out, double *seconds, const char *fmt, ...) {
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    char *cmd = util_asprintf("%s %s 2>&1", FTSTRESS_BIN, args);
    double start = util_now();
    int status = cli_capture(cmd, out);
    if (seconds != NULL) {
        *seconds = util_now() - start;
    }
    free(cmd);
    return status;
}

/* Shows a command's whole output (print_message cuts long text). */
static void show(const char *what, const char *out) {
    printf("---- %s ----\n", what);
    fputs(out, stdout);
    fflush(stdout);
}

/* Builds tests/data/ext/racyext.c against the runtime for racyext_bump.py. */
static int setup(void **state) {
    if (mkdtemp(work) == NULL) {
        return -1;
    }
    char *out;
    if (ftstress(&out, NULL, "runtime info") != 0) {
        fprintf(stderr, "no runtime: %s\n", out);
        return -1;
    }
    const char *p = strstr(out, "\ninclude ");
    if (p == NULL) {
        return -1;
    }
    p += strlen("\ninclude ");
    while (*p == ' ') {
        p++;
    }
    char *include = util_strndup(p, strcspn(p, "\n"));
    char *dir = util_asprintf("%s/racyext", work);
    char *cmd = util_asprintf("bash %s/ext/build.sh %s %s", TEST_DATA_DIR, include, dir);
    int rc = system(cmd);
    setenv("RACYEXT_DIR", dir, 1);
    free(cmd);
    free(dir);
    free(include);
    free(out);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf '%s'", work);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

/* A report's findings as sorted "SIGNATURE seeds=S1,S2" lines, one string. */
static char *finding_set(const char *report) {
    struct jsonr_value root;
    char *error = NULL;
    if (!jsonr_parseFile(report, NULL, &root, &error)) {
        print_error("%s\n", error);
        fail();
    }
    const struct jsonr_value *findings = jsonr_get(&root, "findings");
    assert_non_null(findings);
    char **lines = calloc(findings->count + 1, sizeof(char *));
    for (size_t i = 0; i < findings->count; i++) {
        const struct jsonr_value *f = &findings->items[i];
        const struct jsonr_value *seeds = jsonr_get(f, "seeds");
        char seedtext[1024] = "";
        for (size_t s = 0; s < seeds->count; s++) {
            strcat(seedtext, s ? "," : "");
            strncat(seedtext, seeds->items[s].string, 40);
        }
        lines[i] = util_asprintf("%s seeds=%s", jsonr_get(f, "signature")->string, seedtext);
    }
    /* sorted (insertion: a report has few findings) */
    for (size_t i = 1; i < findings->count; i++) {
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    }
    size_t len = 1;
    for (size_t i = 0; i < findings->count; i++) {
        len += strlen(lines[i]) + 1;
    }
    char *text = calloc(1, len);
    for (size_t i = 0; i < findings->count; i++) {
        strcat(text, lines[i]);
        strcat(text, "\n");
        free(lines[i]);
    }
    free(lines);
    jsonr_free(&root);
    return text;
}

static void test_a_bad_campaign_file_exits_2_naming_its_file_and_line(void **state) {
    char *out;
    int status = ftstress(&out, NULL, "campaign --config %s/bad_option.conf --state %s/bad",
                          CAMPAIGNS, work);
    show("bad campaign file", out);
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "bad_option.conf:4: unknown option 'iteratons'"));
    free(out);
    status = ftstress(&out, NULL, "campaign --state %s/bad", work);
    assert_int_equal(status, 2);
    assert_non_null(strstr(out, "needs --config FILE"));
    free(out);
}

static void test_two_shards_merged_give_the_findings_and_seeds_of_one_unsharded_run(void **state) {
    char *out;
    int status =
        ftstress(&out, NULL, "campaign --config %s/quick.conf --budget 5m --state %s/whole",
                 CAMPAIGNS, work);
    show("unsharded", out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "4/4 items done"));
    free(out);
    for (int k = 0; k < 2; k++) {
        status = ftstress(&out, NULL,
                          "campaign --config %s/quick.conf --budget 5m --state %s/shard%d "
                          "--shard %d/2",
                          CAMPAIGNS, work, k, k);
        show("shard", out);
        assert_int_equal(status, 1);
        assert_non_null(strstr(out, "2/2 items done"));
        free(out);
    }
    status =
        ftstress(&out, NULL, "merge %s/shard0 %s/shard1 --json %s/merged.json", work, work, work);
    show("merge", out);
    assert_int_equal(status, 1);
    free(out);
    char *whole_path = util_asprintf("%s/whole/report.json", work);
    char *merged_path = util_asprintf("%s/merged.json", work);
    char *whole = finding_set(whole_path);
    char *merged = finding_set(merged_path);
    print_message("unsharded:\n%smerged shards:\n%s", whole, merged);
    assert_string_equal(whole, merged);
    /* the crash and the data race are certain; lost updates near enough */
    assert_non_null(strstr(whole, "crash:"));
    assert_non_null(strstr(whole, "data-race:racyext.c:bump_counter,racyext.c:bump_counter"));
    free(whole);
    free(merged);
    free(whole_path);
    free(merged_path);
}

static bool any_result(const char *state_dir) {
    char *pattern = util_asprintf("%s/items/*/result", state_dir);
    glob_t g;
    bool found = glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0;
    if (found) {
        globfree(&g);
    }
    free(pattern);
    return found;
}

static void test_a_campaign_killed_mid_way_goes_on_where_it_was_within_its_budget(void **state) {
    char *dir = util_asprintf("%s/killed", work);
    char *log = util_asprintf("%s/killed.log", work);
    pid_t pid = fork();
    if (pid == 0) {
        freopen(log, "w", stdout);
        dup2(fileno(stdout), 2);
        execl(FTSTRESS_BIN, FTSTRESS_BIN, "campaign", "--config", CAMPAIGNS "/kill.conf",
              "--budget", "60s", "--state", dir, (char *)NULL);
        _exit(127);
    }
    /* SIGKILL as soon as the first item has its result: the next is running. */
    double start = util_now();
    while (!any_result(dir) && util_now() - start < 120) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(any_result(dir));
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    char *first_log = util_readFile(log, NULL);
    show("campaign before SIGKILL", first_log);
    free(first_log);
    char *report = util_asprintf("%s/report.json", dir);
    char *before = finding_set(report);
    print_message("reported before the kill:\n%s", before);

    char *out;
    double seconds;
    status = ftstress(&out, &seconds, "campaign --config %s/kill.conf --budget 60s --state %s",
                      CAMPAIGNS, dir);
    show("campaign started again", out);
    print_message("took %.1f s of its 60 s budget\n", seconds);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "resuming: "));
    assert_non_null(strstr(out, "3/3 items done"));
    /* on time: the budget holds for the campaign started again */
    assert_true(seconds <= 62);
    char *after = finding_set(report);
    print_message("after:\n%s", after);
    /* every finding reported before the kill is still there */
    for (const char *line = before; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        char *sig = util_strndup(line, strcspn(line, " "));
        assert_non_null(strstr(after, sig));
        free(sig);
        line += n + 1;
    }
    assert_non_null(strstr(after, "crash:"));
    free(after);
    free(before);
    free(out);
    free(report);
    free(dir);
    free(log);
}

static void test_a_baseline_fails_the_campaign_on_new_findings_only(void **state) {
    char *out;
    char *baseline = util_asprintf("%s/baseline.txt", work);
    /* 1. a first campaign writes the baseline of what it found */
    int status = ftstress(&out, NULL,
                          "campaign --config %s/baseline_first.conf --budget 3m --state %s/b1 "
                          "--update-baseline %s",
                          CAMPAIGNS, work, baseline);
    show("first campaign", out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "baseline written: "));
    free(out);
    char *text = util_readFile(baseline, NULL);
    assert_non_null(strstr(text, "\ncrash:"));
    /* plus an entry no run will see again */
    char *more = util_asprintf("%sdata-race:gone.c:f,gone.c:f\tfixed long ago\n", text);
    assert_true(util_writeFileAtomic(baseline, more, strlen(more)));
    free(more);
    free(text);

    /* 2. the same campaign again, gated by the baseline: nothing new */
    status = ftstress(&out, NULL,
                      "campaign --config %s/baseline_first.conf --budget 3m --state %s/b2 "
                      "--baseline %s",
                      CAMPAIGNS, work, baseline);
    show("second campaign", out);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "known finding"));
    assert_non_null(strstr(out, ", 0 new\n"));
    assert_null(strstr(out, "  new: "));
    assert_non_null(
        strstr(out, "not seen again (a candidate to prune): data-race:gone.c:f,gone.c:f"));
    free(out);

    /* 3. a new racy scenario in the campaign file, on the same state
     * directory: only it runs, and only its finding is new */
    status = ftstress(&out, NULL,
                      "campaign --config %s/baseline_second.conf --budget 3m --state %s/b2 "
                      "--baseline %s",
                      CAMPAIGNS, work, baseline);
    show("third campaign", out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "resuming: 2 items already done"));
    assert_non_null(strstr(out, ", 1 new\n"));
    const char *line = strstr(out, "  new: ");
    assert_non_null(line);
    assert_non_null(strstr(line, "data-race:racyext.c:bump_counter,racyext.c:bump_counter"));
    assert_null(strstr(line + 1, "  new: "));
    free(out);
    free(baseline);
}

/* Tests and fuzz targets write the same report as scenarios: a campaign's
 * merged report, HTML included, holds every kind of item with its findings. */
static void test_tests_and_fuzz_targets_reach_the_merged_report(void **state) {
    char *out;
    int status = ftstress(&out, NULL,
                          "campaign --config %s/mixed.conf --budget 3m --state %s/mixed "
                          "--html %s/mixed.html",
                          CAMPAIGNS, work, work);
    show("mixed campaign", out);
    assert_int_equal(status, 1);
    assert_null(strstr(out, "without a JSON report"));
    free(out);
    char *report = util_asprintf("%s/mixed/report.json", work);
    char *doc = util_readFile(report, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"name\": \"counter_global\",\n      \"kind\": \"scenario\""));
    assert_non_null(strstr(doc, "\"name\": \"test_fail.py::test_wrong_everywhere\",\n"
                                "      \"kind\": \"test\""));
    assert_non_null(strstr(doc, "\"name\": \"bytesio\",\n      \"kind\": \"fuzz\""));
    assert_non_null(
        strstr(doc, "\"signature\": \"outcome:test_fail.py::test_wrong_everywhere:failed\""));
    assert_non_null(strstr(doc, "\"scenario\": \"bytesio\""));
    free(doc);
    char *html_path = util_asprintf("%s/mixed.html", work);
    char *html = util_readFile(html_path, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "test_fail.py::test_wrong_everywhere"));
    assert_non_null(strstr(html, "fuzz target"));
    free(html);
    free(html_path);
    free(report);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_bad_campaign_file_exits_2_naming_its_file_and_line),
        cmocka_unit_test(test_two_shards_merged_give_the_findings_and_seeds_of_one_unsharded_run),
        cmocka_unit_test(test_a_campaign_killed_mid_way_goes_on_where_it_was_within_its_budget),
        cmocka_unit_test(test_a_baseline_fails_the_campaign_on_new_findings_only),
        cmocka_unit_test(test_tests_and_fuzz_targets_reach_the_merged_report),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
