/* Integration test of `ftstress merge --html --history`: two real runs of a
 * racy scenario with different seeds, merged into one report whose HTML is
 * opened in headless Chromium, the way a person would open the CI artifact.
 *
 * Chromium is required (ci/debian-packages.txt installs it): without it the
 * test fails, it does not skip, so CI cannot go green without having looked.
 * Set FTSTRESS_KEEP_TEST_OUTPUT=1 to keep the reports and the screenshot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_helpers.h"
#include "json_reader.h"
#include "util.h"

#define SCENARIOS SOURCE_DIR "/scenarios/builtin"

static char dir[] = "/tmp/ftstress-test-html-XXXXXX";

/* Runs a shell command line; returns its exit status and its output (stderr
 * merged) in *out (caller frees, may be NULL). */
static int shell(char **out, const char *fmt, ...) {
    char cmdline[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmdline, sizeof(cmdline), fmt, ap);
    va_end(ap);
    char *cmd = util_asprintf("%s 2>&1", cmdline);
    int status = cli_capture(cmd, out);
    free(cmd);
    return status;
}

static const char *chromium_flags =
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync";

/* Runs chromium on the HTML file with extra (--screenshot=... or --dump-dom). */
static int chromium(char **out, const char *extra, const char *html) {
    char *profile = util_asprintf("%s/chromium-profile-XXXXXX", dir);
    assert_non_null(mkdtemp(profile));
    int status = shell(out, "timeout 180 chromium %s --user-data-dir=%s %s file://%s",
                       chromium_flags, profile, extra, html);
    free(profile);
    return status;
}

static int setup(void **state) {
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state) {
    const char *keep = getenv("FTSTRESS_KEEP_TEST_OUTPUT");
    if (keep != NULL && keep[0] != '\0' && strcmp(keep, "0") != 0) {
        print_message("kept the test output in %s\n", dir);
        return 0;
    }
    char *cmd = util_asprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

/* One run of the racy counter with seed, its JSON report at DIR/NAME.json. */
static void run_scenario(const char *name, int seed) {
    char *out;
    int status = shell(&out, "%s --corpus %s/corpus run -n 30 -r 1 --seed %d --json %s/%s.json %s",
                       FTSTRESS_BIN, dir, seed, dir, name, SCENARIOS "/counter_global.py");
    if (status != 0 && status != 1) {
        print_error("ftstress run exited %d:\n%s\n", status, out);
        fail();
    }
    free(out);
}

static void test_merged_html_report_renders_in_chromium(void **state) {
    char *out;
    /* Chromium first: a missing browser is a broken environment, said plainly. */
    if (shell(NULL, "command -v chromium") != 0) {
        print_error("chromium is not installed, and this test needs it to render the HTML "
                    "report: apt-get install -y chromium (ci/debian-packages.txt lists it, "
                    "ci/bootstrap installs it)\n");
        fail();
    }
    run_scenario("a", 1);
    run_scenario("b", 2);

    /* Two nights of history: a alone, then a and b merged. */
    char *history = util_asprintf("%s/history.json", dir);
    int status = shell(&out,
                       "SOURCE_DATE_EPOCH=1738200000 %s merge %s/a.json --json "
                       "%s/night1.json --history %s",
                       FTSTRESS_BIN, dir, dir, history);
    print_message("%s", out);
    assert_true(status == 0 || status == 1);
    free(out);
    char *html = util_asprintf("%s/report.html", dir);
    status = shell(&out,
                   "SOURCE_DATE_EPOCH=1738286400 %s merge %s/a.json %s/b.json --json "
                   "%s/merged.json --html %s --history %s",
                   FTSTRESS_BIN, dir, dir, dir, html, history);
    print_message("%s", out);
    assert_true(status == 0 || status == 1);
    assert_non_null(strstr(out, "merged 2 reports: 1 scenario"));
    free(out);

    /* The merge added up both runs. */
    char *merged = util_asprintf("%s/merged.json", dir);
    struct jsonr_value root;
    char *error = NULL;
    if (!jsonr_parseFile(merged, NULL, &root, &error)) {
        print_error("%s\n", error);
        fail();
    }
    const struct jsonr_value *scenarios = jsonr_get(&root, "scenarios");
    assert_non_null(scenarios);
    assert_int_equal(scenarios->count, 1);
    assert_int_equal(jsonr_get(&scenarios->items[0], "runs")->integer, 2);
    assert_int_equal(jsonr_get(&scenarios->items[0], "iterations")->integer, 60);
    jsonr_free(&root);
    assert_true(jsonr_parseFile(history, NULL, &root, &error));
    assert_int_equal(jsonr_get(&root, "entries")->count, 2);
    jsonr_free(&root);

    /* A screenshot: the page renders to something substantial. */
    char *png = util_asprintf("%s/report.png", dir);
    char *flag = util_asprintf("--window-size=1280,2400 --screenshot=%s", png);
    status = chromium(&out, flag, html);
    struct stat st;
    if (status != 0 || stat(png, &st) != 0) {
        print_error("chromium --screenshot failed (exit %d):\n%s\n", status, out);
        fail();
    }
    print_message("screenshot: %s (%lld bytes)\n", png, (long long)st.st_size);
    assert_true(st.st_size > 10 * 1024);
    free(out);

    /* The rendered DOM has the charts: the browser parsed the SVG as SVG. */
    status = chromium(&out, "--dump-dom", html);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "<svg id=\"histogram-counter_global\""));
    assert_non_null(strstr(out, "<svg id=\"findings-over-time\""));
    assert_non_null(strstr(out, "<polyline"));
    assert_non_null(strstr(out, "<g class=\"bar class-"));
    assert_non_null(strstr(out, "id=\"report-header\""));
    free(out);

    free(flag);
    free(png);
    free(merged);
    free(html);
    free(history);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merged_html_report_renders_in_chromium),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
