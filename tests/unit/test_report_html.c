/* Unit tests of src/report/report_html.c (the HTML report), on the merge of the
 * fixture reports in tests/data/merge (see test_merge.c), whose crash finding
 * is titled "crash (signal 11) in <script>alert(1)</script> & \"friends\"". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "history.h"
#include "merge.h"
#include "report_html.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/merge"

struct html_fixture {
    struct merge m;
    struct output_run run;
    struct history history;
};

static int setup(void **state) {
    struct html_fixture *fx = calloc(1, sizeof(*fx));
    char *error = NULL;
    if (!merge_addPath(&fx->m, DATA "/a.json", &error) ||
        !merge_addPath(&fx->m, DATA "/b.json", &error)) {
        print_error("%s\n", error);
        return -1;
    }
    merge_finish(&fx->m);
    merge_outputRun(&fx->m, &fx->run, NULL, 0);
    history_append(&fx->history, &fx->run, 1738200000);
    history_append(&fx->history, &fx->run, 1738286400);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    struct html_fixture *fx = *state;
    history_free(&fx->history);
    merge_free(&fx->m);
    free(fx);
    return 0;
}

static char *render(struct html_fixture *fx, bool with_history) {
    struct report_html_options opts = {
        .history = with_history ? &fx->history : NULL,
        .generated = 1738286400,
        .inputs = (const char *const *)fx->m.inputs,
        .ninputs = fx->m.ninputs,
    };
    size_t len;
    char *doc = report_htmlRender(&fx->run, &opts, &len);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    return doc;
}

static size_t occurrences(const char *text, const char *what) {
    size_t n = 0;
    for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what)) {
        n++;
    }
    return n;
}

static void test_markup_in_a_title_is_escaped(void **state) {
    char *doc = render(*state, true);
    /* The title's <script> is text, not an element: the only script element
     * is the report's own, at the end. */
    assert_null(strstr(doc, "<script>alert(1)"));
    assert_non_null(strstr(doc, "crash (signal 11) in &lt;script&gt;alert(1)&lt;/script&gt; "
                                "&amp; \"friends\""));
    assert_int_equal(occurrences(doc, "<script"), 1);
    assert_int_equal(occurrences(doc, "</script>"), 1);
    /* So are the stacks: "<b>" in the detail, "<module>" in the Python stack. */
    assert_null(strstr(doc, "<b>not bold</b>"));
    assert_non_null(strstr(doc, "&lt;b&gt;not bold&lt;/b&gt;"));
    assert_non_null(strstr(doc, "line 1 in &lt;module&gt;"));
    assert_null(strstr(doc, "<module>"));
    free(doc);
}

static void test_has_a_histogram_per_scenario_coloured_by_class(void **state) {
    char *doc = render(*state, false);
    assert_non_null(strstr(doc, "<svg id=\"histogram-counter_global\""));
    assert_non_null(strstr(doc, "<svg id=\"histogram-bytesio_write\""));
    assert_non_null(strstr(doc, "<svg id=\"histogram-counter_global_locked\""));
    assert_non_null(strstr(doc, "<svg id=\"histogram-dict_iter\"")); /* empty, but there */
    assert_non_null(strstr(doc, "no outcomes recorded"));
    /* Bars: green for expected, orange for interesting, red for unexpected. */
    const char *expected = strstr(doc, "<g class=\"bar class-expected\">");
    const char *interesting = strstr(doc, "<g class=\"bar class-interesting\">");
    const char *unexpected = strstr(doc, "<g class=\"bar class-unexpected\">");
    assert_non_null(expected);
    assert_non_null(interesting);
    assert_non_null(unexpected);
    assert_non_null(strstr(expected, "fill=\"#2e7d32\""));
    assert_true(strstr(interesting, "fill=\"#ef6c00\"") < strstr(interesting, "</g>"));
    assert_true(strstr(unexpected, "fill=\"#e53935\"") < strstr(unexpected, "</g>"));
    /* The bar's tooltip has the numbers: 52 of 110 samples. */
    assert_non_null(strstr(doc, "<title>lost updates: 52 samples (47.3%), interesting"));
    /* The lost-update rate of counter_global: 34650 of 440000. */
    const char *lost = strstr(doc, "id=\"lost-updates-counter_global\"");
    assert_non_null(lost);
    assert_non_null(strstr(lost, "<strong>7.88%</strong>"));
    assert_non_null(strstr(lost, "34,650 of 440,000 updates lost"));
    /* Without a history there is no plot over time. */
    assert_null(strstr(doc, "findings-over-time"));
    free(doc);
}

static void test_findings_carry_badges_ids_and_stacks(void **state) {
    char *doc = render(*state, false);
    /* The data race, new and open; the crash, known and folded. */
    const char *race = strstr(doc, "<details class=\"finding new\" id=\"finding-febbf440c826a6db\" "
                                   "open>");
    assert_non_null(race);
    assert_non_null(strstr(race, "<span class=\"badge new\">NEW</span>"));
    assert_non_null(strstr(race, "data-race:bytesio.c:write_bytes,bytesio.c:write_bytes"));
    assert_non_null(strstr(race, "<pre class=\"detail\">WARNING: data race"));
    assert_non_null(strstr(race, "<pre class=\"python-stack\">Thread 0x00007f29"));
    assert_non_null(strstr(race, "2025-01-31 09:00:00 UTC")); /* first seen */
    assert_non_null(strstr(race, "2025-01-31 11:00:00 UTC")); /* last seen */
    assert_non_null(strstr(race, "206517032170449 273897666002848 3"));
    assert_non_null(strstr(race, "Modules/_io/bytesio.c:200 in write_bytes"));
    assert_non_null(
        strstr(doc, "<details class=\"finding known\" id=\"finding-fa2a636caa3d183c\">"));
    assert_non_null(strstr(doc, "<span class=\"badge known\">known</span>"));
    /* Header: version, runtime, parameters, the merged reports, the date. */
    assert_non_null(strstr(doc, "CPython 3.13.15 (tsan"));
    assert_non_null(strstr(doc, "2 threads, 40 iterations"));
    assert_non_null(strstr(doc, "2 reports: "));
    assert_non_null(strstr(doc, "2025-01-31 01:20:00 UTC"));
    free(doc);
}

static void test_history_draws_findings_over_time(void **state) {
    char *doc = render(*state, true);
    const char *plot = strstr(doc, "<svg id=\"findings-over-time\"");
    assert_non_null(plot);
    const char *end = strstr(plot, "</svg>");
    /* Three series, each a polyline over the two nights. */
    size_t lines = 0;
    for (const char *p = strstr(plot, "<polyline"); p != NULL && p < end;
         p = strstr(p + 1, "<polyline")) {
        lines++;
    }
    assert_int_equal(lines, 3);
    assert_non_null(strstr(plot, "data-series=\"new findings\""));
    assert_non_null(strstr(plot, "01-30"));
    assert_non_null(strstr(plot, "01-31"));
    assert_non_null(strstr(doc, "<svg id=\"lost-updates-over-time\""));
    assert_non_null(strstr(doc, "seen on 2 of 2 nights"));
    free(doc);
}

static void test_opens_offline(void **state) {
    char *doc = render(*state, true);
    /* Nothing is fetched: a CSP that forbids it, and every "http" in the
     * document is the SVG namespace name. */
    assert_non_null(strstr(doc, "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                                "script-src 'unsafe-inline'; img-src data:\""));
    size_t https = occurrences(doc, "http");
    size_t ns = occurrences(doc, "xmlns=\"http://www.w3.org/2000/svg\"");
    assert_int_equal(https, ns + 1); /* + the http-equiv of the CSP itself */
    assert_null(strstr(doc, " src="));
    assert_null(strstr(doc, "<link"));
    assert_non_null(strstr(doc, "<!DOCTYPE html>"));
    assert_non_null(strstr(doc, "</html>\n"));
    free(doc);
}

static void test_scenario_names_become_safe_unique_ids(void **state) {
    struct html_fixture *fx = *state;
    struct scenario_verdict a = {0}, b = {0};
    a.name = "odd name<x>";
    b.name = "odd_name_x_";
    const struct scenario_verdict *list[] = {&a, &b};
    struct output_run run = fx->run;
    run.scenarios = list;
    run.nscenarios = 2;
    run.findings = NULL;
    char *doc = report_htmlRender(&run, NULL, NULL);
    assert_non_null(strstr(doc, "id=\"histogram-odd_name_x_\""));
    assert_non_null(strstr(doc, "id=\"histogram-odd_name_x_-2\""));
    assert_non_null(strstr(doc, "odd name&lt;x&gt;"));
    assert_non_null(strstr(doc, "No findings."));
    free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup_in_a_title_is_escaped),
        cmocka_unit_test(test_has_a_histogram_per_scenario_coloured_by_class),
        cmocka_unit_test(test_findings_carry_badges_ids_and_stacks),
        cmocka_unit_test(test_history_draws_findings_over_time),
        cmocka_unit_test(test_opens_offline),
        cmocka_unit_test(test_scenario_names_become_safe_unique_ids),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
